#ifndef HUBWIRE_MQTT_DECODE_HPP
#define HUBWIRE_MQTT_DECODE_HPP

// Incremental MQTT 3.1.1 packet decoder with Beast's parser contract:
//
//   std::size_t used = d.put(buffer, ec);
//
// put() looks at the front of `buffer`. While the packet is incomplete it consumes
// nothing and sets ec = need_more (not an error): the caller keeps the bytes, appends
// what it reads next and calls again, so input split anywhere, one byte at a time
// included, decodes the same. Once the whole packet is there put() returns its size
// and value() holds it, with topic, payload and strings viewing into `buffer` (valid
// until the caller discards those bytes). No payload is copied; only the list packets
// (SUBSCRIBE, SUBACK, UNSUBSCRIBE) allocate, and they reuse their vector.
//
// The fixed header is checked as soon as its bytes arrive: a reserved type, a packet
// the peer's role never sends, wrong flag bits, a malformed remaining length or a
// packet over max_packet_size fail before the caller buffers the body. packet_size()
// then tells the caller how many bytes the packet needs.
//
// Direction: the decoder is built for one role and decodes the other side's packets
// (a client decodes CONNACK, SUBACK, ...; the emulator, role::server, decodes CONNECT,
// SUBSCRIBE, ...); the other side's-only packets fail with unexpected_packet_type.

#include <hubwire/core/bytes.hpp>
#include <hubwire/mqtt/error.hpp>
#include <hubwire/mqtt/packet.hpp>

#include <cstddef>
#include <system_error>

namespace hubwire::mqtt {

struct decoder_options {
  role local = role::client;                          // our side; we decode the peer's packets
  std::size_t max_packet_size = default_max_packet_size; // whole packet, fixed header included
};

struct fixed_header {
  packet_type type = packet_type::connect;
  std::uint8_t flags = 0;
  std::size_t remaining_length = 0;
  std::size_t header_size = 0; // 2 to 5 bytes
};

// Parses the fixed header at the front of `in` (type, flags and remaining length, with
// the checks that concern only them, except direction). Returns the header size, or 0
// with ec set (need_more when `in` is shorter than the header).
std::size_t parse_fixed_header(core::bytes_view in, fixed_header& h, std::error_code& ec) noexcept;

class decoder {
public:
  explicit decoder(decoder_options opts = {}) noexcept : opts_(opts) {}

  std::size_t put(core::bytes_view in, std::error_code& ec);

  // The packet the last successful put() decoded.
  const packet& value() const noexcept { return value_; }
  // Total size of the packet whose fixed header has been seen (0 before that).
  std::size_t packet_size() const noexcept { return packet_size_; }
  const decoder_options& options() const noexcept { return opts_; }

private:
  std::error_code parse_body(const fixed_header& h, core::bytes_view body);

  decoder_options opts_;
  packet value_{pingreq{}};
  std::size_t packet_size_ = 0;
};

} // namespace hubwire::mqtt

#include <hubwire/mqtt/impl/decode.hpp>

#endif
