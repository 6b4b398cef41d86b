#ifndef HUBWIRE_TEST_IMPL_STREAM_HPP
#define HUBWIRE_TEST_IMPL_STREAM_HPP

#include <algorithm>
#include <utility>

namespace hubwire::test {

struct stream::state {
  struct pending_read {
    virtual ~pending_read() = default;
    // Completes the read from `input` (or with ec); posts the handler.
    virtual void complete(std::error_code ec, std::string& input, std::size_t limit) = 0;
  };

  fail_count* fc = nullptr;
  std::string input;
  std::string output;
  bool remote_closed = false;
  bool closed = false;
  bool connected = false;
  std::size_t read_limit = std::numeric_limits<std::size_t>::max();
  std::size_t write_limit = std::numeric_limits<std::size_t>::max();
  std::size_t writes = 0;
  std::unique_ptr<pending_read> reader;
  std::weak_ptr<state> peer;

  // Completes a parked read if it can now make progress.
  void wake() {
    if (!reader) return;
    if (closed) return finish(asio::error::operation_aborted);
    if (!input.empty()) return finish({});
    if (remote_closed) return finish(asio::error::eof);
  }
  void finish(std::error_code ec) {
    auto r = std::move(reader);
    r->complete(ec, input, read_limit);
  }
};

namespace detail {

template <class Handler, class Buffers>
class stream_read_op final : public stream::state::pending_read {
public:
  using work_executor = asio::associated_executor_t<Handler, asio::any_io_executor>;

  stream_read_op(Handler h, const Buffers& b, const asio::any_io_executor& ex)
      : handler_(std::move(h)), buffers_(b), work_(asio::get_associated_executor(handler_, ex)) {}

  void complete(std::error_code ec, std::string& input, std::size_t limit) override {
    std::size_t n = 0;
    if (!ec) {
      n = asio::buffer_copy(buffers_, asio::buffer(input.data(), std::min(input.size(), limit)));
      input.erase(0, n);
    }
    auto slot = asio::get_associated_cancellation_slot(handler_);
    if (slot.is_connected()) slot.clear();
    auto ex = work_.get_executor();
    asio::post(ex, [h = std::move(handler_), ec, n]() mutable { std::move(h)(ec, n); });
    work_.reset();
  }

private:
  Handler handler_;
  Buffers buffers_;
  asio::executor_work_guard<work_executor> work_;
};

template <class Handler, class... Args>
void post_completion(const asio::any_io_executor& ex, Handler&& h, Args... args) {
  auto hex = asio::get_associated_executor(h, ex);
  asio::post(hex, [h = std::forward<Handler>(h), args...]() mutable { std::move(h)(args...); });
}

} // namespace detail

inline stream::stream(executor_type ex, fail_count* fc) : ex_(std::move(ex)), s_(std::make_shared<state>()) {
  s_->fc = fc;
}

inline stream::stream(executor_type ex, std::string_view input, fail_count* fc) : stream(std::move(ex), fc) {
  s_->input.assign(input);
}

inline stream::~stream() {
  if (!s_) return;
  // Destroying one end is the peer seeing the connection close.
  if (auto p = s_->peer.lock()) {
    p->remote_closed = true;
    p->wake();
  }
  s_->reader.reset();
}

inline void stream::connect(stream& peer) {
  s_->peer = peer.s_;
  peer.s_->peer = s_;
  s_->connected = peer.s_->connected = true;
}

inline void stream::append(std::string_view bytes) {
  s_->input.append(bytes);
  s_->wake();
}

inline void stream::close_remote() {
  s_->remote_closed = true;
  s_->wake();
}

inline void stream::close() {
  s_->closed = true;
  s_->wake();
  if (auto p = s_->peer.lock()) {
    p->remote_closed = true;
    p->wake();
  }
}

inline std::string_view stream::str() const noexcept { return s_->output; }
inline void stream::clear() noexcept { s_->output.clear(); }
inline std::size_t stream::pending_input() const noexcept { return s_->input.size(); }
inline std::size_t stream::write_count() const noexcept { return s_->writes; }
inline void stream::read_size(std::size_t n) noexcept { s_->read_limit = std::max<std::size_t>(n, 1); }
inline void stream::write_size(std::size_t n) noexcept { s_->write_limit = std::max<std::size_t>(n, 1); }

template <class MutableBuffers, class Token>
auto stream::async_read_some(const MutableBuffers& buffers, Token&& token) {
  return asio::async_initiate<Token, void(std::error_code, std::size_t)>(
      [this](auto handler, const MutableBuffers& b) {
        using handler_type = std::decay_t<decltype(handler)>;
        std::error_code ec;
        if (s_->fc && s_->fc->fail(ec)) return detail::post_completion(ex_, std::move(handler), ec, std::size_t{0});
        if (s_->closed) return detail::post_completion(ex_, std::move(handler), std::error_code(asio::error::operation_aborted), std::size_t{0});
        if (asio::buffer_size(b) == 0) return detail::post_completion(ex_, std::move(handler), std::error_code{}, std::size_t{0});
        if (s_->reader) return detail::post_completion(ex_, std::move(handler), std::error_code(asio::error::in_progress), std::size_t{0});
        auto slot = asio::get_associated_cancellation_slot(handler);
        s_->reader = std::make_unique<detail::stream_read_op<handler_type, MutableBuffers>>(std::move(handler), b, ex_);
        if (slot.is_connected()) {
          std::weak_ptr<state> weak = s_;
          slot.assign([weak](asio::cancellation_type) {
            if (auto st = weak.lock(); st && st->reader) st->finish(asio::error::operation_aborted);
          });
        }
        s_->wake();
      },
      token, buffers);
}

template <class ConstBuffers, class Token>
auto stream::async_write_some(const ConstBuffers& buffers, Token&& token) {
  return asio::async_initiate<Token, void(std::error_code, std::size_t)>(
      [this](auto handler, const ConstBuffers& b) {
        std::error_code ec;
        if (s_->fc && s_->fc->fail(ec)) return detail::post_completion(ex_, std::move(handler), ec, std::size_t{0});
        auto peer = s_->peer.lock();
        if (s_->closed || (s_->connected && (!peer || peer->closed)))
          return detail::post_completion(ex_, std::move(handler), std::error_code(asio::error::broken_pipe), std::size_t{0});
        ++s_->writes;
        std::string chunk(std::min(asio::buffer_size(b), s_->write_limit), '\0');
        const std::size_t n = asio::buffer_copy(asio::buffer(chunk), b);
        if (peer) {
          peer->input += chunk;
          peer->wake();
        } else {
          s_->output += chunk;
        }
        detail::post_completion(ex_, std::move(handler), std::error_code{}, n);
      },
      token, buffers);
}

} // namespace hubwire::test

#endif
