#ifndef HUBWIRE_AMQP_IMPL_ENGINE_HPP
#define HUBWIRE_AMQP_IMPL_ENGINE_HPP

#include <algorithm>
#include <cstring>

namespace hubwire::amqp {

// --- unsettled ring -----------------------------------------------------------------

inline engine::delivery_rec* engine::unsettled_ring::find(std::uint32_t id) noexcept {
  const std::uint32_t d = id - base;
  if (d >= span) return nullptr;
  delivery_rec& r = slots[(head + d) % slots.size()];
  return r.live ? &r : nullptr;
}

inline engine::delivery_rec* engine::unsettled_ring::insert(std::uint32_t id, std::uint32_t capacity) {
  if (capacity == 0) return nullptr;
  if (slots.empty()) slots.resize(capacity);
  if (span == 0) base = id;
  const std::uint32_t d = id - base;
  if (d >= slots.size()) return nullptr;
  if (d < span && slots[(head + d) % slots.size()].live) return nullptr;
  // ids between the newest and this one were settled on arrival: empty slots
  for (std::uint32_t i = span; i < d; ++i) slots[(head + i) % slots.size()] = delivery_rec{};
  if (d >= span) span = d + 1;
  delivery_rec& r = slots[(head + d) % slots.size()];
  r = delivery_rec{};
  r.live = true;
  ++live;
  return &r;
}

inline void engine::unsettled_ring::erase(delivery_rec& r) noexcept {
  if (!r.live) return;
  r.live = false;
  --live;
  while (span > 0 && !slots[head].live) {
    head = (head + 1) % slots.size();
    ++base;
    --span;
  }
}

// --- construction, I/O surface ------------------------------------------------------

inline engine::engine(connection_config cfg)
    : cfg_(std::move(cfg)), reader_(std::max(cfg_.max_frame_size, min_max_frame_size)) {
  cfg_.max_frame_size = reader_.max_frame_size();
  if (cfg_.limits.max_links == 0) cfg_.limits.max_links = 1;
}

inline void engine::start(time_point now) {
  if (phase_ != phase::init) return;
  now_ = last_in_ = last_out_ = now;
  if (cfg_.role == endpoint_role::server) {
    phase_ = phase::expect_header;
    return;
  }
  if (cfg_.sasl_client.mechanism != sasl_mechanism::none) {
    write_header(protocol_id::sasl);
    phase_ = phase::expect_sasl_header;
  } else {
    write_header(protocol_id::amqp);
    write_open();
    phase_ = phase::expect_amqp_header;
  }
}

inline std::size_t engine::put(bytes_view in, time_point now) {
  if (phase_ == phase::init) start(now);
  now_ = now;
  if (!in.empty()) last_in_ = now;
  std::size_t used = 0;
  while (used < in.size()) {
    if (phase_ == phase::done) return in.size();
    const bytes_view rest = in.subspan(used);
    if (phase_ == phase::expect_header || phase_ == phase::expect_sasl_header ||
        phase_ == phase::expect_amqp_header) {
      const std::size_t n = std::min(hdr_.size() - hdr_have_, rest.size());
      std::memcpy(hdr_.data() + hdr_have_, rest.data(), n);
      hdr_have_ += n;
      used += n;
      if (hdr_have_ < hdr_.size()) break;
      hdr_have_ = 0;
      protocol_header h;
      std::error_code ec;
      parse_protocol_header(hdr_, h, ec);
      if (ec == errc::not_amqp) {
        fail(engine_errc::framing_error);
        return in.size();
      }
      if (ec) h.id = static_cast<protocol_id>(0xff); // another version: answered below
      on_header(h);
      continue;
    }
    std::error_code ec;
    used += reader_.put(rest, ec);
    if (ec == errc::need_more) break;
    if (ec) {
      if (phase_ == phase::sasl) fail(engine_errc::framing_error);
      else connection_error(engine_errc::framing_error, ec.message());
      return in.size();
    }
    if (phase_ == phase::sasl) on_sasl_frame(reader_.get());
    else on_frame(reader_.get());
  }
  return used;
}

inline void engine::tick(time_point now) {
  now_ = now;
  if (phase_ != phase::frames && phase_ != phase::closing) return;
  if (cfg_.idle_time_out > 0 && now - last_in_ >= std::chrono::milliseconds(cfg_.idle_time_out)) {
    connection_error(engine_errc::idle_timeout, "local-idle-timeout expired");
    return;
  }
  if (remote_open_ && remote_idle_ > 0 && now - last_out_ >= std::chrono::milliseconds(remote_idle_ / 2)) {
    flush_disposition();
    write_heartbeat(out_);
    last_out_ = now;
  }
}

inline std::optional<engine::time_point> engine::deadline() const noexcept {
  if (phase_ != phase::frames && phase_ != phase::closing) return std::nullopt;
  std::optional<time_point> t;
  if (cfg_.idle_time_out > 0) t = last_in_ + std::chrono::milliseconds(cfg_.idle_time_out);
  if (remote_open_ && remote_idle_ > 0) {
    const time_point h = last_out_ + std::chrono::milliseconds(remote_idle_ / 2);
    if (!t || h < *t) t = h;
  }
  return t;
}

inline bytes_view engine::output() {
  flush_disposition();
  return bytes_view(out_).subspan(out_pos_);
}

inline void engine::consume(std::size_t n) noexcept {
  out_pos_ = std::min(out_pos_ + n, out_.size());
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  }
}

inline bool engine::poll(event& out) {
  if (events_.empty()) return false;
  out = std::move(events_.front());
  events_.pop_front();
  return true;
}

inline action engine::resume(time_point now) {
  tick(now);
  action a;
  const bytes_view out = output();
  if (!out.empty()) {
    a.kind = action::write;
    a.bytes = out;
    return a;
  }
  if (phase_ == phase::done) {
    a.kind = action::done;
    a.ec = final_ec_;
    return a;
  }
  a.kind = action::read;
  a.deadline = deadline();
  return a;
}

// --- headers and SASL ---------------------------------------------------------------

inline void engine::write_header(protocol_id id) {
  const auto h = encode_protocol_header({id, 1, 0, 0});
  out_.insert(out_.end(), h.begin(), h.end());
  last_out_ = now_;
}

