#ifndef HUBWIRE_AMQP_PERFORMATIVES_HPP
#define HUBWIRE_AMQP_PERFORMATIVES_HPP

// The nine AMQP performatives (part 2, 2.7) with every field, the specification's
// defaults and its mandatory fields; and their frames: a performative, then (transfer
// only) the payload. Values are views into the frame they were decoded from.

#include <hubwire/amqp/definitions.hpp>
#include <hubwire/amqp/frame.hpp>

#include <limits>

namespace hubwire::amqp {

inline constexpr std::uint32_t default_max_frame_size = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint16_t default_channel_max = std::numeric_limits<std::uint16_t>::max();
inline constexpr std::uint32_t default_handle_max = std::numeric_limits<std::uint32_t>::max();

struct open {
  static constexpr std::uint64_t descriptor = 0x10;
  static constexpr std::string_view name = "amqp:open:list";
  std::string_view container_id{};
  std::optional<std::string_view> hostname{};
  std::uint32_t max_frame_size = default_max_frame_size;
  std::uint16_t channel_max = default_channel_max;
  std::optional<std::uint32_t> idle_time_out{}; // milliseconds
  std::vector<symbol> outgoing_locales{};
  std::vector<symbol> incoming_locales{};
  std::vector<symbol> offered_capabilities{};
  std::vector<symbol> desired_capabilities{};
  value properties{};
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.req(s.container_id);
    v.opt(s.hostname);
    v.def(s.max_frame_size, default_max_frame_size);
    v.def(s.channel_max, default_channel_max);
    v.opt(s.idle_time_out);
    v.opt(s.outgoing_locales);
    v.opt(s.incoming_locales);
    v.opt(s.offered_capabilities);
    v.opt(s.desired_capabilities);
    v.opt(s.properties);
  }
  friend bool operator==(const open&, const open&) = default;
};

struct begin {
  static constexpr std::uint64_t descriptor = 0x11;
  static constexpr std::string_view name = "amqp:begin:list";
  std::optional<std::uint16_t> remote_channel{};
  std::uint32_t next_outgoing_id = 0;
  std::uint32_t incoming_window = 0;
  std::uint32_t outgoing_window = 0;
  std::uint32_t handle_max = default_handle_max;
  std::vector<symbol> offered_capabilities{};
  std::vector<symbol> desired_capabilities{};
  value properties{};
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.opt(s.remote_channel);
    v.req(s.next_outgoing_id);
    v.req(s.incoming_window);
    v.req(s.outgoing_window);
    v.def(s.handle_max, default_handle_max);
    v.opt(s.offered_capabilities);
    v.opt(s.desired_capabilities);
    v.opt(s.properties);
  }
  friend bool operator==(const begin&, const begin&) = default;
};

struct attach {
  static constexpr std::uint64_t descriptor = 0x12;
  static constexpr std::string_view name = "amqp:attach:list";
  std::string_view link_name{};
  std::uint32_t handle = 0;
  amqp::role role = amqp::role::sender;
  sender_settle_mode snd_settle_mode = sender_settle_mode::mixed;
  receiver_settle_mode rcv_settle_mode = receiver_settle_mode::first;
  std::optional<amqp::source> source{};
  std::optional<amqp::target> target{};
  value unsettled{}; // map of delivery-tag to delivery-state
  bool incomplete_unsettled = false;
  std::optional<std::uint32_t> initial_delivery_count{}; // mandatory for senders
  std::optional<std::uint64_t> max_message_size{};
  std::vector<symbol> offered_capabilities{};
  std::vector<symbol> desired_capabilities{};
  value properties{};
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.req(s.link_name);
    v.req(s.handle);
    v.req(s.role);
    v.def(s.snd_settle_mode, sender_settle_mode::mixed);
    v.def(s.rcv_settle_mode, receiver_settle_mode::first);
    v.opt(s.source);
    v.opt(s.target);
    v.opt(s.unsettled);
    v.def(s.incomplete_unsettled, false);
    v.opt(s.initial_delivery_count);
    v.opt(s.max_message_size);
    v.opt(s.offered_capabilities);
    v.opt(s.desired_capabilities);
    v.opt(s.properties);
  }
  friend bool operator==(const attach&, const attach&) = default;
};

