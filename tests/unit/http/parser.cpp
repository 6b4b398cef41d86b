#include <hubwire/http/parser.hpp>
#include <hubwire_test/catch.hpp>

#include <string>

// Messages are the examples of RFC 9110 / RFC 9112 (section numbers given per test)
// unless a comment says otherwise; the negative cases each break one rule.

using namespace hubwire::http;

namespace {

// Feeds `wire` in pieces of `step` bytes, keeping unconsumed bytes as a caller would.
template <class Parser>
std::error_code feed(Parser& p, std::string_view wire, std::size_t step = 1 << 20, bool eof = false) {
  std::string pending;
  std::size_t pos = 0;
  std::error_code ec;
  while (!p.is_done()) {
    if (pos < wire.size()) {
      const auto n = std::min(step, wire.size() - pos);
      pending.append(wire.substr(pos, n));
      pos += n;
    } else if (pending.empty() || ec == errc::need_more) {
      if (eof) p.put_eof(ec);
      return ec ? ec : (p.is_done() ? std::error_code() : make_error_code(errc::need_more));
    }
    const auto used = p.put(pending, ec);
    REQUIRE(used <= pending.size());
    pending.erase(0, used);
    if (ec && ec != errc::need_more) return ec;
  }
  return {};
}

std::error_code parse_request(std::string_view wire, parser_limits limits = {}) {
  request_parser p(limits);
  return feed(p, wire);
}

std::error_code parse_response(std::string_view wire, parser_limits limits = {}) {
  response_parser p(limits);
  return feed(p, wire, 1 << 20, true);
}

// RFC 9110 section 6.2's example exchange.
constexpr std::string_view rfc_request =
    "GET /hello.txt HTTP/1.1\r\n"
    "User-Agent: curl/7.64.1\r\n"
    "Host: www.example.com\r\n"
    "Accept-Language: en, mi\r\n"
    "\r\n";
constexpr std::string_view rfc_response =
    "HTTP/1.1 200 OK\r\n"
    "Date: Mon, 27 Jul 2009 12:28:53 GMT\r\n"
    "Server: Apache\r\n"
    "Last-Modified: Wed, 22 Jul 2009 19:15:56 GMT\r\n"
    "ETag: \"34aa387-d-1568eb00\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "Content-Length: 51\r\n"
    "Vary: Accept-Encoding\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "Hello World! My content includes a trailing CRLF.\r\n";

} // namespace

TEST_CASE("request parser reads RFC 9110's example, whole and byte by byte") {
  for (std::size_t step : {std::size_t(1), std::size_t(3), std::size_t(1000)}) {
    request_parser p;
    REQUIRE_FALSE(feed(p, rfc_request, step));
    const request& r = p.get();
    CHECK(r.method == "GET");
    CHECK(r.target == "/hello.txt");
    CHECK(r.ver == 11);
    REQUIRE(r.fields.size() == 3);
    CHECK(r.fields.value("host") == "www.example.com");
    CHECK(r.fields.find("HOST")->name == "Host"); // name kept as received
    CHECK(r.fields.value("Accept-Language") == "en, mi");
    CHECK(r.body.empty());
    CHECK(p.keep_alive());
  }
}

TEST_CASE("response parser reads RFC 9110's example with a Content-Length body") {
  for (std::size_t step : {std::size_t(1), std::size_t(7), std::size_t(1000)}) {
    response_parser p;
    REQUIRE_FALSE(feed(p, rfc_response, step));
    CHECK(p.get().status == 200);
    CHECK(p.get().reason == "OK");
    CHECK(p.get().fields.value("etag") == "\"34aa387-d-1568eb00\"");
    CHECK(p.get().body == "Hello World! My content includes a trailing CRLF.\r\n");
    CHECK(p.content_length() == 51u);
    CHECK(p.keep_alive());
  }
}

