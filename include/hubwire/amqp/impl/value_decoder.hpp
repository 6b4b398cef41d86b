#ifndef HUBWIRE_AMQP_IMPL_VALUE_DECODER_HPP
#define HUBWIRE_AMQP_IMPL_VALUE_DECODER_HPP

// The one place that knows every format code: value_decoder::read validates a value
// and fills a view; element_reader and value::described_value use read_body on input
// it already validated.

#include <hubwire/amqp/error.hpp>
#include <hubwire/core/utf8.hpp>

#include <system_error>
#include <utility>

namespace hubwire::amqp {

class value_decoder {
public:
  value_decoder(const decode_limits& limits, std::error_code& ec) noexcept : lim_(limits), ec_(ec) {}

  // Input this decoder validated before: compounds are not walked and text is not
  // checked again, so walking a value costs one pass, not one per nesting level.
  static value_decoder trusted(std::error_code& ec) noexcept { return value_decoder(ec); }

  // The first list or map this decoder meets is checked (size, count) but its elements
  // are left for an element_reader in validating mode: decoders of composites walk
  // their fields once, validating as they go, instead of validating and then walking.
  void shallow() noexcept { shallow_ = true; }

  // A constructor and its body.
  bool read(core::byte_reader& r, value& out, std::size_t depth) noexcept {
    std::uint8_t c = 0;
    if (!r.read(c)) return fail(errc::truncated);
    if (c != code::described) return read_body(c, r, out, depth);
    return described(r, out, depth);
  }

  // A described value after its 0x00. The value described may be described in turn
  // (part 1, 1.2: a constructor is a format code, or a descriptor and a constructor);
  // proton writes an amqp-value body holding a described value that way. A shallow
  // decode stays shallow only for a list or map described directly here: anything
  // deeper is validated now, as nothing validates it later.
  bool described(core::byte_reader& r, value& out, std::size_t depth) noexcept {
    const bool shallow = std::exchange(shallow_, false);
    if (depth >= lim_.max_depth) return fail(errc::too_deep);
    value d;
    if (!read_descriptor(r, d, depth)) return false;
    std::uint8_t inner = 0;
    if (!r.read(inner)) return fail(errc::truncated);
    shallow_ = shallow && (inner == 0xc0 || inner == 0xc1 || inner == 0xd0 || inner == 0xd1);
    const auto body = r.rest();
    value v;
    if (!read_body(inner, r, v, depth + 1)) return false;
    out = value(kind::described);
    set_descriptor(out, d);
    out.elem_code_ = inner;
    out.data_ = body.first(body.size() - r.remaining());
    out.compact_ = d.compact_ && v.compact_;
    return true;
  }

  // read_body for a message section's value, depth 1: the encodings sections usually
  // have (lists, maps, binary) dispatched here, without the full switch.
  bool read_section_body(std::uint8_t c, core::byte_reader& r, value& out) noexcept {
    switch (c) {
      case 0xc0: return compound<std::uint8_t>(r, out, kind::list, 1);
      case 0xc1: return compound<std::uint8_t>(r, out, kind::map, 1);
      case 0xd1: return compound<std::uint32_t>(r, out, kind::map, 1);
      case 0xa0: return variable<std::uint8_t>(r, out, kind::binary);
      case 0xb0: return variable<std::uint32_t>(r, out, kind::binary);
      default: return read_body(c, r, out, 1);
    }
  }

