#ifndef HUBWIRE_AMQP_IMPL_COMPACT_HPP
#define HUBWIRE_AMQP_IMPL_COMPACT_HPP

// The compact encoding (the one `encoder` documents) computed in two passes: the exact
// size first, then the bytes, written through a raw pointer into room the caller made
// once. No per-byte push_back, no provisional 32-bit headers moved back afterwards.
//
// Compound values always carry their encoded elements, and those were validated when
// decoded, so they are re-encoded straight from bytes (`recompact`) without building a
// `value` per element; one the decoder found already compact (value::compact_) is
// copied as it is.

#include <hubwire/amqp/types.hpp>

#include <algorithm>
#include <cstring>

namespace hubwire::amqp::detail {

inline std::uint8_t* put_u8(std::uint8_t* p, std::uint8_t x) noexcept {
  *p = x;
  return p + 1;
}
template <class U>
inline std::uint8_t* put_be(std::uint8_t* p, U x) noexcept {
  for (std::size_t i = 0; i < sizeof(U); ++i) p[i] = static_cast<std::uint8_t>(x >> (8 * (sizeof(U) - 1 - i)));
  return p + sizeof(U);
}
// Field payloads are mostly short: copied with two overlapping loads and stores instead
// of a memcpy of unknown size (which g++ -O2 inlines as `rep movs`, slow to start).
// Inlined: a message writes ten of them, and the call cost as much as the copy.
[[gnu::always_inline]] inline std::uint8_t* put_raw(std::uint8_t* p, const std::uint8_t* b, std::size_t n) noexcept {
  if (n >= 8 && n <= 16) {
    std::uint64_t head, tail;
    std::memcpy(&head, b, 8);
    std::memcpy(&tail, b + n - 8, 8);
    std::memcpy(p, &head, 8);
    std::memcpy(p + n - 8, &tail, 8);
  } else if (n >= 4 && n < 8) {
    std::uint32_t head, tail;
    std::memcpy(&head, b, 4);
    std::memcpy(&tail, b + n - 4, 4);
    std::memcpy(p, &head, 4);
    std::memcpy(p + n - 4, &tail, 4);
  } else if (n > 64) {
    // Payloads: libc's copy, in the widest vectors the machine has, in one call.
    std::memcpy(p, b, n);
  } else if (n > 16) {
    for (std::size_t i = 0; i + 16 <= n; i += 16) std::memcpy(p + i, b + i, 16);
    if (n % 16 != 0) std::memcpy(p + n - 16, b + n - 16, 16); // overlaps what is written
  } else if (n != 0) {
    p[0] = b[0];
    p[n / 2] = b[n / 2];
    p[n - 1] = b[n - 1];
  }
  return p + n;
}
inline std::uint8_t* put_raw(std::uint8_t* p, bytes_view b) noexcept { return put_raw(p, b.data(), b.size()); }
template <class U>
inline U get_be(const std::uint8_t* p) noexcept {
  U x = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) x = static_cast<U>((x << 8) | p[i]);
  return x;
}

constexpr std::size_t uint_size(std::uint64_t x) noexcept { return x == 0 ? 1 : x <= 0xff ? 2 : 5; }
constexpr std::size_t ulong_size(std::uint64_t x) noexcept { return x == 0 ? 1 : x <= 0xff ? 2 : 9; }
constexpr bool small_int(std::int64_t x) noexcept { return x >= -128 && x <= 127; }
constexpr std::size_t variable_size(std::size_t n) noexcept { return (n <= 0xff ? 2 : 5) + n; }
// A list, map or array of `count` elements taking `body` bytes: list0 when an empty
// list, 8-bit size and count when both fit (the size counts the count byte), else 32.
constexpr std::size_t compound_size(bool list, std::size_t count, std::size_t body) noexcept {
  if (list && count == 0) return 1;
  return (body + 1 <= 0xff && count <= 0xff ? 3 : 9) + body;
}
constexpr std::size_t descriptor_size(std::uint64_t c) noexcept { return 1 + ulong_size(c); }

