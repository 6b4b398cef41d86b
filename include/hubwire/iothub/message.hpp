#ifndef HUBWIRE_IOTHUB_MESSAGE_HPP
#define HUBWIRE_IOTHUB_MESSAGE_HPP

// The cloud-to-device message as IoT Hub defines it, independent of the transport:
// an opaque body, the hub's system properties and the application's properties.
// MQTT (topic property bag), AMQP (properties, application-properties, annotations)
// and HTTPS (iothub-* headers) each map to and from this one model, so a message
// received over one transport compares equal to the same message over another, as far
// as that transport can carry it (docs/message-model.md lists the gaps).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hubwire::iothub {

using clock = std::chrono::system_clock;
using time_point = clock::time_point;

// Feedback the sender asks for (application property `iothub-ack`).
enum class ack { none, positive, negative, full };

constexpr std::string_view to_string(ack a) noexcept {
  switch (a) {
    case ack::positive: return "positive";
    case ack::negative: return "negative";
    case ack::full: return "full";
    case ack::none: break;
  }
  return "none";
}

// The wire values are lower case; the hub's documents never show another spelling
// for the wire, but the service SDKs' enum names are capitalised, so accept any case.
constexpr std::optional<ack> parse_ack(std::string_view s) noexcept {
  auto eq = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      char c = a[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != b[i]) return false;
    }
    return true;
  };
  for (ack a : {ack::none, ack::positive, ack::negative, ack::full})
    if (eq(s, to_string(a))) return a;
  return std::nullopt;
}

// An application property. MQTT's property bag distinguishes `key` (no value) from
// `key=` (empty value); `value` keeps that distinction, and the order is preserved.
struct property {
  std::string name;
  std::optional<std::string> value;
  friend bool operator==(const property&, const property&) = default;
};

struct c2d_message {
  std::string body; // opaque bytes

  // System properties the sender may set.
  std::optional<std::string> message_id;
  std::optional<std::string> correlation_id;
  std::optional<std::string> user_id;
  std::optional<std::string> content_type;
  std::optional<std::string> content_encoding;
  std::optional<time_point> expiry_time; // absolute-expiry-time
  ack ack_requested = ack::none;          // iothub-ack

  // System properties the hub sets.
  std::optional<std::string> to; // /devices/{id}/messages/devicebound
  std::optional<std::uint64_t> sequence_number;
  std::optional<time_point> enqueued_time;
  std::optional<std::uint32_t> delivery_count;
  std::optional<std::string> lock_token; // HTTPS ETag, AMQP delivery tag

  std::vector<property> properties; // application properties, in order

  // First property with this name (names are case-sensitive), or nullptr.
  const property* find_property(std::string_view name) const noexcept {
    for (const auto& p : properties)
      if (p.name == name) return &p;
    return nullptr;
  }

  friend bool operator==(const c2d_message&, const c2d_message&) = default;
};

} // namespace hubwire::iothub

#endif
