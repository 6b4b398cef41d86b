#ifndef HUBWIRE_MQTT_ENCODE_HPP
#define HUBWIRE_MQTT_ENCODE_HPP

// Serializes a packet into the caller's buffer. The encoder first checks the packet
// against the same rules the decoder enforces (validate.hpp), so it never writes what
// a conforming peer would reject, then reports the size the packet needs: when the
// buffer is shorter, ec is buffer_too_small and the caller retries with that size.

#include <hubwire/core/bytes.hpp>
#include <hubwire/mqtt/error.hpp>
#include <hubwire/mqtt/packet.hpp>
#include <hubwire/mqtt/validate.hpp>

#include <system_error>
#include <type_traits>

namespace hubwire::mqtt {

template <class P>
concept packet_value = requires(const P& p) { validate(p); } && !std::is_same_v<P, packet>;

// Bytes the encoding of `p` takes (fixed header included); 0 with ec set when `p` is invalid.
template <packet_value P>
std::size_t encoded_size(const P& p, std::error_code& ec) noexcept;
std::size_t encoded_size(const packet& p, std::error_code& ec) noexcept;

// Writes `p` to the front of `out` and returns its size, or sets ec: a validation error
// (returns 0), or buffer_too_small (returns the size needed, `out` unspecified).
template <packet_value P>
std::size_t encode(const P& p, core::mutable_bytes out, std::error_code& ec) noexcept;
std::size_t encode(const packet& p, core::mutable_bytes out, std::error_code& ec) noexcept;

// The variable-length remaining length (2.2.3): bytes written (1-4) or 0 above the maximum.
std::size_t encode_remaining_length(std::size_t value, core::byte_writer& w) noexcept;

} // namespace hubwire::mqtt

#include <hubwire/mqtt/impl/encode.hpp>

#endif
