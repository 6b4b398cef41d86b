// hubwire's TLS defaults against OpenSSL's own s_server, with certificates the test
// makes with the openssl command: a trusted chain for "localhost" and 127.0.0.1, and an
// unrelated CA. Each failure must come back as the tls_errc that names the check.
#include <hubwire/net/tls.hpp>
#include <hubwire_test/catch.hpp>
#include <hubwire_test/pki.hpp>
#include <hubwire_test/process.hpp>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;
using hubwire::net::tls_errc;

namespace {

using pki = hubwire_test::pki;

// Connects to 127.0.0.1:port, handshakes as `host`, and explains the outcome.
std::error_code handshake(std::uint16_t port, const std::string& ca, const std::string& host) {
  asio::io_context io;
  auto ctx = hubwire::net::make_tls_context({.ca_file = ca});
  REQUIRE(ctx);
  asio::ssl::stream<asio::ip::tcp::socket> s(io, *ctx);
  s.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  REQUIRE_FALSE(hubwire::net::set_peer_host(s, host));
  std::error_code ec;
  s.handshake(asio::ssl::stream_base::client, ec);
  return hubwire::net::explain_handshake_error(s, ec);
}

} // namespace

TEST_CASE("TLS client against openssl s_server: each verification outcome is named") {
  pki p;
  const auto port = hubwire_test::free_port();
  hubwire_test::process server({"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
                                p / "server.pem", "-key", p / "server.key", "-quiet"},
                               p / "s_server.log");
  REQUIRE(server.wait_for_port(port));

  CHECK_FALSE(handshake(port, p / "test-ca.pem", "localhost"));
  CHECK_FALSE(handshake(port, p / "test-ca.pem", "127.0.0.1"));
  CHECK(handshake(port, p / "test-ca.pem", "wrong.example") == tls_errc::hostname_mismatch);
  CHECK(handshake(port, p / "test-ca.pem", "127.0.0.2") == tls_errc::hostname_mismatch);
  CHECK(handshake(port, p / "other-ca.pem", "localhost") == tls_errc::untrusted_certificate);
}

TEST_CASE("TLS context refuses below TLS 1.2 and reports unreadable files") {
  auto ctx = hubwire::net::make_tls_context({});
  REQUIRE(ctx);
  CHECK(SSL_CTX_get_min_proto_version(ctx->native_handle()) == TLS1_2_VERSION);
  CHECK((SSL_CTX_get_verify_mode(ctx->native_handle()) & SSL_VERIFY_PEER) != 0);
  CHECK(hubwire::net::make_tls_context({.ca_file = "/nonexistent/ca.pem"}).error() == tls_errc::ca_file_unreadable);
  CHECK(hubwire::net::make_tls_context({.client_certificate_file = "/nonexistent/c.pem", .client_key_file = "/nonexistent/k.pem"})
            .error() == tls_errc::client_certificate_unreadable);
}
