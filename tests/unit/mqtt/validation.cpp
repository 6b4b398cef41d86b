// One negative test per rule of the codec, each on bytes built by hand from the
// OASIS 3.1.1 text (the cited normative statement), checked in the decoder and, where
// the rule concerns a value, refused by the encoder too.
#include "support.hpp"

#include <hubwire_test/catch.hpp>

using namespace hubwire::mqtt;
using namespace mqtt_test;

namespace {
const role server = role::server; // decodes what clients send
const role client = role::client; // decodes what servers send

errc encode_error(const packet& p) {
  std::error_code ec;
  encode(p, ec);
  return static_cast<errc>(ec.value());
}

// CONNECT with the given flags byte and payload after the client id "c".
bytes connect_with(std::uint8_t flags, const bytes& tail = {}) {
  bytes body = cat({{0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, flags, 0x00, 0x00, 0x00, 0x01, 'c'}, tail});
  return cat({{0x10, static_cast<std::uint8_t>(body.size())}, body});
}
bytes publish_topic(const bytes& topic) {
  bytes body = cat({{0x00, static_cast<std::uint8_t>(topic.size())}, topic});
  return cat({{0x30, static_cast<std::uint8_t>(body.size())}, body});
}
bytes subscribe_filter(std::string_view filter, std::uint8_t q = 1) {
  bytes body = cat({{0x00, 0x01, 0x00, static_cast<std::uint8_t>(filter.size())}, str(filter), {q}});
  return cat({{0x82, static_cast<std::uint8_t>(body.size())}, body});
}
} // namespace

TEST_CASE("need_more until the packet is complete") {
  CHECK(decode_error(client, {}) == errc::need_more);
  CHECK(decode_error(client, {0x40}) == errc::need_more);
  CHECK(decode_error(client, {0x40, 0x02, 0x00}) == errc::need_more);
  CHECK(decode_error(client, {0x30, 0xFF}) == errc::need_more); // remaining length continues
}

TEST_CASE("reserved packet types 0 and 15 (2.2.1)") {
  CHECK(decode_error(client, {0x00, 0x00}) == errc::reserved_packet_type);
  CHECK(decode_error(server, {0xF0, 0x00}) == errc::reserved_packet_type);
}

TEST_CASE("packets of the wrong direction (2.2.1)") {
  CHECK(decode_error(client, connect_with(0x02)) == errc::unexpected_packet_type);
  CHECK(decode_error(client, {0xC0, 0x00}) == errc::unexpected_packet_type); // PINGREQ to a client
  CHECK(decode_error(client, {0xE0, 0x00}) == errc::unexpected_packet_type);
  CHECK(decode_error(server, {0x20, 0x02, 0x00, 0x00}) == errc::unexpected_packet_type);
  CHECK(decode_error(server, {0x90, 0x03, 0x00, 0x01, 0x00}) == errc::unexpected_packet_type);
  CHECK(decode_error(server, {0xD0, 0x00}) == errc::unexpected_packet_type);
}

TEST_CASE("fixed header flags: 0010 for PUBREL, SUBSCRIBE, UNSUBSCRIBE, 0000 elsewhere (MQTT-2.2.2-1, -2)") {
  CHECK(decode_error(server, {0x60, 0x02, 0x00, 0x01}) == errc::bad_fixed_header_flags);
  CHECK(decode_error(server, {0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 'a', 0x00}) == errc::bad_fixed_header_flags);
  CHECK(decode_error(server, {0xA0, 0x05, 0x00, 0x01, 0x00, 0x01, 'a'}) == errc::bad_fixed_header_flags);
  CHECK(decode_error(server, {0x42, 0x02, 0x00, 0x01}) == errc::bad_fixed_header_flags);
  CHECK(decode_error(server, {0xC1, 0x00}) == errc::bad_fixed_header_flags);
  CHECK(decode_error(client, {0x28, 0x02, 0x00, 0x00}) == errc::bad_fixed_header_flags);
}

