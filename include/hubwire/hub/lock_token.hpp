#ifndef HUBWIRE_HUB_LOCK_TOKEN_HPP
#define HUBWIRE_HUB_LOCK_TOKEN_HPP

// Lock tokens as the hub hands them out: a fresh UUID-shaped string per delivery (the
// HTTPS ETag, the AMQP delivery tag and x-opt-lock-token are all this one GUID).
// They come from a seeded generator, not from a cryptographic source: an emulator
// needs tokens no client can confuse with another delivery's, and tests need the same
// tokens on every run. splitmix64 passes BigCrush and needs eight bytes of state.

#include <cstdint>
#include <string>

namespace hubwire::hub {

class lock_token_generator {
public:
  explicit lock_token_generator(std::uint64_t seed) noexcept : state_(seed) {}

  // A version-4, variant-1 UUID in its 36-character text form, lower case.
  std::string next() {
    std::uint64_t hi = draw();
    std::uint64_t lo = draw();
    hi = (hi & ~std::uint64_t{0xF000}) | 0x4000;                 // version 4
    lo = (lo & ~(std::uint64_t{3} << 62)) | (std::uint64_t{2} << 62); // variant 10xx
    static constexpr char digits[] = "0123456789abcdef";
    std::string s(36, '-');
    std::size_t at = 0;
    auto put = [&](std::uint64_t v, int nibbles) {
      for (int i = nibbles - 1; i >= 0; --i) {
        if (at == 8 || at == 13 || at == 18 || at == 23) ++at;
        s[at++] = digits[(v >> (4 * i)) & 0xF];
      }
    };
    put(hi, 16);
    put(lo, 16);
    return s;
  }

private:
  std::uint64_t draw() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  std::uint64_t state_;
};

} // namespace hubwire::hub

#endif
