#ifndef HUBWIRE_MQTT_SESSION_HPP
#define HUBWIRE_MQTT_SESSION_HPP

// The MQTT 3.1.1 client session as a sans-I/O state machine: no sockets, no clocks.
// The caller (net::session_runner, or a test) moves bytes and time through it:
//
//   start(now)                    a transport is up: CONNECT is queued
//   begin_write() / end_write(now) take the queued bytes, report them written; at most one
//                                  write is outstanding, so the output is an ordered queue
//   put(bytes, now, ev, ec)       feed received bytes; one packet per call, its effect in `ev`
//   next_deadline() / on_timer(now, ec)
//                                  CONNACK/SUBACK/PINGRESP deadlines, keep-alive, renewal
//   publish(), acknowledge(), disconnect()
//                                  what the application asks for
//
// What survives a reconnect is what MQTT's session keeps (clean session 0): outbound
// QoS 1 PUBLISHes not yet acknowledged (re-sent with DUP after CONNACK), inbound QoS 1
// messages handed to the application but not yet acknowledged (their PUBACK can still go
// out on the next connection), and the subscriptions (re-sent after every CONNACK).
// When the broker answers a reconnect with session present = 0 its copy of the session
// is gone: acknowledgements for earlier messages would be meaningless, so epoch()
// changes and acknowledge() refuses them (the broker redelivers, or has forgotten).
//
// A QoS 1 PUBLISH whose packet id the application still holds is a redelivery of that
// same message (the broker cannot reuse an unacknowledged id, MQTT-2.3.1-2): it is not
// handed out twice, so a reconnect does not duplicate work in progress.

#include <hubwire/core/bytes.hpp>
#include <hubwire/core/error.hpp>
#include <hubwire/mqtt/decode.hpp>
#include <hubwire/mqtt/encode.hpp>
#include <hubwire/mqtt/packet.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace hubwire::mqtt {

enum class session_errc {
  refused_protocol_version = 1, // CONNACK 1
  refused_identifier,           // CONNACK 2
  refused_server_unavailable,   // CONNACK 3
  refused_bad_credentials,      // CONNACK 4: bad user name or password (an expired SAS token too)
  refused_not_authorized,       // CONNACK 5
  subscription_refused,         // SUBACK 0x80 for one of our filters
  response_timeout,             // no CONNACK or SUBACK within response_timeout
  ping_timeout,                 // no PINGRESP within response_timeout: the peer is gone
  protocol_violation,           // a packet the broker may not send now (PUBLISH before CONNACK, a second CONNACK, ...)
  unknown_packet_id,            // PUBACK or SUBACK for an id we have not used
  qos2_not_supported,           // inbound QoS 2: we subscribe at QoS 1 at most, so the broker broke the grant
  inflight_full,                // publish(): max_inflight QoS 1 messages already await PUBACK
  not_connected,                // publish() of QoS 0 without a connection
  lock_lost,                    // acknowledge(): the message is not outstanding in this session
  closed,                       // disconnect() was called: the session ended as asked
  renewal_due,                  // the renewal time came: DISCONNECT sent so the caller reconnects
};

constexpr const char* category_name(session_errc) noexcept { return "hubwire.mqtt.session"; }