TEST_CASE("remaining length: at most four bytes, minimal form, maximum packet size") {
  CHECK(decode_error(client, {0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}) == errc::malformed_remaining_length);
  CHECK(decode_error(client, {0x30, 0x80, 0x00}) == errc::non_minimal_remaining_length);
  CHECK(decode_error(client, {0x30, 0x85, 0x80, 0x00}) == errc::non_minimal_remaining_length);
  // Checked from the header alone, before the body arrives.
  CHECK(decode_error(client, {0x30, 0xFF, 0xFF, 0x7F}) == errc::packet_too_large);
  CHECK(decode(client, {0x40, 0x02, 0x00, 0x01}, 3).ec == errc::packet_too_large);
  CHECK_FALSE(decode(client, {0x40, 0x02, 0x00, 0x01}, 4).ec);
  decoder d;
  std::error_code ec;
  const bytes header{0x30, 0x80, 0x80, 0x11};
  d.put(header, ec);
  CHECK(ec == errc::packet_too_large);
  CHECK(d.packet_size() == 4 + (0x11 << 14));
}

TEST_CASE("fields running past the remaining length, and bytes after the last field") {
  CHECK(decode_error(client, {0x40, 0x01, 0x00}) == errc::truncated_packet);
  CHECK(decode_error(client, {0x40, 0x03, 0x00, 0x01, 0x00}) == errc::trailing_bytes);
  CHECK(decode_error(client, {0x30, 0x03, 0x00, 0x05, 'a'}) == errc::truncated_packet);
  CHECK(decode_error(client, {0x20, 0x03, 0x00, 0x00, 0x00}) == errc::trailing_bytes);
  CHECK(decode_error(client, {0xD0, 0x01, 0x00}) == errc::trailing_bytes);
  CHECK(decode_error(server, {0xE0, 0x01, 0x00}) == errc::trailing_bytes);
  CHECK(decode_error(server, connect_with(0x02, {0x00})) == errc::trailing_bytes);
  CHECK(decode_error(server, connect_with(0x82)) == errc::truncated_packet); // user name flag, no user name
}

TEST_CASE("UTF-8 strings: well-formed, no surrogates, no U+0000, at most 65535 bytes (1.5.3)") {
  CHECK(decode_error(client, publish_topic({0xC0, 0x80})) == errc::bad_utf8);          // overlong NUL
  CHECK(decode_error(client, publish_topic({0xED, 0xA0, 0x80})) == errc::bad_utf8);    // U+D800
  CHECK(decode_error(client, publish_topic({'a', 0xE2, 0x82})) == errc::bad_utf8);     // truncated sequence
  CHECK(decode_error(client, publish_topic({'a', 0x00, 'b'})) == errc::utf8_null_character);
  CHECK(decode_error(server, connect_with(0x82, {0x00, 0x01, 0xFF})) == errc::bad_utf8); // user name
  CHECK(encode_error(publish{.topic = "a\xED\xBF\xBF"}) == errc::bad_utf8);
  const std::string long_topic(65536, 'a');
  CHECK(encode_error(publish{.topic = long_topic}) == errc::string_too_long);
  CHECK(encode_error(connect{.client_id = long_topic}) == errc::string_too_long);
}

TEST_CASE("CONNECT protocol name and level (MQTT-3.1.2-1, -2)") {
  const bytes mqisdp{0x10, 0x0E, 0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x03, 0x02, 0x00, 0x00, 0x00, 0x00};
  CHECK(decode_error(server, mqisdp) == errc::bad_protocol_name);
  CHECK(decode_error(server, {0x10, 0x0C, 0x00, 0x04, 'm', 'q', 't', 't', 0x04, 0x02, 0x00, 0x00, 0x00, 0x00}) ==
        errc::bad_protocol_name);
  CHECK(decode_error(server, {0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x00, 0x00, 0x00}) ==
        errc::bad_protocol_level);
}

