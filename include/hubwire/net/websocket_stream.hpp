#ifndef HUBWIRE_NET_WEBSOCKET_STREAM_HPP
#define HUBWIRE_NET_WEBSOCKET_STREAM_HPP

// A WebSocket client (RFC 6455) as an Asio AsyncStream, so that byte-stream protocols
// (MQTT over wss://{hub}/$iothub/websocket, subprotocol "mqtt"; AMQP with "AMQPWSB10")
// run over it unchanged, with asio::async_read / asio::async_write or hubwire's drivers:
//
//   net::websocket_stream<asio::ssl::stream<asio::ip::tcp::socket>> ws(io, tls_context);
//   // connect ws.next_layer().next_layer(), set_peer_host + TLS handshake ws.next_layer()
//   co_await ws.async_handshake(host, std::string(websocket::iothub_path), "mqtt", use_awaitable);
//   co_await asio::async_write(ws, asio::buffer(connect_packet), use_awaitable);
//   std::size_t n = co_await ws.async_read_some(asio::buffer(buf), use_awaitable);
//
// Reading: the payload of binary frames (and their continuations) is one byte stream;
// frame and message boundaries are not reported. Payload is copied straight from a
// fixed read buffer into the caller's buffer, so a frame header announcing gigabytes
// allocates nothing (frames above max_frame_payload are refused all the same). Text
// frames are refused (errc::text_frame): MQTT over WebSocket is binary only. Any
// protocol error completes the read with its websocket::errc, is sticky, and sends a
// Close (1002, 1003 for text, 1009 for too large) as the RFC's "fail the connection".
//
// Writing: each async_write_some sends all its bytes as one masked binary frame, with a
// fresh mask from OpenSSL's CSPRNG; a large frame goes out through a fixed scratch buffer
// in several next-layer writes. Cancelling a write that has started its frame leaves the
// stream unable to write (the frame is cut), as with any Asio stream.
//
// Control frames and the one-outstanding-write rule. The read side must sometimes
// write (Pong for Ping, the Close reply, the Close that fails the connection), while
// the caller may have a write of its own in flight. Writes to the next layer are
// serialized by one flag:
//   - when the read side needs to send a control frame and no write is in progress,
//     the read operation writes it itself before it completes or reads on;
//   - when a write is in progress, the frame is queued (one Pong slot holding the latest
//     Ping's payload, as RFC 6455 5.5.3 allows, and one Close slot) and the write in
//     progress sends it right after its own frame, before completing;
//   - a write (or async_close) started while the read side is writing a control frame
//     waits for it to finish.
// Control frames written on behalf of the read side are not cancellable (half a control
// frame would corrupt the stream); the read itself remains cancellable around them.
//
// Closing. A Close from the peer is answered with a Close echoing its code, then the
// read completes with asio::error::eof (and every later read too). async_close sends
// Close (1000) and waits, at most close_timeout, for the peer's Close: through the read
// the caller has outstanding if there is one, otherwise it reads (and discards data)
// itself; a read the caller starts meanwhile waits for it and then sees eof. On timeout
// it completes with asio::error::timed_out. Either way, close the next layer afterwards
// (a client should let the server close TCP first, RFC 6455 7.1.1).
//
// Cancellation: every operation honours its cancellation slot. Reads accept terminal,
// partial and total cancellation (a cancelled read delivers nothing and loses nothing:
// the next read goes on from the same byte); writes, the handshake and close accept
// terminal cancellation. Use the stream from one executor (or a strand).

#include <hubwire/net/asio_compat.hpp>
#include <hubwire/net/websocket_frame.hpp>
#include <hubwire/net/websocket_handshake.hpp>

#include <asio/async_result.hpp>
#include <asio/basic_waitable_timer.hpp>
#include <asio/error.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <type_traits>

namespace hubwire::net {

struct websocket_stream_options {
  // Largest frame accepted from the peer. Payload is streamed, never buffered whole;
  // this bounds what one frame may claim (MQTT's own packet limit applies above it).
  std::uint64_t max_frame_payload = 16 * 1024 * 1024;
  std::size_t read_buffer_size = 8 * 1024;  // fixed; holds raw bytes from the next layer
  std::size_t write_buffer_size = 8 * 1024; // fixed; masking scratch (at least 256)
  std::chrono::milliseconds close_timeout = std::chrono::seconds(5);
};

template <class NextLayer>
class websocket_stream {
public:
  using next_layer_type = NextLayer;
  using executor_type = typename NextLayer::executor_type;

