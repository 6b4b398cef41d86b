#ifndef HUBWIRE_NET_IMPL_WEBSOCKET_STREAM_HPP
#define HUBWIRE_NET_IMPL_WEBSOCKET_STREAM_HPP

#include <hubwire/http/parser.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/buffer.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/cancellation_type.hpp>
#include <asio/compose.hpp>
#include <asio/experimental/parallel_group.hpp>
#include <asio/post.hpp>
#include <asio/write.hpp>

#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

namespace hubwire::net {
namespace detail {

// Size of a frame header from its second byte (RFC 6455 5.2), so that the decoder is
// handed the header alone and payload is never consumed beyond the caller's buffer.
constexpr std::size_t ws_header_length(std::uint8_t b1) noexcept {
  const std::uint8_t len7 = b1 & 0x7F;
  return 2 + ((b1 & 0x80) ? 4 : 0) + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
}

// Copies `n` bytes to a buffer sequence, starting `offset` bytes into it.
template <class Buffers>
std::size_t ws_copy_to(const Buffers& buffers, std::size_t offset, const std::uint8_t* src, std::size_t n) noexcept {
  std::size_t done = 0;
  for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers) && done < n; ++it) {
    asio::mutable_buffer b(*it);
    if (offset >= b.size()) {
      offset -= b.size();
      continue;
    }
    b += offset;
    offset = 0;
    const std::size_t k = std::min(b.size(), n - done);
    std::memcpy(b.data(), src + done, k);
    done += k;
  }
  return done;
}

// Copies `n` bytes from a buffer sequence, starting `offset` bytes into it.
template <class Buffers>
std::size_t ws_copy_from(const Buffers& buffers, std::size_t offset, std::uint8_t* dst, std::size_t n) noexcept {
  std::size_t done = 0;
  for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers) && done < n; ++it) {
    asio::const_buffer b(*it);
    if (offset >= b.size()) {
      offset -= b.size();
      continue;
    }
    b += offset;
    offset = 0;
    const std::size_t k = std::min(b.size(), n - done);
    std::memcpy(dst + done, b.data(), k);
    done += k;
  }
  return done;
}

template <class Self>
bool ws_cancelled(Self& self) noexcept {
  return self.get_cancellation_state().cancelled() != asio::cancellation_type::none;
}

// Control frames written for the read side must not be cut by the caller's cancellation.
template <class Self>
auto ws_uncancellable(Self&& self) {
  return asio::bind_cancellation_slot(asio::cancellation_slot(), std::forward<Self>(self));
}

// The close code that "fails the connection" for a read error (RFC 6455 7.4.1).
inline std::uint16_t ws_close_code_for(std::error_code ec) noexcept {
  if (ec == websocket::errc::text_frame) return 1003;
  if (ec == websocket::errc::frame_too_large) return 1009;
  return 1002;
}

} // namespace detail

template <class NextLayer>
template <class... Args>
  requires std::is_constructible_v<NextLayer, Args&&...>
websocket_stream<NextLayer>::websocket_stream(Args&&... args)
    : next_(std::forward<Args>(args)...), write_wait_(next_.get_executor()), read_wait_(next_.get_executor()),
      close_wait_(next_.get_executor()) {
  allocate();
}

template <class NextLayer>
void websocket_stream<NextLayer>::set_options(const websocket_stream_options& options) {
  opts_ = options;
  allocate();
}

template <class NextLayer>
void websocket_stream<NextLayer>::allocate() {
  opts_.read_buffer_size = std::max<std::size_t>(opts_.read_buffer_size, 16);
  opts_.write_buffer_size = std::max<std::size_t>(opts_.write_buffer_size, 256);
  rbuf_ = std::make_unique<std::uint8_t[]>(opts_.read_buffer_size);
  wbuf_ = std::make_unique<std::uint8_t[]>(opts_.write_buffer_size);
  rbegin_ = rend_ = 0;
  dec_ = websocket::decoder({.local = websocket::role::client, .max_frame_payload = opts_.max_frame_payload});
  in_frame_ = false;
}

template <class NextLayer>
void websocket_stream<NextLayer>::compact() noexcept {
  if (rbegin_ == rend_) {
    rbegin_ = rend_ = 0;
  } else if (rbegin_ > 0 && rend_ == opts_.read_buffer_size) {
    // Only a partial frame header (at most 14 bytes) can be left over.
    std::memmove(rbuf_.get(), rbuf_.get() + rbegin_, rend_ - rbegin_);
    rend_ -= rbegin_;
    rbegin_ = 0;
  }
}

