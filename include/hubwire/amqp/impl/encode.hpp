#ifndef HUBWIRE_AMQP_IMPL_ENCODE_HPP
#define HUBWIRE_AMQP_IMPL_ENCODE_HPP

#include <algorithm>
#include <cstring>

namespace hubwire::amqp {

inline void encoder::write_uint(std::uint32_t x) {
  note();
  if (x == 0) out_.push_back(0x43);
  else if (x <= 0xff) { out_.push_back(0x52); out_.push_back(static_cast<std::uint8_t>(x)); }
  else { out_.push_back(0x70); be(x); }
}

inline void encoder::write_ulong(std::uint64_t x) {
  note();
  if (x == 0) out_.push_back(0x44);
  else if (x <= 0xff) { out_.push_back(0x53); out_.push_back(static_cast<std::uint8_t>(x)); }
  else { out_.push_back(0x80); be(x); }
}

inline void encoder::write_int(std::int32_t x) {
  note();
  if (x >= -128 && x <= 127) { out_.push_back(0x54); be(static_cast<std::uint8_t>(x)); }
  else { out_.push_back(0x71); be(static_cast<std::uint32_t>(x)); }
}

inline void encoder::write_long(std::int64_t x) {
  note();
  if (x >= -128 && x <= 127) { out_.push_back(0x55); be(static_cast<std::uint8_t>(x)); }
  else { out_.push_back(0x81); be(static_cast<std::uint64_t>(x)); }
}

inline void encoder::write_float(float x) {
  note();
  std::uint32_t bits;
  std::memcpy(&bits, &x, 4);
  out_.push_back(0x72);
  be(bits);
}

inline void encoder::write_double(double x) {
  note();
  std::uint64_t bits;
  std::memcpy(&bits, &x, 8);
  out_.push_back(0x82);
  be(bits);
}

inline void encoder::write_decimal(kind k, bytes_view b) {
  note();
  out_.push_back(k == kind::decimal32 ? 0x74 : k == kind::decimal64 ? 0x84 : 0x94);
  raw(b);
}

inline void encoder::write_descriptor(std::uint64_t c) {
  note();
  out_.push_back(code::described);
  inner_pending_ = true; // the descriptor and the next value make one element
  if (c == 0) out_.push_back(0x44);
  else if (c <= 0xff) { out_.push_back(0x53); out_.push_back(static_cast<std::uint8_t>(c)); }
  else { out_.push_back(0x80); be(c); }
}

inline void encoder::write_descriptor(symbol s) {
  note();
  out_.push_back(code::described);
  inner_pending_ = true;
  variable(0xa3, 0xb3, core::as_bytes(s.str));
}

inline void encoder::begin(std::uint8_t code32) {
  note();
  out_.push_back(code32);
  stack_.push_back({out_.size() - 1, 0});
  out_.insert(out_.end(), 8, 0); // size32 and count32, patched at end()
}

inline void encoder::end() {
  const open_compound f = stack_.back();
  stack_.pop_back();
  auto put32 = [&](std::size_t at, std::uint32_t x) {
    for (int i = 0; i < 4; ++i) out_[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(x >> (24 - 8 * i));
  };
  const std::size_t body = f.start + 9;
  const std::size_t len = out_.size() - body;
  const std::uint8_t c32 = out_[f.start];
  if (c32 == code::list32 && f.count == 0) {
    out_.resize(f.start);
    out_.push_back(code::list0);
  } else if (len + 1 <= 0xff && f.count <= 0xff) {
    out_[f.start] = static_cast<std::uint8_t>(c32 - 0x10); // list8, map8, array8
    out_[f.start + 1] = static_cast<std::uint8_t>(len + 1);
    out_[f.start + 2] = static_cast<std::uint8_t>(f.count);
    std::memmove(out_.data() + f.start + 3, out_.data() + body, len);
    out_.resize(out_.size() - 6);
  } else {
    put32(f.start + 1, static_cast<std::uint32_t>(len + 4));
    put32(f.start + 5, f.count);
  }
}

inline void encoder::write_symbol_array(std::span<const symbol> items) {
  bool small = true;
  for (const auto& s : items) small = small && s.str.size() <= 0xff;
  begin(code::array32);
  out_.push_back(small ? 0xa3 : 0xb3);
  for (const auto& s : items) {
    if (small) out_.push_back(static_cast<std::uint8_t>(s.str.size()));
    else be(static_cast<std::uint32_t>(s.str.size()));
    raw(core::as_bytes(s.str));
  }
  stack_.back().count = static_cast<std::uint32_t>(items.size());
  end();
}

inline void encoder::write(const value& v) {
  std::uint8_t* p = append(detail::value_codec::size(v));
  detail::value_codec::write(p, v);
}

} // namespace hubwire::amqp

#endif
