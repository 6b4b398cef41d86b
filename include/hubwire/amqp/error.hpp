#ifndef HUBWIRE_AMQP_ERROR_HPP
#define HUBWIRE_AMQP_ERROR_HPP

#include <hubwire/core/error.hpp>

namespace hubwire::amqp {

enum class errc {
  need_more = 1,           // not an error: feed more bytes (incremental decoders only)
  truncated,               // a complete buffer ends inside a value
  bad_constructor,         // a format code the type system does not define
  bad_descriptor,          // a descriptor that is neither a ulong nor a symbol
  bad_utf8,                // a string that is not well-formed UTF-8
  bad_symbol,              // a symbol with a byte outside ASCII
  bad_boolean,             // a 0x56 boolean other than 0 or 1
  bad_char,                // a char that is not a Unicode scalar value
  bad_size,                // a compound's size is too small for its count field
  odd_map_count,           // a map with an odd number of elements
  trailing_bytes,          // a compound's size covers more bytes than its elements
  too_deep,                // nesting deeper than decode_limits::max_depth
  too_many_elements,       // more elements than decode_limits::max_elements
  // framing
  not_amqp,                // the protocol header does not start with "AMQP"
  protocol_mismatch,       // AMQP, but another protocol id or version
  bad_frame_size,          // frame size below 8
  bad_data_offset,         // doff below 2 or past the frame end
  frame_too_large,         // frame size above the agreed max-frame-size
  bad_frame_type,          // neither AMQP (0) nor SASL (1)
  // performatives, SASL frames and message sections
  unexpected_type,         // a field or section of the wrong AMQP type
  missing_field,           // a mandatory field is absent or null
  unknown_descriptor,      // not a performative/section/state this decoder knows
  too_many_fields,         // a list with more fields than the definition has
  bad_section_order,       // message sections out of the order part 3 requires
  duplicate_section,
  empty_frame,             // an AMQP frame with no performative where one is required
  message_too_large,       // a delivery's payloads exceed the assembler's limit
  delivery_aborted,        // the sender aborted the delivery; its payload is discarded
  buffer_too_small,        // the caller's buffer cannot hold the encoding
};

constexpr const char* category_name(errc) noexcept { return "hubwire.amqp"; }

inline const char* describe(errc e) noexcept {
  switch (e) {
    case errc::need_more: return "amqp: need more bytes";
    case errc::truncated: return "amqp: value truncated";
    case errc::bad_constructor: return "amqp: unknown format code";
    case errc::bad_descriptor: return "amqp: descriptor is not a ulong or symbol";
    case errc::bad_utf8: return "amqp: string is not valid UTF-8";
    case errc::bad_symbol: return "amqp: symbol is not ASCII";
    case errc::bad_boolean: return "amqp: boolean byte is not 0 or 1";
    case errc::bad_char: return "amqp: char is not a Unicode scalar value";
    case errc::bad_size: return "amqp: compound size smaller than its count field";
    case errc::odd_map_count: return "amqp: map has an odd number of elements";
    case errc::trailing_bytes: return "amqp: compound size does not match its elements";
    case errc::too_deep: return "amqp: nesting too deep";
    case errc::too_many_elements: return "amqp: too many elements";
    case errc::not_amqp: return "amqp: not an AMQP protocol header";
    case errc::protocol_mismatch: return "amqp: unsupported protocol id or version";
    case errc::bad_frame_size: return "amqp: frame size below 8";
    case errc::bad_data_offset: return "amqp: bad frame data offset";
    case errc::frame_too_large: return "amqp: frame larger than max-frame-size";
    case errc::bad_frame_type: return "amqp: unknown frame type";
    case errc::unexpected_type: return "amqp: field has the wrong type";
    case errc::missing_field: return "amqp: mandatory field missing";
    case errc::unknown_descriptor: return "amqp: unknown descriptor";
    case errc::too_many_fields: return "amqp: more fields than the definition has";
    case errc::bad_section_order: return "amqp: message sections out of order";
    case errc::duplicate_section: return "amqp: message section repeated";
    case errc::empty_frame: return "amqp: frame has no performative";
    case errc::message_too_large: return "amqp: message larger than the limit";
    case errc::delivery_aborted: return "amqp: delivery aborted by the sender";
    case errc::buffer_too_small: return "amqp: buffer too small for the encoding";
  }
  return "hubwire.amqp: unknown error";
}

} // namespace hubwire::amqp

HUBWIRE_ERROR_ENUM(hubwire::amqp, errc)

#endif
