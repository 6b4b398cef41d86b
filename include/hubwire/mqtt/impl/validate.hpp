#ifndef HUBWIRE_MQTT_IMPL_VALIDATE_HPP
#define HUBWIRE_MQTT_IMPL_VALIDATE_HPP

#include <hubwire/core/utf8.hpp>

namespace hubwire::mqtt {

inline std::error_code check_string(std::string_view s) noexcept {
  if (s.size() > max_string_length) return errc::string_too_long;
  if (s.find('\0') != std::string_view::npos) return errc::utf8_null_character;
  if (!core::is_valid_utf8(s)) return errc::bad_utf8;
  return {};
}

inline std::error_code check_topic_name(std::string_view topic) noexcept {
  if (auto ec = check_string(topic)) return ec;
  if (topic.empty()) return errc::empty_topic;
  // One pass: find_first_of would search the two wildcards once per character.
  for (const char c : topic)
    if (c == '+' || c == '#') return errc::wildcard_in_topic_name;
  return {};
}

inline std::error_code check_topic_filter(std::string_view filter) noexcept {
  if (auto ec = check_string(filter)) return ec;
  if (filter.empty()) return errc::empty_topic;
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const char c = filter[i];
    if (c != '+' && c != '#') continue;
    const bool starts_level = i == 0 || filter[i - 1] == '/';
    const bool ends_level = i + 1 == filter.size() || filter[i + 1] == '/';
    if (!starts_level || !ends_level) return errc::bad_topic_filter;
    if (c == '#' && i + 1 != filter.size()) return errc::bad_topic_filter; // MQTT-4.7.1-2
  }
  return {};
}

namespace detail {
constexpr bool valid_qos(qos q) noexcept { return static_cast<std::uint8_t>(q) <= 2; }
inline std::error_code check_id(std::uint16_t id) noexcept {
  return id == 0 ? std::error_code(errc::zero_packet_identifier) : std::error_code();
}
} // namespace detail

inline std::error_code validate(const connect& p) noexcept {
  if (auto ec = check_string(p.client_id)) return ec;
  if (p.will) {
    if (!detail::valid_qos(p.will->qos)) return errc::bad_will_flags;
    if (auto ec = check_topic_name(p.will->topic)) return ec;
    if (p.will->message.size() > max_string_length) return errc::string_too_long;
  }
  if (p.password && !p.username) return errc::password_without_username;
  if (p.username)
    if (auto ec = check_string(*p.username)) return ec;
  if (p.password && p.password->size() > max_string_length) return errc::string_too_long;
  return {};
}

inline std::error_code validate(const connack& p) noexcept {
  if (static_cast<std::uint8_t>(p.code) > 5) return errc::bad_connack_return_code;
  if (p.session_present && p.code != connect_return_code::accepted) return errc::session_present_on_refusal;
  return {};
}

inline std::error_code validate(const publish& p) noexcept {
  if (!detail::valid_qos(p.qos)) return errc::bad_qos;
  if (p.qos == qos::at_most_once) {
    if (p.dup) return errc::dup_on_qos0;
  } else if (auto ec = detail::check_id(p.packet_id)) {
    return ec;
  }
  return check_topic_name(p.topic);
}

inline std::error_code validate(const puback& p) noexcept { return detail::check_id(p.packet_id); }
inline std::error_code validate(const pubrec& p) noexcept { return detail::check_id(p.packet_id); }
inline std::error_code validate(const pubrel& p) noexcept { return detail::check_id(p.packet_id); }
inline std::error_code validate(const pubcomp& p) noexcept { return detail::check_id(p.packet_id); }
inline std::error_code validate(const unsuback& p) noexcept { return detail::check_id(p.packet_id); }

inline std::error_code validate(const subscribe& p) noexcept {
  if (auto ec = detail::check_id(p.packet_id)) return ec;
  if (p.subscriptions.empty()) return errc::empty_subscription_list;
  for (const auto& s : p.subscriptions) {
    if (auto ec = check_topic_filter(s.filter)) return ec;
    if (!detail::valid_qos(s.max_qos)) return errc::bad_qos;
  }
  return {};
}

inline std::error_code validate(const suback& p) noexcept {
  if (auto ec = detail::check_id(p.packet_id)) return ec;
  if (p.codes.empty()) return errc::empty_subscription_list;
  for (const auto c : p.codes) {
    const auto v = static_cast<std::uint8_t>(c);
    if (v > 2 && v != 0x80) return errc::bad_suback_return_code;
  }
  return {};
}

inline std::error_code validate(const unsubscribe& p) noexcept {
  if (auto ec = detail::check_id(p.packet_id)) return ec;
  if (p.filters.empty()) return errc::empty_subscription_list;
  for (const auto f : p.filters)
    if (auto ec = check_topic_filter(f)) return ec;
  return {};
}

inline std::error_code validate(const packet& p) noexcept {
  return std::visit([](const auto& v) { return validate(v); }, p);
}

} // namespace hubwire::mqtt

#endif
