// Byte vectors follow the encodings table of OASIS AMQP 1.0 part 1 (1.6, "Primitive
// Type Definitions"): constructor byte, then the big-endian width the table gives.
#include "support.hpp"

#include <hubwire_test/catch.hpp>

#include <deque>
#include <limits>
#include <random>

using namespace hubwire::amqp;
using namespace amqp_test;

namespace {

// Values are views: the bytes they were decoded from stay here until the test ends.
std::deque<bytes> keep;

value decoded(const bytes& input) {
  const bytes& in = keep.emplace_back(input);
  value v;
  const auto ec = decode_all(in, v);
  INFO(ec.message());
  REQUIRE_FALSE(ec);
  return v;
}

std::error_code failure(const bytes& in, const decode_limits& lim = {}) {
  value v;
  return decode_all(in, v, lim);
}

template <class Write>
bytes encoded(Write w) {
  bytes out;
  encoder e(out);
  w(e);
  return out;
}

} // namespace

TEST_CASE("every fixed-width format code decodes to its type and value") {
  struct row {
    bytes in;
    value want;
  };
  const row rows[] = {
      {b({0x40}), value::null()},
      {b({0x41}), value::boolean(true)},
      {b({0x42}), value::boolean(false)},
      {b({0x56, 0x01}), value::boolean(true)},
      {b({0x56, 0x00}), value::boolean(false)},
      {b({0x50, 0xfe}), value::ubyte(254)},
      {b({0x60, 0x12, 0x34}), value::ushort(0x1234)},
      {b({0x70, 0x12, 0x34, 0x56, 0x78}), value::uint(0x12345678)},
      {b({0x52, 0xff}), value::uint(255)},
      {b({0x43}), value::uint(0)},
      {b({0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}), value::ulong(0x0102030405060708)},
      {b({0x53, 0x10}), value::ulong(16)},
      {b({0x44}), value::ulong(0)},
      {b({0x51, 0xff}), value::byte(-1)},
      {b({0x61, 0xff, 0xfe}), value::short_(-2)},
      {b({0x71, 0xff, 0xff, 0xff, 0xfd}), value::int_(-3)},
      {b({0x54, 0x80}), value::int_(-128)},
      {b({0x81, 0x80, 0, 0, 0, 0, 0, 0, 0}), value::long_(std::numeric_limits<std::int64_t>::min())},
      {b({0x55, 0x7f}), value::long_(127)},
      {b({0x72, 0x3f, 0x80, 0x00, 0x00}), value::float_(1.0f)},                          // IEEE 754 binary32
      {b({0x82, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18}), value::double_(3.141592653589793)},
      {b({0x73, 0x00, 0x01, 0xf6, 0x00}), value::char_(U'\U0001F600')},
      {b({0x83, 0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00}), value::time({1700000000000})},
  };
  for (const auto& r : rows) {
    CAPTURE(r.in);
    CHECK(decoded(r.in) == r.want);
  }
}

TEST_CASE("decimals and uuid are carried as their bytes") {
  const bytes d32 = b({0x74, 0x22, 0x50, 0x00, 0x01});
  const bytes d64 = b({0x84, 1, 2, 3, 4, 5, 6, 7, 8});
  bytes d128 = b({0x94});
  bytes u = b({0x98});
  for (int i = 0; i < 16; ++i) d128.push_back(static_cast<std::uint8_t>(i)), u.push_back(static_cast<std::uint8_t>(0xf0 + i));
  CHECK(decoded(d32).type() == kind::decimal32);
  CHECK(decoded(d32).bytes().size() == 4);
  CHECK(decoded(d64).type() == kind::decimal64);
  CHECK(decoded(d128).type() == kind::decimal128);
  CHECK(decoded(d128).bytes()[15] == 15);
  CHECK(decoded(u).type() == kind::uuid);
  CHECK(decoded(u).as_uuid().bytes[0] == 0xf0);
  CHECK(encode_value(decoded(d128)) == d128);
  CHECK(encode_value(decoded(u)) == u);
}

