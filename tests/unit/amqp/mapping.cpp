// The hub's C2D message over AMQP (reference: iothub-wire-details.md 2.5 and 7).
#include "support.hpp"

#include <hubwire/iothub/amqp_mapping.hpp>
#include <hubwire_test/catch.hpp>

using namespace hubwire;
using namespace amqp_test;

namespace {
iothub::c2d_message full_message() {
  iothub::c2d_message m;
  m.body = std::string("{\"cmd\":1}\0bin", 13);
  m.message_id = "msg-1";
  m.correlation_id = "corr-1";
  m.user_id = "service";
  m.content_type = "application/json";
  m.content_encoding = "utf-8";
  m.expiry_time = iothub::time_point(std::chrono::milliseconds(1700000360000));
  m.ack_requested = iothub::ack::full;
  m.to = "/devices/dev1/messages/devicebound";
  m.sequence_number = 42;
  m.enqueued_time = iothub::time_point(std::chrono::milliseconds(1700000000000));
  m.delivery_count = 2;
  m.lock_token = "6d1d0a52-8c3f-4b8e-9d5d-3a8a5f0b1c2d";
  m.properties = {{"a", "1"}, {"empty", ""}, {"novalue", std::nullopt}};
  return m;
}
} // namespace

TEST_CASE("iothub: a C2D message survives to_amqp -> AMQP decode -> from_amqp") {
  const auto m = full_message();
  bytes wire;
  iothub::to_amqp(m, wire);
  amqp::message am;
  REQUIRE_FALSE(amqp::decode_message(wire, am));
  // The types the SDKs expect (wire-details 7).
  REQUIRE(am.properties);
  CHECK(am.properties->content_type == amqp::symbol{"application/json"});
  CHECK(am.body.kind == amqp::body_kind::data);
  amqp::element_reader r(am.message_annotations);
  amqp::value k, v;
  int seen = 0;
  while (r.next(k) && r.next(v)) {
    if (k.str() == "iothub-deliverycount") {
      CHECK(v.type() == amqp::kind::ubyte);
      ++seen;
    }
    if (k.str() == "x-opt-sequence-number") {
      CHECK(v.type() == amqp::kind::ulong);
      ++seen;
    }
    if (k.str() == "iothub-enqueuedtime") {
      CHECK(v.type() == amqp::kind::timestamp);
      ++seen;
    }
    if (k.str() == "x-opt-lock-token") {
      CHECK(v.type() == amqp::kind::string);
      ++seen;
    }
  }
  CHECK(seen == 4);
  const auto back = iothub::from_amqp(am);
  REQUIRE(back);
  CHECK(*back == m);
}

TEST_CASE("iothub: ids of every AMQP type become the strings the SDKs print") {
  amqp::uuid u;
  for (std::size_t i = 0; i < 16; ++i) u.bytes[i] = static_cast<std::uint8_t>(0x10 + i);
  CHECK(iothub::to_string(amqp::message_id{u}) == "10111213-1415-1617-1819-1a1b1c1d1e1f");
  CHECK(iothub::to_string(amqp::message_id{std::uint64_t{18446744073709551615u}}) == "18446744073709551615");
  CHECK(iothub::to_string(amqp::message_id{std::string_view("s")}) == "s");
}

TEST_CASE("iothub: a 16-byte delivery tag is the lock token in .NET Guid byte order") {
  // new Guid(byte[]{0x33,0x22,0x11,0x00,0x55,0x44,0x77,0x66,0x88,...}) prints
  // "00112233-4455-6677-8899-aabbccddeeff" (the first three groups are little-endian).
  const bytes tag = b({0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff});
  CHECK(iothub::delivery_tag_to_lock_token(tag) == "00112233-4455-6677-8899-aabbccddeeff");
  const auto back = iothub::lock_token_to_delivery_tag("00112233-4455-6677-8899-AABBCCDDEEFF");
  REQUIRE(back);
  CHECK(bytes(back->begin(), back->end()) == tag);
  CHECK_FALSE(iothub::lock_token_to_delivery_tag("00112233-4455-6677-8899-aabbccddeef"));
  CHECK_FALSE(iothub::lock_token_to_delivery_tag("00112233x4455-6677-8899-aabbccddeeff"));
  CHECK_FALSE(iothub::lock_token_to_delivery_tag("0011223g-4455-6677-8899-aabbccddeeff"));

  bytes wire;
  iothub::c2d_message plain;
  plain.body = "x";
  iothub::to_amqp(plain, wire);
  amqp::message am;
  REQUIRE_FALSE(amqp::decode_message(wire, am));
  const auto m = iothub::from_amqp(am, amqp::binary{tag});
  REQUIRE(m);
  CHECK(m->lock_token == "00112233-4455-6677-8899-aabbccddeeff");
  CHECK(iothub::from_amqp(am, amqp::binary{amqp::bytes_view(tag).first(4)})->lock_token == std::nullopt);
}

TEST_CASE("iothub: messages the SDKs refuse are refused") {
  amqp::message am;
  std::vector<std::uint8_t> body, props;
  am.body = amqp::make_value_body(body, amqp::value::str("not data"));
  CHECK(iothub::from_amqp(am).error() == iothub::errc::invalid_message);
  am.body = amqp::make_data_body(body, core::as_bytes("ok"));
  am.application_properties = amqp::build_value(props, [](amqp::encoder& e) {
    e.begin_map();
    e.write_string("n");
    e.write_int(5);
    e.end_map();
  });
  CHECK(iothub::from_amqp(am).error() == iothub::errc::invalid_message);
  am.application_properties = amqp::build_value(props, [](amqp::encoder& e) {
    e.begin_map();
    e.write_string("iothub-ack");
    e.write_string("sometimes");
    e.end_map();
  });
  CHECK(iothub::from_amqp(am).error() == iothub::errc::invalid_message);
  am.application_properties = amqp::build_value(props, [](amqp::encoder& e) {
    e.begin_map();
    e.write_string("iothub-ack");
    e.write_string("Positive"); // the service SDKs' spelling
    e.end_map();
  });
  CHECK(iothub::from_amqp(am)->ack_requested == iothub::ack::positive);
}