template <class NextLayer>
bool websocket_stream<NextLayer>::random_mask(std::array<std::uint8_t, 4>& mask) noexcept {
  if (random_used_ + mask.size() > random_.size()) {
    if (RAND_bytes(random_.data(), static_cast<int>(random_.size())) != 1) return false;
    random_used_ = 0;
  }
  std::memcpy(mask.data(), random_.data() + random_used_, mask.size());
  random_used_ += mask.size();
  return true;
}

template <class NextLayer>
std::size_t websocket_stream<NextLayer>::build_control() {
  websocket::frame_header h{.fin = true, .op = websocket::opcode::pong, .masked = true};
  std::array<std::uint8_t, 125> payload{};
  std::size_t size = 0;
  if (pong_pending_ && !close_sent_) {
    size = std::min(pong_size_, payload.size()); // control payloads are at most 125 bytes (RFC 6455 5.5)
    std::memcpy(payload.data(), pong_.data(), size);
    pong_pending_ = false;
  } else {
    h.op = websocket::opcode::close;
    if (close_code_ != 0) {
      payload[0] = static_cast<std::uint8_t>(close_code_ >> 8);
      payload[1] = static_cast<std::uint8_t>(close_code_ & 0xFF);
      size = 2;
    }
    close_pending_ = false;
    pong_pending_ = false; // nothing follows a Close (RFC 6455 5.5.1)
    close_sent_ = true;
  }
  if (!random_mask(h.mask)) return 0;
  h.payload_size = size;
  const std::size_t head = websocket::encode_header(h, core::mutable_bytes(wbuf_.get(), 14));
  std::memcpy(wbuf_.get() + head, payload.data(), size);
  websocket::apply_mask(core::mutable_bytes(wbuf_.get() + head, size), h.mask, 0);
  return head + size;
}

template <class NextLayer>
void websocket_stream<NextLayer>::release_write() noexcept {
  writing_ = false;
  if (write_waiting_) write_wait_.cancel();
}

template <class NextLayer>
void websocket_stream<NextLayer>::fail(std::error_code ec) noexcept {
  read_error_ = ec;
  in_frame_ = false;
  if (!close_sent_ && !close_pending_) {
    close_pending_ = true;
    close_code_ = detail::ws_close_code_for(ec);
  }
}

template <class NextLayer>
void websocket_stream<NextLayer>::on_control_frame(websocket::opcode op) {
  using websocket::opcode;
  if (op == opcode::ping) {
    if (close_sent_ || close_pending_) return;
    std::memcpy(pong_.data(), control_.data(), control_size_);
    pong_size_ = control_size_;
    pong_pending_ = true;
  } else if (op == opcode::close) {
    close_received_ = true;
    if (!close_sent_ && !close_pending_) {
      close_pending_ = true;
      // Echo the peer's code (RFC 6455 5.5.1); the decoder validated it.
      close_code_ = control_size_ >= 2 ? static_cast<std::uint16_t>((control_[0] << 8) | control_[1]) : 0;
    }
  }
  // Pong: unsolicited or not, nothing to do (5.5.3).
}

template <class NextLayer>
template <class Buffers>
std::size_t websocket_stream<NextLayer>::process(const Buffers& buffers, std::size_t offset) {
  const std::size_t capacity = asio::buffer_size(buffers);
  std::size_t copied = 0;
  std::error_code ec;
  while (!read_error_ && !close_received_) {
    std::uint8_t* const p = rbuf_.get() + rbegin_;
    const std::size_t avail = rend_ - rbegin_;
    if (!in_frame_) {
      if (avail < 2) break;
      // Never more than the header: its payload goes to the caller's buffer, not here.
      // A partial header is offered too, so a fault in its first bytes shows at once.
      rbegin_ += dec_.put(core::mutable_bytes(p, std::min(avail, detail::ws_header_length(p[1]))), ec);
      if (ec == websocket::errc::need_more) break;
      if (ec) {
        fail(ec);
        break;
      }
      if (dec_.header().op == websocket::opcode::text) {
        fail(websocket::errc::text_frame);
        break;
      }
      in_frame_ = true;
      control_size_ = 0;
    } else if (!websocket::is_control(dec_.header().op)) {
      const std::size_t n = std::min(avail, capacity - offset - copied);
      if (n == 0) break;
      rbegin_ += dec_.put(core::mutable_bytes(p, n), ec);
      const auto payload = dec_.payload();
      copied += detail::ws_copy_to(buffers, offset + copied, payload.data(), payload.size());
    } else {
      if (avail == 0) break;
      rbegin_ += dec_.put(core::mutable_bytes(p, avail), ec);
      const auto payload = dec_.payload();
      std::memcpy(control_.data() + control_size_, payload.data(), payload.size());
      control_size_ += payload.size();
      if (ec && ec != websocket::errc::need_more) {
        fail(ec);
        break;
      }
    }
    if (in_frame_ && dec_.frame_done()) {
      in_frame_ = false;
      if (websocket::is_control(dec_.header().op)) on_control_frame(dec_.header().op);
    }
  }
  if (close_waiting_ && (close_received_ || read_error_)) close_wait_.cancel();
  return copied;
}

