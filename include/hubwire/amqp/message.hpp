#ifndef HUBWIRE_AMQP_MESSAGE_HPP
#define HUBWIRE_AMQP_MESSAGE_HPP

// The AMQP message format (part 3, 3.2): header, delivery-annotations,
// message-annotations, properties, application-properties, body (data sections, or
// amqp-sequence sections, or one amqp-value), footer; each optional, in that order.
// A decoded message is views into the transfer payload it came from.
//
// A message may span several transfer frames (`more` set on all but the last);
// payload_assembler joins their payloads, without copying when there is only one.

#include <hubwire/amqp/definitions.hpp>

namespace hubwire::amqp {

struct message_header {
  bool durable = false;
  std::uint8_t priority = 4;
  std::optional<std::uint32_t> ttl{}; // milliseconds
  bool first_acquirer = false;
  std::uint32_t delivery_count = 0;
  HUBWIRE_AMQP_COMPOSITE(message_header, 0x70, "amqp:header:list",
                         s.durable, s.priority, s.ttl, s.first_acquirer, s.delivery_count);
};

// message-id and correlation-id: ulong, uuid, binary or string.
using message_id = std::variant<std::uint64_t, uuid, binary, std::string_view>;

struct message_properties {
  std::optional<amqp::message_id> message_id{};
  std::optional<binary> user_id{};
  std::optional<std::string_view> to{};
  std::optional<std::string_view> subject{};
  std::optional<std::string_view> reply_to{};
  std::optional<amqp::message_id> correlation_id{};
  std::optional<symbol> content_type{};
  std::optional<symbol> content_encoding{};
  std::optional<timestamp> absolute_expiry_time{};
  std::optional<timestamp> creation_time{};
  std::optional<std::string_view> group_id{};
  std::optional<std::uint32_t> group_sequence{};
  std::optional<std::string_view> reply_to_group_id{};
  HUBWIRE_AMQP_COMPOSITE(message_properties, 0x73, "amqp:properties:list",
                         s.message_id, s.user_id, s.to, s.subject, s.reply_to, s.correlation_id, s.content_type,
                         s.content_encoding, s.absolute_expiry_time, s.creation_time, s.group_id, s.group_sequence,
                         s.reply_to_group_id);
};

// Section descriptors (part 3, 3.2.*), in the order sections must appear.
namespace section {
inline constexpr std::uint64_t header = 0x70;
inline constexpr std::uint64_t delivery_annotations = 0x71;
inline constexpr std::uint64_t message_annotations = 0x72;
inline constexpr std::uint64_t properties = 0x73;
inline constexpr std::uint64_t application_properties = 0x74;
inline constexpr std::uint64_t data = 0x75;
inline constexpr std::uint64_t amqp_sequence = 0x76;
inline constexpr std::uint64_t amqp_value = 0x77;
inline constexpr std::uint64_t footer = 0x78;
} // namespace section

enum class body_kind : std::uint8_t { none, data, sequence, value };

// The body sections as they were encoded, walked with next(): for data sections a
// binary value, for amqp-sequence a list, for amqp-value the value.
struct message_body {
  body_kind kind = body_kind::none;
  bytes_view sections; // encoded described sections, back to back
  std::uint32_t count = 0;

  class reader {
  public:
    explicit reader(const message_body& b) noexcept : in_(b.sections), left_(b.count) {}
    bool next(value& out) noexcept {
      if (left_ == 0) return false;
      --left_;
      value s;
      in_ = in_.subspan(detail::decode_trusted(in_, s));
      out = s.described_value();
      return true;
    }

  private:
    bytes_view in_;
    std::uint32_t left_;
  };

  // The payload when the body is exactly one data section, the common C2D case.
  std::optional<bytes_view> single_data() const noexcept {
    if (kind != body_kind::data || count != 1) return std::nullopt;
    value v;
    reader(*this).next(v);
    return v.bytes();
  }

  friend bool operator==(const message_body& a, const message_body& b) noexcept {
    if (a.kind != b.kind || a.count != b.count) return false;
    reader ra(a), rb(b);
    value x, y;
    while (ra.next(x) && rb.next(y))
      if (!(x == y)) return false;
    return true;
  }
};

struct message {
  std::optional<message_header> header{};
  value delivery_annotations{};   // map keyed by symbol or ulong, or null
  value message_annotations{};    // likewise
  std::optional<message_properties> properties{};
  value application_properties{}; // map of string to simple values, or null
  message_body body;
  value footer{};                 // annotations map, or null
  friend bool operator==(const message&, const message&) = default;
};

// Decodes a whole message (all transfer payloads of one delivery, joined). Every part
// of `out` is assigned, so one message can be decoded into again and again (cheaper
// than a fresh one each time); after an error `out` is unspecified until the next decode.
std::error_code decode_message(bytes_view in, message& out, const decode_limits& lim = {});

// The bytes encode_message writes for `m`: its sections, each re-encoded compactly.
std::size_t encoded_size(const message& m) noexcept;

// Writes the message's sections to the front of `out` and returns their size. When
// `out` is shorter, ec is buffer_too_small, nothing is written and the size needed is
// returned, so the caller can retry with that much room.
std::size_t encode_message(const message& m, core::mutable_bytes out, std::error_code& ec) noexcept;

// Appends the same bytes to a vector (growing it once).
void encode_message(std::vector<std::uint8_t>& out, const message& m);

// Builders for the sections a sender fills in: each encodes into `storage` (which must
// outlive the message and must not be reused for anything else) and returns the view.
message_body make_data_body(std::vector<std::uint8_t>& storage, bytes_view payload);
message_body make_value_body(std::vector<std::uint8_t>& storage, const value& v);

// Runs `write(encoder&)`, which must write exactly one value, and returns it as a view
// into `storage`: how callers build annotation and application-property maps.
template <class Write>
value build_value(std::vector<std::uint8_t>& storage, Write&& write) {
  storage.clear();
  encoder e(storage);
  write(e);
  value v{};
  std::error_code ec;
  decode_value(storage, v, ec, detail::no_limits());
  return v;
}

// Joins the payloads of one delivery's transfers. put() takes each transfer's payload
// and `more` flag; it reports need_more until the last one, then payload() is the
// whole message: a view of the only payload when there was one transfer (no copy),
// else of the joined copy. An aborted transfer discards the delivery.
class payload_assembler {
public:
  static constexpr std::size_t default_max_message_size = 256 * 1024; // IoT Hub's limit

  explicit payload_assembler(std::size_t max_message_size = default_max_message_size) noexcept
      : max_(max_message_size) {}


  // `more` and `aborted` as the transfer carried them.
  void put(bytes_view payload, bool more, bool aborted, std::error_code& ec);
  bytes_view payload() const noexcept { return whole_; }
  void reset() noexcept {
    joined_.clear();
    whole_ = {};
    in_progress_ = false;
  }

private:
  std::size_t max_;
  std::vector<std::uint8_t> joined_;
  bytes_view whole_{};
  bool in_progress_ = false;
};

} // namespace hubwire::amqp

#include <hubwire/amqp/impl/message.hpp>

#endif