inline std::uint8_t* write_uint(std::uint8_t* p, std::uint32_t x) noexcept {
  if (x == 0) return put_u8(p, 0x43);
  if (x <= 0xff) return put_u8(put_u8(p, 0x52), static_cast<std::uint8_t>(x));
  return put_be(put_u8(p, 0x70), x);
}
inline std::uint8_t* write_ulong(std::uint8_t* p, std::uint64_t x) noexcept {
  if (x == 0) return put_u8(p, 0x44);
  if (x <= 0xff) return put_u8(put_u8(p, 0x53), static_cast<std::uint8_t>(x));
  return put_be(put_u8(p, 0x80), x);
}
inline std::uint8_t* write_int(std::uint8_t* p, std::int32_t x) noexcept {
  if (small_int(x)) return put_u8(put_u8(p, 0x54), static_cast<std::uint8_t>(x));
  return put_be(put_u8(p, 0x71), static_cast<std::uint32_t>(x));
}
inline std::uint8_t* write_long(std::uint8_t* p, std::int64_t x) noexcept {
  if (small_int(x)) return put_u8(put_u8(p, 0x55), static_cast<std::uint8_t>(x));
  return put_be(put_u8(p, 0x81), static_cast<std::uint64_t>(x));
}
inline std::uint8_t* write_variable(std::uint8_t* p, std::uint8_t c8, std::uint8_t c32, const std::uint8_t* b,
                                    std::size_t n) noexcept {
  if (n <= 0xff) p = put_u8(put_u8(p, c8), static_cast<std::uint8_t>(n));
  else p = put_be(put_u8(p, c32), static_cast<std::uint32_t>(n));
  return put_raw(p, b, n);
}
inline std::uint8_t* write_variable(std::uint8_t* p, std::uint8_t c8, std::uint8_t c32, bytes_view b) noexcept {
  return write_variable(p, c8, c32, b.data(), b.size());
}
// `code8` is list8, map8 or array8; see compound_size.
inline std::uint8_t* write_compound_header(std::uint8_t* p, std::uint8_t code8, std::size_t count,
                                           std::size_t body) noexcept {
  if (code8 == code::list8 && count == 0) return put_u8(p, code::list0);
  if (body + 1 <= 0xff && count <= 0xff) {
    p = put_u8(p, code8);
    p = put_u8(p, static_cast<std::uint8_t>(body + 1));
    return put_u8(p, static_cast<std::uint8_t>(count));
  }
  p = put_u8(p, static_cast<std::uint8_t>(code8 + 0x10));
  p = put_be(p, static_cast<std::uint32_t>(body + 4));
  return put_be(p, static_cast<std::uint32_t>(count));
}
inline std::uint8_t* write_descriptor(std::uint8_t* p, std::uint64_t c) noexcept {
  return write_ulong(put_u8(p, code::described), c);
}

// Re-encoding of validated bytes. Each function takes the constructor already read and
// the position of the body, and moves the position past the body.
struct recompact {
  static std::size_t size(std::uint8_t c, const std::uint8_t*& p) noexcept {
    switch (c) {
      case code::described: {
        const std::uint8_t dc = *p++;
        const std::size_t d = size(dc, p);
        const std::uint8_t inner = *p++;
        return 1 + d + size(inner, p);
      }
      case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: return 1;
      case 0x56: p += 1; return 1; // re-encoded as 0x41 or 0x42
      case 0x50: case 0x51: case 0x54: case 0x55: p += 1; return 2;
      case 0x60: case 0x61: p += 2; return 3;
      case 0x72: case 0x73: case 0x74: p += 4; return 5;
      case 0x82: case 0x83: case 0x84: p += 8; return 9;
      case 0x94: case 0x98: p += 16; return 17;
      case 0x70: { const auto x = get_be<std::uint32_t>(p); p += 4; return uint_size(x); }
      case 0x52: return uint_size(*p++);
      case 0x80: { const auto x = get_be<std::uint64_t>(p); p += 8; return ulong_size(x); }
      case 0x53: return ulong_size(*p++);
      case 0x71: { const auto x = static_cast<std::int32_t>(get_be<std::uint32_t>(p)); p += 4; return small_int(x) ? 2 : 5; }
      case 0x81: { const auto x = static_cast<std::int64_t>(get_be<std::uint64_t>(p)); p += 8; return small_int(x) ? 2 : 9; }
      case 0xa0: case 0xa1: case 0xa3: { const std::size_t n = *p++; p += n; return variable_size(n); }
      case 0xb0: case 0xb1: case 0xb3: { const std::size_t n = get_be<std::uint32_t>(p); p += 4 + n; return variable_size(n); }
      case 0xc0: case 0xc1: case 0xd0: case 0xd1: {
        std::size_t count = 0;
        const std::uint8_t* end = header(c, p, count);
        std::size_t body = 0;
        for (std::size_t i = 0; i < count; ++i) body += size(*p++, p);
        p = end;
        return compound_size(c == 0xc0 || c == 0xd0, count, body);
      }
      case 0xe0: case 0xf0: {
        std::size_t count = 0;
        const std::uint8_t* end = header(c, p, count);
        const std::size_t rest = array_rest_size(count, p);
        p = end;
        return compound_size(false, count, rest);
      }
      default: return 0; // not reached: the input was validated
    }
  }

