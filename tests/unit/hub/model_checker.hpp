#ifndef HUBWIRE_TESTS_UNIT_HUB_MODEL_CHECKER_HPP
#define HUBWIRE_TESTS_UNIT_HUB_MODEL_CHECKER_HPP

// Drives hub::queue with random operations and checks it against a shadow written
// independently of the model (a plain list per device, its own reading of the rules)
// and against the invariants of the issue:
//  - every message accepted ends exactly once (on_end) or is still queued; none is
//    lost or duplicated in the accounting;
//  - queue depth never exceeds the bound, delivery count never exceeds the maximum;
//  - receive hands out the oldest available message (enqueue order, returned ones
//    keep their place), settle succeeds exactly when the lock is still held;
//  - each outcome that asked for feedback produces exactly one record, delivered once
//    (or, when the service leaves a batch unread past the feedback TTL, counted lost).
// Shared by the randomized unit test (std::mt19937_64) and the fuzz target (the
// fuzzer's bytes), so one piece serves both.

#include <hubwire/hub/queue.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hubwire_test_hub {

class model_checker {
public:
  using time_point = hubwire::iothub::time_point;
  // next(bound) -> [0, bound); done() -> no more input.
  struct source {
    std::function<std::uint64_t(std::uint64_t)> next;
    std::function<bool()> done = [] { return false; };
  };

  std::function<void(const std::string&)> on_failure;

  static constexpr std::size_t devices = 6;
  static constexpr std::uint32_t max_deliveries = 4;

  explicit model_checker(std::uint64_t seed) : q_(make(seed)) {
    for (std::size_t d = 0; d < devices; ++d) {
      auto r = q_.add_device(device_id(d), now_);
      if (!r) fail("add_device");
      generation_.push_back(r->generation_id);
    }
    shadow_.resize(devices);
    next_seq_.assign(devices, 1);
  }

  std::uint64_t operations() const { return ops_; }

  void step(source& in) {
    ++ops_;
    if (ops_ % 5000 == 1) profile_ = in.next(3);
    // Weights (out of 1000) per profile: send, receive, settle, time, feedback,
    // release, purge. Profile 0 fills queues to their bound, 1 drains, 2 mixes.
    static constexpr int weights[3][7] = {
        {550, 150, 160, 85, 40, 13, 2}, {100, 350, 360, 125, 50, 13, 2}, {300, 250, 260, 125, 50, 13, 2}};
    int pick = static_cast<int>(in.next(1000));
    int op = 0;
    while (op < 6 && pick >= weights[profile_][op]) pick -= weights[profile_][op++];
    switch (op) {
      case 0: send(in); break;
      case 1: receive(in); break;
      case 2: settle(in); break;
      case 3: advance(in); break;
      case 4: feedback(in); break;
      case 5: release(in); break;
      default: purge(in); break;
    }
    if (ops_ % 997 == 0) check_metrics();
  }

  // Lets every message run out, reads all feedback, and checks the totals.
  void finish() {
    drain_feedback();
    now_ += std::chrono::hours(3); // past every TTL (the longest is 2 h here)
    q_.advance(now_);
    now_ += std::chrono::hours(1); // past every batch delay, well within the feedback TTL
    q_.advance(now_);
    check_metrics();
    drain_feedback();
    for (const auto& s : shadow_)
      if (!s.empty()) fail("messages left after every TTL passed");
    // A batch the service leaves unread past the feedback TTL is lost, as the hub's
    // would be; whatever was requested and not delivered must be exactly those.
    // (The randomized unit test reads often enough that it also checks none is lost.)
    const auto m = q_.metrics();
    if (expected_records_.size() != m.feedback.records_lost)
      fail("a requested feedback record was neither delivered nor counted lost");
    if (m.feedback.records_lost != 0 && m.feedback.messages.totals.expired == 0 &&
        m.feedback.messages.totals.delivery_count_exceeded == 0 && m.feedback.messages.totals.removed == 0)
      fail("feedback records lost without a batch ending unread");
    if (m.feedback.records_dropped != 0) fail("feedback records dropped without a device deleted");
    if (m.feedback.records_delivered != records_delivered_) fail("records delivered: count differs");
    if (m.messages.totals.enqueued != accepted_ || m.messages.totals.ended() != ended_)
      fail("totals differ from the shadow's");
  }

