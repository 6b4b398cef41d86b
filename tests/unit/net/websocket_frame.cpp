#include <hubwire/core/utf8.hpp>
#include <hubwire/net/websocket_frame.hpp>
#include <hubwire_test/catch.hpp>

#include <random>
#include <vector>

using namespace hubwire::net::websocket;
using bytes = std::vector<std::uint8_t>;

namespace {

struct decoded {
  frame_header header;
  std::string payload;
};

// Decodes every frame in `in`, feeding at most `step` bytes at a time.
std::vector<decoded> decode_all(bytes in, role local, std::size_t step, std::error_code& ec) {
  decoder d({.local = local});
  std::vector<decoded> out;
  std::size_t pos = 0, avail = std::min(step, in.size());
  std::string payload;
  while (pos < in.size()) {
    const std::size_t used = d.put(std::span(in).subspan(pos, avail - pos), ec);
    if (ec == errc::need_more) {
      if (avail == in.size()) return out;
      avail = std::min(avail + step, in.size());
      ec = {};
      continue;
    }
    if (ec) return out;
    pos += used;
    if (avail < pos + 1) avail = std::min(pos + step, in.size());
    payload += hubwire::core::as_chars(d.payload());
    if (d.frame_done()) {
      out.push_back({d.header(), payload});
      payload.clear();
    }
  }
  return out;
}

std::error_code first_error(bytes in, role local) {
  std::error_code ec;
  decode_all(std::move(in), local, in.size() + 1, ec);
  return ec;
}

} // namespace

