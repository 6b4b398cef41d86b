#ifndef HUBWIRE_HTTP_GRAMMAR_HPP
#define HUBWIRE_HTTP_GRAMMAR_HPP

// The character classes of RFC 9110 section 5.6 and the few productions built on them.
// The parser and the serializer both check against these, so what one accepts is
// exactly what the other may write.

#include <cstdint>
#include <optional>
#include <string_view>

namespace hubwire::http::grammar {

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
constexpr bool is_tchar(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

constexpr bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

// field-vchar = VCHAR / obs-text; field values also hold SP and HTAB between them.
constexpr bool is_field_value_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u == ' ' || u == '\t' || (u >= 0x21 && u != 0x7f);
}

constexpr bool is_field_value(std::string_view s) noexcept {
  for (char c : s)
    if (!is_field_value_char(c)) return false;
  // Leading or trailing whitespace would be stripped on the way back in (OWS).
  return s.empty() || (s.front() != ' ' && s.front() != '\t' && s.back() != ' ' && s.back() != '\t');
}

// request-target: we take any run of VCHAR (origin-, absolute-, authority- or asterisk-form).
constexpr bool is_target(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) return false;
  }
  return true;
}

// reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
constexpr bool is_reason(std::string_view s) noexcept {
  for (char c : s)
    if (!is_field_value_char(c)) return false;
  return true;
}

constexpr char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// 1*DIGIT into 64 bits; nullopt when empty, not digits, or overflowing.
constexpr std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

} // namespace hubwire::http::grammar

#endif
