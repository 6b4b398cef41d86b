#ifndef HUBWIRE_IOTHUB_IMPL_HTTPS_MAPPING_HPP
#define HUBWIRE_IOTHUB_IMPL_HTTPS_MAPPING_HPP

#include <hubwire/core/percent.hpp>
#include <hubwire/core/time.hpp>
#include <hubwire/http/grammar.hpp>

#include <charconv>
#include <limits>

namespace hubwire::iothub::https {
namespace detail {

inline std::string device_path(std::string_view device_id, std::string_view tail, const request_options& o,
                               std::string_view extra_query = {}) {
  std::string t = "/devices/";
  core::percent::encode(device_id, t);
  t += tail;
  t += "?api-version=";
  core::percent::encode(o.api_version, t);
  t += extra_query;
  return t;
}

inline http::request make_request(std::string_view method, std::string target, const request_options& o) {
  http::request r;
  r.method = std::string(method);
  r.target = std::move(target);
  if (!o.host.empty()) r.fields.add("Host", o.host);
  if (!o.sas_token.empty()) r.fields.add("Authorization", o.sas_token);
  if (!o.user_agent.empty()) r.fields.add("User-Agent", o.user_agent);
  return r;
}

inline http::request settle(std::string_view method, std::string_view device_id, std::string_view lock_token,
                            std::string_view suffix, std::string_view query, const request_options& o) {
  std::string tail = "/messages/deviceBound/";
  core::percent::encode(lock_token, tail);
  tail += suffix;
  auto r = make_request(method, device_path(device_id, tail, o, query), o);
  r.fields.add("If-Match", "\"" + std::string(lock_token) + "\"");
  return r;
}

inline std::string decimal(std::uint64_t v) {
  char buf[24];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

template <class T>
std::optional<T> parse_unsigned(std::string_view s) noexcept {
  const auto v = http::grammar::parse_decimal(s);
  if (!v || *v > std::numeric_limits<T>::max()) return std::nullopt;
  return static_cast<T>(*v);
}

// The system properties carried in headers: one entry per field, used in both directions.
enum class kind { text, u64, u32, time };
struct system_header {
  std::string_view name;
  kind k;
  std::optional<std::string> c2d_message::*text = nullptr;
  std::optional<std::uint64_t> c2d_message::*u64 = nullptr;
  std::optional<std::uint32_t> c2d_message::*u32 = nullptr;
  std::optional<time_point> c2d_message::*time = nullptr;
};

inline const system_header system_headers[] = {
    {"iothub-messageid", kind::text, &c2d_message::message_id},
    {"iothub-correlationid", kind::text, &c2d_message::correlation_id},
    {"iothub-userid", kind::text, &c2d_message::user_id},
    {"iothub-to", kind::text, &c2d_message::to},
    {"ContentType", kind::text, &c2d_message::content_type},
    {"ContentEncoding", kind::text, &c2d_message::content_encoding},
    {"iothub-sequencenumber", kind::u64, nullptr, &c2d_message::sequence_number},
    {"iothub-deliverycount", kind::u32, nullptr, nullptr, &c2d_message::delivery_count},
    {"iothub-enqueuedtime", kind::time, nullptr, nullptr, nullptr, &c2d_message::enqueued_time},
    {"iothub-expiry", kind::time, nullptr, nullptr, nullptr, &c2d_message::expiry_time},
};

inline bool read_int(std::string_view& s, int& out, std::size_t min_digits, std::size_t max_digits) noexcept {
  std::size_t n = 0;
  out = 0;
  while (n < s.size() && n < max_digits && s[n] >= '0' && s[n] <= '9') out = out * 10 + (s[n++] - '0');
  if (n < min_digits) return false;
  s.remove_prefix(n);
  return true;
}

inline bool expect(std::string_view& s, std::string_view lit) noexcept {
  if (s.substr(0, lit.size()) != lit) return false;
  s.remove_prefix(lit.size());
  return true;
}

inline std::optional<time_point> make_time(int y, int mo, int d, int h, int mi, int sec) noexcept {
  using namespace std::chrono;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return time_point(sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec));
}

} // namespace detail

inline http::request make_receive_request(std::string_view device_id, const request_options& o) {
  return detail::make_request("GET", detail::device_path(device_id, "/messages/deviceBound", o), o);
}

inline http::request make_complete_request(std::string_view device_id, std::string_view lock_token,
                                           const request_options& o) {
  return detail::settle("DELETE", device_id, lock_token, "", "", o);
}

inline http::request make_reject_request(std::string_view device_id, std::string_view lock_token,
                                         const request_options& o) {
  return detail::settle("DELETE", device_id, lock_token, "", "&reject", o);
}

inline http::request make_abandon_request(std::string_view device_id, std::string_view lock_token,
                                          const request_options& o) {
  return detail::settle("POST", device_id, lock_token, "/abandon", "", o);
}

inline http::request make_purge_request(std::string_view device_id, const request_options& o) {
  auto r = detail::make_request("DELETE", detail::device_path(device_id, "/commands", o), o);
  r.fields.add("Accept", "application/json");
  return r;
}

inline std::error_code to_headers(const c2d_message& m, http::fields& out) {
  auto put = [&](std::string_view name, std::string_view value) -> bool {
    if (!http::grammar::is_token(name) || !http::grammar::is_field_value(value)) return false;
    out.add(name, value);
    return true;
  };
  if (m.lock_token && (m.lock_token->find('"') != std::string::npos || !put("ETag", "\"" + *m.lock_token + "\"")))
    return errc::invalid_message;
  for (const auto& h : detail::system_headers) {
    bool ok = true;
    switch (h.k) {
      case detail::kind::text: if (m.*h.text) ok = put(h.name, *(m.*h.text)); break;
      case detail::kind::u64: if (m.*h.u64) ok = put(h.name, detail::decimal(*(m.*h.u64))); break;
      case detail::kind::u32: if (m.*h.u32) ok = put(h.name, detail::decimal(*(m.*h.u32))); break;
      case detail::kind::time: if (m.*h.time) ok = put(h.name, core::format_iso8601(*(m.*h.time))); break;
    }
    if (!ok) return errc::invalid_message;
  }
  if (m.ack_requested != ack::none) out.add("iothub-ack", to_string(m.ack_requested));
  for (const auto& p : m.properties)
    if (!put(std::string(app_property_prefix) + p.name, p.value.value_or(""))) return errc::invalid_message;
  return {};
}

inline core::result<c2d_message> from_headers(const http::fields& f, std::string_view body) {
  using http::grammar::iequals;
  c2d_message m;
  m.body = std::string(body);
  for (const auto& x : f) {
    if (x.name.size() > app_property_prefix.size() &&
        iequals(std::string_view(x.name).substr(0, app_property_prefix.size()), app_property_prefix)) {
      m.properties.push_back({x.name.substr(app_property_prefix.size()), x.value});
      continue;
    }
    if (iequals(x.name, "ETag")) {
      if (m.lock_token) continue;
      if (x.value.size() < 2 || x.value.front() != '"' || x.value.back() != '"') return errc::invalid_message;
      m.lock_token = x.value.substr(1, x.value.size() - 2);
      continue;
    }
    if (iequals(x.name, "iothub-ack")) {
      const auto a = parse_ack(x.value);
      if (!a) return errc::invalid_message;
      m.ack_requested = *a;
      continue;
    }
    for (const auto& h : detail::system_headers) {
      if (!iequals(x.name, h.name)) continue;
      switch (h.k) {
        case detail::kind::text:
          if (!(m.*h.text)) m.*h.text = x.value;
          break;
        case detail::kind::u64: {
          const auto v = detail::parse_unsigned<std::uint64_t>(x.value);
          if (!v) return errc::invalid_message;
          if (!(m.*h.u64)) m.*h.u64 = v;
          break;
        }
        case detail::kind::u32: {
          const auto v = detail::parse_unsigned<std::uint32_t>(x.value);
          if (!v) return errc::invalid_message;
          if (!(m.*h.u32)) m.*h.u32 = v;
          break;
        }
        case detail::kind::time: {
          if (x.value.empty()) break; // the hub sends an empty iothub-expiry for "never"
          const auto t = parse_header_time(x.value);
          if (!t) return errc::invalid_message;
          if (!(m.*h.time)) m.*h.time = t;
          break;
        }
      }
      break;
    }
  }
  return m;
}

inline core::result<std::optional<c2d_message>> parse_receive_response(const http::response& res) {
  if (res.status == 204) return std::optional<c2d_message>();
  if (res.status == 200) {
    auto m = from_headers(res.fields, res.body);
    if (!m) return m.error();
    if (!m->lock_token) return make_error_code(errc::invalid_message); // nothing to settle it with
    return std::optional<c2d_message>(std::move(*m));
  }
  const auto o = classify(res);
  return o.error ? o.error : make_error_code(errc::unexpected_status);
}

inline core::result<http::response> make_receive_response(const std::optional<c2d_message>& m) {
  http::response res;
  if (!m) {
    res.status = 204;
    return res;
  }
  if (auto ec = to_headers(*m, res.fields)) return ec;
  res.body = m->body;
  return res;
}

inline status_outcome classify(const http::response& res) {
  status_outcome o;
  const int s = res.status;
  if (s >= 200 && s < 300) return o;
  auto body_names = [&](std::string_view code, std::string_view name) {
    return res.body.find(code) != std::string::npos || res.body.find(name) != std::string::npos;
  };
  errc e = errc::unexpected_status;
  switch (s) {
    case 400: e = errc::bad_request; break;
    case 401: e = errc::unauthorized; break;
    case 403:
      e = body_names("403004", "DeviceMaximumQueueDepthExceeded") ? errc::device_maximum_queue_depth_exceeded
                                                                  : errc::quota_exceeded;
      break;
    case 404: e = errc::device_not_found; break;
    case 412: e = body_names("412001", "PreconditionFailed") ? errc::precondition_failed : errc::device_message_lock_lost; break;
    case 413: e = errc::message_too_large; break;
    case 429: e = errc::throttled; break;
    case 503: e = errc::server_busy; break;
    case 504: e = errc::gateway_timeout; break;
    default:
      if (s >= 500 && s < 600) e = errc::server_error;
  }
  o.error = e;
  o.retryable = is_retryable(e);
  if (s == 429 || s == 503)
    if (const auto* f = res.fields.find("Retry-After")) o.retry_after = parse_retry_after(f->value, clock::now());
  return o;
}

inline std::optional<std::chrono::seconds> parse_retry_after(std::string_view v, time_point now) {
  if (const auto n = http::grammar::parse_decimal(v)) {
    if (*n > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max())) return std::nullopt;
    return std::chrono::seconds(static_cast<std::int64_t>(*n));
  }
  // IMF-fixdate = day-name "," SP DD SP month SP YYYY SP hh:mm:ss SP "GMT"
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (v.size() != 29 || v.substr(3, 2) != ", " || v.substr(25) != " GMT") return std::nullopt;
  std::string_view s = v.substr(5);
  int d = 0, y = 0, h = 0, mi = 0, sec = 0, mo = 0;
  if (!detail::read_int(s, d, 2, 2) || !detail::expect(s, " ")) return std::nullopt;
  for (int i = 0; i < 12; ++i)
    if (s.substr(0, 3) == months[i]) mo = i + 1;
  if (mo == 0) return std::nullopt;
  s.remove_prefix(3);
  if (!detail::expect(s, " ") || !detail::read_int(s, y, 4, 4) || !detail::expect(s, " ") ||
      !detail::read_int(s, h, 2, 2) || !detail::expect(s, ":") || !detail::read_int(s, mi, 2, 2) ||
      !detail::expect(s, ":") || !detail::read_int(s, sec, 2, 2))
    return std::nullopt;
  const auto t = detail::make_time(y, mo, d, h, mi, sec);
  if (!t) return std::nullopt;
  const auto delta = std::chrono::duration_cast<std::chrono::seconds>(*t - now);
  return delta.count() > 0 ? delta : std::chrono::seconds(0);
}

inline std::optional<time_point> parse_header_time(std::string_view s) noexcept {
  if (auto t = core::parse_iso8601(s)) return t;
  // M/d/yyyy h:mm:ss tt
  int mo = 0, d = 0, y = 0, h = 0, mi = 0, sec = 0;
  if (!detail::read_int(s, mo, 1, 2) || !detail::expect(s, "/") || !detail::read_int(s, d, 1, 2) ||
      !detail::expect(s, "/") || !detail::read_int(s, y, 4, 4) || !detail::expect(s, " ") ||
      !detail::read_int(s, h, 1, 2) || !detail::expect(s, ":") || !detail::read_int(s, mi, 2, 2) ||
      !detail::expect(s, ":") || !detail::read_int(s, sec, 2, 2) || !detail::expect(s, " "))
    return std::nullopt;
  if (h < 1 || h > 12 || (s != "AM" && s != "PM")) return std::nullopt;
  h = (h % 12) + (s == "PM" ? 12 : 0);
  return detail::make_time(y, mo, d, h, mi, sec);
}

} // namespace hubwire::iothub::https

#endif
