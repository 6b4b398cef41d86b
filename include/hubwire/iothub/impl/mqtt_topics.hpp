#ifndef HUBWIRE_IOTHUB_IMPL_MQTT_TOPICS_HPP
#define HUBWIRE_IOTHUB_IMPL_MQTT_TOPICS_HPP

#include <hubwire/core/percent.hpp>
#include <hubwire/core/time.hpp>
#include <hubwire/iothub/limits.hpp>
#include <hubwire/mqtt/validate.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <utility>

namespace hubwire::iothub {
namespace detail {

// The system properties MQTT carries, in the order the encoder writes them (the hub's
// own order starts $.mid, $.to). One table serves the decoder and the encoder.
enum class sys_key { mid, to, cid, uid, ct, ce, exp, ack };
inline constexpr std::array<std::string_view, 8> sys_key_names{"$.mid", "$.to", "$.cid", "$.uid",
                                                               "$.ct",  "$.ce", "$.exp", "iothub-ack"};

constexpr std::optional<sys_key> find_sys_key(std::string_view name) noexcept {
  for (std::size_t i = 0; i < sys_key_names.size(); ++i)
    if (sys_key_names[i] == name) return static_cast<sys_key>(i);
  return std::nullopt;
}

inline std::optional<std::string>* string_field(c2d_message& m, sys_key k) noexcept {
  switch (k) {
    case sys_key::mid: return &m.message_id;
    case sys_key::to: return &m.to;
    case sys_key::cid: return &m.correlation_id;
    case sys_key::uid: return &m.user_id;
    case sys_key::ct: return &m.content_type;
    case sys_key::ce: return &m.content_encoding;
    default: return nullptr;
  }
}
inline const std::optional<std::string>* string_field(const c2d_message& m, sys_key k) noexcept {
  return string_field(const_cast<c2d_message&>(m), k);
}

// .NET's DateTime.MaxValue in the "o" format: how "never expires" reads to every SDK.
inline constexpr std::string_view never_expires = "9999-12-31T23:59:59.9999999Z";

// $.exp as the model holds it. system_clock counts nanoseconds in 64 bits on libstdc++
// (years 1678 to 2261), and test fixtures write far-future expiries (the Python SDK's
// uses 3237): an instant beyond the clock's range is "never", time_point::max(), which
// the encoder writes as never_expires; an instant before its range is refused.
inline std::optional<time_point> parse_expiry(std::string_view v) {
  using namespace std::chrono;
  static const int max_year = static_cast<int>(year_month_day{floor<days>(time_point::max())}.year()) - 1;
  static const int min_year = static_cast<int>(year_month_day{floor<days>(time_point::min())}.year()) + 1;
  int y = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i >= v.size() || v[i] < '0' || v[i] > '9') return std::nullopt;
    y = y * 10 + (v[i] - '0');
  }
  if (y < min_year) return std::nullopt;
  if (y > max_year) {
    std::string in_range(v);
    in_range.replace(0, 4, "2000"); // the same text with a year the clock holds: is it well-formed?
    if (!core::parse_iso8601(in_range)) return std::nullopt;
    return time_point::max();
  }
  return core::parse_iso8601(v);
}

inline std::string format_expiry(time_point t) {
  return t == time_point::max() ? std::string(never_expires) : core::format_iso8601(t);
}

// Sets one system property; `seen` catches a key given twice.
inline std::error_code set_system(c2d_message& m, sys_key k, std::string value, std::uint32_t& seen) {
  const auto bit = std::uint32_t{1} << static_cast<unsigned>(k);
  if (seen & bit) return mqtt_errc::duplicate_property;
  seen |= bit;
  if (auto* field = string_field(m, k)) {
    *field = std::move(value);
  } else if (k == sys_key::exp) {
    const auto t = parse_expiry(value);
    if (!t) return mqtt_errc::bad_system_property;
    m.expiry_time = *t;
  } else {
    const auto a = parse_ack(value);
    if (!a) return mqtt_errc::bad_system_property;
    m.ack_requested = *a;
  }
  return {};
}

