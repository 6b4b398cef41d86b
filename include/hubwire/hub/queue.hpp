#ifndef HUBWIRE_HUB_QUEUE_HPP
#define HUBWIRE_HUB_QUEUE_HPP

// The emulator's cloud-to-device model: a registry of devices, each with its C2D
// queue, and the service's feedback queue, as one deterministic state machine. The
// MQTT, AMQP and HTTPS front ends only translate wire events into these calls, so every
// rule of the hub's documented behaviour (iothub-protocol-facts.md sections 8 and 9)
// lives here once:
//
//   send      -> Enqueued (403004 when the device already has max_queue_depth pending,
//                Enqueued and Invisible alike; 404001 when unknown or disabled)
//   receive   -> Invisible for lock_timeout, fresh lock token, delivery count + 1
//   complete  -> Completed                    feedback Success   (ack positive, full)
//   reject    -> Dead lettered                feedback Rejected  (ack negative, full)
//   abandon   -> Enqueued, keeping its place  (see peek_lock_queue.hpp on order)
//   lock lost -> Enqueued, keeping its place
//   release   -> Enqueued: an MQTT session went away before PUBACK
//   the max_delivery_count-th delivery ends without completion
//             -> Dead lettered                feedback DeliveryCountExceeded
//   expiry (Enqueued or Invisible)
//             -> Dead lettered                feedback Expired
//   purge     -> removed                      feedback Purged (iothub::wants_feedback)
//
// Delivery count: it counts receives, so a message delivered for the tenth time
// (default max 10) says delivery_count == 10 and, if that delivery also fails, is
// dead-lettered instead of being enqueued an eleventh time. Abandon, lock expiry and
// release all end a delivery in the same way, so all three count: the reference's
// reading that a lock expiry does not count (wire-details 7) would let a device that
// crashes on a message receive it forever, against the table in protocol-facts 8.1
// ("any Enqueued<->Invisible cycle ... reaches maxDeliveryCount -> Dead lettered").
// Azure Service Bus, whose peek-lock terms the C2D docs reuse, documents the same:
// DeliveryCount "starts at 1" and "is incremented when a message lock expires, or the
// message is explicitly abandoned" (learn.microsoft.com, ServiceBusReceivedMessage.
// DeliveryCount).
//
// MQTT: the front end receives with a session's owner id, completes on PUBACK and
// calls release(owner) when the connection goes away; QoS 0 is receive + complete.
//
// Feedback records for one hub are batched: a batch closes when it holds
// feedback.max_batch_records records (64) or feedback.batch_delay (15 s) after its
// first record, whichever comes first (wire-details 3.4), and becomes one message in the
// feedback queue, which has its own lock, delivery count and TTL. Deleting a device
// drops its records not yet batched, as the docs warn the hub does.
//
// Time: every call takes `now`, applies everything due up to it (in deadline order, so
// outcomes are stamped with the instant they happened), then acts. A `now` earlier than
// one already seen is treated as that one: time never runs backwards.
//
// Memory is bounded by the configuration: max_devices queues of at most
// max_queue_depth messages of at most max_message_size bytes, plus at most
// feedback.max_queued_messages batches of max_batch_records records.

#include <hubwire/core/result.hpp>
#include <hubwire/hub/error.hpp>
#include <hubwire/hub/lock_token.hpp>
#include <hubwire/hub/peek_lock_queue.hpp>
#include <hubwire/iothub/error.hpp>
#include <hubwire/iothub/feedback_record.hpp>
#include <hubwire/iothub/limits.hpp>
#include <hubwire/iothub/message.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

namespace hubwire::hub {

// What the service's feedback settings hold (properties.cloudToDevice.feedback.*) plus
// the batching and capacity the docs leave to the hub.
struct feedback_config {
  duration ttl = std::chrono::hours(1);                  // 1 min .. 2 days
  std::uint32_t max_delivery_count = 10;                 // 1 .. 100
  duration lock_duration = std::chrono::seconds(60);     // 5 .. 300 s
  std::size_t max_batch_records = 64;                    // 1 .. 64
  duration batch_delay = std::chrono::seconds(15);       // > 0
  // Not documented: when the service never reads feedback, the oldest batch is
  // evicted to make room (counted in feedback_metrics::records_lost).
  std::size_t max_queued_messages = 1000;
};

// A message left its queue for good; `message` is as stored, with the hub's fields.
struct end_event {
  std::string_view device_id;
  const iothub::c2d_message& message;
  end_reason reason;
  time_point when;
};

struct queue_config {
  std::size_t max_queue_depth = iothub::limits::max_queue_depth;   // 1 .. 50
  duration default_ttl = iothub::limits::default_ttl;             // 1 min .. 2 days
  std::uint32_t max_delivery_count =
      static_cast<std::uint32_t>(iothub::limits::default_max_delivery_count); // 1 .. 100
  duration lock_timeout = iothub::limits::lock_timeout;           // the hub: 60 s, fixed
  std::size_t max_message_size = iothub::limits::max_c2d_message_size;
  std::size_t max_devices = 100'000;
  feedback_config feedback{};
  std::optional<std::uint64_t> seed{}; // lock tokens; unset: drawn from std::random_device
  // Observer hook, called during the operation that ended the message: it must not
  // call back into the queue. Empty costs one test.
  std::function<void(const end_event&)> on_end{};
};

// Ok, or the hub::errc naming the first setting out of its documented range.
std::error_code validate(const queue_config& config) noexcept;

struct device_info {
  std::string id;
  std::string generation_id; // fresh per creation, as the hub's (100 ns ticks since year 1)
  bool enabled = true;
};

// A batch of feedback records as the service receives it.
struct feedback_message {
  std::vector<iothub::feedback_record> records;
  std::uint64_t sequence_number = 0;
  time_point enqueued_time{};
  time_point expiry_time{};
  std::uint32_t delivery_count = 0;
  std::string lock_token;
};

struct feedback_metrics {
  lifecycle_metrics messages;          // the feedback queue's batches
  std::uint64_t records_generated = 0; // outcomes that asked for feedback
  std::size_t records_pending = 0;     // in the batch not yet closed
  std::uint64_t records_dropped = 0;   // pending when their device was deleted
  std::uint64_t records_delivered = 0; // in batches the service completed
  std::uint64_t records_lost = 0;      // in batches expired, dead-lettered or evicted
  std::uint64_t records_queued = 0;    // in batches still in the feedback queue
};

struct hub_metrics {
  lifecycle_metrics messages; // every device's C2D queue, including deleted devices' history
  std::size_t devices = 0;
  feedback_metrics feedback;
  std::size_t timers = 0; // scheduled deadlines, stale ones included: O(devices)
};

class queue {
public:
  static core::result<queue> create(queue_config config);

