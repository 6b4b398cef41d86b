#ifndef HUBWIRE_IOTHUB_IMPL_PURGE_RESULT_HPP
#define HUBWIRE_IOTHUB_IMPL_PURGE_RESULT_HPP

#include <hubwire/http/grammar.hpp>
#include <hubwire/iothub/https_mapping.hpp>

#include <boost/json.hpp>

namespace hubwire::iothub::https {

inline core::result<purge_result> parse_purge_response(const http::response& res) noexcept {
  if (res.status != 200) {
    const auto o = classify(res);
    return o.error ? o.error : make_error_code(errc::unexpected_status);
  }
  try {
    boost::json::parse_options po;
    po.max_depth = 2;
    std::error_code ec;
    const auto v = boost::json::parse(boost::json::string_view(res.body.data(), res.body.size()), ec, {}, po);
    const auto* obj = v.if_object();
    if (ec || !obj) return errc::invalid_message;
    purge_result r;
    bool have_device = false, have_total = false;
    for (const auto& kv : *obj) {
      const std::string_view k(kv.key().data(), kv.key().size());
      const auto& val = kv.value();
      if (http::grammar::iequals(k, "deviceId")) {
        if (!val.is_string() || have_device) return errc::invalid_message;
        r.device_id = std::string(val.get_string().data(), val.get_string().size());
        have_device = true;
      } else if (http::grammar::iequals(k, "moduleId")) {
        if (val.is_string()) r.module_id = std::string(val.get_string().data(), val.get_string().size());
        else if (!val.is_null()) return errc::invalid_message;
      } else if (http::grammar::iequals(k, "totalMessagesPurged")) {
        if (val.is_uint64()) r.total_messages_purged = val.get_uint64();
        else if (val.is_int64() && val.get_int64() >= 0) r.total_messages_purged = static_cast<std::uint64_t>(val.get_int64());
        else return errc::invalid_message;
        have_total = true;
      }
    }
    if (!have_device || !have_total) return errc::invalid_message;
    return r;
  } catch (...) {
    return errc::invalid_message;
  }
}

inline http::response make_purge_response(const purge_result& r) {
  boost::json::object o;
  o["deviceId"] = boost::json::string_view(r.device_id.data(), r.device_id.size());
  if (r.module_id) o["moduleId"] = boost::json::string_view(r.module_id->data(), r.module_id->size());
  else o["moduleId"] = nullptr;
  o["totalMessagesPurged"] = r.total_messages_purged;
  http::response res{.status = 200};
  res.fields.add("Content-Type", "application/json; charset=utf-8");
  res.body = boost::json::serialize(o);
  return res;
}

} // namespace hubwire::iothub::https

#endif
