#ifndef HUBWIRE_AMQP_ENCODE_HPP
#define HUBWIRE_AMQP_ENCODE_HPP

// Appends AMQP values to a byte vector, always in the most compact encoding: uint0,
// smalluint, list0, list8/map8 when size and count fit in a byte, str8/sym8/vbin8 for
// short payloads, 0x41/0x42 for booleans. Compounds are written as begin/end pairs; the
// encoder counts their elements and shrinks a provisional 32-bit header to 8 bits (or
// list0) at end, so callers never precompute sizes.
//
// Arrays share one constructor for all elements, so they are written from values
// (`write(value)`) or from a span of symbols, where the encoder can see every element
// before choosing. Arrays of compounds use 32-bit element bodies.

#include <hubwire/amqp/impl/compact.hpp>
#include <hubwire/amqp/types.hpp>

#include <array>
#include <span>
#include <string_view>
#include <vector>

namespace hubwire::amqp {

class encoder {
public:
  explicit encoder(std::vector<std::uint8_t>& out) noexcept : out_(out) {}

  void write_null() { note(); out_.push_back(0x40); }
  void write_bool(bool b) { note(); out_.push_back(b ? 0x41 : 0x42); }
  void write_ubyte(std::uint8_t x) { note(); out_.push_back(0x50); out_.push_back(x); }
  void write_ushort(std::uint16_t x) { note(); out_.push_back(0x60); be(x); }
  void write_uint(std::uint32_t x);
  void write_ulong(std::uint64_t x);
  void write_byte(std::int8_t x) { note(); out_.push_back(0x51); be(static_cast<std::uint8_t>(x)); }
  void write_short(std::int16_t x) { note(); out_.push_back(0x61); be(static_cast<std::uint16_t>(x)); }
  void write_int(std::int32_t x);
  void write_long(std::int64_t x);
  void write_float(float x);
  void write_double(double x);
  void write_char(char32_t c) { note(); out_.push_back(0x73); be(static_cast<std::uint32_t>(c)); }
  void write_timestamp(timestamp t) { note(); out_.push_back(0x83); be(static_cast<std::uint64_t>(t.ms)); }
  void write_uuid(const uuid& u) { note(); out_.push_back(0x98); raw(u.bytes); }
  // decimal32/64/128: the IEEE 754 bytes, big-endian, 4/8/16 of them.
  void write_decimal(kind k, bytes_view b);
  void write_binary(bytes_view b) { note(); variable(0xa0, 0xb0, b); }
  void write_string(std::string_view s) { note(); variable(0xa1, 0xb1, core::as_bytes(s)); }
  void write_symbol(std::string_view s) { note(); variable(0xa3, 0xb3, core::as_bytes(s)); }

  void begin_list() { begin(0xd0); }
  void end_list() { end(); }
  void begin_map() { begin(0xd1); }
  void end_map() { end(); }

  // A described value: write the descriptor here, then exactly one value.
  void write_descriptor(std::uint64_t c);
  void write_descriptor(symbol s);

  void write_symbol_array(std::span<const symbol> items);

  // Any decoded value, re-encoded compactly (copied when it was compact already).
  void write(const value& v);

  // Room for exactly one value of `n` bytes, which the caller writes there at once:
  // how composites and messages, sized beforehand, are written in one step.
  std::uint8_t* append(std::size_t n) {
    note();
    const std::size_t at = out_.size();
    out_.resize(at + n);
    return out_.data() + at;
  }

  // Elements written into the innermost open compound so far (fields of a list).
  std::uint32_t open_count() const noexcept { return stack_.empty() ? 0 : stack_.back().count; }
  // Drops everything written after `size` bytes and `count` elements of the innermost
  // compound: how trailing null fields are left out.
  void truncate(std::size_t size, std::uint32_t count) noexcept {
    out_.resize(size);
    if (!stack_.empty()) stack_.back().count = count;
  }
  std::size_t size() const noexcept { return out_.size(); }

private:
  struct open_compound {
    std::size_t start; // offset of the constructor
    std::uint32_t count;
  };

  void note() noexcept {
    if (inner_pending_) inner_pending_ = false;
    else if (!stack_.empty()) ++stack_.back().count;
  }
  template <class U>
  void be(U x) {
    for (std::size_t i = 0; i < sizeof(U); ++i) out_.push_back(static_cast<std::uint8_t>(x >> (8 * (sizeof(U) - 1 - i))));
  }
  template <std::size_t N>
  void raw(const std::array<std::uint8_t, N>& b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void raw(bytes_view b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void variable(std::uint8_t c8, std::uint8_t c32, bytes_view b) {
    if (b.size() <= 0xff) { out_.push_back(c8); out_.push_back(static_cast<std::uint8_t>(b.size())); }
    else { out_.push_back(c32); be(static_cast<std::uint32_t>(b.size())); }
    raw(b);
  }
  void begin(std::uint8_t code32);
  void end();

  std::vector<std::uint8_t>& out_;
  std::vector<open_compound> stack_;
  bool inner_pending_ = false;
};

// Convenience: one value, encoded on its own.
inline std::vector<std::uint8_t> encode_value(const value& v) {
  std::vector<std::uint8_t> out;
  encoder(out).write(v);
  return out;
}

} // namespace hubwire::amqp

#include <hubwire/amqp/impl/encode.hpp>

#endif