  static std::uint8_t* write(std::uint8_t* out, std::uint8_t c, const std::uint8_t*& p) noexcept {
    switch (c) {
      case code::described: {
        out = put_u8(out, code::described);
        const std::uint8_t dc = *p++;
        out = write(out, dc, p);
        const std::uint8_t inner = *p++;
        return write(out, inner, p);
      }
      case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: return put_u8(out, c);
      case 0x56: return put_u8(out, *p++ ? 0x41 : 0x42);
      case 0x50: case 0x51: case 0x54: case 0x55: case 0x60: case 0x61: case 0x72: case 0x73: case 0x74:
      case 0x82: case 0x83: case 0x84: case 0x94: case 0x98: {
        const std::size_t n = fixed_width(c);
        out = put_raw(put_u8(out, c), p, n);
        p += n;
        return out;
      }
      case 0x70: { const auto x = get_be<std::uint32_t>(p); p += 4; return write_uint(out, x); }
      case 0x52: return write_uint(out, *p++);
      case 0x80: { const auto x = get_be<std::uint64_t>(p); p += 8; return write_ulong(out, x); }
      case 0x53: return write_ulong(out, *p++);
      case 0x71: { const auto x = static_cast<std::int32_t>(get_be<std::uint32_t>(p)); p += 4; return write_int(out, x); }
      case 0x81: { const auto x = static_cast<std::int64_t>(get_be<std::uint64_t>(p)); p += 8; return write_long(out, x); }
      case 0xa0: case 0xa1: case 0xa3: {
        const std::size_t n = *p++;
        out = write_variable(out, c, static_cast<std::uint8_t>(c + 0x10), p, n);
        p += n;
        return out;
      }
      case 0xb0: case 0xb1: case 0xb3: {
        const std::size_t n = get_be<std::uint32_t>(p);
        p += 4;
        out = write_variable(out, static_cast<std::uint8_t>(c - 0x10), c, p, n);
        p += n;
        return out;
      }
      case 0xc0: case 0xc1: case 0xd0: case 0xd1: {
        std::size_t count = 0;
        const std::uint8_t* end = header(c, p, count);
        const std::uint8_t* q = p;
        std::size_t body = 0;
        for (std::size_t i = 0; i < count; ++i) body += size(*q++, q);
        out = write_compound_header(out, c == 0xc0 || c == 0xd0 ? code::list8 : code::map8, count, body);
        for (std::size_t i = 0; i < count; ++i) out = write(out, *p++, p);
        p = end;
        return out;
      }
      case 0xe0: case 0xf0: {
        std::size_t count = 0;
        const std::uint8_t* end = header(c, p, count);
        const std::uint8_t* q = p;
        out = write_compound_header(out, code::array8, count, array_rest_size(count, q));
        out = write_array_rest(out, count, p);
        p = end;
        return out;
      }
      default: return out;
    }
  }

