#ifndef HUBWIRE_AMQP_IMPL_CBS_HPP
#define HUBWIRE_AMQP_IMPL_CBS_HPP

namespace hubwire::amqp {

namespace detail {

// The application property `key` of a decoded message (null if absent).
inline value app_property(const message& m, std::string_view key) {
  if (m.application_properties.type() != kind::map) return {};
  element_reader r(m.application_properties);
  value k, v;
  while (r.next(k) && r.next(v))
    if ((k.type() == kind::string || k.type() == kind::symbol) && k.str() == key) return v;
  return {};
}

inline std::optional<std::int64_t> as_integer(const value& v) {
  switch (v.type()) {
    case kind::byte: case kind::short_: case kind::int_: case kind::long_: return v.as_signed();
    case kind::ubyte: case kind::ushort: case kind::uint: case kind::ulong:
      return static_cast<std::int64_t>(v.as_unsigned());
    default: return std::nullopt;
  }
}

} // namespace detail

inline cbs_client::cbs_client(engine& e, session_id s, cbs_config cfg) : e_(e), cfg_(std::move(cfg)), rng_(cfg_.seed) {
  sender_ = e_.attach(s, {.name = cfg_.sender_name, .role = role::sender, .source = "$cbs", .target = "$cbs"})
                .value();
  receiver_ = e_.attach(s, {.name = cfg_.receiver_name, .role = role::receiver, .source = "$cbs",
                            .target = cfg_.reply_to, .credit_window = 50})
                  .value();
}

inline std::error_code cbs_client::put_token(std::string_view audience, std::string_view token,
                                             std::chrono::seconds ttl, time_point now,
                                             std::optional<timestamp> expiration) {
  auto it = audiences_.find(audience);
  if (it == audiences_.end()) {
    if (audiences_.size() >= cfg_.max_audiences) return engine_errc::resource_limit_exceeded;
    it = audiences_.emplace(std::string(audience), audience_state{}).first;
  }
  it->second.due.reset();
  it->second.retry = false;
  request r{std::string(audience), std::string(token), ttl, expiration, now};
  it->second.last = r;
  queued_.push_back(std::move(r));
  flush(now);
  return {};
}

inline void cbs_client::flush(time_point now) {
  while (!queued_.empty() && e_.credit(sender_) > 0) {
    request r = std::move(queued_.front());
    queued_.pop_front();
    const std::uint64_t id = next_id_++;
    message m;
    message_properties p;
    p.message_id = id;
    p.to = "$cbs";
    p.reply_to = cfg_.reply_to;
    m.properties = p;
    std::vector<std::uint8_t> props, body;
    m.application_properties = build_value(props, [&](encoder& enc) {
      enc.begin_map();
      enc.write_string("operation");
      enc.write_string("put-token");
      enc.write_string("type");
      enc.write_string(cfg_.token_type);
      enc.write_string("name");
      enc.write_string(r.audience);
      if (r.expiration) {
        enc.write_string("expiration");
        enc.write_timestamp(*r.expiration);
      }
      enc.end_map();
    });
    m.body = make_value_body(body, value::str(r.token));
    scratch_.clear();
    encode_message(scratch_, m);
    std::uint8_t tag[8];
    for (int i = 0; i < 8; ++i) tag[i] = static_cast<std::uint8_t>(id >> (8 * i));
    // Settled on send, as the C# SDK does: the answer is the response message.
    if (!e_.send(sender_, tag, scratch_, true)) {
      queued_.push_front(std::move(r));
      return;
    }
    r.sent = now;
    in_flight_.emplace(id, std::move(r));
  }
}

inline bool cbs_client::on_event(const event& ev, time_point now) {
  if (ev.link != sender_ && ev.link != receiver_) return false;
  switch (ev.kind) {
    case event_kind::link_attached:
      if (ev.link == receiver_) receiver_ok_ = true;
      break;
    case event_kind::credit:
      if (ev.link == sender_) {
        credit_ok_ = true;
        flush(now);
      }
      break;
    case event_kind::message: {
      if (!ev.settled) (void)e_.dispose(receiver_, ev.delivery_id, outcome::accepted());
      message m;
      if (decode_message(ev.payload, m) || !m.properties || !m.properties->correlation_id) break;
      const auto* cid = std::get_if<std::uint64_t>(&*m.properties->correlation_id);
      if (!cid) break;
      auto it = in_flight_.find(*cid);
      if (it == in_flight_.end()) break; // late answer to a timed-out request
      request r = std::move(it->second);
      in_flight_.erase(it);
      cbs_event out;
      out.audience = r.audience;
      out.status = static_cast<std::int32_t>(detail::as_integer(detail::app_property(m, "status-code")).value_or(0));
      const value d = detail::app_property(m, "status-description");
      if (d.type() == kind::string) out.description = std::string(d.str());
      auto a = audiences_.find(r.audience);
      if (out.status >= 200 && out.status < 300) {
        out.kind = cbs_event::accepted;
        if (a != audiences_.end()) {
          // renew after renew_fraction of the lifetime, up to max_jitter earlier, so
          // that many devices' tokens do not all renew in the same second
          const auto life = std::chrono::duration_cast<std::chrono::milliseconds>(r.ttl);
          auto at = std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(life.count()) * cfg_.renew_fraction));
          const auto j = cfg_.max_jitter.count() > 0
                             ? std::uniform_int_distribution<std::int64_t>(0, cfg_.max_jitter.count())(rng_)
                             : 0;
          at -= std::chrono::milliseconds(std::min<std::int64_t>(j, at.count()));
          a->second.due = r.sent + at;
          a->second.retry = false;
          a->second.backoff = {};
        }
      } else {
        out.kind = cbs_event::refused;
        if (a != audiences_.end()) schedule_retry(a->second, now);
      }
      events_.push_back(std::move(out));
      break;
    }
    default: break;
  }
  return true;
}

