#ifndef HUBWIRE_MQTT_PACKET_HPP
#define HUBWIRE_MQTT_PACKET_HPP

// The fourteen MQTT 3.1.1 control packets as plain values, one struct each. Strings,
// payloads and passwords are views: into the caller's buffer after decoding, into the
// caller's data before encoding, so neither direction copies a payload. Binary fields
// (payload, password, will message) are std::string_view too, holding arbitrary bytes.
// `packet` is a variant whose index + 1 is the packet type on the wire.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

namespace hubwire::mqtt {

enum class packet_type : std::uint8_t {
  connect = 1, connack, publish, puback, pubrec, pubrel, pubcomp,
  subscribe, suback, unsubscribe, unsuback, pingreq, pingresp, disconnect,
};

enum class qos : std::uint8_t { at_most_once = 0, at_least_once = 1, exactly_once = 2 };

// The largest remaining length four bytes can carry (2.2.3).
inline constexpr std::size_t max_remaining_length = 268'435'455;
// IoT Hub's 256 KiB message limit plus the longest fixed header (1 + 4 bytes): the
// decoder's default, which the user may lower.
inline constexpr std::size_t default_max_packet_size = 256 * 1024 + 5;
inline constexpr std::size_t max_string_length = 65535;

struct will_message {
  std::string_view topic{};
  std::string_view message{}; // binary
  mqtt::qos qos = mqtt::qos::at_most_once;
  bool retain = false;
  friend bool operator==(const will_message&, const will_message&) = default;
};

struct connect {
  std::string_view client_id{};
  bool clean_session = true;
  std::uint16_t keep_alive = 0; // seconds, 0 = off
  std::optional<will_message> will{};
  std::optional<std::string_view> username{};
  std::optional<std::string_view> password{}; // binary; needs a username (MQTT-3.1.2-22)
  friend bool operator==(const connect&, const connect&) = default;
};

enum class connect_return_code : std::uint8_t {
  accepted = 0,
  unacceptable_protocol_version = 1,
  identifier_rejected = 2,
  server_unavailable = 3,
  bad_username_or_password = 4,
  not_authorized = 5,
};

struct connack {
  bool session_present = false;
  connect_return_code code = connect_return_code::accepted;
  friend bool operator==(const connack&, const connack&) = default;
};

struct publish {
  std::string_view topic{};
  std::string_view payload{}; // binary
  mqtt::qos qos = mqtt::qos::at_most_once;
  bool dup = false;
  bool retain = false;
  std::uint16_t packet_id = 0; // on the wire only for QoS 1 and 2
  friend bool operator==(const publish&, const publish&) = default;
};

// The four acknowledgements that carry only a packet identifier.
struct puback { std::uint16_t packet_id = 0; friend bool operator==(const puback&, const puback&) = default; };
struct pubrec { std::uint16_t packet_id = 0; friend bool operator==(const pubrec&, const pubrec&) = default; };
struct pubrel { std::uint16_t packet_id = 0; friend bool operator==(const pubrel&, const pubrel&) = default; };
struct pubcomp { std::uint16_t packet_id = 0; friend bool operator==(const pubcomp&, const pubcomp&) = default; };

struct subscription {
  std::string_view filter{};
  mqtt::qos max_qos = mqtt::qos::at_most_once;
  friend bool operator==(const subscription&, const subscription&) = default;
};

// The list types allocate (a vector each); they are not on the message path.
struct subscribe {
  std::uint16_t packet_id = 0;
  std::vector<subscription> subscriptions{};
  friend bool operator==(const subscribe&, const subscribe&) = default;
};

enum class suback_code : std::uint8_t { granted_qos0 = 0x00, granted_qos1 = 0x01, granted_qos2 = 0x02, failure = 0x80 };

struct suback {
  std::uint16_t packet_id = 0;
  std::vector<suback_code> codes{}; // one per filter of the SUBSCRIBE, in order
  friend bool operator==(const suback&, const suback&) = default;
};

struct unsubscribe {
  std::uint16_t packet_id = 0;
  std::vector<std::string_view> filters{};
  friend bool operator==(const unsubscribe&, const unsubscribe&) = default;
};

struct unsuback { std::uint16_t packet_id = 0; friend bool operator==(const unsuback&, const unsuback&) = default; };
struct pingreq { friend bool operator==(const pingreq&, const pingreq&) = default; };
struct pingresp { friend bool operator==(const pingresp&, const pingresp&) = default; };
struct disconnect { friend bool operator==(const disconnect&, const disconnect&) = default; };

using packet = std::variant<connect, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback,
                            unsubscribe, unsuback, pingreq, pingresp, disconnect>;

constexpr packet_type type_of(const packet& p) noexcept { return static_cast<packet_type>(p.index() + 1); }

// Which side sends a packet type (2.2.1): PUBLISH and its acknowledgements go both ways.
enum class role { client, server };

constexpr bool is_sent_by(packet_type t, role sender) noexcept {
  switch (t) {
    case packet_type::connect:
    case packet_type::subscribe:
    case packet_type::unsubscribe:
    case packet_type::pingreq:
    case packet_type::disconnect: return sender == role::client;
    case packet_type::connack:
    case packet_type::suback:
    case packet_type::unsuback:
    case packet_type::pingresp: return sender == role::server;
    default: return true;
  }
}

} // namespace hubwire::mqtt

#endif
