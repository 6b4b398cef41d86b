#ifndef HUBWIRE_CORE_PERCENT_HPP
#define HUBWIRE_CORE_PERCENT_HPP

// RFC 3986 percent-encoding. Encoding escapes everything but the unreserved set
// (ALPHA / DIGIT / "-" / "." / "_" / "~") with upper-case hex digits, as RFC 3986
// section 2.1 recommends and as the official SDKs' encoders (JavaScript's
// encodeURIComponent, .NET's WebUtility.UrlEncode, Python's quote) produce; '+' decodes
// to itself, never to a space, because SAS signatures are base64 and contain '+'.

#include <hubwire/core/errc.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace hubwire::core::percent {

constexpr bool is_unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Appends the encoding of `in` to `out`; `keep` names extra characters left as they are.
void encode(std::string_view in, std::string& out, std::string_view keep = {});
std::string encode(std::string_view in, std::string_view keep = {});

// Appends the decoding of `in` to `out`; on a malformed escape sets ec and leaves out as it was.
void decode(std::string_view in, std::string& out, std::error_code& ec);
std::string decode(std::string_view in, std::error_code& ec);

} // namespace hubwire::core::percent

#include <hubwire/core/impl/percent.hpp>

#endif
