#ifndef HUBWIRE_AMQP_ENGINE_HPP
#define HUBWIRE_AMQP_ENGINE_HPP

// The AMQP 1.0 protocol engine (layer 2): one connection with its sessions and links,
// client or server, with or without SASL. Sans-I/O: it is fed the bytes that arrived
// and the current time, and answers with bytes to write and events; it never reads a
// clock or a socket, so every timer (heartbeats, the idle time-out) is tested under
// virtual time. One object per connection, used from one thread.
//
//   engine e({.role = endpoint_role::client, .container_id = "dev1", .hostname = host});
//   e.start(now);
//   auto s = e.begin_session();                    // may be called before the peer answers
//   auto l = e.attach(*s, {.name = "c2d", .role = role::receiver, .source = addr, .credit_window = 100});
//   for (;;) switch (auto a = e.resume(now); a.kind) {
//     case action::write: n = write(sock, a.bytes); e.consume(n); break;
//     case action::read:  n = read(sock, buf, a.deadline); e.put(buf.first(n), now); break;
//     case action::done:  return a.ec;
//   }
//   // and after each put(): while (e.poll(ev)) { ... e.dispose(ev.link, ev.delivery_id, outcome::accepted()); }
//
// Bounds: frames above our max-frame-size, sessions above limits.max_sessions, links
// above limits.max_links (per session), an unsettled window above
// limits.max_unsettled and messages above limits.max_message_size all end in an AMQP
// error sent to the peer and an error_code in an event, never in unbounded memory.
// Protocol violations close the connection (or end the session, or detach the link,
// as part 2 assigns them) with the condition symbol condition_of() gives.

#include <hubwire/amqp/engine_events.hpp>
#include <hubwire/amqp/performatives.hpp>
#include <hubwire/amqp/sasl.hpp>
#include <hubwire/amqp/serial.hpp>
#include <hubwire/core/result.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hubwire::amqp {

enum class endpoint_role : std::uint8_t { client, server };
enum class sasl_mechanism : std::uint8_t { none, anonymous, plain, external, mssbcbs };

constexpr std::string_view mechanism_name(sasl_mechanism m) noexcept {
  switch (m) {
    case sasl_mechanism::anonymous: return "ANONYMOUS";
    case sasl_mechanism::plain: return "PLAIN";
    case sasl_mechanism::external: return "EXTERNAL";
    case sasl_mechanism::mssbcbs: return "MSSBCBS"; // the Azure C SDK's "CBS will follow"
    case sasl_mechanism::none: break;
  }
  return {};
}

// Client side of SASL. `none` skips the SASL layer (the C# and Node IoT SDKs do, and
// authenticate through CBS afterwards).
struct sasl_client_config {
  sasl_mechanism mechanism = sasl_mechanism::none;
  std::string authzid{};  // PLAIN, EXTERNAL: the authorization identity (usually empty)
  std::string username{}; // PLAIN: authcid, e.g. "{device}@sas.{hub}"
  std::string password{}; // PLAIN: e.g. a SAS token
};

// What a SASL client asked for, given to the server's validation callback.
struct sasl_request {
  std::string_view mechanism{};
  bytes_view response{};      // the initial response (PLAIN: authzid NUL authcid NUL password)
  std::string_view hostname{};
};

// Server side of SASL. An empty mechanism list means no SASL layer is offered.
struct sasl_server_config {
  std::vector<std::string> mechanisms{};
  bool required = true; // false: a client may skip SASL and send the AMQP header directly
  // Returns the outcome code; may set `identity` (reported in the sasl_done event).
  // Without a callback every offered mechanism is accepted.
  std::function<sasl_code(const sasl_request&, std::string& identity)> validate{};
};

struct engine_limits {
  std::uint16_t max_sessions = 16;
  std::uint32_t max_links = 64;           // per session; announced as handle-max
  std::uint32_t max_unsettled = 4096;     // per session and direction: the span of delivery-ids
                                          // from the oldest unsettled delivery to the newest
  std::size_t max_message_size = 256 * 1024; // reassembly limit (IoT Hub's message size)
};

