// The C2D queue model driven by the fuzzer's bytes: each byte (two for choices over
// 256) picks the next operation and its arguments, and model_checker.hpp checks the
// same shadow and invariants as the randomized unit test after every step and at the
// end (every message ends exactly once, depth <= 50, delivery count <= max, each
// requested feedback record delivered exactly once). The model decodes nothing, so
// the decode -> encode -> decode property of the codec targets does not apply; this
// is its counterpart for a state machine.
#include "../check.hpp"
#include "../../tests/unit/hub/model_checker.hpp"

#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using hubwire_test_hub::model_checker;
  std::size_t at = 0;
  model_checker::source in{
      [&](std::uint64_t bound) -> std::uint64_t {
        if (bound == 0) return 0;
        std::uint64_t v = 0;
        for (std::uint64_t reach = 1; reach < bound && reach < (1u << 16); reach <<= 8)
          v = (v << 8) | (at < size ? data[at++] : 0);
        return v % bound;
      },
      [&] { return at >= size; }};
  // The seed only shapes lock tokens; take it from the input so it varies too.
  model_checker checker(size ? data[0] : 0);
  checker.on_failure = [](const std::string& what) {
    std::fprintf(stderr, "model invariant: %s\n", what.c_str());
    HUBWIRE_FUZZ_CHECK(false);
  };
  while (!in.done()) checker.step(in);
  checker.finish();
  return 0;
}