inline void engine::fail(std::error_code ec) {
  if (phase_ == phase::done) return;
  phase_ = phase::done;
  if (!final_ec_) final_ec_ = ec;
  if (!closed_reported_) {
    closed_reported_ = true;
    event e;
    e.kind = event_kind::connection_closed;
    e.ec = final_ec_;
    emit(std::move(e));
  }
}

inline void engine::on_header(const protocol_header& h) {
  const bool sasl_offered = !cfg_.sasl_server.mechanisms.empty();
  switch (phase_) {
    case phase::expect_header: // server, first header
      if (h.id == protocol_id::sasl && sasl_offered) {
        write_header(protocol_id::sasl);
        sasl_mechanisms m;
        for (const auto& s : cfg_.sasl_server.mechanisms) m.mechanisms.push_back(symbol{s});
        write_sasl_frame(out_, m);
        phase_ = phase::sasl;
        return;
      }
      if (h.id == protocol_id::amqp && !(sasl_offered && cfg_.sasl_server.required)) {
        write_header(protocol_id::amqp);
        write_open();
        phase_ = phase::frames;
        return;
      }
      // Part 2, 2.2: answer with the header we support, then close the socket.
      write_header(sasl_offered ? protocol_id::sasl : protocol_id::amqp);
      fail(engine_errc::framing_error);
      return;
    case phase::expect_sasl_header:
      if (h.id != protocol_id::sasl) return fail(engine_errc::framing_error);
      phase_ = phase::sasl;
      return;
    case phase::expect_amqp_header:
      if (h.id != protocol_id::amqp) {
        if (cfg_.role == endpoint_role::server) write_header(protocol_id::amqp);
        return fail(engine_errc::framing_error);
      }
      if (cfg_.role == endpoint_role::server) {
        write_header(protocol_id::amqp);
        write_open();
      }
      phase_ = phase::frames;
      return;
    default:
      return;
  }
}

inline void engine::on_sasl_frame(const frame& f) {
  if (f.header.type != frame_type::sasl) return fail(engine_errc::framing_error);
  sasl_frame sf;
  if (decode_sasl(f.body, sf)) return fail(engine_errc::decode_error);
  if (cfg_.role == endpoint_role::client) {
    if (const auto* m = std::get_if<sasl_mechanisms>(&sf)) {
      if (sasl_init_seen_) return fail(engine_errc::not_allowed);
      sasl_init_seen_ = true;
      const std::string_view want = mechanism_name(cfg_.sasl_client.mechanism);
      const bool offered = std::any_of(m->mechanisms.begin(), m->mechanisms.end(),
                                       [&](const symbol& s) { return s.str == want; });
      if (!offered) return fail(engine_errc::sasl_mechanism_unavailable);
      std::vector<std::uint8_t>& resp = scratch_;
      resp.clear();
      const auto& c = cfg_.sasl_client;
      auto add = [&](std::string_view s) { resp.insert(resp.end(), s.begin(), s.end()); };
      switch (c.mechanism) {
        case sasl_mechanism::plain:
          add(c.authzid), resp.push_back(0), add(c.username), resp.push_back(0), add(c.password);
          break;
        case sasl_mechanism::external: add(c.authzid); break;
        case sasl_mechanism::anonymous: add(c.username); break; // optional trace
        default: break; // MSSBCBS: empty, the token follows through CBS
      }
      sasl_init init{symbol{want}, binary{resp}, std::nullopt};
      if (!cfg_.hostname.empty()) init.hostname = cfg_.hostname;
      write_sasl_frame(out_, init);
      last_out_ = now_;
      return;
    }
    if (std::holds_alternative<sasl_challenge>(sf)) {
      if (!sasl_init_seen_) return fail(engine_errc::not_allowed);
      // None of our mechanisms has a challenge step; answer empty and let the
      // server decide, as the specification's generic exchange allows.
      write_sasl_frame(out_, sasl_response{});
      last_out_ = now_;
      return;
    }
    if (const auto* o = std::get_if<sasl_outcome>(&sf)) {
      if (!sasl_init_seen_) return fail(engine_errc::not_allowed);
      event e;
      e.kind = event_kind::sasl_done;
      e.sasl = o->code;
      e.text = std::string(mechanism_name(cfg_.sasl_client.mechanism));
      emit(std::move(e));
      if (o->code != sasl_code::ok)
        return fail(o->code == sasl_code::auth ? engine_errc::sasl_auth_failed : engine_errc::sasl_system_error);
      write_header(protocol_id::amqp);
      write_open();
      phase_ = phase::expect_amqp_header;
      return;
    }
    return fail(engine_errc::not_allowed);
  }
  // server
  const auto* init = std::get_if<sasl_init>(&sf);
  if (!init || sasl_init_seen_) return fail(engine_errc::not_allowed);
  sasl_init_seen_ = true;
  const auto& offered = cfg_.sasl_server.mechanisms;
  sasl_code code = sasl_code::auth;
  std::string identity;
  if (std::find(offered.begin(), offered.end(), init->mechanism.str) != offered.end()) {
    sasl_request req{init->mechanism.str, init->initial_response ? init->initial_response->bytes : bytes_view{},
                     init->hostname.value_or(std::string_view{})};
    code = cfg_.sasl_server.validate ? cfg_.sasl_server.validate(req, identity) : sasl_code::ok;
  }
  write_sasl_frame(out_, sasl_outcome{code, std::nullopt});
  last_out_ = now_;
  event e;
  e.kind = event_kind::sasl_done;
  e.sasl = code;
  e.text = std::string(init->mechanism.str);
  e.identity = std::move(identity);
  emit(std::move(e));
  if (code != sasl_code::ok)
    return fail(code == sasl_code::auth ? engine_errc::sasl_auth_failed : engine_errc::sasl_system_error);
  phase_ = phase::expect_amqp_header;
}

// --- frames -------------------------------------------------------------------------

template <class P>
void engine::write(std::uint16_t channel, const P& p) {
  flush_disposition();
  const std::size_t start = begin_frame(out_, frame_type::amqp, channel);
  encoder e(out_);
  amqp::encode(e, p);
  end_frame(out_, start);
  last_out_ = now_;
}

inline void engine::write_open() {
  amqp::open o;
  o.container_id = cfg_.container_id;
  if (cfg_.role == endpoint_role::client && !cfg_.hostname.empty()) o.hostname = cfg_.hostname;
  o.max_frame_size = cfg_.max_frame_size;
  o.channel_max = cfg_.channel_max;
  if (cfg_.idle_time_out > 0) o.idle_time_out = cfg_.idle_time_out;
  write(0, o);
  open_written_ = true;
  write_deferred();
}