  // Arrays. The "rest" is what follows the count: the descriptor of described
  // elements, the element constructor, the element bodies.
  static std::size_t array_rest_size(std::size_t count, const std::uint8_t*& p) noexcept {
    std::size_t d = 0;
    if (*p == code::described) {
      ++p;
      const std::uint8_t dc = *p++;
      d = 1 + size(dc, p);
    }
    const std::uint8_t oc = *p++;
    const std::uint8_t nc = element_code(oc, count, p);
    return d + 1 + bodies_size(nc, oc, count, p);
  }
  static std::uint8_t* write_array_rest(std::uint8_t* out, std::size_t count, const std::uint8_t*& p) noexcept {
    if (*p == code::described) {
      out = put_u8(out, code::described);
      ++p;
      const std::uint8_t dc = *p++;
      out = write(out, dc, p);
    }
    const std::uint8_t oc = *p++;
    const std::uint8_t nc = element_code(oc, count, p);
    return write_bodies(put_u8(out, nc), nc, oc, count, p);
  }

  // The narrowest constructor for every element of an array whose elements are in
  // format `oc` (as encoder::write_symbol_array and the encoder's arrays choose).
  static std::uint8_t element_code(std::uint8_t oc, std::size_t count, const std::uint8_t* p) noexcept {
    std::uint64_t max_u = 0;
    bool small = true;
    std::size_t max_len = 0;
    switch (oc) {
      case 0x41: case 0x42: case 0x56: return 0x56;
      case 0x70: case 0x52: case 0x43: case 0x80: case 0x53: case 0x44:
        for (std::size_t i = 0; i < count; ++i) max_u = std::max(max_u, scalar(oc, p).u);
        if (oc == 0x70 || oc == 0x52 || oc == 0x43) return max_u <= 0xff ? 0x52 : 0x70;
        return max_u <= 0xff ? 0x53 : 0x80;
      case 0x71: case 0x54: case 0x81: case 0x55:
        for (std::size_t i = 0; i < count; ++i) small = small && small_int(scalar(oc, p).i);
        if (oc == 0x71 || oc == 0x54) return small ? 0x54 : 0x71;
        return small ? 0x55 : 0x81;
      case 0xa0: case 0xa1: case 0xa3: case 0xb0: case 0xb1: case 0xb3: {
        for (std::size_t i = 0; i < count; ++i) {
          const std::size_t n = oc < 0xb0 ? *p++ : get_be<std::uint32_t>(p);
          if (oc >= 0xb0) p += 4;
          p += n;
          max_len = std::max(max_len, n);
        }
        const std::uint8_t c8 = oc < 0xb0 ? oc : static_cast<std::uint8_t>(oc - 0x10);
        return max_len <= 0xff ? c8 : static_cast<std::uint8_t>(c8 + 0x10);
      }
      case 0x45: case 0xc0: case 0xd0: return code::list32;
      case 0xc1: case 0xd1: return code::map32;
      case 0xe0: case 0xf0: return code::array32;
      default: return oc; // one code per kind
    }
  }

  static std::size_t bodies_size(std::uint8_t nc, std::uint8_t oc, std::size_t count, const std::uint8_t*& p) noexcept;
  static std::uint8_t* write_bodies(std::uint8_t* out, std::uint8_t nc, std::uint8_t oc, std::size_t count,
                                    const std::uint8_t*& p) noexcept;

private:
  struct scalar_bits {
    std::uint64_t u;
    std::int64_t i;
  };
  // An unsigned, signed or boolean array element in format `oc`.
  static scalar_bits scalar(std::uint8_t oc, const std::uint8_t*& p) noexcept {
    switch (oc) {
      case 0x41: return {1, 1};
      case 0x42: case 0x43: case 0x44: return {0, 0};
      case 0x56: case 0x52: case 0x53: { const std::uint8_t x = *p++; return {x, x}; }
      case 0x54: case 0x55: { const auto x = static_cast<std::int8_t>(*p++); return {static_cast<std::uint64_t>(x), x}; }
      case 0x70: { const auto x = get_be<std::uint32_t>(p); p += 4; return {x, x}; }
      case 0x71: { const auto x = static_cast<std::int32_t>(get_be<std::uint32_t>(p)); p += 4; return {static_cast<std::uint64_t>(x), x}; }
      case 0x80: case 0x81: {
        const auto x = get_be<std::uint64_t>(p);
        p += 8;
        return {x, static_cast<std::int64_t>(x)};
      }
      default: return {0, 0};
    }
  }
  static constexpr std::size_t fixed_width(std::uint8_t c) noexcept {
    switch (c) {
      case 0x40: return 0;
      case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: return 1;
      case 0x60: case 0x61: return 2;
      case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: return 4;
      case 0x80: case 0x81: case 0x82: case 0x83: case 0x84: return 8;
      case 0x94: case 0x98: return 16;
      default: return 0;
    }
  }
  // Reads a compound's size and count after constructor `c`; returns its end and leaves
  // `p` at its first element.
  static const std::uint8_t* header(std::uint8_t c, const std::uint8_t*& p, std::size_t& count) noexcept {
    if (c == 0x45) {
      count = 0;
      return p;
    }
    if ((c & 0xf0) == 0xc0 || (c & 0xf0) == 0xe0) { // 8-bit widths
      const std::uint8_t* end = p + 1 + p[0];
      count = p[1];
      p += 2;
      return end;
    }
    const std::uint8_t* end = p + 4 + get_be<std::uint32_t>(p);
    count = get_be<std::uint32_t>(p + 4);
    p += 8;
    return end;
  }

};

