#ifndef HUBWIRE_NET_RETRY_HPP
#define HUBWIRE_NET_RETRY_HPP

// When to try connecting again. A retry_policy is configuration; a retry_schedule is
// its state for one connection: after each failure it answers with the delay before the
// next attempt, or with "give up" and the reason. It is pure (time and randomness are
// inputs), so reconnect behaviour is unit-tested under virtual time, and the async
// layer only sleeps for the answer.
//
// Defaults follow the .NET device SDK's exponential back-off (iothub-protocol-facts.md
// section 18.1: 100 ms initial, 10 s cap) with +/-20 % jitter so a fleet that lost the
// hub at the same moment does not reconnect at the same moment.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <system_error>

namespace hubwire::net {

struct retry_policy {
  std::chrono::milliseconds initial_delay{100};
  std::chrono::milliseconds max_delay{10'000};
  double multiplier = 2.0;
  double jitter = 0.2; // each delay is scaled by a factor in [1 - jitter, 1 + jitter]
  // A connection that stayed up this long counts as recovered: the next failure starts
  // from initial_delay again.
  std::chrono::milliseconds reset_after{60'000};
  std::uint32_t max_attempts = 0; // consecutive failed attempts; 0 = no limit
  // Failures that retrying cannot fix (bad credentials, not authorized, TLS
  // verification) end the schedule after this many in a row.
  std::uint32_t permanent_after = 3;
  // Says whether an error is one of those. Empty: nothing is.
  std::function<bool(std::error_code)> is_permanent;

  // One attempt, no retry.
  static retry_policy none() {
    retry_policy p;
    p.max_attempts = 1;
    return p;
  }
};

enum class give_up_reason { none, max_attempts, permanent_error };

class retry_schedule {
public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::nanoseconds;

  struct decision {
    std::optional<duration> delay; // empty: stop
    give_up_reason reason = give_up_reason::none;
  };

  explicit retry_schedule(retry_policy policy, std::uint64_t seed = 0x9E3779B97F4A7C15ull)
      : policy_(std::move(policy)), rng_(seed) {}

  // The connection came up at `now`.
  void connected(time_point now) noexcept {
    connected_at_ = now;
    up_ = true;
  }

  // An attempt failed, or an established connection was lost, at `now` because of ec.
  decision failed(time_point now, std::error_code ec);

  std::uint32_t attempts() const noexcept { return attempts_; }
  const retry_policy& policy() const noexcept { return policy_; }

private:
  double unit_random() noexcept; // uniform in [0, 1)

  retry_policy policy_;
  std::uint64_t rng_;
  std::uint32_t attempts_ = 0;  // consecutive failures
  std::uint32_t permanent_ = 0; // consecutive permanent-looking failures
  bool up_ = false;
  time_point connected_at_{};
};

} // namespace hubwire::net

#include <hubwire/net/impl/retry.hpp>

#endif
