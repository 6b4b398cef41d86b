#ifndef HUBWIRE_HUB_PEEK_LOCK_QUEUE_HPP
#define HUBWIRE_HUB_PEEK_LOCK_QUEUE_HPP

// One bounded queue with IoT Hub's peek-lock lifecycle. A device's C2D queue and the
// service's feedback queue follow the same rules (iothub-protocol-facts.md 8.1, 9.2:
// "same receive semantics as C2D"), with different limits, so both are this one
// template:
//
//   push            -> Enqueued
//   receive         -> Invisible, fresh lock token, delivery count + 1
//   complete        -> ended: completed
//   reject          -> ended: rejected (dead-lettered)
//   abandon, release, lock expiry
//                   -> Enqueued again, or ended: delivery_count_exceeded when the
//                      message has already been delivered max_delivery_count times
//   expiry          -> ended: expired, whether Enqueued or Invisible
//   clear           -> ended: purged (or device_removed), whatever the state
//
// Deadlines are instants: a lock taken at t with duration d is lost at t + d exactly,
// and a message whose expiry time is t is expired at t. Outcomes caused by time carry
// the deadline as their time, not the (possibly later) instant advance() ran.
//
// Order: entries are kept in sequence (enqueue) order and receive() takes the oldest
// Enqueued one, so a message that comes back (abandon, lock expiry, disconnect) keeps
// its place and is delivered again before anything enqueued after it. This is our
// reading of the docs, which never state the order: abandon means the hub "immediately
// tries to resend it" and the message is "retained for future consumption"
// (iothub-protocol-facts.md 8.1), which a move to the back would contradict.
//
// Layer 2: no clock, no I/O; `now` is an argument and time only moves in advance().

#include <hubwire/iothub/message.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hubwire::hub {

using time_point = iothub::time_point;
using duration = iothub::clock::duration;

// How a message left its queue for good.
enum class end_reason {
  completed,
  rejected,
  expired,
  delivery_count_exceeded,
  purged,
  device_removed, // the device was deleted from the registry with messages pending
  evicted,        // feedback queue only: the oldest batch made room for a new one
};

constexpr std::string_view to_string(end_reason r) noexcept {
  switch (r) {
    case end_reason::completed: return "completed";
    case end_reason::rejected: return "rejected";
    case end_reason::expired: return "expired";
    case end_reason::delivery_count_exceeded: return "delivery_count_exceeded";
    case end_reason::purged: return "purged";
    case end_reason::device_removed: return "device_removed";
    case end_reason::evicted: return "evicted";
  }
  return "completed";
}

// Everything that ever happened to a queue's messages. Per device, per feedback queue
// and hub-wide (the sum): one struct serves all three.
struct lifecycle_counters {
  std::uint64_t enqueued = 0;      // accepted by push
  std::uint64_t deliveries = 0;    // receives, each with a fresh lock
  std::uint64_t abandoned = 0;     // returned by abandon (possibly then dead-lettered)
  std::uint64_t lock_expired = 0;  // returned by lock expiry
  std::uint64_t released = 0;      // returned by release (MQTT disconnect before PUBACK)
  std::uint64_t completed = 0;
  std::uint64_t rejected = 0;
  std::uint64_t expired = 0;
  std::uint64_t delivery_count_exceeded = 0;
  std::uint64_t purged = 0;
  std::uint64_t removed = 0;       // device_removed or evicted

  std::uint64_t ended() const noexcept {
    return completed + rejected + expired + delivery_count_exceeded + purged + removed;
  }
  lifecycle_counters& operator+=(const lifecycle_counters& o) noexcept;
  friend bool operator==(const lifecycle_counters&, const lifecycle_counters&) = default;
};

// Current state plus history. Invariant: enqueued + invisible == totals.enqueued -
// totals.ended().
struct lifecycle_metrics {
  std::size_t enqueued = 0;  // state Enqueued now
  std::size_t invisible = 0; // state Invisible (locked) now
  lifecycle_counters totals;

  lifecycle_metrics& operator+=(const lifecycle_metrics& o) noexcept;
  friend bool operator==(const lifecycle_metrics&, const lifecycle_metrics&) = default;
};

struct peek_lock_limits {
  std::size_t max_depth = 50;                 // Enqueued + Invisible
  std::uint32_t max_delivery_count = 10;
  duration lock_duration = std::chrono::seconds(60);
};

template <class T>
class peek_lock_queue {
public:
  struct entry {
    T value;
    std::uint64_t sequence_number = 0; // 1, 2, ... per queue, never reused
    time_point enqueued_time{};
    time_point expiry_time{};
    std::uint32_t delivery_count = 0;  // receives so far, this one included
    bool locked = false;
    time_point locked_until{};
    std::string lock_token;            // of the current delivery; empty when Enqueued
    std::uint64_t owner = 0;           // who holds the lock (a session), for release()
  };

  explicit peek_lock_queue(peek_lock_limits limits) noexcept : limits_(limits) {}

  std::size_t size() const noexcept { return entries_.size(); }
  bool full() const noexcept { return entries_.size() >= limits_.max_depth; }
  const std::vector<entry>& entries() const noexcept { return entries_; } // sequence order
  lifecycle_metrics metrics() const noexcept;
  const peek_lock_limits& limits() const noexcept { return limits_; }

  // The caller checks full() first: what a full queue means (an error to the sender,
  // or evicting the oldest) is its policy, not the queue's.
  entry& push(T value, time_point now, time_point expiry);

  // Locks the oldest Enqueued entry for make_token() -> std::string, or returns nullptr.
  template <class MakeToken>
  entry* receive(time_point now, std::uint64_t owner, MakeToken&& make_token);

  // Settle the delivery that holds `token`. False when no entry holds it or its lock
  // has expired (the hub's DeviceMessageLockLost). Endings go to
  // sink(entry&&, end_reason, time_point).
  template <class Sink> bool complete(std::string_view token, time_point now, Sink&& sink);
  template <class Sink> bool reject(std::string_view token, time_point now, Sink&& sink);
  template <class Sink> bool abandon(std::string_view token, time_point now, Sink&& sink);

  // Returns every entry locked by `owner` to the queue; how many.
  template <class Sink> std::size_t release(std::uint64_t owner, time_point now, Sink&& sink);

  // Ends every entry with `why` (purged, device_removed); how many.
  template <class Sink> std::size_t clear(end_reason why, time_point now, Sink&& sink);

  // Ends the oldest entry with end_reason::evicted; false when empty.
  template <class Sink> bool evict_oldest(time_point now, Sink&& sink);

  // Applies every lock expiry and message expiry due at or before `now`.
  template <class Sink> void advance(time_point now, Sink&& sink);

  // The earliest instant advance() has work to do; time_point::max() when none.
  time_point next_deadline() const noexcept;

private:
  std::size_t find_locked(std::string_view token, time_point now) const noexcept;
  template <class Sink> void end(std::size_t i, end_reason why, time_point when, Sink& sink);
  // Back to Enqueued, or dead-lettered if it has had all its deliveries.
  template <class Sink> void unlock(std::size_t i, time_point when, std::uint64_t& counter, Sink& sink);

  peek_lock_limits limits_;
  std::vector<entry> entries_;
  std::size_t locked_ = 0;
  std::uint64_t next_sequence_ = 1;
  lifecycle_counters counters_;
};

} // namespace hubwire::hub

#include <hubwire/hub/impl/peek_lock_queue.hpp>

#endif