  std::uint64_t accepted() const { return accepted_; }
  std::uint64_t ended() const { return ended_; }
  std::uint64_t records() const { return records_delivered_; }
  std::uint64_t refused_full() const { return refused_full_; }
  hubwire::hub::hub_metrics metrics() const { return q_.metrics(); }
  const std::map<hubwire::hub::end_reason, std::uint64_t>& reasons() const { return by_reason_; }

private:
  struct shadow_msg {
    std::uint64_t seq;
    std::string id;
    hubwire::iothub::ack ack;
    time_point expiry;
    std::uint32_t deliveries = 0;
    std::string token{};   // empty when not held
    time_point lock_until{};
    std::uint64_t owner = 0;
  };
  struct expected_end {
    std::size_t device;
    std::uint64_t seq;
    hubwire::hub::end_reason reason;
  };

  static std::string device_id(std::size_t d) { return "device-" + std::to_string(d); }

  hubwire::hub::queue make(std::uint64_t seed) {
    hubwire::hub::queue_config c;
    c.seed = seed;
    c.max_delivery_count = max_deliveries;
    c.feedback.ttl = std::chrono::hours(48);
    c.feedback.max_queued_messages = 100'000;
    c.feedback.max_delivery_count = 100;
    c.on_end = [this](const hubwire::hub::end_event& e) { on_end(e); };
    auto r = hubwire::hub::queue::create(std::move(c));
    if (!r) throw std::runtime_error("bad config");
    return std::move(*r);
  }

  void fail(const std::string& what) {
    if (on_failure) on_failure(what + " (operation " + std::to_string(ops_) + ")");
  }

  // Held now: locked and the lock not yet run out (the model unlocks lazily, the
  // shadow by comparison).
  bool held(const shadow_msg& m) const { return !m.token.empty() && now_ < m.lock_until; }

  void on_end(const hubwire::hub::end_event& e) {
    using hubwire::hub::end_reason;
    if (e.when < last_end_) fail("outcomes out of time order");
    last_end_ = e.when;
    if (e.when > now_) fail("an outcome in the future");
    std::size_t d = 0;
    while (d < devices && device_id(d) != e.device_id) ++d;
    if (d == devices) fail("end for an unknown device");
    auto& list = shadow_[d];
    auto it = list.begin();
    while (it != list.end() && it->seq != e.message.sequence_number) ++it;
    if (it == list.end()) {
      fail("a message ended twice, or one never sent");
      return;
    }
    const shadow_msg& m = *it;
    switch (e.reason) {
      case end_reason::completed:
      case end_reason::rejected:
      case end_reason::purged:
        if (!expected_ || expected_->reason != e.reason || expected_->device != d ||
            (e.reason != end_reason::purged && expected_->seq != m.seq))
          fail("an outcome nobody asked for: " + std::string(to_string(e.reason)));
        break;
      case end_reason::expired:
        if (e.when != m.expiry) fail("expired at another instant than its expiry");
        break;
      case end_reason::delivery_count_exceeded:
        if (m.deliveries != max_deliveries) fail("dead-lettered before its last delivery");
        if (!(m.lock_until == e.when || (expected_ && expected_->device == d))) fail("dead-lettered while held");
        break;
      default: fail("unexpected end reason");
    }
    if (e.message.delivery_count.value_or(0) != m.deliveries) fail("delivery count differs at the end");
    if (wants(m.ack, e.reason)) {
      if (expected_records_.count(m.id)) fail("two records expected for one message");
      expected_records_[m.id] = {d, status_of(e.reason), e.when};
    }
    ++by_reason_[e.reason];
    ++ended_;
    list.erase(it);
  }

  // Section 9.1 written out again, on purpose not iothub::wants_feedback.
  static bool wants(hubwire::iothub::ack a, hubwire::hub::end_reason r) {
    using hubwire::iothub::ack;
    const bool positive = r == hubwire::hub::end_reason::completed;
    return a == ack::full || (a == ack::positive && positive) || (a == ack::negative && !positive);
  }
  static hubwire::iothub::feedback_status status_of(hubwire::hub::end_reason r) {
    using hubwire::hub::end_reason;
    using hubwire::iothub::feedback_status;
    switch (r) {
      case end_reason::completed: return feedback_status::success;
      case end_reason::rejected: return feedback_status::rejected;
      case end_reason::expired: return feedback_status::expired;
      case end_reason::delivery_count_exceeded: return feedback_status::delivery_count_exceeded;
      default: return feedback_status::purged;
    }
  }

