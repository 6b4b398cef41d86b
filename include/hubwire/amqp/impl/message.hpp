#ifndef HUBWIRE_AMQP_IMPL_MESSAGE_HPP
#define HUBWIRE_AMQP_IMPL_MESSAGE_HPP

namespace hubwire::amqp {

namespace detail {

// A section's numeric descriptor, also for the symbolic names part 3 gives them.
inline std::uint64_t section_code(const value& v) noexcept {
  if (v.type() != kind::described) return 0;
  if (!v.descriptor_is_symbol()) return v.descriptor_code();
  static constexpr std::string_view names[] = {
      "amqp:header:list", "amqp:delivery-annotations:map", "amqp:message-annotations:map",
      "amqp:properties:list", "amqp:application-properties:map", "amqp:data:binary",
      "amqp:amqp-sequence:list", "amqp:amqp-value:*", "amqp:footer:map"};
  for (std::uint64_t i = 0; i < 9; ++i)
    if (v.descriptor_symbol() == names[i]) return section::header + i;
  return 0;
}

// A string read in place (the usual encoding of application-property keys and values);
// false, consuming nothing, when the next value is not one.
inline bool read_string(core::byte_reader& in, bool& compact, std::error_code& ec) noexcept {
  const bytes_view rest = in.rest();
  if (rest.empty() || (rest[0] != 0xa1 && rest[0] != 0xb1)) return false;
  in.skip(1);
  bytes_view b;
  const bool ok = rest[0] == 0xa1 ? read_variable<std::uint8_t>(in, b) : read_variable<std::uint32_t>(in, b);
  if (!ok) ec = errc::truncated;
  else if (!core::is_valid_utf8(core::as_chars(b))) ec = errc::bad_utf8;
  compact = compact && (rest[0] == 0xa1 || b.size() > 0xff);
  return true;
}

// Walks a map section (decoded shallowly) validating each key and value, `check`
// deciding which types are allowed; marks the map compact when it is.
template <class Check>
bool walk_map_section(value& m, const decode_limits& lim, std::error_code& ec, Check check) noexcept {
  if (m.type() != kind::map) return ec = errc::unexpected_type, false;
  core::byte_reader in(m.bytes());
  bool compact = true;
  value e;
  for (std::uint32_t i = 0; i < m.count(); ++i) {
    if (lim.max_depth <= 1) return ec = errc::too_deep, false; // as element_reader counts
    const bool key = i % 2 == 0;
    if (read_string(in, compact, ec)) {
      if (ec) return false;
      if (!check(key, kind::string)) return ec = errc::unexpected_type, false;
      continue;
    }
    if (!value_decoder(lim, ec).read(in, e, 2)) return false;
    compact = compact && e.compact_flag();
    if (!check(key, e.type())) return ec = errc::unexpected_type, false;
  }
  if (!in.empty()) return ec = errc::trailing_bytes, false;
  value_decoder::walked(m, compact);
  return true;
}

// Annotations (part 3, 3.2.10): keys are symbols or ulongs.
inline bool check_annotations(value& m, const decode_limits& lim, std::error_code& ec) noexcept {
  return walk_map_section(m, lim, ec, [](bool key, kind k) { return !key || k == kind::symbol || k == kind::ulong; });
}

// Application properties (part 3, 3.2.5): string keys, simple values (no compounds
// and no described types).
inline bool check_application_properties(value& m, const decode_limits& lim, std::error_code& ec) noexcept {
  return walk_map_section(m, lim, ec, [](bool key, kind k) {
    if (key) return k == kind::string;
    return k != kind::list && k != kind::map && k != kind::array && k != kind::described;
  });
}

// A section: its descriptor (fast for the usual one-byte code), then the value it
// describes, read shallowly as decode_shallow would, into `slot(code)`. Returns the
// section code (0 for none) and leaves `in` after the section.
template <class Slot>
inline std::uint64_t read_section(core::byte_reader& in, Slot&& slot, const decode_limits& lim,
                                  std::error_code& ec) noexcept {
  const bytes_view at = in.rest();
  if (at.size() >= 4 && at[0] == code::described && at[1] == 0x53 && at[3] != code::described &&
      lim.max_depth >= 2) {
    in.skip(4);
    value_decoder d(lim, ec);
    d.shallow();
    if (!d.read_section_body(at[3], in, slot(at[2]))) return 0;
    return at[2];
  }
  value s;
  const std::size_t used = decode_shallow(at, s, ec, lim);
  if (ec) return 0;
  in.skip(used);
  const std::uint64_t c = section_code(s);
  if (c < section::header || c > section::footer)
    ec = s.type() == kind::described ? errc::unknown_descriptor : errc::unexpected_type;
  else slot(c) = s.described_value();
  return c;
}

} // namespace detail

// Fills `out` in place, each part assigned whether its section is present or not: a
// message reused for every delivery (as proton reuses a pn_message_t) costs no reset.
inline std::error_code decode_message(bytes_view in, message& out, const decode_limits& lim) {
  std::error_code ec;
  std::uint64_t last = 0; // highest section code seen so far
  std::uint32_t seen = 0; // bit (code - header) for each section present
  const std::uint8_t* body_begin = nullptr;
  const std::uint8_t* body_end = nullptr;
  std::uint32_t body_count = 0;
  body_kind body = body_kind::none;
  value scratch; // the header, properties and body sections, read into their own forms
  auto slot = [&](std::uint64_t c) -> value& {
    switch (c) {
      case section::delivery_annotations: return out.delivery_annotations;
      case section::message_annotations: return out.message_annotations;
      case section::application_properties: return out.application_properties;
      case section::footer: return out.footer;
      default: return scratch;
    }
  };
  core::byte_reader r(in);
  while (!r.empty()) {
    const std::uint8_t* start = r.rest().data();
    const std::uint64_t c = detail::read_section(r, slot, lim, ec);
    if (ec) return ec;
    if (c < section::header || c > section::footer) return errc::unknown_descriptor;
    const bool is_body = c >= section::data && c <= section::amqp_value;
    const bool repeatable = c == section::data || c == section::amqp_sequence;
    if (c < last || (last >= section::data && last <= section::amqp_value && is_body && c != last))
      return errc::bad_section_order;
    if (c == last && !repeatable) return errc::duplicate_section;
    last = c;
    seen |= 1u << (c - section::header);
    switch (c) {
      case section::header:
        if (!out.header) out.header.emplace();
        if (!detail::read_fields(scratch, *out.header, lim, ec, 0)) return ec;
        break;
      case section::properties:
        // Copied from a default rather than emplace()d when the message has none yet:
        // value-initialising 300 bytes of optionals is compiled as a slow `rep stos`.
        if (!out.properties) out.properties = detail::defaults<message_properties>();
        if (!detail::read_fields(scratch, *out.properties, lim, ec, 0)) return ec;
        break;
      case section::delivery_annotations:
      case section::message_annotations:
      case section::footer:
        if (!detail::check_annotations(slot(c), lim, ec)) return ec;
        break;
      case section::application_properties:
        if (!detail::check_application_properties(out.application_properties, lim, ec)) return ec;
        break;
      default: // body
        if (c == section::data && scratch.type() != kind::binary) return errc::unexpected_type;
        if (c == section::amqp_sequence && scratch.type() != kind::list) return errc::unexpected_type;
        if (!detail::validate_elements(scratch, lim, ec, 1)) return ec;
        if (!body_begin) body_begin = start;
        body_end = r.rest().data();
        body = c == section::data ? body_kind::data : c == section::amqp_sequence ? body_kind::sequence : body_kind::value;
        ++body_count;
        break;
    }
  }
  // What the previous message had and this one has not.
  auto absent = [&](std::uint64_t c) { return (seen & (1u << (c - section::header))) == 0; };
  if (absent(section::header)) out.header.reset();
  if (absent(section::properties)) out.properties.reset();
  for (std::uint64_t c : {section::delivery_annotations, section::message_annotations,
                          section::application_properties, section::footer})
    if (absent(c) && !slot(c).is_null()) slot(c) = value{};
  out.body.kind = body;
  out.body.count = body_count;
  out.body.sections = body_begin ? bytes_view(body_begin, static_cast<std::size_t>(body_end - body_begin)) : bytes_view{};
  return ec; // clear: no second error_code (its constructor is a call into libstdc++)
}

namespace detail {

// Whether the body sections are already written as the encoder would write them:
// data sections with a one-byte descriptor code and the narrowest binary constructor
// (the common case, copied as they are).
inline bool body_is_compact(const message_body& b) noexcept {
  if (b.kind != body_kind::data) return false;
  const std::uint8_t* p = b.sections.data();
  const std::uint8_t* end = p + b.sections.size();
  for (std::uint32_t i = 0; i < b.count; ++i) {
    if (end - p < 5 || p[0] != code::described || p[1] != 0x53 || p[2] != section::data) return false;
    if (p[3] == 0xa0) p += 5 + p[4];
    else if (p[3] == 0xb0 && end - p >= 8 && get_be<std::uint32_t>(p + 4) > 0xff) p += 8 + get_be<std::uint32_t>(p + 4);
    else return false;
  }
  return p == end;
}

inline std::uint64_t body_code(body_kind k) noexcept {
  return k == body_kind::data ? section::data : k == body_kind::sequence ? section::amqp_sequence : section::amqp_value;
}

} // namespace detail

namespace detail {

// Every part's size, computed once by encoded_size and handed to its writer.
struct message_layout {
  static constexpr std::size_t section_descriptor = 3; // 0x00 0x53 code
  list_extent header{};
  list_extent properties{};
  std::size_t map_sizes[4] = {}; // delivery-annotations, message-annotations, application-properties, footer
  bool body_compact = false;
  std::size_t total = 0;

