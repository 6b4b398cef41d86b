// A plain blocking-socket loop around the AMQP engine, for interop tests: the
// engine's resume() step says write, read (until a deadline) or done, and this loop
// does exactly that with send(), poll() and recv(). No Asio: the engine is sans-I/O.
#ifndef HUBWIRE_TEST_ENGINE_DRIVER_HPP
#define HUBWIRE_TEST_ENGINE_DRIVER_HPP

#include <hubwire/amqp/engine.hpp>
#include <hubwire/amqp/message.hpp>
#include <hubwire_test/process.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace engine_interop {

using namespace hubwire::amqp;
using bytes = std::vector<std::uint8_t>;
using steady = std::chrono::steady_clock;

inline int connect_to(std::uint16_t port) {
  const int fd = hubwire_test::connect_loopback(port);
  if (fd < 0) throw std::runtime_error("connect");
  return fd;
}

inline int listen_on(std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 1) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("listen");
  port = ntohs(a.sin_port);
  return fd;
}

struct driver {
  int fd;
  engine& e;
  std::function<void(const event&)> on_event;
  std::vector<event> events;
  std::size_t bytes_in = 0;
  std::size_t bytes_out = 0; // all the engine wrote, to check what it did not send
  bool eof = false;

  driver(int socket, engine& en) : fd(socket), e(en) { e.start(steady::now()); }
  ~driver() { ::close(fd); }

  void drain_events() {
    event ev;
    while (e.poll(ev)) {
      if (on_event) on_event(ev);
      events.push_back(std::move(ev));
    }
  }

  // Runs the engine until `done()` holds, the engine stops, or `timeout` passes.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto end = steady::now() + timeout;
    for (;;) {
      drain_events();
      if (done()) return true;
      const auto now = steady::now();
      if (now >= end || eof) return false;
      const action a = e.resume(now);
      if (a.kind == action::write) {
        const auto n = ::send(fd, a.bytes.data(), a.bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        bytes_out += static_cast<std::size_t>(n);
        e.consume(static_cast<std::size_t>(n));
        continue;
      }
      if (a.kind == action::done) {
        drain_events();
        return done();
      }
      auto until = std::min(end, now + std::chrono::milliseconds(100));
      if (a.deadline && *a.deadline < until) until = *a.deadline;
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<long long>(wait, 0))) > 0) {
        std::uint8_t buf[65536];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
          eof = true;
          continue;
        }
        bytes_in += static_cast<std::size_t>(n);
        e.put(bytes_view(buf, static_cast<std::size_t>(n)), steady::now());
      }
    }
  }

  // Sends `n` messages on `tx` as credit allows (message k is make(k), its tag {k}) and
  // runs until each has an outcome. Returns the disposition events in send order, matched
  // by delivery-id since peers settle in their own order; empty when not all came in
  // time, or one came twice or for a delivery not sent.
  std::vector<event> send_all(link_id tx, std::uint8_t n, const std::function<bytes(std::uint8_t)>& make,
                              std::chrono::milliseconds timeout) {
    std::uint8_t sent = 0;
    std::vector<std::uint32_t> ids;
    on_event = [&](const event& ev) {
      if (ev.kind != event_kind::credit) return;
      for (; sent < n && e.credit(tx) > 0; ++sent) {
        const auto id = e.send(tx, bytes{sent}, make(sent));
        if (!id) return;
        ids.push_back(*id);
      }
    };
    const std::size_t before = count(event_kind::disposition);
    const bool all = run_until([&] { return count(event_kind::disposition) - before >= n; }, timeout);
    on_event = nullptr;
    if (!all) return {};
    std::vector<event> outcomes(n);
    std::vector<bool> seen(n);
    std::size_t index = 0;
    for (const auto& ev : events) {
      if (ev.kind != event_kind::disposition || index++ < before) continue;
      const auto at = std::find(ids.begin(), ids.end(), ev.delivery_id);
      if (at == ids.end() || seen[static_cast<std::size_t>(at - ids.begin())]) return {};
      seen[static_cast<std::size_t>(at - ids.begin())] = true;
      outcomes[static_cast<std::size_t>(at - ids.begin())] = ev;
    }
    return outcomes;
  }

  const event* last(event_kind k) const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
      if (it->kind == k) return &*it;
    return nullptr;
  }
  std::size_t count(event_kind k) const {
    std::size_t n = 0;
    for (const auto& ev : events) n += ev.kind == k;
    return n;
  }
};

// A message with a data body and application property "i" (an int).
inline bytes make_message(bytes_view body, std::int32_t i) {
  message m;
  std::vector<std::uint8_t> body_storage, props;
  m.body = make_data_body(body_storage, body);
  m.application_properties = build_value(props, [&](encoder& enc) {
    enc.begin_map();
    enc.write_string("i");
    enc.write_int(i);
    enc.end_map();
  });
  bytes out;
  encode_message(out, m);
  return out;
}

// The application property "i" of a message, whatever integer type the peer used.
inline std::int64_t property_i(const message& m) {
  if (m.application_properties.type() != kind::map) return -1;
  element_reader r(m.application_properties);
  value k, v;
  while (r.next(k) && r.next(v))
    if (k.type() == kind::string && k.str() == "i") return v.as_signed();
  return -1;
}

} // namespace engine_interop

#endif
