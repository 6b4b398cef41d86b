#ifndef HUBWIRE_AUTH_HMAC_HPP
#define HUBWIRE_AUTH_HMAC_HPP

// HMAC-SHA256 through OpenSSL's libcrypto, and a comparison whose time does not depend
// on where two digests differ (so a verifier leaks nothing about the right signature).

#include <hubwire/auth/error.hpp>
#include <hubwire/core/bytes.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdint>
#include <system_error>

namespace hubwire::auth {

using sha256_digest = std::array<std::uint8_t, 32>;

inline sha256_digest hmac_sha256(core::bytes_view key, core::bytes_view message, std::error_code& ec) {
  sha256_digest out{};
  unsigned int len = 0;
  ec = {};
  // A zero-length key is legal HMAC, but OpenSSL wants a non-null pointer for it.
  static const std::uint8_t empty = 0;
  if (HMAC(EVP_sha256(), key.empty() ? &empty : key.data(), static_cast<int>(key.size()),
           message.data(), message.size(), out.data(), &len) == nullptr ||
      len != out.size())
    ec = errc::crypto_failure;
  return out;
}

inline bool constant_time_equal(core::bytes_view a, core::bytes_view b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace hubwire::auth

#endif
