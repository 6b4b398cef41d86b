#ifndef HUBWIRE_MQTT_IMPL_SESSION_HPP
#define HUBWIRE_MQTT_IMPL_SESSION_HPP

#include <algorithm>
#include <utility>

namespace hubwire::mqtt {

inline client_session::client_session(session_options opts)
    : opts_(std::move(opts)), decoder_({.local = role::client, .max_packet_size = opts_.max_packet_size}) {}

// Appends the encoded packet; an invalid one (a user's topic, say) is not queued.
template <class P>
std::error_code client_session::queue(const P& p) {
  std::error_code ec;
  const std::size_t n = encoded_size(p, ec);
  if (ec) return ec;
  const std::size_t at = out_.size();
  out_.resize(at + n);
  encode(p, core::mutable_bytes(out_.data() + at, n), ec);
  return ec;
}

inline std::error_code client_session::fail(session_errc e) {
  state_ = state_ == session_state::closed ? state_ : session_state::idle;
  return e;
}

inline std::error_code client_session::start(time_point now) {
  decoder_ = decoder({.local = role::client, .max_packet_size = opts_.max_packet_size});
  out_.clear();
  writing_.clear();
  disconnect_in_out_ = disconnect_in_writing_ = false;
  pending_acks_.insert(pending_acks_.end(), acks_in_out_.begin(), acks_in_out_.end());
  pending_acks_.insert(pending_acks_.end(), acks_in_writing_.begin(), acks_in_writing_.end());
  acks_in_out_.clear();
  acks_in_writing_.clear();
  for (auto& p : inflight_) p.on_wire = wire::unsent;
  subscribe_id_ = 0;
  resent_acks_.clear();
  renewing_ = false;
  ping_deadline_.reset();
  last_sent_ = last_received_ = now;

  connect c{.client_id = opts_.client_id,
            .clean_session = opts_.clean_session,
            .keep_alive = static_cast<std::uint16_t>(std::min<std::chrono::seconds::rep>(opts_.keep_alive.count(), 65535))};
  if (!opts_.username.empty() || !opts_.password.empty()) c.username = std::string_view(opts_.username);
  if (!opts_.password.empty()) c.password = std::string_view(opts_.password);
  if (auto ec = queue(c)) return ec;
  state_ = session_state::connecting;
  response_deadline_ = now + opts_.response_timeout;
  return {};
}

inline void client_session::connection_lost() noexcept {
  pending_acks_.insert(pending_acks_.end(), acks_in_out_.begin(), acks_in_out_.end());
  pending_acks_.insert(pending_acks_.end(), acks_in_writing_.begin(), acks_in_writing_.end());
  acks_in_out_.clear();
  acks_in_writing_.clear();
  out_.clear();
  writing_.clear();
  disconnect_in_out_ = disconnect_in_writing_ = false;
  for (auto& p : inflight_) p.on_wire = wire::unsent;
  response_deadline_.reset();
  ping_deadline_.reset();
  if (state_ != session_state::closed) state_ = session_state::idle;
}

inline core::bytes_view client_session::begin_write() {
  if (!writing_.empty() || out_.empty()) return {};
  writing_.swap(out_);
  acks_in_writing_.swap(acks_in_out_);
  disconnect_in_writing_ = std::exchange(disconnect_in_out_, false);
  for (auto& p : inflight_)
    if (p.on_wire == wire::queued) p.on_wire = wire::handed_out;
  return writing_;
}

inline void client_session::end_write(time_point now, std::error_code& ec) {
  ec.clear();
  writing_.clear();
  acks_in_writing_.clear();
  last_sent_ = now;
  if (std::exchange(disconnect_in_writing_, false)) {
    // DISCONNECT is out: the broker discards the will and closes; so do we.
    response_deadline_.reset();
    ping_deadline_.reset();
    if (renewing_) {
      state_ = session_state::idle;
      ec = session_errc::renewal_due;
    } else {
      state_ = session_state::closed;
      ec = session_errc::closed;
    }
  }
}

inline bool client_session::id_in_use(std::uint16_t id) const noexcept {
  if (id == subscribe_id_) return true;
  return std::any_of(inflight_.begin(), inflight_.end(), [&](const inflight_publish& p) { return p.id == id; });
}

inline std::uint16_t client_session::allocate_id() noexcept {
  // max_inflight is far below 65535, so a free id is always found.
  for (;;) {
    const std::uint16_t id = next_id_;
    next_id_ = static_cast<std::uint16_t>(next_id_ == 65535 ? 1 : next_id_ + 1);
    if (!id_in_use(id)) return id;
  }
}

inline bool client_session::ack_held(std::uint16_t id) const noexcept {
  auto has = [id](const std::vector<std::uint16_t>& v) { return std::find(v.begin(), v.end(), id) != v.end(); };
  return has(outstanding_) || has(pending_acks_) || has(acks_in_out_) || has(acks_in_writing_);
}

inline void client_session::queue_puback(std::uint16_t id) {
  queue(puback{id});
  acks_in_out_.push_back(id);
}

inline void client_session::send_subscribe() {
  subscribe s;
  s.packet_id = subscribe_id_ = allocate_id();
  for (const auto& f : opts_.subscriptions) s.subscriptions.push_back({f, qos::at_least_once});
  queue(s);
}

inline std::error_code client_session::on_connack(const connack& a, time_point now, session_event& ev) {
  if (a.code != connect_return_code::accepted) {
    response_deadline_.reset();
    return fail(static_cast<session_errc>(static_cast<int>(a.code))); // codes 1-5 map one to one
  }
  if (!a.session_present) {
    // The broker has no session: nothing it delivered before can be acknowledged, and
    // the application must not try (the broker will deliver again or has forgotten).
    ++epoch_;
    outstanding_.clear();
    pending_acks_.clear();
  }
  for (const auto id : pending_acks_) queue_puback(id);
  resent_acks_ = std::move(pending_acks_);
  pending_acks_.clear();
  // MQTT-4.4.0-1: unacknowledged PUBLISHes are re-sent, with DUP, in their original order.
  for (auto& p : inflight_) {
    if (a.session_present) p.bytes[0] = static_cast<std::uint8_t>(p.bytes[0] | 0x08);
    out_.insert(out_.end(), p.bytes.begin(), p.bytes.end());
    p.on_wire = wire::queued;
  }
  session_present_ = a.session_present;
  if (opts_.subscriptions.empty()) {
    response_deadline_.reset();
    state_ = session_state::ready;
    ev.type = session_event::kind::ready;
    ev.session_present = a.session_present;
  } else {
    send_subscribe();
    state_ = session_state::subscribing;
    response_deadline_ = now + opts_.response_timeout;
  }
  return {};
}

inline std::size_t client_session::put(core::bytes_view in, time_point now, session_event& ev, std::error_code& ec) {
  ev = session_event{};
  const std::size_t used = decoder_.put(in, ec);
  if (ec) {
    if (ec != errc::need_more) fail(session_errc::protocol_violation);
    return used;
  }
  last_received_ = now;
  const auto violation = [&] { ec = fail(session_errc::protocol_violation); return used; };
  const bool open = state_ == session_state::subscribing || state_ == session_state::ready ||
                    state_ == session_state::closing;
  const packet& p = decoder_.value();
  switch (type_of(p)) {
    case packet_type::connack:
      if (state_ != session_state::connecting) return violation();
      ec = on_connack(std::get<connack>(p), now, ev);
      return used;
    case packet_type::suback: {
      const auto& s = std::get<suback>(p);
      if (state_ != session_state::subscribing) return violation();
      if (s.packet_id != subscribe_id_) return ec = fail(session_errc::unknown_packet_id), used;
      if (s.codes.size() != opts_.subscriptions.size()) return violation();
      for (const auto c : s.codes)
        if (c == suback_code::failure) return ec = fail(session_errc::subscription_refused), used;
      subscribe_id_ = 0;
      response_deadline_.reset();
      state_ = session_state::ready;
      ev.type = session_event::kind::ready;
      ev.session_present = session_present_;
      return used;
    }
    case packet_type::publish: {
      // A broker with our session may deliver as soon as CONNACK is out, before SUBACK.
      if (!open) return violation();
      const auto& m = std::get<mqtt::publish>(p);
      if (m.qos == qos::exactly_once) return ec = fail(session_errc::qos2_not_supported), used;
      if (m.qos == qos::at_least_once) {
        if (ack_held(m.packet_id)) return used; // a redelivery of what the application holds
        // The broker re-sends right after CONNACK, so a redelivery (DUP) can cross the
        // PUBACK we re-sent for it; a new message under that id comes without DUP.
        const auto crossed = std::find(resent_acks_.begin(), resent_acks_.end(), m.packet_id);
        if (crossed != resent_acks_.end()) {
          resent_acks_.erase(crossed);
          if (m.dup) return used;
        }
        outstanding_.push_back(m.packet_id);
      }
      ev.type = session_event::kind::message;
      ev.message = m;
      return used;
    }
    case packet_type::puback: {
      const auto id = std::get<puback>(p).packet_id;
      const auto it = std::find_if(inflight_.begin(), inflight_.end(), [&](const inflight_publish& x) { return x.id == id; });
      // A PUBACK for an id no longer in flight can follow a reconnect that re-sent the
      // PUBLISH; it acknowledges nothing new, so it is not an error.
      // One for a PUBLISH not yet handed to the transport (CONNACK and PUBACK in one
      // read) acknowledges nothing either: the broker cannot have it. It stays in flight.
      if (it == inflight_.end() || it->on_wire != wire::handed_out) return used;
      inflight_.erase(it);
      ev.type = session_event::kind::published;
      ev.packet_id = id;
      return used;
    }
    case packet_type::pingresp:
      if (!open) return violation();
      ping_deadline_.reset();
      return used;
    default: // PUBREC, PUBREL, PUBCOMP (QoS 2, never granted), UNSUBACK (never asked)
      return violation();
  }
}

inline client_session::time_point client_session::keep_alive_due() const noexcept {
  return (input_paused_ ? last_sent_ : std::min(last_sent_, last_received_)) + opts_.keep_alive;
}

inline void client_session::set_input_paused(bool paused) noexcept {
  if (input_paused_ && !paused) ping_deadline_.reset(); // the answers are in the unread input
  input_paused_ = paused;
}

inline client_session::time_point client_session::next_deadline() const noexcept {
  time_point t = time_point::max();
  if (response_deadline_) t = std::min(t, *response_deadline_);
  if (ping_deadline_ && !input_paused_) t = std::min(t, *ping_deadline_);
  const bool open = state_ == session_state::subscribing || state_ == session_state::ready;
  if (open && renew_at_) t = std::min(t, *renew_at_);
  if (open && (!ping_deadline_ || input_paused_) && opts_.keep_alive.count() > 0) t = std::min(t, keep_alive_due());
  return t;
}

inline void client_session::on_timer(time_point now, std::error_code& ec) {
  ec.clear();
  if (response_deadline_ && now >= *response_deadline_) {
    response_deadline_.reset();
    ec = fail(session_errc::response_timeout);
    return;
  }
  if (ping_deadline_ && !input_paused_ && now >= *ping_deadline_) {
    ping_deadline_.reset();
    ec = fail(session_errc::ping_timeout);
    return;
  }
  const bool open = state_ == session_state::subscribing || state_ == session_state::ready;
  if (!open) return;
  if (renew_at_ && now >= *renew_at_) {
    renew_at_.reset();
    renewing_ = true;
    disconnect();
    return;
  }
  if (opts_.keep_alive.count() > 0 && (!ping_deadline_ || input_paused_) && now >= keep_alive_due()) {
    queue(pingreq{});
    ping_deadline_ = now + opts_.response_timeout;
  }
}

inline std::error_code client_session::publish(std::string_view topic, core::bytes_view payload, qos q,
                                               std::uint16_t& id) {
  id = 0;
  if (q == qos::exactly_once) return session_errc::qos2_not_supported;
  mqtt::publish p{.topic = topic, .payload = core::as_chars(payload), .qos = q};
  const bool can_send = state_ == session_state::subscribing || state_ == session_state::ready;
  if (q == qos::at_most_once) {
    if (!can_send) return session_errc::not_connected;
    return queue(p);
  }
  if (inflight_.size() >= opts_.max_inflight) return session_errc::inflight_full;
  p.packet_id = allocate_id();
  std::error_code ec;
  const std::size_t n = encoded_size(p, ec);
  if (ec) return ec;
  inflight_publish f{p.packet_id, std::vector<std::uint8_t>(n), can_send ? wire::queued : wire::unsent};
  encode(p, core::mutable_bytes(f.bytes.data(), n), ec);
  if (can_send) out_.insert(out_.end(), f.bytes.begin(), f.bytes.end());
  id = f.id;
  inflight_.push_back(std::move(f));
  return {};
}

inline std::error_code client_session::acknowledge(std::uint16_t packet_id, std::uint32_t epoch) {
  const auto it = std::find(outstanding_.begin(), outstanding_.end(), packet_id);
  if (epoch != epoch_ || it == outstanding_.end()) return session_errc::lock_lost;
  outstanding_.erase(it);
  if (state_ == session_state::subscribing || state_ == session_state::ready) queue_puback(packet_id);
  else pending_acks_.push_back(packet_id);
  return {};
}

inline void client_session::disconnect() {
  switch (state_) {
    case session_state::connecting:
    case session_state::subscribing:
    case session_state::ready:
      queue(mqtt::disconnect{});
      disconnect_in_out_ = true;
      state_ = session_state::closing;
      break;
    case session_state::idle: state_ = session_state::closed; break;
    case session_state::closing:
    case session_state::closed: break;
  }
}

} // namespace hubwire::mqtt

#endif
