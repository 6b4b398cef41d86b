#ifndef HUBWIRE_HUB_IMPL_PEEK_LOCK_QUEUE_HPP
#define HUBWIRE_HUB_IMPL_PEEK_LOCK_QUEUE_HPP

#include <algorithm>
#include <iterator>
#include <utility>

namespace hubwire::hub {

inline lifecycle_counters& lifecycle_counters::operator+=(const lifecycle_counters& o) noexcept {
  enqueued += o.enqueued;
  deliveries += o.deliveries;
  abandoned += o.abandoned;
  lock_expired += o.lock_expired;
  released += o.released;
  completed += o.completed;
  rejected += o.rejected;
  expired += o.expired;
  delivery_count_exceeded += o.delivery_count_exceeded;
  purged += o.purged;
  removed += o.removed;
  return *this;
}

inline lifecycle_metrics& lifecycle_metrics::operator+=(const lifecycle_metrics& o) noexcept {
  enqueued += o.enqueued;
  invisible += o.invisible;
  totals += o.totals;
  return *this;
}

template <class T>
lifecycle_metrics peek_lock_queue<T>::metrics() const noexcept {
  return {entries_.size() - locked_, locked_, counters_};
}

template <class T>
auto peek_lock_queue<T>::push(T value, time_point now, time_point expiry) -> entry& {
  entry& e = entries_.emplace_back();
  e.value = std::move(value);
  e.sequence_number = next_sequence_++;
  e.enqueued_time = now;
  e.expiry_time = expiry;
  ++counters_.enqueued;
  return e;
}

template <class T>
template <class MakeToken>
auto peek_lock_queue<T>::receive(time_point now, std::uint64_t owner, MakeToken&& make_token) -> entry* {
  // Expired entries are gone already if the caller advanced to `now`; checking again
  // keeps the queue correct when used on its own.
  for (auto& e : entries_) {
    if (e.locked || now >= e.expiry_time) continue;
    e.locked = true;
    e.locked_until = now + limits_.lock_duration;
    e.lock_token = make_token();
    e.owner = owner;
    ++e.delivery_count;
    ++locked_;
    ++counters_.deliveries;
    return &e;
  }
  return nullptr;
}

template <class T>
std::size_t peek_lock_queue<T>::find_locked(std::string_view token, time_point now) const noexcept {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const auto& e = entries_[i];
    if (e.locked && e.lock_token == token)
      return now < e.locked_until && now < e.expiry_time ? i : entries_.size();
  }
  return entries_.size();
}

template <class T>
template <class Sink>
void peek_lock_queue<T>::end(std::size_t i, end_reason why, time_point when, Sink& sink) {
  auto it = entries_.begin() + static_cast<std::ptrdiff_t>(i);
  if (it->locked) --locked_;
  switch (why) {
    case end_reason::completed: ++counters_.completed; break;
    case end_reason::rejected: ++counters_.rejected; break;
    case end_reason::expired: ++counters_.expired; break;
    case end_reason::delivery_count_exceeded: ++counters_.delivery_count_exceeded; break;
    case end_reason::purged: ++counters_.purged; break;
    case end_reason::device_removed:
    case end_reason::evicted: ++counters_.removed; break;
  }
  entry gone = std::move(*it);
  entries_.erase(it);
  sink(std::move(gone), why, when);
}

template <class T>
template <class Sink>
void peek_lock_queue<T>::unlock(std::size_t i, time_point when, std::uint64_t& counter, Sink& sink) {
  ++counter;
  auto& e = entries_[i];
  if (e.delivery_count >= limits_.max_delivery_count) {
    end(i, end_reason::delivery_count_exceeded, when, sink);
    return;
  }
  e.locked = false;
  e.lock_token.clear();
  e.owner = 0;
  --locked_;
}

template <class T>
template <class Sink>
bool peek_lock_queue<T>::complete(std::string_view token, time_point now, Sink&& sink) {
  const auto i = find_locked(token, now);
  if (i == entries_.size()) return false;
  end(i, end_reason::completed, now, sink);
  return true;
}

template <class T>
template <class Sink>
bool peek_lock_queue<T>::reject(std::string_view token, time_point now, Sink&& sink) {
  const auto i = find_locked(token, now);
  if (i == entries_.size()) return false;
  end(i, end_reason::rejected, now, sink);
  return true;
}

template <class T>
template <class Sink>
bool peek_lock_queue<T>::abandon(std::string_view token, time_point now, Sink&& sink) {
  const auto i = find_locked(token, now);
  if (i == entries_.size()) return false;
  unlock(i, now, counters_.abandoned, sink);
  return true;
}

template <class T>
template <class Sink>
std::size_t peek_lock_queue<T>::release(std::uint64_t owner, time_point now, Sink&& sink) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < entries_.size();) {
    if (entries_[i].locked && entries_[i].owner == owner) {
      const auto before = entries_.size();
      unlock(i, now, counters_.released, sink);
      ++n;
      if (entries_.size() != before) continue; // dead-lettered: i is the next entry now
    }
    ++i;
  }
  return n;
}

template <class T>
template <class Sink>
std::size_t peek_lock_queue<T>::clear(end_reason why, time_point now, Sink&& sink) {
  const std::size_t n = entries_.size();
  while (!entries_.empty()) end(0, why, now, sink);
  return n;
}

template <class T>
template <class Sink>
bool peek_lock_queue<T>::evict_oldest(time_point now, Sink&& sink) {
  if (entries_.empty()) return false;
  end(0, end_reason::evicted, now, sink);
  return true;
}

template <class T>
template <class Sink>
void peek_lock_queue<T>::advance(time_point now, Sink&& sink) {
  for (std::size_t i = 0; i < entries_.size();) {
    auto& e = entries_[i];
    // A lock lost strictly before the message expires returns it first, which may
    // dead-letter it for its delivery count; at the same instant, expiry wins.
    if (e.locked && e.locked_until <= now && e.locked_until < e.expiry_time) {
      const auto before = entries_.size();
      unlock(i, e.locked_until, counters_.lock_expired, sink);
      if (entries_.size() != before) continue;
    }
    if (entries_[i].expiry_time <= now) {
      end(i, end_reason::expired, entries_[i].expiry_time, sink);
      continue;
    }
    ++i;
  }
}

template <class T>
time_point peek_lock_queue<T>::next_deadline() const noexcept {
  auto t = time_point::max();
  for (const auto& e : entries_) {
    t = std::min(t, e.expiry_time);
    if (e.locked) t = std::min(t, e.locked_until);
  }
  return t;
}

} // namespace hubwire::hub

#endif
