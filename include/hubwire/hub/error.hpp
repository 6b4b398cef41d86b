#ifndef HUBWIRE_HUB_ERROR_HPP
#define HUBWIRE_HUB_ERROR_HPP

// Errors of the emulator's own making: a configuration outside the hub's documented
// ranges, and registry operations. What a device or service would see from the real
// hub (queue full, lock lost, device not found) is an iothub::errc instead, so a
// front end passes it through unchanged.

#include <hubwire/core/error.hpp>

namespace hubwire::hub {

enum class errc {
  bad_queue_depth = 1,          // 1 .. iothub::limits::max_queue_depth
  bad_default_ttl,              // 1 min .. 2 days
  bad_max_delivery_count,       // 1 .. 100
  bad_lock_timeout,             // 1 s .. 300 s (the hub fixes it at 60 s)
  bad_message_size_limit,       // 1 .. 64 KiB
  bad_feedback_ttl,             // 1 min .. 2 days
  bad_feedback_max_delivery_count, // 1 .. 100
  bad_feedback_lock_duration,   // 5 s .. 300 s
  bad_feedback_batch,           // 1 .. 64 records, delay > 0
  bad_feedback_queue_capacity,  // at least 1 message
  bad_device_limit,             // at least 1 device
  invalid_device_id,            // empty, over 128 characters, or a character the hub refuses
  device_already_exists,        // the hub's 409001 DeviceAlreadyExists
  device_limit_reached,         // the registry holds config.max_devices devices
};

constexpr const char* category_name(errc) noexcept { return "hubwire.hub"; }

inline const char* describe(errc e) noexcept {
  switch (e) {
    case errc::bad_queue_depth: return "hub config: queue depth must be 1..50";
    case errc::bad_default_ttl: return "hub config: default TTL must be 1 minute..2 days";
    case errc::bad_max_delivery_count: return "hub config: max delivery count must be 1..100";
    case errc::bad_lock_timeout: return "hub config: lock time-out must be 1..300 s";
    case errc::bad_message_size_limit: return "hub config: message size limit must be 1..65536 bytes";
    case errc::bad_feedback_ttl: return "hub config: feedback TTL must be 1 minute..2 days";
    case errc::bad_feedback_max_delivery_count: return "hub config: feedback max delivery count must be 1..100";
    case errc::bad_feedback_lock_duration: return "hub config: feedback lock duration must be 5..300 s";
    case errc::bad_feedback_batch: return "hub config: feedback batch must be 1..64 records with a positive delay";
    case errc::bad_feedback_queue_capacity: return "hub config: feedback queue must hold at least one message";
    case errc::bad_device_limit: return "hub config: the registry must allow at least one device";
    case errc::invalid_device_id: return "hub registry: invalid device id";
    case errc::device_already_exists: return "hub registry: device already exists (409001)";
    case errc::device_limit_reached: return "hub registry: device limit reached";
  }
  return "hubwire.hub: unknown error";
}

} // namespace hubwire::hub

HUBWIRE_ERROR_ENUM(hubwire::hub, errc)

#endif