struct session_config {
  std::uint32_t incoming_window = 2048;    // transfer frames the peer may send ahead
  std::uint32_t outgoing_window = 0x7fffffff;
  std::uint32_t next_outgoing_id = 0;      // first transfer-id (any value; ids wrap)
  // Reopen the incoming window by itself when half of it is used. Off: the user
  // reopens it with engine::window(), e.g. when it has room for more messages.
  bool auto_window = true;
};

struct connection_config {
  endpoint_role role = endpoint_role::client;
  std::string container_id{};
  std::string hostname{};                 // client: open and sasl-init hostname
  std::uint32_t max_frame_size = 64 * 1024; // the largest frame we accept
  std::uint16_t channel_max = 255;
  std::uint32_t idle_time_out = 0;        // ms; 0: we do not require traffic
  sasl_client_config sasl_client{};
  sasl_server_config sasl_server{};
  session_config session{};               // for sessions the peer begins
  engine_limits limits{};
};

struct link_config {
  std::string name{};
  amqp::role role = amqp::role::sender;   // our role
  std::string source{};                   // address; empty: null
  std::string target{};
  sender_settle_mode snd_settle_mode = sender_settle_mode::mixed;
  receiver_settle_mode rcv_settle_mode = receiver_settle_mode::first;
  std::uint32_t initial_credit = 0;       // receiver: granted with the attach
  std::uint32_t credit_window = 0;        // receiver: keep credit topped up to this (0: manual)
  bool auto_settle = true;                // sender: settle when the receiver reports an outcome
  std::uint64_t max_message_size = 0;     // announced; 0: none
  std::uint32_t initial_delivery_count = 0; // sender: first delivery-count (any value; wraps)
};

// What a link looks like now; for a link the peer attached, what it asked for.
struct link_info {
  std::string name{};
  amqp::role role = amqp::role::sender;   // ours
  std::string source{};
  std::string target{};
  sender_settle_mode snd_settle_mode = sender_settle_mode::mixed;
  receiver_settle_mode rcv_settle_mode = receiver_settle_mode::first;
  std::uint32_t credit = 0;
  std::uint32_t delivery_count = 0;
  bool attached = false;                  // both attaches exchanged, no detach yet
  session_id session = no_id;
};

// One step for the I/O loop (layer 3): write these bytes, or read (until `deadline`,
// when the engine has a timer), or stop.
struct action {
  enum kind_t : std::uint8_t { write, read, done };
  kind_t kind = read;
  bytes_view bytes{};
  std::optional<std::chrono::steady_clock::time_point> deadline{};
  std::error_code ec{};
};

class engine {
public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  explicit engine(connection_config cfg);
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  // Writes the first protocol header (client) or waits for the peer's (server).
  void start(time_point now);

  // Bytes that arrived. Returns how many were used: all of them, unless the
  // connection ended (then the rest is of no interest).
  std::size_t put(bytes_view in, time_point now);
  // Time passed: sends heartbeats, enforces our idle time-out.
  void tick(time_point now);
  // When tick() has something to do next, if ever.
  std::optional<time_point> deadline() const noexcept;

  // Bytes to write, and how many were written.
  bytes_view output();
  void consume(std::size_t n) noexcept;

  // The next event, if any.
  bool poll(event& out);

  // The I/O loop's step: tick(now), then write, read or done.
  action resume(time_point now);

  bool done() const noexcept { return phase_ == phase::done && out_pos_ == out_.size(); }
  // Why the connection ended (none: a clean close).
  std::error_code error() const noexcept { return final_ec_; }

  // --- operations --------------------------------------------------------------
  core::result<session_id> begin_session(session_config cfg = {});
  std::error_code end_session(session_id s, std::optional<error_info> err = std::nullopt);
  core::result<link_id> attach(session_id s, link_config cfg);
  std::error_code detach(link_id l, bool closed = true, std::optional<error_info> err = std::nullopt);
  // Sets the session's incoming window (transfer frames the peer may send) and says so.
  std::error_code window(session_id s, std::uint32_t incoming_window);
  // Receiver: grant `credit` (replacing what is left), optionally asking to drain.
  std::error_code flow(link_id l, std::uint32_t credit, bool drain = false, bool echo = false);
  // Sender: the receiver asked to drain and we have nothing more: use up the credit.
  std::error_code drained(link_id l);
  // Sender: sends one message; returns its delivery-id. `settled` is honoured in
  // mixed mode; the link's snd-settle-mode decides otherwise.
  core::result<std::uint32_t> send(link_id l, bytes_view tag, bytes_view payload, bool settled = false,
                                   std::uint32_t message_format = 0);
  // Receiver: the outcome of a received delivery; settles it unless rcv-settle-mode
  // is second (then it settles when the sender does).
  std::error_code dispose(link_id l, std::uint32_t delivery_id, const outcome& o, bool settle = true);
  // Sender: settles a delivery (rcv-settle-mode second, or without auto_settle).
  std::error_code settle(link_id l, std::uint32_t delivery_id, const outcome& o = {});
  // Closes the connection (with an error, if given).
  void close(std::optional<error_info> err = std::nullopt);

