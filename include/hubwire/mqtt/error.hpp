#ifndef HUBWIRE_MQTT_ERROR_HPP
#define HUBWIRE_MQTT_ERROR_HPP

// Errors of the MQTT 3.1.1 codec. Every rule of the OASIS text the codec enforces has its
// own value (the normative statement is cited), so a log line says which rule the peer
// broke. The encoder reports the same values for what it refuses to write.

#include <hubwire/core/error.hpp>

namespace hubwire::mqtt {

enum class errc {
  need_more = 1,                // not an error: the packet is incomplete
  reserved_packet_type,         // control packet type 0 or 15 (2.2.1)
  unexpected_packet_type,       // a packet the peer's role never sends (2.2.1 "direction of flow")
  bad_fixed_header_flags,       // flag bits other than those of table 2.2 (MQTT-2.2.2-1, -2)
  malformed_remaining_length,   // continuation bit set on the fourth length byte (2.2.3)
  non_minimal_remaining_length, // remaining length not in its shortest form
  packet_too_large,             // larger than the configured maximum packet size
  truncated_packet,             // a field runs past the remaining length
  trailing_bytes,               // bytes left after the packet's last field
  bad_utf8,                     // ill-formed UTF-8 or a surrogate (MQTT-1.5.3-1)
  utf8_null_character,          // U+0000 in a string (MQTT-1.5.3-2)
  string_too_long,              // over 65535 bytes (1.5.3)
  bad_protocol_name,            // CONNECT protocol name is not "MQTT" (MQTT-3.1.2-1)
  bad_protocol_level,           // CONNECT protocol level is not 4 (MQTT-3.1.2-2)
  connect_reserved_flag,        // CONNECT flags bit 0 set (MQTT-3.1.2-3)
  bad_will_flags,               // will QoS/retain without will flag, or will QoS 3 (MQTT-3.1.2-11, -13, -14, -15)
  password_without_username,    // password flag without user name flag (MQTT-3.1.2-22)
  bad_connack_flags,            // CONNACK acknowledge flags bits 7-1 set (MQTT-3.2.2-1)
  bad_connack_return_code,      // CONNACK return code above 5 (3.2.2.3)
  session_present_on_refusal,   // session present with a non-zero return code (MQTT-3.2.2-4)
  zero_packet_identifier,       // packet identifier 0 where one is required (MQTT-2.3.1-1)
  bad_qos,                      // QoS 3 in PUBLISH or in a SUBSCRIBE request (MQTT-3.3.1-4, MQTT-3-8.3-4)
  dup_on_qos0,                  // DUP set on a QoS 0 PUBLISH (MQTT-3.3.1-2)
  empty_topic,                  // zero-length topic name or filter (MQTT-4.7.3-1)
  wildcard_in_topic_name,       // '+' or '#' in a topic name (MQTT-3.3.2-2)
  bad_topic_filter,             // '#' not last or not a whole level, '+' not a whole level (4.7.1)
  subscribe_reserved_bits,      // requested QoS byte bits 7-2 set (MQTT-3-8.3-4)
  empty_subscription_list,      // SUBSCRIBE, UNSUBSCRIBE or SUBACK without entries (MQTT-3.8.3-3, MQTT-3.10.3-2)
  bad_suback_return_code,       // not 0x00, 0x01, 0x02 or 0x80 (MQTT-3.9.3-2)
  buffer_too_small,             // encode: the output buffer is shorter than the packet
};

constexpr const char* category_name(errc) noexcept { return "hubwire.mqtt"; }

inline const char* describe(errc e) noexcept {
  switch (e) {
    case errc::need_more: return "mqtt: need more input";
    case errc::reserved_packet_type: return "mqtt: reserved control packet type (0 or 15)";
    case errc::unexpected_packet_type: return "mqtt: packet type not sent in this direction";
    case errc::bad_fixed_header_flags: return "mqtt: invalid fixed header flag bits";
    case errc::malformed_remaining_length: return "mqtt: remaining length longer than four bytes";
    case errc::non_minimal_remaining_length: return "mqtt: remaining length not minimally encoded";
    case errc::packet_too_large: return "mqtt: packet exceeds the maximum packet size";
    case errc::truncated_packet: return "mqtt: field runs past the end of the packet";
    case errc::trailing_bytes: return "mqtt: unexpected bytes after the packet's fields";
    case errc::bad_utf8: return "mqtt: string is not well-formed UTF-8";
    case errc::utf8_null_character: return "mqtt: string contains U+0000";
    case errc::string_too_long: return "mqtt: string longer than 65535 bytes";
    case errc::bad_protocol_name: return "mqtt: CONNECT protocol name is not \"MQTT\"";
    case errc::bad_protocol_level: return "mqtt: CONNECT protocol level is not 4 (3.1.1)";
    case errc::connect_reserved_flag: return "mqtt: CONNECT reserved flag is set";
    case errc::bad_will_flags: return "mqtt: will QoS/retain inconsistent with the will flag";
    case errc::password_without_username: return "mqtt: password flag set without user name flag";
    case errc::bad_connack_flags: return "mqtt: CONNACK reserved flag bits set";
    case errc::bad_connack_return_code: return "mqtt: CONNACK return code out of range";
    case errc::session_present_on_refusal: return "mqtt: CONNACK session present with a refusal code";
    case errc::zero_packet_identifier: return "mqtt: packet identifier is zero";
    case errc::bad_qos: return "mqtt: QoS 3 is not a valid QoS";
    case errc::dup_on_qos0: return "mqtt: DUP flag set on a QoS 0 PUBLISH";
    case errc::empty_topic: return "mqtt: empty topic name or filter";
    case errc::wildcard_in_topic_name: return "mqtt: wildcard character in a topic name";
    case errc::bad_topic_filter: return "mqtt: misplaced wildcard in a topic filter";
    case errc::subscribe_reserved_bits: return "mqtt: SUBSCRIBE requested QoS reserved bits set";
    case errc::empty_subscription_list: return "mqtt: SUBSCRIBE, UNSUBSCRIBE or SUBACK without entries";
    case errc::bad_suback_return_code: return "mqtt: SUBACK return code not 0, 1, 2 or 0x80";
    case errc::buffer_too_small: return "mqtt: output buffer too small for the packet";
  }
  return "hubwire.mqtt: unknown error";
}

} // namespace hubwire::mqtt

HUBWIRE_ERROR_ENUM(hubwire::mqtt, errc)

#endif
