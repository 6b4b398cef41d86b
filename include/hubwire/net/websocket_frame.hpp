#ifndef HUBWIRE_NET_WEBSOCKET_FRAME_HPP
#define HUBWIRE_NET_WEBSOCKET_FRAME_HPP

// RFC 6455 framing, sans-I/O (no Asio): the part of WebSocket that MQTT over wss:443
// needs, for both roles. The client masks what it sends and rejects masked frames from
// the server; the server (the emulator) does the reverse. The decoder checks every
// MUST of section 5 that concerns a single frame or frame sequence: reserved bits
// without a negotiated extension, unknown opcodes, control frames that are long or
// fragmented, non-minimal lengths, the 64-bit length's top bit, continuation frames out
// of sequence, close payloads (code validity, UTF-8 reason), and a size limit checked
// before any payload is buffered.

#include <hubwire/core/bytes.hpp>
#include <hubwire/core/error.hpp>

#include <array>
#include <cstdint>
#include <system_error>

namespace hubwire::net::websocket {

enum class errc {
  need_more = 1,            // not an error: the frame is incomplete
  reserved_bits,            // RSV1-3 set without a negotiated extension (5.2)
  bad_opcode,               // reserved opcode (5.2)
  bad_control_frame,        // control frame fragmented or longer than 125 bytes (5.5)
  bad_masking,              // client frame unmasked or server frame masked (5.1)
  non_minimal_length,       // length not in its shortest form (5.2)
  length_too_large,         // 64-bit length with the top bit set (5.2)
  frame_too_large,          // longer than the decoder's max_frame_payload
  unexpected_continuation,  // continuation frame with no message in progress (5.4)
  expected_continuation,    // new data frame while a message is in progress (5.4)
  bad_close_payload,        // 1-byte close payload, invalid code, or reason not UTF-8 (5.5.1, 7.4)
  text_frame,               // websocket_stream: a text frame; MQTT and AMQP over WebSocket are binary only
  closed,                   // websocket_stream: writing after the Close frame was sent
  no_randomness,            // websocket_stream: the CSPRNG (OpenSSL RAND_bytes) failed
};

constexpr const char* category_name(errc) noexcept { return "hubwire.websocket"; }
inline const char* describe(errc e) noexcept {
  switch (e) {
    case errc::need_more: return "websocket: need more input";
    case errc::reserved_bits: return "websocket: reserved bits set without an extension";
    case errc::bad_opcode: return "websocket: reserved opcode";
    case errc::bad_control_frame: return "websocket: control frame fragmented or over 125 bytes";
    case errc::bad_masking: return "websocket: frame masking does not match the sender's role";
    case errc::non_minimal_length: return "websocket: payload length not minimally encoded";
    case errc::length_too_large: return "websocket: 64-bit payload length has its top bit set";
    case errc::frame_too_large: return "websocket: frame payload exceeds the configured limit";
    case errc::unexpected_continuation: return "websocket: continuation frame without a message in progress";
    case errc::expected_continuation: return "websocket: new data frame before the previous message ended";
    case errc::bad_close_payload: return "websocket: malformed close frame payload";
    case errc::text_frame: return "websocket: text frame received where only binary frames are accepted";
    case errc::closed: return "websocket: the close frame was sent; no more data may be written";
    case errc::no_randomness: return "websocket: the random generator failed (key or mask)";
  }
  return "hubwire.websocket: unknown error";
}

enum class opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };
enum class role { client, server };

constexpr bool is_control(opcode op) noexcept { return static_cast<std::uint8_t>(op) >= 8; }

struct frame_header {
  bool fin = true;
  opcode op = opcode::binary;
  bool masked = false;
  std::array<std::uint8_t, 4> mask{};
  std::uint64_t payload_size = 0;
};

// Header bytes for `h` (2 to 14), written into `out` (at least 14 bytes).
std::size_t encode_header(const frame_header& h, core::mutable_bytes out) noexcept;

// XORs `data` with the mask, starting `offset` bytes into the frame's payload.
void apply_mask(core::mutable_bytes data, const std::array<std::uint8_t, 4>& mask, std::uint64_t offset) noexcept;

// Validates a close frame's (unmasked) payload: empty, or a 2-byte code allowed on the
// wire followed by a UTF-8 reason.
std::error_code check_close_payload(core::bytes_view payload) noexcept;

struct decoder_options {
  role local = role::client; // whose frames we decode: the peer's
  std::uint64_t max_frame_payload = 256 * 1024 + 16;
};

// Incremental frame decoder. put() consumes a frame header, then payload bytes, which
// it unmasks in place and reports as the view payload(); call put() again with the
// rest of the buffer. A frame is complete when frame_done() is true.
class decoder {
public:
  explicit decoder(decoder_options opts = {}) noexcept : opts_(opts) {}

  std::size_t put(core::mutable_bytes in, std::error_code& ec);

  bool has_header() const noexcept { return state_ != state::header; }
  const frame_header& header() const noexcept { return header_; }
  core::bytes_view payload() const noexcept { return payload_; } // bytes of this put() call
  bool frame_done() const noexcept { return done_; }

private:
  enum class state { header, payload };
  bool check_sequence(std::error_code& ec) noexcept;

  decoder_options opts_;
  state state_ = state::header;
  frame_header header_{};
  std::uint64_t received_ = 0;
  core::bytes_view payload_{};
  bool done_ = false;
  bool in_message_ = false;
  std::array<std::uint8_t, 125> control_{}; // close payload checked whole
  std::size_t control_size_ = 0;
};

} // namespace hubwire::net::websocket

HUBWIRE_ERROR_ENUM(hubwire::net::websocket, errc)

#include <hubwire/net/impl/websocket_frame.hpp>

#endif
