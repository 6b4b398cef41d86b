#ifndef HUBWIRE_IOTHUB_FEEDBACK_HPP
#define HUBWIRE_IOTHUB_FEEDBACK_HPP

// The JSON body of a feedback message (content type
// application/vnd.microsoft.iothub.feedback.json): an array of delivery outcomes.
//
// The hub's documents disagree on its shape (reference: iothub-protocol-facts.md 9.3
// and open question 4): PascalCase keys with a numeric "StatusCode": 0 in the C2D
// article, camelCase keys with string status names in the AMQP article and in both
// service SDKs' parsers, and a Node tutorial record with no statusCode at all and a
// lower-case "success" description. parse() accepts all of them: keys in any case, the
// status as a name (any case) or as the .NET FeedbackStatusCode number, and, when the
// status is absent, the status named by the description (as the C SDK derives it).
// serialize() writes the form the official service SDKs parse: camelCase keys,
// "statusCode" as a name, times in ISO 8601 with seven fraction digits.

#include <hubwire/core/error.hpp>
#include <hubwire/core/result.hpp>
#include <hubwire/iothub/feedback_record.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hubwire::iothub::feedback {

inline constexpr std::string_view content_type = "application/vnd.microsoft.iothub.feedback.json";

enum class errc {
  bad_json = 1,       // not JSON, nested deeper than any feedback body, or out of memory
  not_an_array,       // the body must be an array of records
  record_not_object,  // an array element is not an object
  missing_field,      // no enqueuedTimeUtc or deviceId, or no status and no description naming one
  wrong_type,         // a field of the wrong JSON type (e.g. a numeric deviceId)
  unknown_status,     // a status name or number outside Success..Purged
  bad_time,           // enqueuedTimeUtc is not ISO 8601
  duplicate_key,      // the same key twice in a record (keys compare case-insensitively)
  too_many_records,   // beyond parse_limits::max_records
  body_too_large,     // beyond parse_limits::max_body
};

constexpr const char* category_name(errc) noexcept { return "hubwire.iothub.feedback"; }

inline const char* describe(errc e) noexcept {
  switch (e) {
    case errc::bad_json: return "feedback: body is not valid JSON";
    case errc::not_an_array: return "feedback: body is not a JSON array";
    case errc::record_not_object: return "feedback: a record is not a JSON object";
    case errc::missing_field: return "feedback: a record lacks a required field";
    case errc::wrong_type: return "feedback: a record field has the wrong JSON type";
    case errc::unknown_status: return "feedback: unknown status code";
    case errc::bad_time: return "feedback: enqueuedTimeUtc is not an ISO 8601 time";
    case errc::duplicate_key: return "feedback: a key appears twice in a record";
    case errc::too_many_records: return "feedback: more records than the configured limit";
    case errc::body_too_large: return "feedback: body exceeds the configured limit";
  }
  return "hubwire.iothub.feedback: unknown error";
}

struct parse_limits {
  std::size_t max_body = 256 * 1024;  // a feedback message is an ordinary hub message
  std::size_t max_records = 1024;     // the hub batches up to 64
};

// "Success", "success", "DELIVERYCOUNTEXCEEDED"... or nullopt.
std::optional<feedback_status> parse_status(std::string_view name) noexcept;

core::result<std::vector<feedback_record>> parse(std::string_view body, parse_limits limits = {}) noexcept;

std::string serialize(const std::vector<feedback_record>& records);

} // namespace hubwire::iothub::feedback

HUBWIRE_ERROR_ENUM(hubwire::iothub::feedback, errc)

#include <hubwire/iothub/impl/feedback.hpp>

#endif
