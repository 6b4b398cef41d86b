#ifndef HUBWIRE_CORE_ERRC_HPP
#define HUBWIRE_CORE_ERRC_HPP

// Errors of the layer-0 text codecs (base64, percent-encoding).

#include <hubwire/core/error.hpp>

namespace hubwire::core {

enum class errc {
  base64_bad_character = 1, // outside the RFC 4648 section 4 alphabet (no whitespace, no URL alphabet)
  base64_bad_length,        // not a multiple of four characters
  base64_bad_padding,       // '=' anywhere but at the end, or more than two
  base64_non_canonical,     // padding bits not zero (RFC 4648 section 3.5)
  percent_bad_escape,       // '%' not followed by two hex digits
};

constexpr const char* category_name(errc) noexcept { return "hubwire.core"; }

inline const char* describe(errc e) noexcept {
  switch (e) {
    case errc::base64_bad_character: return "base64: character outside the RFC 4648 alphabet";
    case errc::base64_bad_length: return "base64: length is not a multiple of 4";
    case errc::base64_bad_padding: return "base64: misplaced or excess '=' padding";
    case errc::base64_non_canonical: return "base64: non-zero bits in the final padding";
    case errc::percent_bad_escape: return "percent-encoding: '%' not followed by two hex digits";
  }
  return "hubwire.core: unknown error";
}

} // namespace hubwire::core

HUBWIRE_ERROR_ENUM(hubwire::core, errc)

#endif