inline void cbs_client::schedule_retry(audience_state& a, time_point now) {
  a.backoff = a.backoff.count() == 0 ? cfg_.retry_delay : std::min(a.backoff * 2, cfg_.max_retry_delay);
  a.due = now + a.backoff;
  a.retry = true;
}

inline void cbs_client::tick(time_point now) {
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    if (now - it->second.sent < cfg_.request_timeout) {
      ++it;
      continue;
    }
    cbs_event out;
    out.kind = cbs_event::timed_out;
    out.audience = it->second.audience;
    if (auto a = audiences_.find(it->second.audience); a != audiences_.end()) schedule_retry(a->second, now);
    events_.push_back(std::move(out));
    it = in_flight_.erase(it);
  }
  for (auto& [name, a] : audiences_) {
    if (!a.due || now < *a.due) continue;
    a.due.reset();
    if (a.retry) { // the same token again
      request r = a.last;
      r.sent = now;
      queued_.push_back(std::move(r));
    } else {
      cbs_event out;
      out.kind = cbs_event::renew_due;
      out.audience = name;
      events_.push_back(std::move(out));
    }
  }
  flush(now);
}

inline std::optional<cbs_client::time_point> cbs_client::deadline() const {
  std::optional<time_point> t;
  auto consider = [&](time_point x) {
    if (!t || x < *t) t = x;
  };
  for (const auto& [id, r] : in_flight_) consider(r.sent + cfg_.request_timeout);
  for (const auto& [name, a] : audiences_)
    if (a.due) consider(*a.due);
  return t;
}

inline std::optional<cbs_client::time_point> cbs_client::renewal(std::string_view audience) const {
  auto it = audiences_.find(audience);
  return it == audiences_.end() ? std::nullopt : it->second.due;
}

inline bool cbs_client::poll(cbs_event& out) {
  if (events_.empty()) return false;
  out = std::move(events_.front());
  events_.pop_front();
  return true;
}

// --- server -------------------------------------------------------------------------

