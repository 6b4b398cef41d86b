#ifndef HUBWIRE_IOTHUB_FEEDBACK_RECORD_HPP
#define HUBWIRE_IOTHUB_FEEDBACK_RECORD_HPP

// One delivery outcome the hub reports to the service for a C2D message sent with
// iothub-ack (reference: iothub-protocol-facts.md section 9). The hub's queue model
// produces them; iothub/feedback.hpp reads and writes the JSON batches that carry them.

#include <hubwire/iothub/message.hpp>

#include <string>
#include <string_view>

namespace hubwire::iothub {

// Numeric values are the .NET service SDK's FeedbackStatusCode, which the hub's own
// sample body uses ("StatusCode": 0).
enum class feedback_status { success = 0, expired = 1, delivery_count_exceeded = 2, rejected = 3, purged = 4 };

constexpr std::string_view to_string(feedback_status s) noexcept {
  switch (s) {
    case feedback_status::success: return "Success";
    case feedback_status::expired: return "Expired";
    case feedback_status::delivery_count_exceeded: return "DeliveryCountExceeded";
    case feedback_status::rejected: return "Rejected";
    case feedback_status::purged: return "Purged";
  }
  return "Success";
}

// Whether a message that requested `a` produces a record when it ends with `s`:
// positive = completed, negative = dead-lettered (expired, delivery count, rejected),
// full = both. Purge is reported as negative feedback (the message was never delivered).
constexpr bool wants_feedback(ack a, feedback_status s) noexcept {
  const bool positive = s == feedback_status::success;
  switch (a) {
    case ack::none: return false;
    case ack::positive: return positive;
    case ack::negative: return !positive;
    case ack::full: return true;
  }
  return false;
}

struct feedback_record {
  std::string original_message_id;
  std::string device_id;
  std::string device_generation_id;
  feedback_status status = feedback_status::success;
  std::string description; // the hub writes the status name here
  time_point enqueued_time{}; // when the outcome happened (enqueuedTimeUtc)

  friend bool operator==(const feedback_record&, const feedback_record&) = default;
};

} // namespace hubwire::iothub

#endif
