#ifndef HUBWIRE_NET_IMPL_TLS_HPP
#define HUBWIRE_NET_IMPL_TLS_HPP

#include <openssl/err.h>

namespace hubwire::net {

inline core::result<asio::ssl::context> make_tls_context(const tls_options& options) {
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  std::error_code ec;
  if (options.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec) return tls_errc::ca_file_unreadable;
  } else {
    ctx.load_verify_file(options.ca_file, ec);
    if (ec) return tls_errc::ca_file_unreadable;
  }
  if (!options.client_certificate_file.empty() || !options.client_key_file.empty()) {
    ctx.use_certificate_chain_file(options.client_certificate_file, ec);
    if (ec) return tls_errc::client_certificate_unreadable;
    ctx.use_private_key_file(options.client_key_file, asio::ssl::context::pem, ec);
    if (ec || SSL_CTX_check_private_key(native) != 1) return tls_errc::client_key_unreadable;
  }
  ERR_clear_error();
  return ctx;
}

inline std::error_code set_peer_host(SSL* ssl, std::string_view host) {
  const std::string name(host);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  // An IP literal is matched against the certificate's IP SANs and gets no SNI (RFC 6066
  // section 3 forbids literal addresses there).
  if (X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) == 1) return {};
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size()) != 1 ||
      SSL_set_tlsext_host_name(ssl, name.c_str()) != 1)
    return tls_errc::hostname_mismatch;
  return {};
}

inline std::error_code explain_handshake_error(SSL* ssl, std::error_code handshake_ec) {
  if (!handshake_ec) return {};
  switch (SSL_get_verify_result(ssl)) {
    case X509_V_OK: return tls_errc::handshake_failed;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: return tls_errc::hostname_mismatch;
    case X509_V_ERR_CERT_HAS_EXPIRED: return tls_errc::certificate_expired;
    case X509_V_ERR_CERT_NOT_YET_VALID: return tls_errc::certificate_not_yet_valid;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return tls_errc::untrusted_certificate;
    default: return tls_errc::certificate_invalid;
  }
}

} // namespace hubwire::net

#endif