TEST_CASE("CONNECT reserved flag, will flags, password without user name (MQTT-3.1.2-3, -11, -13..-15, -22)") {
  CHECK(decode_error(server, connect_with(0x03)) == errc::connect_reserved_flag);
  CHECK(decode_error(server, connect_with(0x0A)) == errc::bad_will_flags); // will QoS 1 without will flag
  CHECK(decode_error(server, connect_with(0x22)) == errc::bad_will_flags); // will retain without will flag
  CHECK(decode_error(server, connect_with(0x1E, {0x00, 0x01, 't', 0x00, 0x00})) == errc::bad_will_flags); // QoS 3
  CHECK(decode_error(server, connect_with(0x42, {0x00, 0x01, 'p'})) == errc::password_without_username);
  CHECK(encode_error(connect{.client_id = "c", .password = "p"}) == errc::password_without_username);
  CHECK(encode_error(connect{.client_id = "c", .will = will_message{"t", "", static_cast<qos>(3), false}}) ==
        errc::bad_will_flags);
  // The will topic is a topic name: no wildcards.
  CHECK(decode_error(server, connect_with(0x06, {0x00, 0x01, '#', 0x00, 0x00})) == errc::wildcard_in_topic_name);
}

TEST_CASE("CONNACK flags, return code, session present on refusal (MQTT-3.2.2-1, 3.2.2.3, MQTT-3.2.2-4)") {
  CHECK(decode_error(client, {0x20, 0x02, 0x02, 0x00}) == errc::bad_connack_flags);
  CHECK(decode_error(client, {0x20, 0x02, 0x00, 0x06}) == errc::bad_connack_return_code);
  CHECK(decode_error(client, {0x20, 0x02, 0x01, 0x05}) == errc::session_present_on_refusal);
  CHECK(encode_error(connack{true, connect_return_code::not_authorized}) == errc::session_present_on_refusal);
  CHECK(encode_error(connack{false, static_cast<connect_return_code>(6)}) == errc::bad_connack_return_code);
}

TEST_CASE("packet identifier non-zero where required (MQTT-2.3.1-1)") {
  CHECK(decode_error(client, {0x32, 0x05, 0x00, 0x01, 'a', 0x00, 0x00}) == errc::zero_packet_identifier);
  CHECK(decode_error(client, {0x40, 0x02, 0x00, 0x00}) == errc::zero_packet_identifier);
  CHECK(decode_error(server, {0x50, 0x02, 0x00, 0x00}) == errc::zero_packet_identifier);
  CHECK(decode_error(server, {0x62, 0x02, 0x00, 0x00}) == errc::zero_packet_identifier);
  CHECK(decode_error(server, {0x70, 0x02, 0x00, 0x00}) == errc::zero_packet_identifier);
  CHECK(decode_error(client, {0xB0, 0x02, 0x00, 0x00}) == errc::zero_packet_identifier);
  CHECK(decode_error(client, {0x90, 0x03, 0x00, 0x00, 0x00}) == errc::zero_packet_identifier);
  CHECK(decode_error(server, {0x82, 0x06, 0x00, 0x00, 0x00, 0x01, 'a', 0x00}) == errc::zero_packet_identifier);
  CHECK(decode_error(server, {0xA2, 0x05, 0x00, 0x00, 0x00, 0x01, 'a'}) == errc::zero_packet_identifier);
  CHECK(encode_error(publish{.topic = "a", .qos = qos::at_least_once}) == errc::zero_packet_identifier);
  CHECK(encode_error(puback{0}) == errc::zero_packet_identifier);
}

TEST_CASE("QoS 3 and DUP on QoS 0 (MQTT-3.3.1-4, -2)") {
  CHECK(decode_error(client, {0x36, 0x05, 0x00, 0x01, 'a', 0x00, 0x01}) == errc::bad_qos);
  CHECK(decode_error(client, {0x38, 0x03, 0x00, 0x01, 'a'}) == errc::dup_on_qos0);
  CHECK(encode_error(publish{.topic = "a", .qos = static_cast<qos>(3), .packet_id = 1}) == errc::bad_qos);
  CHECK(encode_error(publish{.topic = "a", .dup = true}) == errc::dup_on_qos0);
}

TEST_CASE("topic names: non-empty, no wildcards (MQTT-4.7.3-1, MQTT-3.3.2-2)") {
  CHECK(decode_error(client, publish_topic({})) == errc::empty_topic);
  CHECK(decode_error(client, publish_topic(str("a/+/b"))) == errc::wildcard_in_topic_name);
  CHECK(decode_error(client, publish_topic(str("a/#"))) == errc::wildcard_in_topic_name);
  CHECK(encode_error(publish{.topic = ""}) == errc::empty_topic);
  CHECK(encode_error(publish{.topic = "devices/+/x"}) == errc::wildcard_in_topic_name);
}

