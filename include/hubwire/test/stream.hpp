#ifndef HUBWIRE_TEST_STREAM_HPP
#define HUBWIRE_TEST_STREAM_HPP

// A scripted, in-memory Asio AsyncStream, in the spirit of Beast's test::stream.
// A test appends the bytes the peer "sends" (all at once or as the exchange goes),
// reads back what the code under test wrote, limits read and write sizes to split
// packets anywhere, closes the peer's side, or fails the Nth operation. Two streams can
// be connected back to back, so a client and a server run against each other in one
// io_context with no sockets.

#include <hubwire/net/asio_compat.hpp>
#include <hubwire/test/fail_count.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace hubwire::test {

class stream {
public:
  using executor_type = asio::any_io_executor;

  explicit stream(executor_type ex, fail_count* fc = nullptr);
  stream(executor_type ex, std::string_view input, fail_count* fc = nullptr);
  stream(stream&&) noexcept = default;
  stream& operator=(stream&&) noexcept = default;
  ~stream();

  executor_type get_executor() const noexcept { return ex_; }

  // Writes of each stream become the other's input.
  void connect(stream& peer);

  void append(std::string_view bytes);   // input the peer sends
  void close_remote();                   // the peer closes: reads end with eof once drained
  void close();                          // this side closes: pending and later ops fail
  std::string_view str() const noexcept; // what was written (when not connected)
  void clear() noexcept;                 // forget what was written
  std::size_t pending_input() const noexcept;
  std::size_t write_count() const noexcept; // write_some calls that wrote

  void read_size(std::size_t n) noexcept;  // at most n bytes per read_some
  void write_size(std::size_t n) noexcept; // at most n bytes per write_some

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token);
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token);

  struct state;

private:
  executor_type ex_;
  std::shared_ptr<state> s_;
};

} // namespace hubwire::test

#include <hubwire/test/impl/stream.hpp>

#endif
