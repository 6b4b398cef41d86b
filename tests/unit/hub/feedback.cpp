// Feedback (iothub-protocol-facts.md section 9, wire-details 3.4): which outcomes
// produce a record for each iothub-ack value, the record's fields, batching, and the
// feedback queue's own lock, delivery count and TTL.
#include "fixture.hpp"

#include <optional>

using namespace hubwire_test_hub;
using iothub::ack;
using iothub::feedback_status;

namespace {

enum class outcome { complete, reject, expire, delivery_count, purge };

// Drives message "m" to the outcome; returns the instant the outcome happened.
iothub::time_point drive(hub_fixture& f, outcome o) {
  switch (o) {
    case outcome::complete: REQUIRE_FALSE(f.q.complete("dev1", *f.receive().lock_token, f.now())); break;
    case outcome::reject: REQUIRE_FALSE(f.q.reject("dev1", *f.receive().lock_token, f.now())); break;
    case outcome::expire: f.clock.advance(1h); f.q.advance(f.now()); break;
    case outcome::delivery_count:
      for (int i = 0; i < 10; ++i) REQUIRE_FALSE(f.q.abandon("dev1", *f.receive().lock_token, f.now()));
      break;
    case outcome::purge: REQUIRE(f.q.purge("dev1", f.now())); break;
  }
  return f.now();
}

} // namespace

TEST_CASE("feedback: which ack value gets a record for which outcome") {
  // The table of section 9.1, written out: positive = Completed, negative = dead
  // lettered (expired, max delivery count, rejected), full = both; purge reports
  // Purged (8.1), which feedback_record.hpp files under negative.
  struct row {
    ack a;
    outcome o;
    std::optional<feedback_status> expected;
  };
  const row table[] = {
      {ack::none, outcome::complete, std::nullopt},
      {ack::none, outcome::reject, std::nullopt},
      {ack::none, outcome::expire, std::nullopt},
      {ack::none, outcome::delivery_count, std::nullopt},
      {ack::none, outcome::purge, std::nullopt},
      {ack::positive, outcome::complete, feedback_status::success},
      {ack::positive, outcome::reject, std::nullopt},
      {ack::positive, outcome::expire, std::nullopt},
      {ack::positive, outcome::delivery_count, std::nullopt},
      {ack::positive, outcome::purge, std::nullopt},
      {ack::negative, outcome::complete, std::nullopt},
      {ack::negative, outcome::reject, feedback_status::rejected},
      {ack::negative, outcome::expire, feedback_status::expired},
      {ack::negative, outcome::delivery_count, feedback_status::delivery_count_exceeded},
      {ack::negative, outcome::purge, feedback_status::purged},
      {ack::full, outcome::complete, feedback_status::success},
      {ack::full, outcome::reject, feedback_status::rejected},
      {ack::full, outcome::expire, feedback_status::expired},
      {ack::full, outcome::delivery_count, feedback_status::delivery_count_exceeded},
      {ack::full, outcome::purge, feedback_status::purged},
  };
  for (const auto& r : table) {
    INFO("ack " << iothub::to_string(r.a) << ", outcome " << static_cast<int>(r.o));
    hub_fixture f;
    f.clock.advance(5s);
    f.send("m", r.a);
    const auto when = drive(f, r.o);
    f.clock.advance(15s);
    const auto records = f.drain_feedback();
    if (!r.expected) {
      CHECK(records.empty());
      CHECK(f.q.metrics().feedback.records_generated == 0);
      continue;
    }
    REQUIRE(records.size() == 1);
    const auto& rec = records[0];
    CHECK(rec.status == *r.expected);
    CHECK(rec.original_message_id == "m");
    CHECK(rec.device_id == "dev1");
    CHECK(rec.device_generation_id == f.q.find_device("dev1")->generation_id);
    CHECK(rec.enqueued_time == when); // "when the outcome happened"
    // 9.3 / wire-details 3.4: the description repeats the status name.
    const char* names[] = {"Success", "Expired", "DeliveryCountExceeded", "Rejected", "Purged"};
    CHECK(rec.description == names[static_cast<int>(*r.expected)]);
  }
}

TEST_CASE("feedback: a batch closes at 64 records or 15 s after its first record") {
  hub::queue_config c;
  hub_fixture f(c);
  REQUIRE(f.q.add_device("dev2", f.now()));
  for (int i = 0; i < 50; ++i) {
    f.send("a" + std::to_string(i), ack::negative);
    f.send("b" + std::to_string(i), ack::negative, "dev2");
  }
  REQUIRE(f.q.purge("dev1", f.now()));
  f.clock.advance(1s);
  REQUIRE(f.q.purge("dev2", f.now())); // 100 records: 64 close a batch at once
  auto first = f.q.receive_feedback(f.now());
  REQUIRE(first);
  CHECK(first->records.size() == 64);
  CHECK(first->records.front().original_message_id == "a0");
  CHECK(first->records.back().original_message_id == "b13");
  CHECK(first->enqueued_time == f.now());
  CHECK(first->expiry_time == f.now() + 1h); // feedback TTL default 1 h
  CHECK(first->delivery_count == 1u);
  CHECK_FALSE(f.q.receive_feedback(f.now())); // the other 36 wait
  CHECK(f.q.metrics().feedback.records_pending == 36);
  const auto t1 = f.now();
  f.clock.set(t1 + 15s - 1ns);
  CHECK_FALSE(f.q.receive_feedback(f.now()));
  f.clock.set(t1 + 15s);
  auto second = f.q.receive_feedback(f.now());
  REQUIRE(second);
  CHECK(second->records.size() == 36);
  CHECK(second->enqueued_time == t1 + 15s);
  CHECK(second->sequence_number == first->sequence_number + 1);

  SECTION("a smaller batch size, as the user may set") {
    hub::queue_config small;
    small.feedback.max_batch_records = 1;
    hub_fixture g(small);
    g.send("x", ack::positive);
    REQUIRE_FALSE(g.q.complete("dev1", *g.receive().lock_token, g.now()));
    auto fb = g.q.receive_feedback(g.now());
    REQUIRE(fb);
    CHECK(fb->records.size() == 1);
  }
}

