// Performative and SASL byte vectors are assembled by hand from the field tables of
// OASIS AMQP 1.0 part 2, 2.7 and part 5, 5.3.3, using part 1's encodings.
#include "support.hpp"

#include <hubwire/amqp/performatives.hpp>
#include <hubwire/amqp/sasl.hpp>
#include <hubwire_test/catch.hpp>

#include <deque>

using namespace hubwire::amqp;
using namespace amqp_test;

namespace {

std::error_code decode_body(const bytes& body, performative& p) {
  bytes_view payload;
  return decode_performative(body, p, payload);
}

bytes encoded(const performative& p) {
  bytes out;
  encoder e(out);
  encode_performative(e, p);
  return out;
}

// Decoded performatives view their frame: the frames stay here until the test ends.
std::deque<bytes> frames;

// Encodes, frames, reads the frame back and decodes it.
template <class T>
T round_trip(const T& x, std::uint16_t channel = 5) {
  bytes& wire = frames.emplace_back();
  write_frame(wire, channel, x);
  frame_reader r;
  std::error_code ec;
  REQUIRE(r.put(wire, ec) == wire.size());
  REQUIRE_FALSE(ec);
  REQUIRE(r.get().header.channel == channel);
  performative p;
  bytes_view payload;
  REQUIRE_FALSE(decode_performative(r.get().body, p, payload));
  REQUIRE(std::holds_alternative<T>(p));
  return std::get<T>(p);
}

} // namespace

TEST_CASE("open: mandatory container-id, defaults, trailing nulls left out") {
  performative p;
  const bytes minimal = b({0x00, 0x53, 0x10, 0xc0, 0x04, 0x01, 0xa1, 0x01, 'c'});
  REQUIRE_FALSE(decode_body(minimal, p)); // p now views `minimal`
  const open& o = std::get<open>(p);
  CHECK(o.container_id == "c");
  CHECK(o.max_frame_size == 4294967295u);
  CHECK(o.channel_max == 65535);
  CHECK_FALSE(o.idle_time_out);

  open x{.container_id = "c", .idle_time_out = 1000};
  // "c", null hostname, null max-frame-size (default), null channel-max (default), 1000
  CHECK(encoded(x) == b({0x00, 0x53, 0x10, 0xc0, 0x0c, 0x05, 0xa1, 0x01, 'c', 0x40, 0x40, 0x40, 0x70, 0x00, 0x00, 0x03, 0xe8}));
  x.idle_time_out.reset();
  CHECK(encoded(x) == b({0x00, 0x53, 0x10, 0xc0, 0x04, 0x01, 0xa1, 0x01, 'c'}));

  CHECK(decode_body(b({0x00, 0x53, 0x10, 0x45}), p) == errc::missing_field);
  CHECK(decode_body(b({0x00, 0x53, 0x10, 0xc0, 0x02, 0x01, 0x40}), p) == errc::missing_field);
  CHECK(decode_body(b({0x00, 0x53, 0x10, 0xc0, 0x04, 0x01, 0xa3, 0x01, 'c'}), p) == errc::unexpected_type);
  // max-frame-size as a ulong instead of a uint
  CHECK(decode_body(b({0x00, 0x53, 0x10, 0xc0, 0x07, 0x03, 0xa1, 0x01, 'c', 0x40, 0x53, 0x01}), p) == errc::unexpected_type);
}

TEST_CASE("performatives: symbolic descriptors, unknown ones, extra fields, bodies") {
  performative p;
  // close, described by its symbolic name
  const bytes sym = b({0x00, 0xa3, 0x0f, 'a', 'm', 'q', 'p', ':', 'c', 'l', 'o', 's', 'e', ':', 'l', 'i', 's', 't', 0x45});
  REQUIRE_FALSE(decode_body(sym, p));
  CHECK(std::holds_alternative<hubwire::amqp::close>(p));
  CHECK(decode_body(b({0x00, 0x53, 0x19, 0x45}), p) == errc::unknown_descriptor);
  CHECK(decode_body(b({0x45}), p) == errc::unexpected_type);
  CHECK(decode_body(b({0x00, 0x53, 0x17, 0x40}), p) == errc::unexpected_type); // end described null
  CHECK(decode_body(b({}), p) == errc::empty_frame);
  // end has one field (error); two are too many
  CHECK(decode_body(b({0x00, 0x53, 0x17, 0xc0, 0x03, 0x02, 0x40, 0x40}), p) == errc::too_many_fields);
  // only transfer carries a payload
  CHECK(decode_body(b({0x00, 0x53, 0x17, 0x45, 0x01}), p) == errc::trailing_bytes);
  bytes_view payload;
  const bytes t = b({0x00, 0x53, 0x14, 0xc0, 0x02, 0x01, 0x43, 'h', 'i'});
  REQUIRE_FALSE(decode_performative(t, p, payload));
  CHECK(std::get<transfer>(p).handle == 0);
  CHECK(bytes(payload.begin(), payload.end()) == b({'h', 'i'}));
  CHECK(payload.data() == t.data() + 7);
}

