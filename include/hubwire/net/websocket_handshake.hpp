#ifndef HUBWIRE_NET_WEBSOCKET_HANDSHAKE_HPP
#define HUBWIRE_NET_WEBSOCKET_HANDSHAKE_HPP

// The RFC 6455 opening handshake (section 4), sans-I/O, both roles. IoT Hub takes MQTT
// over WebSocket at wss://{host}/$iothub/websocket with subprotocol "mqtt", and AMQP at
// the same path with "AMQPWSB10" (iothub-wire-details.md sections 1.8 and 6).
//
// The HTTP parsing of the peer's message is not done here: the caller hands over the
// status (client) and a header lookup, so the same checks serve any HTTP parser.

#include <hubwire/core/base64.hpp>
#include <hubwire/core/error.hpp>

#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace hubwire::net::websocket {

enum class handshake_errc {
  not_switching_protocols = 1, // status other than 101
  missing_upgrade,             // Upgrade is not "websocket"
  missing_connection_upgrade,  // Connection does not list "upgrade"
  bad_accept,                  // Sec-WebSocket-Accept does not match the key
  subprotocol_mismatch,        // the server chose no protocol, or another one
  bad_request,                 // server side: not a valid WebSocket upgrade request
  unsupported_version,         // server side: Sec-WebSocket-Version is not 13
};

constexpr const char* category_name(handshake_errc) noexcept { return "hubwire.websocket.handshake"; }
inline const char* describe(handshake_errc e) noexcept {
  switch (e) {
    case handshake_errc::not_switching_protocols: return "websocket handshake: server did not answer 101";
    case handshake_errc::missing_upgrade: return "websocket handshake: Upgrade header is not 'websocket'";
    case handshake_errc::missing_connection_upgrade: return "websocket handshake: Connection header lacks 'upgrade'";
    case handshake_errc::bad_accept: return "websocket handshake: Sec-WebSocket-Accept does not match the key";
    case handshake_errc::subprotocol_mismatch: return "websocket handshake: server did not select the requested subprotocol";
    case handshake_errc::bad_request: return "websocket handshake: not a WebSocket upgrade request";
    case handshake_errc::unsupported_version: return "websocket handshake: Sec-WebSocket-Version is not 13";
  }
  return "hubwire.websocket.handshake: unknown error";
}

inline constexpr std::string_view iothub_path = "/$iothub/websocket";

// Looks up a header field by name, case-insensitively; empty when absent.
using header_lookup = std::function<std::optional<std::string_view>(std::string_view name)>;

// Sec-WebSocket-Key from 16 random bytes the caller supplies (from a CSPRNG).
std::string make_key(const std::array<std::uint8_t, 16>& nonce);

// base64(SHA-1(key + the RFC's GUID)).
std::string accept_for(std::string_view key);

// The client's GET request, with its terminating empty line.
std::string client_request(std::string_view host, std::string_view path, std::string_view key,
                           std::string_view subprotocol);

// Checks the server's response to client_request().
std::error_code check_response(int status, const header_lookup& header, std::string_view key,
                               std::string_view subprotocol);

// Server side: checks a request (method and target are the caller's to route) and, on
// success, gives the 101 response to send, selecting `subprotocol` if the client
// offered it.
std::error_code accept_request(const header_lookup& header, std::string_view subprotocol, std::string& response);

// Whether a comma-separated header value contains `token`, case-insensitively.
bool has_token(std::string_view list, std::string_view token) noexcept;

} // namespace hubwire::net::websocket

HUBWIRE_ERROR_ENUM(hubwire::net::websocket, handshake_errc)

#include <hubwire/net/impl/websocket_handshake.hpp>

#endif