inline void engine::write_deferred() {
  for (session_id sid = 0; sid < sessions_.size(); ++sid) {
    session_state& s = sessions_[sid];
    if (!s.in_use || s.begin_written) continue;
    write_begin(sid);
    for (link_id lid : s.by_handle) {
      link_state* l = link_at(lid);
      if (!l || l->attach_written) continue;
      write_attach(lid);
    }
  }
}

inline void engine::on_frame(const frame& f) {
  if (f.header.type != frame_type::amqp) return connection_error(engine_errc::framing_error, "SASL frame after SASL");
  if (f.is_heartbeat()) return;
  performative p;
  bytes_view payload;
  if (const auto ec = decode_performative(f.body, p, payload)) {
    return connection_error(engine_errc::decode_error, ec.message());
  }
  if (phase_ == phase::closing) { // we sent close: only the peer's close matters now
    if (const auto* c = std::get_if<amqp::close>(&p)) on_close(*c);
    return;
  }
  if (!remote_open_) {
    if (const auto* o = std::get_if<amqp::open>(&p)) return on_open(*o);
    return connection_error(engine_errc::illegal_state, "first frame is not open");
  }
  const std::uint16_t ch = f.header.channel;
  switch (p.index()) {
    case 0: return connection_error(engine_errc::illegal_state, "open received twice");
    case 1: return on_begin(ch, std::get<amqp::begin>(p));
    case 8: return on_close(std::get<amqp::close>(p));
    default: break;
  }
  if (ch >= by_remote_channel_.size() || by_remote_channel_[ch] == 0)
    return connection_error(engine_errc::illegal_state, "frame on a channel with no session");
  const session_id sid = by_remote_channel_[ch] - 1u;
  session_state& s = sessions_[sid];
  if (s.local_ended && p.index() != 7) return; // we ended it: only the peer's end counts
  switch (p.index()) {
    case 2: return on_attach(s, sid, std::get<amqp::attach>(p));
    case 3: return on_flow(s, sid, std::get<amqp::flow>(p));
    case 4: return on_transfer(s, sid, std::get<transfer>(p), payload);
    case 5: return on_disposition(s, sid, std::get<disposition>(p));
    case 6: return on_detach(s, sid, std::get<amqp::detach>(p));
    case 7: return on_end(s, sid, std::get<amqp::end>(p));
    default: return;
  }
}

inline void engine::on_open(const amqp::open& p) {
  if (p.max_frame_size < min_max_frame_size)
    return connection_error(engine_errc::invalid_field, "max-frame-size below 512");
  remote_open_ = true;
  remote_container_ = std::string(p.container_id);
  remote_max_frame_ = p.max_frame_size;
  remote_channel_max_ = p.channel_max;
  remote_idle_ = p.idle_time_out.value_or(0);
  event e;
  e.kind = event_kind::connection_opened;
  e.text = remote_container_;
  emit(std::move(e));
}

inline void engine::on_close(const amqp::close& p) {
  remote_close_ = true;
  if (!close_written_) {
    close_written_ = true;
    write(0, amqp::close{});
  }
  if (p.error && !final_ec_) final_ec_ = engine_errc::remote_error;
  phase_ = phase::done;
  if (!closed_reported_) {
    closed_reported_ = true;
    event e;
    e.kind = event_kind::connection_closed;
    e.ec = final_ec_;
    if (p.error) e.error = to_error_info(*p.error);
    emit(std::move(e));
  }
}

inline void engine::connection_error(engine_errc err, std::string_view description) {
  if (phase_ == phase::done) return;
  if (!open_written_) return fail(err);
  error_info info{std::string(condition_of(err)), std::string(description)};
  if (!close_written_) {
    close_written_ = true;
    amqp::close c;
    c.error = to_error(info);
    write(0, c);
  }
  if (!final_ec_) final_ec_ = err;
  // Part 2, 2.4.3 lets us stop reading after a close with an error.
  phase_ = phase::done;
  if (!closed_reported_) {
    closed_reported_ = true;
    event e;
    e.kind = event_kind::connection_closed;
    e.ec = err;
    e.error = std::move(info);
    emit(std::move(e));
  }
}

// --- sessions -----------------------------------------------------------------------

inline engine::session_state* engine::session_at(session_id s) noexcept {
  return s < sessions_.size() && sessions_[s].in_use ? &sessions_[s] : nullptr;
}

inline void engine::write_begin(session_id sid) {
  session_state& s = sessions_[sid];
  amqp::begin b;
  if (s.remote_begun) b.remote_channel = s.remote_channel;
  b.next_outgoing_id = s.next_outgoing_id;
  b.incoming_window = s.incoming_window;
  b.outgoing_window = s.cfg.outgoing_window;
  b.handle_max = cfg_.limits.max_links - 1;
  write(static_cast<std::uint16_t>(sid), b);
  s.begin_written = true;
}

inline core::result<session_id> engine::begin_session(session_config c) {
  if (close_written_ || phase_ == phase::done) return engine_errc::connection_closed;
  const std::size_t limit = std::min<std::size_t>({cfg_.limits.max_sessions, std::size_t{remote_channel_max_} + 1,
                                                   std::size_t{cfg_.channel_max} + 1});
  session_id sid = 0;
  while (sid < sessions_.size() && sessions_[sid].in_use) ++sid;
  if (sid >= limit) return engine_errc::resource_limit_exceeded;
  if (sid == sessions_.size()) sessions_.emplace_back();
  session_state& s = sessions_[sid];
  s = session_state{};
  s.in_use = true;
  s.cfg = c;
  s.incoming_window = c.incoming_window;
  s.next_outgoing_id = s.initial_outgoing_id = c.next_outgoing_id;
  if (open_written_) write_begin(sid);
  return sid;
}

