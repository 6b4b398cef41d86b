#ifndef HUBWIRE_IOTHUB_HTTPS_MAPPING_HPP
#define HUBWIRE_IOTHUB_HTTPS_MAPPING_HPP

// IoT Hub's HTTPS cloud-to-device surface (reference: iothub-wire-details.md section 4,
// iothub-protocol-facts.md section 13), as http::request / http::response values, for
// both the device (client) and the emulator (server):
//
//   receive   GET    /devices/{id}/messages/deviceBound?api-version=V        -> 200 message | 204 empty
//   complete  DELETE /devices/{id}/messages/deviceBound/{lock}?api-version=V -> 204
//   reject    DELETE /devices/{id}/messages/deviceBound/{lock}?api-version=V&reject -> 204
//   abandon   POST   /devices/{id}/messages/deviceBound/{lock}/abandon?api-version=V -> 204
//   purge     DELETE /devices/{id}/commands?api-version=V (service)         -> 200 JSON
//
// The message travels in headers: ETag (quoted lock token), iothub-* system properties,
// ContentType / ContentEncoding (the spellings the C SDK matches case-sensitively) and
// iothub-app-{name} application properties. One table drives both directions.
//
// What HTTPS cannot carry (docs/http.md): an application property without a value
// (MQTT's `key` vs `key=`) comes back as an empty value; property names must be HTTP
// tokens and their case may not survive intermediaries; values must be field-value
// bytes (no control characters; UTF-8 passes as obs-text, which not every HTTP stack
// accepts); times are exact to the 100 ns tick in ISO 8601 and to the second in the
// M/d/yyyy form.

#include <hubwire/core/result.hpp>
#include <hubwire/http/message.hpp>
#include <hubwire/iothub/error.hpp>
#include <hubwire/iothub/message.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hubwire::iothub::https {

inline constexpr std::string_view default_api_version = "2021-04-12";
inline constexpr std::string_view app_property_prefix = "iothub-app-";

struct request_options {
  std::string host{};            // {hub}.azure-devices.net, the Host field
  std::string sas_token{};       // "SharedAccessSignature sr=...", the Authorization field
  std::string api_version = std::string(default_api_version);
  std::string user_agent{};      // omitted when empty
};

// Device requests. Ids and lock tokens are percent-encoded into the path. If-Match
// carries the quoted lock token, as the C and .NET SDKs send it.
http::request make_receive_request(std::string_view device_id, const request_options& o);
http::request make_complete_request(std::string_view device_id, std::string_view lock_token, const request_options& o);
http::request make_reject_request(std::string_view device_id, std::string_view lock_token, const request_options& o);
http::request make_abandon_request(std::string_view device_id, std::string_view lock_token, const request_options& o);
// Service request: delete every message queued for the device.
http::request make_purge_request(std::string_view device_id, const request_options& o);

// Model -> headers (the emulator's 200 answer to a receive). Fails with
// errc::invalid_message for what an HTTP field cannot hold.
std::error_code to_headers(const c2d_message& m, http::fields& out);
// Headers + body -> model. ETag must be a quoted string; numbers and times must parse.
core::result<c2d_message> from_headers(const http::fields& f, std::string_view body);

// The hub's answer to a receive: a message (200), none (204), or its error.
core::result<std::optional<c2d_message>> parse_receive_response(const http::response& res);
// The emulator's answer to a receive: 200 with the message, or 204 when `m` is empty.
core::result<http::response> make_receive_response(const std::optional<c2d_message>& m);

// What a status means to a client: the hub's error, whether to retry, and when.
struct status_outcome {
  std::error_code error{};           // empty for 2xx
  bool retryable = false;
  std::optional<std::chrono::seconds> retry_after{}; // from Retry-After (429, 503)
};
// 400 bad_request, 401 unauthorized, 403 quota_exceeded (or queue depth when the body
// names 403004), 404 device_not_found, 412 device_message_lock_lost, 413
// message_too_large, 429 throttled, 500 server_error, 503 server_busy, 504
// gateway_timeout, other 5xx server_error, anything else unexpected_status.
status_outcome classify(const http::response& res);

// Retry-After (RFC 9110 10.2.3): delay-seconds, or an IMF-fixdate relative to `now`.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view v, time_point now);

// The two time forms seen in iothub-enqueuedtime / iothub-expiry: ISO 8601, and .NET's
// "M/d/yyyy h:mm:ss tt" (UTC) from the az CLI fixture.
std::optional<time_point> parse_header_time(std::string_view s) noexcept;

} // namespace hubwire::iothub::https

#include <hubwire/iothub/impl/https_mapping.hpp>

#endif
