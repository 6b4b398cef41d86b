#ifndef HUBWIRE_MQTT_IMPL_ENCODE_HPP
#define HUBWIRE_MQTT_IMPL_ENCODE_HPP

namespace hubwire::mqtt {
namespace detail {

template <class P, std::size_t I = 0>
constexpr packet_type type_of_v() noexcept {
  if constexpr (std::is_same_v<P, std::variant_alternative_t<I, packet>>) return static_cast<packet_type>(I + 1);
  else return type_of_v<P, I + 1>();
}

// Counts what a byte_writer would write: the same write_body() sizes a packet and then
// writes it, so the two passes cannot disagree.
class size_counter {
public:
  void put(std::uint8_t) noexcept { ++n_; }
  void write(std::uint16_t) noexcept { n_ += 2; }
  void write(std::string_view s) noexcept { n_ += s.size(); }
  std::size_t size() const noexcept { return n_; }

private:
  std::size_t n_ = 0;
};

template <class Writer>
void write_string(Writer& w, std::string_view s) noexcept {
  w.write(static_cast<std::uint16_t>(s.size()));
  w.write(s);
}

// Fixed header flag bits (table 2.2): PUBLISH carries DUP/QoS/RETAIN, three packets a
// fixed 0010, the rest 0000.
template <class P>
constexpr std::uint8_t flags(const P&) noexcept {
  if constexpr (std::is_same_v<P, pubrel> || std::is_same_v<P, subscribe> || std::is_same_v<P, unsubscribe>) return 0x2;
  else return 0;
}
constexpr std::uint8_t flags(const publish& p) noexcept {
  return static_cast<std::uint8_t>((p.dup ? 0x8 : 0) | (static_cast<std::uint8_t>(p.qos) << 1) | (p.retain ? 1 : 0));
}

template <class Writer>
void write_body(Writer& w, const connect& p) noexcept {
  write_string(w, "MQTT");
  w.put(4); // protocol level of 3.1.1
  std::uint8_t f = p.clean_session ? 0x02 : 0;
  if (p.will) f = static_cast<std::uint8_t>(f | 0x04 | (static_cast<std::uint8_t>(p.will->qos) << 3) | (p.will->retain ? 0x20 : 0));
  if (p.password) f |= 0x40;
  if (p.username) f |= 0x80;
  w.put(f);
  w.write(p.keep_alive);
  write_string(w, p.client_id);
  if (p.will) {
    write_string(w, p.will->topic);
    write_string(w, p.will->message);
  }
  if (p.username) write_string(w, *p.username);
  if (p.password) write_string(w, *p.password);
}
template <class Writer>
void write_body(Writer& w, const connack& p) noexcept {
  w.put(p.session_present ? 1 : 0);
  w.put(static_cast<std::uint8_t>(p.code));
}
template <class Writer>
void write_body(Writer& w, const publish& p) noexcept {
  write_string(w, p.topic);
  if (p.qos != qos::at_most_once) w.write(p.packet_id);
  w.write(p.payload);
}
template <class P>
concept id_only = std::is_same_v<P, puback> || std::is_same_v<P, pubrec> || std::is_same_v<P, pubrel> ||
                  std::is_same_v<P, pubcomp> || std::is_same_v<P, unsuback>;

template <class Writer, id_only P>
void write_body(Writer& w, const P& p) noexcept {
  w.write(p.packet_id);
}
template <class Writer>
void write_body(Writer& w, const subscribe& p) noexcept {
  w.write(p.packet_id);
  for (const auto& s : p.subscriptions) {
    write_string(w, s.filter);
    w.put(static_cast<std::uint8_t>(s.max_qos));
  }
}
template <class Writer>
void write_body(Writer& w, const suback& p) noexcept {
  w.write(p.packet_id);
  for (const auto c : p.codes) w.put(static_cast<std::uint8_t>(c));
}
template <class Writer>
void write_body(Writer& w, const unsubscribe& p) noexcept {
  w.write(p.packet_id);
  for (const auto f : p.filters) write_string(w, f);
}
template <class Writer>
void write_body(Writer&, const pingreq&) noexcept {}
template <class Writer>
void write_body(Writer&, const pingresp&) noexcept {}
template <class Writer>
void write_body(Writer&, const disconnect&) noexcept {}

template <class P>
std::size_t body_size(const P& p, std::error_code& ec) noexcept {
  ec = validate(p);
  if (ec) return 0;
  size_counter counter;
  write_body(counter, p);
  if (counter.size() > max_remaining_length) ec = errc::packet_too_large;
  return counter.size();
}

constexpr std::size_t remaining_length_size(std::size_t v) noexcept {
  return v < 128 ? 1 : v < 16'384 ? 2 : v < 2'097'152 ? 3 : 4;
}

} // namespace detail

inline std::size_t encode_remaining_length(std::size_t value, core::byte_writer& w) noexcept {
  if (value > max_remaining_length) return 0;
  std::size_t n = 0;
  do {
    auto b = static_cast<std::uint8_t>(value % 128);
    value /= 128;
    if (value > 0) b |= 0x80;
    w.put(b);
    ++n;
  } while (value > 0);
  return n;
}

template <packet_value P>
std::size_t encoded_size(const P& p, std::error_code& ec) noexcept {
  const std::size_t body = detail::body_size(p, ec);
  return ec ? 0 : 1 + detail::remaining_length_size(body) + body;
}

inline std::size_t encoded_size(const packet& p, std::error_code& ec) noexcept {
  return std::visit([&](const auto& v) { return encoded_size(v, ec); }, p);
}

template <packet_value P>
std::size_t encode(const P& p, core::mutable_bytes out, std::error_code& ec) noexcept {
  const std::size_t body = detail::body_size(p, ec);
  if (ec) return 0;
  const std::size_t total = 1 + detail::remaining_length_size(body) + body;
  if (out.size() < total) {
    ec = errc::buffer_too_small;
    return total;
  }
  core::byte_writer w(out);
  w.put(static_cast<std::uint8_t>((static_cast<std::uint8_t>(detail::type_of_v<P>()) << 4) | detail::flags(p)));
  encode_remaining_length(body, w);
  detail::write_body(w, p);
  return total;
}

inline std::size_t encode(const packet& p, core::mutable_bytes out, std::error_code& ec) noexcept {
  return std::visit([&](const auto& v) { return encode(v, out, ec); }, p);
}

} // namespace hubwire::mqtt

#endif