  std::optional<link_info> info(link_id l) const;
  std::uint32_t credit(link_id l) const noexcept;
  bool opened() const noexcept { return remote_open_; }
  std::uint32_t remote_max_frame_size() const noexcept { return remote_max_frame_; }
  std::uint32_t remote_idle_time_out() const noexcept { return remote_idle_; }
  std::string_view remote_container_id() const noexcept { return remote_container_; }
  const connection_config& config() const noexcept { return cfg_; }

private:
  enum class phase : std::uint8_t {
    init, expect_header, expect_sasl_header, sasl, expect_amqp_header, frames, closing, done
  };
  struct tag_bytes {
    std::array<std::uint8_t, 32> b{};
    std::uint8_t n = 0;
    bytes_view view() const noexcept { return {b.data(), n}; }
  };
  struct delivery_rec {
    bool live = false;
    bool disposed = false;   // receiver, rcv-settle second: our outcome went out unsettled
    link_id link = no_id;
    tag_bytes tag{};
  };
  // Unsettled deliveries of one direction of a session, by delivery-id, in a ring:
  // ids are consecutive, so lookup is an index, and the bound is the id span.
  struct unsettled_ring {
    std::vector<delivery_rec> slots;
    std::uint32_t base = 0;  // id of the oldest slot
    std::uint32_t span = 0;  // ids base .. base+span-1 have slots
    std::uint32_t live = 0;
    std::size_t head = 0;
    delivery_rec* find(std::uint32_t id) noexcept;
    delivery_rec* insert(std::uint32_t id, std::uint32_t capacity);
    void erase(delivery_rec& r) noexcept;
  };
  struct link_state {
    bool in_use = false;
    session_id session = no_id;
    std::uint32_t handle = 0;
    std::uint32_t remote_handle = 0;
    bool local_attached = false, remote_attached = false;
    bool local_detached = false, remote_detached = false;
    bool attach_written = false;
    link_config cfg{};
    receiver_settle_mode rcv_mode = receiver_settle_mode::first; // as agreed
    sender_settle_mode snd_mode = sender_settle_mode::mixed;
    std::uint32_t delivery_count = 0;
    std::uint32_t initial_delivery_count = 0;
    bool delivery_count_known = false; // receiver: the sender's attach arrived
    std::uint32_t credit = 0;
    std::uint32_t available = 0;
    bool drain = false;
    std::uint64_t remote_max_message_size = 0;
    // receiver: the delivery being reassembled
    bool in_delivery = false;
    bool delivery_settled = false;
    std::uint32_t cur_id = 0;
    std::uint32_t cur_format = 0;
    tag_bytes cur_tag{};
    std::vector<std::uint8_t> partial;
  };
  struct stalled_delivery {      // a delivery the session window cut short
    link_id link = no_id;
    std::uint32_t id = 0;
    bool settled = false;
    bool first = true;           // no frame of it went out yet
    std::uint32_t format = 0;
    tag_bytes tag{};
    std::vector<std::uint8_t> rest;
  };
  struct session_state {
    bool in_use = false;
    bool begin_written = false;
    bool local_ended = false, remote_begun = false, remote_ended = false;
    std::uint16_t remote_channel = 0;
    session_config cfg{};
    std::uint32_t next_outgoing_id = 0;
    std::uint32_t initial_outgoing_id = 0;
    std::uint32_t next_incoming_id = 0;
    std::uint32_t incoming_window = 0;
    std::uint32_t remote_incoming_window = 0;
    std::uint32_t remote_outgoing_window = 0;
    std::uint32_t remote_handle_max = default_handle_max;
    std::uint32_t next_delivery_id = 0;     // ours, outgoing
    bool have_incoming_delivery = false;
    std::uint32_t next_incoming_delivery = 0; // expected from the peer
    std::vector<link_id> by_handle;          // local handle -> link
    std::vector<link_id> by_remote_handle;   // remote handle -> link
    unsettled_ring out_unsettled, in_unsettled;
    std::optional<stalled_delivery> stalled;
  };
  struct pending_disposition {
    bool active = false;
    std::uint16_t channel = 0;
    amqp::role role = amqp::role::receiver;
    std::uint32_t first = 0, last = 0;
    bool settled = false;
    outcome_kind kind = outcome_kind::none;
  };