inline const char* describe(session_errc e) noexcept {
  switch (e) {
    case session_errc::refused_protocol_version: return "mqtt: connection refused, unacceptable protocol version";
    case session_errc::refused_identifier: return "mqtt: connection refused, client identifier rejected";
    case session_errc::refused_server_unavailable: return "mqtt: connection refused, server unavailable";
    case session_errc::refused_bad_credentials: return "mqtt: connection refused, bad user name or password (or expired token)";
    case session_errc::refused_not_authorized: return "mqtt: connection refused, not authorized";
    case session_errc::subscription_refused: return "mqtt: the broker refused the subscription";
    case session_errc::response_timeout: return "mqtt: no CONNACK or SUBACK in time";
    case session_errc::ping_timeout: return "mqtt: no PINGRESP in time, the connection is dead";
    case session_errc::protocol_violation: return "mqtt: the broker sent a packet not allowed in this state";
    case session_errc::unknown_packet_id: return "mqtt: acknowledgement for a packet identifier not in use";
    case session_errc::qos2_not_supported: return "mqtt: QoS 2 PUBLISH received, but no QoS 2 was granted";
    case session_errc::inflight_full: return "mqtt: too many QoS 1 messages awaiting PUBACK";
    case session_errc::not_connected: return "mqtt: not connected";
    case session_errc::lock_lost: return "mqtt: message no longer outstanding in this session (it will be redelivered)";
    case session_errc::closed: return "mqtt: session closed";
    case session_errc::renewal_due: return "mqtt: reconnecting to renew credentials";
  }
  return "hubwire.mqtt.session: unknown error";
}

} // namespace hubwire::mqtt

HUBWIRE_ERROR_ENUM(hubwire::mqtt, session_errc)

namespace hubwire::mqtt {

// Whether a refusal is one retrying with the same credentials cannot fix.
constexpr bool is_permanent(session_errc e) noexcept {
  return e == session_errc::refused_protocol_version || e == session_errc::refused_identifier ||
         e == session_errc::refused_bad_credentials || e == session_errc::refused_not_authorized ||
         e == session_errc::subscription_refused;
}

struct session_options {
  // CONNECT fields. The session owns their text; `password` is replaced on renewal.
  std::string client_id{};
  std::string username{};
  std::string password{};
  bool clean_session = false;
  std::chrono::seconds keep_alive{240}; // 0 = off; a PINGREQ goes out when either direction idles this long
  std::chrono::milliseconds response_timeout{30'000}; // for CONNACK, SUBACK and PINGRESP
  std::vector<std::string> subscriptions{};           // filters, subscribed at QoS 1 after every CONNACK
  std::size_t max_packet_size = default_max_packet_size;
  std::uint16_t max_inflight = 64; // outbound QoS 1 PUBLISHes awaiting PUBACK
};

enum class session_state { idle, connecting, subscribing, ready, closing, closed };

// What one put() produced.
struct session_event {
  enum class kind : std::uint8_t {
    none,      // a packet with no effect the caller must act on (PINGRESP, a suppressed redelivery)
    ready,     // CONNACK accepted and every subscription granted
    message,   // a PUBLISH for the application; its views point into put()'s input
    published, // PUBACK for our QoS 1 PUBLISH `packet_id`
  };
  kind type = kind::none;
  bool session_present = false; // ready
  mqtt::publish message{};      // message
  std::uint16_t packet_id = 0;  // published
};

class client_session {
public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  using event_type = session_event;
  static std::error_code need_more() noexcept { return errc::need_more; }

  explicit client_session(session_options opts);

  const session_options& options() const noexcept { return opts_; }
  session_state state() const noexcept { return state_; }
  // Changes when the broker reports the session lost; acknowledge() takes it.
  std::uint32_t epoch() const noexcept { return epoch_; }

  // A new transport is connected: forget the last one's bytes, queue CONNECT. Fails
  // only when the options make an invalid CONNECT (an empty client id with clean
  // session 0, a malformed string).
  std::error_code start(time_point now);
  // The password for the next start() (a fresh SAS token).
  void set_password(std::string password) { opts_.password = std::move(password); }
  // At `t`, on_timer() sends DISCONNECT and ends the connection with renewal_due.
  void renew_at(std::optional<time_point> t) noexcept { renew_at_ = t; }

  // The transport is gone (error or close): the connection's state is dropped, the
  // session's is kept for the next start().
  void connection_lost() noexcept;

  // Output. begin_write() hands out everything queued (empty when nothing is, or while
  // a write is outstanding); end_write() says it was written. When that write carried
  // DISCONNECT the connection is over: ec is `closed` (disconnect()) or `renewal_due`.
  core::bytes_view begin_write();
  void end_write(time_point now, std::error_code& ec);
  bool has_output() const noexcept { return !out_.empty(); }
  bool writing() const noexcept { return !writing_.empty(); }