  // Constructs the next layer from `args` (an io_context or executor, plus an
  // ssl::context for TLS).
  template <class... Args>
    requires std::is_constructible_v<NextLayer, Args&&...>
  explicit websocket_stream(Args&&... args);

  websocket_stream(const websocket_stream&) = delete;
  websocket_stream& operator=(const websocket_stream&) = delete;

  NextLayer& next_layer() noexcept { return next_; }
  const NextLayer& next_layer() const noexcept { return next_; }
  executor_type get_executor() noexcept { return next_.get_executor(); }

  // Before the handshake (no operation may be pending): replaces the options and
  // reallocates the buffers.
  void set_options(const websocket_stream_options& options);
  const websocket_stream_options& options() const noexcept { return opts_; }

  // Client opening handshake (RFC 6455 4.1) over a connected next layer: GET `path`
  // with Host `host` (add ":port" for a non-default port), a key from OpenSSL's CSPRNG
  // and Sec-WebSocket-Protocol `subprotocol`; the 101 reply is checked with
  // websocket::check_response (handshake_errc names the failed check). Bytes the server
  // sends right after its reply are kept for the first read. Completion: void(error_code).
  template <class Token>
  auto async_handshake(std::string host, std::string path, std::string subprotocol, Token&& token);

  // AsyncReadStream. Completion: void(error_code, std::size_t).
  template <class MutableBufferSequence, class Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token);

  // AsyncWriteStream: all of `buffers` as one binary frame. Completion:
  // void(error_code, std::size_t).
  template <class ConstBufferSequence, class Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token);

  // Close handshake, bounded by close_timeout. Completion: void(error_code).
  template <class Token>
  auto async_close(Token&& token);

  // Whether the peer's Close frame arrived.
  bool close_received() const noexcept { return close_received_; }

private:
  using timer_type = asio::basic_waitable_timer<std::chrono::steady_clock,
                                                asio::wait_traits<std::chrono::steady_clock>, executor_type>;
  struct handshake_op;
  template <class Buffers> struct read_op;
  template <class Buffers> struct write_op;
  struct close_op;

  void allocate();
  void compact() noexcept;
  bool random_mask(std::array<std::uint8_t, 4>& mask) noexcept;
  bool control_pending() const noexcept { return pong_pending_ || (close_pending_ && !close_sent_); }
  // The next queued control frame, masked, into the write buffer; 0 on CSPRNG failure.
  std::size_t build_control();
  void release_write() noexcept;
  void fail(std::error_code ec) noexcept;
  void on_control_frame(websocket::opcode op);
  // Consumes buffered input: payload into `buffers` from `offset` on, control frames
  // into the queue. Returns the payload bytes copied.
  template <class Buffers>
  std::size_t process(const Buffers& buffers, std::size_t offset);

  NextLayer next_;
  websocket_stream_options opts_{};
  std::unique_ptr<std::uint8_t[]> rbuf_;
  std::size_t rbegin_ = 0, rend_ = 0;
  std::unique_ptr<std::uint8_t[]> wbuf_;
  websocket::decoder dec_;
  bool in_frame_ = false; // a frame header was decoded and its payload is not all read

  timer_type write_wait_; // a write waiting for the read side's control frame
  timer_type read_wait_;  // a read waiting for async_close's own read
  timer_type close_wait_; // async_close waiting for the caller's read to see Close
  bool writing_ = false, reading_ = false;
  bool write_waiting_ = false, read_waiting_ = false, close_waiting_ = false;

  bool close_sent_ = false, close_received_ = false;
  std::error_code read_error_{};  // sticky: protocol error
  std::error_code write_error_{}; // sticky: a cut frame or a failed control write

  bool pong_pending_ = false;
  std::array<std::uint8_t, 125> pong_{};
  std::size_t pong_size_ = 0;
  bool close_pending_ = false;
  std::uint16_t close_code_ = 0; // 0: a Close with an empty payload
  std::array<std::uint8_t, 125> control_{};
  std::size_t control_size_ = 0;

  std::array<std::uint8_t, 64> random_{};
  std::size_t random_used_ = sizeof(random_);
  std::array<std::uint8_t, 256> discard_{}; // async_close's reads
  std::string handshake_request_{};
};

} // namespace hubwire::net

#include <hubwire/net/impl/websocket_stream.hpp>

#endif