// ---------------------------------------------------------------------------- handshake

template <class NextLayer>
struct websocket_stream<NextLayer>::handshake_op {
  websocket_stream* s;
  std::string host, path, subprotocol;
  std::string key{};
  http::response_parser parser{};
  enum class step { start, no_randomness, written, reading } at = step::start;

  template <class Self>
  void operator()(Self& self, std::error_code ec = {}, std::size_t n = 0) {
    switch (at) {
      case step::start: {
        std::array<std::uint8_t, 16> nonce{};
        if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
          at = step::no_randomness; // never complete inside the initiating function
          return asio::post(std::move(self));
        }
        key = websocket::make_key(nonce);
        s->handshake_request_ = websocket::client_request(host, path, key, subprotocol);
        s->rbegin_ = s->rend_ = 0;
        at = step::written;
        return asio::async_write(s->next_, asio::buffer(s->handshake_request_), std::move(self));
      }
      case step::no_randomness:
        return self.complete(websocket::errc::no_randomness);
      case step::written:
        s->handshake_request_.clear();
        s->handshake_request_.shrink_to_fit();
        if (ec) return self.complete(ec);
        at = step::reading;
        break;
      case step::reading:
        if (ec) return self.complete(ec);
        s->rend_ += n;
        break;
    }
    std::error_code pec;
    s->rbegin_ += parser.put(core::bytes_view(s->rbuf_.get() + s->rbegin_, s->rend_ - s->rbegin_), pec);
    if (parser.header_done()) {
      const auto& fields = parser.get().fields;
      const auto lookup = [&fields](std::string_view name) -> std::optional<std::string_view> {
        if (const auto* f = fields.find(name)) return std::string_view(f->value);
        return std::nullopt;
      };
      return self.complete(websocket::check_response(parser.get().status, lookup, key, subprotocol));
    }
    if (pec && pec != http::errc::need_more) return self.complete(pec);
    s->compact();
    if (s->rend_ == s->opts_.read_buffer_size) return self.complete(http::errc::header_too_large);
    s->next_.async_read_some(asio::buffer(s->rbuf_.get() + s->rend_, s->opts_.read_buffer_size - s->rend_),
                             std::move(self));
  }
};

template <class NextLayer>
template <class Token>
auto websocket_stream<NextLayer>::async_handshake(std::string host, std::string path, std::string subprotocol,
                                                  Token&& token) {
  return asio::async_compose<Token, void(std::error_code)>(
      handshake_op{this, std::move(host), std::move(path), std::move(subprotocol)}, token, next_);
}

// --------------------------------------------------------------------------------- read

template <class NextLayer>
template <class Buffers>
struct websocket_stream<NextLayer>::read_op {
  websocket_stream* s;
  Buffers buffers;
  std::size_t copied = 0;
  bool locked = false; // this operation holds the next layer's read side
  std::error_code result{};
  enum class step { start, parked, reading, control, posted } at = step::start;

  template <class Self>
  void operator()(Self& self, std::error_code ec = {}, std::size_t n = 0) {
    switch (at) {
      case step::start:
        // Nothing is delivered or lost when a read is cancelled, whatever the type.
        self.reset_cancellation_state(asio::enable_total_cancellation());
        if (asio::buffer_size(buffers) == 0) return finish(self, {});
        break;
      case step::parked:
        s->read_waiting_ = false;
        if (detail::ws_cancelled(self)) return finish(self, asio::error::operation_aborted);
        break;
      case step::reading:
        s->rend_ += n;
        if (ec) return finish(self, ec);
        break;
      case step::control:
        s->release_write();
        if (ec) {
          s->write_error_ = ec;
          return finish(self, ec);
        }
        break;
      case step::posted:
        return self.complete(result, copied);
    }
    if (!locked) {
      if (s->reading_) { // async_close is reading for the peer's Close: wait for it
        at = step::parked;
        s->read_waiting_ = true;
        s->read_wait_.expires_at(timer_type::time_point::max());
        return s->read_wait_.async_wait(std::move(self));
      }
      s->reading_ = locked = true;
    }
    copied += s->process(buffers, copied);
    if (s->control_pending() && !s->writing_) {
      s->writing_ = true;
      const std::size_t size = s->build_control();
      if (size == 0) {
        s->release_write();
        return finish(self, websocket::errc::no_randomness);
      }
      at = step::control;
      return asio::async_write(s->next_, asio::buffer(s->wbuf_.get(), size), detail::ws_uncancellable(std::move(self)));
    }
    if (copied > 0) return finish(self, {});
    if (s->read_error_) return finish(self, s->read_error_);
    if (s->close_received_) return finish(self, asio::error::eof);
    if (detail::ws_cancelled(self)) return finish(self, asio::error::operation_aborted);
    s->compact();
    at = step::reading;
    s->next_.async_read_some(asio::buffer(s->rbuf_.get() + s->rend_, s->opts_.read_buffer_size - s->rend_),
                             std::move(self));
  }

