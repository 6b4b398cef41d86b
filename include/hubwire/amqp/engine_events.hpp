#ifndef HUBWIRE_AMQP_ENGINE_EVENTS_HPP
#define HUBWIRE_AMQP_ENGINE_EVENTS_HPP

// What the AMQP engine reports to its user. Performatives are views into the frame
// they were decoded from; events outlive that frame, so they own what they carry
// (error texts, delivery tags, the message payload).

#include <hubwire/amqp/definitions.hpp>
#include <hubwire/amqp/engine_error.hpp>
#include <hubwire/amqp/sasl.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hubwire::amqp {

// An AMQP error (part 2, 2.8.14), owned. `info` is dropped: no IoT Hub peer needs it
// to act, and keeping it would mean keeping a copy of an arbitrary map.
struct error_info {
  std::string condition{};
  std::string description{};
  friend bool operator==(const error_info&, const error_info&) = default;
};

inline error_info to_error_info(const amqp::error& e) {
  return {std::string(e.condition.str), std::string(e.description.value_or(std::string_view{}))};
}
inline amqp::error to_error(const error_info& e) {
  amqp::error out{symbol{e.condition}, std::nullopt, {}};
  if (!e.description.empty()) out.description = e.description;
  return out;
}

// A delivery state (part 3, 3.4), owned. `none` is "no state"; `received` is the
// non-terminal state; the others are the four outcomes.
enum class outcome_kind : std::uint8_t { none, received, accepted, rejected, released, modified };

struct outcome {
  outcome_kind kind = outcome_kind::none;
  std::optional<error_info> error{};     // rejected
  bool delivery_failed = false;          // modified
  bool undeliverable_here = false;       // modified
  std::uint32_t section_number = 0;      // received
  std::uint64_t section_offset = 0;      // received

  static outcome accepted() { return {outcome_kind::accepted}; }
  static outcome released() { return {outcome_kind::released}; }
  static outcome rejected(std::optional<error_info> e = std::nullopt) {
    outcome o{outcome_kind::rejected};
    o.error = std::move(e);
    return o;
  }
  static outcome modified(bool failed, bool undeliverable) {
    outcome o{outcome_kind::modified};
    o.delivery_failed = failed;
    o.undeliverable_here = undeliverable;
    return o;
  }
  bool terminal() const noexcept { return kind != outcome_kind::none && kind != outcome_kind::received; }
  friend bool operator==(const outcome&, const outcome&) = default;
};

inline outcome to_outcome(const std::optional<delivery_state>& s) {
  outcome o;
  if (!s) return o;
  std::visit([&](const auto& x) {
    using T = std::decay_t<decltype(x)>;
    if constexpr (std::is_same_v<T, received>) {
      o.kind = outcome_kind::received;
      o.section_number = x.section_number;
      o.section_offset = x.section_offset;
    } else if constexpr (std::is_same_v<T, accepted>) o.kind = outcome_kind::accepted;
    else if constexpr (std::is_same_v<T, rejected>) {
      o.kind = outcome_kind::rejected;
      if (x.error) o.error = to_error_info(*x.error);
    } else if constexpr (std::is_same_v<T, released>) o.kind = outcome_kind::released;
    else {
      o.kind = outcome_kind::modified;
      o.delivery_failed = x.delivery_failed.value_or(false);
      o.undeliverable_here = x.undeliverable_here.value_or(false);
    }
  }, *s);
  return o;
}

// A view of `o` as a delivery state to encode; valid while `o` lives.
inline std::optional<delivery_state> to_delivery_state(const outcome& o) {
  switch (o.kind) {
    case outcome_kind::none: return std::nullopt;
    case outcome_kind::received: return received{o.section_number, o.section_offset};
    case outcome_kind::accepted: return accepted{};
    case outcome_kind::rejected: {
      rejected r;
      if (o.error) r.error = to_error(*o.error);
      return r;
    }
    case outcome_kind::released: return released{};
    case outcome_kind::modified: {
      modified m;
      if (o.delivery_failed) m.delivery_failed = true;
      if (o.undeliverable_here) m.undeliverable_here = true;
      return m;
    }
  }
  return std::nullopt;
}

// Ids the engine hands out: stable for the life of the session or link.
using session_id = std::uint32_t;
using link_id = std::uint32_t;
inline constexpr std::uint32_t no_id = 0xffffffffu;

enum class event_kind : std::uint8_t {
  sasl_done,          // SASL finished: `sasl_code` (client) / mechanism + identity (server)
  connection_opened,  // the peer's open arrived (and ours is sent)
  connection_closed,  // the connection is closed; `ec` and `error` say why (none: clean)
  session_begun,      // the peer's begin arrived (answering ours or opening a new one)
  session_ended,      // the peer's end arrived or the engine ended the session on an error
  link_attached,      // the peer's attach arrived (answering ours or opening a new link)
  link_detached,      // the peer's detach arrived or the engine detached the link on an error
  credit,             // sender: credit changed (`credit`, `drain`); receiver: flow state changed
  message,            // receiver: a whole delivery arrived (`payload`), waiting for dispose()
  aborted,            // receiver: the sender aborted a delivery; nothing to settle
  disposition,        // a delivery's remote state or settlement changed (`state`, `settled`)
};

struct event {
  event_kind kind = event_kind::connection_opened;
  session_id session = no_id;
  link_id link = no_id;
  std::uint32_t delivery_id = 0;
  std::uint32_t message_format = 0;
  bool settled = false;             // message: sender-settled; disposition: remote settled it
  bool remote_initiated = false;    // session_begun / link_attached: the peer began it
  bool closed = false;              // link_detached: detach(closed=true)
  bool drain = false;               // credit: the receiver asked to drain
  std::uint32_t credit = 0;         // credit: link credit now available to the sender
  sasl_code sasl = sasl_code::ok;   // sasl_done
  std::error_code ec{};             // closed/ended/detached: why (remote_error: see `error`)
  std::optional<error_info> error{}; // the AMQP error sent or received, if any
  outcome state{};                  // disposition: the remote state
  std::string text{};               // sasl_done (server): mechanism; link_attached: link name
  std::string identity{};           // sasl_done (server): the authenticated identity
  std::vector<std::uint8_t> tag{};  // message/disposition: delivery tag
  std::vector<std::uint8_t> payload{}; // message: the whole message, transfers joined
};

} // namespace hubwire::amqp

#endif
