#ifndef HUBWIRE_FUZZ_CHECK_HPP
#define HUBWIRE_FUZZ_CHECK_HPP

// A property a fuzz target asserts (e.g. decode -> encode -> decode is stable). Unlike
// assert() it stays on in release builds, and it aborts so libFuzzer records the input.
#include <cstdio>
#include <cstdlib>

#define HUBWIRE_FUZZ_CHECK(cond)                                                        \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

#endif
