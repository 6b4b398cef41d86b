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
  HUBWIRE_AMQP_COMPOSITE(open, 0x10, "amqp:open:list",
                         mandatory(s.container_id), s.hostname, s.max_frame_size, s.channel_max, s.idle_time_out,
                         s.outgoing_locales, s.incoming_locales, s.offered_capabilities, s.desired_capabilities,
                         s.properties);
};

struct begin {
  std::optional<std::uint16_t> remote_channel{};
  std::uint32_t next_outgoing_id = 0;
  std::uint32_t incoming_window = 0;
  std::uint32_t outgoing_window = 0;
  std::uint32_t handle_max = default_handle_max;
  std::vector<symbol> offered_capabilities{};
  std::vector<symbol> desired_capabilities{};
  value properties{};
  HUBWIRE_AMQP_COMPOSITE(begin, 0x11, "amqp:begin:list",
                         s.remote_channel, mandatory(s.next_outgoing_id), mandatory(s.incoming_window),
                         mandatory(s.outgoing_window), s.handle_max, s.offered_capabilities, s.desired_capabilities,
                         s.properties);
};

struct attach {
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
  HUBWIRE_AMQP_COMPOSITE(attach, 0x12, "amqp:attach:list",
                         mandatory(s.link_name), mandatory(s.handle), mandatory(s.role), s.snd_settle_mode,
                         s.rcv_settle_mode, s.source, s.target, s.unsettled, s.incomplete_unsettled,
                         s.initial_delivery_count, s.max_message_size, s.offered_capabilities,
                         s.desired_capabilities, s.properties);
};

struct flow {
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
  HUBWIRE_AMQP_COMPOSITE(flow, 0x13, "amqp:flow:list",
                         s.next_incoming_id, mandatory(s.incoming_window), mandatory(s.next_outgoing_id),
                         mandatory(s.outgoing_window), s.handle, s.delivery_count, s.link_credit, s.available,
                         s.drain, s.echo, s.properties);
};

struct transfer {
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
  HUBWIRE_AMQP_COMPOSITE(transfer, 0x14, "amqp:transfer:list",
                         mandatory(s.handle), s.delivery_id, s.delivery_tag, s.message_format, s.settled, s.more,
                         s.rcv_settle_mode, s.state, s.resume, s.aborted, s.batchable);
};

struct disposition {
  amqp::role role = amqp::role::sender;
  std::uint32_t first = 0;
  std::optional<std::uint32_t> last{};
  bool settled = false;
  std::optional<delivery_state> state{};
  bool batchable = false;
  HUBWIRE_AMQP_COMPOSITE(disposition, 0x15, "amqp:disposition:list",
                         mandatory(s.role), mandatory(s.first), s.last, s.settled, s.state, s.batchable);
};

struct detach {
  std::uint32_t handle = 0;
  bool closed = false;
  std::optional<amqp::error> error{};
  HUBWIRE_AMQP_COMPOSITE(detach, 0x16, "amqp:detach:list", mandatory(s.handle), s.closed, s.error);
};

struct end {
  std::optional<amqp::error> error{};
  HUBWIRE_AMQP_COMPOSITE(end, 0x17, "amqp:end:list", s.error);
};

struct close {
  std::optional<amqp::error> error{};
  HUBWIRE_AMQP_COMPOSITE(close, 0x18, "amqp:close:list", s.error);
};

using performative = std::variant<open, begin, attach, flow, transfer, disposition, detach, end, close>;

// Decodes the performative an AMQP frame body starts with. `payload` is what follows
// it: a transfer's message bytes; any other performative must have none.
inline std::error_code decode_performative(bytes_view body, performative& out, bytes_view& payload,
                                           const decode_limits& lim = {}) {
  std::error_code ec;
  const std::size_t used = detail::decode_body(body, out, lim, ec);
  if (ec) return ec;
  payload = body.subspan(used);
  if (!payload.empty() && !std::holds_alternative<transfer>(out)) return errc::trailing_bytes;
  return {};
}

inline void encode_performative(encoder& e, const performative& p) { detail::encode_one_of(e, p); }

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
