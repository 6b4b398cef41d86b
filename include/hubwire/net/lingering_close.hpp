#ifndef HUBWIRE_NET_LINGERING_CLOSE_HPP
#define HUBWIRE_NET_LINGERING_CLOSE_HPP

// Ends a TCP connection after a protocol's last words (MQTT DISCONNECT, AMQP close)
// without losing them. Closing a socket that still has unread input makes the kernel
// send RST instead of FIN, and a peer that has not yet read everything we wrote then
// loses it: a slow broker drops the PUBACKs queued before our DISCONNECT, and
// redelivers those messages. So: half-close (our FIN follows the last bytes), read and
// discard until the peer closes too, and close; `timeout` bounds the wait.
//
// Completes with void(std::error_code): success when the peer closed within the time,
// asio::error::timed_out when it did not (the socket is closed either way).

#include <hubwire/net/asio_compat.hpp>
#include <hubwire/net/with_timeout.hpp>

#include <asio/compose.hpp>
#include <asio/ip/tcp.hpp>

#include <chrono>
#include <memory>
#include <system_error>

namespace hubwire::net {

namespace detail {

struct drain_op {
  asio::ip::tcp::socket& socket;
  std::unique_ptr<char[]> scratch = std::make_unique<char[]>(size);
  static constexpr std::size_t size = 4096;

  template <class Self>
  void operator()(Self& self, std::error_code ec = {}, std::size_t = 0) {
    if (ec == asio::error::eof) return self.complete(std::error_code{});
    if (ec) return self.complete(ec);
    socket.async_read_some(asio::buffer(scratch.get(), size), std::move(self));
  }
};

struct lingering_close_op {
  asio::ip::tcp::socket& socket;
  std::chrono::steady_clock::duration timeout;
  bool started = false;

  template <class Self>
  void operator()(Self& self, std::error_code ec = {}) {
    if (!started) {
      started = true;
      socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec); // not connected: the read says so
      return with_timeout(asio::async_compose<decltype(deferred), void(std::error_code)>(drain_op{socket}, deferred, socket),
                          timeout, std::move(self));
    }
    std::error_code ignored;
    socket.close(ignored);
    self.complete(ec);
  }
};

} // namespace detail

template <class Rep, class Period, class Token>
auto async_lingering_close(asio::ip::tcp::socket& socket, std::chrono::duration<Rep, Period> timeout, Token&& token) {
  return asio::async_compose<Token, void(std::error_code)>(
      detail::lingering_close_op{socket, std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout)}, token,
      socket);
}

} // namespace hubwire::net

#endif