TEST_CASE("websocket decodes the RFC 6455 section 5.7 examples, split anywhere") {
  for (std::size_t step : {1u, 2u, 3u, 7u, 1000u}) {
    std::error_code ec;
    // A single-frame unmasked text message (server to client).
    auto f = decode_all({0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, role::client, step, ec);
    REQUIRE_FALSE(ec);
    REQUIRE(f.size() == 1);
    CHECK(f[0].header.op == opcode::text);
    CHECK(f[0].payload == "Hello");
    // A single-frame masked text message (client to server).
    f = decode_all({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, role::server, step, ec);
    REQUIRE_FALSE(ec);
    REQUIRE(f.size() == 1);
    CHECK(f[0].header.masked);
    CHECK(f[0].payload == "Hello");
    // A fragmented unmasked text message, then an unmasked ping.
    f = decode_all({0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f, 0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f},
                   role::client, step, ec);
    REQUIRE_FALSE(ec);
    REQUIRE(f.size() == 3);
    CHECK((!f[0].header.fin && f[0].payload == "Hel"));
    CHECK((f[1].header.fin && f[1].header.op == opcode::continuation && f[1].payload == "lo"));
    CHECK((f[2].header.op == opcode::ping && f[2].payload == "Hello"));
    // A masked pong.
    f = decode_all({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, role::server, step, ec);
    REQUIRE_FALSE(ec);
    CHECK(f.at(0).header.op == opcode::pong);
    CHECK(f.at(0).payload == "Hello");
  }
}

TEST_CASE("websocket decodes the 16-bit and 64-bit length examples") {
  bytes b256{0x82, 0x7E, 0x01, 0x00};
  b256.resize(4 + 256, 0xAB);
  std::error_code ec;
  auto f = decode_all(b256, role::client, 100, ec);
  REQUIRE_FALSE(ec);
  CHECK(f.at(0).header.payload_size == 256);
  CHECK(f.at(0).payload == std::string(256, '\xAB'));

  bytes b64k{0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0};
  b64k.resize(10 + 65536, 0x01);
  f = decode_all(b64k, role::client, 4096, ec);
  REQUIRE_FALSE(ec);
  CHECK(f.at(0).header.payload_size == 65536);
  CHECK(f.at(0).payload.size() == 65536);
}

TEST_CASE("websocket header encoding reproduces the RFC examples and round-trips") {
  std::array<std::uint8_t, 14> out{};
  frame_header h{true, opcode::text, true, {0x37, 0xfa, 0x21, 0x3d}, 5};
  REQUIRE(encode_header(h, out) == 6);
  CHECK(bytes(out.begin(), out.begin() + 6) == bytes{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d});
  std::string hello = "Hello";
  apply_mask({reinterpret_cast<std::uint8_t*>(hello.data()), hello.size()}, h.mask, 0);
  CHECK(bytes(hello.begin(), hello.end()) == bytes{0x7f, 0x9f, 0x4d, 0x51, 0x58});

  CHECK(encode_header({true, opcode::binary, false, {}, 256}, out) == 4);
  CHECK(bytes(out.begin(), out.begin() + 4) == bytes{0x82, 0x7E, 0x01, 0x00});
  CHECK(encode_header({true, opcode::binary, false, {}, 65536}, out) == 10);
  CHECK(bytes(out.begin(), out.begin() + 10) == bytes{0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0});

  std::mt19937 rng(7);
  for (std::uint64_t size : {0ull, 1ull, 125ull, 126ull, 65535ull, 65536ull, 70000ull}) {
    const std::array<std::uint8_t, 4> mask{static_cast<std::uint8_t>(rng()), 2, 3, 4};
    bytes frame(14);
    frame.resize(encode_header({true, opcode::binary, true, mask, size}, frame));
    std::string body(size, 'x');
    for (auto& c : body) c = static_cast<char>(rng());
    std::string masked = body;
    apply_mask({reinterpret_cast<std::uint8_t*>(masked.data()), masked.size()}, mask, 0);
    frame.insert(frame.end(), masked.begin(), masked.end());
    std::error_code ec;
    auto f = decode_all(frame, role::server, 997, ec);
    REQUIRE_FALSE(ec);
    CHECK(f.at(0).payload == body);
  }
}

TEST_CASE("websocket rejects each RFC 6455 violation with its own error") {
  CHECK(first_error({0xC1, 0x00}, role::client) == errc::reserved_bits);
  CHECK(first_error({0x83, 0x00}, role::client) == errc::bad_opcode);
  CHECK(first_error({0x8B, 0x00}, role::client) == errc::bad_opcode);
  CHECK(first_error({0x09, 0x00}, role::client) == errc::bad_control_frame); // fragmented ping
  CHECK(first_error({0x89, 0x7E, 0x00, 0x7E}, role::client) == errc::bad_control_frame);
  CHECK(first_error({0x82, 0x80, 1, 2, 3, 4}, role::client) == errc::bad_masking); // server frames are unmasked
  CHECK(first_error({0x82, 0x00}, role::server) == errc::bad_masking);             // client frames are masked
  CHECK(first_error({0x82, 0x7E, 0x00, 0x7D}, role::client) == errc::non_minimal_length);
  CHECK(first_error({0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, role::client) == errc::non_minimal_length);
  CHECK(first_error({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}, role::client) == errc::length_too_large);
  CHECK(first_error({0x80, 0x00}, role::client) == errc::unexpected_continuation);
  CHECK(first_error({0x02, 0x00, 0x82, 0x00}, role::client) == errc::expected_continuation);
  CHECK(first_error({0x88, 0x01, 0x03}, role::client) == errc::bad_close_payload);
  CHECK(first_error({0x88, 0x02, 0x03, 0xED}, role::client) == errc::bad_close_payload); // 1005 never on the wire
  CHECK(first_error({0x88, 0x04, 0x03, 0xE8, 0xC0, 0xAF}, role::client) == errc::bad_close_payload); // overlong UTF-8
  CHECK_FALSE(first_error({0x88, 0x04, 0x03, 0xE8, 'o', 'k'}, role::client));
  // Control frames may arrive between fragments.
  CHECK_FALSE(first_error({0x02, 0x00, 0x89, 0x00, 0x80, 0x00}, role::client));

  decoder small({.local = role::client, .max_frame_payload = 100});
  bytes big{0x82, 0x7E, 0x01, 0x00};
  std::error_code ec;
  CHECK(small.put(big, ec) == 0);
  CHECK(ec == errc::frame_too_large);
}

TEST_CASE("utf8 validation follows Unicode table 3-7") {
  using hubwire::core::is_valid_utf8;
  CHECK(is_valid_utf8("plain ASCII"));
  CHECK(is_valid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80")); // é € 😀
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));             // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));         // overlong
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));         // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));     // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));             // truncated
  CHECK_FALSE(is_valid_utf8("\x80"));                 // lone continuation
  CHECK_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
}