TEST_CASE("feedback queue: its own lock, abandon, delivery count and TTL") {
  hub::queue_config c;
  c.feedback.max_batch_records = 1;
  c.feedback.lock_duration = 30s;
  c.feedback.max_delivery_count = 3;
  c.feedback.ttl = 10min;
  hub_fixture f(c);
  f.send("m", ack::positive);
  REQUIRE_FALSE(f.q.complete("dev1", *f.receive().lock_token, f.now()));

  auto fb = f.q.receive_feedback(f.now());
  REQUIRE(fb);
  CHECK_FALSE(f.q.receive_feedback(f.now())); // locked
  REQUIRE_FALSE(f.q.abandon_feedback(fb->lock_token, f.now()));
  auto again = f.q.receive_feedback(f.now());
  REQUIRE(again);
  CHECK(again->delivery_count == 2u);
  CHECK(again->records == fb->records);
  CHECK(again->lock_token != fb->lock_token);
  CHECK(f.q.complete_feedback(fb->lock_token, f.now()) == iothub::errc::device_message_lock_lost);

  SECTION("lock lost at exactly the lock duration") {
    f.clock.advance(30s);
    CHECK(f.q.complete_feedback(again->lock_token, f.now()) == iothub::errc::device_message_lock_lost);
    auto third = f.q.receive_feedback(f.now());
    REQUIRE(third);
    CHECK(third->delivery_count == 3u);
    f.clock.advance(29s);
    REQUIRE_FALSE(f.q.complete_feedback(third->lock_token, f.now()));
    auto m = f.q.metrics().feedback;
    CHECK(m.records_delivered == 1);
    CHECK(m.records_lost == 0);
    CHECK(m.messages.totals.completed == 1);
  }
  SECTION("max delivery count: the batch is dropped") {
    REQUIRE_FALSE(f.q.abandon_feedback(again->lock_token, f.now()));
    auto third = f.q.receive_feedback(f.now());
    REQUIRE(third);
    REQUIRE_FALSE(f.q.abandon_feedback(third->lock_token, f.now()));
    CHECK_FALSE(f.q.receive_feedback(f.now()));
    auto m = f.q.metrics().feedback;
    CHECK(m.records_lost == 1);
    CHECK(m.messages.totals.delivery_count_exceeded == 1);
  }
  SECTION("TTL: the batch expires unread") {
    REQUIRE_FALSE(f.q.abandon_feedback(again->lock_token, f.now()));
    f.clock.advance(10min);
    CHECK_FALSE(f.q.receive_feedback(f.now()));
    auto m = f.q.metrics().feedback;
    CHECK(m.records_lost == 1);
    CHECK(m.messages.totals.expired == 1);
  }
}

TEST_CASE("feedback queue: bounded, the oldest batch makes room") {
  hub::queue_config c;
  c.feedback.max_batch_records = 1;
  c.feedback.max_queued_messages = 2;
  hub_fixture f(c);
  for (const char* id : {"1", "2", "3"}) {
    f.send(id, ack::positive);
    REQUIRE_FALSE(f.q.complete("dev1", *f.receive().lock_token, f.now()));
  }
  const auto records = f.drain_feedback();
  REQUIRE(records.size() == 2);
  CHECK(records[0].original_message_id == "2");
  CHECK(records[1].original_message_id == "3");
  auto m = f.q.metrics().feedback;
  CHECK(m.records_lost == 1);
  CHECK(m.messages.totals.removed == 1);
  CHECK(m.records_generated == 3);
}

TEST_CASE("feedback: deleting a device drops its records not yet batched") {
  hub_fixture f;
  REQUIRE(f.q.add_device("dev2", f.now()));
  f.send("a", ack::positive);
  f.send("b", ack::positive, "dev2");
  REQUIRE_FALSE(f.q.complete("dev1", *f.receive().lock_token, f.now()));
  REQUIRE_FALSE(f.q.complete("dev2", *f.receive("dev2").lock_token, f.now()));
  f.send("c", ack::positive); // pending, not delivered: device_removed gives no feedback
  REQUIRE_FALSE(f.q.remove_device("dev1", f.now()));
  f.clock.advance(15s);
  const auto records = f.drain_feedback();
  REQUIRE(records.size() == 1);
  CHECK(records[0].device_id == "dev2");
  CHECK(f.q.metrics().feedback.records_dropped == 1);
}
