#ifndef HUBWIRE_HTTP_IMPL_PARSER_HPP
#define HUBWIRE_HTTP_IMPL_PARSER_HPP

#include <hubwire/http/framing.hpp>
#include <hubwire/http/grammar.hpp>

#include <algorithm>
#include <type_traits>

namespace hubwire::http {
namespace detail {

inline std::optional<version> parse_version(std::string_view s) noexcept {
  if (s == "HTTP/1.1") return 11;
  if (s == "HTTP/1.0") return 10;
  return std::nullopt;
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 5.6.4); returns
// the bytes it spans, or 0 when malformed.
inline std::size_t quoted_string_length(std::string_view s) noexcept {
  if (s.empty() || s[0] != '"') return 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u == '"') return i + 1;
    if (u == '\\') {
      if (++i == s.size() || !grammar::is_field_value_char(s[i])) return 0;
    } else if (!grammar::is_field_value_char(s[i])) {
      return 0;
    }
  }
  return 0;
}

inline std::string_view skip_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

inline std::size_t token_length(std::string_view s) noexcept {
  std::size_t n = 0;
  while (n < s.size() && grammar::is_tchar(s[n])) ++n;
  return n;
}

} // namespace detail

template <class Message>
std::size_t basic_parser<Message>::put(std::string_view in, std::error_code& ec) {
  ec = {};
  std::size_t used = 0;
  while (state_ != state::done) {
    const std::size_t n = step(in.substr(used), ec);
    used += n;
    if (n > 0) consumed_any_ = true;
    if (ec) {
      if (ec == errc::need_more && used > 0) ec = {};
      break;
    }
  }
  return used;
}

template <class Message>
void basic_parser<Message>::put_eof(std::error_code& ec) noexcept {
  ec = {};
  if (state_ == state::done) return;
  if (state_ == state::body_close) {
    state_ = state::done;
    return;
  }
  if (state_ == state::start_line && !consumed_any_) return;
  ec = errc::partial_message;
}

template <class Message>
bool basic_parser<Message>::keep_alive() const noexcept {
  if (close_delimited_) return false;
  if (msg_.fields.contains_token("Connection", "close")) return false;
  if (msg_.ver == 10) return msg_.fields.contains_token("Connection", "keep-alive");
  return true;
}

template <class Message>
void basic_parser<Message>::reset() noexcept {
  msg_ = Message{};
  state_ = state::start_line;
  consumed_any_ = skip_body_ = chunked_ = close_delimited_ = false;
  content_length_.reset();
  remaining_ = 0;
  header_bytes_ = field_count_ = 0;
}

// The length of the line at the start of `in` without its CRLF, or nullopt with
// need_more, or an error: a bare CR or LF, or more than `max` bytes and no line end.
template <class Message>
std::optional<std::size_t> basic_parser<Message>::find_line(std::string_view in, std::size_t max, errc too_long,
                                                            std::error_code& ec) const noexcept {
  const std::size_t window = std::min(in.size(), max + 2); // line + CRLF
  for (std::size_t i = 0; i < window; ++i) {
    if (in[i] == '\n') {
      ec = errc::bad_line_ending; // LF without CR
      return std::nullopt;
    }
    if (in[i] != '\r') continue;
    if (i + 1 == in.size()) break; // CR is last: the LF may follow
    if (in[i + 1] != '\n') {
      ec = errc::bad_line_ending; // bare CR
      return std::nullopt;
    }
    if (i > max) break;
    return i;
  }
  ec = in.size() > max + 1 ? std::error_code(too_long) : std::error_code(errc::need_more);
  return std::nullopt;
}