TEST_CASE("request-target forms of RFC 9112 section 3.2") {
  for (std::string_view line : {"GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1",
                                "CONNECT www.example.com:80 HTTP/1.1", "OPTIONS * HTTP/1.1",
                                "GET /where?q=now HTTP/1.1"}) {
    request_parser p;
    std::string wire(line);
    wire += "\r\nHost: www.example.org\r\n\r\n";
    CHECK_FALSE(feed(p, wire));
    CHECK(p.is_done());
  }
}

TEST_CASE("put stops at the end of a message and leaves pipelined bytes to the caller") {
  std::string two = std::string(rfc_request) + "DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n";
  request_parser p;
  std::error_code ec;
  const auto used = p.put(two, ec);
  REQUIRE_FALSE(ec);
  CHECK(used == rfc_request.size());
  REQUIRE(p.is_done());
  CHECK(p.put(std::string_view(two).substr(used), ec) == 0); // done: takes nothing more
  p.reset();
  CHECK(p.put(std::string_view(two).substr(used), ec) == two.size() - used);
  CHECK(p.get().method == "DELETE");
}

TEST_CASE("need_more is reported only when nothing could be used") {
  request_parser p;
  std::error_code ec;
  CHECK(p.put(std::string_view("GET / HTTP/1.1\r\nHo"), ec) == 16);
  CHECK_FALSE(ec);
  CHECK(p.put(std::string_view("Ho"), ec) == 0);
  CHECK(ec == errc::need_more);
  CHECK(p.put(std::string_view("Host: a\r"), ec) == 0);
  CHECK(ec == errc::need_more);
}

TEST_CASE("chunked body with extensions and trailers (RFC 9112 section 7)") {
  // Body split as in the well-known "Wikipedia in chunks" example, with chunk
  // extensions of both ext-val forms (token and quoted-string) and a trailer field.
  constexpr std::string_view wire =
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: text/plain\r\n"
      "Transfer-Encoding: chunked\r\n"
      "\r\n"
      "4;name=value\r\nWiki\r\n"
      "6 ; quoted=\"a \\\"b\\\" c\" ;flag\r\npedia \r\n"
      "E\r\nin \r\n\r\nchunks.\r\n"
      "0\r\n"
      "Expires: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
      "\r\n";
  for (std::size_t step : {std::size_t(1), std::size_t(5), std::size_t(1000)}) {
    response_parser p;
    REQUIRE_FALSE(feed(p, wire, step));
    CHECK(p.chunked());
    CHECK(p.get().body == "Wikipedia in \r\n\r\nchunks.");
    CHECK(p.get().trailers.value("expires") == "Wed, 21 Oct 2015 07:28:00 GMT");
    CHECK(p.keep_alive());
  }
}

TEST_CASE("a response without length is delimited by the close") {
  constexpr std::string_view wire = "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil the end";
  response_parser p;
  std::error_code ec;
  CHECK(p.put(wire, ec) == wire.size());
  CHECK_FALSE(p.is_done());
  CHECK_FALSE(p.keep_alive());
  p.put_eof(ec);
  CHECK_FALSE(ec);
  CHECK(p.is_done());
  CHECK(p.get().body == "until the end");
}

TEST_CASE("HEAD, 1xx, 204 and 304 responses have no body whatever their fields say") {
  {
    response_parser p;
    p.skip_body();
    CHECK_FALSE(feed(p, "HTTP/1.1 200 OK\r\nContent-Length: 51\r\n\r\n"));
    CHECK(p.get().body.empty());
  }
  for (std::string_view wire : {"HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
                                "HTTP/1.1 100 Continue\r\n\r\n"}) {
    response_parser p;
    std::error_code ec;
    CHECK(p.put(wire, ec) == wire.size());
    CHECK(p.is_done());
  }
}

TEST_CASE("a request without Content-Length or chunked has no body") {
  request_parser p;
  std::error_code ec;
  constexpr std::string_view wire = "DELETE /x HTTP/1.1\r\nHost: h\r\n\r\nGET";
  CHECK(p.put(wire, ec) == wire.size() - 3);
  CHECK(p.is_done());
}

