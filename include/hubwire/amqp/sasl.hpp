#ifndef HUBWIRE_AMQP_SASL_HPP
#define HUBWIRE_AMQP_SASL_HPP

// SASL frames (part 5, 5.3.3): what a client and server exchange after the
// `AMQP 3 1.0.0` header and before the AMQP one. Frame type 1, channel ignored.

#include <hubwire/amqp/definitions.hpp>
#include <hubwire/amqp/frame.hpp>

namespace hubwire::amqp {

struct sasl_mechanisms {
  static constexpr std::uint64_t descriptor = 0x40;
  static constexpr std::string_view name = "amqp:sasl-mechanisms:list";
  std::vector<symbol> mechanisms{}; // mandatory, at least one
  template <class S, class V>
  static void fields(S& s, V& v) { v.req(s.mechanisms); }
  friend bool operator==(const sasl_mechanisms&, const sasl_mechanisms&) = default;
};

struct sasl_init {
  static constexpr std::uint64_t descriptor = 0x41;
  static constexpr std::string_view name = "amqp:sasl-init:list";
  symbol mechanism{};
  std::optional<binary> initial_response{};
  std::optional<std::string_view> hostname{};
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.req(s.mechanism);
    v.opt(s.initial_response);
    v.opt(s.hostname);
  }
  friend bool operator==(const sasl_init&, const sasl_init&) = default;
};

struct sasl_challenge {
  static constexpr std::uint64_t descriptor = 0x42;
  static constexpr std::string_view name = "amqp:sasl-challenge:list";
  binary challenge{};
  template <class S, class V>
  static void fields(S& s, V& v) { v.req(s.challenge); }
  friend bool operator==(const sasl_challenge&, const sasl_challenge&) = default;
};

struct sasl_response {
  static constexpr std::uint64_t descriptor = 0x43;
  static constexpr std::string_view name = "amqp:sasl-response:list";
  binary response{};
  template <class S, class V>
  static void fields(S& s, V& v) { v.req(s.response); }
  friend bool operator==(const sasl_response&, const sasl_response&) = default;
};

enum class sasl_code : std::uint8_t { ok = 0, auth = 1, sys = 2, sys_perm = 3, sys_temp = 4 };

struct sasl_outcome {
  static constexpr std::uint64_t descriptor = 0x44;
  static constexpr std::string_view name = "amqp:sasl-outcome:list";
  sasl_code code = sasl_code::ok;
  std::optional<binary> additional_data{};
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.req(s.code);
    v.opt(s.additional_data);
  }
  friend bool operator==(const sasl_outcome&, const sasl_outcome&) = default;
};

using sasl_frame = std::variant<sasl_mechanisms, sasl_init, sasl_challenge, sasl_response, sasl_outcome>;

// Decodes a SASL frame body: exactly one SASL performative, nothing after it.
inline std::error_code decode_sasl(bytes_view body, sasl_frame& out, const decode_limits& lim = {}) {
  std::error_code ec;
  if (body.empty()) return errc::empty_frame;
  value v{};
  const std::size_t used = detail::decode_shallow(body, v, ec, lim);
  if (ec) return ec;
  if (!detail::get_one_of(v, out, lim, ec, 0)) return ec;
  if (used != body.size()) return errc::trailing_bytes;
  return {};
}

inline void encode_sasl(encoder& e, const sasl_frame& f) {
  std::visit([&](const auto& x) { detail::put_composite(e, x); }, f);
}

inline void write_sasl_frame(std::vector<std::uint8_t>& out, const sasl_frame& f) {
  const std::size_t start = begin_frame(out, frame_type::sasl, 0);
  encoder e(out);
  encode_sasl(e, f);
  end_frame(out, start);
}

} // namespace hubwire::amqp

#endif
