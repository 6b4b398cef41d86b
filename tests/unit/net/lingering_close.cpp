// net::async_lingering_close over real loopback TCP: what was written before it reaches
// a peer that reads late, although input was left unread (a plain close would reset the
// connection), and a peer that never closes costs at most the timeout.
#include <hubwire/net/lingering_close.hpp>
#include <hubwire_test/catch.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <chrono>
#include <string>

using namespace std::chrono_literals;
using asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

// A connected client and server socket on 127.0.0.1. The server has sent the client
// `unread` bytes the client never reads (a message the broker sent while we closed).
struct connection {
  asio::io_context io;
  tcp::socket client{io}, server{io};
  asio::steady_timer timer{io};

  explicit connection(std::size_t unread = 100) {
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.connect(a.local_endpoint());
    a.accept(server);
    asio::write(server, asio::buffer(std::string(unread, 'u')));
  }
};

// The server reads everything after `delay`, as a busy peer would: bytes read, and how
// its reading ended.
struct late_reader {
  std::size_t bytes = 0;
  std::error_code ended;
  clock_type::time_point closed_at{};
  std::string buf = std::string(8192, '\0');
  asio::steady_timer timer;
  tcp::socket& s;
  bool close_when_done;

  late_reader(tcp::socket& sock, std::chrono::milliseconds delay, bool close = true)
      : timer(sock.get_executor(), delay), s(sock), close_when_done(close) {
    timer.async_wait([this](std::error_code) { read(); });
  }
  void read() {
    s.async_read_some(asio::buffer(buf), [this](std::error_code ec, std::size_t n) {
      bytes += n;
      if (!ec) return read();
      ended = ec;
      closed_at = clock_type::now();
      if (close_when_done) s.close();
    });
  }
};

} // namespace

TEST_CASE("lingering close: a late reader gets every byte and a clean end, and the close waits for its close") {
  connection c;
  const std::string payload(256 * 1024, 'p'); // more than the socket buffers hold at once
  late_reader peer(c.server, 150ms);
  std::error_code closed = asio::error::would_block;
  clock_type::time_point done_at{};
  asio::async_write(c.client, asio::buffer(payload), [&](std::error_code ec, std::size_t) {
    REQUIRE_FALSE(ec);
    hubwire::net::async_lingering_close(c.client, c.timer, 2s, [&](std::error_code e) {
      closed = e;
      done_at = clock_type::now();
    });
  });
  c.io.run();
  CHECK(peer.bytes == payload.size());
  CHECK(peer.ended == asio::error::eof); // a FIN after the last byte, not a reset
  CHECK_FALSE(closed);
  CHECK(done_at >= peer.closed_at); // it waited for the peer to close its side
  CHECK_FALSE(c.client.is_open());
}

TEST_CASE("lingering close: a plain close with input left unread resets the connection (why lingering exists)") {
  connection c;
  const std::string payload(256 * 1024, 'p');
  late_reader peer(c.server, 150ms);
  asio::async_write(c.client, asio::buffer(payload), [&](std::error_code ec, std::size_t) {
    REQUIRE_FALSE(ec);
    c.client.close();
  });
  c.io.run();
  CHECK(peer.ended == asio::error::connection_reset);
  CHECK(peer.bytes < payload.size());
}

TEST_CASE("lingering close: a peer that never closes costs the timeout, then the socket is closed anyway") {
  connection c;
  late_reader peer(c.server, 0ms, /*close=*/false); // reads, but never closes its side
  std::error_code closed;
  const auto start = clock_type::now();
  hubwire::net::async_lingering_close(c.client, c.timer, 200ms, [&](std::error_code e) { closed = e; });
  c.io.run_for(3s);
  CHECK(closed == asio::error::timed_out);
  CHECK(clock_type::now() - start >= 200ms);
  CHECK_FALSE(c.client.is_open());
  CHECK(peer.ended == asio::error::eof); // our FIN still went out first
}
