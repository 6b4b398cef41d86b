#ifndef HUBWIRE_CORE_BASE64_HPP
#define HUBWIRE_CORE_BASE64_HPP

// RFC 4648 section 4 base64 with padding. Decoding is strict: IoT Hub keys and SAS
// signatures are canonical base64, and accepting sloppy forms would let two different
// strings verify as the same key.

#include <hubwire/core/bytes.hpp>
#include <hubwire/core/errc.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace hubwire::core::base64 {

constexpr std::size_t encoded_size(std::size_t n) noexcept { return (n + 2) / 3 * 4; }

std::string encode(bytes_view in);
inline std::string encode(std::string_view in) { return encode(as_bytes(in)); }

// Appends the decoded bytes to `out` only on success.
void decode(std::string_view in, std::string& out, std::error_code& ec);
std::string decode(std::string_view in, std::error_code& ec);

} // namespace hubwire::core::base64

#include <hubwire/core/impl/base64.hpp>

#endif
