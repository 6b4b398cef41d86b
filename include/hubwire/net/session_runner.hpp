#ifndef HUBWIRE_NET_SESSION_RUNNER_HPP
#define HUBWIRE_NET_SESSION_RUNNER_HPP

// Runs a sans-I/O protocol session (layer 2) over an Asio stream and a timer: the one
// place where a session's bytes meet a socket. Three loops run as a parallel group and
// the first to end ends the others:
//
//   reader  reads into one growable buffer and feeds it to session.put(), handing each
//           event to the caller's `events.on_event(ev)`; it pauses while
//           `events.can_read()` is false (a full receive queue: backpressure reaches the
//           broker instead of memory growing without bound)
//   writer  takes session.begin_write() and writes it; there is only ever one write
//           outstanding, and what the session queued meanwhile goes out next, in order;
//           output waits while `events.hold_output()` says more is about to join it
//   ticker  sleeps until session.next_deadline() and calls session.on_timer(now)
//
// The session concept (mqtt::client_session models it):
//
//   using event_type = ...;
//   core::bytes_view begin_write();          void end_write(time_point, error_code&);
//   bool has_output() const;
//   size_t put(bytes_view, time_point, event_type&, error_code&);   // need_more: not an error
//   time_point next_deadline() const;        void on_timer(time_point, error_code&);
//   void set_input_paused(bool);             // the reader stopped for backpressure
//
// Whoever changes the session from outside these loops (the application queued a
// message, acknowledged one, or drained the receive queue) calls notify().
// async_run() completes with the error that ended the connection: the session's own
// (closed, renewal_due, a refusal, a time-out), the stream's, or operation_aborted when
// the run is cancelled. The stream is not closed here: that is its owner's choice.

#include <hubwire/core/bytes.hpp>
#include <hubwire/net/asio_compat.hpp>

#include <asio/async_result.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/bind_executor.hpp>
#include <asio/buffer.hpp>
#include <asio/compose.hpp>
#include <asio/experimental/parallel_group.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <system_error>
#include <vector>

namespace hubwire::net {

template <class Stream, class Session>
class session_runner {
public:
  using clock = std::chrono::steady_clock;

  // `initial_buffer` is what an idle connection costs; the buffer grows to the largest
  // packet seen (the session's decoder bounds that) and stays there.
  session_runner(Stream& stream, Session& session, std::size_t initial_buffer = 2048)
      : stream_(stream), session_(session), write_wake_(stream.get_executor()), read_wake_(stream.get_executor()),
        timer_(stream.get_executor()), buffer_(initial_buffer) {
    write_wake_.expires_at(clock::time_point::max());
    read_wake_.expires_at(clock::time_point::max());
  }

  session_runner(const session_runner&) = delete;
  session_runner& operator=(const session_runner&) = delete;

  // Events: `void on_event(typename Session::event_type&)`, `bool can_read()`, and
  // `bool hold_output()`: true to keep queued output back because more is about to
  // join it (one write instead of many); whoever says so calls output_queued() when
  // it stops holding.
  // Both must outlive the run, as must the stream and the session.
  template <class Events, class Token>
  auto async_run(Events& events, Token&& token);

  // The session was changed outside the loops. Each wakes only the loop concerned: a
  // wake-up is a handler run, and on the message path those add up.
  void output_queued() { // a publish, an acknowledgement, DISCONNECT
    write_wake_.cancel();
    reschedule();
  }
  void may_read() { read_wake_.cancel(); } // the caller made room for more input
  void notify() {
    output_queued();
    may_read();
  }

  std::size_t buffer_capacity() const noexcept { return buffer_.size(); }

private:
  // Wakes the ticker only when the session's next deadline came before the armed one.
  void reschedule() {
    if (session_.next_deadline() < armed_) timer_.cancel();
  }

  template <class Events>
  struct read_op;
  template <class Events>
  struct write_op;
  struct tick_op;

  Stream& stream_;
  Session& session_;
  asio::steady_timer write_wake_; // never expires: cancelled to wake the writer
  asio::steady_timer read_wake_;  // likewise, for a reader paused by backpressure
  asio::steady_timer timer_;      // the session's next deadline
  clock::time_point armed_ = clock::time_point::max();
  std::vector<std::uint8_t> buffer_;
  std::size_t begin_ = 0; // unconsumed input is buffer_[begin_, end_)
  std::size_t end_ = 0;
  bool grow_ = false; // the last read filled the buffer
};

} // namespace hubwire::net

#include <hubwire/net/impl/session_runner.hpp>

#endif
