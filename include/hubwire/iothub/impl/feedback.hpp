#ifndef HUBWIRE_IOTHUB_IMPL_FEEDBACK_HPP
#define HUBWIRE_IOTHUB_IMPL_FEEDBACK_HPP

#include <hubwire/core/time.hpp>
#include <hubwire/http/grammar.hpp>

#include <boost/json.hpp>

namespace hubwire::iothub::feedback {
namespace detail {

enum class key { original_message_id, device_id, device_generation_id, status_code, description, enqueued_time, other };

inline key classify_key(std::string_view k) noexcept {
  using http::grammar::iequals;
  if (iequals(k, "originalMessageId")) return key::original_message_id;
  if (iequals(k, "deviceId")) return key::device_id;
  if (iequals(k, "deviceGenerationId")) return key::device_generation_id;
  if (iequals(k, "statusCode")) return key::status_code;
  if (iequals(k, "description")) return key::description;
  if (iequals(k, "enqueuedTimeUtc")) return key::enqueued_time;
  return key::other;
}

inline std::error_code read_record(const boost::json::value& v, feedback_record& r) noexcept {
  const auto* obj = v.if_object();
  if (!obj) return errc::record_not_object;
  bool seen[6] = {};
  bool have_status = false, have_time = false, have_device = false;
  std::optional<std::string_view> description;
  for (const auto& kv : *obj) {
    const key k = classify_key(kv.key());
    if (k == key::other) continue; // unknown keys are for newer hubs, not errors
    auto& s = seen[static_cast<int>(k)];
    if (s) return errc::duplicate_key;
    s = true;
    const auto& val = kv.value();
    if (k == key::status_code) {
      if (const auto* str = val.if_string()) {
        const auto st = parse_status(*str);
        if (!st) return errc::unknown_status;
        r.status = *st;
      } else if (val.is_int64() || val.is_uint64()) {
        const auto n = val.is_int64() ? val.get_int64() : static_cast<std::int64_t>(std::min<std::uint64_t>(val.get_uint64(), 99));
        if (n < 0 || n > 4) return errc::unknown_status;
        r.status = static_cast<feedback_status>(n);
      } else {
        return errc::wrong_type;
      }
      have_status = true;
      continue;
    }
    const auto* str = val.if_string();
    if (!str) return errc::wrong_type;
    const std::string_view text(str->data(), str->size());
    switch (k) {
      case key::original_message_id: r.original_message_id = std::string(text); break;
      case key::device_id: r.device_id = std::string(text); have_device = true; break;
      case key::device_generation_id: r.device_generation_id = std::string(text); break;
      case key::description: r.description = std::string(text); description = text; break;
      case key::enqueued_time: {
        const auto t = core::parse_iso8601(text);
        if (!t) return errc::bad_time;
        r.enqueued_time = *t;
        have_time = true;
        break;
      }
      default: break;
    }
  }
  if (!have_status) { // the Node tutorial's shape: the description names the status
    const auto st = description ? parse_status(*description) : std::nullopt;
    if (!st) return description ? errc::unknown_status : errc::missing_field;
    r.status = *st;
  }
  if (!have_time || !have_device) return errc::missing_field;
  return {};
}

} // namespace detail

inline std::optional<feedback_status> parse_status(std::string_view name) noexcept {
  for (auto s : {feedback_status::success, feedback_status::expired, feedback_status::delivery_count_exceeded,
                 feedback_status::rejected, feedback_status::purged})
    if (http::grammar::iequals(name, to_string(s))) return s;
  return std::nullopt;
}

inline core::result<std::vector<feedback_record>> parse(std::string_view body, parse_limits limits) noexcept {
  if (body.size() > limits.max_body) return errc::body_too_large;
  try { // Boost.JSON reports bad input through ec; only allocation failure can throw
    boost::json::parse_options po;
    po.max_depth = 4; // array > record > value: anything deeper is not a feedback body
    std::error_code ec;
    const boost::json::value v = boost::json::parse(boost::json::string_view(body.data(), body.size()), ec, {}, po);
    if (ec) return errc::bad_json;
    const auto* arr = v.if_array();
    if (!arr) return errc::not_an_array;
    if (arr->size() > limits.max_records) return errc::too_many_records;
    std::vector<feedback_record> out;
    out.reserve(arr->size());
    for (const auto& e : *arr) {
      feedback_record r;
      if (auto rec_ec = detail::read_record(e, r)) return rec_ec;
      out.push_back(std::move(r));
    }
    return out;
  } catch (...) {
    return errc::bad_json;
  }
}

inline std::string serialize(const std::vector<feedback_record>& records) {
  boost::json::array arr;
  arr.reserve(records.size());
  for (const auto& r : records) {
    boost::json::object o;
    o["originalMessageId"] = r.original_message_id;
    o["description"] = r.description;
    o["deviceGenerationId"] = r.device_generation_id;
    o["deviceId"] = r.device_id;
    o["enqueuedTimeUtc"] = core::format_iso8601(r.enqueued_time);
    o["statusCode"] = boost::json::string_view(to_string(r.status).data(), to_string(r.status).size());
    arr.push_back(std::move(o));
  }
  return boost::json::serialize(arr);
}

} // namespace hubwire::iothub::feedback

#endif