template <class Message>
std::size_t basic_parser<Message>::step(std::string_view in, std::error_code& ec) {
  switch (state_) {
    case state::start_line: {
      // A server SHOULD ignore at least one empty line before a request-line (RFC 9112 2.2).
      if constexpr (is_request) {
        if (in.size() >= 2 && in[0] == '\r' && in[1] == '\n' && !consumed_any_) return 2;
      }
      const auto len = find_line(in, limits_.max_start_line, errc::start_line_too_long, ec);
      if (!len) return 0;
      if ((ec = parse_start_line(in.substr(0, *len)))) return 0;
      state_ = state::fields;
      return *len + 2;
    }
    case state::fields:
    case state::trailers: {
      const std::size_t budget = limits_.max_header_bytes - header_bytes_;
      if (budget < 2) {
        ec = errc::header_too_large;
        return 0;
      }
      const auto len = find_line(in, budget - 2, errc::header_too_large, ec);
      if (!len) return 0;
      header_bytes_ += *len + 2;
      if (*len == 0) { // end of the section
        if (state_ == state::trailers) {
          state_ = state::done;
        } else if ((ec = decide_framing())) {
          return 0;
        }
        return 2;
      }
      if (++field_count_ > limits_.max_fields) {
        ec = errc::too_many_fields;
        return 0;
      }
      if ((ec = parse_field_line(in.substr(0, *len), state_ == state::fields ? msg_.fields : msg_.trailers)))
        return 0;
      return *len + 2;
    }
    case state::body_length:
    case state::chunk_data:
    case state::body_close: {
      if (in.empty()) {
        ec = errc::need_more;
        return 0;
      }
      std::size_t n = in.size();
      if (state_ != state::body_close) {
        n = static_cast<std::size_t>(std::min<std::uint64_t>(n, remaining_));
      } else if (limits_.max_body - msg_.body.size() < n) {
        ec = errc::body_too_large;
        return 0;
      }
      msg_.body.append(in.data(), n);
      remaining_ -= std::min<std::uint64_t>(remaining_, n);
      if (remaining_ == 0 && state_ == state::body_length) state_ = state::done;
      if (remaining_ == 0 && state_ == state::chunk_data) state_ = state::chunk_end;
      return n;
    }
    case state::chunk_end: {
      if (in.size() < 2) {
        if (!in.empty() && in[0] != '\r') ec = errc::bad_chunk_end;
        else ec = errc::need_more;
        return 0;
      }
      if (in[0] != '\r' || in[1] != '\n') {
        ec = errc::bad_chunk_end;
        return 0;
      }
      state_ = state::chunk_line;
      return 2;
    }
    case state::chunk_line: {
      const auto len = find_line(in, limits_.max_chunk_line, errc::chunk_line_too_long, ec);
      if (!len) return 0;
      if ((ec = parse_chunk_line(in.substr(0, *len)))) return 0;
      return *len + 2;
    }
    case state::done: break;
  }
  return 0;
}

template <class Message>
std::error_code basic_parser<Message>::parse_start_line(std::string_view line) {
  if constexpr (is_request) {
    // request-line = method SP request-target SP HTTP-version
    const auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return errc::bad_start_line;
    const auto sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return errc::bad_start_line;
    const auto method = line.substr(0, sp1);
    const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (!grammar::is_token(method)) return errc::bad_method;
    if (!grammar::is_target(target)) return target.empty() ? errc::bad_start_line : errc::bad_target;
    const auto v = detail::parse_version(line.substr(sp2 + 1));
    if (!v) return errc::bad_version;
    msg_.method = std::string(method);
    msg_.target = std::string(target);
    msg_.ver = *v;
  } else {
    // status-line = HTTP-version SP status-code SP [ reason-phrase ]; the second SP is
    // often missing in the wild when there is no reason, which is harmless.
    if (line.size() < 12 || line[8] != ' ') return line.size() >= 8 && !detail::parse_version(line.substr(0, 8))
                                                  ? errc::bad_version : errc::bad_start_line;
    const auto v = detail::parse_version(line.substr(0, 8));
    if (!v) return errc::bad_version;
    int status = 0;
    for (std::size_t i = 9; i < 12; ++i) {
      if (line[i] < '0' || line[i] > '9') return errc::bad_status;
      status = status * 10 + (line[i] - '0');
    }
    if (status < 100 || status > 599) return errc::bad_status;
    std::string_view reason;
    if (line.size() > 12) {
      if (line[12] != ' ') return errc::bad_status;
      reason = line.substr(13);
    }
    if (!grammar::is_reason(reason)) return errc::bad_reason;
    msg_.ver = *v;
    msg_.status = status;
    msg_.reason = std::string(reason);
  }
  return {};
}