inline bool cbs_server::on_event(const event& ev) {
  switch (ev.kind) {
    case event_kind::link_attached: {
      const auto i = e_.info(ev.link);
      if (!i) return false;
      if (i->role == role::receiver && i->target == "$cbs") {
        receivers_.push_back(ev.link);
        (void)e_.flow(ev.link, 50);
        return true;
      }
      if (i->role == role::sender && i->source == "$cbs") {
        senders_.emplace_back(ev.link, i->target);
        return true;
      }
      return false;
    }
    case event_kind::message:
      if (std::find(receivers_.begin(), receivers_.end(), ev.link) == receivers_.end()) return false;
      answer(ev);
      if (e_.credit(ev.link) < 25) (void)e_.flow(ev.link, 50);
      return true;
    case event_kind::credit:
      for (const auto& s : senders_)
        if (s.first == ev.link) {
          flush();
          return true;
        }
      return std::find(receivers_.begin(), receivers_.end(), ev.link) != receivers_.end();
    case event_kind::link_detached: {
      const auto before = receivers_.size() + senders_.size();
      std::erase(receivers_, ev.link);
      std::erase_if(senders_, [&](const auto& s) { return s.first == ev.link; });
      return receivers_.size() + senders_.size() != before;
    }
    case event_kind::disposition:
      for (const auto& s : senders_)
        if (s.first == ev.link) return true;
      return false;
    default: return false;
  }
}

inline void cbs_server::answer(const event& ev) {
  message m;
  cbs_status st{400, "bad request"};
  std::optional<message_id> id;
  std::string_view reply_to;
  if (!decode_message(ev.payload, m)) {
    if (m.properties) {
      id = m.properties->message_id;
      reply_to = m.properties->reply_to.value_or(std::string_view{});
    }
    cbs_request req;
    const value op = detail::app_property(m, "operation");
    const value type = detail::app_property(m, "type");
    const value name = detail::app_property(m, "name");
    const value exp = detail::app_property(m, "expiration");
    value body;
    message_body::reader br(m.body);
    const bool have_body = m.body.kind == body_kind::value && br.next(body) && body.type() == kind::string;
    if (op.type() == kind::string) req.operation = op.str();
    if (type.type() == kind::string) req.type = type.str();
    if (name.type() == kind::string) req.audience = name.str();
    if (exp.type() == kind::timestamp) req.expiration = timestamp{exp.as_signed()};
    if (have_body) req.token = body.str();
    if (req.operation != "put-token") st = {400, "unsupported operation"};
    else if (req.audience.empty() || !have_body) st = {400, "missing name or token"};
    else st = validate_(req);
  }
  if (!ev.settled) (void)e_.dispose(ev.link, ev.delivery_id, outcome::accepted());
  // Route to the $cbs sender whose target is the reply-to; without a reply-to (the C
  // SDK sends none) to the connection's only (first) one.
  link_id to = no_id;
  for (const auto& s : senders_)
    if (!reply_to.empty() && s.second == reply_to) to = s.first;
  if (to == no_id && !senders_.empty()) to = senders_.front().first;
  if (to == no_id || queued_.size() >= max_) return;
  message r;
  message_properties p;
  p.correlation_id = id;
  r.properties = p;
  std::vector<std::uint8_t> props, body;
  r.application_properties = build_value(props, [&](encoder& enc) {
    enc.begin_map();
    enc.write_string("status-code");
    enc.write_int(st.code);
    enc.write_string("status-description");
    enc.write_string(st.description);
    enc.end_map();
  });
  r.body = make_value_body(body, value::null());
  response out{to, {}};
  encode_message(out.bytes, r);
  queued_.push_back(std::move(out));
  flush();
}

inline void cbs_server::flush() {
  while (!queued_.empty() && e_.credit(queued_.front().to) > 0) {
    const response& r = queued_.front();
    std::uint8_t tag[8];
    for (int i = 0; i < 8; ++i) tag[i] = static_cast<std::uint8_t>(tag_ >> (8 * i));
    ++tag_;
    if (!e_.send(r.to, tag, r.bytes, true)) break;
    ++answered_;
    queued_.pop_front();
  }
  // responses for a link that went away are dropped
  while (!queued_.empty() && !e_.info(queued_.front().to)) queued_.pop_front();
}

} // namespace hubwire::amqp

#endif
