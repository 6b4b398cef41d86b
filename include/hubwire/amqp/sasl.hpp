#ifndef HUBWIRE_AMQP_SASL_HPP
#define HUBWIRE_AMQP_SASL_HPP

// SASL frames (part 5, 5.3.3): what a client and server exchange after the
// `AMQP 3 1.0.0` header and before the AMQP one. Frame type 1, channel ignored.

#include <hubwire/amqp/definitions.hpp>
#include <hubwire/amqp/frame.hpp>

namespace hubwire::amqp {

struct sasl_mechanisms {
  std::vector<symbol> mechanisms{}; // mandatory, at least one
  HUBWIRE_AMQP_COMPOSITE(sasl_mechanisms, 0x40, "amqp:sasl-mechanisms:list", mandatory(s.mechanisms));
};

struct sasl_init {
  symbol mechanism{};
  std::optional<binary> initial_response{};
  std::optional<std::string_view> hostname{};
  HUBWIRE_AMQP_COMPOSITE(sasl_init, 0x41, "amqp:sasl-init:list",
                         mandatory(s.mechanism), s.initial_response, s.hostname);
};

struct sasl_challenge {
  binary challenge{};
  HUBWIRE_AMQP_COMPOSITE(sasl_challenge, 0x42, "amqp:sasl-challenge:list", mandatory(s.challenge));
};

struct sasl_response {
  binary response{};
  HUBWIRE_AMQP_COMPOSITE(sasl_response, 0x43, "amqp:sasl-response:list", mandatory(s.response));
};

enum class sasl_code : std::uint8_t { ok = 0, auth = 1, sys = 2, sys_perm = 3, sys_temp = 4 };

struct sasl_outcome {
  sasl_code code = sasl_code::ok;
  std::optional<binary> additional_data{};
  HUBWIRE_AMQP_COMPOSITE(sasl_outcome, 0x44, "amqp:sasl-outcome:list", mandatory(s.code), s.additional_data);
};

using sasl_frame = std::variant<sasl_mechanisms, sasl_init, sasl_challenge, sasl_response, sasl_outcome>;

// Decodes a SASL frame body: exactly one SASL performative, nothing after it.
inline std::error_code decode_sasl(bytes_view body, sasl_frame& out, const decode_limits& lim = {}) {
  std::error_code ec;
  const std::size_t used = detail::decode_body(body, out, lim, ec);
  if (ec) return ec;
  if (used != body.size()) return errc::trailing_bytes;
  return {};
}

inline void encode_sasl(encoder& e, const sasl_frame& f) { detail::encode_one_of(e, f); }

inline void write_sasl_frame(std::vector<std::uint8_t>& out, const sasl_frame& f) {
  const std::size_t start = begin_frame(out, frame_type::sasl, 0);
  encoder e(out);
  encode_sasl(e, f);
  end_frame(out, start);
}

} // namespace hubwire::amqp

#endif
