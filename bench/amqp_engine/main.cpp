// Messages through a client<->server pair of in-memory AMQP engines: the client sends
// unsettled messages on one link as credit allows (receiver credit window 1000), the
// server receives each whole message, accepts and settles it, and the client sees the
// settlement. hubwire's engine pair and qpid-proton's pn_connection_driver pair
// (proton-core, no SASL, no I/O) run the same exchange on the same message bytes in
// the same run; CPU time per message is the process CPU clock over the exchange.
//   bench: amqp_engine_hubwire <msgs/s> msg/s, <ns> cpu_ns/msg
//   bench: amqp_engine ratio_vs_proton <hubwire cpu per msg / proton cpu per msg>
#include <hubwire/amqp/engine.hpp>
#include <hubwire/amqp/message.hpp>

#include <proton/connection.h>
#include <proton/connection_driver.h>
#include <proton/delivery.h>
#include <proton/disposition.h>
#include <proton/event.h>
#include <proton/link.h>
#include <proton/session.h>
#include <proton/transport.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

using namespace hubwire::amqp;
using bytes = std::vector<std::uint8_t>;

namespace {

constexpr std::uint32_t credit_window = 1000;

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}
double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct figures {
  double cpu = 0, wall = 0;
};

// --- hubwire ----------------------------------------------------------------------

figures run_hubwire(const bytes& msg, std::uint32_t n) {
  connection_config cc;
  cc.container_id = "bench-client";
  connection_config sc;
  sc.role = endpoint_role::server;
  sc.container_id = "bench-server";
  sc.limits.max_unsettled = 4096;
  engine client(cc), server(sc);
  engine::time_point now{};
  client.start(now);
  server.start(now);
  const session_id s = client.begin_session().value();
  const link_id tx = client.attach(s, {.name = "bench", .role = role::sender, .target = "q"}).value();
  std::uint32_t sent = 0, received = 0, settled = 0;
  bytes wire;
  event ev;
  const std::uint8_t tag[4] = {1, 2, 3, 4};
  auto move = [&](engine& from, engine& to) {
    const auto out = from.output();
    if (out.empty()) return false;
    to.put(out, now);
    from.consume(out.size());
    return true;
  };
  const double c0 = cpu_seconds(), w0 = wall_seconds();
  while (settled < n) {
    while (sent < n && client.credit(tx) > 0) {
      if (!client.send(tx, tag, msg)) break;
      ++sent;
    }
    bool moved = move(client, server);
    while (server.poll(ev)) {
      if (ev.kind == event_kind::link_attached) (void)server.flow(ev.link, credit_window);
      else if (ev.kind == event_kind::message) {
        ++received;
        (void)server.dispose(ev.link, ev.delivery_id, outcome::accepted());
        if (server.credit(ev.link) < credit_window / 2) (void)server.flow(ev.link, credit_window);
      }
    }
    moved |= move(server, client);
    while (client.poll(ev))
      if (ev.kind == event_kind::disposition && ev.settled) ++settled;
    if (!moved && sent == n && settled < n) throw std::runtime_error("hubwire pair stalled");
  }
  figures f{cpu_seconds() - c0, wall_seconds() - w0};
  if (received != n) throw std::runtime_error("hubwire: lost messages");
  return f;
}

// --- proton -----------------------------------------------------------------------

struct proton_side {
  pn_connection_driver_t d{};
  bool server = false;
  std::uint32_t received = 0, settled = 0;
  std::vector<char> buf;
};

void move(pn_connection_driver_t& from, pn_connection_driver_t& to, bool& moved) {
  const pn_bytes_t out = pn_connection_driver_write_buffer(&from);
  if (out.size == 0) return;
  std::size_t done = 0;
  while (done < out.size) {
    const pn_rwbytes_t in = pn_connection_driver_read_buffer(&to);
    if (in.size == 0) break;
    const std::size_t k = std::min(in.size, out.size - done);
    std::memcpy(in.start, out.start + done, k);
    pn_connection_driver_read_done(&to, k);
    done += k;
  }
  pn_connection_driver_write_done(&from, done);
  moved = moved || done > 0;
}

