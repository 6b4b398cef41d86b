#ifndef HUBWIRE_AMQP_SERIAL_HPP
#define HUBWIRE_AMQP_SERIAL_HPP

// Sequence numbers (part 1, 1.6.5 "sequence-no"; RFC 1982 serial number arithmetic
// with SERIAL_BITS 32): transfer-ids, delivery-ids and delivery-counts wrap at 2^32,
// so "a before b" is decided by the signed distance, never by `<`.

#include <cstdint>

namespace hubwire::amqp::serial {

// b - a as a signed distance (negative when b is before a).
constexpr std::int32_t distance(std::uint32_t a, std::uint32_t b) noexcept {
  return static_cast<std::int32_t>(b - a);
}
constexpr bool before(std::uint32_t a, std::uint32_t b) noexcept { return distance(a, b) > 0; }
constexpr bool before_or_equal(std::uint32_t a, std::uint32_t b) noexcept { return distance(a, b) >= 0; }

} // namespace hubwire::amqp::serial

#endif
