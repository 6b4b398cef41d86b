#ifndef HUBWIRE_HTTP_FRAMING_HPP
#define HUBWIRE_HTTP_FRAMING_HPP

// How a field section frames its body (RFC 9112 section 6): the one reading of
// Content-Length and Transfer-Encoding that the parsers act on and the serializers
// check against, so both sides agree on every message.

#include <hubwire/http/error.hpp>
#include <hubwire/http/fields.hpp>

#include <cstdint>
#include <optional>
#include <system_error>

namespace hubwire::http {

struct framing {
  std::optional<std::uint64_t> content_length{};
  bool chunked = false;
  bool has_transfer_encoding = false;
};

// Every Content-Length value (in every field, comma lists included) must be the same
// decimal (RFC 9110 8.6); Transfer-Encoding must be "chunked" exactly once, last, and
// alone (other codings are not decoded here); both together is an error (smuggling).
inline std::error_code read_framing(const fields& f, framing& out) noexcept {
  out = {};
  for (const auto& x : f) {
    const bool is_cl = grammar::iequals(x.name, "Content-Length");
    const bool is_te = !is_cl && grammar::iequals(x.name, "Transfer-Encoding");
    if (!is_cl && !is_te) continue;
    out.has_transfer_encoding |= is_te;
    std::string_view rest = x.value;
    for (;;) {
      const auto comma = rest.find(',');
      const auto item = grammar::trim_ows(rest.substr(0, comma));
      if (is_cl) {
        const auto n = grammar::parse_decimal(item);
        if (!n) return errc::bad_content_length;
        if (out.content_length && *out.content_length != *n) return errc::conflicting_content_length;
        out.content_length = n;
      } else {
        if (!grammar::iequals(item, "chunked") || out.chunked) return errc::bad_transfer_encoding;
        out.chunked = true;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (out.has_transfer_encoding && out.content_length) return errc::content_length_with_chunked;
  return {};
}

} // namespace hubwire::http

#endif
