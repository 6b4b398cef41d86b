#ifndef HUBWIRE_IOTHUB_AMQP_MAPPING_HPP
#define HUBWIRE_IOTHUB_AMQP_MAPPING_HPP

// IoT Hub's C2D message over AMQP, both ways, as the official SDKs read it and as the
// hub sends it (reference: iothub-wire-details.md 2.5 and 7):
//
//   c2d_message          AMQP
//   body                 data section(s), joined
//   message_id,          properties.message-id / correlation-id: a string as is; a
//   correlation_id       ulong in decimal; a uuid as 8-4-4-4-12 lower-case hex; a
//                        binary as its bytes (which must be UTF-8)
//   user_id              properties.user-id (binary)
//   to                   properties.to
//   content_type/_encoding  properties.content-type / content-encoding (symbols)
//   expiry_time          properties.absolute-expiry-time
//   enqueued_time        message annotation iothub-enqueuedtime (timestamp)
//   delivery_count       message annotation iothub-deliverycount (ubyte when sent)
//   sequence_number      message annotation x-opt-sequence-number (ulong)
//   lock_token           the 16-byte delivery tag as a GUID (as the C# SDK reads it),
//                        else message annotation x-opt-lock-token (string)
//   ack_requested        application property iothub-ack
//   properties           the other application properties; values are AMQP strings
//                        (or null for a property without a value)
//
// Decoding is strict where the SDKs are: a body that is not data sections, or an
// application property whose value is not a string, fails with invalid_message (the
// C SDK rejects such messages; the C# one drops the property silently).

#include <hubwire/amqp/message.hpp>
#include <hubwire/core/result.hpp>
#include <hubwire/iothub/error.hpp>
#include <hubwire/iothub/message.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hubwire::iothub {

// Annotation and property names the hub uses.
namespace amqp_names {
inline constexpr std::string_view enqueued_time = "iothub-enqueuedtime";
inline constexpr std::string_view delivery_count = "iothub-deliverycount";
inline constexpr std::string_view sequence_number = "x-opt-sequence-number";
inline constexpr std::string_view lock_token = "x-opt-lock-token";
inline constexpr std::string_view ack = "iothub-ack";
} // namespace amqp_names

// The model's view of a received AMQP message. `delivery_tag` is the transfer's tag;
// when it is 16 bytes it becomes the lock token.
core::result<c2d_message> from_amqp(const amqp::message& m, std::optional<amqp::binary> delivery_tag = {});

// Appends the AMQP message (sections, ready for transfer payloads) that carries `msg`,
// with the annotations the hub adds for the fields it sets.
void to_amqp(const c2d_message& msg, std::vector<std::uint8_t>& out);

// The lock token GUID and the delivery tag bytes, in .NET's Guid byte order (the first
// three groups little-endian), which is how the C# SDK turns one into the other.
std::string delivery_tag_to_lock_token(amqp::bytes_view tag);
std::optional<std::array<std::uint8_t, 16>> lock_token_to_delivery_tag(std::string_view guid);

// message-id / correlation-id as the SDKs print them.
std::string to_string(const amqp::message_id& id);

} // namespace hubwire::iothub

#include <hubwire/iothub/impl/amqp_mapping.hpp>

#endif
