// Byte vectors from the OASIS MQTT Version 3.1.1 specification (Plus Errata 01): the
// fixed headers of table 2.1/2.2, the remaining-length boundaries of table 2.4, and the
// non-normative examples of figures 1.1, 3.6, 3.10/3.11, 3.21/3.26, 3.27 and 3.31.
// Each vector is decoded in the role that receives it and encoded back to the same bytes.
#include "support.hpp"

#include <hubwire_test/catch.hpp>

using namespace hubwire::mqtt;
using namespace mqtt_test;

namespace {

// Decodes `wire` (as `receiver`), compares with `expected`, and encodes `expected` to `wire`.
void check_both_ways(role receiver, const bytes& wire, const packet& expected) {
  const auto d = decode(receiver, wire);
  REQUIRE_FALSE(d.ec);
  CHECK(d.used == wire.size());
  CHECK(d.value == expected);
  std::error_code ec;
  CHECK(encode(expected, ec) == wire);
  CHECK_FALSE(ec);
}

} // namespace

TEST_CASE("remaining length boundaries of table 2.4") {
  const std::pair<std::size_t, bytes> table[] = {
      {0, {0x00}},
      {127, {0x7F}},
      {128, {0x80, 0x01}},
      {16'383, {0xFF, 0x7F}},
      {16'384, {0x80, 0x80, 0x01}},
      {2'097'151, {0xFF, 0xFF, 0x7F}},
      {2'097'152, {0x80, 0x80, 0x80, 0x01}},
      {268'435'455, {0xFF, 0xFF, 0xFF, 0x7F}},
  };
  for (const auto& [value, wire] : table) {
    bytes out(4);
    hubwire::core::byte_writer w(out);
    CHECK(encode_remaining_length(value, w) == wire.size());
    out.resize(w.size());
    CHECK(out == wire);
    // A PUBLISH fixed header with this length parses back to it.
    bytes header{0x30};
    header.insert(header.end(), wire.begin(), wire.end());
    fixed_header h;
    std::error_code ec;
    CHECK(parse_fixed_header(header, h, ec) == header.size());
    CHECK_FALSE(ec);
    CHECK(h.remaining_length == value);
  }
  hubwire::core::byte_writer w;
  CHECK(encode_remaining_length(268'435'456, w) == 0);
}

TEST_CASE("CONNECT: figure 3.6 variable header with will, user name and password") {
  // Figure 3.6: protocol name "MQTT", level 4, flags 0xCE (user name, password, will
  // QoS 1, will flag, clean session), keep alive 10. Payload fields in 3.1.3 order.
  const bytes wire = cat({{0x10, 0x24, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0xCE, 0x00, 0x0A},
                          {0x00, 0x03}, str("dev"),
                          {0x00, 0x03}, str("a/b"),
                          {0x00, 0x02}, str("hi"),
                          {0x00, 0x04}, str("user"),
                          {0x00, 0x04}, str("pass")});
  connect c{.client_id = "dev",
            .clean_session = true,
            .keep_alive = 10,
            .will = will_message{"a/b", "hi", qos::at_least_once, false},
            .username = "user",
            .password = "pass"};
  check_both_ways(role::server, wire, c);
}

TEST_CASE("CONNECT: minimal, empty client id, clean session") {
  check_both_ways(role::server, {0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00},
                  connect{.client_id = "", .clean_session = true, .keep_alive = 60});
}

TEST_CASE("CONNACK: fixed header 0x20 0x02, session present and every return code") {
  check_both_ways(role::client, {0x20, 0x02, 0x00, 0x00}, connack{});
  check_both_ways(role::client, {0x20, 0x02, 0x01, 0x00}, connack{true, connect_return_code::accepted});
  for (std::uint8_t rc = 1; rc <= 5; ++rc)
    check_both_ways(role::client, {0x20, 0x02, 0x00, rc}, connack{false, static_cast<connect_return_code>(rc)});
}

TEST_CASE("PUBLISH: figure 3.10 topic a/b with packet identifier 10, both directions") {
  const bytes wire = cat({{0x32, 0x0A, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x0A}, str("hi!")});
  const publish p{.topic = "a/b", .payload = "hi!", .qos = qos::at_least_once, .packet_id = 10};
  check_both_ways(role::client, wire, p);
  check_both_ways(role::server, wire, p);
  // QoS 0 has no packet identifier; DUP, QoS 2 and RETAIN are the flag bits 3, 2-1, 0.
  check_both_ways(role::client, cat({{0x30, 0x05, 0x00, 0x03, 'a', '/', 'b'}}), publish{.topic = "a/b"});
  check_both_ways(role::client, {0x3D, 0x07, 0x00, 0x03, 'a', '/', 'b', 0x12, 0x34},
                  publish{.topic = "a/b", .qos = qos::exactly_once, .dup = true, .retain = true, .packet_id = 0x1234});
}

TEST_CASE("PUBLISH: figure 1.1 UTF-8 topic A U+2A6D4") {
  const bytes wire{0x30, 0x07, 0x00, 0x05, 0x41, 0xF0, 0xAA, 0x9B, 0x94};
  check_both_ways(role::client, wire, publish{.topic = "A\xF0\xAA\x9B\x94"});
}

TEST_CASE("PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK: fixed headers and packet identifier") {
  for (const role r : {role::client, role::server}) {
    check_both_ways(r, {0x40, 0x02, 0x00, 0x0A}, puback{10});
    check_both_ways(r, {0x50, 0x02, 0x00, 0x0A}, pubrec{10});
    check_both_ways(r, {0x62, 0x02, 0x00, 0x0A}, pubrel{10});
    check_both_ways(r, {0x70, 0x02, 0xFF, 0xFF}, pubcomp{65535});
  }
  check_both_ways(role::client, {0xB0, 0x02, 0x00, 0x0A}, unsuback{10});
}

TEST_CASE("SUBSCRIBE: figures 3.21 and 3.26, a/b QoS 1 and c/d QoS 2") {
  const bytes wire{0x82, 0x0E, 0x00, 0x0A, 0x00, 0x03, 'a', '/', 'b', 0x01, 0x00, 0x03, 'c', '/', 'd', 0x02};
  check_both_ways(role::server, wire, subscribe{10, {{"a/b", qos::at_least_once}, {"c/d", qos::exactly_once}}});
}

TEST_CASE("SUBACK: figure 3.27, QoS 0, QoS 2 and failure") {
  const bytes wire{0x90, 0x05, 0x00, 0x0A, 0x00, 0x02, 0x80};
  check_both_ways(role::client, wire,
                  suback{10, {suback_code::granted_qos0, suback_code::granted_qos2, suback_code::failure}});
}

TEST_CASE("UNSUBSCRIBE: figure 3.31, a/b and c/d") {
  const bytes wire{0xA2, 0x0C, 0x00, 0x0A, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x03, 'c', '/', 'd'};
  check_both_ways(role::server, wire, unsubscribe{10, {"a/b", "c/d"}});
}

TEST_CASE("PINGREQ, PINGRESP, DISCONNECT: two-byte packets") {
  check_both_ways(role::server, {0xC0, 0x00}, pingreq{});
  check_both_ways(role::client, {0xD0, 0x00}, pingresp{});
  check_both_ways(role::server, {0xE0, 0x00}, disconnect{});
}

TEST_CASE("decoded strings and payloads view into the caller's buffer") {
  const bytes wire = cat({{0x30, 0x08, 0x00, 0x03, 'a', '/', 'b'}, str("xyz")});
  decoder d;
  std::error_code ec;
  REQUIRE(d.put(wire, ec) == wire.size());
  const auto& p = std::get<publish>(d.value());
  CHECK(reinterpret_cast<const std::uint8_t*>(p.topic.data()) == wire.data() + 4);
  CHECK(reinterpret_cast<const std::uint8_t*>(p.payload.data()) == wire.data() + 7);
}

TEST_CASE("the decoder consumes one packet and leaves the next one in the buffer") {
  const bytes wire{0x40, 0x02, 0x00, 0x01, 0xD0, 0x00};
  decoder d;
  std::error_code ec;
  CHECK(d.put(wire, ec) == 4);
  CHECK(d.value() == packet(puback{1}));
  CHECK(d.put(std::span(wire).subspan(4), ec) == 2);
  CHECK(d.value() == packet(pingresp{}));
}