inline void engine::on_begin(std::uint16_t ch, const amqp::begin& p) {
  if (ch > cfg_.channel_max) return connection_error(engine_errc::not_allowed, "begin above channel-max");
  if (ch < by_remote_channel_.size() && by_remote_channel_[ch] != 0)
    return connection_error(engine_errc::illegal_state, "begin on a channel already in use");
  session_id sid = 0;
  bool remote_first = false;
  if (p.remote_channel) {
    sid = *p.remote_channel;
    session_state* s = session_at(sid);
    if (!s || !s->begin_written || s->remote_begun)
      return connection_error(engine_errc::illegal_state, "begin answers no begin of ours");
  } else {
    remote_first = true;
    while (sid < sessions_.size() && sessions_[sid].in_use) ++sid;
    const std::size_t limit = std::min<std::size_t>({cfg_.limits.max_sessions, std::size_t{remote_channel_max_} + 1,
                                                     std::size_t{cfg_.channel_max} + 1});
    if (sid >= limit) return connection_error(engine_errc::resource_limit_exceeded, "too many sessions");
    if (sid == sessions_.size()) sessions_.emplace_back();
    sessions_[sid] = session_state{};
    sessions_[sid].in_use = true;
    sessions_[sid].cfg = cfg_.session;
    sessions_[sid].incoming_window = cfg_.session.incoming_window;
    sessions_[sid].next_outgoing_id = sessions_[sid].initial_outgoing_id = cfg_.session.next_outgoing_id;
  }
  session_state& s = sessions_[sid];
  if (by_remote_channel_.size() <= ch) by_remote_channel_.resize(std::size_t{ch} + 1, 0);
  by_remote_channel_[ch] = static_cast<std::uint16_t>(sid + 1);
  s.remote_channel = ch;
  s.remote_begun = true;
  s.next_incoming_id = p.next_outgoing_id;
  s.remote_incoming_window = p.incoming_window;
  s.remote_outgoing_window = p.outgoing_window;
  s.remote_handle_max = p.handle_max;
  if (remote_first) write_begin(sid);
  event e;
  e.kind = event_kind::session_begun;
  e.session = sid;
  e.remote_initiated = remote_first;
  emit(std::move(e));
}

inline std::error_code engine::end_session(session_id sid, std::optional<error_info> err) {
  session_state* s = session_at(sid);
  if (!s || s->local_ended) return engine_errc::not_open;
  if (close_written_) return engine_errc::connection_closed;
  s->local_ended = true;
  if (s->begin_written) {
    amqp::end e;
    if (err) e.error = to_error(*err);
    write(static_cast<std::uint16_t>(sid), e);
  }
  if (!s->begin_written || s->remote_ended) free_session(sid);
  return {};
}

inline void engine::on_end(session_state& s, session_id sid, const amqp::end& p) {
  s.remote_ended = true;
  if (!s.local_ended) {
    s.local_ended = true;
    write(static_cast<std::uint16_t>(sid), amqp::end{});
  }
  event e;
  e.kind = event_kind::session_ended;
  e.session = sid;
  if (p.error) {
    e.ec = engine_errc::remote_error;
    e.error = to_error_info(*p.error);
  }
  emit(std::move(e));
  free_session(sid);
}

inline void engine::session_error(session_id sid, engine_errc err, std::string_view description) {
  session_state* s = session_at(sid);
  if (!s || s->local_ended) return;
  error_info info{std::string(condition_of(err)), std::string(description)};
  s->local_ended = true;
  amqp::end e;
  e.error = to_error(info);
  write(static_cast<std::uint16_t>(sid), e);
  // The session's links end with it (part 2, 2.5.5); frames for them are now ignored.
  for (link_id lid : s->by_handle)
    if (link_at(lid)) free_link(lid);
  event ev;
  ev.kind = event_kind::session_ended;
  ev.session = sid;
  ev.ec = err;
  ev.error = std::move(info);
  emit(std::move(ev));
}

inline void engine::free_session(session_id sid) {
  session_state& s = sessions_[sid];
  for (link_id lid : s.by_handle)
    if (link_at(lid)) free_link(lid);
  if (s.remote_begun && s.remote_channel < by_remote_channel_.size() &&
      by_remote_channel_[s.remote_channel] == sid + 1)
    by_remote_channel_[s.remote_channel] = 0;
  if (pending_.active && pending_.channel == sid) flush_disposition();
  s = session_state{};
}

inline void engine::write_flow(session_state& s, session_id sid, link_state* l, bool echo) {
  amqp::flow f;
  if (s.remote_begun) f.next_incoming_id = s.next_incoming_id;
  f.incoming_window = s.incoming_window;
  f.next_outgoing_id = s.next_outgoing_id;
  f.outgoing_window = s.cfg.outgoing_window;
  if (l) {
    f.handle = l->handle;
    if (l->cfg.role == role::sender || l->delivery_count_known) f.delivery_count = l->delivery_count;
    f.link_credit = l->credit;
    if (l->cfg.role == role::sender) f.available = l->available;
    f.drain = l->drain;
  }
  f.echo = echo;
  write(static_cast<std::uint16_t>(sid), f);
}

inline void engine::write_session_flow_if_needed(session_state& s, session_id sid) {
  // Refill at half the window: one flow per window/2 transfers, and the sender
  // never stalls while the window is at least two frames.
  if (!s.cfg.auto_window || s.incoming_window > s.cfg.incoming_window / 2) return;
  s.incoming_window = s.cfg.incoming_window;
  write_flow(s, sid, nullptr);
}

inline std::error_code engine::window(session_id sid, std::uint32_t incoming_window) {
  session_state* s = session_at(sid);
  if (!s || s->local_ended) return engine_errc::not_open;
  if (close_written_) return engine_errc::connection_closed;
  s->incoming_window = incoming_window;
  if (s->begin_written) write_flow(*s, sid, nullptr);
  return {};
}

// --- links --------------------------------------------------------------------------

inline engine::link_state* engine::link_at(link_id l) noexcept {
  return l < links_.size() && links_[l].in_use ? &links_[l] : nullptr;
}
inline const engine::link_state* engine::link_at(link_id l) const noexcept {
  return l < links_.size() && links_[l].in_use ? &links_[l] : nullptr;
}