TEST_CASE("variable-width types in both widths, as views of the input") {
  const bytes s8 = b({0xa1, 0x03, 'a', 'b', 'c'});
  const bytes s32 = b({0xb1, 0, 0, 0, 3, 'a', 'b', 'c'});
  CHECK(decoded(s8) == value::str("abc"));
  CHECK(decoded(s32) == value::str("abc"));
  value view;
  REQUIRE_FALSE(decode_all(s8, view));
  CHECK(view.str().data() == reinterpret_cast<const char*>(s8.data() + 2)); // no copy
  CHECK(decoded(b({0xa3, 0x02, 'o', 'k'})) == value::sym("ok"));
  CHECK(decoded(b({0xb3, 0, 0, 0, 2, 'o', 'k'})) == value::sym("ok"));
  const bytes v8 = b({0xa0, 0x02, 0x00, 0xff});
  CHECK(decoded(v8).type() == kind::binary);
  CHECK(decoded(b({0xb0, 0, 0, 0, 2, 0x00, 0xff})) == decoded(v8));
  // A string and a symbol with the same bytes are different values.
  CHECK_FALSE(decoded(s8) == decoded(b({0xa3, 0x03, 'a', 'b', 'c'})));
}

TEST_CASE("lists, maps and arrays in every width") {
  // list0, list8 [1, "a"], list32 [1, "a"]
  CHECK(decoded(b({0x45})).type() == kind::list);
  CHECK(decoded(b({0x45})).count() == 0);
  const value l8 = decoded(b({0xc0, 0x06, 0x02, 0x52, 0x01, 0xa1, 0x01, 'a'}));
  const value l32 = decoded(b({0xd0, 0, 0, 0, 0x09, 0, 0, 0, 0x02, 0x52, 0x01, 0xa1, 0x01, 'a'}));
  CHECK(l8.count() == 2);
  CHECK(l8 == l32);
  element_reader r(l8);
  value e;
  REQUIRE(r.next(e));
  CHECK(e == value::uint(1));
  REQUIRE(r.next(e));
  CHECK(e == value::str("a"));
  CHECK_FALSE(r.next(e));

  const value m8 = decoded(b({0xc1, 0x05, 0x02, 0xa3, 0x01, 'k', 0x41}));
  const value m32 = decoded(b({0xd1, 0, 0, 0, 0x08, 0, 0, 0, 0x02, 0xa3, 0x01, 'k', 0x41}));
  CHECK(m8.type() == kind::map);
  CHECK(m8 == m32);

  // array8 of three smalluints, array32 of the same with uint elements
  const value a8 = decoded(b({0xe0, 0x05, 0x03, 0x52, 1, 2, 3}));
  const value a32 = decoded(b({0xf0, 0, 0, 0, 0x11, 0, 0, 0, 3, 0x70, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3}));
  CHECK(a8.element_kind() == kind::uint);
  CHECK(a8 == a32);
  // An array of booleans with the one-byte form, and an empty array of symbols.
  const value ab = decoded(b({0xe0, 0x04, 0x02, 0x56, 0x01, 0x00}));
  element_reader rb(ab);
  REQUIRE(rb.next(e));
  CHECK(e == value::boolean(true));
  CHECK(decoded(b({0xe0, 0x02, 0x00, 0xa3})).element_kind() == kind::symbol);
}

TEST_CASE("described values with ulong and symbol descriptors, and arrays of them") {
  const value d = decoded(b({0x00, 0x53, 0x24, 0x45})); // accepted: described list0
  CHECK(d.is_described(0x24));
  CHECK(d.described_value().type() == kind::list);
  const value s = decoded(b({0x00, 0xa3, 0x04, 'n', 'a', 'm', 'e', 0xa1, 0x01, 'x'}));
  CHECK(s.descriptor_is_symbol());
  CHECK(s.descriptor_symbol() == "name");
  CHECK(s.described_value() == value::str("x"));
  // array8 of two described smalluints, descriptor 0x99
  const bytes arr = b({0xe0, 0x07, 0x02, 0x00, 0x53, 0x99, 0x52, 7, 8});
  const value a = decoded(arr);
  CHECK(a.elements_described());
  CHECK(a.element_kind() == kind::uint);
  element_reader r(a);
  value e;
  REQUIRE(r.next(e));
  CHECK(e.is_described(0x99));
  CHECK(e.described_value() == value::uint(7));
  CHECK(encode_value(a) == arr);
}

