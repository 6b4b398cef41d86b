#ifndef HUBWIRE_IOTHUB_IMPL_AMQP_MAPPING_HPP
#define HUBWIRE_IOTHUB_IMPL_AMQP_MAPPING_HPP

#include <algorithm>
#include <chrono>

namespace hubwire::iothub {

namespace detail {

inline constexpr char hex_digits[] = "0123456789abcdef";

// AMQP timestamps reach 292 million years either side of 1970; the system clock's
// nanoseconds reach 2262. Later and earlier instants are clamped to the last whole
// millisecond the clock holds (an expiry after 2262 is "never", in practice).
inline time_point from_amqp_time(amqp::timestamp t) {
  using std::chrono::milliseconds;
  constexpr auto hi = std::chrono::duration_cast<milliseconds>(time_point::max().time_since_epoch()).count();
  constexpr auto lo = std::chrono::duration_cast<milliseconds>(time_point::min().time_since_epoch()).count();
  return time_point(std::chrono::duration_cast<clock::duration>(milliseconds(std::clamp(t.ms, lo + 1, hi - 1))));
}
inline amqp::timestamp to_amqp_time(time_point t) {
  return {std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()};
}

// 16 bytes as 8-4-4-4-12 hex, taking byte `order[i]` for the i-th pair of digits.
inline std::string guid_text(amqp::bytes_view b, const std::array<std::uint8_t, 16>& order) {
  std::string s;
  s.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    const std::uint8_t x = b[order[i]];
    s += hex_digits[x >> 4];
    s += hex_digits[x & 15];
  }
  return s;
}
inline constexpr std::array<std::uint8_t, 16> rfc4122_order{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
inline constexpr std::array<std::uint8_t, 16> dotnet_order{3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};

inline bool unsigned_annotation(const amqp::value& v, std::uint64_t& out) {
  switch (v.type()) {
    case amqp::kind::ubyte: case amqp::kind::ushort: case amqp::kind::uint: case amqp::kind::ulong:
      out = v.as_unsigned();
      return true;
    case amqp::kind::byte: case amqp::kind::short_: case amqp::kind::int_: case amqp::kind::long_:
      if (v.as_signed() < 0) return false;
      out = static_cast<std::uint64_t>(v.as_signed());
      return true;
    default: return false;
  }
}

} // namespace detail

inline std::string to_string(const amqp::message_id& id) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::uint64_t>) return std::to_string(x);
        else if constexpr (std::is_same_v<T, amqp::uuid>) return detail::guid_text(x.bytes, detail::rfc4122_order);
        else if constexpr (std::is_same_v<T, amqp::binary>) return std::string(core::as_chars(x.bytes));
        else return std::string(x);
      },
      id);
}

inline std::string delivery_tag_to_lock_token(amqp::bytes_view tag) {
  if (tag.size() != 16) return {};
  return detail::guid_text(tag, detail::dotnet_order);
}

inline std::optional<std::array<std::uint8_t, 16>> lock_token_to_delivery_tag(std::string_view guid) {
  if (guid.size() != 36) return std::nullopt;
  std::array<std::uint8_t, 16> text{};
  std::size_t pos = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      if (guid[pos] != '-') return std::nullopt;
      ++pos;
    }
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = guid[pos++];
      const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + d;
    }
    text[i] = static_cast<std::uint8_t>(v);
  }
  std::array<std::uint8_t, 16> tag{};
  for (std::size_t i = 0; i < 16; ++i) tag[detail::dotnet_order[i]] = text[i];
  return tag;
}