inline void engine::write_attach(link_id lid) {
  link_state& l = links_[lid];
  amqp::attach a;
  a.link_name = l.cfg.name;
  a.handle = l.handle;
  a.role = l.cfg.role;
  a.snd_settle_mode = l.cfg.role == role::sender ? l.cfg.snd_settle_mode : l.snd_mode;
  a.rcv_settle_mode = l.cfg.role == role::receiver ? l.cfg.rcv_settle_mode : l.rcv_mode;
  source src;
  if (!l.cfg.source.empty()) src.address = l.cfg.source;
  target tgt;
  if (!l.cfg.target.empty()) tgt.address = l.cfg.target;
  a.source = src;
  a.target = tgt;
  if (l.cfg.role == role::sender) a.initial_delivery_count = l.delivery_count;
  if (l.cfg.max_message_size > 0) a.max_message_size = l.cfg.max_message_size;
  write(static_cast<std::uint16_t>(l.session), a);
  l.attach_written = true;
  if (l.cfg.role == role::receiver && l.credit > 0) write_flow(sessions_[l.session], l.session, &l);
}

inline core::result<link_id> engine::attach(session_id sid, link_config c) {
  session_state* s = session_at(sid);
  if (!s || s->local_ended) return engine_errc::not_open;
  if (close_written_) return engine_errc::connection_closed;
  std::uint32_t handle = 0;
  while (handle < s->by_handle.size() && s->by_handle[handle] != no_id) ++handle;
  if (handle >= cfg_.limits.max_links || handle > s->remote_handle_max) return engine_errc::resource_limit_exceeded;
  link_id lid = 0;
  while (lid < links_.size() && links_[lid].in_use) ++lid;
  if (lid == links_.size()) links_.emplace_back();
  if (handle == s->by_handle.size()) s->by_handle.push_back(no_id);
  s->by_handle[handle] = lid;
  link_state& l = links_[lid];
  l = link_state{};
  l.in_use = true;
  l.session = sid;
  l.handle = handle;
  l.cfg = std::move(c);
  l.local_attached = true;
  l.snd_mode = l.cfg.snd_settle_mode;
  l.rcv_mode = l.cfg.rcv_settle_mode;
  if (l.cfg.role == role::receiver)
    l.credit = l.cfg.initial_credit > 0 ? l.cfg.initial_credit : l.cfg.credit_window;
  else
    l.delivery_count = l.initial_delivery_count = l.cfg.initial_delivery_count;
  if (s->begin_written) write_attach(lid);
  return lid;
}

inline void engine::on_attach(session_state& s, session_id sid, const amqp::attach& p) {
  if (p.handle >= cfg_.limits.max_links) return session_error(sid, engine_errc::not_allowed, "handle above handle-max");
  if (p.handle < s.by_remote_handle.size() && s.by_remote_handle[p.handle] != no_id)
    return session_error(sid, engine_errc::handle_in_use, "attach on a handle in use");
  const role ours = p.role == role::sender ? role::receiver : role::sender;
  link_id lid = no_id;
  for (link_id cand : s.by_handle) {
    const link_state* l = link_at(cand);
    if (l && l->local_attached && !l->remote_attached && l->cfg.role == ours && l->cfg.name == p.link_name) {
      lid = cand;
      break;
    }
  }
  const bool remote_first = lid == no_id;
  if (remote_first) {
    link_config c;
    c.name = std::string(p.link_name);
    c.role = ours;
    if (p.source && p.source->address) c.source = std::string(*p.source->address);
    if (p.target && p.target->address) c.target = std::string(*p.target->address);
    c.snd_settle_mode = p.snd_settle_mode;
    c.rcv_settle_mode = p.rcv_settle_mode;
    auto r = attach(sid, std::move(c));
    if (!r) return session_error(sid, engine_errc::resource_limit_exceeded, "too many links");
    lid = *r;
  }
  link_state& l = links_[lid];
  l.remote_attached = true;
  l.remote_handle = p.handle;
  if (s.by_remote_handle.size() <= p.handle) s.by_remote_handle.resize(std::size_t{p.handle} + 1, no_id);
  s.by_remote_handle[p.handle] = lid;
  l.remote_max_message_size = p.max_message_size.value_or(0);
  if (ours == role::receiver) {
    l.snd_mode = p.snd_settle_mode;
    l.rcv_mode = l.cfg.rcv_settle_mode;
    l.delivery_count = p.initial_delivery_count.value_or(0);
    l.delivery_count_known = true;
  } else {
    l.snd_mode = l.cfg.snd_settle_mode;
    l.rcv_mode = p.rcv_settle_mode;
  }
  event e;
  e.kind = event_kind::link_attached;
  e.session = sid;
  e.link = lid;
  e.remote_initiated = remote_first;
  e.text = l.cfg.name;
  emit(std::move(e));
}

inline std::error_code engine::detach(link_id lid, bool closed, std::optional<error_info> err) {
  link_state* l = link_at(lid);
  if (!l || l->local_detached) return engine_errc::not_open;
  if (close_written_) return engine_errc::connection_closed;
  l->local_detached = true;
  if (l->attach_written) {
    amqp::detach d;
    d.handle = l->handle;
    d.closed = closed;
    if (err) d.error = to_error(*err);
    write(static_cast<std::uint16_t>(l->session), d);
  }
  if (!l->attach_written || l->remote_detached) free_link(lid);
  return {};
}

inline void engine::on_detach(session_state& s, session_id sid, const amqp::detach& p) {
  const link_id lid = p.handle < s.by_remote_handle.size() ? s.by_remote_handle[p.handle] : no_id;
  link_state* l = link_at(lid);
  if (!l) return session_error(sid, engine_errc::unattached_handle, "detach on an unattached handle");
  l->remote_detached = true;
  const bool reply = !l->local_detached;
  if (reply) {
    l->local_detached = true;
    amqp::detach d;
    d.handle = l->handle;
    d.closed = p.closed;
    write(static_cast<std::uint16_t>(sid), d);
  }
  event e;
  e.kind = event_kind::link_detached;
  e.session = sid;
  e.link = lid;
  e.closed = p.closed;
  e.text = l->cfg.name;
  if (p.error) {
    e.ec = engine_errc::remote_error;
    e.error = to_error_info(*p.error);
  }
  emit(std::move(e));
  free_link(lid);
}

inline void engine::link_error(link_id lid, engine_errc err, std::string_view description) {
  link_state* l = link_at(lid);
  if (!l || l->local_detached) return;
  error_info info{std::string(condition_of(err)), std::string(description)};
  l->local_detached = true;
  l->in_delivery = false;
  l->partial.clear();
  amqp::detach d;
  d.handle = l->handle;
  d.closed = true;
  d.error = to_error(info);
  write(static_cast<std::uint16_t>(l->session), d);
  event e;
  e.kind = event_kind::link_detached;
  e.session = l->session;
  e.link = lid;
  e.closed = true;
  e.ec = err;
  e.error = std::move(info);
  e.text = l->cfg.name;
  emit(std::move(e));
}

