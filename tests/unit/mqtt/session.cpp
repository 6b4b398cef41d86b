// The MQTT client session under virtual time, on scripted broker bytes. The broker's
// packets are written out byte by byte from the fixed and variable header layouts of
// OASIS MQTT 3.1.1 section 3 (CONNACK 3.2, PUBLISH 3.3, PUBACK 3.4, SUBACK 3.9,
// PINGRESP 3.13); what the session sends is read back with the codec's server-role
// decoder, so each assertion is about bytes on the wire.
#include <hubwire/mqtt/session.hpp>
#include <hubwire_test/catch.hpp>

#include <chrono>
#include <deque>
#include <string>
#include <vector>

using namespace hubwire;
using namespace std::chrono_literals;
using mqtt::session_errc;
using kind = mqtt::session_event::kind;
using bytes = std::vector<std::uint8_t>;

namespace {

bytes connack(bool session_present, std::uint8_t code = 0) { return {0x20, 0x02, std::uint8_t(session_present ? 1 : 0), code}; }
bytes suback(std::uint16_t id, std::uint8_t code) { return {0x90, 0x03, std::uint8_t(id >> 8), std::uint8_t(id), code}; }
bytes puback(std::uint16_t id) { return {0x40, 0x02, std::uint8_t(id >> 8), std::uint8_t(id)}; }
const bytes pingresp{0xd0, 0x00};

// PUBLISH (3.3): first byte 0x30 | DUP << 3 | QoS << 1, topic, packet id for QoS > 0, payload.
bytes publish(std::string_view topic, std::string_view payload, int qos, std::uint16_t id = 0, bool dup = false) {
  bytes b{std::uint8_t(0x30 | (dup ? 0x08 : 0) | (qos << 1)), 0};
  b.push_back(std::uint8_t(topic.size() >> 8));
  b.push_back(std::uint8_t(topic.size()));
  b.insert(b.end(), topic.begin(), topic.end());
  if (qos > 0) {
    b.push_back(std::uint8_t(id >> 8));
    b.push_back(std::uint8_t(id));
  }
  b.insert(b.end(), payload.begin(), payload.end());
  b[1] = std::uint8_t(b.size() - 2); // tests keep packets under 128 bytes
  return b;
}

struct harness {
  mqtt::client_session s;
  mqtt::client_session::time_point now{std::chrono::hours(1000)};
  std::vector<mqtt::session_event> events;
  std::vector<std::string> payloads; // message events' payloads, copied before the input goes

  explicit harness(mqtt::session_options o = default_options()) : s(std::move(o)) {}

  static mqtt::session_options default_options() {
    return {.client_id = "dev-1",
            .username = "hub.example/dev-1/?api-version=2021-04-12",
            .password = "SharedAccessSignature sr=x&sig=y&se=1",
            .keep_alive = 60s,
            .response_timeout = 10s,
            .subscriptions = {"devices/dev-1/messages/devicebound/#"},
            .max_inflight = 4};
  }

  // Everything the session queued, as packets a broker would decode.
  std::vector<mqtt::packet> sent() {
    std::vector<mqtt::packet> out;
    const auto w = s.begin_write();
    const bytes& copy = written.emplace_back(w.begin(), w.end()); // the packets view into it
    std::error_code ec;
    s.end_write(now, ec);
    last_write_ec = ec;
    mqtt::decoder d({.local = mqtt::role::server});
    core::bytes_view in(copy);
    while (!in.empty()) {
      const auto n = d.put(in, ec);
      REQUIRE_FALSE(ec);
      out.push_back(d.value());
      in = in.subspan(n);
    }
    return out;
  }

  // Feeds bytes one at a time (the session must cope with any split); returns the error.
  std::error_code feed(const bytes& b) {
    bytes buf;
    for (auto byte : b) {
      buf.push_back(byte);
      std::error_code ec;
      mqtt::session_event ev;
      const auto used = s.put(buf, now, ev, ec);
      if (ec == mqtt::errc::need_more) continue;
      if (ec) return ec;
      REQUIRE(used == buf.size());
      if (ev.type == kind::message) payloads.emplace_back(ev.message.payload);
      events.push_back(ev);
      buf.clear();
    }
    REQUIRE(buf.empty());
    return {};
  }

