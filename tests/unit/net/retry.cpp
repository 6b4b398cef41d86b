#include <hubwire/iothub/error.hpp>
#include <hubwire/net/retry.hpp>
#include <hubwire_test/catch.hpp>

using namespace std::chrono_literals;
using hubwire::net::give_up_reason;
using hubwire::net::retry_policy;
using hubwire::net::retry_schedule;

namespace {
const retry_schedule::time_point t0{};
}

TEST_CASE("retry_schedule backs off exponentially up to the cap, without jitter") {
  retry_policy p;
  p.jitter = 0;
  p.initial_delay = 100ms;
  p.max_delay = 1s;
  retry_schedule s(p);
  const std::chrono::milliseconds expected[] = {100ms, 200ms, 400ms, 800ms, 1000ms, 1000ms};
  for (auto e : expected) {
    auto d = s.failed(t0, std::make_error_code(std::errc::connection_refused));
    REQUIRE(d.delay);
    CHECK(*d.delay == e);
  }
}

TEST_CASE("retry_schedule jitter stays within its band and is reproducible per seed") {
  retry_policy p;
  p.jitter = 0.2;
  p.initial_delay = 1000ms;
  p.multiplier = 1.0;
  retry_schedule a(p, 42), b(p, 42), c(p, 43);
  bool differs = false;
  for (int i = 0; i < 200; ++i) {
    const auto da = *a.failed(t0, {}).delay, db = *b.failed(t0, {}).delay, dc = *c.failed(t0, {}).delay;
    CHECK(da >= 800ms);
    CHECK(da <= 1200ms);
    CHECK(da == db);
    differs |= da != dc;
  }
  CHECK(differs);
}

TEST_CASE("retry_schedule starts over after a connection that stayed up long enough") {
  retry_policy p;
  p.jitter = 0;
  p.reset_after = 60s;
  retry_schedule s(p);
  for (int i = 0; i < 4; ++i) (void)s.failed(t0, {});
  CHECK(s.attempts() == 4);
  s.connected(t0 + 1s);
  CHECK(*s.failed(t0 + 30s, {}).delay == 1600ms); // up only 29 s: keeps backing off
  s.connected(t0 + 31s);
  CHECK(*s.failed(t0 + 91s, {}).delay == 100ms); // up exactly 60 s: recovered
}

TEST_CASE("retry_schedule gives up after max_attempts, and retry_policy::none after one") {
  retry_policy p;
  p.max_attempts = 3;
  retry_schedule s(p);
  CHECK(s.failed(t0, {}).delay);
  CHECK(s.failed(t0, {}).delay);
  auto last = s.failed(t0, {});
  CHECK_FALSE(last.delay);
  CHECK(last.reason == give_up_reason::max_attempts);

  retry_schedule none(retry_policy::none());
  CHECK(none.failed(t0, {}).reason == give_up_reason::max_attempts);
}

TEST_CASE("retry_schedule stops on errors the policy calls permanent, after N in a row") {
  retry_policy p;
  p.permanent_after = 2;
  p.is_permanent = [](std::error_code ec) { return ec == hubwire::iothub::errc::unauthorized; };
  retry_schedule s(p);
  const std::error_code bad = hubwire::iothub::errc::unauthorized;
  CHECK(s.failed(t0, bad).delay);
  CHECK(s.failed(t0, std::make_error_code(std::errc::timed_out)).delay); // a transient one breaks the run
  CHECK(s.failed(t0, bad).delay);
  auto d = s.failed(t0, bad);
  CHECK_FALSE(d.delay);
  CHECK(d.reason == give_up_reason::permanent_error);
}
