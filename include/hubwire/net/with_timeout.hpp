#ifndef HUBWIRE_NET_WITH_TIMEOUT_HPP
#define HUBWIRE_NET_WITH_TIMEOUT_HPP

// Gives any deferred asynchronous operation a deadline, on Asio 1.22 (which has no
// cancel_after) and newer alike:
//
//   auto [ec, msg] = co_await with_timeout(client.async_receive(net::deferred), 30s,
//                                          asio::as_tuple(asio::use_awaitable));
//
// The operation and a timer run as a parallel group; whichever finishes first cancels
// the other. If the timer wins, the operation is cancelled (per-operation cancellation,
// terminal) and the completion is asio::error::timed_out with default-constructed
// values. The timer runs on the completion handler's associated executor: with
// use_awaitable that is the coroutine's; bind one (asio::bind_executor) for callbacks.
// Cancelling the whole with_timeout cancels both.
//
// The operation must complete with void(std::error_code, Ts...).

#include <hubwire/net/asio_compat.hpp>

#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/bind_executor.hpp>
#include <asio/error.hpp>
#include <asio/experimental/parallel_group.hpp>
#include <asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <system_error>
#include <tuple>

namespace hubwire::net {
namespace detail {

// The completion signature of a deferred operation (Asio's deferred_async_operation
// takes it as its first template argument in every version hubwire supports).
template <class Op>
struct deferred_signature;
template <template <class...> class Deferred, class Signature, class... Rest>
struct deferred_signature<Deferred<Signature, Rest...>> {
  using type = Signature;
};

template <class Signature>
struct timeout_completion;

template <class... Ts>
struct timeout_completion<void(std::error_code, Ts...)> {
  template <class Handler>
  static auto make(Handler handler, std::shared_ptr<asio::steady_timer> timer) {
    return [handler = std::move(handler), timer = std::move(timer)](std::array<std::size_t, 2> order, std::error_code ec,
                                                                    Ts... values, std::error_code) mutable {
      if (order[0] == 1) std::move(handler)(std::error_code(asio::error::timed_out), Ts{}...);
      else std::move(handler)(ec, std::move(values)...);
    };
  }
};

} // namespace detail

template <class Op, class Rep, class Period, class Token>
auto with_timeout(Op op, std::chrono::duration<Rep, Period> timeout, Token&& token) {
  using signature = typename detail::deferred_signature<std::decay_t<Op>>::type;
  return asio::async_initiate<Token, signature>(
      [](auto handler, Op operation, std::chrono::steady_clock::duration d) {
        auto ex = asio::get_associated_executor(handler);
        auto slot = asio::get_associated_cancellation_slot(handler);
        auto timer = std::make_shared<asio::steady_timer>(ex, d);
        auto& t = *timer;
        auto done = detail::timeout_completion<signature>::make(std::move(handler), std::move(timer));
        asio::experimental::make_parallel_group(std::move(operation), t.async_wait(deferred))
            .async_wait(asio::experimental::wait_for_one(),
                        asio::bind_cancellation_slot(slot, asio::bind_executor(ex, std::move(done))));
      },
      token, std::move(op), std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout));
}

} // namespace hubwire::net

#endif