  // The body of a value whose constructor `c` has been read. Each case also notes
  // whether `c` is the encoding the encoder would choose (value::compact_), so that a
  // compound made only of such encodings can later be copied instead of re-encoded.
  bool read_body(std::uint8_t c, core::byte_reader& r, value& out, std::size_t depth) noexcept {
    switch (c) {
      case code::described: return described(r, out, depth); // a nested description
      case 0x40: out = value(); out.compact_ = true; return true;
      case 0x41: out = value::boolean(true); out.compact_ = true; return true;
      case 0x42: out = value::boolean(false); out.compact_ = true; return true;
      case 0x56: {
        std::uint8_t b = 0;
        if (!r.read(b)) return fail(errc::truncated);
        if (b > 1) return fail(errc::bad_boolean);
        out = value::boolean(b == 1);
        return true;
      }
      case 0x50: return unsigned_of<std::uint8_t>(r, out, kind::ubyte, 0);
      case 0x60: return unsigned_of<std::uint16_t>(r, out, kind::ushort, 0);
      case 0x70: return unsigned_of<std::uint32_t>(r, out, kind::uint, 0x100);
      case 0x52: return unsigned_of<std::uint8_t>(r, out, kind::uint, 1);
      case 0x43: out = value::uint(0); out.compact_ = true; return true;
      case 0x80: return unsigned_of<std::uint64_t>(r, out, kind::ulong, 0x100);
      case 0x53: return unsigned_of<std::uint8_t>(r, out, kind::ulong, 1);
      case 0x44: out = value::ulong(0); out.compact_ = true; return true;
      case 0x51: return signed_of<std::uint8_t, std::int8_t>(r, out, kind::byte, false);
      case 0x61: return signed_of<std::uint16_t, std::int16_t>(r, out, kind::short_, false);
      case 0x71: return signed_of<std::uint32_t, std::int32_t>(r, out, kind::int_, true);
      case 0x54: return signed_of<std::uint8_t, std::int8_t>(r, out, kind::int_, false);
      case 0x81: return signed_of<std::uint64_t, std::int64_t>(r, out, kind::long_, true);
      case 0x55: return signed_of<std::uint8_t, std::int8_t>(r, out, kind::long_, false);
      case 0x83: return signed_of<std::uint64_t, std::int64_t>(r, out, kind::timestamp, false);
      case 0x72: {
        std::uint32_t bits = 0;
        if (!r.read(bits)) return fail(errc::truncated);
        float f;
        std::memcpy(&f, &bits, 4);
        out = value::float_(f);
        out.compact_ = true;
        return true;
      }
      case 0x82: {
        std::uint64_t bits = 0;
        if (!r.read(bits)) return fail(errc::truncated);
        double d;
        std::memcpy(&d, &bits, 8);
        out = value::double_(d);
        out.compact_ = true;
        return true;
      }
      case 0x73: {
        std::uint32_t ch = 0;
        if (!r.read(ch)) return fail(errc::truncated);
        if (ch > 0x10FFFF || (ch >= 0xD800 && ch <= 0xDFFF)) return fail(errc::bad_char);
        out = value::char_(static_cast<char32_t>(ch));
        out.compact_ = true;
        return true;
      }
      case 0x74: return fixed_of(r, out, kind::decimal32, 4);
      case 0x84: return fixed_of(r, out, kind::decimal64, 8);
      case 0x94: return fixed_of(r, out, kind::decimal128, 16);
      case 0x98: return fixed_of(r, out, kind::uuid, 16);
      case 0xa0: return variable<std::uint8_t>(r, out, kind::binary);
      case 0xb0: return variable<std::uint32_t>(r, out, kind::binary);
      case 0xa1: return variable<std::uint8_t>(r, out, kind::string);
      case 0xb1: return variable<std::uint32_t>(r, out, kind::string);
      case 0xa3: return variable<std::uint8_t>(r, out, kind::symbol);
      case 0xb3: return variable<std::uint32_t>(r, out, kind::symbol);
      case 0x45:
        out = value(kind::list);
        out.elem_code_ = 0x45;
        out.compact_ = out.elements_compact_ = true;
        return true;
      case 0xc0: return compound<std::uint8_t>(r, out, kind::list, depth);
      case 0xd0: return compound<std::uint32_t>(r, out, kind::list, depth);
      case 0xc1: return compound<std::uint8_t>(r, out, kind::map, depth);
      case 0xd1: return compound<std::uint32_t>(r, out, kind::map, depth);
      case 0xe0: return compound<std::uint8_t>(r, out, kind::array, depth);
      case 0xf0: return compound<std::uint32_t>(r, out, kind::array, depth);
      default: return fail(errc::bad_constructor);
    }
  }