TEST_CASE("close with an error, from bytes") {
  const bytes in = b({0x00, 0x53, 0x18, 0xc0, 0x1a, 0x01, 0x00, 0x53, 0x1d, 0xc0, 0x14, 0x02, 0xa3, 0x0e,
                      'a', 'm', 'q', 'p', ':', 'n', 'o', 't', '-', 'f', 'o', 'u', 'n', 'd', 0xa1, 0x01, 'x'});
  performative p;
  REQUIRE_FALSE(decode_body(in, p));
  const auto& c = std::get<hubwire::amqp::close>(p);
  REQUIRE(c.error);
  CHECK(c.error->condition.str == "amqp:not-found");
  CHECK(c.error->description == "x");
  CHECK(c.error->info.is_null());
  CHECK(encoded(c) == in);
  // an error without its condition
  CHECK(decode_body(b({0x00, 0x53, 0x18, 0xc0, 0x05, 0x01, 0x00, 0x53, 0x1d, 0x45}), p) == errc::missing_field);
}

TEST_CASE("every performative survives a frame round trip with every field set") {
  std::vector<std::uint8_t> props_storage;
  encoder pe(props_storage);
  pe.begin_map();
  pe.write_symbol("com.microsoft:client-version");
  pe.write_string("hubwire/0");
  pe.end_map();
  value props;
  std::error_code ec;
  decode_value(props_storage, props, ec);
  REQUIRE_FALSE(ec);
  const std::vector<symbol> caps{symbol{"cap-a"}, symbol{"cap-b"}};

  const open o{"container", "hub.azure-devices.net", 65536, 8, 240000, {symbol{"en-US"}}, {symbol{"de"}, symbol{"fr"}},
               caps, caps, props};
  CHECK(round_trip(o) == o);
  const begin bg{3, 1, 5000, 100, 1024, caps, caps, props};
  CHECK(round_trip(bg) == bg);

  source s;
  s.address = "amqps://hub/devices/d1/messages/devicebound";
  s.durable = terminus_durability::unsettled_state;
  s.expiry_policy = symbol{"never"};
  s.timeout = 30;
  s.dynamic = true;
  s.dynamic_node_properties = props;
  s.distribution_mode = symbol{"move"};
  s.filter = props;
  s.outcomes = caps;
  s.capabilities = caps;
  target tg;
  tg.address = "d1";
  tg.durable = terminus_durability::configuration;
  tg.capabilities = caps;
  attach at{"link-rcv-d1", 7, role::receiver, sender_settle_mode::unsettled, receiver_settle_mode::second, s, tg,
            value{}, true, 0, 65536, caps, caps, props};
  CHECK(round_trip(at) == at);

  const flow fl{10, 100, 20, 200, 7, 3, 50, 4, true, true, props};
  CHECK(round_trip(fl) == fl);

  const std::uint8_t tag[] = {1, 2, 3, 4};
  const transfer tr{7, 42, binary{tag}, 0, false, true, receiver_settle_mode::second, received{1, 99}, true, true, true};
  CHECK(round_trip(tr) == tr);

  const disposition d1{role::receiver, 1, 5, true, accepted{}, true};
  CHECK(round_trip(d1) == d1);
  const disposition d2{role::receiver, 1, std::nullopt, true, rejected{error{symbol{"amqp:internal-error"}, "bad", props}}, false};
  CHECK(round_trip(d2) == d2);
  const disposition d3{role::sender, 2, 2, false, released{}, false};
  CHECK(round_trip(d3) == d3);
  const disposition d4{role::receiver, 3, std::nullopt, false, modified{true, false, props}, false};
  CHECK(round_trip(d4) == d4);

  const detach dt{7, true, error{symbol{"amqp:link:detach-forced"}, std::nullopt, {}}};
  CHECK(round_trip(dt) == dt);
  const end en{error{symbol{"amqp:session:window-violation"}, "w", {}}};
  CHECK(round_trip(en) == en);
  CHECK(round_trip(hubwire::amqp::close{}) == hubwire::amqp::close{});
}

