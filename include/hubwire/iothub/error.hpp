#ifndef HUBWIRE_IOTHUB_ERROR_HPP
#define HUBWIRE_IOTHUB_ERROR_HPP

// IoT Hub's own errors, named after the hub's documented error codes (the six-digit
// code, whose first three digits are the HTTP status, is given per value), plus the
// client-side conditions every transport shares. One category, so an application
// tests `ec == iothub::errc::device_message_lock_lost` whatever the transport.

#include <hubwire/core/error.hpp>

namespace hubwire::iothub {

enum class errc {
  bad_request = 1,                      // 400000
  unauthorized,                         // 401003 IoTHubUnauthorized (bad or expired credentials)
  quota_exceeded,                       // 403002 IoTHubQuotaExceeded
  device_maximum_queue_depth_exceeded,  // 403004
  device_not_found,                     // 404001 (not registered, or disabled)
  device_connection_closed_remotely,    // 404104
  link_creation_conflict,               // 409002
  precondition_failed,                  // 412 without a more specific code
  device_message_lock_lost,             // 412002 (unknown or expired lock token)
  message_too_large,                    // 413001
  throttled,                            // 429001
  server_error,                         // 500xxx
  server_busy,                          // 503xxx
  gateway_timeout,                      // 504101
  not_supported_by_transport,           // e.g. reject/abandon over MQTT
  invalid_message,                      // a message the hub would refuse (ids, property names, size)
  unexpected_status,                    // a status code the hub does not document
};

constexpr const char* category_name(errc) noexcept { return "hubwire.iothub"; }

inline const char* describe(errc e) noexcept {
  switch (e) {
    case errc::bad_request: return "IoT Hub: bad request (400)";
    case errc::unauthorized: return "IoT Hub: unauthorized, credentials rejected or expired (401003)";
    case errc::quota_exceeded: return "IoT Hub: daily message quota exceeded (403002)";
    case errc::device_maximum_queue_depth_exceeded:
      return "IoT Hub: the device's cloud-to-device queue is full, 50 messages (403004)";
    case errc::device_not_found: return "IoT Hub: device not found or disabled (404001)";
    case errc::device_connection_closed_remotely: return "IoT Hub: connection closed remotely (404104)";
    case errc::link_creation_conflict:
      return "IoT Hub: another connection for the same identity replaced this one (409002)";
    case errc::precondition_failed: return "IoT Hub: precondition failed (412)";
    case errc::device_message_lock_lost:
      return "IoT Hub: the message's lock token is unknown or its lock expired (412002)";
    case errc::message_too_large: return "IoT Hub: message too large (413001)";
    case errc::throttled: return "IoT Hub: throttled, retry later (429001)";
    case errc::server_error: return "IoT Hub: internal server error (500)";
    case errc::server_busy: return "IoT Hub: service unavailable (503)";
    case errc::gateway_timeout: return "IoT Hub: gateway timeout (504)";
    case errc::not_supported_by_transport:
      return "IoT Hub: operation not supported by this transport (MQTT can only complete)";
    case errc::invalid_message: return "IoT Hub: message violates the hub's rules";
    case errc::unexpected_status: return "IoT Hub: unexpected status";
  }
  return "hubwire.iothub: unknown error";
}

// Whether retrying the same request later can succeed (section 17.3 of the hub's
// retry guidance): network-ish and load-related failures are, credential, identity
// and request-shape failures are not.
constexpr bool is_retryable(errc e) noexcept {
  switch (e) {
    case errc::device_connection_closed_remotely:
    case errc::link_creation_conflict:
    case errc::throttled:
    case errc::server_error:
    case errc::server_busy:
    case errc::gateway_timeout: return true;
    default: return false;
  }
}

} // namespace hubwire::iothub

HUBWIRE_ERROR_ENUM(hubwire::iothub, errc)

#endif
