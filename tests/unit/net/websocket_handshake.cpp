#include <hubwire/net/websocket_handshake.hpp>
#include <hubwire_test/catch.hpp>

#include <map>

using namespace hubwire::net::websocket;

namespace {
header_lookup lookup(std::map<std::string, std::string> h) {
  return [h = std::move(h)](std::string_view name) -> std::optional<std::string_view> {
    for (const auto& [k, v] : h)
      if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          }))
        return std::string_view(v);
    return std::nullopt;
  };
}
} // namespace

TEST_CASE("websocket accept value matches RFC 6455 section 1.3's example") {
  CHECK(accept_for("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const std::array<std::uint8_t, 16> nonce{'t', 'h', 'e', ' ', 's', 'a', 'm', 'p', 'l', 'e', ' ', 'n', 'o', 'n', 'c', 'e'};
  CHECK(make_key(nonce) == "dGhlIHNhbXBsZSBub25jZQ==");
}

TEST_CASE("websocket client request carries the hub's path and the mqtt subprotocol") {
  const auto r = client_request("myhub.azure-devices.net", iothub_path, "dGhlIHNhbXBsZSBub25jZQ==", "mqtt");
  CHECK(r == "GET /$iothub/websocket HTTP/1.1\r\nHost: myhub.azure-devices.net\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
             "Sec-WebSocket-Protocol: mqtt\r\n\r\n");
}

TEST_CASE("websocket client accepts a correct 101 and names each wrong part") {
  const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  std::map<std::string, std::string> ok{{"upgrade", "WebSocket"}, {"Connection", "keep-alive, Upgrade"},
                                        {"Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="},
                                        {"Sec-WebSocket-Protocol", "mqtt"}};
  CHECK_FALSE(check_response(101, lookup(ok), key, "mqtt"));
  CHECK(check_response(200, lookup(ok), key, "mqtt") == handshake_errc::not_switching_protocols);
  auto without = [&](const std::string& k) { auto m = ok; m.erase(k); return lookup(m); };
  auto with = [&](const std::string& k, const std::string& v) { auto m = ok; m[k] = v; return lookup(m); };
  CHECK(check_response(101, without("upgrade"), key, "mqtt") == handshake_errc::missing_upgrade);
  CHECK(check_response(101, with("Connection", "close"), key, "mqtt") == handshake_errc::missing_connection_upgrade);
  CHECK(check_response(101, with("Sec-WebSocket-Accept", "AAAA"), key, "mqtt") == handshake_errc::bad_accept);
  CHECK(check_response(101, without("Sec-WebSocket-Protocol"), key, "mqtt") == handshake_errc::subprotocol_mismatch);
  CHECK(check_response(101, with("Sec-WebSocket-Protocol", "amqp"), key, "mqtt") == handshake_errc::subprotocol_mismatch);
}

TEST_CASE("websocket server answers a valid upgrade and refuses a bad one") {
  std::map<std::string, std::string> req{{"Host", "h"}, {"Upgrade", "websocket"}, {"Connection", "Upgrade"},
                                         {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                                         {"Sec-WebSocket-Version", "13"}, {"Sec-WebSocket-Protocol", "chat, mqtt"}};
  std::string response;
  REQUIRE_FALSE(accept_request(lookup(req), "mqtt", response));
  CHECK(response == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n");
  auto bad = req;
  bad["Sec-WebSocket-Version"] = "8";
  CHECK(accept_request(lookup(bad), "mqtt", response) == handshake_errc::unsupported_version);
  bad = req;
  bad["Sec-WebSocket-Key"] = "c2hvcnQ="; // 5 bytes, not 16
  CHECK(accept_request(lookup(bad), "mqtt", response) == handshake_errc::bad_request);
  bad = req;
  bad["Sec-WebSocket-Protocol"] = "chat";
  CHECK(accept_request(lookup(bad), "mqtt", response) == handshake_errc::subprotocol_mismatch);
}
