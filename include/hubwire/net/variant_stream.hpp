#ifndef HUBWIRE_NET_VARIANT_STREAM_HPP
#define HUBWIRE_NET_VARIANT_STREAM_HPP

// One AsyncStream that is, per connection, one of several stream types (plain TCP, TLS,
// WebSocket over TLS): a client picks its transport at run time without type erasure
// or an allocation per operation. Empty until emplace(); reads and writes on an empty
// stream fail with asio::error::not_connected. The read and write initiations return
// void, so use them with completion handlers (async_compose's `self`, asio::async_read
// and async_write), which is how the library's loops call them.

#include <hubwire/net/asio_compat.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>
#include <variant>

namespace hubwire::net {

template <class... Streams>
class variant_stream {
public:
  using executor_type = asio::any_io_executor;

  explicit variant_stream(executor_type ex) : ex_(std::move(ex)) {}

  executor_type get_executor() const noexcept { return ex_; }

  template <class S, class... Args>
  S& emplace(Args&&... args) {
    return streams_.template emplace<S>(std::forward<Args>(args)...);
  }
  void reset() noexcept { streams_.template emplace<std::monostate>(); }
  bool empty() const noexcept { return std::holds_alternative<std::monostate>(streams_); }
  template <class S>
  S* get_if() noexcept { return std::get_if<S>(&streams_); }

  // The TCP socket under whichever stream this is; nullptr when empty.
  asio::ip::tcp::socket* socket() noexcept {
    return std::visit(
        [](auto& s) -> asio::ip::tcp::socket* {
          if constexpr (std::is_same_v<std::decay_t<decltype(s)>, std::monostate>) return nullptr;
          else return &lowest(s);
        },
        streams_);
  }

  // Closes the socket (no closing handshake): pending reads and writes complete.
  void close() noexcept {
    if (auto* s = socket()) {
      std::error_code ignored;
      s->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
      s->close(ignored);
    }
  }

  template <class MutableBuffers, class Handler>
  void async_read_some(const MutableBuffers& b, Handler&& h) {
    dispatch(std::forward<Handler>(h), [&b](auto& s, auto&& handler) { s.async_read_some(b, std::move(handler)); });
  }

  template <class ConstBuffers, class Handler>
  void async_write_some(const ConstBuffers& b, Handler&& h) {
    dispatch(std::forward<Handler>(h), [&b](auto& s, auto&& handler) { s.async_write_some(b, std::move(handler)); });
  }

private:
  // Starts `start(stream, handler)` on whichever stream this is; not connected when empty.
  template <class Handler, class Start>
  void dispatch(Handler&& h, Start start) {
    std::visit(
        [&](auto& s) {
          if constexpr (std::is_same_v<std::decay_t<decltype(s)>, std::monostate>)
            asio::post(ex_, [h = std::forward<Handler>(h)]() mutable { std::move(h)(asio::error::not_connected, std::size_t{0}); });
          else start(s, std::forward<Handler>(h));
        },
        streams_);
  }

  static asio::ip::tcp::socket& lowest(asio::ip::tcp::socket& s) noexcept { return s; }
  template <class S>
  static asio::ip::tcp::socket& lowest(S& s) noexcept { return lowest(s.next_layer()); }

  executor_type ex_;
  std::variant<std::monostate, Streams...> streams_;
};

} // namespace hubwire::net

#endif