  std::error_code tick(std::chrono::milliseconds d) {
    now += d;
    std::error_code ec;
    if (s.next_deadline() <= now) s.on_timer(now, ec);
    return ec;
  }

  // start, CONNECT out, CONNACK in, SUBSCRIBE out, SUBACK in.
  void open(bool session_present = false) {
    REQUIRE_FALSE(s.start(now));
    auto p = sent();
    REQUIRE(p.size() == 1);
    REQUIRE(std::holds_alternative<mqtt::connect>(p[0]));
    REQUIRE_FALSE(feed(connack(session_present)));
    p = sent();
    subscribe_id = 0;
    for (auto& x : p)
      if (auto* sub = std::get_if<mqtt::subscribe>(&x)) subscribe_id = sub->packet_id;
    REQUIRE(subscribe_id != 0);
    REQUIRE_FALSE(feed(suback(subscribe_id, 0x01)));
    REQUIRE(events.back().type == kind::ready);
    REQUIRE(s.state() == mqtt::session_state::ready);
    events.clear();
  }

  std::error_code last_write_ec;
  std::deque<bytes> written;
  std::uint16_t subscribe_id = 0;
};

} // namespace

TEST_CASE("session: CONNECT carries the options, SUBSCRIBE follows CONNACK at QoS 1, SUBACK makes it ready") {
  harness h;
  REQUIRE_FALSE(h.s.start(h.now));
  auto p = h.sent();
  REQUIRE(p.size() == 1);
  const auto& c = std::get<mqtt::connect>(p[0]);
  CHECK(c.client_id == "dev-1");
  CHECK_FALSE(c.clean_session);
  CHECK(c.keep_alive == 60);
  CHECK(*c.username == "hub.example/dev-1/?api-version=2021-04-12");
  CHECK(*c.password == "SharedAccessSignature sr=x&sig=y&se=1");
  CHECK(h.sent().empty()); // nothing else before CONNACK

  REQUIRE_FALSE(h.feed(connack(false)));
  CHECK(h.events.back().type == kind::none);
  p = h.sent();
  REQUIRE(p.size() == 1);
  const auto& sub = std::get<mqtt::subscribe>(p[0]);
  REQUIRE(sub.subscriptions.size() == 1);
  CHECK(sub.subscriptions[0].filter == "devices/dev-1/messages/devicebound/#");
  CHECK(sub.subscriptions[0].max_qos == mqtt::qos::at_least_once);
  CHECK(h.s.state() == mqtt::session_state::subscribing);

  REQUIRE_FALSE(h.feed(suback(sub.packet_id, 0x01)));
  CHECK(h.events.back().type == kind::ready);
  CHECK_FALSE(h.events.back().session_present);
  CHECK(h.s.state() == mqtt::session_state::ready);
}

TEST_CASE("session: each CONNACK refusal code is its own error") {
  const std::pair<std::uint8_t, session_errc> cases[] = {
      {1, session_errc::refused_protocol_version}, {2, session_errc::refused_identifier},
      {3, session_errc::refused_server_unavailable}, {4, session_errc::refused_bad_credentials},
      {5, session_errc::refused_not_authorized}};
  for (auto [code, want] : cases) {
    harness h;
    REQUIRE_FALSE(h.s.start(h.now));
    h.sent();
    CHECK(h.feed(connack(false, code)) == want);
    CHECK(mqtt::is_permanent(want) == (code != 3));
  }
}

TEST_CASE("session: a SUBACK failure code is an error, not a silent success") {
  harness h;
  REQUIRE_FALSE(h.s.start(h.now));
  h.sent();
  REQUIRE_FALSE(h.feed(connack(false)));
  const auto id = std::get<mqtt::subscribe>(h.sent()[0]).packet_id;
  CHECK(h.feed(suback(id, 0x80)) == session_errc::subscription_refused);
}