  // input
  void on_header(const protocol_header& h);
  void on_sasl_frame(const frame& f);
  void on_frame(const frame& f);
  void on_open(const amqp::open& p);
  void on_begin(std::uint16_t ch, const amqp::begin& p);
  void on_end(session_state& s, session_id sid, const amqp::end& p);
  void on_attach(session_state& s, session_id sid, const amqp::attach& p);
  void on_flow(session_state& s, session_id sid, const amqp::flow& p);
  void on_transfer(session_state& s, session_id sid, const amqp::transfer& p, bytes_view payload);
  void on_disposition(session_state& s, session_id sid, const amqp::disposition& p);
  void on_detach(session_state& s, session_id sid, const amqp::detach& p);
  void on_close(const amqp::close& p);
  void finish_delivery(link_state& l, link_id lid, session_state& s);

  // errors found in the peer's frames
  void connection_error(engine_errc e, std::string_view description);
  void session_error(session_id sid, engine_errc e, std::string_view description);
  void link_error(link_id lid, engine_errc e, std::string_view description);
  void fail(std::error_code ec); // no close frame: before the AMQP layer is up

  // output
  void write_header(protocol_id id);
  void write_open();
  template <class P>
  void write(std::uint16_t channel, const P& p);
  void write_begin(session_id sid);
  void write_attach(link_id lid);
  void write_flow(session_state& s, session_id sid, link_state* l, bool echo = false);
  void write_session_flow_if_needed(session_state& s, session_id sid);
  void write_transfers(session_state& s, session_id sid, link_state& l, link_id lid, std::uint32_t id,
                       bytes_view tag, bytes_view payload, bool settled, std::uint32_t format, bool first);
  void queue_disposition(std::uint16_t channel, amqp::role r, std::uint32_t id, bool settled, const outcome& o);
  void flush_disposition();
  void write_deferred();
  void resume_stalled(session_state& s, session_id sid);
  void emit(event&& e) { events_.push_back(std::move(e)); }

  link_state* link_at(link_id l) noexcept;
  const link_state* link_at(link_id l) const noexcept;
  session_state* session_at(session_id s) noexcept;
  void free_link(link_id l);
  void free_session(session_id s);
  void maybe_free_link(link_id l);
  void maybe_free_session(session_id s);
  std::uint32_t out_max_frame() const noexcept { return remote_open_ ? remote_max_frame_ : min_max_frame_size; }

  connection_config cfg_;
  phase phase_ = phase::init;
  std::array<std::uint8_t, 8> hdr_{};
  std::size_t hdr_have_ = 0;
  bool sasl_init_seen_ = false;
  bool closed_reported_ = false;
  frame_reader reader_;
  std::vector<std::uint8_t> out_;
  std::size_t out_pos_ = 0;
  std::deque<event> events_;
  pending_disposition pending_{};

  bool open_written_ = false, remote_open_ = false;
  bool close_written_ = false, remote_close_ = false;
  std::uint32_t remote_max_frame_ = min_max_frame_size;
  std::uint16_t remote_channel_max_ = default_channel_max;
  std::uint32_t remote_idle_ = 0;
  std::string remote_container_;
  std::error_code final_ec_{};

  time_point now_{};
  time_point last_in_{};
  time_point last_out_{};

  std::vector<session_state> sessions_;            // by local channel
  std::vector<std::uint16_t> by_remote_channel_;   // remote channel -> local + 1 (0: none)
  std::vector<link_state> links_;
  std::vector<std::uint8_t> scratch_;
};

} // namespace hubwire::amqp

#include <hubwire/amqp/impl/engine.hpp>

#endif