  const queue_config& config() const noexcept { return config_; }

  // Registry.
  core::result<device_info> add_device(std::string_view id, time_point now);
  std::error_code remove_device(std::string_view id, time_point now); // pending messages end device_removed
  std::error_code set_enabled(std::string_view id, bool enabled, time_point now);
  const device_info* find_device(std::string_view id) const noexcept;

  // Service side: the sequence number the message got.
  core::result<std::uint64_t> send(std::string_view device_id, iothub::c2d_message message, time_point now);
  core::result<std::size_t> purge(std::string_view device_id, time_point now);

  // Device side. receive() gives nullopt when nothing is Enqueued. `owner` tags the
  // lock with a session for release(); 0 means no session (HTTPS polling).
  core::result<std::optional<iothub::c2d_message>> receive(std::string_view device_id, time_point now,
                                                           std::uint64_t owner = 0);
  std::error_code complete(std::string_view device_id, std::string_view lock_token, time_point now);
  std::error_code reject(std::string_view device_id, std::string_view lock_token, time_point now);
  std::error_code abandon(std::string_view device_id, std::string_view lock_token, time_point now);
  core::result<std::size_t> release(std::string_view device_id, std::uint64_t owner, time_point now);

  // Service side, feedback (unknown or expired lock: device_message_lock_lost).
  std::optional<feedback_message> receive_feedback(time_point now);
  std::error_code complete_feedback(std::string_view lock_token, time_point now);
  std::error_code abandon_feedback(std::string_view lock_token, time_point now);

  // Time alone: applies everything due up to `now`. next_deadline() is when calling it
  // next changes something (time_point::max() when nothing is pending), for the timer
  // of an event loop.
  void advance(time_point now);
  time_point next_deadline() const noexcept;

  core::result<lifecycle_metrics> device_metrics(std::string_view id) const;
  hub_metrics metrics() const; // sums the devices: O(devices), not for every operation

  // The messages of a device in delivery order (Enqueued and Invisible), for inspection.
  core::result<std::vector<iothub::c2d_message>> peek(std::string_view device_id) const;

private:
  struct device {
    device_info info;
    peek_lock_queue<iothub::c2d_message> messages;
    time_point scheduled = time_point::max(); // earliest deadline in timers_ for it
    bool live = false;
  };
  struct timer {
    time_point when;
    std::uint64_t order; // ties: first scheduled first, so runs are reproducible
    std::uint32_t target; // device index, or feedback_target
    bool operator>(const timer& o) const noexcept {
      return when != o.when ? when > o.when : order > o.order;
    }
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using message_queue = peek_lock_queue<iothub::c2d_message>;
  using feedback_queue = peek_lock_queue<std::vector<iothub::feedback_record>>;
  static constexpr std::uint32_t feedback_target = 0xFFFFFFFFu;

  explicit queue(queue_config config);

  time_point catch_up(time_point now);
  device* find_live(std::string_view id) noexcept;
  const device* find_live(std::string_view id) const noexcept;
  core::result<device*> usable_device(std::string_view id);
  void schedule(std::uint32_t target, time_point when);
  void reschedule_device(std::uint32_t index);
  void reschedule_feedback();
  void run_timer(const timer& t);
  void compact_timers();
  static iothub::c2d_message handed_out(const device& d, const message_queue::entry& e);
  void on_message_end(const device& d, message_queue::entry&& e, end_reason why, time_point when);
  void add_record(iothub::feedback_record record, time_point when);
  void close_batch(time_point when);
  void on_feedback_end(feedback_queue::entry&& e, end_reason why, time_point when);
  time_point feedback_deadline() const noexcept;
  std::string new_generation_id(time_point now);
  template <class Op> std::error_code settle(std::string_view device_id, std::string_view token, time_point now, Op op);

  queue_config config_;
  lock_token_generator tokens_;
  std::vector<device> devices_;
  std::vector<std::uint32_t> free_devices_;
  std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>> index_;
  std::size_t live_devices_ = 0;
  lifecycle_metrics retired_; // history of deleted devices, so hub totals never go down

  std::vector<timer> timers_; // min-heap on (when, order)
  std::uint64_t timer_order_ = 0;
  time_point now_{};
  std::int64_t last_generation_ = 0;

  feedback_queue feedback_;
  time_point feedback_scheduled_ = time_point::max();
  std::vector<iothub::feedback_record> pending_records_;
  time_point pending_since_{};
  feedback_metrics feedback_counts_;
};

} // namespace hubwire::hub

#include <hubwire/hub/impl/queue.hpp>

#endif
