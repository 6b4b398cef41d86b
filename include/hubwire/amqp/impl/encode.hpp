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

inline void encoder::begin(std::uint8_t code32, bool element_body) {
  if (!element_body) {
    note();
    out_.push_back(code32);
  }
  stack_.push_back({out_.size() - (element_body ? 0 : 1), 0, element_body});
  out_.insert(out_.end(), 8, 0); // size32 and count32, patched at end()
}

inline void encoder::end() {
  const open_compound f = stack_.back();
  stack_.pop_back();
  auto put32 = [&](std::size_t at, std::uint32_t x) {
    for (int i = 0; i < 4; ++i) out_[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(x >> (24 - 8 * i));
  };
  if (f.fixed32) {
    put32(f.start, static_cast<std::uint32_t>(out_.size() - f.start - 4));
    put32(f.start + 4, f.count);
    return;
  }
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

// The narrowest element constructor that holds every element of an array.
inline std::uint8_t encoder::array_code(const value& v) {
  std::uint64_t max_u = 0;
  bool small_i = true;
  std::size_t max_len = 0;
  element_reader r(v);
  value e;
  while (r.next(e)) {
    const value x = e.type() == kind::described ? e.described_value() : e;
    max_u = std::max(max_u, x.as_unsigned());
    small_i = small_i && x.as_signed() >= -128 && x.as_signed() <= 127;
    max_len = std::max(max_len, x.bytes().size());
  }
  switch (v.element_kind()) {
    case kind::null: return 0x40;
    case kind::boolean: return 0x56;
    case kind::ubyte: return 0x50;
    case kind::ushort: return 0x60;
    case kind::uint: return max_u <= 0xff ? 0x52 : 0x70;
    case kind::ulong: return max_u <= 0xff ? 0x53 : 0x80;
    case kind::byte: return 0x51;
    case kind::short_: return 0x61;
    case kind::int_: return small_i ? 0x54 : 0x71;
    case kind::long_: return small_i ? 0x55 : 0x81;
    case kind::float_: return 0x72;
    case kind::double_: return 0x82;
    case kind::decimal32: return 0x74;
    case kind::decimal64: return 0x84;
    case kind::decimal128: return 0x94;
    case kind::char_: return 0x73;
    case kind::timestamp: return 0x83;
    case kind::uuid: return 0x98;
    case kind::binary: return max_len <= 0xff ? 0xa0 : 0xb0;
    case kind::string: return max_len <= 0xff ? 0xa1 : 0xb1;
    case kind::symbol: return max_len <= 0xff ? 0xa3 : 0xb3;
    case kind::list: return code::list32;
    case kind::map: return code::map32;
    case kind::array: case kind::described: return code::array32;
  }
  return 0x40;
}

inline void encoder::write_array(const value& v) {
  const std::uint8_t c = array_code(v);
  begin(code::array32);
  if (v.elements_described()) {
    out_.push_back(code::described);
    if (v.descriptor_is_symbol()) variable(0xa3, 0xb3, core::as_bytes(v.descriptor_symbol()));
    else if (v.descriptor_code() == 0) out_.push_back(0x44);
    else if (v.descriptor_code() <= 0xff) {
      out_.push_back(0x53);
      out_.push_back(static_cast<std::uint8_t>(v.descriptor_code()));
    } else {
      out_.push_back(0x80);
      be(v.descriptor_code());
    }
  }
  out_.push_back(c);
  element_reader r(v);
  value e;
  while (r.next(e)) write_body(c, e.type() == kind::described ? e.described_value() : e);
  stack_.back().count = v.count();
  end();
}

// One array element: the body of `v` in format `c`, without a constructor.
inline void encoder::write_body(std::uint8_t c, const value& v) {
  switch (c) {
    case 0x40: return;
    case 0x56: out_.push_back(v.as_bool() ? 1 : 0); return;
    case 0x50: case 0x52: case 0x53: out_.push_back(static_cast<std::uint8_t>(v.as_unsigned())); return;
    case 0x51: case 0x54: case 0x55: out_.push_back(static_cast<std::uint8_t>(v.as_signed())); return;
    case 0x60: be(static_cast<std::uint16_t>(v.as_unsigned())); return;
    case 0x61: be(static_cast<std::uint16_t>(v.as_signed())); return;
    case 0x70: case 0x73: be(static_cast<std::uint32_t>(v.as_unsigned())); return;
    case 0x71: be(static_cast<std::uint32_t>(v.as_signed())); return;
    case 0x80: be(v.as_unsigned()); return;
    case 0x81: case 0x83: be(static_cast<std::uint64_t>(v.as_signed())); return;
    case 0x72: {
      std::uint32_t bits;
      const float f = v.as_float();
      std::memcpy(&bits, &f, 4);
      be(bits);
      return;
    }
    case 0x82: {
      std::uint64_t bits;
      const double d = v.as_double();
      std::memcpy(&bits, &d, 8);
      be(bits);
      return;
    }
    case 0x74: case 0x84: case 0x94: case 0x98: raw(v.bytes()); return;
    case 0xa0: case 0xa1: case 0xa3:
      out_.push_back(static_cast<std::uint8_t>(v.bytes().size()));
      raw(v.bytes());
      return;
    case 0xb0: case 0xb1: case 0xb3:
      be(static_cast<std::uint32_t>(v.bytes().size()));
      raw(v.bytes());
      return;
    case code::list32: case code::map32: {
      begin(c, true);
      element_reader r(v);
      value e;
      while (r.next(e)) write(e);
      end();
      return;
    }
    case code::array32: {
      // An array body: size, count, then the element constructor as write_array does.
      const std::size_t at = out_.size();
      write_array(v);
      // write_array wrote a constructor and may have narrowed to array8: widen back.
      std::vector<std::uint8_t> tmp(out_.begin() + static_cast<std::ptrdiff_t>(at), out_.end());
      out_.resize(at);
      if (tmp[0] == code::array8) {
        be(static_cast<std::uint32_t>(tmp[1] + 3u));
        be(static_cast<std::uint32_t>(tmp[2]));
        out_.insert(out_.end(), tmp.begin() + 3, tmp.end());
      } else {
        out_.insert(out_.end(), tmp.begin() + 1, tmp.end());
      }
      return;
    }
    default: return;
  }
}

inline void encoder::write(const value& v) {
  switch (v.type()) {
    case kind::null: write_null(); return;
    case kind::boolean: write_bool(v.as_bool()); return;
    case kind::ubyte: write_ubyte(static_cast<std::uint8_t>(v.as_unsigned())); return;
    case kind::ushort: write_ushort(static_cast<std::uint16_t>(v.as_unsigned())); return;
    case kind::uint: write_uint(static_cast<std::uint32_t>(v.as_unsigned())); return;
    case kind::ulong: write_ulong(v.as_unsigned()); return;
    case kind::byte: write_byte(static_cast<std::int8_t>(v.as_signed())); return;
    case kind::short_: write_short(static_cast<std::int16_t>(v.as_signed())); return;
    case kind::int_: write_int(static_cast<std::int32_t>(v.as_signed())); return;
    case kind::long_: write_long(v.as_signed()); return;
    case kind::float_: write_float(v.as_float()); return;
    case kind::double_: write_double(v.as_double()); return;
    case kind::decimal32: case kind::decimal64: case kind::decimal128: write_decimal(v.type(), v.bytes()); return;
    case kind::char_: write_char(static_cast<char32_t>(v.as_unsigned())); return;
    case kind::timestamp: write_timestamp({v.as_signed()}); return;
    case kind::uuid: write_uuid(v.as_uuid()); return;
    case kind::binary: write_binary(v.bytes()); return;
    case kind::string: write_string(v.str()); return;
    case kind::symbol: write_symbol(v.str()); return;
    case kind::list: case kind::map: {
      begin(v.type() == kind::list ? code::list32 : code::map32);
      element_reader r(v);
      value e;
      while (r.next(e)) write(e);
      end();
      return;
    }
    case kind::array: write_array(v); return;
    case kind::described:
      if (v.descriptor_is_symbol()) write_descriptor(symbol{v.descriptor_symbol()});
      else write_descriptor(v.descriptor_code());
      write(v.described_value());
      return;
  }
}

} // namespace hubwire::amqp

#endif