inline void engine::free_link(link_id lid) {
  link_state& l = links_[lid];
  session_state& s = sessions_[l.session];
  if (l.handle < s.by_handle.size() && s.by_handle[l.handle] == lid) s.by_handle[l.handle] = no_id;
  if (l.remote_attached && l.remote_handle < s.by_remote_handle.size() && s.by_remote_handle[l.remote_handle] == lid)
    s.by_remote_handle[l.remote_handle] = no_id;
  for (unsettled_ring* r : {&s.out_unsettled, &s.in_unsettled})
    for (auto& rec : r->slots)
      if (rec.live && rec.link == lid) r->erase(rec);
  if (s.stalled && s.stalled->link == lid) s.stalled.reset();
  l = link_state{};
}

inline std::optional<link_info> engine::info(link_id lid) const {
  const link_state* l = link_at(lid);
  if (!l) return std::nullopt;
  link_info i;
  i.name = l->cfg.name;
  i.role = l->cfg.role;
  i.source = l->cfg.source;
  i.target = l->cfg.target;
  i.snd_settle_mode = l->snd_mode;
  i.rcv_settle_mode = l->rcv_mode;
  i.credit = l->credit;
  i.delivery_count = l->delivery_count;
  i.attached = l->local_attached && l->remote_attached && !l->local_detached && !l->remote_detached;
  i.session = l->session;
  return i;
}

inline std::uint32_t engine::credit(link_id lid) const noexcept {
  const link_state* l = link_at(lid);
  return l ? l->credit : 0;
}

// --- flow control -------------------------------------------------------------------

inline std::error_code engine::flow(link_id lid, std::uint32_t credit, bool drain, bool echo) {
  link_state* l = link_at(lid);
  if (!l || l->local_detached) return engine_errc::not_open;
  if (l->cfg.role != role::receiver) return engine_errc::wrong_role;
  if (close_written_) return engine_errc::connection_closed;
  l->credit = credit;
  l->drain = drain;
  if (l->attach_written) write_flow(sessions_[l->session], l->session, l, echo);
  return {};
}

inline std::error_code engine::drained(link_id lid) {
  link_state* l = link_at(lid);
  if (!l || l->local_detached) return engine_errc::not_open;
  if (l->cfg.role != role::sender) return engine_errc::wrong_role;
  if (close_written_) return engine_errc::connection_closed;
  // Part 2, 2.6.7: a sender with nothing to send uses up its credit by advancing
  // delivery-count, and says so in a flow.
  l->delivery_count += l->credit;
  l->credit = 0;
  l->drain = true;
  write_flow(sessions_[l->session], l->session, l);
  l->drain = false;
  return {};
}

inline void engine::on_flow(session_state& s, session_id sid, const amqp::flow& p) {
  // Part 2, 2.5.6: remote-incoming-window = next-incoming-id(flow) + incoming-window(flow)
  // - next-outgoing-id(ours); a flow sent before our begin arrived counts from our
  // initial id.
  const std::uint32_t nin = p.next_incoming_id.value_or(s.initial_outgoing_id);
  const std::int32_t room = serial::distance(s.next_outgoing_id, nin + p.incoming_window);
  s.remote_incoming_window = room > 0 ? static_cast<std::uint32_t>(room) : 0;
  s.remote_outgoing_window = p.outgoing_window;
  link_state* l = nullptr;
  if (p.handle) {
    const link_id lid = *p.handle < s.by_remote_handle.size() ? s.by_remote_handle[*p.handle] : no_id;
    l = link_at(lid);
    if (!l) return session_error(sid, engine_errc::unattached_handle, "flow on an unattached handle");
    if (!l->local_detached) {
      event e;
      e.kind = event_kind::credit;
      e.session = sid;
      e.link = lid;
      if (l->cfg.role == role::sender) {
        // Part 2, 2.6.7: link-credit(snd) = delivery-count(rcv) + link-credit(rcv) -
        // delivery-count(snd); the receiver's delivery-count is null before it saw
        // our attach, and then counts from our initial delivery-count.
        const std::uint32_t dc = p.delivery_count.value_or(l->initial_delivery_count);
        const std::int32_t c = serial::distance(l->delivery_count, dc + p.link_credit.value_or(0));
        l->credit = c > 0 ? static_cast<std::uint32_t>(c) : 0;
        l->drain = p.drain;
      } else {
        if (p.delivery_count) {
          // The sender's delivery-count is authoritative: what it advanced past our
          // count (a drain) is credit used up.
          const std::uint32_t limit = l->delivery_count + l->credit;
          l->delivery_count = *p.delivery_count;
          l->delivery_count_known = true;
          const std::int32_t c = serial::distance(l->delivery_count, limit);
          l->credit = c > 0 ? static_cast<std::uint32_t>(c) : 0;
        }
        l->available = p.available.value_or(0);
        if (l->credit == 0) l->drain = false;
      }
      e.credit = l->credit;
      e.drain = p.drain;
      emit(std::move(e));
      if (p.echo) write_flow(s, sid, l);
    }
  } else if (p.echo) {
    write_flow(s, sid, nullptr);
  }
  if (s.stalled) resume_stalled(s, sid);
}

// --- transfers ----------------------------------------------------------------------

inline core::result<std::uint32_t> engine::send(link_id lid, bytes_view tag, bytes_view payload, bool settled,
                                                std::uint32_t format) {
  link_state* l = link_at(lid);
  if (!l || l->local_detached || !l->remote_attached) return engine_errc::not_open;
  if (l->cfg.role != role::sender) return engine_errc::wrong_role;
  if (close_written_) return engine_errc::connection_closed;
  if (l->credit == 0) return engine_errc::no_credit;
  session_state& s = sessions_[l->session];
  if (s.stalled) return engine_errc::session_window_closed;
  if (tag.size() > 32) return engine_errc::invalid_field;
  if (l->remote_max_message_size > 0 && payload.size() > l->remote_max_message_size)
    return engine_errc::message_size_exceeded;
  if (l->snd_mode == sender_settle_mode::settled) settled = true;
  else if (l->snd_mode == sender_settle_mode::unsettled) settled = false;
  const std::uint32_t id = s.next_delivery_id;
  if (!settled) {
    delivery_rec* r = s.out_unsettled.insert(id, cfg_.limits.max_unsettled);
    if (!r) return engine_errc::resource_limit_exceeded;
    r->link = lid;
    std::memcpy(r->tag.b.data(), tag.data(), tag.size());
    r->tag.n = static_cast<std::uint8_t>(tag.size());
  }
  ++s.next_delivery_id;
  --l->credit;
  ++l->delivery_count;
  write_transfers(s, l->session, *l, lid, id, tag, payload, settled, format, true);
  return id;
}

