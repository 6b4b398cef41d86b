// Section layouts from OASIS AMQP 1.0 part 3, 3.2 (descriptors 0x70..0x78).
#include "support.hpp"

#include <hubwire/amqp/message.hpp>
#include <hubwire_test/catch.hpp>

using namespace hubwire::amqp;
using namespace amqp_test;

namespace {
const bytes header_s = b({0x00, 0x53, 0x70, 0xc0, 0x02, 0x01, 0x41});                      // durable
const bytes dann_s = b({0x00, 0x53, 0x71, 0xc1, 0x05, 0x02, 0xa3, 0x01, 'd', 0x41});
const bytes mann_s = b({0x00, 0x53, 0x72, 0xc1, 0x06, 0x02, 0xa3, 0x01, 'm', 0x53, 0x05});
const bytes props_s = b({0x00, 0x53, 0x73, 0xc0, 0x05, 0x01, 0xa1, 0x02, 'i', 'd'});     // message-id "id"
const bytes app_s = b({0x00, 0x53, 0x74, 0xc1, 0x07, 0x02, 0xa1, 0x01, 'k', 0xa1, 0x01, 'v'});
const bytes data1 = b({0x00, 0x53, 0x75, 0xa0, 0x02, 'h', 'e'});
const bytes data2 = b({0x00, 0x53, 0x75, 0xa0, 0x03, 'l', 'l', 'o'});
const bytes seq_s = b({0x00, 0x53, 0x76, 0xc0, 0x02, 0x01, 0x41});
const bytes val_s = b({0x00, 0x53, 0x77, 0xa1, 0x01, 'x'});
const bytes footer_s = b({0x00, 0x53, 0x78, 0xc1, 0x05, 0x02, 0xa3, 0x01, 'f', 0x40});

bytes join(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
} // namespace

TEST_CASE("a message with every section decodes, in order, as views") {
  const bytes in = join({header_s, dann_s, mann_s, props_s, app_s, data1, data2, footer_s});
  message m;
  REQUIRE_FALSE(decode_message(in, m));
  REQUIRE(m.header);
  CHECK(m.header->durable);
  CHECK(m.header->priority == 4); // default
  CHECK(m.delivery_annotations.type() == kind::map);
  CHECK(m.message_annotations.count() == 2);
  REQUIRE(m.properties);
  CHECK(std::get<std::string_view>(*m.properties->message_id) == "id");
  CHECK(m.application_properties.count() == 2);
  CHECK(m.body.kind == body_kind::data);
  CHECK(m.body.count == 2);
  CHECK_FALSE(m.body.single_data());
  message_body::reader r(m.body);
  std::string joined;
  for (value d; r.next(d);) joined += hubwire::core::as_chars(d.bytes());
  CHECK(joined == "hello");
  CHECK(m.footer.type() == kind::map);

  bytes again;
  encode_message(again, m);
  CHECK(again == in);
  message m2;
  REQUIRE_FALSE(decode_message(again, m2));
  CHECK(m2 == m);
}

TEST_CASE("message bodies: one data section, sequences, one value") {
  message m;
  REQUIRE_FALSE(decode_message(data1, m));
  REQUIRE(m.body.single_data());
  CHECK(m.body.single_data()->size() == 2);
  const bytes seqs = join({seq_s, seq_s});
  REQUIRE_FALSE(decode_message(seqs, m));
  CHECK(m.body.kind == body_kind::sequence);
  CHECK(m.body.count == 2);
  REQUIRE_FALSE(decode_message(val_s, m));
  CHECK(m.body.kind == body_kind::value);
  REQUIRE_FALSE(decode_message(bytes{}, m));
  CHECK(m.body.kind == body_kind::none);
}

TEST_CASE("section order, repetition and types are enforced") {
  message m;
  CHECK(decode_message(join({props_s, header_s}), m) == errc::bad_section_order);
  CHECK(decode_message(join({data1, app_s}), m) == errc::bad_section_order);
  CHECK(decode_message(join({footer_s, data1}), m) == errc::bad_section_order);
  CHECK(decode_message(join({data1, seq_s}), m) == errc::bad_section_order);
  CHECK(decode_message(join({seq_s, val_s}), m) == errc::bad_section_order);
  CHECK(decode_message(join({header_s, header_s}), m) == errc::duplicate_section);
  CHECK(decode_message(join({val_s, val_s}), m) == errc::duplicate_section);
  CHECK(decode_message(join({app_s, app_s}), m) == errc::duplicate_section);
  CHECK(decode_message(b({0x00, 0x53, 0x79, 0x40}), m) == errc::unknown_descriptor);
  CHECK(decode_message(b({0xa1, 0x01, 'x'}), m) == errc::unexpected_type);
  CHECK(decode_message(b({0x00, 0x53, 0x75, 0xa1, 0x01, 'x'}), m) == errc::unexpected_type);   // data as string
  CHECK(decode_message(b({0x00, 0x53, 0x76, 0x40}), m) == errc::unexpected_type);              // sequence as null
  CHECK(decode_message(b({0x00, 0x53, 0x72, 0xc1, 0x05, 0x02, 0xa1, 0x01, 'm', 0x40}), m) == errc::unexpected_type); // string key
  CHECK(decode_message(b({0x00, 0x53, 0x74, 0xc1, 0x06, 0x02, 0xa3, 0x01, 'k', 0x52, 0x01}), m) == errc::unexpected_type); // symbol key
  CHECK(decode_message(b({0x00, 0x53, 0x74, 0xc1, 0x05, 0x02, 0xa1, 0x01, 'k', 0x45}), m) == errc::unexpected_type); // list value
  CHECK(decode_message(b({0x00, 0x53, 0x73, 0xc0, 0x03, 0x01, 0x52, 0x01}), m) == errc::unexpected_type); // message-id as uint
  CHECK(decode_message(b({0x00, 0x53, 0x75}), m) == errc::truncated);
}

TEST_CASE("sections may be described by their symbolic names") {
  const bytes in = b({0x00, 0xa3, 0x10, 'a', 'm', 'q', 'p', ':', 'd', 'a', 't', 'a', ':', 'b', 'i', 'n', 'a', 'r', 'y', 0xa0, 0x01, 'z'});
  message m;
  REQUIRE_FALSE(decode_message(in, m));
  REQUIRE(m.body.single_data());
  CHECK((*m.body.single_data())[0] == 'z');
}

TEST_CASE("message-id and correlation-id in each of their four types") {
  std::vector<std::uint8_t> body;
  message m;
  m.body = make_data_body(body, hubwire::core::as_bytes("x"));
  const std::uint8_t raw[] = {9, 8, 7};
  uuid u;
  u.bytes[0] = 0xab;
  for (const message_id& id : {message_id{std::uint64_t{1234567890123}}, message_id{u}, message_id{binary{raw}},
                               message_id{std::string_view("msg-1")}}) {
    m.properties = message_properties{};
    m.properties->message_id = id;
    m.properties->correlation_id = id;
    m.properties->user_id = binary{raw};
    m.properties->content_type = symbol{"application/json"};
    m.properties->absolute_expiry_time = timestamp{1700000000000};
    m.properties->group_sequence = 3;
    bytes wire;
    encode_message(wire, m);
    message back;
    REQUIRE_FALSE(decode_message(wire, back));
    CHECK(back == m);
    CHECK(back.properties->message_id->index() == id.index());
  }
}

TEST_CASE("payload assembler joins a delivery's transfers") {
  payload_assembler a(10);
  std::error_code ec;
  const bytes one = b({1, 2, 3});
  a.put(one, false, false, ec);
  REQUIRE_FALSE(ec);
  CHECK(a.payload().data() == one.data()); // one transfer: no copy
  const bytes p1 = b({1, 2}), p2 = b({3}), p3 = b({4, 5});
  a.put(p1, true, false, ec);
  CHECK(ec == errc::need_more);
  a.put(p2, true, false, ec);
  CHECK(ec == errc::need_more);
  a.put(p3, false, false, ec);
  REQUIRE_FALSE(ec);
  CHECK(bytes(a.payload().begin(), a.payload().end()) == b({1, 2, 3, 4, 5}));
  a.put(p1, true, false, ec);
  a.put(bytes{}, false, true, ec);
  CHECK(ec == errc::delivery_aborted);
  a.put(bytes(8, 0), true, false, ec);
  a.put(bytes(3, 0), false, false, ec);
  CHECK(ec == errc::message_too_large);
  a.put(bytes(11, 0), false, false, ec);
  CHECK(ec == errc::message_too_large);
}

namespace {
bytes str8(std::string_view s) {
  return cat(b({0xa1, static_cast<int>(s.size())}), bytes(s.begin(), s.end()));
}
// What qpid-proton 0.37's pn_message_encode writes for a typical C2D message (id,
// address, correlation id, expiry, three application properties, a 256-byte body):
// the bytes bench/amqp_message measures with. Proton sizes maps with 32 bits.
bytes proton_c2d(bool narrow_map) {
  return join({
      b({0x00, 0x53, 0x70, 0x45}), // header, all defaults
      b({0x00, 0x53, 0x73, 0xc0, 0x73, 0x09}), str8("2f1c4c0e-1c55-4a8e-9d0f-5b9d7a1f3e21"), b({0x40}),
      str8("/devices/thermostat-0042/messages/devicebound"), b({0x40, 0x40}), str8("request-00017"), b({0x40, 0x40}),
      b({0x83, 0x00, 0x00, 0x01, 0x8b, 0xd0, 0x1c, 0x56, 0x80}),
      narrow_map ? b({0x00, 0x53, 0x74, 0xc1, 0x3c, 0x06}) : b({0x00, 0x53, 0x74, 0xd1, 0, 0, 0, 0x3f, 0, 0, 0, 0x06}),
      str8("iothub-ack"), str8("full"), str8("command"), str8("set-temperature"), str8("unit"), str8("celsius"),
      b({0x00, 0x53, 0x75, 0xb0, 0x00, 0x00, 0x01, 0x00}), bytes(256, 'p')});
}
} // namespace

TEST_CASE("a message proton wrote re-encodes with only its wide map header narrowed") {
  const bytes in = proton_c2d(false);
  message m;
  REQUIRE_FALSE(decode_message(in, m));
  CHECK(m.application_properties.count() == 6);
  REQUIRE(m.body.single_data());
  CHECK(m.body.single_data()->size() == 256);
  bytes out;
  encode_message(out, m);
  CHECK(out == proton_c2d(true));
  // Already compact: the same bytes again, sections copied as they are.
  message m2;
  REQUIRE_FALSE(decode_message(out, m2));
  CHECK(m2 == m);
  bytes again;
  encode_message(again, m2);
  CHECK(again == out);
}

TEST_CASE("encode_message into caller memory: the vector form's bytes, or the size it needs") {
  message m;
  const bytes in = proton_c2d(false);
  REQUIRE_FALSE(decode_message(in, m));
  const bytes expected = proton_c2d(true);
  CHECK(encoded_size(m) == expected.size());

  bytes buf(expected.size() + 7, 0xee);
  std::error_code ec;
  CHECK(encode_message(m, buf, ec) == expected.size());
  CHECK_FALSE(ec);
  CHECK(bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(expected.size())) == expected);
  CHECK(buf.back() == 0xee); // nothing past the encoding

