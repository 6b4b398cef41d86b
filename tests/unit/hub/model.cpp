// The randomized model test of issue 8: a long run of random operations (send,
// receive, complete, reject, abandon, release, purge, feedback, time) against the
// shadow and invariants of model_checker.hpp. HUBWIRE_MODEL_OPS sets the count
// (default 1,000,000), HUBWIRE_MODEL_SEED the seed.
#include "model_checker.hpp"

#include <hubwire_test/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <random>

using namespace hubwire_test_hub;

namespace {
std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}
} // namespace

TEST_CASE("model: random operations keep every invariant") {
  const std::uint64_t ops = env_or("HUBWIRE_MODEL_OPS", 1'000'000);
  const std::uint64_t seed = env_or("HUBWIRE_MODEL_SEED", 20261123);
  model_checker checker(seed);
  std::string failure;
  checker.on_failure = [&](const std::string& what) {
    if (failure.empty()) failure = what;
  };
  std::mt19937_64 rng(seed);
  model_checker::source in{[&](std::uint64_t bound) { return bound ? rng() % bound : 0; }};
  for (std::uint64_t i = 0; i < ops && failure.empty(); ++i) checker.step(in);
  if (failure.empty()) checker.finish();
  INFO("seed " << seed);
  REQUIRE(failure == "");
  CHECK(checker.operations() == ops);
  // The run must have reached every outcome, or it proves less than it claims.
  using hubwire::hub::end_reason;
  for (auto r : {end_reason::completed, end_reason::rejected, end_reason::expired,
                 end_reason::delivery_count_exceeded, end_reason::purged})
    CHECK(checker.reasons().count(r) == 1);
  CHECK(checker.refused_full() > 0); // the 51st send was tried and refused
  // This service reads feedback often: every requested record was delivered, none lost.
  CHECK(checker.metrics().feedback.records_lost == 0);
  CHECK(checker.metrics().feedback.records_delivered == checker.records());
  std::cout << "hub model: " << checker.operations() << " operations, " << checker.accepted()
            << " messages accepted, " << checker.ended() << " ended, " << checker.records()
            << " feedback records delivered, " << checker.refused_full()
            << " sends refused with 403004\n";
  for (const auto& [reason, n] : checker.reasons())
    std::cout << "hub model:   " << hubwire::hub::to_string(reason) << " " << n << "\n";
}
