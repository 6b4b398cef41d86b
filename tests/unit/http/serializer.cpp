#include <hubwire/http/parser.hpp>
#include <hubwire/http/serializer.hpp>
#include <hubwire_test/catch.hpp>

using namespace hubwire::http;

TEST_CASE("serializer writes RFC 9110's example response byte for byte") {
  response res;
  res.status = 200;
  for (auto [n, v] : {std::pair{"Date", "Mon, 27 Jul 2009 12:28:53 GMT"}, {"Server", "Apache"},
                      {"Last-Modified", "Wed, 22 Jul 2009 19:15:56 GMT"}, {"ETag", "\"34aa387-d-1568eb00\""},
                      {"Accept-Ranges", "bytes"}, {"Content-Length", "51"}, {"Vary", "Accept-Encoding"},
                      {"Content-Type", "text/plain"}})
    res.fields.add(n, v);
  res.body = "Hello World! My content includes a trailing CRLF.\r\n";
  std::string out;
  REQUIRE_FALSE(serialize(res, out));
  CHECK(out ==
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
        "Hello World! My content includes a trailing CRLF.\r\n");
}

TEST_CASE("serializer writes RFC 9110's example request and keeps names exactly as given") {
  request req;
  req.target = "/hello.txt";
  req.fields.add("User-Agent", "curl/7.64.1");
  req.fields.add("Host", "www.example.com");
  req.fields.add("Accept-Language", "en, mi");
  req.fields.add("ContentType", "x"); // IoT Hub's C SDK matches this spelling exactly
  req.fields.add("etag", "y");
  std::string out;
  REQUIRE_FALSE(serialize(req, out));
  CHECK(out ==
        "GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\n"
        "Accept-Language: en, mi\r\nContentType: x\r\netag: y\r\n\r\n");
}

TEST_CASE("serializer frames bodies: Content-Length added, checked, or chunked") {
  std::string out;
  request post{.method = "POST", .target = "/a/abandon"};
  post.fields.add("Host", "h");
  REQUIRE_FALSE(serialize(post, out));
  CHECK(out == "POST /a/abandon HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"); // RFC 9110 8.6

  out.clear();
  request del{.method = "DELETE", .target = "/x"};
  REQUIRE_FALSE(serialize(del, out));
  CHECK(out == "DELETE /x HTTP/1.1\r\n\r\n"); // no content, no Content-Length

  out.clear();
  response res;
  res.fields.add("Content-Length", "3");
  res.body = "abcd";
  CHECK(serialize(res, out) == errc::bad_content_length);
  CHECK(out.empty()); // nothing half-written

  response chunked;
  chunked.fields.add("Transfer-Encoding", "chunked");
  chunked.body = "Wikipedia";
  chunked.trailers.add("Expires", "never");
  REQUIRE_FALSE(serialize(chunked, out));
  CHECK(out == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nWikipedia\r\n0\r\nExpires: never\r\n\r\n");

  out.clear();
  response no_content{.status = 204};
  REQUIRE_FALSE(serialize(no_content, out));
  CHECK(out == "HTTP/1.1 204 No Content\r\n\r\n");
  no_content.body = "x";
  CHECK(serialize(no_content, out) == errc::body_not_allowed);
}

TEST_CASE("serializer refuses what would break the framing (header injection)") {
  std::string out;
  request r;
  r.fields.add("X", "a\r\nInjected: 1");
  CHECK(serialize(r, out) == errc::bad_field);
  r.fields.clear();
  r.fields.add("Bad Name", "v");
  CHECK(serialize(r, out) == errc::bad_field);
  r.fields.clear();
  r.target = "/a b";
  CHECK(serialize(r, out) == errc::bad_target);
  r.target = "/";
  r.method = "GE T";
  CHECK(serialize(r, out) == errc::bad_method);
  response res{.status = 200, .reason = "OK\r\nX: y"};
  CHECK(serialize(res, out) == errc::bad_reason);
  response res2{.status = 1000};
  CHECK(serialize(res2, out) == errc::bad_status);
  CHECK(out.empty());
}

TEST_CASE("what the serializer writes, the parser reads back equal") {
  response res{.status = 412, .reason = "Precondition Failed"};
  res.fields.add("ETag", "\"abc\"");
  res.fields.add("iothub-app-k", "v\xc3\xa9"); // obs-text (UTF-8) is a legal field value byte
  res.body = std::string("bin\0ary", 7);
  std::string out;
  REQUIRE_FALSE(serialize(res, out));
  response_parser p;
  std::error_code ec;
  CHECK(p.put(out, ec) == out.size());
  REQUIRE(p.is_done());
  res.fields.add("Content-Length", "7"); // the one the serializer added
  CHECK(p.get() == res);

  request req{.method = "PUT", .target = "/t?q=1"};
  req.fields.add("Host", "h");
  req.fields.add("Transfer-Encoding", "chunked");
  req.body = "x";
  req.trailers.add("T", "1");
  out.clear();
  REQUIRE_FALSE(serialize(req, out));
  request_parser q;
  CHECK(q.put(out, ec) == out.size());
  REQUIRE(q.is_done());
  CHECK(q.get() == req);
}
