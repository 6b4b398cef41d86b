#ifndef HUBWIRE_AMQP_DEFINITIONS_HPP
#define HUBWIRE_AMQP_DEFINITIONS_HPP

// The composites performatives are built from (part 2, 2.8; part 3, 3.4 and 3.5):
// error, delivery states and the source and target terminus. Fields follow the
// specification's order; member initializers are its defaults.

#include <hubwire/amqp/fields.hpp>

namespace hubwire::amqp {

enum class role : bool { sender = false, receiver = true };
enum class sender_settle_mode : std::uint8_t { unsettled = 0, settled = 1, mixed = 2 };
enum class receiver_settle_mode : std::uint8_t { first = 0, second = 1 };
enum class terminus_durability : std::uint32_t { none = 0, configuration = 1, unsettled_state = 2 };

// Part 2, 2.8.14. `info` is a map (fields) or null.
struct error {
  symbol condition{};
  std::optional<std::string_view> description{};
  value info{};
  HUBWIRE_AMQP_COMPOSITE(error, 0x1d, "amqp:error:list", mandatory(s.condition), s.description, s.info);
};

// Delivery states (part 3, 3.4).
struct received {
  std::uint32_t section_number = 0;
  std::uint64_t section_offset = 0;
  HUBWIRE_AMQP_COMPOSITE(received, 0x23, "amqp:received:list",
                         mandatory(s.section_number), mandatory(s.section_offset));
};
struct accepted {
  HUBWIRE_AMQP_COMPOSITE(accepted, 0x24, "amqp:accepted:list");
};
struct rejected {
  std::optional<amqp::error> error{};
  HUBWIRE_AMQP_COMPOSITE(rejected, 0x25, "amqp:rejected:list", s.error);
};
struct released {
  HUBWIRE_AMQP_COMPOSITE(released, 0x26, "amqp:released:list");
};
struct modified {
  std::optional<bool> delivery_failed{};
  std::optional<bool> undeliverable_here{};
  value message_annotations{};
  HUBWIRE_AMQP_COMPOSITE(modified, 0x27, "amqp:modified:list",
                         s.delivery_failed, s.undeliverable_here, s.message_annotations);
};

// Transactional states (part 4) are not modelled: a transfer or disposition carrying
// one fails with unknown_descriptor.
using delivery_state = std::variant<received, accepted, rejected, released, modified>;

// Part 3, 3.5.3. Addresses are taken as AMQP strings, which is what every IoT Hub
// peer sends.
struct source {
  std::optional<std::string_view> address{};
  terminus_durability durable = terminus_durability::none;
  symbol expiry_policy{"session-end"};
  std::uint32_t timeout = 0; // seconds
  bool dynamic = false;
  value dynamic_node_properties{};
  std::optional<symbol> distribution_mode{};
  value filter{};           // filter-set: map of symbol to described filters
  value default_outcome{};  // a described outcome, kept as it came
  std::vector<symbol> outcomes{};
  std::vector<symbol> capabilities{};
  HUBWIRE_AMQP_COMPOSITE(source, 0x28, "amqp:source:list",
                         s.address, s.durable, s.expiry_policy, s.timeout, s.dynamic, s.dynamic_node_properties,
                         s.distribution_mode, s.filter, s.default_outcome, s.outcomes, s.capabilities);
};

// Part 3, 3.5.4.
struct target {
  std::optional<std::string_view> address{};
  terminus_durability durable = terminus_durability::none;
  symbol expiry_policy{"session-end"};
  std::uint32_t timeout = 0;
  bool dynamic = false;
  value dynamic_node_properties{};
  std::vector<symbol> capabilities{};
  HUBWIRE_AMQP_COMPOSITE(target, 0x29, "amqp:target:list",
                         s.address, s.durable, s.expiry_policy, s.timeout, s.dynamic, s.dynamic_node_properties,
                         s.capabilities);
};

} // namespace hubwire::amqp

#endif
