#ifndef HUBWIRE_CORE_UTF8_HPP
#define HUBWIRE_CORE_UTF8_HPP

// Well-formed UTF-8 per RFC 3629 / Unicode table 3-7: no overlong forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF.

#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace hubwire::core {

// Only 7-bit bytes (AMQP symbols; nearly all protocol text): eight bytes per step, the
// last step overlapping the one before rather than falling back to single bytes.
constexpr bool is_ascii(std::string_view s) noexcept {
  if (!std::is_constant_evaluated()) {
    const char* p = s.data();
    const std::size_t n = s.size();
    auto load8 = [](const char* at) { std::uint64_t w; std::memcpy(&w, at, 8); return w; };
    auto load4 = [](const char* at) { std::uint32_t w; std::memcpy(&w, at, 4); return w; };
    if (n >= 8) {
      std::uint64_t acc = load8(p + n - 8);
      for (std::size_t i = 0; i + 8 <= n; i += 8) acc |= load8(p + i);
      return (acc & 0x8080808080808080u) == 0;
    }
    if (n >= 4) return ((load4(p) | load4(p + n - 4)) & 0x80808080u) == 0;
    std::uint8_t acc = 0;
    for (std::size_t i = 0; i < n; ++i) acc = static_cast<std::uint8_t>(acc | static_cast<std::uint8_t>(p[i]));
    return acc < 0x80;
  }
  for (char c : s)
    if (static_cast<std::uint8_t>(c) > 0x7f) return false;
  return true;
}

namespace detail {
constexpr bool is_valid_utf8_bytewise(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<std::uint8_t>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::uint8_t lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) n = 1;
    else if (b0 == 0xE0) n = 2, lo = 0xA0;
    else if (b0 == 0xED) n = 2, hi = 0x9F;
    else if (b0 >= 0xE1 && b0 <= 0xEF) n = 2;
    else if (b0 == 0xF0) n = 3, lo = 0x90;
    else if (b0 == 0xF4) n = 3, hi = 0x8F;
    else if (b0 >= 0xF1 && b0 <= 0xF3) n = 3;
    else return false;
    if (i + n >= s.size()) return false; // truncated sequence
    const auto b1 = static_cast<std::uint8_t>(s[i + 1]);
    if (b1 < lo || b1 > hi) return false;
    for (std::size_t k = 2; k <= n; ++k) {
      const auto b = static_cast<std::uint8_t>(s[i + k]);
      if (b < 0x80 || b > 0xBF) return false;
    }
    i += n + 1;
  }
  return true;
}
} // namespace detail

// The usual all-ASCII text is checked in bulk (and inline); only text with a
// multi-byte sequence is decoded byte by byte.
constexpr bool is_valid_utf8(std::string_view s) noexcept {
  if (!std::is_constant_evaluated() && is_ascii(s)) return true;
  return detail::is_valid_utf8_bytewise(s);
}

} // namespace hubwire::core

#endif
