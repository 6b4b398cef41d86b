#ifndef HUBWIRE_AMQP_DEFINITIONS_HPP
#define HUBWIRE_AMQP_DEFINITIONS_HPP

// The composites performatives are built from (part 2, 2.8; part 3, 3.4 and 3.5):
// error, delivery states and the source and target terminus. Fields follow the
// specification's order; `def` fields carry its default, `req` ones are mandatory.

#include <hubwire/amqp/fields.hpp>

namespace hubwire::amqp {

enum class role : bool { sender = false, receiver = true };
enum class sender_settle_mode : std::uint8_t { unsettled = 0, settled = 1, mixed = 2 };
enum class receiver_settle_mode : std::uint8_t { first = 0, second = 1 };
enum class terminus_durability : std::uint32_t { none = 0, configuration = 1, unsettled_state = 2 };

// Part 2, 2.8.14. `info` is a map (fields) or null.
struct error {
  static constexpr std::uint64_t descriptor = 0x1d;
  static constexpr std::string_view name = "amqp:error:list";
  symbol condition{};
  std::optional<std::string_view> description{};
  value info{};
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.req(s.condition);
    v.opt(s.description);
    v.opt(s.info);
  }
  friend bool operator==(const error&, const error&) = default;
};

// Delivery states (part 3, 3.4).
struct received {
  static constexpr std::uint64_t descriptor = 0x23;
  static constexpr std::string_view name = "amqp:received:list";
  std::uint32_t section_number = 0;
  std::uint64_t section_offset = 0;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.req(s.section_number);
    v.req(s.section_offset);
  }
  friend bool operator==(const received&, const received&) = default;
};
struct accepted {
  static constexpr std::uint64_t descriptor = 0x24;
  static constexpr std::string_view name = "amqp:accepted:list";
  template <class S, class V>
  static void fields(S&, V&) {}
  friend bool operator==(const accepted&, const accepted&) = default;
};
struct rejected {
  static constexpr std::uint64_t descriptor = 0x25;
  static constexpr std::string_view name = "amqp:rejected:list";
  std::optional<amqp::error> error{};
  template <class S, class V>
  static void fields(S& s, V& v) { v.opt(s.error); }
  friend bool operator==(const rejected&, const rejected&) = default;
};
struct released {
  static constexpr std::uint64_t descriptor = 0x26;
  static constexpr std::string_view name = "amqp:released:list";
  template <class S, class V>
  static void fields(S&, V&) {}
  friend bool operator==(const released&, const released&) = default;
};
struct modified {
  static constexpr std::uint64_t descriptor = 0x27;
  static constexpr std::string_view name = "amqp:modified:list";
  std::optional<bool> delivery_failed{};
  std::optional<bool> undeliverable_here{};
  value message_annotations{};
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.opt(s.delivery_failed);
    v.opt(s.undeliverable_here);
    v.opt(s.message_annotations);
  }
  friend bool operator==(const modified&, const modified&) = default;
};

// Transactional states (part 4) are not modelled: a transfer or disposition carrying
// one fails with unknown_descriptor.
using delivery_state = std::variant<received, accepted, rejected, released, modified>;

inline bool get_variant(const value& v, delivery_state& out, const decode_limits& lim, std::error_code& ec,
                        std::size_t depth) {
  return detail::get_one_of(v, out, lim, ec, depth);
}
inline void put_variant(encoder& e, const delivery_state& s) {
  std::visit([&](const auto& x) { detail::put_composite(e, x); }, s);
}

// Part 3, 3.5.3. Addresses are taken as AMQP strings, which is what every IoT Hub
// peer sends.
struct source {
  static constexpr std::uint64_t descriptor = 0x28;
  static constexpr std::string_view name = "amqp:source:list";
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
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.opt(s.address);
    v.def(s.durable, terminus_durability::none);
    v.def(s.expiry_policy, symbol{"session-end"});
    v.def(s.timeout, 0u);
    v.def(s.dynamic, false);
    v.opt(s.dynamic_node_properties);
    v.opt(s.distribution_mode);
    v.opt(s.filter);
    v.opt(s.default_outcome);
    v.opt(s.outcomes);
    v.opt(s.capabilities);
  }
  friend bool operator==(const source&, const source&) = default;
};

// Part 3, 3.5.4.
struct target {
  static constexpr std::uint64_t descriptor = 0x29;
  static constexpr std::string_view name = "amqp:target:list";
  std::optional<std::string_view> address{};
  terminus_durability durable = terminus_durability::none;
  symbol expiry_policy{"session-end"};
  std::uint32_t timeout = 0;
  bool dynamic = false;
  value dynamic_node_properties{};
  std::vector<symbol> capabilities{};
  template <class S, class V>
  static void fields(S& s, V& v) {
    v.opt(s.address);
    v.def(s.durable, terminus_durability::none);
    v.def(s.expiry_policy, symbol{"session-end"});
    v.def(s.timeout, 0u);
    v.def(s.dynamic, false);
    v.opt(s.dynamic_node_properties);
    v.opt(s.capabilities);
  }
  friend bool operator==(const target&, const target&) = default;
};

} // namespace hubwire::amqp

#endif