  // A list or map whose elements have been validated: it is compact when they all are
  // and its header is the one the encoder would write (list0 for an empty list, else
  // 8-bit widths when they fit).
  static void walked(value& v, bool elements_compact) noexcept {
    v.elements_compact_ = elements_compact;
    if (v.elem_code_ == code::list0) return void(v.compact_ = true);
    const bool narrow = v.data_.size() + 1 <= 0xff && v.count_ <= 0xff;
    const bool wide = v.elem_code_ >= 0xd0;
    v.compact_ = elements_compact && (wide ? !narrow : !(v.kind_ == kind::list && v.count_ == 0));
  }

  // Format codes whose values occupy no bytes after the constructor.
  static constexpr bool zero_width(std::uint8_t c) noexcept {
    return c == 0x40 || c == 0x41 || c == 0x42 || c == 0x43 || c == 0x44 || c == 0x45;
  }

private:
  explicit value_decoder(std::error_code& ec) noexcept : lim_(trusted_limits), ec_(ec), validate_(false) {}
  static constexpr decode_limits trusted_limits{.max_depth = ~std::size_t{0}, .max_elements = ~std::uint32_t{0}};

  bool fail(errc e) noexcept {
    ec_ = e;
    return false;
  }

  bool read_descriptor(core::byte_reader& r, value& d, std::size_t depth) noexcept {
    std::uint8_t c = 0;
    if (!r.read(c)) return fail(errc::truncated);
    if (c != 0x80 && c != 0x53 && c != 0x44 && c != 0xa3 && c != 0xb3) return fail(errc::bad_descriptor);
    return read_body(c, r, d, depth + 1);
  }
  static void set_descriptor(value& out, const value& d) noexcept {
    out.desc_symbol_ = d.kind_ == kind::symbol;
    out.desc_code_ = out.desc_symbol_ ? 0 : d.u_;
    out.desc_name_ = out.desc_symbol_ ? d.data_ : bytes_view{};
  }

  // Compact when the value is at least `min` (a narrower code would hold anything less).
  template <class U>
  bool unsigned_of(core::byte_reader& r, value& out, kind k, std::uint64_t min) noexcept {
    U x = 0;
    if (!r.read(x)) return fail(errc::truncated);
    out = value(k);
    out.u_ = x;
    out.compact_ = x >= min;
    return true;
  }
  // `wide`: a 32/64-bit int or long, compact only outside the one-byte range.
  template <class U, class S>
  bool signed_of(core::byte_reader& r, value& out, kind k, bool wide) noexcept {
    U x = 0;
    if (!r.read(x)) return fail(errc::truncated);
    out = value(k);
    out.i_ = static_cast<S>(x);
    out.compact_ = !wide || out.i_ < -128 || out.i_ > 127;
    return true;
  }
  bool fixed_of(core::byte_reader& r, value& out, kind k, std::size_t n) noexcept {
    bytes_view b;
    if (!r.read(n, b)) return fail(errc::truncated);
    out = value::fixed(k, b);
    out.compact_ = true;
    return true;
  }
  template <class Size>
  bool variable(core::byte_reader& r, value& out, kind k) noexcept {
    Size n = 0;
    bytes_view b;
    if (!r.read(n) || !r.read(n, b)) return fail(errc::truncated);
    if (validate_) {
      if (k == kind::string && !core::is_valid_utf8(core::as_chars(b))) return fail(errc::bad_utf8);
      if (k == kind::symbol && !core::is_ascii(core::as_chars(b))) return fail(errc::bad_symbol);
    }
    out = value::fixed(k, b);
    out.compact_ = sizeof(Size) == 1 || n > 0xff;
    return true;
  }

