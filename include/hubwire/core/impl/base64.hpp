#ifndef HUBWIRE_CORE_IMPL_BASE64_HPP
#define HUBWIRE_CORE_IMPL_BASE64_HPP

namespace hubwire::core::base64 {
namespace detail {

inline constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr int value_of(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

} // namespace detail

inline std::string encode(bytes_view in) {
  std::string out;
  out.reserve(encoded_size(in.size()));
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const unsigned v = (unsigned{in[i]} << 16) | (unsigned{in[i + 1]} << 8) | in[i + 2];
    out += detail::alphabet[(v >> 18) & 63];
    out += detail::alphabet[(v >> 12) & 63];
    out += detail::alphabet[(v >> 6) & 63];
    out += detail::alphabet[v & 63];
  }
  if (const std::size_t left = in.size() - i; left != 0) {
    unsigned v = unsigned{in[i]} << 16;
    if (left == 2) v |= unsigned{in[i + 1]} << 8;
    out += detail::alphabet[(v >> 18) & 63];
    out += detail::alphabet[(v >> 12) & 63];
    out += left == 2 ? detail::alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

inline void decode(std::string_view in, std::string& out, std::error_code& ec) {
  ec = {};
  if (in.size() % 4 != 0) {
    ec = errc::base64_bad_length;
    return;
  }
  std::size_t pad = 0;
  if (!in.empty() && in.back() == '=') pad = (in.size() >= 2 && in[in.size() - 2] == '=') ? 2 : 1;
  const std::size_t body = in.size() - pad;
  for (std::size_t i = 0; i < body; ++i) {
    if (in[i] == '=') {
      ec = errc::base64_bad_padding;
      return;
    }
    if (detail::value_of(in[i]) < 0) {
      ec = errc::base64_bad_character;
      return;
    }
  }
  // "A===" style inputs: the last quantum carries fewer than 8 bits.
  if (pad == 2 && body % 4 != 2) {
    ec = errc::base64_bad_padding;
    return;
  }
  if (pad == 1 && body % 4 != 3) {
    ec = errc::base64_bad_padding;
    return;
  }
  const std::size_t start = out.size();
  out.reserve(start + in.size() / 4 * 3);
  unsigned acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < body; ++i) {
    acc = (acc << 6) | static_cast<unsigned>(detail::value_of(in[i]));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) {
    out.resize(start);
    ec = errc::base64_non_canonical;
  }
}

inline std::string decode(std::string_view in, std::error_code& ec) {
  std::string out;
  decode(in, out, ec);
  return out;
}

} // namespace hubwire::core::base64

#endif