inline std::error_code append_bag(const c2d_message& m, std::optional<std::string_view> default_to, std::string& out) {
  const std::size_t start = out.size();
  bool first = true;
  auto pair = [&](std::string_view name, std::optional<std::string_view> value) {
    if (!first) out += '&';
    first = false;
    core::percent::encode(name, out);
    if (value) {
      out += '=';
      core::percent::encode(*value, out);
    }
  };
  for (std::size_t i = 0; i < sys_key_names.size(); ++i) {
    const auto k = static_cast<sys_key>(i);
    if (const auto* field = string_field(m, k)) {
      if (*field) pair(sys_key_names[i], std::string_view(**field));
      else if (k == sys_key::to && default_to) pair(sys_key_names[i], *default_to);
    } else if (k == sys_key::exp) {
      if (m.expiry_time) pair(sys_key_names[i], format_expiry(*m.expiry_time));
    } else if (m.ack_requested != ack::none) {
      pair(sys_key_names[i], to_string(m.ack_requested));
    }
  }
  for (std::size_t i = 0; i < m.properties.size(); ++i) {
    const property& p = m.properties[i];
    std::error_code ec;
    if (p.name.empty()) ec = mqtt_errc::empty_property_name;
    else if (find_sys_key(p.name)) ec = mqtt_errc::reserved_property_name;
    for (std::size_t j = 0; j < i && !ec; ++j)
      if (m.properties[j].name == p.name) ec = mqtt_errc::duplicate_property;
    if (ec) {
      out.resize(start);
      return ec;
    }
    pair(p.name, p.value ? std::optional<std::string_view>(*p.value) : std::nullopt);
  }
  return {};
}

inline bool usable_id(std::string_view id) noexcept {
  return !id.empty() && id.find('/') == std::string_view::npos;
}

} // namespace detail

inline std::string mqtt_client_id(std::string_view device_id, std::string_view module_id) {
  std::string id(device_id);
  if (!module_id.empty()) {
    id += '/';
    id += module_id;
  }
  return id;
}

inline std::string mqtt_username(const mqtt_connect_options& o) {
  std::string u = o.host;
  u += '/';
  u += mqtt_client_id(o.device_id, o.module_id);
  u += "/?api-version=";
  u += o.api_version;
  if (!o.device_client_type.empty()) {
    u += "&DeviceClientType=";
    core::percent::encode(o.device_client_type, u);
  }
  if (!o.model_id.empty()) {
    u += "&model-id=";
    core::percent::encode(o.model_id, u);
  }
  return u;
}

inline core::result<mqtt_connect_fields> make_mqtt_connect(const mqtt_connect_options& o) {
  if (o.host.empty() || !detail::usable_id(o.device_id) || (!o.module_id.empty() && !detail::usable_id(o.module_id)))
    return mqtt_errc::bad_identity;
  if (o.keep_alive < std::chrono::seconds(0) || o.keep_alive > limits::max_mqtt_keep_alive)
    return mqtt_errc::keep_alive_too_long;
  mqtt_connect_fields f{mqtt_client_id(o.device_id, o.module_id), mqtt_username(o), o.password,
                        static_cast<std::uint16_t>(o.keep_alive.count()), o.clean_session};
  if (mqtt::check_string(f.client_id) || mqtt::check_string(f.username) || f.password.size() > mqtt::max_string_length)
    return mqtt_errc::bad_identity;
  return f;
}

inline core::result<std::string> c2d_subscription_filter(std::string_view device_id, std::string_view module_id) {
  if (!detail::usable_id(device_id) || (!module_id.empty() && !detail::usable_id(module_id)))
    return mqtt_errc::bad_identity;
  std::string f = "devices/";
  f += device_id;
  if (module_id.empty()) {
    f += "/messages/devicebound/#";
  } else {
    f += "/modules/";
    f += module_id;
    f += "/#";
  }
  if (mqtt::check_topic_filter(f)) return mqtt_errc::bad_identity; // '+' or '#' inside an id
  return f;
}

inline core::result<std::string> telemetry_topic(std::string_view device_id, std::string_view module_id,
                                                 std::string_view property_bag) {
  if (!detail::usable_id(device_id) || (!module_id.empty() && !detail::usable_id(module_id)))
    return mqtt_errc::bad_identity;
  std::string t = "devices/";
  t += device_id;
  if (!module_id.empty()) {
    t += "/modules/";
    t += module_id;
  }
  t += "/messages/events/";
  t += property_bag;
  if (auto ec = mqtt::check_topic_name(t)) {
    if (ec == mqtt::errc::string_too_long) return mqtt_errc::topic_too_long;
    return mqtt_errc::bad_identity;
  }
  return t;
}

