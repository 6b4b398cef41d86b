#ifndef HUBWIRE_NET_IMPL_SESSION_RUNNER_HPP
#define HUBWIRE_NET_IMPL_SESSION_RUNNER_HPP

#include <cstring>
#include <utility>

namespace hubwire::net {

namespace detail {
// Whether a composed operation's wait ended because the operation itself was
// cancelled (by the parallel group or the user), not because notify() woke it.
template <class Self>
bool cancelled(Self& self) noexcept {
  return self.get_cancellation_state().cancelled() != asio::cancellation_type::none;
}
} // namespace detail

template <class Stream, class Session>
template <class Events>
struct session_runner<Stream, Session>::read_op {
  static constexpr std::size_t max_burst_buffer = 64 * 1024;
  session_runner& r;
  Events& events;
  enum { starting, reading, paused } state = starting;

  template <class Self>
  void operator()(Self& self, std::error_code ec = {}, std::size_t n = 0) {
    if (state == reading) {
      if (ec) return self.complete(ec);
      // A read that filled all the room there was means more is waiting: a bigger
      // buffer takes a burst in fewer system calls (an idle connection stays small).
      if (r.end_ + n == r.buffer_.size() && r.buffer_.size() < max_burst_buffer) r.grow_ = true;
      r.end_ += n;
      if (!consume(ec)) return self.complete(ec);
    }
    // A cancellation that came while the last step was finishing anyway is seen only
    // here: the parallel group emits it once.
    if (detail::cancelled(self)) return self.complete(asio::error::operation_aborted);
    if (!events.can_read()) {
      state = paused;
      r.session_.set_input_paused(true);
      r.reschedule();
      return r.read_wake_.async_wait(std::move(self));
    }
    if (state == paused) {
      r.session_.set_input_paused(false);
      r.reschedule();
    }
    make_room();
    state = reading;
    r.stream_.async_read_some(asio::buffer(r.buffer_.data() + r.end_, r.buffer_.size() - r.end_), std::move(self));
  }

  // Feeds every complete packet in the buffer to the session. False on an error.
  bool consume(std::error_code& ec) {
    typename Session::event_type ev{};
    const auto now = clock::now();
    while (r.begin_ < r.end_) {
      const core::bytes_view in(r.buffer_.data() + r.begin_, r.end_ - r.begin_);
      const std::size_t used = r.session_.put(in, now, ev, ec);
      if (ec) {
        if (ec == Session::need_more()) {
          ec.clear();
          break;
        }
        return false;
      }
      r.begin_ += used;
      events.on_event(ev);
    }
    if (r.begin_ == r.end_) r.begin_ = r.end_ = 0;
    if (r.session_.has_output()) r.write_wake_.cancel(); // a reply (SUBSCRIBE after CONNACK)
    r.reschedule();                                        // or a deadline that came closer
    return true;
  }

  // Moves unconsumed bytes to the front; doubles the buffer when a packet fills it (the
  // session's decoder refuses a packet over its maximum before it gets that far).
  void make_room() {
    if (r.begin_ > 0) {
      std::memmove(r.buffer_.data(), r.buffer_.data() + r.begin_, r.end_ - r.begin_);
      r.end_ -= r.begin_;
      r.begin_ = 0;
    }
    if (r.end_ == r.buffer_.size() || std::exchange(r.grow_, false)) r.buffer_.resize(r.buffer_.size() * 2);
  }
};

template <class Stream, class Session>
template <class Events>
struct session_runner<Stream, Session>::write_op {
  session_runner& r;
  Events& events;
  enum { idle, writing } state = idle;

  template <class Self>
  void operator()(Self& self, std::error_code ec = {}, std::size_t = 0) {
    if (state == writing) {
      if (ec) return self.complete(ec);
      r.session_.end_write(clock::now(), ec);
      if (ec) return self.complete(ec);
    }
    if (detail::cancelled(self)) return self.complete(asio::error::operation_aborted);
    // Held output waits like no output: whoever holds it calls output_queued() later.
    const core::bytes_view out =
        r.session_.has_output() && events.hold_output() ? core::bytes_view{} : r.session_.begin_write();
    if (out.empty()) {
      state = idle;
      return r.write_wake_.async_wait(std::move(self));
    }
    state = writing;
    asio::async_write(r.stream_, asio::buffer(out.data(), out.size()), std::move(self));
  }
};

template <class Stream, class Session>
struct session_runner<Stream, Session>::tick_op {
  session_runner& r;

  template <class Self>
  void operator()(Self& self, std::error_code = {}) {
    if (detail::cancelled(self)) return self.complete(asio::error::operation_aborted);
    // Woken early (a deadline came closer) or at the deadline: either way the session
    // decides. Deadlines that moved later (keep-alive after each write) are not chased:
    // re-arming a timer per packet would cost a timerfd system call each time.
    std::error_code ec;
    const auto now = clock::now();
    if (r.session_.next_deadline() <= now) {
      r.session_.on_timer(now, ec);
      if (ec) return self.complete(ec);
      r.write_wake_.cancel(); // PINGREQ or DISCONNECT may be queued
    }
    r.armed_ = r.session_.next_deadline();
    r.timer_.expires_at(r.armed_);
    r.timer_.async_wait(std::move(self));
  }
};

template <class Stream, class Session>
template <class Events, class Token>
auto session_runner<Stream, Session>::async_run(Events& events, Token&& token) {
  return asio::async_initiate<Token, void(std::error_code)>(
      [this, &events](auto handler) {
        auto slot = asio::get_associated_cancellation_slot(handler);
        auto ex = asio::get_associated_executor(handler, stream_.get_executor());
        begin_ = end_ = 0;
        armed_ = clock::time_point::max();
        auto reader = asio::async_compose<decltype(deferred), void(std::error_code)>(
            read_op<Events>{*this, events}, deferred, stream_);
        auto writer = asio::async_compose<decltype(deferred), void(std::error_code)>(write_op<Events>{*this, events},
                                                                                     deferred, stream_);
        auto ticker = asio::async_compose<decltype(deferred), void(std::error_code)>(tick_op{*this}, deferred, stream_);
        asio::experimental::make_parallel_group(std::move(reader), std::move(writer), std::move(ticker))
            .async_wait(asio::experimental::wait_for_one(),
                        asio::bind_cancellation_slot(
                            slot, asio::bind_executor(ex, [h = std::move(handler)](std::array<std::size_t, 3> order,
                                                                                   std::error_code e0, std::error_code e1,
                                                                                   std::error_code e2) mutable {
                              const std::error_code by[] = {e0, e1, e2};
                              std::move(h)(by[order[0]]);
                            })));
      },
      token);
}

} // namespace hubwire::net

#endif
