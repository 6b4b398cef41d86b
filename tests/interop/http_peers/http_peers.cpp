// hubwire's HTTP/1.1 codec against HTTP implementations nobody here wrote:
//  - Node.js's http server frames responses (Content-Length, chunked with a trailer,
//    204, HEAD) that our response parser reads over one keep-alive connection;
//  - Python's http.server sends an HTTP/1.0 body delimited by the close;
//  - curl talks to a tiny server made of our request parser and response serializer,
//    including a chunked request body.
#include <hubwire/http/parser.hpp>
#include <hubwire/http/serializer.hpp>
#include <hubwire_test/catch.hpp>
#include <hubwire_test/process.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

using namespace hubwire;

namespace {

const std::string dir = std::string(HUBWIRE_SOURCE_DIR) + "/tests/interop/http_peers/";

int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

void send_all(int fd, std::string_view s) {
  while (!s.empty()) {
    const auto n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    REQUIRE(n > 0);
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Reads one response from `fd` into `p`, keeping leftover bytes in `pending`.
std::error_code read_response(int fd, http::response_parser& p, std::string& pending) {
  char buf[7]; // small reads: the parser sees the message in many pieces
  std::error_code ec;
  for (;;) {
    const auto used = p.put(pending, ec);
    pending.erase(0, used);
    if (p.is_done()) return {};
    if (ec && ec != http::errc::need_more) return ec;
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      p.put_eof(ec);
      return ec ? ec : (p.is_done() ? std::error_code() : make_error_code(http::errc::partial_message));
    }
    pending.append(buf, static_cast<std::size_t>(n));
  }
}

http::request get(std::string target, std::uint16_t port, std::string method = "GET") {
  http::request r{.method = std::move(method), .target = std::move(target)};
  r.fields.add("Host", "127.0.0.1:" + std::to_string(port));
  return r;
}

} // namespace

TEST_CASE("Node's http server: fixed, chunked with trailer, 204 and HEAD on one keep-alive connection") {
  const auto port = hubwire_test::free_port();
  hubwire_test::process node({"node", dir + "node_server.js", std::to_string(port)});
  REQUIRE(node.wait_for_port(port));
  const int fd = connect_to(port);
  std::string pending;
  auto exchange = [&](const http::request& req, bool head = false) {
    std::string out;
    REQUIRE_FALSE(http::serialize(req, out));
    send_all(fd, out);
    http::response_parser p;
    p.skip_body(head);
    REQUIRE_FALSE(read_response(fd, p, pending));
    CHECK(p.keep_alive());
    return p;
  };
  {
    auto p = exchange(get("/fixed", port));
    CHECK(p.get().status == 200);
    CHECK(p.get().body == "fixed");
    CHECK(p.get().fields.value("etag") == "\"lock-1\"");
    CHECK(p.get().fields.value("iothub-app-k") == "v");
    CHECK_FALSE(p.chunked());
  }
  {
    auto p = exchange(get("/chunked", port));
    CHECK(p.chunked());
    CHECK(p.get().body == "Wikipedia in \r\n\r\nchunks.");
    CHECK(p.get().trailers.value("x-checksum") == "abc");
  }
  CHECK(exchange(get("/empty", port)).get().status == 204);
  {
    auto p = exchange(get("/fixed", port, "HEAD"), true);
    CHECK(p.get().status == 200);
    CHECK(p.get().body.empty());
    CHECK(p.content_length() == 5u);
  }
  {
    http::request post = get("/echo", port, "POST");
    post.body = "hello";
    auto p = exchange(post);
    CHECK(p.get().body == "POST hello");
  }
  {
    http::request chunked_post = get("/echo", port, "PUT");
    chunked_post.fields.add("Transfer-Encoding", "chunked");
    chunked_post.body = "in chunks";
    auto p = exchange(chunked_post);
    CHECK(p.get().body == "PUT in chunks");
  }
  ::close(fd);
}

TEST_CASE("Python's http.server: an HTTP/1.0 body delimited by the close") {
  const auto port = hubwire_test::free_port();
  hubwire_test::process py({"/usr/bin/python3", dir + "python_close_server.py", std::to_string(port)});
  REQUIRE(py.wait_for_port(port));
  const int fd = connect_to(port);
  std::string out;
  REQUIRE_FALSE(http::serialize(get("/", port), out));
  send_all(fd, out);
  http::response_parser p;
  std::string pending;
  REQUIRE_FALSE(read_response(fd, p, pending));
  CHECK(p.get().ver == 10);
  CHECK_FALSE(p.content_length());
  CHECK_FALSE(p.keep_alive());
  CHECK(p.get().body == "delimited by close\n");
  ::close(fd);
}

TEST_CASE("curl talks to a server built on hubwire's request parser and response serializer") {
  const int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  REQUIRE(::listen(lfd, 4) == 0);
  const auto port = ntohs(a.sin_port);

  std::atomic<int> served{0};
  std::string last_error;
  std::thread server([&] {
    // One connection, requests until the client closes: parse, answer with a summary.
    const int fd = ::accept(lfd, nullptr, nullptr);
    if (fd < 0) return;
    http::request_parser p;
    std::string pending;
    char buf[5];
    for (;;) {
      std::error_code ec;
      const auto used = p.put(pending, ec);
      pending.erase(0, used);
      if (ec && ec != http::errc::need_more) { last_error = ec.message(); break; }
      if (p.is_done()) {
        const auto& req = p.get();
        http::response res{.status = 200};
        res.fields.add("ETag", "\"lock-42\"");
        res.fields.add("X-Method", req.method);
        res.fields.add("X-Chunked", p.chunked() ? "yes" : "no");
        res.body = req.method + " " + req.target + " [" + req.body + "]";
        std::string out;
        if (http::serialize(res, out)) break;
        send_all(fd, out);
        ++served;
        const bool again = p.keep_alive();
        p.reset();
        if (!again) break;
        continue;
      }
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      pending.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
  });

  const std::string log = std::string(HUBWIRE_BINARY_DIR) + "/interop-http-curl-" + std::to_string(::getpid()) + ".log";
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  int status = -1;
  {
    // Two requests on one connection: a GET, then a POST whose body curl sends chunked.
    hubwire_test::process curl({"curl", "-s", "-i", "--max-time", "10", url + "/devices/d/messages/deviceBound?api-version=2021-04-12",
                                "--next", "-s", "-i", "-H", "Transfer-Encoding: chunked", "--data-binary", "payload 1",
                                url + "/abandon"},
                               log);
    ::waitpid(curl.pid(), &status, 0);
  }
  server.join();
  ::close(lfd);
  const std::string got = hubwire_test::read_file(log);
  INFO(got << last_error);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(served == 2);
  CHECK(last_error.empty());
  CHECK(got.find("HTTP/1.1 200 OK\r\nETag: \"lock-42\"\r\nX-Method: GET\r\nX-Chunked: no\r\nContent-Length: 61\r\n") !=
        std::string::npos);
  CHECK(got.find("GET /devices/d/messages/deviceBound?api-version=2021-04-12 []") != std::string::npos);
  CHECK(got.find("X-Chunked: yes") != std::string::npos);
  CHECK(got.find("POST /abandon [payload 1]") != std::string::npos);
}