TEST_CASE("the encoder picks the most compact form") {
  CHECK(encoded([](encoder& e) { e.write_uint(0); }) == b({0x43}));
  CHECK(encoded([](encoder& e) { e.write_uint(255); }) == b({0x52, 0xff}));
  CHECK(encoded([](encoder& e) { e.write_uint(256); }) == b({0x70, 0, 0, 1, 0}));
  CHECK(encoded([](encoder& e) { e.write_ulong(0); }) == b({0x44}));
  CHECK(encoded([](encoder& e) { e.write_ulong(7); }) == b({0x53, 7}));
  CHECK(encoded([](encoder& e) { e.write_ulong(256); }) == b({0x80, 0, 0, 0, 0, 0, 0, 1, 0}));
  CHECK(encoded([](encoder& e) { e.write_int(-128); }) == b({0x54, 0x80}));
  CHECK(encoded([](encoder& e) { e.write_int(128); }) == b({0x71, 0, 0, 0, 0x80}));
  CHECK(encoded([](encoder& e) { e.write_long(-1); }) == b({0x55, 0xff}));
  CHECK(encoded([](encoder& e) { e.write_long(-129); }) == b({0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}));
  CHECK(encoded([](encoder& e) { e.write_bool(true); }) == b({0x41}));
  CHECK(encoded([](encoder& e) { e.begin_list(); e.end_list(); }) == b({0x45}));
  CHECK(encoded([](encoder& e) { e.begin_map(); e.end_map(); }) == b({0xc1, 0x01, 0x00}));
  CHECK(encoded([](encoder& e) { e.begin_list(); e.write_null(); e.end_list(); }) == b({0xc0, 0x02, 0x01, 0x40}));
  const std::string s255(255, 'x'), s256(256, 'x');
  CHECK(encoded([&](encoder& e) { e.write_string(s255); })[0] == 0xa1);
  CHECK(encoded([&](encoder& e) { e.write_string(s256); })[0] == 0xb1);
  // A list whose body exceeds 255 bytes needs list32.
  const bytes big = encoded([&](encoder& e) { e.begin_list(); e.write_string(s255); e.end_list(); });
  CHECK(big[0] == 0xd0);
  CHECK(decoded(big).count() == 1);
  const std::vector<symbol> syms{symbol{"a"}, symbol{"bc"}};
  CHECK(encoded([&](encoder& e) { e.write_symbol_array(syms); }) == b({0xe0, 0x07, 0x02, 0xa3, 1, 'a', 2, 'b', 'c'}));
  // A described value counts as one element of its list.
  const bytes dl = encoded([](encoder& e) {
    e.begin_list();
    e.write_descriptor(0x24);
    e.begin_list();
    e.end_list();
    e.end_list();
  });
  CHECK(dl == b({0xc0, 0x05, 0x01, 0x00, 0x53, 0x24, 0x45}));
}

