#include <hubwire/net/with_timeout.hpp>
#include <hubwire/test/stream.hpp>
#include <hubwire_test/catch.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#include <chrono>

using namespace std::chrono_literals;
using hubwire::net::deferred;
using hubwire::net::with_timeout;

TEST_CASE("with_timeout cancels an operation that does not finish in time") {
  asio::io_context io;
  hubwire::test::stream s(io.get_executor()); // nothing ever arrives
  std::array<char, 8> buf{};
  std::error_code result;
  std::size_t n = 99;
  const auto start = std::chrono::steady_clock::now();
  with_timeout(s.async_read_some(asio::buffer(buf), deferred), 50ms,
               asio::bind_executor(io, [&](std::error_code ec, std::size_t k) {
                 result = ec;
                 n = k;
               }));
  io.run(); // returns only if the pending read was cancelled: nothing hangs
  CHECK(result == asio::error::timed_out);
  CHECK(n == 0);
  CHECK(std::chrono::steady_clock::now() - start >= 50ms);
}

TEST_CASE("with_timeout passes through an operation that finishes first") {
  asio::io_context io;
  hubwire::test::stream s(io.get_executor(), "abc");
  std::array<char, 8> buf{};
  std::error_code result = asio::error::timed_out;
  std::size_t n = 0;
  const auto start = std::chrono::steady_clock::now();
  with_timeout(s.async_read_some(asio::buffer(buf), deferred), 10s,
               asio::bind_executor(io, [&](std::error_code ec, std::size_t k) {
                 result = ec;
                 n = k;
               }));
  io.run(); // the timer is cancelled too, or this would take 10 s
  CHECK_FALSE(result);
  CHECK(n == 3);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("with_timeout works with coroutines") {
  asio::io_context io;
  hubwire::test::stream s(io.get_executor());
  std::error_code result;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        std::array<char, 8> buf{};
        auto [ec, k] = co_await with_timeout(s.async_read_some(asio::buffer(buf), deferred), 20ms,
                                             hubwire::net::as_tuple(asio::use_awaitable));
        result = ec;
        (void)k;
      },
      asio::detached);
  io.run();
  CHECK(result == asio::error::timed_out);
}