  bytes small(expected.size() - 1, 0xee);
  CHECK(encode_message(m, small, ec) == expected.size());
  CHECK(ec == errc::buffer_too_small);
  CHECK(small == bytes(expected.size() - 1, 0xee)); // untouched

  bytes appended = b({0x01, 0x02});
  encode_message(appended, m);
  CHECK(appended == join({b({0x01, 0x02}), expected}));

  const message empty;
  CHECK(encoded_size(empty) == 0);
  CHECK(encode_message(empty, std::span<std::uint8_t>{}, ec) == 0);
  CHECK_FALSE(ec);
}

TEST_CASE("decoding into a reused message leaves nothing of the previous one") {
  const bytes every = join({header_s, dann_s, mann_s, props_s, app_s, data1, data2, footer_s});
  for (const bytes* next : {&data1, &val_s, &seq_s, &props_s, &header_s}) {
    message reused;
    REQUIRE_FALSE(decode_message(every, reused));
    REQUIRE_FALSE(decode_message(*next, reused));
    message fresh;
    REQUIRE_FALSE(decode_message(*next, fresh));
    CHECK(reused == fresh);
  }
  // Properties over properties: each field, variant alternative included, is the new one's.
  const bytes props_to = b({0x00, 0x53, 0x73, 0xc0, 0x0a, 0x03, 0xa1, 0x02, 'i', 'd', 0x40, 0xa1, 0x02, 't', 'o'});
  const bytes props_ulong = b({0x00, 0x53, 0x73, 0xc0, 0x03, 0x01, 0x53, 0x07}); // message-id smallulong 7
  const bytes props_uuid = join({b({0x00, 0x53, 0x73, 0xc0, 0x12, 0x01, 0x98}), bytes(16, 0x5a)});
  const bytes props_null = b({0x00, 0x53, 0x73, 0xc0, 0x04, 0x03, 0x40, 0x40, 0x40});
  message prev;
  for (const bytes* next : {&props_to, &props_ulong, &props_uuid, &props_to, &props_null, &props_s}) {
    REQUIRE_FALSE(decode_message(*next, prev));
    message fresh;
    REQUIRE_FALSE(decode_message(*next, fresh));
    CHECK(prev == fresh);
  }
  REQUIRE_FALSE(decode_message(props_ulong, prev));
  CHECK(std::get<std::uint64_t>(*prev.properties->message_id) == 7);
  CHECK_FALSE(prev.properties->to);

  // A failed decode, then a good one: still only the good one's sections.
  message reused;
  REQUIRE_FALSE(decode_message(every, reused));
  CHECK(decode_message(join({props_s, header_s}), reused) == errc::bad_section_order);
  REQUIRE_FALSE(decode_message(val_s, reused));
  message fresh;
  REQUIRE_FALSE(decode_message(val_s, fresh));
  CHECK(reused == fresh);
}