TEST_CASE("keep-alive follows the version and the Connection field (RFC 9112 9.3)") {
  auto ka = [](std::string_view wire) {
    request_parser p;
    REQUIRE_FALSE(feed(p, wire));
    return p.keep_alive();
  };
  CHECK(ka("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  CHECK_FALSE(ka("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n"));
  CHECK_FALSE(ka("GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade, close\r\n\r\n"));
  CHECK_FALSE(ka("GET / HTTP/1.0\r\n\r\n"));
  CHECK(ka("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
}

TEST_CASE("repeated fields are kept in order, identical Content-Length values are one length") {
  request_parser p;
  REQUIRE_FALSE(feed(p, "POST / HTTP/1.1\r\nHost: h\r\nAccept: a\r\naccept: b\r\nContent-Length: 2\r\n"
                        "Content-Length: 2, 2\r\n\r\nok"));
  CHECK(p.get().fields.count("Accept") == 2);
  CHECK(p.get().body == "ok");
}

TEST_CASE("one negative case per rule") {
  using E = errc;
  // Line endings: bare LF, bare CR (RFC 9112 2.2).
  CHECK(parse_request("GET / HTTP/1.1\nHost: h\r\n\r\n") == E::bad_line_ending);
  CHECK(parse_request("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n") == E::bad_line_ending);
  CHECK(parse_request("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n") == E::bad_line_ending);
  // Start lines.
  CHECK(parse_request("G(T / HTTP/1.1\r\nHost: h\r\n\r\n") == E::bad_method);
  CHECK(parse_request("GET  / HTTP/1.1\r\nHost: h\r\n\r\n") == E::bad_start_line);
  CHECK(parse_request("GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n") == E::bad_target);
  CHECK(parse_request("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == E::bad_version);
  CHECK(parse_request("GET / http/1.1\r\nHost: h\r\n\r\n") == E::bad_version);
  CHECK(parse_request("GET /\r\n\r\n") == E::bad_start_line);
  CHECK(parse_response("HTTP/1.1 20 OK\r\n\r\n") == E::bad_status);
  CHECK(parse_response("HTTP/1.1 099 Low\r\n\r\n") == E::bad_status);
  CHECK(parse_response("HTTP/1.1 600 High\r\n\r\n") == E::bad_status);
  CHECK(parse_response("HTTP/1.1 2000 OK\r\n\r\n") == E::bad_status);
  CHECK(parse_response("HTTP/1.1 200 O\x01K\r\n\r\n") == E::bad_reason);
  CHECK(parse_response("HTTP/3 200 OK\r\n\r\n") == E::bad_version);
  CHECK(parse_response("HTTP/1.1 20\r\n\r\n") == E::bad_start_line);
  CHECK_FALSE(parse_response("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n")); // no reason, no SP: tolerated
  CHECK(parse_response("HTTP/1.1200 OK\r\n\r\n") == E::bad_start_line);
  CHECK(parse_response("HTTP/1.2 200 OK\r\n\r\n") == E::bad_version);
  // Host (RFC 9112 3.2).
  CHECK(parse_request("GET / HTTP/1.1\r\n\r\n") == E::bad_host);
  CHECK(parse_request("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") == E::bad_host);
  // Fields.
  CHECK(parse_request("GET / HTTP/1.1\r\nHost : h\r\n\r\n") == E::bad_field_name); // RFC 9112 5.1
  CHECK(parse_request("GET / HTTP/1.1\r\n: h\r\n\r\n") == E::bad_field_name);
  CHECK(parse_request("GET / HTTP/1.1\r\nNo colon\r\n\r\n") == E::bad_field_name);
  CHECK(parse_request(std::string_view("GET / HTTP/1.1\r\nHost: h\r\nX: a\0z\r\n\r\n", 35)) == E::bad_field_value);
  CHECK(parse_request("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n") == E::obs_fold);
  CHECK(parse_request("GET / HTTP/1.1\r\n Host: h\r\n\r\n") == E::obs_fold);
  // Content-Length (RFC 9110 8.6, RFC 9112 6.3) and the smuggling shapes.
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") ==
        E::conflicting_content_length);
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd") == E::conflicting_content_length);
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n") == E::bad_content_length);
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n") == E::bad_content_length);
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n") == E::bad_content_length);
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n") == E::bad_content_length);
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551616\r\n\r\n") ==
        E::bad_content_length);
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        E::content_length_with_chunked);
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n") ==
        E::bad_transfer_encoding);
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") ==
        E::bad_transfer_encoding);
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n") == E::bad_transfer_encoding);
  CHECK(parse_request("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n") == E::bad_transfer_encoding);
  CHECK(parse_request("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == E::bad_transfer_encoding);
  // Chunks (RFC 9112 7.1).
  const std::string te = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  CHECK(parse_request(te + "g\r\n") == E::bad_chunk_size);
  CHECK(parse_request(te + "\r\n") == E::bad_chunk_size);
  CHECK(parse_request(te + "-1\r\n") == E::bad_chunk_size);
  CHECK(parse_request(te + "1x\r\na\r\n0\r\n\r\n") == E::bad_chunk_size);
  CHECK(parse_request(te + "10000000000000000\r\n") == E::chunk_size_overflow);
  CHECK(parse_request(te + "1;\r\na\r\n0\r\n\r\n") == E::bad_chunk_extension);
  CHECK(parse_request(te + "1;a=\"open\r\na\r\n0\r\n\r\n") == E::bad_chunk_extension);
  CHECK(parse_request(te + "1;a=\r\na\r\n0\r\n\r\n") == E::bad_chunk_extension);
  CHECK(parse_request(te + "1 \r\na\r\n0\r\n\r\n") == E::bad_chunk_extension);
  CHECK(parse_request(te + "1\r\nabc\r\n0\r\n\r\n") == E::bad_chunk_end);
  CHECK(parse_request(te + "1\r\na\r\n0\r\nBad trailer\r\n\r\n") == E::bad_field_name);
  // The stream ends inside a message.
  CHECK(parse_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc") == E::partial_message);
  CHECK(parse_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab") == E::partial_message);
  CHECK(parse_response("HTTP/1.1 200 OK\r\nServer") == E::partial_message);
}

TEST_CASE("limits are enforced before the bytes are buffered") {
  using E = errc;
  const parser_limits small{.max_start_line = 16, .max_fields = 2, .max_header_bytes = 44, .max_body = 4, .max_chunk_line = 8};
  // A start line longer than the limit is refused once the caller holds more than the
  // limit without a line end, not when the line finally ends.
  {
    request_parser p(small);
    std::error_code ec;
    CHECK(p.put(std::string_view("GET /0123456789"), ec) == 0);
    CHECK(ec == E::need_more);
    CHECK(p.put(std::string_view("GET /01234567890123"), ec) == 0);
    CHECK(ec == E::start_line_too_long);
  }
  CHECK(parse_request("GET /0123456 HTTP/1.1\r\nHost: h\r\n\r\n", small) == E::start_line_too_long);
  CHECK_FALSE(parse_request("GET /01 HTTP/1.1\r\nHost: h\r\n\r\n", small));
  CHECK(parse_request("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", small) == E::too_many_fields);
  CHECK(parse_request("GET / HTTP/1.1\r\nHost: h\r\nA: 0123456789012345678901234567890\r\n\r\n", small) ==
        E::header_too_large);
  {
    request_parser p(small);
    std::error_code ec;
    // The declared length is refused before any body byte arrives.
    p.put(std::string_view("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"), ec);
    CHECK(ec == E::body_too_large);
    CHECK(p.get().body.empty());
  }
  const std::string te = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  CHECK(parse_request(te + "3\r\nabc\r\n2\r\n", small) == E::body_too_large); // 5 > 4 from the chunk sizes
  CHECK_FALSE(parse_request(te + "3\r\nabc\r\n1\r\nd\r\n0\r\n\r\n", small));
  CHECK(parse_request(te + "1;abcdefgh\r\n", small) == E::chunk_line_too_long);
  CHECK(parse_response("HTTP/1.1 200 OK\r\n\r\n12345", small) == E::body_too_large); // close-delimited
}
