#ifndef HUBWIRE_TEST_MANUAL_CLOCK_HPP
#define HUBWIRE_TEST_MANUAL_CLOCK_HPP

// Virtual time for tests. hubwire's state machines take `now` as an input; a test
// holds one manual_clock, passes clock.now() and moves time with advance(), so
// keep-alive, lock time-outs, TTLs and token renewal run without sleeping.

#include <chrono>

namespace hubwire::test {

class manual_clock {
public:
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<std::chrono::system_clock, duration>;

  explicit manual_clock(time_point start = time_point(std::chrono::seconds(1'700'000'000))) noexcept
      : now_(start) {}

  time_point now() const noexcept { return now_; }
  void advance(duration d) noexcept { now_ += d; }
  void set(time_point t) noexcept { now_ = t; }

private:
  time_point now_;
};

} // namespace hubwire::test

#endif