// Found by fuzz/amqp_message: the body section is decoded shallowly, and the shallow
// mark used to outlive an array, so the first list inside an array of described lists
// was never validated and the encoder later walked bytes that were not values.
TEST_CASE("an amqp-value body that is an array of lists has every list validated") {
  message m;
  // array8, one element, constructor described(0x70) list8; the list: two elements
  const bytes good = b({0x00, 0x53, 0x77, 0xe0, 0x0a, 0x01, 0x00, 0x53, 0x70, 0xc0, 0x04, 0x02, 0x41, 0x52, 0x07});
  REQUIRE_FALSE(decode_message(good, m));
  bytes again;
  encode_message(again, m);
  message m2;
  REQUIRE_FALSE(decode_message(again, m2));
  value v;
  message_body::reader r(m2.body);
  REQUIRE(r.next(v));
  REQUIRE(v.type() == kind::array);
  CHECK(v.count() == 1);
  // The same shape with a list whose first element has no valid descriptor (0x0f).
  const bytes bad = b({0x00, 0x53, 0x77, 0xe0, 0x0a, 0x01, 0x00, 0x53, 0x70, 0xc0, 0x04, 0x02, 0x00, 0x0f, 0x04});
  CHECK(decode_message(bad, m) == errc::bad_descriptor);
  value top; // the same array as a value on its own, not shallow: the same error
  std::error_code ec;
  decode_value(bytes_view(bad).subspan(3), top, ec);
  CHECK(ec == errc::bad_descriptor);
}