  void send(source& in) {
    const std::size_t d = in.next(devices);
    hubwire::iothub::c2d_message m;
    m.message_id = std::to_string(++ids_);
    m.ack_requested = static_cast<hubwire::iothub::ack>(in.next(4));
    time_point expiry = now_ + std::chrono::hours(1);
    if (in.next(4) == 0) {
      expiry = now_ + std::chrono::seconds(1 + in.next(7200));
      m.expiry_time = expiry;
    }
    auto r = q_.send(device_id(d), m, now_);
    // The send's own catch-up runs first and may have freed room (expiry, and lock
    // expiry past the last delivery): judge fullness after it.
    const bool full_after = shadow_[d].size() >= hubwire::iothub::limits::max_queue_depth;
    if (!r) {
      if (r.error() != hubwire::iothub::errc::device_maximum_queue_depth_exceeded || !full_after)
        fail("send refused: " + r.error().message());
      ++refused_full_;
      return;
    }
    if (full_after) fail("51st message accepted");
    if (*r != next_seq_[d]) fail("sequence number not the next one");
    ++next_seq_[d];
    ++accepted_;
    shadow_[d].push_back({*r, *m.message_id, m.ack_requested, expiry});
  }

  void receive(source& in) {
    const std::size_t d = in.next(devices);
    const std::uint64_t owner = 1 + in.next(3);
    auto r = q_.receive(device_id(d), now_, owner);
    if (!r) {
      fail("receive failed");
      return;
    }
    shadow_msg* expect = nullptr;
    for (auto& m : shadow_[d])
      if (!held(m) && now_ < m.expiry) {
        expect = &m;
        break;
      }
    if (!*r) {
      if (expect) fail("receive gave nothing, a message was available");
      return;
    }
    const auto& got = **r;
    if (!expect || got.sequence_number != expect->seq) {
      fail("receive did not give the oldest available message");
      return;
    }
    if (!got.lock_token || got.lock_token->empty() || *got.lock_token == expect->token) fail("lock token not fresh");
    expect->deliveries++;
    if (got.delivery_count != expect->deliveries) fail("delivery count");
    if (expect->deliveries > max_deliveries) fail("delivered more than the maximum");
    if (got.message_id != expect->id) fail("message id");
    expect->token = *got.lock_token;
    expect->lock_until = now_ + std::chrono::seconds(60);
    expect->owner = owner;
  }

  void settle(source& in) {
    using hubwire::hub::end_reason;
    const std::size_t d = in.next(devices);
    auto& list = shadow_[d];
    std::vector<std::size_t> candidates; // every message ever locked, held or not
    for (std::size_t i = 0; i < list.size(); ++i)
      if (!list[i].token.empty()) candidates.push_back(i);
    const int kind = static_cast<int>(in.next(3)); // complete, reject, abandon
    std::string token = "not-a-token";
    shadow_msg* m = nullptr;
    if (!candidates.empty() && in.next(10) != 0) {
      m = &list[candidates[in.next(candidates.size())]];
      token = m->token;
    }
    const std::uint64_t seq = m ? m->seq : 0;
    const bool should_succeed = m && held(*m) && now_ < m->expiry;
    const end_reason reason = kind == 0 ? end_reason::completed : kind == 1 ? end_reason::rejected
                                                                            : end_reason::delivery_count_exceeded;
    if (should_succeed) expected_ = expected_end{d, seq, reason};
    const auto id = device_id(d);
    const auto ec = kind == 0 ? q_.complete(id, token, now_) : kind == 1 ? q_.reject(id, token, now_)
                                                                         : q_.abandon(id, token, now_);
    expected_.reset();
    if (should_succeed == bool(ec)) fail("settle: success differs from the shadow's: " + ec.message());
    if (ec && ec != hubwire::iothub::errc::device_message_lock_lost) fail("settle: wrong error");
    if (!should_succeed || kind != 2) return;
    for (auto& x : list)
      if (x.seq == seq) {
        if (x.deliveries >= max_deliveries) fail("abandoned on its last delivery but still queued");
        x.token.clear();
      }
  }

  void release(source& in) {
    using hubwire::hub::end_reason;
    const std::size_t d = in.next(devices);
    const std::uint64_t owner = 1 + in.next(3);
    std::size_t expect = 0;
    for (const auto& m : shadow_[d]) expect += held(m) && now_ < m.expiry && m.owner == owner;
    expected_ = expected_end{d, 0, end_reason::delivery_count_exceeded};
    auto n = q_.release(device_id(d), owner, now_);
    expected_.reset();
    if (!n || *n != expect) fail("release count");
    for (auto& m : shadow_[d])
      if (!m.token.empty() && m.owner == owner) m.token.clear();
  }