  // Input: consumes at most one packet from the front of `in`. need_more is not an error.
  // Any other error ends the connection (the caller closes the transport).
  std::size_t put(core::bytes_view in, time_point now, session_event& ev, std::error_code& ec);

  // The caller stopped reading (its receive queue is full): PINGRESPs cannot be seen,
  // so their deadline is not enforced, but PINGREQs still go out every keep-alive so
  // the broker keeps the connection.
  void set_input_paused(bool paused) noexcept;

  // The earliest time on_timer() has work; time_point::max() when none.
  time_point next_deadline() const noexcept;
  void on_timer(time_point now, std::error_code& ec);

  // Queues a PUBLISH. QoS 1: `id` receives its packet identifier, a `published` event
  // reports its PUBACK, and it is re-sent on reconnect until then. Queued while not
  // connected; sent after the next CONNACK.
  std::error_code publish(std::string_view topic, core::bytes_view payload, qos q, std::uint16_t& id);
  std::size_t inflight() const noexcept { return inflight_.size(); }

  // PUBACK for an inbound QoS 1 message handed out in `epoch`. Queued now, or after the
  // next CONNACK when not connected. lock_lost when the message is not outstanding.
  std::error_code acknowledge(std::uint16_t packet_id, std::uint32_t epoch);
  // Inbound QoS 1 messages handed out and not yet acknowledged.
  std::size_t outstanding() const noexcept { return outstanding_.size(); }

  // Queues DISCONNECT; once it is written the connection ends with `closed`.
  void disconnect();

private:
  // Where an in-flight PUBLISH is on the current connection. Only one handed to the
  // transport can have been PUBACKed: a PUBACK for one still queued (a broker answering
  // what it never received) must not report it delivered.
  enum class wire : std::uint8_t { unsent, queued, handed_out };
  struct inflight_publish {
    std::uint16_t id;
    std::vector<std::uint8_t> bytes; // the encoded PUBLISH, re-sent with DUP set
    wire on_wire;
  };

  template <class P>
  std::error_code queue(const P& p);
  void queue_puback(std::uint16_t id);
  void send_subscribe();
  std::error_code on_connack(const connack& a, time_point now, session_event& ev);
  std::uint16_t allocate_id() noexcept;
  bool id_in_use(std::uint16_t id) const noexcept;
  bool ack_held(std::uint16_t id) const noexcept;
  time_point keep_alive_due() const noexcept;
  std::error_code fail(session_errc e);

  session_options opts_;
  decoder decoder_;
  session_state state_ = session_state::idle;
  std::uint32_t epoch_ = 0;
  std::vector<std::uint8_t> out_;     // queued, not yet handed to the transport
  std::vector<std::uint8_t> writing_; // handed out by begin_write()
  bool disconnect_in_out_ = false;     // DISCONNECT is in out_ / in writing_
  bool disconnect_in_writing_ = false;
  bool renewing_ = false;
  bool session_present_ = false;
  bool input_paused_ = false;

  std::vector<inflight_publish> inflight_;  // in send order
  std::vector<std::uint16_t> outstanding_;  // inbound QoS 1 ids held by the application
  std::vector<std::uint16_t> pending_acks_; // acknowledged while not connected
  std::vector<std::uint16_t> acks_in_out_;  // PUBACKs queued in out_ / in writing_: if the
  std::vector<std::uint16_t> acks_in_writing_; // connection drops first, they go out again
  std::vector<std::uint16_t> resent_acks_;  // PUBACKs re-sent after this connection's CONNACK
  std::uint16_t next_id_ = 1;
  std::uint16_t subscribe_id_ = 0;

  time_point last_sent_{};
  time_point last_received_{};
  std::optional<time_point> response_deadline_{}; // CONNACK or SUBACK
  std::optional<time_point> ping_deadline_{};
  std::optional<time_point> renew_at_{};
};

} // namespace hubwire::mqtt

#include <hubwire/mqtt/impl/session.hpp>

#endif
