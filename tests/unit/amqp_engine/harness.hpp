// Test harness for the AMQP engine: two engines wired back to back under virtual
// time, and a scripted peer that writes frames with the codec and reads what the
// engine wrote.
#ifndef HUBWIRE_TEST_AMQP_ENGINE_HARNESS_HPP
#define HUBWIRE_TEST_AMQP_ENGINE_HARNESS_HPP

#include <hubwire/amqp/engine.hpp>

#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace engine_test {

using namespace hubwire::amqp;
using namespace std::chrono_literals;
using bytes = std::vector<std::uint8_t>;
using time_point = engine::time_point;

inline bytes to_bytes(std::string_view s) { return bytes(s.begin(), s.end()); }
inline std::string to_string(const bytes& b) { return std::string(b.begin(), b.end()); }

// Every event of one engine, kept for the test to look at.
struct recorder {
  std::deque<event> all; // a deque: pointers to earlier events stay valid as more arrive
  void take(engine& e) {
    event ev;
    while (e.poll(ev)) all.push_back(std::move(ev));
  }
  std::vector<const event*> of(event_kind k) const {
    std::vector<const event*> out;
    for (const auto& e : all)
      if (e.kind == k) out.push_back(&e);
    return out;
  }
  const event* last(event_kind k) const {
    for (auto it = all.rbegin(); it != all.rend(); ++it)
      if (it->kind == k) return &*it;
    return nullptr;
  }
  void clear() { all.clear(); }
};

// Client and server engines connected in memory.
struct pair {
  engine client, server;
  recorder ce, se;
  time_point now{};
  std::size_t frames_moved = 0;

  pair(connection_config c, connection_config s) : client(with_role(std::move(c), endpoint_role::client)),
                                                   server(with_role(std::move(s), endpoint_role::server)) {
    client.start(now);
    server.start(now);
  }
  static connection_config with_role(connection_config c, endpoint_role r) {
    c.role = r;
    return c;
  }
  // Moves bytes both ways until neither side has anything to say.
  void pump() {
    for (int i = 0; i < 1000; ++i) {
      const bytes a(client.output().begin(), client.output().end());
      client.consume(a.size());
      if (!a.empty()) server.put(a, now);
      const bytes b(server.output().begin(), server.output().end());
      server.consume(b.size());
      if (!b.empty()) client.put(b, now);
      ce.take(client);
      se.take(server);
      if (a.empty() && b.empty()) return;
    }
  }
  void advance(std::chrono::milliseconds d) {
    now += d;
    client.tick(now);
    server.tick(now);
  }
};

// One frame as the engine wrote it, decoded; the bytes are kept with it.
struct written {
  std::shared_ptr<bytes> raw;
  frame_header header;
  bool heartbeat = false;
  bool sasl = false;
  performative p;
  sasl_frame s;
  bytes payload;
  template <class T>
  const T* as() const { return heartbeat || sasl ? nullptr : std::get_if<T>(&p); }
};

// A scripted peer: the test writes its frames with the codec; the engine's output is
// split into frames (after the protocol headers) and decoded.
struct scripted {
  engine e;
  recorder ev;
  time_point now{};
  frame_reader reader{1u << 20};
  std::size_t headers_left;

  explicit scripted(connection_config c, std::size_t headers = 1) : e(std::move(c)), headers_left(headers) {}

  void start() { e.start(now); }
  void feed(const bytes& b) {
    e.put(b, now);
    ev.take(e);
  }
  void feed_header(protocol_id id) {
    const auto h = encode_protocol_header({id, 1, 0, 0});
    feed(bytes(h.begin(), h.end()));
  }
  template <class P>
  void send(std::uint16_t channel, const P& p, hubwire::core::bytes_view payload = {}) {
    bytes out;
    const std::size_t start = begin_frame(out, frame_type::amqp, channel);
    encoder enc(out);
    encode(enc, p);
    out.insert(out.end(), payload.begin(), payload.end());
    end_frame(out, start);
    feed(out);
  }
  void send_sasl(const sasl_frame& f) {
    bytes out;
    write_sasl_frame(out, f);
    feed(out);
  }
  // What the engine wrote since the last call; valid until the next call, so that
  // pointers into a frame taken in an expression stay valid after it.
  const std::vector<written>& take() {
    auto raw = std::make_shared<bytes>(e.output().begin(), e.output().end());
    e.consume(raw->size());
    std::vector<written> out;
    hubwire::core::bytes_view in(*raw);
    while (headers_left > 0 && in.size() >= 8) {
      in = in.subspan(8);
      --headers_left;
    }
    while (!in.empty()) {
      std::error_code ec;
      const std::size_t n = reader.put(in, ec);
      in = in.subspan(n);
      if (ec) break;
      const frame f = reader.get();
      written w;
      w.raw = raw;
      w.header = f.header;
      w.heartbeat = f.is_heartbeat();
      w.sasl = f.header.type == frame_type::sasl;
      if (w.sasl) decode_sasl(f.body, w.s);
      else if (!w.heartbeat) {
        hubwire::core::bytes_view payload;
        decode_performative(f.body, w.p, payload);
        w.payload.assign(payload.begin(), payload.end());
      }
      out.push_back(std::move(w));
    }
    taken_ = std::move(out);
    return taken_;
  }
  std::vector<written> taken_;
  // Headers the engine wrote (call before take() when they matter).
  bytes take_raw() {
    bytes raw(e.output().begin(), e.output().end());
    e.consume(raw.size());
    return raw;
  }
};

// The condition of the error a close/end/detach frame carries.
template <class P>
std::string condition(const P& p) {
  return p.error ? std::string(p.error->condition.str) : std::string();
}

} // namespace engine_test

#endif
