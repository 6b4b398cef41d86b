#ifndef HUBWIRE_HUB_IMPL_QUEUE_HPP
#define HUBWIRE_HUB_IMPL_QUEUE_HPP

#include <algorithm>
#include <functional>
#include <random>
#include <utility>

namespace hubwire::hub {

namespace detail {

// Device ids and message ids share one rule (iothub-protocol-facts.md 7.2): 1..128
// characters, ASCII letters and digits plus - : . + % _ # * ? ! ( ) , = @ ; $ '
constexpr bool is_valid_hub_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > iothub::limits::max_id_length) return false;
  constexpr std::string_view punct = "-:.+%_#*?!(),=@;$'";
  for (char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && punct.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// The size the hub charges against the 64 KiB limit (protocol-facts 7.5): body,
// system property values the sender set, application property names and values.
inline std::size_t hub_message_size(const iothub::c2d_message& m) noexcept {
  std::size_t n = m.body.size();
  for (const auto* p : {&m.message_id, &m.correlation_id, &m.user_id, &m.content_type, &m.content_encoding})
    if (*p) n += (*p)->size();
  for (const auto& p : m.properties) n += p.name.size() + (p.value ? p.value->size() : 0);
  return n;
}

constexpr iothub::feedback_status feedback_status_of(end_reason r) noexcept {
  switch (r) {
    case end_reason::completed: return iothub::feedback_status::success;
    case end_reason::rejected: return iothub::feedback_status::rejected;
    case end_reason::expired: return iothub::feedback_status::expired;
    case end_reason::delivery_count_exceeded: return iothub::feedback_status::delivery_count_exceeded;
    case end_reason::purged:
    case end_reason::device_removed:
    case end_reason::evicted: break;
  }
  return iothub::feedback_status::purged;
}

} // namespace detail

inline std::error_code validate(const queue_config& c) noexcept {
  using namespace std::chrono;
  namespace lim = iothub::limits;
  if (c.max_queue_depth < 1 || c.max_queue_depth > lim::max_queue_depth) return errc::bad_queue_depth;
  if (c.default_ttl < lim::min_ttl || c.default_ttl > lim::max_ttl) return errc::bad_default_ttl;
  if (c.max_delivery_count < 1 || c.max_delivery_count > 100) return errc::bad_max_delivery_count;
  if (c.lock_timeout < seconds(1) || c.lock_timeout > seconds(300)) return errc::bad_lock_timeout;
  if (c.max_message_size < 1 || c.max_message_size > lim::max_c2d_message_size) return errc::bad_message_size_limit;
  if (c.max_devices < 1) return errc::bad_device_limit;
  const auto& f = c.feedback;
  if (f.ttl < lim::min_ttl || f.ttl > lim::max_ttl) return errc::bad_feedback_ttl;
  if (f.max_delivery_count < 1 || f.max_delivery_count > 100) return errc::bad_feedback_max_delivery_count;
  if (f.lock_duration < seconds(5) || f.lock_duration > seconds(300)) return errc::bad_feedback_lock_duration;
  if (f.max_batch_records < 1 || f.max_batch_records > 64 || f.batch_delay <= duration::zero())
    return errc::bad_feedback_batch;
  if (f.max_queued_messages < 1) return errc::bad_feedback_queue_capacity;
  return {};
}

inline core::result<queue> queue::create(queue_config config) {
  if (auto ec = validate(config)) return ec;
  return queue(std::move(config));
}

inline queue::queue(queue_config config)
    : config_(std::move(config)),
      tokens_(config_.seed ? *config_.seed
                           : (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()),
      feedback_(peek_lock_limits{config_.feedback.max_queued_messages, config_.feedback.max_delivery_count,
                                 config_.feedback.lock_duration}) {}

// ---- time ----

inline time_point queue::catch_up(time_point now) {
  now = std::max(now, now_);
  while (!timers_.empty() && timers_.front().when <= now) {
    std::pop_heap(timers_.begin(), timers_.end(), std::greater<>{});
    const timer t = timers_.back();
    timers_.pop_back();
    run_timer(t);
  }
  now_ = now;
  return now;
}

inline void queue::advance(time_point now) { catch_up(now); }

// May be earlier than the real next deadline (a stale timer), never later: waking up
// early costs one empty advance().
inline time_point queue::next_deadline() const noexcept {
  return timers_.empty() ? time_point::max() : timers_.front().when;
}

inline void queue::schedule(std::uint32_t target, time_point when) {
  timers_.push_back({when, timer_order_++, target});
  std::push_heap(timers_.begin(), timers_.end(), std::greater<>{});
  // A timer goes stale when its queue's deadline moves; stale ones are skipped when
  // they fire, but a long TTL could keep many waiting. Rebuild from the live deadlines
  // when they outnumber them, so the heap stays O(devices).
  if (timers_.size() > 2 * (live_devices_ + 1) + 64) compact_timers();
}

inline void queue::compact_timers() {
  timers_.clear();
  for (std::uint32_t i = 0; i < devices_.size(); ++i)
    if (devices_[i].live && devices_[i].scheduled != time_point::max())
      timers_.push_back({devices_[i].scheduled, timer_order_++, i});
  if (feedback_scheduled_ != time_point::max())
    timers_.push_back({feedback_scheduled_, timer_order_++, feedback_target});
  std::make_heap(timers_.begin(), timers_.end(), std::greater<>{});
}

inline void queue::reschedule_device(std::uint32_t index) {
  device& d = devices_[index];
  const auto next = d.messages.next_deadline();
  if (next < d.scheduled) {
    d.scheduled = next;
    schedule(index, next);
  }
}

inline time_point queue::feedback_deadline() const noexcept {
  auto t = feedback_.next_deadline();
  if (!pending_records_.empty()) t = std::min(t, pending_since_ + config_.feedback.batch_delay);
  return t;
}

inline void queue::reschedule_feedback() {
  const auto next = feedback_deadline();
  if (next < feedback_scheduled_) {
    feedback_scheduled_ = next;
    schedule(feedback_target, next);
  }
}

inline void queue::run_timer(const timer& t) {
  if (t.target == feedback_target) {
    if (t.when != feedback_scheduled_) return; // stale
    feedback_scheduled_ = time_point::max();
    feedback_.advance(t.when, [this](feedback_queue::entry&& e, end_reason why, time_point when) {
      on_feedback_end(std::move(e), why, when);
    });
    if (!pending_records_.empty() && pending_since_ + config_.feedback.batch_delay <= t.when)
      close_batch(pending_since_ + config_.feedback.batch_delay);
    reschedule_feedback();
    return;
  }
  device& d = devices_[t.target];
  if (!d.live || t.when != d.scheduled) return; // stale
  d.scheduled = time_point::max();
  d.messages.advance(t.when, [this, &d](message_queue::entry&& e, end_reason why, time_point when) {
    on_message_end(d, std::move(e), why, when);
  });
  reschedule_device(t.target);
}

// ---- outcomes and feedback ----

inline iothub::c2d_message queue::handed_out(const device& d, const message_queue::entry& e) {
  iothub::c2d_message m = e.value;
  m.to = "/devices/" + d.info.id + "/messages/devicebound";
  m.delivery_count = e.delivery_count;
  m.lock_token = e.lock_token;
  return m;
}

inline void queue::on_message_end(const device& d, message_queue::entry&& e, end_reason why, time_point when) {
  if (config_.on_end) {
    e.value.to = "/devices/" + d.info.id + "/messages/devicebound";
    e.value.delivery_count = e.delivery_count;
    config_.on_end(end_event{d.info.id, e.value, why, when});
  }
  if (why == end_reason::device_removed) return;
  const auto status = detail::feedback_status_of(why);
  if (!iothub::wants_feedback(e.value.ack_requested, status)) return;
  iothub::feedback_record r;
  r.original_message_id = e.value.message_id.value_or(std::string());
  r.device_id = d.info.id;
  r.device_generation_id = d.info.generation_id;
  r.status = status;
  r.description = std::string(iothub::to_string(status));
  r.enqueued_time = when;
  add_record(std::move(r), when);
}

inline void queue::add_record(iothub::feedback_record record, time_point when) {
  ++feedback_counts_.records_generated;
  if (pending_records_.empty()) pending_since_ = when;
  pending_records_.push_back(std::move(record));
  if (pending_records_.size() >= config_.feedback.max_batch_records) close_batch(when);
  reschedule_feedback();
}

inline void queue::close_batch(time_point when) {
  if (feedback_.full())
    feedback_.evict_oldest(when, [this](feedback_queue::entry&& e, end_reason why, time_point t) {
      on_feedback_end(std::move(e), why, t);
    });
  feedback_counts_.records_queued += pending_records_.size();
  feedback_.push(std::move(pending_records_), when, when + config_.feedback.ttl);
  pending_records_ = {};
  pending_records_.reserve(config_.feedback.max_batch_records);
}

inline void queue::on_feedback_end(feedback_queue::entry&& e, end_reason why, time_point) {
  const auto n = e.value.size();
  feedback_counts_.records_queued -= n;
  if (why == end_reason::completed)
    feedback_counts_.records_delivered += n;
  else
    feedback_counts_.records_lost += n;
}

// ---- registry ----

inline queue::device* queue::find_live(std::string_view id) noexcept {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &devices_[it->second];
}

inline const queue::device* queue::find_live(std::string_view id) const noexcept {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &devices_[it->second];
}

inline const device_info* queue::find_device(std::string_view id) const noexcept {
  const device* d = find_live(id);
  return d ? &d->info : nullptr;
}

inline std::string queue::new_generation_id(time_point now) {
  // .NET ticks (100 ns since 0001-01-01), the form the hub's generation ids take
  // ("636029680662044245"); strictly increasing so a re-created device differs.
  using ticks = std::chrono::duration<std::int64_t, std::ratio<1, 10'000'000>>;
  std::int64_t t = std::chrono::duration_cast<ticks>(now.time_since_epoch()).count() + 621'355'968'000'000'000;
  if (t <= last_generation_) t = last_generation_ + 1;
  last_generation_ = t;
  return std::to_string(t);
}

inline core::result<device_info> queue::add_device(std::string_view id, time_point now) {
  now = catch_up(now);
  if (!detail::is_valid_hub_id(id)) return errc::invalid_device_id;
  if (index_.find(id) != index_.end()) return errc::device_already_exists;
  if (live_devices_ >= config_.max_devices) return errc::device_limit_reached;
  std::uint32_t i;
  if (!free_devices_.empty()) {
    i = free_devices_.back();
    free_devices_.pop_back();
  } else {
    i = static_cast<std::uint32_t>(devices_.size());
    devices_.push_back(device{{}, message_queue(peek_lock_limits{}), time_point::max(), false});
  }
  device& d = devices_[i];
  d.info = device_info{std::string(id), new_generation_id(now), true};
  d.messages = message_queue(
      peek_lock_limits{config_.max_queue_depth, config_.max_delivery_count, config_.lock_timeout});
  d.scheduled = time_point::max();
  d.live = true;
  index_.emplace(std::string(id), i);
  ++live_devices_;
  return d.info;
}

inline std::error_code queue::remove_device(std::string_view id, time_point now) {
  now = catch_up(now);
  auto it = index_.find(id);
  if (it == index_.end()) return iothub::errc::device_not_found;
  const std::uint32_t i = it->second;
  device& d = devices_[i];
  d.messages.clear(end_reason::device_removed, now,
                   [this, &d](message_queue::entry&& e, end_reason why, time_point when) {
                     on_message_end(d, std::move(e), why, when);
                   });
  // "pending feedback is deleted too" (protocol-facts 8.1): the records not yet batched.
  const auto before = pending_records_.size();
  std::erase_if(pending_records_, [&](const iothub::feedback_record& r) {
    return r.device_id == d.info.id && r.device_generation_id == d.info.generation_id;
  });
  feedback_counts_.records_dropped += before - pending_records_.size();
  if (!pending_records_.empty()) pending_since_ = pending_records_.front().enqueued_time;
  retired_ += d.messages.metrics();
  d.live = false;
  d.scheduled = time_point::max();
  d.messages = message_queue(peek_lock_limits{});
  index_.erase(it);
  free_devices_.push_back(i);
  --live_devices_;
  return {};
}

inline std::error_code queue::set_enabled(std::string_view id, bool enabled, time_point now) {
  catch_up(now);
  device* d = find_live(id);
  if (!d) return iothub::errc::device_not_found;
  d->info.enabled = enabled;
  return {};
}

// A device that may send, receive and settle: registered and enabled (404001 covers
// both, protocol-facts 17.1).
inline core::result<queue::device*> queue::usable_device(std::string_view id) {
  device* d = find_live(id);
  if (!d || !d->info.enabled) return iothub::errc::device_not_found;
  return d;
}

// ---- device queue operations ----

inline core::result<std::uint64_t> queue::send(std::string_view device_id, iothub::c2d_message message,
                                               time_point now) {
  now = catch_up(now);
  auto d = usable_device(device_id);
  if (!d) return d.error();
  device& dev = **d;
  if (message.message_id && !detail::is_valid_hub_id(*message.message_id)) return iothub::errc::invalid_message;
  if (detail::hub_message_size(message) > config_.max_message_size) return iothub::errc::message_too_large;
  if (dev.messages.full()) return iothub::errc::device_maximum_queue_depth_exceeded;
  // A message already expired when sent is accepted and dead-lettered at once (the
  // docs are silent); its outcome is stamped with the send instant, never earlier.
  // None outlives the hub's retention, 2 days (protocol-facts 7.5), whatever the
  // sender asked.
  const time_point expiry = std::clamp(message.expiry_time.value_or(now + config_.default_ttl), now,
                                       now + iothub::limits::max_ttl);
  // `to` is the same for every message of a device: filled on the way out, not stored.
  message.to.reset();
  message.enqueued_time = now;
  message.expiry_time = expiry;
  message.delivery_count.reset();
  message.lock_token.reset();
  auto& e = dev.messages.push(std::move(message), now, expiry);
  e.value.sequence_number = e.sequence_number;
  const auto seq = e.sequence_number;
  reschedule_device(static_cast<std::uint32_t>(&dev - devices_.data()));
  catch_up(now);
  return seq;
}

inline core::result<std::optional<iothub::c2d_message>> queue::receive(std::string_view device_id, time_point now,
                                                                       std::uint64_t owner) {
  now = catch_up(now);
  auto d = usable_device(device_id);
  if (!d) return d.error();
  device& dev = **d;
  auto* e = dev.messages.receive(now, owner, [this] { return tokens_.next(); });
  if (!e) return std::optional<iothub::c2d_message>();
  auto out = handed_out(dev, *e);
  reschedule_device(static_cast<std::uint32_t>(&dev - devices_.data()));
  return std::optional<iothub::c2d_message>(std::move(out));
}

template <class Op>
std::error_code queue::settle(std::string_view device_id, std::string_view token, time_point now, Op op) {
  now = catch_up(now);
  auto d = usable_device(device_id);
  if (!d) return d.error();
  device& dev = **d;
  const bool ok = op(dev.messages, token, now, [this, &dev](message_queue::entry&& e, end_reason why, time_point when) {
    on_message_end(dev, std::move(e), why, when);
  });
  if (!ok) return iothub::errc::device_message_lock_lost;
  reschedule_device(static_cast<std::uint32_t>(&dev - devices_.data()));
  return {};
}

inline std::error_code queue::complete(std::string_view device_id, std::string_view token, time_point now) {
  return settle(device_id, token, now, [](auto& q, auto t, auto n, auto&& sink) { return q.complete(t, n, sink); });
}

inline std::error_code queue::reject(std::string_view device_id, std::string_view token, time_point now) {
  return settle(device_id, token, now, [](auto& q, auto t, auto n, auto&& sink) { return q.reject(t, n, sink); });
}

inline std::error_code queue::abandon(std::string_view device_id, std::string_view token, time_point now) {
  return settle(device_id, token, now, [](auto& q, auto t, auto n, auto&& sink) { return q.abandon(t, n, sink); });
}

// Registered suffices (not enabled): disabling a device is what drops its sessions.
inline core::result<std::size_t> queue::release(std::string_view device_id, std::uint64_t owner, time_point now) {
  now = catch_up(now);
  device* d = find_live(device_id);
  if (!d) return iothub::errc::device_not_found;
  const auto n = d->messages.release(owner, now, [this, d](message_queue::entry&& e, end_reason why, time_point when) {
    on_message_end(*d, std::move(e), why, when);
  });
  reschedule_device(static_cast<std::uint32_t>(d - devices_.data()));
  return n;
}

// Purges Invisible messages too: the service empties the queue, and a device still
// holding a lock finds it lost (DeviceMessageLockLost) when it settles.
inline core::result<std::size_t> queue::purge(std::string_view device_id, time_point now) {
  now = catch_up(now);
  device* d = find_live(device_id);
  if (!d) return iothub::errc::device_not_found;
  return d->messages.clear(end_reason::purged, now, [this, d](message_queue::entry&& e, end_reason why, time_point when) {
    on_message_end(*d, std::move(e), why, when);
  });
}

// ---- feedback queue ----

inline std::optional<feedback_message> queue::receive_feedback(time_point now) {
  now = catch_up(now);
  auto* e = feedback_.receive(now, 0, [this] { return tokens_.next(); });
  if (!e) return std::nullopt;
  reschedule_feedback();
  return feedback_message{e->value, e->sequence_number, e->enqueued_time, e->expiry_time, e->delivery_count,
                          e->lock_token};
}

inline std::error_code queue::complete_feedback(std::string_view token, time_point now) {
  now = catch_up(now);
  const bool ok = feedback_.complete(token, now, [this](feedback_queue::entry&& e, end_reason why, time_point when) {
    on_feedback_end(std::move(e), why, when);
  });
  if (!ok) return iothub::errc::device_message_lock_lost;
  reschedule_feedback();
  return {};
}

inline std::error_code queue::abandon_feedback(std::string_view token, time_point now) {
  now = catch_up(now);
  const bool ok = feedback_.abandon(token, now, [this](feedback_queue::entry&& e, end_reason why, time_point when) {
    on_feedback_end(std::move(e), why, when);
  });
  if (!ok) return iothub::errc::device_message_lock_lost;
  reschedule_feedback();
  return {};
}

// ---- metrics ----

inline core::result<lifecycle_metrics> queue::device_metrics(std::string_view id) const {
  const device* d = find_live(id);
  if (!d) return iothub::errc::device_not_found;
  return d->messages.metrics();
}

inline hub_metrics queue::metrics() const {
  hub_metrics m;
  m.messages = retired_;
  for (const auto& d : devices_)
    if (d.live) m.messages += d.messages.metrics();
  m.devices = live_devices_;
  m.feedback = feedback_counts_;
  m.feedback.messages = feedback_.metrics();
  m.feedback.records_pending = pending_records_.size();
  m.timers = timers_.size();
  return m;
}

inline core::result<std::vector<iothub::c2d_message>> queue::peek(std::string_view device_id) const {
  const device* d = find_live(device_id);
  if (!d) return iothub::errc::device_not_found;
  std::vector<iothub::c2d_message> out;
  out.reserve(d->messages.size());
  for (const auto& e : d->messages.entries()) {
    auto& m = out.emplace_back(handed_out(*d, e));
    if (!e.delivery_count) m.delivery_count.reset();
    if (!e.locked) m.lock_token.reset();
  }
  return out;
}

} // namespace hubwire::hub

#endif