inline core::result<c2d_message> from_amqp(const amqp::message& m, std::optional<amqp::binary> delivery_tag) {
  c2d_message out;
  // Binary ids become text; ids that are not UTF-8 could not be sent on as AMQP strings.
  auto text_id = [](const amqp::message_id& id) {
    const auto* b = std::get_if<amqp::binary>(&id);
    return !b || core::is_valid_utf8(core::as_chars(b->bytes));
  };
  if (m.properties && ((m.properties->message_id && !text_id(*m.properties->message_id)) ||
                       (m.properties->correlation_id && !text_id(*m.properties->correlation_id))))
    return errc::invalid_message;
  if (m.body.kind != amqp::body_kind::data && m.body.kind != amqp::body_kind::none) return errc::invalid_message;
  amqp::message_body::reader body(m.body);
  for (amqp::value d; body.next(d);) out.body.append(core::as_chars(d.bytes()));

  if (m.properties) {
    const auto& p = *m.properties;
    if (p.message_id) out.message_id = to_string(*p.message_id);
    if (p.correlation_id) out.correlation_id = to_string(*p.correlation_id);
    if (p.user_id) out.user_id = std::string(core::as_chars(p.user_id->bytes));
    if (p.to) out.to = std::string(*p.to);
    if (p.content_type) out.content_type = std::string(p.content_type->str);
    if (p.content_encoding) out.content_encoding = std::string(p.content_encoding->str);
    if (p.absolute_expiry_time) out.expiry_time = detail::from_amqp_time(*p.absolute_expiry_time);
  }

  if (!m.message_annotations.is_null()) {
    amqp::element_reader r(m.message_annotations);
    amqp::value k, v;
    while (r.next(k) && r.next(v)) {
      if (k.type() != amqp::kind::symbol) continue;
      std::uint64_t n = 0;
      if (k.str() == amqp_names::enqueued_time && v.type() == amqp::kind::timestamp)
        out.enqueued_time = detail::from_amqp_time({v.as_signed()});
      else if (k.str() == amqp_names::delivery_count && detail::unsigned_annotation(v, n) && n <= 0xffffffffu)
        out.delivery_count = static_cast<std::uint32_t>(n);
      else if (k.str() == amqp_names::sequence_number && detail::unsigned_annotation(v, n))
        out.sequence_number = n;
      else if (k.str() == amqp_names::lock_token && v.type() == amqp::kind::string)
        out.lock_token = std::string(v.str());
    }
  }
  if (delivery_tag && delivery_tag->bytes.size() == 16) out.lock_token = delivery_tag_to_lock_token(delivery_tag->bytes);

  if (!m.application_properties.is_null()) {
    amqp::element_reader r(m.application_properties);
    amqp::value k, v;
    while (r.next(k) && r.next(v)) {
      if (v.type() != amqp::kind::string && !v.is_null()) return errc::invalid_message;
      if (k.str() == amqp_names::ack && v.type() == amqp::kind::string) {
        const auto a = parse_ack(v.str());
        if (!a) return errc::invalid_message;
        out.ack_requested = *a;
        continue;
      }
      property p{std::string(k.str()), std::nullopt};
      if (!v.is_null()) p.value = std::string(v.str());
      out.properties.push_back(std::move(p));
    }
  }
  return out;
}

inline void to_amqp(const c2d_message& msg, std::vector<std::uint8_t>& out) {
  amqp::encoder e(out);
  const bool hub_fields = msg.enqueued_time || msg.delivery_count || msg.sequence_number || msg.lock_token;
  if (hub_fields) {
    e.write_descriptor(amqp::section::message_annotations);
    e.begin_map();
    if (msg.enqueued_time) {
      e.write_symbol(amqp_names::enqueued_time);
      e.write_timestamp(detail::to_amqp_time(*msg.enqueued_time));
    }
    if (msg.delivery_count) {
      e.write_symbol(amqp_names::delivery_count);
      // The C# SDK reads a ubyte; counts beyond it (the hub stops at 100) go wider.
      if (*msg.delivery_count <= 0xff) e.write_ubyte(static_cast<std::uint8_t>(*msg.delivery_count));
      else e.write_uint(*msg.delivery_count);
    }
    if (msg.sequence_number) {
      e.write_symbol(amqp_names::sequence_number);
      e.write_ulong(*msg.sequence_number);
    }
    if (msg.lock_token) {
      e.write_symbol(amqp_names::lock_token);
      e.write_string(*msg.lock_token);
    }
    e.end_map();
  }

  amqp::message_properties p;
  if (msg.message_id) p.message_id = std::string_view(*msg.message_id);
  if (msg.user_id) p.user_id = amqp::binary{core::as_bytes(*msg.user_id)};
  if (msg.to) p.to = *msg.to;
  if (msg.correlation_id) p.correlation_id = std::string_view(*msg.correlation_id);
  if (msg.content_type) p.content_type = amqp::symbol{*msg.content_type};
  if (msg.content_encoding) p.content_encoding = amqp::symbol{*msg.content_encoding};
  if (msg.expiry_time) p.absolute_expiry_time = detail::to_amqp_time(*msg.expiry_time);
  if (p != amqp::message_properties{}) amqp::encode(e, p);

  if (msg.ack_requested != ack::none || !msg.properties.empty()) {
    e.write_descriptor(amqp::section::application_properties);
    e.begin_map();
    for (const auto& prop : msg.properties) {
      e.write_string(prop.name);
      if (prop.value) e.write_string(*prop.value);
      else e.write_null();
    }
    if (msg.ack_requested != ack::none) {
      e.write_string(amqp_names::ack);
      e.write_string(to_string(msg.ack_requested));
    }
    e.end_map();
  }

  e.write_descriptor(amqp::section::data);
  e.write_binary(core::as_bytes(msg.body));
}

} // namespace hubwire::iothub

#endif
