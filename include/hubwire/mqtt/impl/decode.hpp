#ifndef HUBWIRE_MQTT_IMPL_DECODE_HPP
#define HUBWIRE_MQTT_IMPL_DECODE_HPP

#include <hubwire/mqtt/validate.hpp>

namespace hubwire::mqtt {
namespace detail {

// Reads fields of one packet body; the first field that does not fit marks the packet
// truncated, and later reads fail too, so a parser checks once at the end.
class body_reader {
public:
  explicit body_reader(core::bytes_view body) noexcept : r_(body) {}
  bool ok() const noexcept { return ok_; }
  bool empty() const noexcept { return r_.empty(); }

  std::uint8_t byte() noexcept {
    std::uint8_t v = 0;
    ok_ = ok_ && r_.read(v);
    return v;
  }
  std::uint16_t u16() noexcept {
    std::uint16_t v = 0;
    ok_ = ok_ && r_.read(v);
    return v;
  }
  // A two-byte length and that many bytes (strings and binary data alike, 1.5.3).
  std::string_view prefixed() noexcept {
    const std::uint16_t n = u16();
    core::bytes_view b;
    ok_ = ok_ && r_.read(n, b);
    return ok_ ? core::as_chars(b) : std::string_view();
  }

  std::string_view rest() noexcept {
    if (!ok_) return {};
    const auto b = r_.rest();
    r_.skip(b.size());
    return core::as_chars(b);
  }

private:
  core::byte_reader r_;
  bool ok_ = true;
};

template <class P>
P& reuse(packet& v) {
  if (auto* p = std::get_if<P>(&v)) return *p;
  return v.template emplace<P>();
}

constexpr std::uint8_t required_flags(packet_type t) noexcept {
  return (t == packet_type::pubrel || t == packet_type::subscribe || t == packet_type::unsubscribe) ? 0x2 : 0;
}

} // namespace detail

inline std::size_t parse_fixed_header(core::bytes_view in, fixed_header& h, std::error_code& ec) noexcept {
  ec = {};
  if (in.empty()) {
    ec = errc::need_more;
    return 0;
  }
  const std::uint8_t type = in[0] >> 4, flags = in[0] & 0x0F;
  if (type == 0 || type == 15) {
    ec = errc::reserved_packet_type;
    return 0;
  }
  const auto t = static_cast<packet_type>(type);
  if (t == packet_type::publish) {
    if (((flags >> 1) & 3) == 3) ec = errc::bad_qos; // MQTT-3.3.1-4
  } else if (flags != detail::required_flags(t)) {
    ec = errc::bad_fixed_header_flags;
  }
  if (ec) return 0;
  std::size_t value = 0;
  for (std::size_t i = 1; i <= 4; ++i) {
    if (i >= in.size()) {
      ec = errc::need_more;
      return 0;
    }
    const std::uint8_t b = in[i];
    value |= std::size_t{b & 0x7Fu} << (7 * (i - 1));
    if (b & 0x80) continue;
    // A last byte of zero after the first adds nothing: a shorter form existed.
    if (i > 1 && b == 0) {
      ec = errc::non_minimal_remaining_length;
      return 0;
    }
    h = fixed_header{t, flags, value, i + 1};
    return i + 1;
  }
  ec = errc::malformed_remaining_length;
  return 0;
}

inline std::size_t decoder::put(core::bytes_view in, std::error_code& ec) {
  fixed_header h;
  const std::size_t header = parse_fixed_header(in, h, ec);
  if (!header) {
    packet_size_ = 0;
    return 0;
  }
  if (!is_sent_by(h.type, opts_.local == role::client ? role::server : role::client)) {
    ec = errc::unexpected_packet_type;
    return 0;
  }
  packet_size_ = header + h.remaining_length;
  if (packet_size_ > opts_.max_packet_size) {
    ec = errc::packet_too_large;
    return 0;
  }
  if (in.size() < packet_size_) {
    ec = errc::need_more;
    return 0;
  }
  ec = parse_body(h, in.subspan(header, h.remaining_length));
  return ec ? 0 : packet_size_;
}

inline std::error_code decoder::parse_body(const fixed_header& h, core::bytes_view body) {
  detail::body_reader r(body);
  auto finish = [&](const auto& p) -> std::error_code {
    if (!r.ok()) return errc::truncated_packet;
    if (!r.empty()) return errc::trailing_bytes;
    return validate(p);
  };
  switch (h.type) {
    case packet_type::connect: {
      auto& p = detail::reuse<connect>(value_);
      const std::string_view name = r.prefixed();
      if (r.ok() && name != "MQTT") return errc::bad_protocol_name;
      const std::uint8_t level = r.byte();
      if (r.ok() && level != 4) return errc::bad_protocol_level;
      const std::uint8_t f = r.byte();
      if (f & 0x01) return errc::connect_reserved_flag;
      const bool will = f & 0x04;
      const auto will_qos = static_cast<std::uint8_t>((f >> 3) & 3);
      const bool will_retain = f & 0x20;
      if (will_qos == 3 || (!will && (will_qos != 0 || will_retain))) return errc::bad_will_flags;
      p.clean_session = f & 0x02;
      p.keep_alive = r.u16();
      p.client_id = r.prefixed();
      p.will.reset();
      if (will) {
        const std::string_view topic = r.prefixed();
        p.will = will_message{topic, r.prefixed(), static_cast<qos>(will_qos), will_retain};
      }
      p.username.reset();
      p.password.reset();
      if (f & 0x80) p.username = r.prefixed();
      if (f & 0x40) p.password = r.prefixed();
      return finish(p);
    }
    case packet_type::connack: {
      auto& p = detail::reuse<connack>(value_);
      const std::uint8_t f = r.byte();
      if (f & 0xFE) return errc::bad_connack_flags;
      p.session_present = f & 1;
      p.code = static_cast<connect_return_code>(r.byte());
      return finish(p);
    }
    case packet_type::publish: {
      auto& p = detail::reuse<publish>(value_);
      p.dup = h.flags & 0x8;
      p.qos = static_cast<qos>((h.flags >> 1) & 3);
      p.retain = h.flags & 1;
      p.topic = r.prefixed();
      p.packet_id = p.qos == qos::at_most_once ? 0 : r.u16();
      p.payload = r.rest(); // the payload is whatever the remaining length leaves (3.3.3)
      return finish(p);
    }
    case packet_type::puback: { auto& p = detail::reuse<puback>(value_); p.packet_id = r.u16(); return finish(p); }
    case packet_type::pubrec: { auto& p = detail::reuse<pubrec>(value_); p.packet_id = r.u16(); return finish(p); }
    case packet_type::pubrel: { auto& p = detail::reuse<pubrel>(value_); p.packet_id = r.u16(); return finish(p); }
    case packet_type::pubcomp: { auto& p = detail::reuse<pubcomp>(value_); p.packet_id = r.u16(); return finish(p); }
    case packet_type::unsuback: { auto& p = detail::reuse<unsuback>(value_); p.packet_id = r.u16(); return finish(p); }
    case packet_type::subscribe: {
      auto& p = detail::reuse<subscribe>(value_);
      p.packet_id = r.u16();
      p.subscriptions.clear();
      while (r.ok() && !r.empty()) {
        const std::string_view filter = r.prefixed();
        const std::uint8_t q = r.byte();
        if (!r.ok()) break;
        if (q & 0xFC) return errc::subscribe_reserved_bits;
        if (q == 3) return errc::bad_qos;
        p.subscriptions.push_back({filter, static_cast<qos>(q)});
      }
      return finish(p);
    }
    case packet_type::suback: {
      auto& p = detail::reuse<suback>(value_);
      p.packet_id = r.u16();
      p.codes.clear();
      while (r.ok() && !r.empty()) p.codes.push_back(static_cast<suback_code>(r.byte()));
      return finish(p);
    }
    case packet_type::unsubscribe: {
      auto& p = detail::reuse<unsubscribe>(value_);
      p.packet_id = r.u16();
      p.filters.clear();
      while (r.ok() && !r.empty()) {
        const std::string_view f = r.prefixed();
        if (r.ok()) p.filters.push_back(f);
      }
      return finish(p);
    }
    case packet_type::pingreq: return finish(detail::reuse<pingreq>(value_));
    case packet_type::pingresp: return finish(detail::reuse<pingresp>(value_));
    case packet_type::disconnect: return finish(detail::reuse<disconnect>(value_));
  }
  return errc::reserved_packet_type; // unreachable: parse_fixed_header refused it
}

} // namespace hubwire::mqtt

#endif
