#ifndef HUBWIRE_HTTP_ERROR_HPP
#define HUBWIRE_HTTP_ERROR_HPP

// Errors of the HTTP/1.1 codec (RFC 9110, RFC 9112). Every rejection a parser makes has
// its own value, so a server can answer 400/413/431/501 precisely and a test can assert
// which rule fired. need_more is not a failure: the message is incomplete.

#include <hubwire/core/error.hpp>

namespace hubwire::http {

enum class errc {
  need_more = 1,                // not an error: feed more bytes
  bad_line_ending,              // a line not ended by CRLF, or a bare CR (RFC 9112 2.2)
  bad_method,                   // method is not a token (RFC 9110 9.1)
  bad_target,                   // request-target empty or with a byte outside VCHAR (RFC 9112 3.2)
  bad_version,                  // not HTTP/1.0 or HTTP/1.1
  bad_status,                   // status-code is not three digits, 100..599 (RFC 9110 15)
  bad_reason,                   // reason-phrase with a control character
  bad_start_line,               // wrong separators in the request-line or status-line
  bad_field_name,               // field name empty, not a token, or followed by whitespace (RFC 9112 5.1)
  bad_field_value,              // field value with NUL, CR, LF or another control character (RFC 9110 5.5)
  obs_fold,                     // a field line continued on the next line (RFC 9112 5.2)
  start_line_too_long,          // beyond limits.max_start_line
  too_many_fields,              // beyond limits.max_fields
  header_too_large,             // field section beyond limits.max_header_bytes
  body_too_large,               // body beyond limits.max_body
  bad_content_length,           // not 1*DIGIT, or larger than 2^64 - 1 (RFC 9110 8.6)
  conflicting_content_length,   // several different Content-Length values (RFC 9112 6.3 rule 5)
  content_length_with_chunked,  // both Content-Length and Transfer-Encoding (RFC 9112 6.1, smuggling)
  bad_transfer_encoding,        // chunked not last, repeated, or a coding this codec does not decode
  bad_chunk_size,               // chunk-size not 1*HEXDIG (RFC 9112 7.1)
  chunk_size_overflow,          // chunk-size beyond 2^64 - 1
  bad_chunk_extension,          // malformed chunk-ext (RFC 9112 7.1.1)
  chunk_line_too_long,          // chunk-size line beyond limits.max_chunk_line
  bad_chunk_end,                // chunk-data not followed by CRLF
  partial_message,              // the stream ended inside a message
  bad_host,                     // HTTP/1.1 request without exactly one Host field (RFC 9112 3.2)
  bad_field,                    // serializer: a field or start-line element would break the framing
  body_not_allowed,             // serializer: a body on a 1xx, 204 or 304 response
};

constexpr const char* category_name(errc) noexcept { return "hubwire.http"; }

inline const char* describe(errc e) noexcept {
  switch (e) {
    case errc::need_more: return "http: need more input";
    case errc::bad_line_ending: return "http: line not terminated by CRLF, or a bare CR";
    case errc::bad_method: return "http: method is not a token";
    case errc::bad_target: return "http: malformed request-target";
    case errc::bad_version: return "http: unsupported or malformed HTTP version";
    case errc::bad_status: return "http: malformed status code";
    case errc::bad_reason: return "http: malformed reason phrase";
    case errc::bad_start_line: return "http: malformed request-line or status-line";
    case errc::bad_field_name: return "http: malformed field name";
    case errc::bad_field_value: return "http: malformed field value";
    case errc::obs_fold: return "http: obsolete line folding is not accepted";
    case errc::start_line_too_long: return "http: start line exceeds the configured limit";
    case errc::too_many_fields: return "http: more header fields than the configured limit";
    case errc::header_too_large: return "http: header section exceeds the configured limit";
    case errc::body_too_large: return "http: body exceeds the configured limit";
    case errc::bad_content_length: return "http: invalid Content-Length";
    case errc::conflicting_content_length: return "http: conflicting Content-Length values";
    case errc::content_length_with_chunked: return "http: both Content-Length and Transfer-Encoding";
    case errc::bad_transfer_encoding: return "http: unsupported or malformed Transfer-Encoding";
    case errc::bad_chunk_size: return "http: malformed chunk size";
    case errc::chunk_size_overflow: return "http: chunk size overflows 64 bits";
    case errc::bad_chunk_extension: return "http: malformed chunk extension";
    case errc::chunk_line_too_long: return "http: chunk header line exceeds the configured limit";
    case errc::bad_chunk_end: return "http: chunk data not followed by CRLF";
    case errc::partial_message: return "http: stream ended inside a message";
    case errc::bad_host: return "http: HTTP/1.1 request without exactly one Host field";
    case errc::bad_field: return "http: value would break the message framing";
    case errc::body_not_allowed: return "http: this response status carries no body";
  }
  return "hubwire.http: unknown error";
}

} // namespace hubwire::http

HUBWIRE_ERROR_ENUM(hubwire::http, errc)

#endif
