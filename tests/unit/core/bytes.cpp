#include <hubwire/core/bytes.hpp>
#include <hubwire_test/catch.hpp>

#include <array>

using namespace hubwire::core;

TEST_CASE("byte_reader reads big-endian and refuses to read past the end") {
  const std::array<std::uint8_t, 7> in{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  byte_reader r(in);
  std::uint16_t a = 0;
  std::uint32_t b = 0;
  REQUIRE(r.read(a));
  CHECK(a == 0x0102);
  REQUIRE(r.read(b));
  CHECK(b == 0x03040506);
  CHECK_FALSE(r.read(a)); // one byte left
  CHECK(r.remaining() == 1);
  bytes_view v;
  CHECK_FALSE(r.read(2, v));
  REQUIRE(r.read(1, v));
  CHECK(v[0] == 0x07);
  CHECK(r.empty());
}

TEST_CASE("byte_writer counts what does not fit without writing past its buffer") {
  std::array<std::uint8_t, 4> out{0, 0, 0, 0xEE};
  byte_writer w(mutable_bytes(out.data(), 3));
  w.write(std::uint16_t{0xABCD});
  w.write(std::string_view("xyz"));
  CHECK(w.size() == 5);
  CHECK(w.overflowed());
  CHECK(out[0] == 0xAB);
  CHECK(out[1] == 0xCD);
  CHECK(out[3] == 0xEE); // untouched guard byte

  byte_writer counter;
  counter.write(std::uint32_t{1});
  CHECK(counter.size() == 4);
}
