#ifndef HUBWIRE_IOTHUB_MQTT_TOPICS_HPP
#define HUBWIRE_IOTHUB_MQTT_TOPICS_HPP

// How IoT Hub uses MQTT 3.1.1 (reference: iothub-wire-details.md section 1,
// iothub-protocol-facts.md section 11): the CONNECT fields of a device or module, the
// topics it subscribes and publishes to, and the property bag, the URL-encoded
// `key=value&...` tail of a topic that carries a message's properties.
//
// Property bag keys (percent-decoded; the hub writes '$' as %24) and what they become:
//
//   $.mid  message_id        $.ct   content_type       $.to   to (/devices/{id}/messages/devicebound)
//   $.cid  correlation_id    $.ce   content_encoding   $.exp  expiry_time (ISO 8601)
//   $.uid  user_id           iothub-ack  ack_requested (none | positive | negative | full)
//
// Every other key, including the hub's other `$.` keys ($.ctime creation time, $.cdid
// and $.cmid the sending device and module, $.on, $.schema, $.ifid, ...), is kept as an
// application property under its decoded name, in order, with `key` (no '=') as a
// null value and `key=` as an empty one.
//
// The decoder accepts every form the hub sends: `$` raw or as %24, any ISO 8601 fraction
// length, no bag at all. The encoder writes the form every official SDK accepts: keys
// and values percent-encoded (so the C SDK's literal `%24.mid` match works and nothing
// contains a '/' that C# and Node would split on), `$.exp` with seven fraction digits
// (C# parses it with "o"), and c2d_topic() always includes `$.to` (C# fails on a topic
// without a property segment).
//
// An expiry beyond what system_clock holds (after 2261 with libstdc++'s nanoseconds;
// fixtures use such dates for "never") decodes as time_point::max() and encodes as
// .NET's DateTime.MaxValue, 9999-12-31T23:59:59.9999999Z; one before its range is an error.

#include <hubwire/core/error.hpp>
#include <hubwire/core/result.hpp>
#include <hubwire/iothub/message.hpp>
#include <hubwire/mqtt/packet.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace hubwire::iothub {

enum class mqtt_errc {
  bad_identity = 1,        // empty host or device id, or an id that makes an invalid topic
  keep_alive_too_long,     // above limits::max_mqtt_keep_alive (1177 s), or negative
  not_devicebound_topic,   // not devices/{id}/messages/devicebound[/...]
  topic_too_long,          // over property_bag_limits::max_topic_size
  too_many_properties,     // over property_bag_limits::max_properties
  empty_property_name,     // `=v`, `&&`, a leading or trailing '&'
  bad_percent_escape,      // '%' not followed by two hex digits
  duplicate_property,      // the same decoded key twice
  null_system_property,    // `$.mid` etc. or iothub-ack without '='
  bad_system_property,     // $.exp not ISO 8601, iothub-ack not none|positive|negative|full
  reserved_property_name,  // encode: an application property named like a system key
};

constexpr const char* category_name(mqtt_errc) noexcept { return "hubwire.iothub.mqtt"; }

inline const char* describe(mqtt_errc e) noexcept {
  switch (e) {
    case mqtt_errc::bad_identity: return "IoT Hub MQTT: empty or unusable host, device or module id";
    case mqtt_errc::keep_alive_too_long: return "IoT Hub MQTT: keep-alive above 1177 s (the hub caps its timeout at 1767 s)";
    case mqtt_errc::not_devicebound_topic: return "IoT Hub MQTT: not a devices/{id}/messages/devicebound topic";
    case mqtt_errc::topic_too_long: return "IoT Hub MQTT: topic longer than the configured limit";
    case mqtt_errc::too_many_properties: return "IoT Hub MQTT: more properties than the configured limit";
    case mqtt_errc::empty_property_name: return "IoT Hub MQTT: property bag entry without a name";
    case mqtt_errc::bad_percent_escape: return "IoT Hub MQTT: '%' not followed by two hex digits in the property bag";
    case mqtt_errc::duplicate_property: return "IoT Hub MQTT: property appears twice in the property bag";
    case mqtt_errc::null_system_property: return "IoT Hub MQTT: system property without a value";
    case mqtt_errc::bad_system_property: return "IoT Hub MQTT: malformed $.exp or iothub-ack value";
    case mqtt_errc::reserved_property_name: return "IoT Hub MQTT: application property uses a system property's key";
  }
  return "hubwire.iothub.mqtt: unknown error";
}

} // namespace hubwire::iothub

