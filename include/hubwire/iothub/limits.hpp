#ifndef HUBWIRE_IOTHUB_LIMITS_HPP
#define HUBWIRE_IOTHUB_LIMITS_HPP

// IoT Hub's documented limits (reference: iothub-protocol-facts.md sections 4, 7, 8, 11).

#include <chrono>
#include <cstddef>

namespace hubwire::iothub::limits {

inline constexpr std::size_t max_id_length = 128;                  // deviceId, moduleId, message-id
inline constexpr std::size_t max_c2d_message_size = 64 * 1024;     // body + property bytes
inline constexpr std::size_t max_d2c_message_size = 256 * 1024;
inline constexpr std::size_t max_queue_depth = 50;                 // C2D messages per device
inline constexpr int default_max_delivery_count = 10;              // 1..100
inline constexpr auto lock_timeout = std::chrono::seconds(60);     // C2D, not configurable
inline constexpr auto default_ttl = std::chrono::hours(1);         // 1 min .. 2 days
inline constexpr auto min_ttl = std::chrono::minutes(1);
inline constexpr auto max_ttl = std::chrono::hours(48);
inline constexpr auto max_mqtt_keep_alive = std::chrono::seconds(1177); // hub times out at 1.5x, capped 1767 s

} // namespace hubwire::iothub::limits

#endif
