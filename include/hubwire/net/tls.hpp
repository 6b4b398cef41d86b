#ifndef HUBWIRE_NET_TLS_HPP
#define HUBWIRE_NET_TLS_HPP

// TLS for hub connections, secure by default: TLS 1.2 or newer, the peer's certificate
// verified against the system store or a CA file you name, the host name checked by
// OpenSSL itself (so a mismatch is reported as such, not as a generic failure), SNI
// set. A client certificate and key (PEM) turn on X.509 device authentication.
//
// After a failed handshake, explain_handshake_error() turns OpenSSL's verdict into a
// tls_errc that says which check failed, so a retry policy can stop on it and a user
// can fix it.

#include <hubwire/core/error.hpp>
#include <hubwire/net/asio_compat.hpp>
#include <hubwire/core/result.hpp>

#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <string>
#include <string_view>
#include <system_error>

namespace hubwire::net {

enum class tls_errc {
  untrusted_certificate = 1, // the chain does not lead to a trusted CA
  hostname_mismatch,         // the certificate is not for the host we asked for
  certificate_expired,
  certificate_not_yet_valid,
  certificate_invalid,       // any other verification failure
  ca_file_unreadable,
  client_certificate_unreadable,
  client_key_unreadable,     // also: key does not match the certificate
  handshake_failed,          // no certificate problem: protocol or cipher mismatch, peer closed
};

constexpr const char* category_name(tls_errc) noexcept { return "hubwire.tls"; }
inline const char* describe(tls_errc e) noexcept {
  switch (e) {
    case tls_errc::untrusted_certificate: return "TLS: server certificate is not signed by a trusted CA";
    case tls_errc::hostname_mismatch: return "TLS: server certificate does not match the host name";
    case tls_errc::certificate_expired: return "TLS: server certificate has expired";
    case tls_errc::certificate_not_yet_valid: return "TLS: server certificate is not yet valid";
    case tls_errc::certificate_invalid: return "TLS: server certificate failed verification";
    case tls_errc::ca_file_unreadable: return "TLS: cannot load the CA file";
    case tls_errc::client_certificate_unreadable: return "TLS: cannot load the client certificate";
    case tls_errc::client_key_unreadable: return "TLS: cannot load the client key, or it does not match the certificate";
    case tls_errc::handshake_failed: return "TLS: handshake failed";
  }
  return "hubwire.tls: unknown error";
}

struct tls_options {
  std::string ca_file{};               // PEM; empty: the system's default trust store
  std::string client_certificate_file{}; // PEM chain, for X.509 authentication
  std::string client_key_file{};       // PEM
};

// A client context with the secure defaults above.
core::result<asio::ssl::context> make_tls_context(const tls_options& options);

// Sets SNI and the host name (or IP address) the certificate must match. Call before
// the handshake on every new stream.
std::error_code set_peer_host(SSL* ssl, std::string_view host);

template <class NextLayer>
std::error_code set_peer_host(asio::ssl::stream<NextLayer>& stream, std::string_view host) {
  return set_peer_host(stream.native_handle(), host);
}

// Why a handshake failed, from OpenSSL's verification result.
std::error_code explain_handshake_error(SSL* ssl, std::error_code handshake_ec);

template <class NextLayer>
std::error_code explain_handshake_error(asio::ssl::stream<NextLayer>& stream, std::error_code handshake_ec) {
  return explain_handshake_error(stream.native_handle(), handshake_ec);
}

} // namespace hubwire::net

HUBWIRE_ERROR_ENUM(hubwire::net, tls_errc)

#include <hubwire/net/impl/tls.hpp>

#endif
