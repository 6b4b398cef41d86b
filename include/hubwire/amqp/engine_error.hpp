#ifndef HUBWIRE_AMQP_ENGINE_ERROR_HPP
#define HUBWIRE_AMQP_ENGINE_ERROR_HPP

// Errors of the AMQP engine (connection, session and link state machines, SASL, CBS).
// Every protocol violation has the AMQP condition symbol the engine sends to the peer
// when it closes the connection, ends the session or detaches the link (part 2,
// 2.8.15-2.8.18), so a log line and the peer both see the same reason.

#include <hubwire/core/error.hpp>

#include <string_view>

namespace hubwire::amqp {

enum class engine_errc {
  // violations by the peer, each with its AMQP condition (see condition_of)
  framing_error = 1,        // bad frame, bad header, frame above max-frame-size
  decode_error,             // a performative that does not decode
  illegal_state,            // a performative the current state does not allow
  not_allowed,              // e.g. a begin above channel-max, a second SASL init
  invalid_field,            // a field value the state does not allow
  window_violation,         // a transfer beyond the session's incoming window
  errant_link,              // a performative for a link the peer has detached
  handle_in_use,            // an attach on a handle already attached
  unattached_handle,        // a performative on a handle that is not attached
  transfer_limit_exceeded,  // a transfer without link credit
  message_size_exceeded,    // a delivery larger than the reassembly limit
  resource_limit_exceeded,  // more sessions, links or unsettled deliveries than configured
  idle_timeout,             // the peer was silent past our idle-time-out
  // outcomes
  remote_error,             // the peer closed/ended/detached with an error (see the event)
  sasl_auth_failed,         // SASL outcome auth (bad credentials)
  sasl_system_error,        // SASL outcome sys, sys-perm or sys-temp
  sasl_mechanism_unavailable, // none of our mechanisms is offered / accepted
  // misuse by the caller
  not_open,                 // the connection, session or link is not (or no longer) open
  unknown_handle,           // a session or link id the engine does not know
  no_credit,                // send() on a sender link with no credit
  session_window_closed,    // send() while an earlier delivery still waits for window
  wrong_role,               // send() on a receiver, flow() on a sender
  unknown_delivery,         // dispose/settle of a delivery that is not unsettled here
  connection_closed,        // the connection is closed; nothing more can be done
};

// The AMQP condition symbol the engine sends for an error it detects.
constexpr std::string_view condition_of(engine_errc e) noexcept {
  switch (e) {
    case engine_errc::framing_error: return "amqp:connection:framing-error";
    case engine_errc::decode_error: return "amqp:decode-error";
    case engine_errc::illegal_state: return "amqp:illegal-state";
    case engine_errc::not_allowed: return "amqp:not-allowed";
    case engine_errc::invalid_field: return "amqp:invalid-field";
    case engine_errc::window_violation: return "amqp:session:window-violation";
    case engine_errc::errant_link: return "amqp:session:errant-link";
    case engine_errc::handle_in_use: return "amqp:session:handle-in-use";
    case engine_errc::unattached_handle: return "amqp:session:unattached-handle";
    case engine_errc::transfer_limit_exceeded: return "amqp:link:transfer-limit-exceeded";
    case engine_errc::message_size_exceeded: return "amqp:link:message-size-exceeded";
    case engine_errc::resource_limit_exceeded: return "amqp:resource-limit-exceeded";
    case engine_errc::idle_timeout: return "amqp:resource-limit-exceeded";
    case engine_errc::sasl_auth_failed: return "amqp:unauthorized-access";
    default: return "amqp:internal-error";
  }
}

constexpr const char* category_name(engine_errc) noexcept { return "hubwire.amqp.engine"; }

inline const char* describe(engine_errc e) noexcept {
  switch (e) {
    case engine_errc::framing_error: return "amqp engine: framing error";
    case engine_errc::decode_error: return "amqp engine: performative does not decode";
    case engine_errc::illegal_state: return "amqp engine: performative not allowed in this state";
    case engine_errc::not_allowed: return "amqp engine: not allowed";
    case engine_errc::invalid_field: return "amqp engine: invalid field";
    case engine_errc::window_violation: return "amqp engine: session window violated";
    case engine_errc::errant_link: return "amqp engine: performative for a detached link";
    case engine_errc::handle_in_use: return "amqp engine: handle already in use";
    case engine_errc::unattached_handle: return "amqp engine: handle not attached";
    case engine_errc::transfer_limit_exceeded: return "amqp engine: transfer without link credit";
    case engine_errc::message_size_exceeded: return "amqp engine: message larger than the limit";
    case engine_errc::resource_limit_exceeded: return "amqp engine: configured limit exceeded";
    case engine_errc::idle_timeout: return "amqp engine: peer silent past the idle time-out";
    case engine_errc::remote_error: return "amqp engine: the peer reported an error";
    case engine_errc::sasl_auth_failed: return "amqp engine: SASL authentication failed";
    case engine_errc::sasl_system_error: return "amqp engine: SASL system error";
    case engine_errc::sasl_mechanism_unavailable: return "amqp engine: no common SASL mechanism";
    case engine_errc::not_open: return "amqp engine: not open";
    case engine_errc::unknown_handle: return "amqp engine: unknown session or link";
    case engine_errc::no_credit: return "amqp engine: no link credit";
    case engine_errc::session_window_closed: return "amqp engine: session outgoing window closed";
    case engine_errc::wrong_role: return "amqp engine: operation not valid for the link's role";
    case engine_errc::unknown_delivery: return "amqp engine: no such unsettled delivery";
    case engine_errc::connection_closed: return "amqp engine: connection closed";
  }
  return "hubwire.amqp.engine: unknown error";
}

} // namespace hubwire::amqp

HUBWIRE_ERROR_ENUM(hubwire::amqp, engine_errc)

#endif