void handle(proton_side& p, std::uint32_t& sent, std::uint32_t n, const bytes& msg) {
  while (pn_event_t* e = pn_connection_driver_next_event(&p.d)) {
    switch (pn_event_type(e)) {
      case PN_CONNECTION_REMOTE_OPEN:
        if (p.server) pn_connection_open(pn_event_connection(e));
        break;
      case PN_SESSION_REMOTE_OPEN:
        if (p.server) pn_session_open(pn_event_session(e));
        break;
      case PN_LINK_REMOTE_OPEN:
        if (p.server) {
          pn_link_t* l = pn_event_link(e);
          pn_terminus_copy(pn_link_target(l), pn_link_remote_target(l));
          pn_link_open(l);
          pn_link_flow(l, static_cast<int>(credit_window));
        }
        break;
      case PN_LINK_FLOW: {
        pn_link_t* l = pn_event_link(e);
        if (!p.server)
          while (sent < n && pn_link_credit(l) > 0) {
            pn_delivery_t* dlv = pn_delivery(l, pn_dtag("\1\2\3\4", 4));
            pn_link_send(l, reinterpret_cast<const char*>(msg.data()), msg.size());
            pn_link_advance(l);
            (void)dlv;
            ++sent;
          }
        break;
      }
      case PN_DELIVERY: {
        pn_delivery_t* dlv = pn_event_delivery(e);
        pn_link_t* l = pn_delivery_link(dlv);
        if (p.server) {
          if (!pn_delivery_readable(dlv) || pn_delivery_partial(dlv)) break;
          const std::size_t pending = pn_delivery_pending(dlv);
          if (p.buf.size() < pending) p.buf.resize(pending);
          pn_link_recv(l, p.buf.data(), pending);
          pn_link_advance(l);
          pn_delivery_update(dlv, PN_ACCEPTED);
          pn_delivery_settle(dlv);
          ++p.received;
          if (pn_link_credit(l) < static_cast<int>(credit_window / 2))
            pn_link_flow(l, static_cast<int>(credit_window) - pn_link_credit(l));
        } else if (pn_delivery_settled(dlv)) {
          pn_delivery_settle(dlv);
          ++p.settled;
        }
        break;
      }
      default: break;
    }
  }
}

figures run_proton(const bytes& msg, std::uint32_t n) {
  proton_side c, s;
  s.server = true;
  if (pn_connection_driver_init(&c.d, nullptr, nullptr) != 0 || pn_connection_driver_init(&s.d, nullptr, nullptr) != 0)
    throw std::runtime_error("pn_connection_driver_init");
  pn_transport_set_server(s.d.transport);
  pn_connection_set_container(c.d.connection, "bench-client");
  pn_connection_set_container(s.d.connection, "bench-server");
  pn_connection_open(c.d.connection);
  pn_session_t* ssn = pn_session(c.d.connection);
  pn_session_open(ssn);
  pn_link_t* snd = pn_sender(ssn, "bench");
  pn_terminus_set_address(pn_link_target(snd), "q");
  pn_link_open(snd);
  std::uint32_t sent = 0, unused = 0;
  const double c0 = cpu_seconds(), w0 = wall_seconds();
  while (c.settled < n) {
    handle(c, sent, n, msg);
    // sends are also driven here: credit may be left after a flow event was handled
    while (sent < n && pn_link_credit(snd) > 0) {
      pn_delivery(snd, pn_dtag("\1\2\3\4", 4));
      pn_link_send(snd, reinterpret_cast<const char*>(msg.data()), msg.size());
      pn_link_advance(snd);
      ++sent;
    }
    bool moved = false;
    move(c.d, s.d, moved);
    handle(s, unused, 0, msg);
    move(s.d, c.d, moved);
    handle(c, sent, n, msg);
    if (!moved && c.settled < n && sent == n && pn_connection_driver_finished(&c.d)) throw std::runtime_error("proton pair stalled");
  }
  figures f{cpu_seconds() - c0, wall_seconds() - w0};
  if (s.received != n) throw std::runtime_error("proton: lost messages");
  pn_connection_driver_destroy(&c.d);
  pn_connection_driver_destroy(&s.d);
  return f;
}

} // namespace

int main(int argc, char** argv) {
  const std::uint32_t n = argc > 1 ? static_cast<std::uint32_t>(std::stoul(argv[1])) : 500000;
  // A C2D-sized message: properties and a 256-byte data section.
  message m;
  message_properties props;
  props.message_id = std::string_view("a2b4c6d8-0000-4000-8000-00000000c2d0");
  props.to = "/devices/device-1/messages/devicebound";
  m.properties = props;
  bytes body_storage, payload(256, 0x5a);
  m.body = make_data_body(body_storage, payload);
  bytes msg;
  encode_message(msg, m);

  // The machine is shared: best of three rounds each, interleaved.
  figures hw{1e300, 1e300}, pn{1e300, 1e300};
  for (int round = 0; round < 3; ++round) {
    const figures a = run_hubwire(msg, n);
    const figures b = run_proton(msg, n);
    if (a.cpu < hw.cpu) hw = a;
    if (b.cpu < pn.cpu) pn = b;
  }
  const double hw_ns = hw.cpu * 1e9 / n, pn_ns = pn.cpu * 1e9 / n;
  std::printf("bench: amqp_engine_message_bytes %zu bytes\n", msg.size());
  std::printf("bench: amqp_engine_messages %u messages\n", n);
  std::printf("bench: amqp_engine_hubwire %.0f msg/s\n", n / hw.wall);
  std::printf("bench: amqp_engine_hubwire %.1f cpu_ns/msg\n", hw_ns);
  std::printf("bench: amqp_engine_proton %.0f msg/s\n", n / pn.wall);
  std::printf("bench: amqp_engine_proton %.1f cpu_ns/msg\n", pn_ns);
  std::printf("bench: amqp_engine ratio_vs_proton %.2f\n", hw_ns / pn_ns);
  return 0;
}