template <class Message>
std::error_code basic_parser<Message>::parse_field_line(std::string_view line, http::fields& into) {
  // field-line = field-name ":" OWS field-value OWS
  if (line.front() == ' ' || line.front() == '\t') return errc::obs_fold;
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return errc::bad_field_name;
  const auto name = line.substr(0, colon);
  if (!grammar::is_token(name)) return errc::bad_field_name; // includes "Name :" (RFC 9112 5.1)
  const auto value = grammar::trim_ows(line.substr(colon + 1));
  for (char c : value)
    if (!grammar::is_field_value_char(c)) return errc::bad_field_value;
  into.add(name, value);
  return {};
}

template <class Message>
std::error_code basic_parser<Message>::decide_framing() {
  const auto& f = msg_.fields;
  if constexpr (is_request) {
    if (msg_.ver == 11 && f.count("Host") != 1) return errc::bad_host;
  }
  framing fr;
  if (auto ec = read_framing(f, fr)) return ec;
  content_length_ = fr.content_length;
  chunked_ = fr.chunked;
  const bool has_te = fr.has_transfer_encoding;
  if (has_te && msg_.ver == 10) return errc::bad_transfer_encoding; // RFC 9112 6.1: faulty framing

  bool no_body = false;
  if constexpr (!is_request) no_body = skip_body_ || status_has_no_body(msg_.status);
  if (no_body) {
    chunked_ = false;
    state_ = state::done;
  } else if (chunked_) {
    state_ = state::chunk_line;
  } else if (content_length_) {
    if (*content_length_ > limits_.max_body) return errc::body_too_large;
    remaining_ = *content_length_;
    state_ = remaining_ == 0 ? state::done : state::body_length;
  } else if (is_request) {
    state_ = state::done; // a request without either has no content (RFC 9112 6.3 rule 7)
  } else {
    close_delimited_ = true;
    state_ = state::body_close;
  }
  return {};
}

template <class Message>
std::error_code basic_parser<Message>::parse_chunk_line(std::string_view line) {
  // chunk = chunk-size [ chunk-ext ] CRLF; chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
  std::uint64_t size = 0;
  std::size_t i = 0;
  for (; i < line.size(); ++i) {
    const char c = line[i];
    int d = 0;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else break;
    if (size > (UINT64_MAX >> 4)) return errc::chunk_size_overflow;
    size = (size << 4) | static_cast<std::uint64_t>(d);
  }
  if (i == 0) return errc::bad_chunk_size;
  std::string_view ext = line.substr(i);
  if (!ext.empty() && ext.front() != ';' && ext.front() != ' ' && ext.front() != '\t') return errc::bad_chunk_size;
  while (!ext.empty()) {
    ext = detail::skip_ows(ext);
    if (ext.empty() || ext.front() != ';') return errc::bad_chunk_extension;
    ext = detail::skip_ows(ext.substr(1));
    const auto name_len = detail::token_length(ext);
    if (name_len == 0) return errc::bad_chunk_extension;
    ext = detail::skip_ows(ext.substr(name_len));
    if (!ext.empty() && ext.front() == '=') {
      ext = detail::skip_ows(ext.substr(1));
      std::size_t val_len = detail::token_length(ext);
      if (val_len == 0) val_len = detail::quoted_string_length(ext);
      if (val_len == 0) return errc::bad_chunk_extension;
      ext = ext.substr(val_len);
    }
  }
  if (size == 0) {
    state_ = state::trailers;
    return {};
  }
  if (size > limits_.max_body - msg_.body.size()) return errc::body_too_large;
  remaining_ = size;
  state_ = state::chunk_data;
  return {};
}

} // namespace hubwire::http

#endif