TEST_CASE("decoder rejects each malformed encoding with its own error") {
  CHECK(failure(b({})) == errc::truncated);
  CHECK(failure(b({0x70, 0, 0})) == errc::truncated);
  CHECK(failure(b({0xa1, 0x05, 'a'})) == errc::truncated);
  CHECK(failure(b({0xb0, 0xff, 0xff, 0xff, 0xff})) == errc::truncated);
  CHECK(failure(b({0x01})) == errc::bad_constructor);
  CHECK(failure(b({0xe0, 0x02, 0x01, 0x99})) == errc::bad_constructor);
  CHECK(failure(b({0x00, 0x71, 0, 0, 0, 1, 0x40})) == errc::bad_descriptor);       // int descriptor
  CHECK(failure(b({0x00, 0x53, 0x01, 0x00, 0x71, 0, 0, 0, 1, 0x40})) == errc::bad_descriptor); // nested, int
  CHECK(failure(b({0x00, 0x53, 0x01, 0x00, 0x53, 0x02})) == errc::truncated); // nested, no value
  CHECK(failure(b({0xa1, 0x02, 0xc3, 0x28})) == errc::bad_utf8);
  CHECK(failure(b({0xa1, 0x03, 0xed, 0xa0, 0x80})) == errc::bad_utf8);               // surrogate
  CHECK(failure(b({0xa3, 0x01, 0x80})) == errc::bad_symbol);
  CHECK(failure(b({0x56, 0x02})) == errc::bad_boolean);
  CHECK(failure(b({0x73, 0x00, 0x11, 0x00, 0x00})) == errc::bad_char);
  CHECK(failure(b({0x73, 0x00, 0x00, 0xd8, 0x00})) == errc::bad_char);
  CHECK(failure(b({0xd0, 0, 0, 0, 2, 0, 0})) == errc::bad_size);
  CHECK(failure(b({0xc1, 0x02, 0x01, 0x40})) == errc::odd_map_count);
  CHECK(failure(b({0xc0, 0x03, 0x01, 0x40, 0x40})) == errc::trailing_bytes);
  CHECK(failure(b({0xc0, 0x02, 0x02, 0x40})) == errc::truncated);
  CHECK(failure(b({0xc0, 0x05, 0x01})) == errc::truncated);
  // A count larger than the bytes present is refused before walking.
  CHECK(failure(b({0xd0, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0x40})) == errc::too_many_elements);
  decode_limits few{.max_depth = 32, .max_elements = 2};
  CHECK(failure(b({0xc0, 0x04, 0x03, 0x40, 0x40, 0x40}), few) == errc::too_many_elements);
  CHECK(failure(b({0xe0, 0x02, 0x03, 0x40}), few) == errc::too_many_elements);
  // Nesting: three lists deep is fine with max_depth 3, not with 2.
  const bytes nested = b({0xc0, 0x05, 0x01, 0xc0, 0x02, 0x01, 0x45});
  CHECK_FALSE(failure(nested, {.max_depth = 3}));
  CHECK(failure(nested, {.max_depth = 1}) == errc::too_deep);
  // Descriptions of descriptions count as nesting too: a long chain stops at max_depth.
  bytes chain;
  for (int i = 0; i < 10000; ++i) chain.insert(chain.end(), {0x00, 0x53, 0x01});
  chain.push_back(0x40);
  CHECK(failure(chain) == errc::too_deep);
}