  template <class Self>
  void finish(Self& self, std::error_code ec) {
    if (locked) {
      locked = false;
      s->reading_ = false;
      if (s->read_waiting_) s->read_wait_.cancel();
      if (s->close_waiting_) s->close_wait_.cancel();
    }
    if (at == step::start) { // still inside the initiating function
      at = step::posted;
      result = ec;
      return asio::post(std::move(self));
    }
    self.complete(ec, copied);
  }
};

template <class NextLayer>
template <class MutableBufferSequence, class Token>
auto websocket_stream<NextLayer>::async_read_some(const MutableBufferSequence& buffers, Token&& token) {
  return asio::async_compose<Token, void(std::error_code, std::size_t)>(read_op<MutableBufferSequence>{this, buffers},
                                                                         token, next_);
}

// -------------------------------------------------------------------------------- write

template <class NextLayer>
template <class Buffers>
struct websocket_stream<NextLayer>::write_op {
  websocket_stream* s;
  Buffers buffers;
  std::size_t total = 0, sent = 0, chunk = 0, done = 0;
  std::array<std::uint8_t, 4> mask{};
  std::error_code result{};
  enum class step { start, parked, data, control, posted } at = step::start;

  template <class Self>
  void operator()(Self& self, std::error_code ec = {}, std::size_t n = 0) {
    switch (at) {
      case step::start:
        total = asio::buffer_size(buffers);
        if (total == 0) return finish(self, {});
        break;
      case step::parked:
        s->write_waiting_ = false;
        if (detail::ws_cancelled(self)) return finish(self, asio::error::operation_aborted);
        break;
      case step::data:
        if (ec) {
          // A frame cut halfway cannot be completed: the stream can write no more.
          if (sent > 0 || n > 0) s->write_error_ = ec;
          s->release_write();
          return finish(self, ec);
        }
        sent += chunk;
        if (sent < total) return write_chunk(self);
        done = total;
        return flush(self);
      case step::control:
        if (ec) {
          s->write_error_ = ec;
          s->release_write();
          return finish(self, ec);
        }
        return flush(self);
      case step::posted:
        return self.complete(result, done);
    }
    if (s->write_error_) return finish(self, s->write_error_);
    if (s->close_sent_ || s->close_pending_) return finish(self, websocket::errc::closed);
    if (s->writing_) { // the read side is sending a control frame
      at = step::parked;
      s->write_waiting_ = true;
      s->write_wait_.expires_at(timer_type::time_point::max());
      return s->write_wait_.async_wait(std::move(self));
    }
    s->writing_ = true;
    if (!s->random_mask(mask)) {
      s->release_write();
      return finish(self, websocket::errc::no_randomness);
    }
    write_chunk(self);
  }

  template <class Self>
  void write_chunk(Self& self) {
    std::uint8_t* const out = s->wbuf_.get();
    std::size_t head = 0;
    if (sent == 0) {
      const websocket::frame_header h{.fin = true, .op = websocket::opcode::binary, .masked = true, .mask = mask,
                                      .payload_size = total};
      head = websocket::encode_header(h, core::mutable_bytes(out, 14));
    }
    chunk = std::min(total - sent, s->opts_.write_buffer_size - head);
    detail::ws_copy_from(buffers, sent, out + head, chunk);
    websocket::apply_mask(core::mutable_bytes(out + head, chunk), mask, sent);
    at = step::data;
    asio::async_write(s->next_, asio::buffer(out, head + chunk), std::move(self));
  }

  // Sends what the read side queued while this write held the next layer.
  template <class Self>
  void flush(Self& self) {
    if (s->control_pending()) {
      const std::size_t size = s->build_control();
      if (size == 0) {
        s->release_write();
        return finish(self, websocket::errc::no_randomness);
      }
      at = step::control;
      return asio::async_write(s->next_, asio::buffer(s->wbuf_.get(), size), detail::ws_uncancellable(std::move(self)));
    }
    s->release_write();
    finish(self, {});
  }

