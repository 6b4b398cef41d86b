// One C2D message with every system property and awkward application properties,
// through each transport's mapping and back: what a transport can carry must survive
// exactly; what it cannot is listed in docs/message-model.md and checked here too.
#include <hubwire/amqp/message.hpp>
#include <hubwire/http/parser.hpp>
#include <hubwire/http/serializer.hpp>
#include <hubwire/iothub/amqp_mapping.hpp>
#include <hubwire/iothub/https_mapping.hpp>
#include <hubwire/iothub/mqtt_topics.hpp>
#include <hubwire_test/catch.hpp>

using namespace hubwire;
using namespace std::chrono;
using iothub::c2d_message;

namespace {

c2d_message full_message() {
  c2d_message m;
  m.body = std::string("\0\x01\xff binary body", 15);
  m.message_id = "cmd-42";
  m.correlation_id = "corr-7";
  m.user_id = "backend";
  m.content_type = "application/json";
  m.content_encoding = "utf-8";
  // Whole milliseconds: the finest unit all three transports share (AMQP timestamps).
  m.expiry_time = iothub::time_point(sys_days{2031y / March / 4} + 5h + 6min + 7s + 890ms);
  m.ack_requested = iothub::ack::full;
  m.to = "/devices/dev-1/messages/devicebound";
  m.sequence_number = 42;
  m.enqueued_time = iothub::time_point(sys_days{2031y / March / 4} + 4h + 6min + 7s + 123ms);
  m.delivery_count = 2;
  m.lock_token = "0f8fad5b-d9cb-469f-a165-70867728950e";
  m.properties = {{"empty", ""},
                  {"text", "a string with spaces & = ? / %"},
                  {"unicode", "\xc3\xa9t\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac"},
                  {"Mixed-Case", "v"}};
  return m;
}

} // namespace

TEST_CASE("round trip: model -> MQTT topic and payload -> model") {
  const c2d_message m = full_message();
  auto topic = iothub::c2d_topic("dev-1", m);
  REQUIRE(topic);
  auto back = iothub::parse_c2d_publish(*topic, m.body);
  REQUIRE(back);

  // MQTT's property bag has no form for what the hub stamps at delivery.
  c2d_message expected = m;
  expected.sequence_number.reset();
  expected.enqueued_time.reset();
  expected.delivery_count.reset();
  expected.lock_token.reset();
  CHECK(*back == expected);

  // And it keeps null apart from empty, which HTTPS cannot.
  c2d_message flag;
  flag.properties = {{"flag", std::nullopt}, {"empty", ""}};
  auto t2 = iothub::c2d_topic("dev-1", flag);
  REQUIRE(t2);
  auto b2 = iothub::parse_c2d_publish(*t2, "");
  REQUIRE(b2);
  CHECK(b2->properties == flag.properties);
}

TEST_CASE("round trip: model -> AMQP message bytes -> model") {
  const c2d_message m = full_message();
  std::vector<std::uint8_t> bytes;
  iothub::to_amqp(m, bytes);
  amqp::message decoded;
  REQUIRE_FALSE(amqp::decode_message(bytes, decoded));
  const auto tag = iothub::lock_token_to_delivery_tag(*m.lock_token);
  REQUIRE(tag);
  auto back = iothub::from_amqp(decoded, amqp::binary{amqp::bytes_view(tag->data(), tag->size())});
  REQUIRE(back);
  CHECK(*back == m);
}

TEST_CASE("round trip: model -> HTTPS response on the wire -> model") {
  const c2d_message m = full_message();
  auto res = iothub::https::make_receive_response(m);
  REQUIRE(res);
  std::string wire;
  REQUIRE_FALSE(http::serialize(*res, wire));
  http::response_parser p;
  std::error_code ec;
  REQUIRE(p.put(wire, ec) == wire.size());
  REQUIRE_FALSE(ec);
  auto back = iothub::https::parse_receive_response(p.get());
  REQUIRE(back);
  REQUIRE(back->has_value());
  CHECK(**back == m);
}