  void purge(source& in) {
    const std::size_t d = in.next(devices);
    q_.advance(now_); // so the count below is judged after time's own outcomes
    const std::size_t expect = shadow_[d].size();
    expected_ = expected_end{d, 0, hubwire::hub::end_reason::purged};
    auto n = q_.purge(device_id(d), now_);
    expected_.reset();
    if (!n || *n != expect || !shadow_[d].empty()) fail("purge count");
  }

  void advance(source& in) {
    const auto r = in.next(100);
    if (r < 94) now_ += std::chrono::milliseconds(in.next(5000));
    else if (r < 99) now_ += std::chrono::seconds(30 + in.next(90));
    else now_ += std::chrono::minutes(30 + in.next(90));
    q_.advance(now_);
  }

  void feedback(source& in) {
    auto fb = q_.receive_feedback(now_);
    if (!fb) return;
    if (in.next(10) == 0) {
      if (q_.abandon_feedback(fb->lock_token, now_)) fail("abandon_feedback");
      return;
    }
    if (q_.complete_feedback(fb->lock_token, now_)) fail("complete_feedback");
    take_records(*fb);
  }

  void drain_feedback() {
    while (auto fb = q_.receive_feedback(now_)) {
      if (q_.complete_feedback(fb->lock_token, now_)) fail("complete_feedback at the end");
      take_records(*fb);
    }
  }

  void take_records(const hubwire::hub::feedback_message& fb) {
    if (fb.records.empty()) fail("an empty feedback batch");
    for (const auto& rec : fb.records) {
      auto it = expected_records_.find(rec.original_message_id);
      if (it == expected_records_.end()) {
        fail("a feedback record not requested, or delivered twice");
        continue;
      }
      const auto& [d, status, when] = it->second;
      if (rec.status != status || rec.enqueued_time != when || rec.device_id != device_id(d) ||
          rec.device_generation_id != generation_[d])
        fail("feedback record fields");
      expected_records_.erase(it);
      ++records_delivered_;
    }
  }

  void check_metrics() {
    q_.advance(now_);
    const auto h = q_.metrics();
    std::size_t live = 0, invisible = 0;
    for (std::size_t d = 0; d < devices; ++d) {
      const auto m = q_.device_metrics(device_id(d));
      if (!m) fail("device_metrics");
      const std::size_t depth = m->enqueued + m->invisible;
      if (depth > hubwire::iothub::limits::max_queue_depth) fail("queue depth above 50");
      if (depth != shadow_[d].size()) fail("device depth differs from the shadow's");
      std::size_t held_here = 0;
      for (const auto& s : shadow_[d]) held_here += held(s);
      if (m->invisible != held_here) fail("invisible count differs from the shadow's");
      live += depth;
      invisible += m->invisible;
    }
    if (h.messages.enqueued + h.messages.invisible != live || h.messages.invisible != invisible)
      fail("hub gauges differ from the sum of devices");
    if (h.messages.totals.enqueued != accepted_ || h.messages.totals.ended() != ended_ ||
        accepted_ != ended_ + live)
      fail("accounting: a message lost or counted twice");
    const auto& f = h.feedback;
    if (f.records_generated != records_delivered_ + expected_records_.size())
      fail("feedback records generated differ from outcomes that asked for one");
    if (f.records_lost > expected_records_.size()) fail("more records lost than outstanding");
    if (f.records_generated != f.records_delivered + f.records_queued + f.records_pending + f.records_lost +
                                   f.records_dropped)
      fail("feedback record accounting");
  }

  struct expected_record {
    std::size_t device;
    hubwire::iothub::feedback_status status;
    time_point when;
  };

  time_point now_ = time_point(std::chrono::seconds(1'700'000'000));
  time_point last_end_{};
  hubwire::hub::queue q_;
  std::vector<std::vector<shadow_msg>> shadow_;
  std::vector<std::uint64_t> next_seq_;
  std::vector<std::string> generation_;
  std::map<std::string, expected_record> expected_records_;
  std::map<hubwire::hub::end_reason, std::uint64_t> by_reason_;
  std::optional<expected_end> expected_;
  std::uint64_t ops_ = 0, ids_ = 0, accepted_ = 0, ended_ = 0, records_delivered_ = 0,
                refused_full_ = 0;
  std::size_t profile_ = 0;
};

} // namespace hubwire_test_hub

#endif
