#ifndef HUBWIRE_NET_IMPL_RETRY_HPP
#define HUBWIRE_NET_IMPL_RETRY_HPP

#include <algorithm>
#include <cmath>

namespace hubwire::net {

inline double retry_schedule::unit_random() noexcept {
  // splitmix64: tiny, seedable, good enough to spread reconnects.
  std::uint64_t z = (rng_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

inline retry_schedule::decision retry_schedule::failed(time_point now, std::error_code ec) {
  if (up_) {
    up_ = false;
    if (now - connected_at_ >= policy_.reset_after) {
      attempts_ = 0;
      permanent_ = 0;
    }
  }
  ++attempts_;
  if (policy_.is_permanent && policy_.is_permanent(ec)) {
    if (++permanent_ >= policy_.permanent_after) return {std::nullopt, give_up_reason::permanent_error};
  } else {
    permanent_ = 0;
  }
  if (policy_.max_attempts != 0 && attempts_ >= policy_.max_attempts) return {std::nullopt, give_up_reason::max_attempts};

  const double base_ms = static_cast<double>(policy_.initial_delay.count()) *
                         std::pow(std::max(policy_.multiplier, 1.0), static_cast<double>(attempts_ - 1));
  const double capped_ms = std::min(base_ms, static_cast<double>(policy_.max_delay.count()));
  const double j = std::clamp(policy_.jitter, 0.0, 1.0);
  const double factor = 1.0 - j + 2.0 * j * unit_random();
  const auto delay = std::chrono::duration<double, std::milli>(capped_ms * factor);
  return {std::chrono::duration_cast<duration>(delay), give_up_reason::none};
}

} // namespace hubwire::net

#endif
