#ifndef HUBWIRE_NET_IMPL_WEBSOCKET_HANDSHAKE_HPP
#define HUBWIRE_NET_IMPL_WEBSOCKET_HANDSHAKE_HPP

namespace hubwire::net::websocket {
namespace detail {

inline constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

} // namespace detail

inline bool has_token(std::string_view list, std::string_view token) noexcept {
  while (true) {
    const auto comma = list.find(',');
    if (detail::iequals(detail::trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) return false;
    list.remove_prefix(comma + 1);
  }
}

inline std::string make_key(const std::array<std::uint8_t, 16>& nonce) {
  return core::base64::encode(core::bytes_view(nonce));
}

inline std::string accept_for(std::string_view key) {
  std::string input(key);
  input += detail::guid;
  std::array<std::uint8_t, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  return core::base64::encode(core::bytes_view(digest));
}

inline std::string client_request(std::string_view host, std::string_view path, std::string_view key,
                                  std::string_view subprotocol) {
  std::string r;
  r.reserve(256);
  r.append("GET ").append(path).append(" HTTP/1.1\r\n");
  r.append("Host: ").append(host).append("\r\n");
  r.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
  r.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
  r.append("Sec-WebSocket-Version: 13\r\n");
  if (!subprotocol.empty()) r.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
  r.append("\r\n");
  return r;
}

inline std::error_code check_response(int status, const header_lookup& header, std::string_view key,
                                      std::string_view subprotocol) {
  if (status != 101) return handshake_errc::not_switching_protocols;
  const auto upgrade = header("Upgrade");
  if (!upgrade || !detail::iequals(detail::trim(*upgrade), "websocket")) return handshake_errc::missing_upgrade;
  const auto connection = header("Connection");
  if (!connection || !has_token(*connection, "upgrade")) return handshake_errc::missing_connection_upgrade;
  const auto accept = header("Sec-WebSocket-Accept");
  if (!accept || detail::trim(*accept) != accept_for(key)) return handshake_errc::bad_accept;
  const auto protocol = header("Sec-WebSocket-Protocol");
  // 4.1: a protocol the client did not ask for fails the connection; so does silence
  // when the hub's protocol depends on it.
  if (subprotocol.empty() ? protocol.has_value() : (!protocol || detail::trim(*protocol) != subprotocol))
    return handshake_errc::subprotocol_mismatch;
  return {};
}

inline std::error_code accept_request(const header_lookup& header, std::string_view subprotocol,
                                      std::string& response) {
  const auto upgrade = header("Upgrade");
  const auto connection = header("Connection");
  const auto key = header("Sec-WebSocket-Key");
  if (!upgrade || !has_token(*upgrade, "websocket") || !connection || !has_token(*connection, "upgrade") || !key)
    return handshake_errc::bad_request;
  std::error_code ec;
  const auto nonce = core::base64::decode(detail::trim(*key), ec);
  if (ec || nonce.size() != 16) return handshake_errc::bad_request;
  const auto version = header("Sec-WebSocket-Version");
  if (!version || detail::trim(*version) != "13") return handshake_errc::unsupported_version;
  const auto offered = header("Sec-WebSocket-Protocol");
  const bool select = !subprotocol.empty() && offered && has_token(*offered, subprotocol);
  if (!subprotocol.empty() && !select) return handshake_errc::subprotocol_mismatch;
  response.assign("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
  response.append("Sec-WebSocket-Accept: ").append(accept_for(detail::trim(*key))).append("\r\n");
  if (select) response.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
  response.append("\r\n");
  return {};
}

} // namespace hubwire::net::websocket

#endif