inline std::size_t recompact::bodies_size(std::uint8_t nc, std::uint8_t oc, std::size_t count,
                                          const std::uint8_t*& p) noexcept {
    switch (nc) {
      case code::list32: case code::map32: {
        std::size_t total = 0;
        for (std::size_t i = 0; i < count; ++i) {
          std::size_t n = 0;
          const std::uint8_t* end = header(oc, p, n);
          total += 8;
          for (std::size_t k = 0; k < n; ++k) total += size(*p++, p);
          p = end;
        }
        return total;
      }
      case code::array32: {
        std::size_t total = 0;
        for (std::size_t i = 0; i < count; ++i) {
          std::size_t n = 0;
          const std::uint8_t* end = header(oc, p, n);
          total += 8 + array_rest_size(n, p);
          p = end;
        }
        return total;
      }
      case 0xa0: case 0xa1: case 0xa3: case 0xb0: case 0xb1: case 0xb3: {
        std::size_t total = 0;
        for (std::size_t i = 0; i < count; ++i) {
          const std::size_t n = oc < 0xb0 ? *p++ : get_be<std::uint32_t>(p);
          if (oc >= 0xb0) p += 4;
          p += n;
          total += (nc < 0xb0 ? 1 : 4) + n;
        }
        return total;
      }
      default:
        for (std::size_t i = 0; i < count; ++i) p += fixed_width(oc);
        return count * fixed_width(nc);
    }
  }

inline std::uint8_t* recompact::write_bodies(std::uint8_t* out, std::uint8_t nc, std::uint8_t oc, std::size_t count,
                                             const std::uint8_t*& p) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
      switch (nc) {
        case code::list32: case code::map32: {
          std::size_t n = 0;
          const std::uint8_t* end = header(oc, p, n);
          const std::uint8_t* q = p;
          std::size_t body = 0;
          for (std::size_t k = 0; k < n; ++k) body += size(*q++, q);
          out = put_be(out, static_cast<std::uint32_t>(body + 4));
          out = put_be(out, static_cast<std::uint32_t>(n));
          for (std::size_t k = 0; k < n; ++k) out = write(out, *p++, p);
          p = end;
          break;
        }
        case code::array32: {
          std::size_t n = 0;
          const std::uint8_t* end = header(oc, p, n);
          const std::uint8_t* q = p;
          out = put_be(out, static_cast<std::uint32_t>(array_rest_size(n, q) + 4));
          out = put_be(out, static_cast<std::uint32_t>(n));
          out = write_array_rest(out, n, p);
          p = end;
          break;
        }
        case 0xa0: case 0xa1: case 0xa3: case 0xb0: case 0xb1: case 0xb3: {
          const std::size_t n = oc < 0xb0 ? *p++ : get_be<std::uint32_t>(p);
          if (oc >= 0xb0) p += 4;
          if (nc < 0xb0) out = put_u8(out, static_cast<std::uint8_t>(n));
          else out = put_be(out, static_cast<std::uint32_t>(n));
          out = put_raw(out, p, n);
          p += n;
          break;
        }
        case 0x56: case 0x52: case 0x53: case 0x54: case 0x55: case 0x70: case 0x71: case 0x80: case 0x81:
          if (oc == nc && oc != 0x56) { // same width: the bytes as they are
            out = put_raw(out, p, fixed_width(oc));
            p += fixed_width(oc);
            break;
          } else {
            const scalar_bits x = scalar(oc, p);
            const std::size_t w = fixed_width(nc);
            out = w == 1 ? put_u8(out, static_cast<std::uint8_t>(x.u))
                  : w == 4 ? put_be(out, static_cast<std::uint32_t>(x.u))
                           : put_be(out, x.u);
            break;
          }
        default: // a kind with a single format: same code, same bytes
          out = put_raw(out, p, fixed_width(oc));
          p += fixed_width(oc);
          break;
      }
    }
    return out;
}

