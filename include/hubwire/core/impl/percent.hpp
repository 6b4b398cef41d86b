#ifndef HUBWIRE_CORE_IMPL_PERCENT_HPP
#define HUBWIRE_CORE_IMPL_PERCENT_HPP

namespace hubwire::core::percent {
namespace detail {
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
} // namespace detail

inline void encode(std::string_view in, std::string& out, std::string_view keep) {
  static constexpr char hex[] = "0123456789ABCDEF";
  out.reserve(out.size() + in.size());
  for (const char c : in) {
    if (is_unreserved(c) || keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      const auto u = static_cast<unsigned char>(c);
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
}

inline std::string encode(std::string_view in, std::string_view keep) {
  std::string out;
  encode(in, out, keep);
  return out;
}

inline void decode(std::string_view in, std::string& out, std::error_code& ec) {
  ec = {};
  const std::size_t start = out.size();
  out.reserve(start + in.size());
  // Runs without an escape are copied whole: most names and values have none.
  for (std::size_t i = 0;;) {
    const std::size_t pct = in.find('%', i);
    out.append(in, i, pct == std::string_view::npos ? std::string_view::npos : pct - i);
    if (pct == std::string_view::npos) return;
    const int hi = pct + 1 < in.size() ? detail::hex_value(in[pct + 1]) : -1;
    const int lo = pct + 2 < in.size() ? detail::hex_value(in[pct + 2]) : -1;
    if (hi < 0 || lo < 0) {
      out.resize(start);
      ec = errc::percent_bad_escape;
      return;
    }
    out += static_cast<char>(hi * 16 + lo);
    i = pct + 3;
  }
}

inline std::string decode(std::string_view in, std::error_code& ec) {
  std::string out;
  decode(in, out, ec);
  return out;
}

} // namespace hubwire::core::percent

#endif
