#ifndef HUBWIRE_HTTP_MESSAGE_HPP
#define HUBWIRE_HTTP_MESSAGE_HPP

// HTTP/1.1 requests and responses as values: what the parsers produce and the
// serializers consume. The body is the decoded content (chunked framing removed).

#include <hubwire/http/fields.hpp>

#include <string>

namespace hubwire::http {

// HTTP/1.0 is 10, HTTP/1.1 is 11.
using version = int;

struct request {
  std::string method = "GET";
  std::string target = "/";
  version ver = 11;
  http::fields fields{};
  std::string body{};
  http::fields trailers{}; // only with chunked transfer coding
  friend bool operator==(const request&, const request&) = default;
};

struct response {
  int status = 200;
  std::string reason{};
  version ver = 11;
  http::fields fields{};
  std::string body{};
  http::fields trailers{};
  friend bool operator==(const response&, const response&) = default;
};

// Responses that never carry content (RFC 9110 6.4.1): 1xx, 204 and 304. A response to
// HEAD has none either, which only the request tells.
constexpr bool status_has_no_body(int status) noexcept {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

// The reason phrase RFC 9110 registers for a status, or "" for those we do not list.
constexpr const char* reason_phrase(int status) noexcept {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

} // namespace hubwire::http

#endif