inline void engine::write_transfers(session_state& s, session_id sid, link_state& l, link_id lid, std::uint32_t id,
                                    bytes_view tag, bytes_view payload, bool settled, std::uint32_t format,
                                    bool first) {
  const std::size_t max_frame = out_max_frame();
  while (first || !payload.empty()) {
    if (s.remote_incoming_window == 0) {
      // The peer's session window is shut: keep the rest until its flow reopens it.
      stalled_delivery st;
      st.link = lid;
      st.id = id;
      st.settled = settled;
      st.first = first;
      st.format = format;
      std::memcpy(st.tag.b.data(), tag.data(), tag.size());
      st.tag.n = static_cast<std::uint8_t>(tag.size());
      st.rest.assign(payload.begin(), payload.end());
      s.stalled = std::move(st);
      return;
    }
    flush_disposition();
    amqp::transfer t;
    t.handle = l.handle;
    if (first) {
      t.delivery_id = id;
      t.delivery_tag = binary{tag};
      // Part 2, 2.7.5: message-format MUST be on a delivery's first transfer, even when 0;
      // rhea takes a first transfer without it for a non-standard format and hands the
      // application the raw bytes instead of a message.
      t.message_format = format;
      if (settled) t.settled = true;
    }
    const std::size_t start = begin_frame(out_, frame_type::amqp, static_cast<std::uint16_t>(sid));
    {
      encoder e(out_);
      amqp::encode(e, t);
    }
    std::size_t room = max_frame > out_.size() - start ? max_frame - (out_.size() - start) : 0;
    if (payload.size() > room) { // more frames follow: say so
      out_.resize(start + frame_header_size);
      t.more = true;
      encoder e(out_);
      amqp::encode(e, t);
      room = max_frame > out_.size() - start ? max_frame - (out_.size() - start) : 0;
    }
    const std::size_t n = std::min(room, payload.size());
    out_.insert(out_.end(), payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(n));
    end_frame(out_, start);
    payload = payload.subspan(n);
    first = false;
    ++s.next_outgoing_id;
    --s.remote_incoming_window;
  }
  last_out_ = now_;
}

inline void engine::resume_stalled(session_state& s, session_id sid) {
  if (!s.stalled || s.remote_incoming_window == 0) return;
  stalled_delivery st = std::move(*s.stalled);
  s.stalled.reset();
  link_state* l = link_at(st.link);
  if (!l || l->local_detached) return;
  write_transfers(s, sid, *l, st.link, st.id, st.tag.view(), st.rest, st.settled, st.format, st.first);
  if (!s.stalled) { // the sender may go on
    event e;
    e.kind = event_kind::credit;
    e.session = sid;
    e.link = st.link;
    e.credit = l->credit;
    emit(std::move(e));
  }
}

inline void engine::on_transfer(session_state& s, session_id sid, const amqp::transfer& p, bytes_view payload) {
  if (s.incoming_window == 0) return session_error(sid, engine_errc::window_violation, "transfer beyond incoming-window");
  --s.incoming_window;
  ++s.next_incoming_id;
  if (s.remote_outgoing_window > 0) --s.remote_outgoing_window;
  const link_id lid = p.handle < s.by_remote_handle.size() ? s.by_remote_handle[p.handle] : no_id;
  link_state* l = link_at(lid);
  if (!l) return session_error(sid, engine_errc::unattached_handle, "transfer on an unattached handle");
  write_session_flow_if_needed(s, sid);
  if (l->local_detached) return; // in flight when we detached
  if (l->cfg.role != role::receiver) return session_error(sid, engine_errc::illegal_state, "transfer to a sender");
  if (!l->in_delivery) {
    if (!p.delivery_id || !p.delivery_tag)
      return link_error(lid, engine_errc::invalid_field, "first transfer without delivery-id or delivery-tag");
    if (p.delivery_tag->bytes.size() > 32) return link_error(lid, engine_errc::invalid_field, "delivery-tag above 32 bytes");
    if (s.have_incoming_delivery && *p.delivery_id != s.next_incoming_delivery)
      return session_error(sid, engine_errc::invalid_field, "delivery-id out of sequence");
    s.have_incoming_delivery = true;
    s.next_incoming_delivery = *p.delivery_id + 1;
    if (l->credit == 0) return link_error(lid, engine_errc::transfer_limit_exceeded, "transfer without link credit");
    --l->credit;
    ++l->delivery_count;
    l->in_delivery = true;
    l->cur_id = *p.delivery_id;
    l->cur_format = p.message_format.value_or(0);
    l->delivery_settled = p.settled.value_or(false);
    std::memcpy(l->cur_tag.b.data(), p.delivery_tag->bytes.data(), p.delivery_tag->bytes.size());
    l->cur_tag.n = static_cast<std::uint8_t>(p.delivery_tag->bytes.size());
    l->partial.clear();
  } else {
    if (p.delivery_id && *p.delivery_id != l->cur_id)
      return link_error(lid, engine_errc::invalid_field, "new delivery before the last one completed");
    if (p.settled.value_or(false)) l->delivery_settled = true;
  }
  if (p.aborted) {
    l->in_delivery = false;
    l->partial.clear();
    event e;
    e.kind = event_kind::aborted;
    e.session = sid;
    e.link = lid;
    e.delivery_id = l->cur_id;
    emit(std::move(e));
  } else {
    std::size_t limit = cfg_.limits.max_message_size;
    if (l->cfg.max_message_size > 0) limit = std::min<std::size_t>(limit, l->cfg.max_message_size);
    if (payload.size() > limit || l->partial.size() > limit - payload.size())
      return link_error(lid, engine_errc::message_size_exceeded, "message larger than the limit");
    if (p.more) {
      l->partial.insert(l->partial.end(), payload.begin(), payload.end());
      return;
    }
    l->in_delivery = false;
    event e;
    e.kind = event_kind::message;
    e.session = sid;
    e.link = lid;
    e.delivery_id = l->cur_id;
    e.message_format = l->cur_format;
    e.settled = l->delivery_settled;
    e.tag.assign(l->cur_tag.view().begin(), l->cur_tag.view().end());
    if (l->partial.empty()) e.payload.assign(payload.begin(), payload.end());
    else {
      l->partial.insert(l->partial.end(), payload.begin(), payload.end());
      e.payload = std::move(l->partial);
      l->partial = {};
    }
    if (!e.settled) {
      delivery_rec* r = s.in_unsettled.insert(e.delivery_id, cfg_.limits.max_unsettled);
      if (!r) return session_error(sid, engine_errc::resource_limit_exceeded, "too many unsettled deliveries");
      r->link = lid;
      r->tag = l->cur_tag;
    }
    emit(std::move(e));
  }
  if (l->cfg.credit_window > 0 && l->credit <= l->cfg.credit_window / 2 && !l->drain) {
    l->credit = l->cfg.credit_window;
    write_flow(s, sid, l);
  }
}

