#ifndef HUBWIRE_HTTP_PARSER_HPP
#define HUBWIRE_HTTP_PARSER_HPP

// Incremental HTTP/1.1 parsers (RFC 9112) for both roles: request_parser for a server
// (the emulator's HTTPS front end), response_parser for a client. They follow the
// decoder contract of the whole library:
//
//   std::size_t used = p.put(bytes, ec);
//
// consumes what it can and returns how many bytes it used; the caller keeps the rest
// (a partial line, or the next pipelined message) and calls again with more appended.
// `ec == errc::need_more` (with used == 0) only says nothing can be done without more
// input. Bytes are never read past the buffer and nothing throws on bad input.
//
// Strictness is deliberate, because a lenient parser in front of another is how
// request smuggling works: lines end in CRLF (bare CR or LF is an error), obs-fold is
// rejected, several different Content-Length values or Content-Length together with
// Transfer-Encoding are errors, and the only transfer coding is chunked (once, last).
// Every limit is checked before the bytes it governs are buffered: a start line, the
// field section and a chunk header are refused as soon as the caller holds more bytes
// than the limit without a line end; a body as soon as its declared size is known.

#include <hubwire/core/bytes.hpp>
#include <hubwire/http/error.hpp>
#include <hubwire/http/message.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace hubwire::http {

struct parser_limits {
  std::size_t max_start_line = 8 * 1024;     // request-line or status-line, without CRLF
  std::size_t max_fields = 100;              // header and trailer fields together
  std::size_t max_header_bytes = 64 * 1024;  // all field lines (and trailers), with their CRLFs
  std::uint64_t max_body = 1024 * 1024;      // decoded content
  std::size_t max_chunk_line = 4 * 1024;     // chunk-size and extensions, without CRLF
};

template <class Message>
class basic_parser {
public:
  explicit basic_parser(parser_limits limits = {}) noexcept : limits_(limits) {}

  std::size_t put(core::bytes_view in, std::error_code& ec) { return put(core::as_chars(in), ec); }
  std::size_t put(std::string_view in, std::error_code& ec);

  // The peer closed the connection. Completes a close-delimited body; anything else
  // unfinished is errc::partial_message. A clean close between messages is not an
  // error (nothing started: is_done() stays false and ec is empty).
  void put_eof(std::error_code& ec) noexcept;

  // For a response parser: the request was HEAD (or CONNECT's 2xx), so the response
  // has no body whatever its fields say. Call before the header completes.
  void skip_body(bool skip = true) noexcept { skip_body_ = skip; }

  bool started() const noexcept { return state_ != state::start_line || consumed_any_; }
  bool header_done() const noexcept { return state_ > state::fields; }
  bool is_done() const noexcept { return state_ == state::done; }
  bool chunked() const noexcept { return chunked_; }
  std::optional<std::uint64_t> content_length() const noexcept { return content_length_; }
  // Whether the connection may carry another message after this one (RFC 9112 9.3).
  bool keep_alive() const noexcept;

  const Message& get() const noexcept { return msg_; }
  Message& get() noexcept { return msg_; }
  Message release() { Message m = std::move(msg_); reset(); return m; }

  // Ready for the next message on the same connection (keeps limits, clears skip_body).
  void reset() noexcept;

private:
  enum class state { start_line, fields, body_length, body_close, chunk_line, chunk_data, chunk_end, trailers, done };
  static constexpr bool is_request = std::is_same_v<Message, request>;

  std::size_t step(std::string_view in, std::error_code& ec);
  std::optional<std::size_t> find_line(std::string_view in, std::size_t max, errc too_long, std::error_code& ec) const noexcept;
  std::error_code parse_start_line(std::string_view line);
  std::error_code parse_field_line(std::string_view line, http::fields& into);
  std::error_code decide_framing();
  std::error_code parse_chunk_line(std::string_view line);

  parser_limits limits_;
  Message msg_{};
  state state_ = state::start_line;
  bool consumed_any_ = false;
  bool skip_body_ = false;
  bool chunked_ = false;
  bool close_delimited_ = false;
  std::optional<std::uint64_t> content_length_{};
  std::uint64_t remaining_ = 0; // of the current body or chunk
  std::size_t header_bytes_ = 0;
  std::size_t field_count_ = 0;
};

using request_parser = basic_parser<request>;
using response_parser = basic_parser<response>;

} // namespace hubwire::http

#include <hubwire/http/impl/parser.hpp>

#endif
