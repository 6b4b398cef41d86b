#ifndef HUBWIRE_AUTH_SAS_HPP
#define HUBWIRE_AUTH_SAS_HPP

// Shared access signature tokens:
//   SharedAccessSignature sr={resource}&sig={signature}&se={expiry}[&skn={policy}]
// sig = base64(HMAC-SHA256(base64-decode(key), "{sr}\n{se}")).
//
// make() percent-encodes the resource with upper-case hex (RFC 3986 unreserved set
// kept) and signs the encoded form, as the .NET, Node, Python and Embedded C SDKs do
// (iothub-wire-details.md section 0). The hub's documentation asks for "lower case URL
// encoding of the lower case resource URI", but lower-casing would change
// case-sensitive device ids, no SDK does it, and the hub accepts the SDKs' tokens.
// verify() recomputes the signature over `sr` exactly as the token carries it (the C
// SDK sends it unencoded, everyone else encoded), and also accepts it with every
// percent-escape in lower or in upper case.

#include <hubwire/auth/error.hpp>
#include <hubwire/core/result.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <system_error>

namespace hubwire::auth {

using seconds_since_epoch = std::chrono::sys_seconds;

class sas_token {
public:
  std::string resource;      // sr, percent-decoded
  std::string signature;     // sig, percent-decoded (base64 text)
  seconds_since_epoch expiry{}; // se
  std::string key_name;      // skn; empty when signed with the identity's own key

  // Builds a token for `resource_uri` (e.g. "myhub.azure-devices.net/devices/dev1")
  // signed with `base64_key`. Fails only for a key that is not base64.
  static core::result<std::string> make(std::string_view resource_uri, std::string_view base64_key,
                                        std::string_view key_name, seconds_since_epoch expiry);

  // Fields in any order; values percent-decoded; an empty skn counts as absent (the C
  // SDK's HTTP transport sends "&skn=").
  static core::result<sas_token> parse(std::string_view token);

  // Checks signature, expiry (valid while now < se) and scope: the token's resource
  // must cover `requested_resource` by whole path segments ("h/devices" covers
  // "h/devices/d1", "h/devices/d" does not); host names compare case-insensitively.
  std::error_code verify(std::string_view base64_key, seconds_since_epoch now,
                         std::string_view requested_resource) const;

  // Whether `resource` is covered by `scope` by path segment (see verify()).
  static bool covers(std::string_view scope, std::string_view resource) noexcept;

private:
  std::string signed_resource_; // sr as it appeared in the token: what was signed
  std::string signed_expiry_;   // se as it appeared
};

} // namespace hubwire::auth

#include <hubwire/auth/impl/sas.hpp>

#endif