// A value in its compact encoding: scalars from their fields, compounds from their
// encoded elements (copied when the decoder found them compact already).
struct value_codec {
  static std::size_t descriptor_size_of(const value& v) noexcept {
    return v.desc_symbol_ ? 1 + variable_size(v.desc_name_.size()) : descriptor_size(v.desc_code_);
  }
  static std::uint8_t* write_descriptor_of(std::uint8_t* p, const value& v) noexcept {
    if (!v.desc_symbol_) return write_descriptor(p, v.desc_code_);
    return write_variable(put_u8(p, code::described), 0xa3, 0xb3, v.desc_name_);
  }

  static std::size_t size(const value& v) noexcept {
    switch (v.kind_) {
      case kind::null: case kind::boolean: return 1;
      case kind::ubyte: case kind::byte: return 2;
      case kind::ushort: case kind::short_: return 3;
      case kind::uint: return uint_size(v.u_);
      case kind::ulong: return ulong_size(v.u_);
      case kind::int_: return small_int(v.i_) ? 2 : 5;
      case kind::long_: return small_int(v.i_) ? 2 : 9;
      case kind::float_: case kind::char_: return 5;
      case kind::double_: case kind::timestamp: return 9;
      case kind::uuid: return 17;
      case kind::decimal32: case kind::decimal64: case kind::decimal128: return 1 + v.data_.size();
      case kind::binary: case kind::string: case kind::symbol: return variable_size(v.data_.size());
      case kind::list: case kind::map: {
        if (v.elements_compact_) return compound_size(v.kind_ == kind::list, v.count_, v.data_.size());
        const std::uint8_t* q = v.data_.data();
        std::size_t body = 0;
        for (std::uint32_t i = 0; i < v.count_; ++i) body += recompact::size(*q++, q);
        return compound_size(v.kind_ == kind::list, v.count_, body);
      }
      case kind::array: {
        const std::uint8_t* q = v.data_.data();
        const std::uint8_t nc = recompact::element_code(v.elem_code_, v.count_, q);
        const std::size_t rest = (v.elem_described_ ? descriptor_size_of(v) : 0) + 1 +
                                 recompact::bodies_size(nc, v.elem_code_, v.count_, q);
        return compound_size(false, v.count_, rest);
      }
      case kind::described: {
        if (v.compact_) return descriptor_size_of(v) + 1 + v.data_.size();
        const std::uint8_t* q = v.data_.data();
        return descriptor_size_of(v) + recompact::size(v.elem_code_, q);
      }
    }
    return 0;
  }

  // As write(), for a value whose size() the caller has just computed: a list or map
  // then needs no second pass to size its elements. (Header and body sizes follow from
  // the total: an 8-bit header exactly when total - 3 fits one.)
  static std::uint8_t* write(std::uint8_t* p, const value& v, std::size_t size) noexcept {
    if (v.kind_ != kind::list && v.kind_ != kind::map) return write(p, v);
    if (v.kind_ == kind::list && size == 1) return put_u8(p, code::list0);
    const std::size_t body8 = size - 3;
    return write_elements(p, v, body8 + 1 <= 0xff && v.count_ <= 0xff ? body8 : size - 9);
  }