TEST_CASE("randomized values survive encode -> decode -> encode") {
  std::mt19937_64 rng(20261123);
  std::vector<std::string> pool; // keeps string payloads alive
  auto random_value = [&](auto& self, encoder& e, int depth) -> void {
    int pick = static_cast<int>(rng() % (depth > 3 ? 14 : 18));
    switch (pick) {
      case 0: e.write_null(); break;
      case 1: e.write_bool(rng() & 1); break;
      case 2: e.write_ubyte(static_cast<std::uint8_t>(rng())); break;
      case 3: e.write_ushort(static_cast<std::uint16_t>(rng())); break;
      case 4: e.write_uint(static_cast<std::uint32_t>(rng() >> (rng() % 64))); break;
      case 5: e.write_ulong(rng() >> (rng() % 64)); break;
      case 6: e.write_int(static_cast<std::int32_t>(rng() >> (rng() % 64))); break;
      case 7: e.write_long(static_cast<std::int64_t>(rng()) >> (rng() % 64)); break;
      case 8: e.write_double(static_cast<double>(rng()) / 7.0); break;
      case 9: e.write_timestamp({static_cast<std::int64_t>(rng() >> 20)}); break;
      case 10: pool.push_back(std::string(rng() % 300, static_cast<char>('a' + rng() % 26))); e.write_string(pool.back()); break;
      case 11: pool.push_back(std::string(rng() % 20, 'k')); e.write_symbol(pool.back()); break;
      case 12: e.write_char(static_cast<char32_t>(rng() % 0xd000)); break;
      case 13: { uuid u; for (auto& x : u.bytes) x = static_cast<std::uint8_t>(rng()); e.write_uuid(u); break; }
      case 14: case 15: {
        const bool map = pick == 15;
        map ? e.begin_map() : e.begin_list();
        const auto n = rng() % 6;
        for (std::uint64_t i = 0; i < n * (map ? 2 : 1); ++i) self(self, e, depth + 1);
        map ? e.end_map() : e.end_list();
        break;
      }
      case 16: e.write_descriptor(rng() % 0x200); self(self, e, depth + 1); break;
      default: {
        std::vector<symbol> syms;
        for (auto n = rng() % 4; n > 0; --n) syms.push_back(symbol{"sym"});
        e.write_symbol_array(syms);
      }
    }
  };
  for (int i = 0; i < 2000; ++i) {
    bytes first;
    encoder e(first);
    random_value(random_value, e, 0);
    value v;
    REQUIRE_FALSE(decode_all(first, v));
    const bytes second = encode_value(v);
    CHECK(second == first); // the encoder's output is already the compact form
    value w;
    REQUIRE_FALSE(decode_all(second, w));
    CHECK(w == v);
  }
}

TEST_CASE("compounds decoded compactly are copied and those walked unvalidated are rewritten to the same bytes") {
  // Random values, each the only field of a list: decoded as the list's element (walked
  // without validation, so nothing is known about its encoding) and on their own
  // (validated, so compounds are known to be compact): both must re-encode to the
  // encoder's original bytes.
  std::mt19937_64 rng(4);
  auto random_value = [&](auto& self, encoder& e, int depth) -> void {
    auto pick = rng() % (depth > 3 ? 5 : 8);
    switch (pick) {
      case 0: e.write_uint(static_cast<std::uint32_t>(rng() >> (rng() % 64))); break;
      case 1: e.write_long(static_cast<std::int64_t>(rng()) >> (rng() % 64)); break;
      case 2: e.write_string(std::string_view("a string of some length, longer than sixteen bytes").substr(rng() % 40)); break;
      case 3: e.write_bool(rng() & 1); break;
      case 4: e.write_null(); break;
      case 5: case 6: {
        const bool map = rng() & 1;
        map ? e.begin_map() : e.begin_list();
        for (auto n = (rng() % 5) * (map ? 2 : 1); n > 0; --n) self(self, e, depth + 1);
        map ? e.end_map() : e.end_list();
        break;
      }
      default: e.write_descriptor(rng() % 0x120); self(self, e, depth + 1);
    }
  };
  for (int i = 0; i < 500; ++i) {
    bytes alone;
    encoder ea(alone);
    random_value(random_value, ea, 0);
    bytes wrapped = cat(b({0xd0, 0, 0, 0, 0, 0, 0, 0, 1}), alone); // list32 of one: not compact
    const auto size = static_cast<std::uint32_t>(wrapped.size() - 5);
    for (int k = 0; k < 4; ++k) wrapped[1 + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(size >> (24 - 8 * k));
    value list, own, walked;
    REQUIRE_FALSE(decode_all(wrapped, list));
    REQUIRE_FALSE(decode_all(alone, own));
    element_reader r(list);
    REQUIRE(r.next(walked));
    CHECK(encode_value(own) == alone);
    CHECK(encode_value(walked) == alone);
    // The list itself had a wide header: only that is rewritten.
    CHECK(encode_value(list) == encoded([&](encoder& e) { e.begin_list(); e.write(own); e.end_list(); }));
  }
}