TEST_CASE("fields: defaults decode from null and encode as null, single symbols for multiple fields") {
  // begin: remote-channel null, next-outgoing-id 1, incoming-window 2, outgoing-window 3,
  // handle-max null, offered-capabilities a single symbol (not an array)
  const bytes in = b({0x00, 0x53, 0x11, 0xc0, 0x0c, 0x06, 0x40, 0x52, 0x01, 0x52, 0x02, 0x52, 0x03, 0x40, 0xa3, 0x01, 'x'});
  performative p;
  REQUIRE_FALSE(decode_body(in, p));
  const begin& bg = std::get<begin>(p);
  CHECK_FALSE(bg.remote_channel);
  CHECK(bg.handle_max == 4294967295u);
  REQUIRE(bg.offered_capabilities.size() == 1);
  CHECK(bg.offered_capabilities[0].str == "x");
  CHECK(encoded(bg) == in);
  // An array of ints where symbols are expected
  const bytes wrong = b({0x00, 0x53, 0x11, 0xc0, 0x0e, 0x06, 0x40, 0x52, 0x01, 0x52, 0x02, 0x52, 0x03, 0x40, 0xe0, 0x03, 0x01, 0x54, 0x01});
  CHECK(decode_body(wrong, p) == errc::unexpected_type);
  // attach without its role
  CHECK(decode_body(b({0x00, 0x53, 0x12, 0xc0, 0x05, 0x02, 0xa1, 0x01, 'l', 0x43}), p) == errc::missing_field);
  // a transfer whose state is a transactional state (part 4) is refused, not guessed at
  CHECK(decode_body(b({0x00, 0x53, 0x14, 0xc0, 0x0c, 0x08, 0x43, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x00, 0x53, 0x34, 0x45}), p) == errc::unknown_descriptor);
}

TEST_CASE("SASL frames") {
  const bytes mechs = b({0x00, 0x53, 0x40, 0xc0, 0x15, 0x01, 0xe0, 0x12, 0x02, 0xa3, 0x09, 'A', 'N', 'O', 'N', 'Y', 'M', 'O',
                         'U', 'S', 0x05, 'P', 'L', 'A', 'I', 'N'});
  sasl_frame f;
  REQUIRE_FALSE(decode_sasl(mechs, f));
  const auto& m = std::get<sasl_mechanisms>(f);
  REQUIRE(m.mechanisms.size() == 2);
  CHECK(m.mechanisms[1].str == "PLAIN");
  bytes out;
  encoder e(out);
  encode_sasl(e, m);
  CHECK(out == mechs);
  CHECK(decode_sasl(b({0x00, 0x53, 0x40, 0x45}), f) == errc::missing_field);
  CHECK(decode_sasl(cat(mechs, b({0x40})), f) == errc::trailing_bytes);
  // outcome: code 1 (auth)
  REQUIRE_FALSE(decode_sasl(b({0x00, 0x53, 0x44, 0xc0, 0x03, 0x01, 0x50, 0x01}), f));
  CHECK(std::get<sasl_outcome>(f).code == sasl_code::auth);
  CHECK(decode_sasl(b({0x00, 0x53, 0x44, 0xc0, 0x03, 0x01, 0x52, 0x01}), f) == errc::unexpected_type); // uint, not ubyte

  const std::uint8_t resp[] = {0, 'u', 0, 'p'};
  for (const sasl_frame& x : {sasl_frame{sasl_init{symbol{"PLAIN"}, binary{resp}, "hub"}}, sasl_frame{sasl_challenge{binary{resp}}},
                              sasl_frame{sasl_response{binary{resp}}}, sasl_frame{sasl_outcome{sasl_code::sys_temp, binary{resp}}}}) {
    bytes wire;
    write_sasl_frame(wire, x);
    frame_reader r;
    std::error_code ec;
    REQUIRE(r.put(wire, ec) == wire.size());
    CHECK(r.get().header.type == frame_type::sasl);
    sasl_frame back;
    REQUIRE_FALSE(decode_sasl(r.get().body, back));
    CHECK(back == x);
  }
}
