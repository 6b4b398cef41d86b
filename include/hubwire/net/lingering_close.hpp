#ifndef HUBWIRE_NET_LINGERING_CLOSE_HPP
#define HUBWIRE_NET_LINGERING_CLOSE_HPP

// Ends a TCP connection after a protocol's last words (MQTT DISCONNECT, AMQP close)
// without losing them. Closing a socket that still has unread input makes the kernel
// send RST instead of FIN, and a peer that has not yet read everything we wrote then
// loses it: a slow broker drops the PUBACKs queued before our DISCONNECT, and
// redelivers those messages. So: half-close (our FIN follows the last bytes), read and
// discard until the peer closes too, and close. `timer` bounds the wait: at `timeout`
// it closes the socket (the caller owns both; destroying them together is safe).
//
// Completes with void(std::error_code): success when the peer closed within the time,
// asio::error::timed_out when it did not (the socket is closed either way).

#include <hubwire/net/asio_compat.hpp> // before Asio: one allocation scheme in every TU

#include <asio/compose.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <system_error>

namespace hubwire::net {

namespace detail {

struct lingering_close_op {
  static constexpr std::size_t scratch_size = 4096;
  asio::ip::tcp::socket& socket;
  asio::steady_timer& timer;
  std::chrono::steady_clock::duration timeout;
  std::unique_ptr<char[]> scratch{};

  template <class Self>
  void operator()(Self& self, std::error_code ec = {}, std::size_t = 0) {
    if (!scratch) {
      scratch = std::make_unique<char[]>(scratch_size);
      socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec); // not connected: the read says so
      timer.expires_after(timeout);
      timer.async_wait([&s = socket](std::error_code e) {
        std::error_code ignored;
        if (!e) s.close(ignored); // the drain below ends with operation_aborted
      });
    } else if (ec) {
      const bool timed_out = ec == asio::error::operation_aborted && timer.expiry() <= std::chrono::steady_clock::now();
      timer.cancel();
      std::error_code ignored;
      socket.close(ignored);
      if (ec == asio::error::eof) ec.clear();
      return self.complete(timed_out ? std::error_code(asio::error::timed_out) : ec);
    }
    socket.async_read_some(asio::buffer(scratch.get(), scratch_size), std::move(self));
  }
};

} // namespace detail

template <class Rep, class Period, class Token>
auto async_lingering_close(asio::ip::tcp::socket& socket, asio::steady_timer& timer,
                           std::chrono::duration<Rep, Period> timeout, Token&& token) {
  return asio::async_compose<Token, void(std::error_code)>(
      detail::lingering_close_op{socket, timer, std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout)},
      token, socket);
}

} // namespace hubwire::net

#endif