// --- dispositions -------------------------------------------------------------------

inline void engine::queue_disposition(std::uint16_t channel, amqp::role r, std::uint32_t id, bool settled,
                                      const outcome& o) {
  // Consecutive deliveries with the same plain outcome go out as one range.
  const bool plain = o.kind == outcome_kind::none || o.kind == outcome_kind::accepted ||
                     o.kind == outcome_kind::released;
  if (plain && pending_.active && pending_.channel == channel && pending_.role == r && pending_.settled == settled &&
      pending_.kind == o.kind && id == pending_.last + 1) {
    pending_.last = id;
    return;
  }
  flush_disposition();
  if (plain) {
    pending_ = {true, channel, r, id, id, settled, o.kind};
    return;
  }
  amqp::disposition d;
  d.role = r;
  d.first = id;
  d.settled = settled;
  d.state = to_delivery_state(o);
  write(channel, d);
}

inline void engine::flush_disposition() {
  if (!pending_.active) return;
  pending_.active = false;
  amqp::disposition d;
  d.role = pending_.role;
  d.first = pending_.first;
  if (pending_.last != pending_.first) d.last = pending_.last;
  d.settled = pending_.settled;
  if (pending_.kind == outcome_kind::accepted) d.state = accepted{};
  else if (pending_.kind == outcome_kind::released) d.state = released{};
  const std::size_t start = begin_frame(out_, frame_type::amqp, pending_.channel);
  encoder e(out_);
  amqp::encode(e, d);
  end_frame(out_, start);
  last_out_ = now_;
}

inline std::error_code engine::dispose(link_id lid, std::uint32_t id, const outcome& o, bool settle) {
  link_state* l = link_at(lid);
  if (!l || l->local_detached) return engine_errc::not_open;
  if (l->cfg.role != role::receiver) return engine_errc::wrong_role;
  if (close_written_) return engine_errc::connection_closed;
  session_state& s = sessions_[l->session];
  delivery_rec* r = s.in_unsettled.find(id);
  if (!r || r->link != lid) return engine_errc::unknown_delivery;
  const auto ch = static_cast<std::uint16_t>(l->session);
  if (l->rcv_mode == receiver_settle_mode::second) {
    // The sender settles first; we settle when its disposition says so.
    if (r->disposed) return engine_errc::unknown_delivery;
    r->disposed = true;
    queue_disposition(ch, role::receiver, id, false, o);
    return {};
  }
  queue_disposition(ch, role::receiver, id, settle, o);
  if (settle) s.in_unsettled.erase(*r);
  return {};
}

inline std::error_code engine::settle(link_id lid, std::uint32_t id, const outcome& o) {
  link_state* l = link_at(lid);
  if (!l || l->local_detached) return engine_errc::not_open;
  if (l->cfg.role != role::sender) return engine_errc::wrong_role;
  if (close_written_) return engine_errc::connection_closed;
  session_state& s = sessions_[l->session];
  delivery_rec* r = s.out_unsettled.find(id);
  if (!r || r->link != lid) return engine_errc::unknown_delivery;
  queue_disposition(static_cast<std::uint16_t>(l->session), role::sender, id, true, o);
  s.out_unsettled.erase(*r);
  return {};
}

inline void engine::on_disposition(session_state& s, session_id sid, const amqp::disposition& p) {
  const std::uint32_t last = p.last.value_or(p.first);
  if (serial::before(last, p.first)) return session_error(sid, engine_errc::invalid_field, "disposition range reversed");
  // role receiver: about deliveries we sent; role sender: about deliveries we received.
  const bool ours = p.role == role::receiver;
  unsettled_ring& ring = ours ? s.out_unsettled : s.in_unsettled;
  if (ring.span == 0) return;
  const std::uint32_t from = serial::before(p.first, ring.base) ? ring.base : p.first;
  const std::uint32_t newest = ring.base + ring.span - 1;
  const std::uint32_t to = serial::before(newest, last) ? newest : last;
  if (serial::before(to, from)) return;
  std::optional<outcome> o;
  for (std::uint32_t id = from;; ++id) {
    delivery_rec* r = ring.find(id);
    if (r) {
      if (!o) o = to_outcome(p.state);
      link_state* l = link_at(r->link);
      event e;
      e.kind = event_kind::disposition;
      e.session = sid;
      e.link = r->link;
      e.delivery_id = id;
      e.settled = p.settled;
      e.state = *o;
      e.tag.assign(r->tag.view().begin(), r->tag.view().end());
      if (p.settled) {
        ring.erase(*r);
      } else if (ours && l && l->cfg.auto_settle && o->terminal()) {
        queue_disposition(static_cast<std::uint16_t>(sid), role::sender, id, true, *o);
        ring.erase(*r);
      }
      emit(std::move(e));
    }
    if (id == to) break;
  }
}

inline void engine::close(std::optional<error_info> err) {
  if (close_written_ || phase_ == phase::done) return;
  if (!open_written_) {
    fail(engine_errc::connection_closed);
    return;
  }
  close_written_ = true;
  amqp::close c;
  if (err) c.error = to_error(*err);
  write(0, c);
  phase_ = remote_close_ ? phase::done : phase::closing;
}

} // namespace hubwire::amqp

#endif