  // A list or map whose re-encoded elements take `body` bytes.
  static std::uint8_t* write_elements(std::uint8_t* p, const value& v, std::size_t body) noexcept {
    p = write_compound_header(p, v.kind_ == kind::list ? code::list8 : code::map8, v.count_, body);
    if (v.elements_compact_) return put_raw(p, v.data_);
    const std::uint8_t* q = v.data_.data();
    for (std::uint32_t i = 0; i < v.count_; ++i) p = recompact::write(p, *q++, q);
    return p;
  }

  static std::uint8_t* write(std::uint8_t* p, const value& v) noexcept {
    switch (v.kind_) {
      case kind::null: return put_u8(p, 0x40);
      case kind::boolean: return put_u8(p, v.u_ ? 0x41 : 0x42);
      case kind::ubyte: return put_u8(put_u8(p, 0x50), static_cast<std::uint8_t>(v.u_));
      case kind::ushort: return put_be(put_u8(p, 0x60), static_cast<std::uint16_t>(v.u_));
      case kind::uint: return write_uint(p, static_cast<std::uint32_t>(v.u_));
      case kind::ulong: return write_ulong(p, v.u_);
      case kind::byte: return put_u8(put_u8(p, 0x51), static_cast<std::uint8_t>(v.i_));
      case kind::short_: return put_be(put_u8(p, 0x61), static_cast<std::uint16_t>(v.i_));
      case kind::int_: return write_int(p, static_cast<std::int32_t>(v.i_));
      case kind::long_: return write_long(p, v.i_);
      case kind::float_: {
        std::uint32_t bits;
        std::memcpy(&bits, &v.f_, 4);
        return put_be(put_u8(p, 0x72), bits);
      }
      case kind::double_: {
        std::uint64_t bits;
        std::memcpy(&bits, &v.d_, 8);
        return put_be(put_u8(p, 0x82), bits);
      }
      case kind::char_: return put_be(put_u8(p, 0x73), static_cast<std::uint32_t>(v.u_));
      case kind::timestamp: return put_be(put_u8(p, 0x83), static_cast<std::uint64_t>(v.i_));
      case kind::uuid: {
        const auto u = v.as_uuid();
        return put_raw(put_u8(p, 0x98), u.bytes.data(), 16);
      }
      case kind::decimal32: return put_raw(put_u8(p, 0x74), v.data_);
      case kind::decimal64: return put_raw(put_u8(p, 0x84), v.data_);
      case kind::decimal128: return put_raw(put_u8(p, 0x94), v.data_);
      case kind::binary: return write_variable(p, 0xa0, 0xb0, v.data_);
      case kind::string: return write_variable(p, 0xa1, 0xb1, v.data_);
      case kind::symbol: return write_variable(p, 0xa3, 0xb3, v.data_);
      case kind::list: case kind::map: {
        if (v.elements_compact_) return write_elements(p, v, v.data_.size());
        const std::uint8_t* q = v.data_.data();
        std::size_t body = 0;
        for (std::uint32_t i = 0; i < v.count_; ++i) body += recompact::size(*q++, q);
        return write_elements(p, v, body);
      }
      case kind::array: {
        const std::uint8_t* q = v.data_.data();
        const std::uint8_t nc = recompact::element_code(v.elem_code_, v.count_, q);
        const std::size_t rest = (v.elem_described_ ? descriptor_size_of(v) : 0) + 1 +
                                 recompact::bodies_size(nc, v.elem_code_, v.count_, q);
        p = write_compound_header(p, code::array8, v.count_, rest);
        if (v.elem_described_) p = write_descriptor_of(p, v);
        p = put_u8(p, nc);
        q = v.data_.data();
        return recompact::write_bodies(p, nc, v.elem_code_, v.count_, q);
      }
      case kind::described: {
        p = write_descriptor_of(p, v);
        if (v.compact_) return put_raw(put_u8(p, v.elem_code_), v.data_);
        const std::uint8_t* q = v.data_.data();
        return recompact::write(p, v.elem_code_, q);
      }
    }
    return p;
  }
};

} // namespace hubwire::amqp::detail

#endif
