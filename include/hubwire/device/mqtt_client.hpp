#ifndef HUBWIRE_DEVICE_MQTT_CLIENT_HPP
#define HUBWIRE_DEVICE_MQTT_CLIENT_HPP

// A device (or module) receiving cloud-to-device messages from IoT Hub over MQTT 3.1.1,
// with at-least-once processing: the PUBACK that tells the hub a message is done goes
// out only when the application calls async_complete(), so a crash before that means
// the hub delivers the message again, never that it is lost.
//
//   device::mqtt_client client(ex, tls, {.credentials = cs});
//   co_await client.async_open(use_awaitable);
//   for (;;) {
//     iothub::c2d_message m = co_await client.async_receive(use_awaitable);
//     apply(m);
//     co_await client.async_complete(m, use_awaitable);
//   }
//
// What it does on its own:
// - Connects over TLS on 8883, WebSocket over TLS on 443 (where 8883 is blocked), or
//   plain TCP (local brokers and emulators), with clean session 0, and subscribes to
//   devices/{id}/messages/devicebound/#.
// - Signs a SAS token from the connection string's key with a configurable lifetime,
//   and before it expires (at 80-85 % of it, jittered) reconnects with a fresh one.
//   The session survives (clean session 0): messages the application holds are
//   completed on the new connection and are not handed out a second time.
// - Reconnects after any connection loss under the retry policy; refusals retrying
//   cannot fix (bad credentials, not authorized, TLS verification) stop it after
//   `retry.permanent_after` tries in a row.
// - Keeps at most receive_queue_capacity messages waiting for async_receive(); when the
//   queue is full it stops reading, so the broker holds the rest (nothing is dropped and
//   memory stays bounded). Keep-alive pings still go out meanwhile. While connecting it
//   reads on regardless, to reach the SUBACK behind a persistent session's backlog.
//
// MQTT has no reject or abandon: async_reject and async_abandon complete with
// iothub::errc::not_supported_by_transport (use AMQP for those).
//
// Every operation takes any completion token (callbacks, use_awaitable, deferred,
// use_future) and honours per-operation cancellation. The client is used from one
// executor, like every Asio I/O object. Pending operations complete on every
// transition: with a value, with the error that ended the client, or with
// operation_aborted when cancelled.

#include <hubwire/auth/connection_string.hpp>
#include <hubwire/iothub/message.hpp>
#include <hubwire/net/asio_compat.hpp>
#include <hubwire/net/retry.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/ssl/context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace hubwire::device {

enum class connection_status {
  connected,             // CONNACK accepted and the C2D subscription granted
  disconnected_retrying, // the connection was lost or refused; a retry is scheduled
  disconnected,          // closed by async_close, or the retry policy gave up
};

constexpr std::string_view to_string(connection_status s) noexcept {
  switch (s) {
    case connection_status::connected: return "connected";
    case connection_status::disconnected_retrying: return "disconnected_retrying";
    case connection_status::disconnected: return "disconnected";
  }
  return "unknown";
}

enum class mqtt_transport {
  tls,           // MQTT over TLS, port 8883
  websocket_tls, // MQTT over WebSocket over TLS, port 443, path /$iothub/websocket
  tcp,           // no TLS: local brokers and emulators only
};

// Whether a connection failure is one that retrying with the same settings cannot fix:
// a CONNACK refusal for credentials, identity or authorization, a refused subscription,
// a failed TLS certificate check, or a key that cannot sign. The default retry policy
// stops after `permanent_after` of these in a row.
bool is_permanent_failure(std::error_code ec) noexcept;

inline net::retry_policy default_retry_policy() {
  net::retry_policy p;
  p.is_permanent = is_permanent_failure;
  return p;
}

struct mqtt_client_options {
  // HostName, DeviceId, [ModuleId], and SharedAccessKey, SharedAccessSignature (used
  // as is, never renewed) or x509=true (the TLS context then carries the certificate).
  auth::connection_string credentials{};
  mqtt_transport transport = mqtt_transport::tls;
  // Where to connect, when not to HostName (a test broker, a port-forward). TLS still
  // verifies the certificate against HostName (or GatewayHostName when present).
  std::string connect_host{};
  std::uint16_t port = 0; // 0: 8883, 443 or 1883 by transport
  std::chrono::seconds keep_alive{240};
  std::chrono::milliseconds response_timeout{30'000}; // CONNACK, SUBACK, PINGRESP, close
  // SAS tokens signed from the key live this long and are renewed at a random point
  // between renew_at and renew_at + renew_jitter of their lifetime.
  std::chrono::seconds token_lifetime{3600};
  double renew_at = 0.80;
  double renew_jitter = 0.05;
  // When set, supplies the password (a SAS token) instead of signing one from the key:
  // tokens from an HSM or a token service. Called for each connection with the expiry
  // the client wants.
  std::function<std::string(std::chrono::system_clock::time_point expiry)> token_provider{};
  net::retry_policy retry = default_retry_policy();
  std::size_t receive_queue_capacity = 64;
  std::size_t max_message_size = 256 * 1024 + 64 * 1024; // the hub's 256 KiB plus topic room
  std::string product_info = "hubwire/0.1";
  std::string model_id{};
  std::uint16_t max_inflight = 64; // telemetry messages awaiting PUBACK
};

class mqtt_client {
public:
  using executor_type = asio::any_io_executor;
  using status_handler = std::function<void(connection_status, std::error_code reason)>;

  // `tls` is used by the TLS transports and must outlive the client.
  mqtt_client(executor_type ex, asio::ssl::context& tls, mqtt_client_options options);
  // Closes the connection without DISCONNECT; pending operations complete with
  // operation_aborted.
  ~mqtt_client();
  mqtt_client(const mqtt_client&) = delete;
  mqtt_client& operator=(const mqtt_client&) = delete;

  executor_type get_executor() const noexcept;

  // Called on every status change, on the client's executor.
  void on_status(status_handler h);

  // Connects and subscribes: void(error_code). Retries under the policy before the
  // first success too; fails when the policy gives up (with the last error).
  template <class Token>
  auto async_open(Token&& token);

  // The next C2D message: void(error_code, iothub::c2d_message). A message whose
  // property bag is malformed completes with that error and with the message as far as
  // it could be read (body and lock token): complete it to drop it, or it comes back.
  template <class Token>
  auto async_receive(Token&& token);

  // Sends the PUBACK for `m` (queued now; sent on this connection or, if it drops
  // first, on the next one): void(error_code). device_message_lock_lost when the hub
  // forgot the session since `m` arrived: it will deliver `m` again.
  template <class Token>
  auto async_complete(const iothub::c2d_message& m, Token&& token);
  template <class Token>
  auto async_reject(const iothub::c2d_message& m, Token&& token);
  template <class Token>
  auto async_abandon(const iothub::c2d_message& m, Token&& token);

  // Device-to-cloud: body and properties of `m` (system ones as $.mid, $.ct, ...; the
  // application properties as they are) at QoS 1: void(error_code) once PUBACKed.
  // Re-sent after a reconnect until then.
  template <class Token>
  auto async_send_telemetry(const iothub::c2d_message& m, Token&& token);

  // DISCONNECT, then close: void(error_code). Operations still pending complete with
  // mqtt::session_errc::closed.
  template <class Token>
  auto async_close(Token&& token);

  struct state; // the connection's state, shared with the operations in flight

private:
  std::shared_ptr<state> state_;
};

} // namespace hubwire::device

#include <hubwire/device/impl/mqtt_client.hpp>

#endif