struct flow {
  static constexpr std::uint64_t descriptor = 0x13;
  static constexpr std::string_view name = "amqp:flow:list";
  std::optional<std::uint32_t> next_incoming_id{};
  std::uint32_t incoming_window = 0;
  std::uint32_t next_outgoing_id = 0;
  std::uint32_t outgoing_window = 0;
  std::optional<std::uint32_t> handle{};
  std::optional<std::uint32_t> delivery_count{};
  std::optional<std::uint32_t> link_credit{};
  std::optional<std::uint32_t> available{};
  bool drain = false;
  bool echo = false;
  value properties{};
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.opt(s.next_incoming_id);
    v.req(s.incoming_window);
    v.req(s.next_outgoing_id);
    v.req(s.outgoing_window);
    v.opt(s.handle);
    v.opt(s.delivery_count);
    v.opt(s.link_credit);
    v.opt(s.available);
    v.def(s.drain, false);
    v.def(s.echo, false);
    v.opt(s.properties);
  }
  friend bool operator==(const flow&, const flow&) = default;
};

struct transfer {
  static constexpr std::uint64_t descriptor = 0x14;
  static constexpr std::string_view name = "amqp:transfer:list";
  std::uint32_t handle = 0;
  std::optional<std::uint32_t> delivery_id{};  // mandatory on a delivery's first transfer
  std::optional<binary> delivery_tag{};        // likewise
  std::optional<std::uint32_t> message_format{};
  std::optional<bool> settled{};
  bool more = false;
  std::optional<receiver_settle_mode> rcv_settle_mode{};
  std::optional<delivery_state> state{};
  bool resume = false;
  bool aborted = false;
  bool batchable = false;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.req(s.handle);
    v.opt(s.delivery_id);
    v.opt(s.delivery_tag);
    v.opt(s.message_format);
    v.opt(s.settled);
    v.def(s.more, false);
    v.opt(s.rcv_settle_mode);
    v.opt(s.state);
    v.def(s.resume, false);
    v.def(s.aborted, false);
    v.def(s.batchable, false);
  }
  friend bool operator==(const transfer&, const transfer&) = default;
};

struct disposition {
  static constexpr std::uint64_t descriptor = 0x15;
  static constexpr std::string_view name = "amqp:disposition:list";
  amqp::role role = amqp::role::sender;
  std::uint32_t first = 0;
  std::optional<std::uint32_t> last{};
  bool settled = false;
  std::optional<delivery_state> state{};
  bool batchable = false;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.req(s.role);
    v.req(s.first);
    v.opt(s.last);
    v.def(s.settled, false);
    v.opt(s.state);
    v.def(s.batchable, false);
  }
  friend bool operator==(const disposition&, const disposition&) = default;
};

struct detach {
  static constexpr std::uint64_t descriptor = 0x16;
  static constexpr std::string_view name = "amqp:detach:list";
  std::uint32_t handle = 0;
  bool closed = false;
  std::optional<amqp::error> error{};
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.req(s.handle);
    v.def(s.closed, false);
    v.opt(s.error);
  }
  friend bool operator==(const detach&, const detach&) = default;
};

struct end {
  static constexpr std::uint64_t descriptor = 0x17;
  static constexpr std::string_view name = "amqp:end:list";
  std::optional<amqp::error> error{};
  template <class S, class V>
  static void fields(S& s, V& v) { v.opt(s.error); }
  friend bool operator==(const end&, const end&) = default;
};

struct close {
  static constexpr std::uint64_t descriptor = 0x18;
  static constexpr std::string_view name = "amqp:close:list";
  std::optional<amqp::error> error{};
  template <class S, class V>
  static void fields(S& s, V& v) { v.opt(s.error); }
  friend bool operator==(const close&, const close&) = default;
};

using performative = std::variant<open, begin, attach, flow, transfer, disposition, detach, end, close>;

// Decodes the performative an AMQP frame body starts with. `payload` is what follows
// it: a transfer's message bytes; any other performative must have none.
inline std::error_code decode_performative(bytes_view body, performative& out, bytes_view& payload,
                                           const decode_limits& lim = {}) {
  std::error_code ec;
  if (body.empty()) return errc::empty_frame;
  value v{};
  const std::size_t used = detail::decode_shallow(body, v, ec, lim);
  if (ec) return ec;
  if (!detail::get_one_of(v, out, lim, ec, 0)) return ec;
  payload = body.subspan(used);
  if (!payload.empty() && !std::holds_alternative<transfer>(out)) return errc::trailing_bytes;
  return {};
}

inline void encode_performative(encoder& e, const performative& p) {
  std::visit([&](const auto& x) { detail::put_composite(e, x); }, p);
}

// Appends a whole AMQP frame: header, performative, payload.
inline void write_frame(std::vector<std::uint8_t>& out, std::uint16_t channel, const performative& p,
                        bytes_view payload = {}) {
  const std::size_t start = begin_frame(out, frame_type::amqp, channel);
  encoder e(out);
  encode_performative(e, p);
  out.insert(out.end(), payload.begin(), payload.end());
  end_frame(out, start);
}

} // namespace hubwire::amqp

#endif