HUBWIRE_ERROR_ENUM(hubwire::iothub, mqtt_errc)

namespace hubwire::iothub {

// The api-version of the newest documentation and the Node SDK.
inline constexpr std::string_view default_mqtt_api_version = "2021-04-12";

struct mqtt_connect_options {
  std::string host{};                // {hub}.azure-devices.net
  std::string device_id{};
  std::string module_id{};           // empty for a device
  std::string password{};            // SAS token; empty with X.509 client certificates
  std::string api_version{default_mqtt_api_version};
  std::string device_client_type{};  // product info, e.g. "hubwire/0.1"; percent-encoded
  std::string model_id{};            // IoT Plug and Play model id (dtmi:...); percent-encoded
  std::chrono::seconds keep_alive{240}; // the C SDK's default; at most limits::max_mqtt_keep_alive
  bool clean_session = false;        // the SDKs' default: the hub keeps the subscription
};

// CONNECT fields that own their text; packet() views them (keep this object alive
// while the packet is encoded).
struct mqtt_connect_fields {
  std::string client_id{};
  std::string username{};
  std::string password{};
  std::uint16_t keep_alive = 0;
  bool clean_session = false;

  mqtt::connect packet() const {
    mqtt::connect c{.client_id = client_id, .clean_session = clean_session, .keep_alive = keep_alive};
    c.username = std::string_view(username);
    if (!password.empty()) c.password = std::string_view(password);
    return c;
  }
};

// {deviceId} or {deviceId}/{moduleId}.
std::string mqtt_client_id(std::string_view device_id, std::string_view module_id = {});
// {host}/{deviceId}[/{moduleId}]/?api-version=...[&DeviceClientType=...][&model-id=...]
std::string mqtt_username(const mqtt_connect_options& o);
core::result<mqtt_connect_fields> make_mqtt_connect(const mqtt_connect_options& o);

// devices/{d}/messages/devicebound/# for a device, devices/{d}/modules/{m}/# for a module.
core::result<std::string> c2d_subscription_filter(std::string_view device_id, std::string_view module_id = {});
// devices/{d}[/modules/{m}]/messages/events/{property_bag}
core::result<std::string> telemetry_topic(std::string_view device_id, std::string_view module_id = {},
                                          std::string_view property_bag = {});

struct property_bag_limits {
  std::size_t max_topic_size = mqtt::max_string_length; // bytes of the whole topic
  std::size_t max_properties = 256;                     // bag entries
};

// Decodes a property bag into `out`'s system and application properties (appended to
// what `out` holds; duplicates are checked against it). On error `out` is unspecified.
std::error_code parse_property_bag(std::string_view bag, c2d_message& out, const property_bag_limits& limits = {});
// Appends the bag of `m`'s MQTT-carried properties (system ones first, then the
// application properties in order). sequence_number, enqueued_time, delivery_count and
// lock_token have no MQTT form and are not written.
std::error_code append_property_bag(const c2d_message& m, std::string& out);

struct c2d_topic_parts {
  std::string_view device_id{};
  std::string_view property_bag{}; // empty when the topic ends at devicebound or devicebound/
};
// Splits devices/{id}/messages/devicebound[/[?]{bag}] (the docs show bags as "/?k=v", the hub sends "/k=v").
core::result<c2d_topic_parts> split_c2d_topic(std::string_view topic, const property_bag_limits& limits = {});
// The whole job of a device receiving C2D over MQTT: topic and payload to a message.
core::result<c2d_message> parse_c2d_publish(std::string_view topic, std::string_view payload,
                                            const property_bag_limits& limits = {});
// The topic the hub (or the emulator) publishes `m` to; adds $.to when `m` has none.
core::result<std::string> c2d_topic(std::string_view device_id, const c2d_message& m);

} // namespace hubwire::iothub

#include <hubwire/iothub/impl/mqtt_topics.hpp>

#endif
