#ifndef HUBWIRE_MQTT_VALIDATE_HPP
#define HUBWIRE_MQTT_VALIDATE_HPP

// The rules of MQTT 3.1.1 that concern a packet's values rather than its bytes. The
// decoder applies them to what it parsed and the encoder to what it is asked to write,
// so the two cannot disagree about what is valid.

#include <hubwire/mqtt/error.hpp>
#include <hubwire/mqtt/packet.hpp>

#include <string_view>
#include <system_error>

namespace hubwire::mqtt {

// A UTF-8 encoded string (1.5.3): at most 65535 bytes, well-formed, no U+0000.
std::error_code check_string(std::string_view s) noexcept;
// A topic name (4.7): a non-empty string without '+' or '#'.
std::error_code check_topic_name(std::string_view topic) noexcept;
// A topic filter (4.7.1): '#' only as a whole last level, '+' only as a whole level.
std::error_code check_topic_filter(std::string_view filter) noexcept;

std::error_code validate(const connect& p) noexcept;
std::error_code validate(const connack& p) noexcept;
std::error_code validate(const publish& p) noexcept;
std::error_code validate(const puback& p) noexcept;
std::error_code validate(const pubrec& p) noexcept;
std::error_code validate(const pubrel& p) noexcept;
std::error_code validate(const pubcomp& p) noexcept;
std::error_code validate(const subscribe& p) noexcept;
std::error_code validate(const suback& p) noexcept;
std::error_code validate(const unsubscribe& p) noexcept;
std::error_code validate(const unsuback& p) noexcept;
inline std::error_code validate(const pingreq&) noexcept { return {}; }
inline std::error_code validate(const pingresp&) noexcept { return {}; }
inline std::error_code validate(const disconnect&) noexcept { return {}; }
std::error_code validate(const packet& p) noexcept;

} // namespace hubwire::mqtt

#include <hubwire/mqtt/impl/validate.hpp>

#endif