  template <class Self>
  void finish(Self& self, std::error_code ec) {
    if (at == step::start) {
      at = step::posted;
      result = ec;
      return asio::post(std::move(self));
    }
    self.complete(ec, done);
  }
};

template <class NextLayer>
template <class ConstBufferSequence, class Token>
auto websocket_stream<NextLayer>::async_write_some(const ConstBufferSequence& buffers, Token&& token) {
  return asio::async_compose<Token, void(std::error_code, std::size_t)>(write_op<ConstBufferSequence>{this, buffers},
                                                                         token, next_);
}

// -------------------------------------------------------------------------------- close

template <class NextLayer>
struct websocket_stream<NextLayer>::close_op {
  websocket_stream* s;
  std::chrono::steady_clock::time_point deadline{};
  std::error_code result{};
  enum class step { start, parked_write, control, parked_read, reading, posted } at = step::start;

  template <class Self>
  void operator()(Self& self, std::error_code ec = {}, std::size_t = 0) {
    switch (at) {
      case step::start:
        deadline = std::chrono::steady_clock::now() + s->opts_.close_timeout;
        break;
      case step::parked_write:
        s->write_waiting_ = false;
        if (detail::ws_cancelled(self)) return finish(self, asio::error::operation_aborted);
        break;
      case step::control:
        s->release_write();
        if (ec) {
          s->write_error_ = ec;
          return finish(self, ec);
        }
        return await_peer(self);
      case step::parked_read:
        s->close_waiting_ = false;
        if (s->close_received_ || s->read_error_) return await_peer(self);
        if (detail::ws_cancelled(self)) return finish(self, asio::error::operation_aborted);
        if (!ec) return finish(self, asio::error::timed_out);
        return await_peer(self); // the caller's read completed without the Close
      case step::reading:
        break;
      case step::posted:
        return self.complete(result);
    }
    if (s->close_sent_) return await_peer(self);
    if (s->write_error_) return finish(self, s->write_error_);
    if (s->writing_) {
      at = step::parked_write;
      s->write_waiting_ = true;
      s->write_wait_.expires_at(timer_type::time_point::max());
      return s->write_wait_.async_wait(std::move(self));
    }
    s->writing_ = true;
    if (!s->close_pending_) { // else: the reply to the peer's Close is queued; send that
      s->close_pending_ = true;
      s->close_code_ = 1000;
    }
    s->pong_pending_ = false;
    const std::size_t size = s->build_control();
    if (size == 0) {
      s->release_write();
      return finish(self, websocket::errc::no_randomness);
    }
    at = step::control;
    asio::async_write(s->next_, asio::buffer(s->wbuf_.get(), size), detail::ws_uncancellable(std::move(self)));
  }

  // Completion of async_close's own read raced against the deadline.
  template <class Self>
  void operator()(Self& self, std::array<std::size_t, 2> order, std::error_code read_ec, std::size_t, std::error_code) {
    if (s->close_received_) return finish(self, {});
    if (detail::ws_cancelled(self)) return finish(self, asio::error::operation_aborted);
    if (order[0] == 1) return finish(self, asio::error::timed_out);
    if (read_ec) return finish(self, read_ec);
    await_peer(self); // data, discarded: the peer has not closed yet
  }

  template <class Self>
  void await_peer(Self& self) {
    if (s->close_received_) return finish(self, {});
    if (s->read_error_) return finish(self, s->read_error_);
    if (std::chrono::steady_clock::now() >= deadline) return finish(self, asio::error::timed_out);
    s->close_wait_.expires_at(deadline);
    if (s->reading_) { // the caller's read will see the Close
      at = step::parked_read;
      s->close_waiting_ = true;
      return s->close_wait_.async_wait(std::move(self));
    }
    at = step::reading;
    asio::experimental::make_parallel_group(s->async_read_some(asio::buffer(s->discard_), net::deferred),
                                            s->close_wait_.async_wait(net::deferred))
        .async_wait(asio::experimental::wait_for_one(), std::move(self));
  }

  template <class Self>
  void finish(Self& self, std::error_code ec) {
    if (at == step::start) {
      at = step::posted;
      result = ec;
      return asio::post(std::move(self));
    }
    self.complete(ec);
  }
};

template <class NextLayer>
template <class Token>
auto websocket_stream<NextLayer>::async_close(Token&& token) {
  return asio::async_compose<Token, void(std::error_code)>(close_op{this}, token, next_);
}

} // namespace hubwire::net

#endif