  template <class Width>
  bool compound(core::byte_reader& r, value& out, kind k, std::size_t depth) noexcept {
    if (depth >= lim_.max_depth) return fail(errc::too_deep);
    Width size = 0;
    bytes_view body;
    if (!r.read(size)) return fail(errc::truncated);
    if (size < sizeof(Width)) return fail(errc::bad_size);
    if (!r.read(size, body)) return fail(errc::truncated);
    core::byte_reader in(body);
    Width count = 0;
    in.read(count);
    if (count > lim_.max_elements) return fail(errc::too_many_elements);
    if (k == kind::map && count % 2 != 0) return fail(errc::odd_map_count);
    out = value(k);
    out.count_ = static_cast<std::uint32_t>(count);
    if (k != kind::array) out.elem_code_ = static_cast<std::uint8_t>((sizeof(Width) == 1 ? 0xc0 : 0xd0) + (k == kind::map));
    // Shallow applies to the first compound only: an array's elements (lists in an
    // array of described lists) are walked and validated here like any nested value.
    const bool shallow = std::exchange(shallow_, false);
    if ((!validate_ || shallow) && k != kind::array) {
      if (validate_ && count > in.remaining()) return fail(errc::truncated);
      out.data_ = in.rest();
      return true;
    }
    if (k != kind::array) {
      // Every list or map element takes at least its constructor byte.
      if (count > in.remaining()) return fail(errc::truncated);
      out.data_ = in.rest();
      bool compact = true;
      value e;
      for (Width i = 0; i < count; ++i) {
        if (!read(in, e, depth + 1)) return false;
        compact = compact && e.compact_;
      }
      walked(out, compact);
    } else {
      std::uint8_t c = 0;
      if (!in.read(c)) return fail(errc::truncated);
      if (c == code::described) {
        value d;
        if (!read_descriptor(in, d, depth) || !in.read(c)) return ec_ ? false : fail(errc::truncated);
        if (c == code::described) return fail(errc::bad_descriptor);
        set_descriptor(out, d);
        out.elem_described_ = true;
      }
      out.elem_code_ = c;
      out.data_ = in.rest();
      if (!kind_of_code(c, out.elem_kind_)) return fail(errc::bad_constructor);
      // Zero-width elements leave nothing to walk (and only max_elements bounds them).
      if (!validate_) return true;
      if (!zero_width(c)) {
        if (count > in.remaining()) return fail(errc::truncated);
        value e;
        for (Width i = 0; i < count; ++i)
          if (!read_body(c, in, e, depth + 1)) return false;
      }
    }
    if (!in.empty()) return fail(errc::trailing_bytes);
    return true;
  }

  // The kind a format code yields, without a body to decode.
  static bool kind_of_code(std::uint8_t c, kind& k) noexcept {
    switch (c) {
      case 0x40: k = kind::null; return true;
      case 0x41: case 0x42: case 0x56: k = kind::boolean; return true;
      case 0x50: k = kind::ubyte; return true;
      case 0x60: k = kind::ushort; return true;
      case 0x70: case 0x52: case 0x43: k = kind::uint; return true;
      case 0x80: case 0x53: case 0x44: k = kind::ulong; return true;
      case 0x51: k = kind::byte; return true;
      case 0x61: k = kind::short_; return true;
      case 0x71: case 0x54: k = kind::int_; return true;
      case 0x81: case 0x55: k = kind::long_; return true;
      case 0x72: k = kind::float_; return true;
      case 0x82: k = kind::double_; return true;
      case 0x74: k = kind::decimal32; return true;
      case 0x84: k = kind::decimal64; return true;
      case 0x94: k = kind::decimal128; return true;
      case 0x73: k = kind::char_; return true;
      case 0x83: k = kind::timestamp; return true;
      case 0x98: k = kind::uuid; return true;
      case 0xa0: case 0xb0: k = kind::binary; return true;
      case 0xa1: case 0xb1: k = kind::string; return true;
      case 0xa3: case 0xb3: k = kind::symbol; return true;
      case 0x45: case 0xc0: case 0xd0: k = kind::list; return true;
      case 0xc1: case 0xd1: k = kind::map; return true;
      case 0xe0: case 0xf0: k = kind::array; return true;
      default: return false;
    }
  }

  const decode_limits& lim_;
  std::error_code& ec_;
  bool validate_ = true;
  bool shallow_ = false;
};

} // namespace hubwire::amqp

#endif