// Part 1, 1.2: a constructor may be a descriptor and another constructor, so a described
// value may describe a described value. proton writes an amqp-value body holding a
// described value that way (python3-qpid-proton 0.37:
// Message(body=Described(ulong(0x99), 'v'), inferred=False).encode()).
TEST_CASE("an amqp-value body holding a described value (a nested description)") {
  const bytes proton = b({0x00, 0x53, 0x70, 0x45, 0x00, 0x53, 0x73, 0x45,
                          0x00, 0x53, 0x77, 0x00, 0x53, 0x99, 0xa1, 0x01, 'v'});
  message m;
  REQUIRE_FALSE(decode_message(proton, m));
  CHECK(m.body.kind == body_kind::value);
  value v;
  message_body::reader r(m.body);
  REQUIRE(r.next(v));
  REQUIRE(v.type() == kind::described);
  CHECK(v.descriptor_code() == 0x99);
  CHECK(v.described_value().str() == "v");
  bytes again;
  encode_message(again, m);
  CHECK(again == proton);
  // One level deeper, as a value of its own and inside a list.
  const bytes twice = b({0x00, 0x53, 0x01, 0x00, 0xa3, 0x01, 's', 0x52, 0x07});
  value t;
  std::error_code ec;
  CHECK(decode_value(twice, t, ec) == twice.size());
  REQUIRE_FALSE(ec);
  CHECK(t.described_value().descriptor_symbol() == "s");
  CHECK(t.described_value().described_value() == value::uint(7));
  CHECK(encode_value(t) == twice);
  // The list a nested description holds is validated, also in a message body, which is
  // decoded shallowly: this one's first element has no valid descriptor (0x0f).
  const bytes bad = b({0x00, 0x53, 0x77, 0x00, 0x53, 0x99, 0xc0, 0x04, 0x02, 0x00, 0x0f, 0x04});
  CHECK(decode_message(bad, m) == errc::bad_descriptor);
}
