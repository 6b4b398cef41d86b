#include <hubwire/test/manual_clock.hpp>
#include <hubwire/test/stream.hpp>
#include <hubwire_test/catch.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/io_context.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

using hubwire::test::fail_count;
using hubwire::test::stream;

TEST_CASE("test::stream delivers scripted input split to the read size, and records writes") {
  asio::io_context io;
  stream s(io.get_executor(), "hello world");
  s.read_size(3);
  std::string got;
  std::array<char, 16> buf{};
  std::function<void(std::error_code, std::size_t)> on_read = [&](std::error_code ec, std::size_t n) {
    if (ec) return;
    CHECK(n <= 3);
    got.append(buf.data(), n);
    s.async_read_some(asio::buffer(buf), on_read);
  };
  s.async_read_some(asio::buffer(buf), on_read);
  io.poll();
  CHECK(got == "hello world");

  // More input arriving later completes the parked read; a remote close ends it with eof.
  io.restart();
  s.close_remote();
  io.poll();
  io.restart();
  s = stream(io.get_executor());
  std::error_code last;
  std::size_t n_last = 0;
  s.async_read_some(asio::buffer(buf), [&](std::error_code ec, std::size_t n) {
    last = ec;
    n_last = n;
  });
  io.poll();
  CHECK(n_last == 0);
  s.append("ab");
  io.poll();
  CHECK_FALSE(last);
  CHECK(n_last == 2);
  s.async_read_some(asio::buffer(buf), [&](std::error_code ec, std::size_t) { last = ec; });
  s.close_remote();
  io.restart();
  io.poll();
  CHECK(last == asio::error::eof);
  io.restart();

  std::size_t written = 0;
  asio::async_write(s, asio::buffer(std::string_view("out")), [&](std::error_code ec, std::size_t n) {
    CHECK_FALSE(ec);
    written = n;
  });
  io.run();
  CHECK(written == 3);
  CHECK(s.str() == "out");
}

TEST_CASE("test::stream pairs carry writes to the peer and a closed peer to eof") {
  asio::io_context io;
  stream a(io.get_executor()), b(io.get_executor());
  a.connect(b);
  std::string got(5, '\0');
  std::error_code rec;
  asio::async_read(b, asio::buffer(got), [&](std::error_code ec, std::size_t) { rec = ec; });
  a.write_size(2); // three writes for five bytes
  asio::async_write(a, asio::buffer(std::string_view("12345")), [](std::error_code ec, std::size_t) { CHECK_FALSE(ec); });
  io.run();
  CHECK_FALSE(rec);
  CHECK(got == "12345");

  io.restart();
  std::array<char, 4> buf{};
  b.async_read_some(asio::buffer(buf), [&](std::error_code ec, std::size_t) { rec = ec; });
  a.close();
  io.run();
  CHECK(rec == asio::error::eof);
}

TEST_CASE("test::stream honours per-operation cancellation and fail_count") {
  asio::io_context io;
  stream s(io.get_executor());
  asio::cancellation_signal cancel;
  std::error_code rec;
  std::array<char, 4> buf{};
  s.async_read_some(asio::buffer(buf), asio::bind_cancellation_slot(cancel.slot(), [&](std::error_code ec, std::size_t) {
                      rec = ec;
                    }));
  io.poll();
  cancel.emit(asio::cancellation_type::terminal);
  io.poll();
  CHECK(rec == asio::error::operation_aborted);

  io.restart();
  fail_count fc(2);
  stream f(io.get_executor(), "abc", &fc);
  std::vector<std::error_code> results;
  for (int i = 0; i < 3; ++i)
    f.async_write_some(asio::buffer(std::string_view("x")), [&](std::error_code ec, std::size_t) { results.push_back(ec); });
  io.run();
  REQUIRE(results.size() == 3);
  CHECK_FALSE(results[0]);
  CHECK(results[1] == std::errc::connection_reset);
  CHECK(results[2] == std::errc::connection_reset);
}

TEST_CASE("test::manual_clock moves only when told") {
  hubwire::test::manual_clock clock;
  const auto t0 = clock.now();
  clock.advance(std::chrono::seconds(60));
  CHECK(clock.now() - t0 == std::chrono::seconds(60));
}