TEST_CASE("topic filters: '#' last and whole, '+' whole (4.7.1)") {
  for (const char* good : {"#", "+", "a/#", "+/+", "/+", "a/+/b", "devices/+/messages/devicebound/#", "a//b", "/"})
    CHECK(check_topic_filter(good) == std::error_code());
  for (const char* bad : {"a#", "a/#/b", "a/b#", "#/", "a+", "a/+b", "+a/b", "##"})
    CHECK(check_topic_filter(bad) == errc::bad_topic_filter);
  CHECK(decode_error(server, subscribe_filter("a/#/b")) == errc::bad_topic_filter);
  CHECK(decode_error(server, subscribe_filter("")) == errc::empty_topic);
  CHECK(decode_error(server, {0xA2, 0x09, 0x00, 0x01, 0x00, 0x01, '#', 0x00, 0x02, 'a', '+'}) == errc::bad_topic_filter);
  CHECK(encode_error(subscribe{1, {{"a+", qos::at_most_once}}}) == errc::bad_topic_filter);
  CHECK(encode_error(unsubscribe{1, {"#/a"}}) == errc::bad_topic_filter);
}

TEST_CASE("SUBSCRIBE requested QoS: reserved bits and QoS 3 (MQTT-3-8.3-4)") {
  CHECK(decode_error(server, subscribe_filter("a", 0x04)) == errc::subscribe_reserved_bits);
  CHECK(decode_error(server, subscribe_filter("a", 0x81)) == errc::subscribe_reserved_bits);
  CHECK(decode_error(server, subscribe_filter("a", 0x03)) == errc::bad_qos);
  CHECK(encode_error(subscribe{1, {{"a", static_cast<qos>(3)}}}) == errc::bad_qos);
}

TEST_CASE("SUBSCRIBE, UNSUBSCRIBE, SUBACK without entries (MQTT-3.8.3-3, MQTT-3.10.3-2)") {
  CHECK(decode_error(server, {0x82, 0x02, 0x00, 0x01}) == errc::empty_subscription_list);
  CHECK(decode_error(server, {0xA2, 0x02, 0x00, 0x01}) == errc::empty_subscription_list);
  CHECK(decode_error(client, {0x90, 0x02, 0x00, 0x01}) == errc::empty_subscription_list);
  CHECK(encode_error(subscribe{1, {}}) == errc::empty_subscription_list);
  CHECK(encode_error(unsubscribe{1, {}}) == errc::empty_subscription_list);
  CHECK(encode_error(suback{1, {}}) == errc::empty_subscription_list);
  // A filter without its QoS byte is truncated, not empty.
  CHECK(decode_error(server, {0x82, 0x05, 0x00, 0x01, 0x00, 0x01, 'a'}) == errc::truncated_packet);
}

TEST_CASE("SUBACK return codes 0, 1, 2, 0x80 only (MQTT-3.9.3-2)") {
  for (const int rc : {0x03, 0x04, 0x7F, 0x81, 0xFF})
    CHECK(decode_error(client, {0x90, 0x03, 0x00, 0x01, static_cast<std::uint8_t>(rc)}) == errc::bad_suback_return_code);
  CHECK(encode_error(suback{1, {static_cast<suback_code>(3)}}) == errc::bad_suback_return_code);
}

TEST_CASE("encode into a short buffer reports the size needed") {
  std::uint8_t small[3];
  std::error_code ec;
  CHECK(encode(puback{1}, small, ec) == 4);
  CHECK(ec == errc::buffer_too_small);
  std::uint8_t exact[4];
  CHECK(encode(puback{1}, exact, ec) == 4);
  CHECK_FALSE(ec);
}

TEST_CASE("errors have their own messages in the hubwire.mqtt category") {
  const std::error_code ec = errc::bad_topic_filter;
  CHECK(std::string(ec.category().name()) == "hubwire.mqtt");
  CHECK(ec.message() == "mqtt: misplaced wildcard in a topic filter");
}