inline std::error_code parse_property_bag(std::string_view bag, c2d_message& out, const property_bag_limits& limits) {
  if (bag.size() > limits.max_topic_size) return mqtt_errc::topic_too_long;
  if (bag.empty()) return {};
  std::uint32_t seen = 0;
  std::size_t count = 0;
  // System properties `out` already holds count as given: a bag cannot set them again.
  for (std::size_t i = 0; i < detail::sys_key_names.size(); ++i) {
    const auto k = static_cast<detail::sys_key>(i);
    const auto* field = detail::string_field(std::as_const(out), k);
    const bool set = field ? field->has_value() : k == detail::sys_key::exp ? out.expiry_time.has_value()
                                                                           : out.ack_requested != ack::none;
    if (set) seen |= std::uint32_t{1} << i;
  }
  std::size_t pos = 0;
  for (;;) {
    const std::size_t amp = bag.find('&', pos);
    const std::string_view entry = bag.substr(pos, amp == std::string_view::npos ? bag.npos : amp - pos);
    if (++count > limits.max_properties) return mqtt_errc::too_many_properties;
    const std::size_t eq = entry.find('=');
    const std::string_view raw_name = entry.substr(0, eq);
    if (raw_name.empty()) return mqtt_errc::empty_property_name;
    std::error_code ec;
    std::string name = core::percent::decode(raw_name, ec);
    std::optional<std::string> value;
    if (!ec && eq != std::string_view::npos) value = core::percent::decode(entry.substr(eq + 1), ec);
    if (ec) return mqtt_errc::bad_percent_escape;
    if (const auto k = detail::find_sys_key(name)) {
      if (!value) return mqtt_errc::null_system_property;
      if (auto e = detail::set_system(out, *k, std::move(*value), seen)) return e;
    } else {
      // Application names are few; a linear scan beats hashing for a bag of a handful.
      for (const auto& p : out.properties)
        if (p.name == name) return mqtt_errc::duplicate_property;
      out.properties.push_back({std::move(name), std::move(value)});
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return {};
}

inline std::error_code append_property_bag(const c2d_message& m, std::string& out) {
  return detail::append_bag(m, std::nullopt, out);
}

inline core::result<c2d_topic_parts> split_c2d_topic(std::string_view topic, const property_bag_limits& limits) {
  if (topic.size() > limits.max_topic_size) return mqtt_errc::topic_too_long;
  constexpr std::string_view prefix = "devices/", middle = "/messages/devicebound";
  if (!topic.starts_with(prefix)) return mqtt_errc::not_devicebound_topic;
  const std::size_t id_end = topic.find('/', prefix.size());
  if (id_end == std::string_view::npos || id_end == prefix.size()) return mqtt_errc::not_devicebound_topic;
  std::string_view rest = topic.substr(id_end);
  if (!rest.starts_with(middle)) return mqtt_errc::not_devicebound_topic;
  rest.remove_prefix(middle.size());
  if (!rest.empty() && rest.front() != '/') return mqtt_errc::not_devicebound_topic;
  if (!rest.empty()) rest.remove_prefix(1);
  if (rest.starts_with('?')) rest.remove_prefix(1); // the docs write bags as "/?prop1&..."
  return c2d_topic_parts{topic.substr(prefix.size(), id_end - prefix.size()), rest};
}

inline core::result<c2d_message> parse_c2d_publish(std::string_view topic, std::string_view payload,
                                                   const property_bag_limits& limits) {
  const auto parts = split_c2d_topic(topic, limits);
  if (!parts) return parts.error();
  c2d_message m;
  if (auto ec = parse_property_bag(parts->property_bag, m, limits)) return ec;
  m.body.assign(payload);
  return m;
}

inline core::result<std::string> c2d_topic(std::string_view device_id, const c2d_message& m) {
  if (!detail::usable_id(device_id)) return mqtt_errc::bad_identity;
  std::string t = "devices/";
  t += device_id;
  t += "/messages/devicebound/";
  std::string to = "/devices/";
  to += device_id;
  to += "/messages/devicebound";
  std::string bag;
  if (auto ec = detail::append_bag(m, std::string_view(to), bag)) return ec;
  t += bag;
  if (auto ec = mqtt::check_topic_name(t)) {
    if (ec == mqtt::errc::string_too_long) return mqtt_errc::topic_too_long;
    return mqtt_errc::bad_identity;
  }
  return t;
}

} // namespace hubwire::iothub

#endif