TEST_CASE("session: a SUBACK for another packet id is refused") {
  harness h;
  REQUIRE_FALSE(h.s.start(h.now));
  h.sent();
  REQUIRE_FALSE(h.feed(connack(false)));
  const auto id = std::get<mqtt::subscribe>(h.sent()[0]).packet_id;
  CHECK(h.feed(suback(static_cast<std::uint16_t>(id + 1), 0x01)) == session_errc::unknown_packet_id);
}

TEST_CASE("session: no CONNACK, or no SUBACK, within the response time-out fails the connection") {
  harness h;
  REQUIRE_FALSE(h.s.start(h.now));
  h.sent();
  CHECK(h.s.next_deadline() == h.now + 10s);
  CHECK_FALSE(h.tick(9s));
  CHECK(h.tick(1s) == session_errc::response_timeout);

  harness g;
  REQUIRE_FALSE(g.s.start(g.now));
  g.sent();
  REQUIRE_FALSE(g.feed(connack(false)));
  g.sent();
  CHECK_FALSE(g.tick(9'999ms));
  CHECK(g.tick(1ms) == session_errc::response_timeout);
}

TEST_CASE("session: an inbound QoS 1 message is acknowledged only when the application says so") {
  harness h;
  h.open();
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/%24.mid=7", "hello", 1, 42)));
  REQUIRE(h.events.size() == 1);
  CHECK(h.events[0].type == kind::message);
  CHECK(h.events[0].message.packet_id == 42);
  CHECK(h.payloads[0] == "hello");
  CHECK(h.sent().empty()); // no PUBACK yet
  CHECK(h.s.outstanding() == 1);

  REQUIRE_FALSE(h.s.acknowledge(42, h.s.epoch()));
  auto p = h.sent();
  REQUIRE(p.size() == 1);
  CHECK(std::get<mqtt::puback>(p[0]).packet_id == 42);
  CHECK(h.s.acknowledge(42, h.s.epoch()) == session_errc::lock_lost); // twice
  CHECK(h.s.acknowledge(43, h.s.epoch()) == session_errc::lock_lost); // never received
}

TEST_CASE("session: QoS 0 messages need no acknowledgement, QoS 2 is refused") {
  harness h;
  h.open();
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/", "q0", 0)));
  CHECK(h.events.back().type == kind::message);
  CHECK(h.s.outstanding() == 0);
  CHECK(h.sent().empty());
  CHECK(h.feed(publish("devices/dev-1/messages/devicebound/", "q2", 2, 5)) == session_errc::qos2_not_supported);
}

TEST_CASE("session: packets the broker may not send now are protocol violations") {
  {
    harness h;
    REQUIRE_FALSE(h.s.start(h.now));
    h.sent();
    CHECK(h.feed(publish("devices/dev-1/messages/devicebound/", "early", 1, 1)) == session_errc::protocol_violation);
  }
  {
    harness h;
    h.open();
    CHECK(h.feed(connack(false)) == session_errc::protocol_violation);
  }
  {
    harness h;
    h.open();
    CHECK(h.feed({0x50, 0x02, 0x00, 0x01}) == session_errc::protocol_violation); // PUBREC
  }
  {
    harness h;
    h.open();
    // A malformed packet (PUBACK with remaining length 3) is reported by the decoder
    // and also ends the session's connection.
    std::error_code ec;
    mqtt::session_event ev;
    const bytes bad{0x40, 0x03, 0x00, 0x01, 0x00};
    h.s.put(bad, h.now, ev, ec);
    CHECK(ec == mqtt::errc::trailing_bytes);
    CHECK(h.s.state() == mqtt::session_state::idle);
  }
}

TEST_CASE("session: outbound QoS 1 gets packet ids, stays in flight until PUBACK, and is bounded") {
  harness h;
  h.open();
  std::uint16_t ids[4]{};
  for (auto& id : ids) REQUIRE_FALSE(h.s.publish("devices/dev-1/messages/events/", core::as_bytes("t"), mqtt::qos::at_least_once, id));
  std::uint16_t extra = 0;
  CHECK(h.s.publish("devices/dev-1/messages/events/", core::as_bytes("t"), mqtt::qos::at_least_once, extra) == session_errc::inflight_full);
  auto p = h.sent();
  REQUIRE(p.size() == 4);
  for (int i = 0; i < 4; ++i) {
    const auto& pub = std::get<mqtt::publish>(p[i]);
    CHECK(pub.packet_id == ids[i]);
    CHECK(pub.qos == mqtt::qos::at_least_once);
    CHECK_FALSE(pub.dup);
    for (int j = 0; j < i; ++j) CHECK(ids[i] != ids[j]);
  }
  REQUIRE_FALSE(h.feed(puback(ids[2])));
  CHECK(h.events.back().type == kind::published);
  CHECK(h.events.back().packet_id == ids[2]);
  CHECK(h.s.inflight() == 3);
  REQUIRE_FALSE(h.s.publish("devices/dev-1/messages/events/", core::as_bytes("t"), mqtt::qos::at_least_once, extra));
  CHECK(extra != ids[0]);
  CHECK(extra != ids[1]);
  CHECK(extra != ids[3]);
  // A PUBACK for an id not in flight acknowledges nothing and is tolerated.
  REQUIRE_FALSE(h.feed(puback(ids[2])));
  CHECK(h.events.back().type == kind::none);
}

TEST_CASE("session: keep-alive sends PINGREQ when idle and detects a dead peer") {
  harness h;
  h.open();
  CHECK(h.s.next_deadline() == h.now + 60s);
  CHECK_FALSE(h.tick(59s));
  CHECK(h.sent().empty());
  CHECK_FALSE(h.tick(1s));
  auto p = h.sent();
  REQUIRE(p.size() == 1);
  CHECK(std::holds_alternative<mqtt::pingreq>(p[0]));
  CHECK(h.s.next_deadline() == h.now + 10s);
  REQUIRE_FALSE(h.feed(pingresp));
  CHECK(h.s.next_deadline() == h.now + 60s); // idle again from now

  // Traffic in both directions postpones the ping; silence from the broker does not.
  CHECK_FALSE(h.tick(30s));
  std::uint16_t id = 0;
  REQUIRE_FALSE(h.s.publish("devices/dev-1/messages/events/", core::as_bytes("x"), mqtt::qos::at_most_once, id));
  h.sent();
  CHECK(h.s.next_deadline() == h.now + 30s); // the broker has been silent since the PINGRESP

  CHECK_FALSE(h.tick(30s));
  REQUIRE(std::holds_alternative<mqtt::pingreq>(h.sent().at(0)));
  CHECK_FALSE(h.tick(9s));
  CHECK(h.tick(1s) == session_errc::ping_timeout);
}

TEST_CASE("session: a reconnect with the session present re-sends, suppresses redeliveries, and keeps acknowledgements") {
  harness h;
  h.open();
  // One telemetry message in flight, two C2D messages held by the application, one
  // of which it acknowledges just before the connection drops (PUBACK never written).
  std::uint16_t out_id = 0;
  REQUIRE_FALSE(h.s.publish("devices/dev-1/messages/events/", core::as_bytes("t1"), mqtt::qos::at_least_once, out_id));
  h.sent();
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/", "m1", 1, 7)));
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/", "m2", 1, 8)));
  const auto epoch = h.s.epoch();
  REQUIRE_FALSE(h.s.acknowledge(7, epoch));
  h.s.connection_lost();
  h.events.clear();
  h.payloads.clear();

  REQUIRE_FALSE(h.s.start(h.now));
  h.sent();
  REQUIRE_FALSE(h.feed(connack(true)));
  auto p = h.sent();
  // PUBACK 7 again, the telemetry PUBLISH again with DUP, then SUBSCRIBE.
  REQUIRE(p.size() == 3);
  CHECK(std::get<mqtt::puback>(p[0]).packet_id == 7);
  const auto& again = std::get<mqtt::publish>(p[1]);
  CHECK(again.packet_id == out_id);
  CHECK(again.dup);
  CHECK(again.payload == "t1");
  const auto sub_id = std::get<mqtt::subscribe>(p[2]).packet_id;

  // The broker redelivers both C2D messages (DUP): neither is handed out twice.
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/", "m1", 1, 7, true)));
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/", "m2", 1, 8, true)));
  CHECK(h.payloads.empty());
  REQUIRE_FALSE(h.feed(suback(sub_id, 0x01)));
  CHECK(h.events.back().session_present);
  CHECK(h.s.epoch() == epoch);
  // The message held across the reconnect is acknowledged on the new connection.
  REQUIRE_FALSE(h.s.acknowledge(8, epoch));
  p = h.sent();
  REQUIRE(p.size() == 1);
  CHECK(std::get<mqtt::puback>(p[0]).packet_id == 8);
  REQUIRE_FALSE(h.feed(puback(out_id)));
  CHECK(h.events.back().type == kind::published);
}

TEST_CASE("session: when the broker lost the session, earlier messages can no longer be acknowledged") {
  harness h;
  h.open();
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/", "m1", 1, 7)));
  const auto epoch = h.s.epoch();
  h.s.connection_lost();
  REQUIRE_FALSE(h.s.start(h.now));
  h.sent();
  REQUIRE_FALSE(h.feed(connack(false)));
  CHECK(h.s.epoch() != epoch);
  CHECK(h.s.acknowledge(7, epoch) == session_errc::lock_lost);
  // The broker may now use id 7 for a new message, which is handed out.
  h.sent();
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/", "new", 1, 7)));
  CHECK(h.payloads.back() == "new");
  CHECK_FALSE(h.s.acknowledge(7, h.s.epoch()));
}

TEST_CASE("session: acknowledging while disconnected sends the PUBACK after the next CONNACK") {
  harness h;
  h.open();
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/", "m1", 1, 9)));
  h.s.connection_lost();
  REQUIRE_FALSE(h.s.acknowledge(9, h.s.epoch()));
  REQUIRE_FALSE(h.s.start(h.now));
  h.sent();
  REQUIRE_FALSE(h.feed(connack(true)));
  auto p = h.sent();
  REQUIRE(p.size() == 2);
  CHECK(std::get<mqtt::puback>(p[0]).packet_id == 9);
  // The broker's redelivery of 9 crossed that PUBACK: not handed out again. A later
  // message under id 9 without DUP is a new one.
  h.payloads.clear();
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/", "m1", 1, 9, true)));
  CHECK(h.payloads.empty());
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/", "m9", 1, 9)));
  REQUIRE(h.payloads.size() == 1);
  CHECK(h.payloads[0] == "m9");
}

TEST_CASE("session: renewal sends DISCONNECT after what is queued, then starts again") {
  harness h;
  h.open();
  h.s.renew_at(h.now + 100s);
  CHECK(h.s.next_deadline() == h.now + 60s); // keep-alive comes first
  CHECK_FALSE(h.tick(60s));
  REQUIRE(std::holds_alternative<mqtt::pingreq>(h.sent().at(0)));
  REQUIRE_FALSE(h.feed(pingresp));
  REQUIRE_FALSE(h.feed(publish("devices/dev-1/messages/devicebound/", "m1", 1, 3)));
  REQUIRE_FALSE(h.s.acknowledge(3, h.s.epoch()));
  CHECK_FALSE(h.tick(40s));
  auto p = h.sent();
  REQUIRE(p.size() == 2);
  CHECK(std::get<mqtt::puback>(p[0]).packet_id == 3);
  CHECK(std::holds_alternative<mqtt::disconnect>(p[1]));
  CHECK(h.last_write_ec == session_errc::renewal_due);
  CHECK(h.s.state() == mqtt::session_state::idle);

  h.s.set_password("fresh");
  REQUIRE_FALSE(h.s.start(h.now));
  p = h.sent();
  CHECK(*std::get<mqtt::connect>(p.at(0)).password == "fresh");
}

TEST_CASE("session: disconnect() ends the connection with `closed` once DISCONNECT is written") {
  harness h;
  h.open();
  h.s.disconnect();
  CHECK(h.s.state() == mqtt::session_state::closing);
  auto p = h.sent();
  REQUIRE(p.size() == 1);
  CHECK(std::holds_alternative<mqtt::disconnect>(p[0]));
  CHECK(h.last_write_ec == session_errc::closed);
  CHECK(h.s.state() == mqtt::session_state::closed);
  std::uint16_t id = 0;
  CHECK(h.s.publish("devices/dev-1/messages/events/", core::as_bytes("x"), mqtt::qos::at_most_once, id) == session_errc::not_connected);
}

TEST_CASE("session: begin_write hands out one write at a time, in order") {
  harness h;
  h.open();
  std::uint16_t a = 0, b = 0;
  REQUIRE_FALSE(h.s.publish("devices/dev-1/messages/events/", core::as_bytes("a"), mqtt::qos::at_least_once, a));
  const auto first = h.s.begin_write();
  const bytes first_copy(first.begin(), first.end());
  REQUIRE_FALSE(h.s.publish("devices/dev-1/messages/events/", core::as_bytes("b"), mqtt::qos::at_least_once, b));
  CHECK(h.s.begin_write().empty()); // the first write is still outstanding
  CHECK(bytes(first.begin(), first.end()) == first_copy); // and its bytes did not move
  std::error_code ec;
  h.s.end_write(h.now, ec);
  const auto p = h.sent();
  REQUIRE(p.size() == 1);
  CHECK(std::get<mqtt::publish>(p[0]).payload == "b");
}

TEST_CASE("session: while input is paused, PINGREQs still go out and no PINGRESP is required") {
  harness h;
  h.open();
  h.s.set_input_paused(true);
  CHECK_FALSE(h.tick(60s));
  REQUIRE(std::holds_alternative<mqtt::pingreq>(h.sent().at(0)));
  // The PINGRESP sits unread; its deadline is not enforced, and pings continue.
  CHECK(h.s.next_deadline() == h.now + 60s);
  CHECK_FALSE(h.tick(60s));
  REQUIRE(std::holds_alternative<mqtt::pingreq>(h.sent().at(0)));
  // Reading again: the answers are read; dead-peer detection is back.
  h.s.set_input_paused(false);
  REQUIRE_FALSE(h.feed(pingresp));
  REQUIRE_FALSE(h.feed(pingresp));
  CHECK_FALSE(h.tick(60s));
  REQUIRE(std::holds_alternative<mqtt::pingreq>(h.sent().at(0)));
  CHECK(h.tick(10s) == session_errc::ping_timeout);
}

// Found by fuzz/device_mqtt_client (crashes/puback_before_publish_written): telemetry
// queued before the connection, and a broker whose CONNACK, SUBACK and PUBACK came in one
// read. The PUBACK counted for the PUBLISH still queued behind the CONNACK's reply, the
// client reported the telemetry delivered, and the connection then failed before it
// was ever written.
TEST_CASE("session: a PUBACK for a PUBLISH not yet handed to the transport acknowledges nothing") {
  harness h;
  std::uint16_t id = 0;
  REQUIRE_FALSE(h.s.publish("devices/dev-1/messages/events/", core::as_bytes("t"), mqtt::qos::at_least_once, id));
  REQUIRE_FALSE(h.s.start(h.now));
  REQUIRE(h.sent().size() == 1); // CONNECT
  REQUIRE_FALSE(h.feed(connack(false)));
  REQUIRE_FALSE(h.feed(puback(id))); // before SUBSCRIBE and PUBLISH are written
  CHECK(h.events.back().type == kind::none);
  CHECK(h.s.inflight() == 1);
  int publishes = 0;
  for (const auto& x : h.sent())
    if (const auto* pub = std::get_if<mqtt::publish>(&x)) publishes += pub->packet_id == id;
  CHECK(publishes == 1);
  REQUIRE_FALSE(h.feed(puback(id)));
  CHECK(h.events.back().type == kind::published);
  CHECK(h.events.back().packet_id == id);
  CHECK(h.s.inflight() == 0);

  // Likewise on an open connection: published, then PUBACKed before begin_write().
  REQUIRE_FALSE(h.s.publish("devices/dev-1/messages/events/", core::as_bytes("u"), mqtt::qos::at_least_once, id));
  REQUIRE_FALSE(h.feed(puback(id)));
  CHECK(h.events.back().type == kind::none);
  CHECK(h.s.inflight() == 1);
}