  explicit message_layout(const message& m) noexcept {
    if (m.header) {
      header = composite_extent(*m.header);
      total += composite_size<message_header>(header);
    }
    if (m.properties) {
      properties = composite_extent(*m.properties);
      total += composite_size<message_properties>(properties);
    }
    map(0, m.delivery_annotations);
    map(1, m.message_annotations);
    map(2, m.application_properties);
    map(3, m.footer);
    body_compact = body_is_compact(m.body);
    if (body_compact) total += m.body.sections.size();
    else if (m.body.kind != body_kind::none) {
      message_body::reader r(m.body);
      value v;
      while (r.next(v)) total += section_descriptor + value_codec::size(v);
    }
  }

  void map(int i, const value& v) noexcept {
    if (!v.is_null()) total += section_descriptor + (map_sizes[i] = value_codec::size(v));
  }

  // Writes exactly `total` bytes at `p`.
  void write(std::uint8_t* p, const message& m) const noexcept {
    auto map_section = [&](int i, const value& v, std::uint64_t c) {
      if (!v.is_null()) p = value_codec::write(write_descriptor(p, c), v, map_sizes[i]);
    };
    if (m.header) p = write_composite(p, *m.header, header);
    map_section(0, m.delivery_annotations, section::delivery_annotations);
    map_section(1, m.message_annotations, section::message_annotations);
    if (m.properties) p = write_composite(p, *m.properties, properties);
    map_section(2, m.application_properties, section::application_properties);
    if (body_compact) p = put_raw(p, m.body.sections);
    else if (m.body.kind != body_kind::none) {
      message_body::reader r(m.body);
      value v;
      while (r.next(v)) p = value_codec::write(write_descriptor(p, body_code(m.body.kind)), v);
    }
    map_section(3, m.footer, section::footer);
  }
};

} // namespace detail

inline std::size_t encoded_size(const message& m) noexcept { return detail::message_layout(m).total; }

inline std::size_t encode_message(const message& m, core::mutable_bytes out, std::error_code& ec) noexcept {
  ec.clear();
  const detail::message_layout l(m);
  if (out.size() < l.total) {
    ec = errc::buffer_too_small;
    return l.total;
  }
  l.write(out.data(), m);
  return l.total;
}

inline void encode_message(std::vector<std::uint8_t>& out, const message& m) {
  const detail::message_layout l(m);
  const std::size_t at = out.size();
  out.resize(at + l.total);
  l.write(out.data() + at, m);
}

inline message_body make_data_body(std::vector<std::uint8_t>& storage, bytes_view payload) {
  storage.clear();
  encoder e(storage);
  e.write_descriptor(section::data);
  e.write_binary(payload);
  return {body_kind::data, storage, 1};
}

inline message_body make_value_body(std::vector<std::uint8_t>& storage, const value& v) {
  storage.clear();
  encoder e(storage);
  e.write_descriptor(section::amqp_value);
  e.write(v);
  return {body_kind::value, storage, 1};
}

inline void payload_assembler::put(bytes_view payload, bool more, bool aborted, std::error_code& ec) {
  ec.clear();
  if (!in_progress_) {
    joined_.clear();
    whole_ = {};
  }
  if (aborted) {
    reset();
    ec = errc::delivery_aborted;
    return;
  }
  const std::size_t have = in_progress_ ? joined_.size() : 0;
  if (payload.size() > max_ || have > max_ - payload.size()) {
    reset();
    ec = errc::message_too_large;
    return;
  }
  if (!in_progress_ && !more) { // the whole message in one transfer
    whole_ = payload;
    return;
  }
  joined_.insert(joined_.end(), payload.begin(), payload.end());
  in_progress_ = more;
  if (more) {
    ec = errc::need_more;
    return;
  }
  whole_ = joined_;
}

} // namespace hubwire::amqp

#endif
