#ifndef HUBWIRE_HTTP_IMPL_SERIALIZER_HPP
#define HUBWIRE_HTTP_IMPL_SERIALIZER_HPP

#include <hubwire/http/framing.hpp>
#include <hubwire/http/grammar.hpp>

#include <charconv>

namespace hubwire::http {
namespace detail {

inline void append_version(version v, std::string& out) {
  out += v == 10 ? "HTTP/1.0" : "HTTP/1.1";
}

inline std::error_code check_fields(const fields& f) noexcept {
  for (const auto& x : f)
    if (!grammar::is_token(x.name) || !grammar::is_field_value(x.value)) return errc::bad_field;
  return {};
}

inline void append_fields(const fields& f, std::string& out) {
  for (const auto& x : f) {
    out += x.name;
    out += ": ";
    out += x.value;
    out += "\r\n";
  }
}

inline void append_decimal(std::uint64_t v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Shared by both message kinds: frame `body` according to `f` (see serializer.hpp).
inline std::error_code append_framed_body(const fields& f, const fields& trailers, std::string_view body,
                                          bool add_length, std::string& out) {
  framing fr;
  if (auto ec = read_framing(f, fr)) return ec;
  if (fr.chunked) {
    out += "\r\n";
    serialize_chunk(body, out);
    return serialize_last_chunk(trailers, out);
  }
  if (!trailers.empty()) return errc::bad_field; // trailers need chunked
  if (fr.content_length) {
    if (*fr.content_length != body.size()) return errc::bad_content_length;
  } else if (add_length) {
    out += "Content-Length: ";
    append_decimal(body.size(), out);
    out += "\r\n";
  }
  out += "\r\n";
  out += body;
  return {};
}

inline bool method_expects_content(std::string_view m) noexcept {
  return m == "POST" || m == "PUT" || m == "PATCH";
}

} // namespace detail

inline std::error_code serialize_head(const request& req, std::string& out) {
  if (!grammar::is_token(req.method)) return errc::bad_method;
  if (!grammar::is_target(req.target)) return errc::bad_target;
  if (req.ver != 10 && req.ver != 11) return errc::bad_version;
  if (auto ec = detail::check_fields(req.fields)) return ec;
  out += req.method;
  out += ' ';
  out += req.target;
  out += ' ';
  detail::append_version(req.ver, out);
  out += "\r\n";
  detail::append_fields(req.fields, out);
  return {};
}

inline std::error_code serialize_head(const response& res, std::string& out) {
  if (res.status < 100 || res.status > 599) return errc::bad_status;
  if (!grammar::is_reason(res.reason)) return errc::bad_reason;
  if (res.ver != 10 && res.ver != 11) return errc::bad_version;
  if (auto ec = detail::check_fields(res.fields)) return ec;
  detail::append_version(res.ver, out);
  out += ' ';
  detail::append_decimal(static_cast<std::uint64_t>(res.status), out);
  out += ' ';
  out += res.reason.empty() ? std::string_view(reason_phrase(res.status)) : std::string_view(res.reason);
  out += "\r\n";
  detail::append_fields(res.fields, out);
  return {};
}

inline std::error_code serialize(const request& req, std::string& out) {
  const auto start = out.size();
  auto ec = serialize_head(req, out);
  if (!ec)
    ec = detail::append_framed_body(req.fields, req.trailers, req.body,
                                    !req.body.empty() || detail::method_expects_content(req.method), out);
  if (ec) out.resize(start);
  return ec;
}

inline std::error_code serialize(const response& res, std::string& out) {
  if (status_has_no_body(res.status)) {
    if (!res.body.empty() || !res.trailers.empty()) return errc::body_not_allowed;
    if (res.fields.find("Transfer-Encoding") || (res.status != 304 && res.fields.find("Content-Length")))
      return errc::body_not_allowed;
  }
  const auto start = out.size();
  auto ec = serialize_head(res, out);
  if (!ec) {
    if (status_has_no_body(res.status))
      out += "\r\n";
    else
      ec = detail::append_framed_body(res.fields, res.trailers, res.body, true, out);
  }
  if (ec) out.resize(start);
  return ec;
}

inline void serialize_chunk(std::string_view data, std::string& out) {
  if (data.empty()) return;
  char buf[17];
  const auto r = std::to_chars(buf, buf + sizeof buf, data.size(), 16);
  out.append(buf, r.ptr);
  out += "\r\n";
  out += data;
  out += "\r\n";
}

inline std::error_code serialize_last_chunk(const fields& trailers, std::string& out) {
  if (auto ec = detail::check_fields(trailers)) return ec;
  out += "0\r\n";
  detail::append_fields(trailers, out);
  out += "\r\n";
  return {};
}

} // namespace hubwire::http

#endif
