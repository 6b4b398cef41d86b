// The C2D lifecycle of iothub-protocol-facts.md section 8 (and the configuration of
// 8.2), one rule per test case, under virtual time.
#include "fixture.hpp"

#include <hubwire/hub/error.hpp>

#include <set>

using namespace hubwire_test_hub;
using hub::end_reason;

namespace {
// Text matching a pattern where '9' stands for a decimal digit, 'x' for a lower-case
// hex digit and 'y' for one of 8 9 a b (RFC 4122's variant 10xx); other characters
// stand for themselves. (std::regex trips g++ 12's -Wmaybe-uninitialized at -O1.)
bool shaped(std::string_view text, std::string_view pattern) {
  if (text.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool digit = c >= '0' && c <= '9';
    const bool hex = digit || (c >= 'a' && c <= 'f');
    switch (pattern[i]) {
      case '9': if (!digit) return false; break;
      case 'x': if (!hex) return false; break;
      case 'y': if (c != '8' && c != '9' && c != 'a' && c != 'b') return false; break;
      default: if (c != pattern[i]) return false;
    }
  }
  return true;
}
} // namespace

TEST_CASE("configuration: the documented ranges, both ends") {
  CHECK_FALSE(hub::validate({}));
  auto with = [](auto set) {
    hub::queue_config c;
    set(c);
    return hub::validate(c);
  };
  // 8.2: default TTL 1 min .. 2 days; maxDeliveryCount 1..100; queue depth 50 (7.5).
  CHECK(with([](auto& c) { c.max_queue_depth = 0; }) == hub::errc::bad_queue_depth);
  CHECK_FALSE(with([](auto& c) { c.max_queue_depth = 50; }));
  CHECK(with([](auto& c) { c.max_queue_depth = 51; }) == hub::errc::bad_queue_depth);
  CHECK(with([](auto& c) { c.default_ttl = 59s; }) == hub::errc::bad_default_ttl);
  CHECK_FALSE(with([](auto& c) { c.default_ttl = 1min; }));
  CHECK_FALSE(with([](auto& c) { c.default_ttl = 48h; }));
  CHECK(with([](auto& c) { c.default_ttl = 48h + 1ns; }) == hub::errc::bad_default_ttl);
  CHECK(with([](auto& c) { c.max_delivery_count = 0; }) == hub::errc::bad_max_delivery_count);
  CHECK_FALSE(with([](auto& c) { c.max_delivery_count = 1; }));
  CHECK_FALSE(with([](auto& c) { c.max_delivery_count = 100; }));
  CHECK(with([](auto& c) { c.max_delivery_count = 101; }) == hub::errc::bad_max_delivery_count);
  CHECK(with([](auto& c) { c.max_message_size = 64 * 1024 + 1; }) == hub::errc::bad_message_size_limit);
  // feedback: ttl 1 min .. 2 days, maxDeliveryCount 1..100, lock 5..300 s.
  CHECK(with([](auto& c) { c.feedback.ttl = 59s; }) == hub::errc::bad_feedback_ttl);
  CHECK_FALSE(with([](auto& c) { c.feedback.ttl = 48h; }));
  CHECK(with([](auto& c) { c.feedback.ttl = 49h; }) == hub::errc::bad_feedback_ttl);
  CHECK(with([](auto& c) { c.feedback.max_delivery_count = 0; }) == hub::errc::bad_feedback_max_delivery_count);
  CHECK(with([](auto& c) { c.feedback.max_delivery_count = 101; }) == hub::errc::bad_feedback_max_delivery_count);
  CHECK(with([](auto& c) { c.feedback.lock_duration = 4s; }) == hub::errc::bad_feedback_lock_duration);
  CHECK_FALSE(with([](auto& c) { c.feedback.lock_duration = 5s; }));
  CHECK_FALSE(with([](auto& c) { c.feedback.lock_duration = 300s; }));
  CHECK(with([](auto& c) { c.feedback.lock_duration = 301s; }) == hub::errc::bad_feedback_lock_duration);
  CHECK(with([](auto& c) { c.feedback.max_batch_records = 65; }) == hub::errc::bad_feedback_batch);
  CHECK(with([](auto& c) { c.feedback.batch_delay = 0s; }) == hub::errc::bad_feedback_batch);
  CHECK(with([](auto& c) { c.feedback.max_queued_messages = 0; }) == hub::errc::bad_feedback_queue_capacity);

  auto bad = hub::queue::create(hub::queue_config{.max_delivery_count = 0});
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == hub::errc::bad_max_delivery_count);
  CHECK(std::string(bad.error().category().name()) == "hubwire.hub");
}

TEST_CASE("registry: device ids, duplicates, generation ids, disabled devices") {
  hub_fixture f;
  CHECK(f.q.add_device("dev1", f.now()).error() == hub::errc::device_already_exists);
  CHECK(f.q.add_device("", f.now()).error() == hub::errc::invalid_device_id);
  CHECK(f.q.add_device(std::string(129, 'a'), f.now()).error() == hub::errc::invalid_device_id);
  CHECK(f.q.add_device("has space", f.now()).error() == hub::errc::invalid_device_id);
  CHECK(f.q.add_device("a/b", f.now()).error() == hub::errc::invalid_device_id);
  CHECK(f.q.add_device(std::string(128, 'a'), f.now()));
  CHECK(f.q.add_device("-:.+%_#*?!(),=@;$'", f.now())); // every punctuation mark 7.2 allows

  // Generation ids distinguish a re-created device (wire-details 7).
  const std::string first = f.q.find_device("dev1")->generation_id;
  REQUIRE_FALSE(f.q.remove_device("dev1", f.now()));
  CHECK(f.q.find_device("dev1") == nullptr);
  auto again = f.q.add_device("dev1", f.now());
  REQUIRE(again);
  CHECK(again->generation_id != first);
  CHECK(shaped(again->generation_id, "999999999999999999"));

  // 404001: unknown or disabled (protocol-facts 17.1).
  iothub::c2d_message m;
  CHECK(f.q.send("nobody", m, f.now()).error() == iothub::errc::device_not_found);
  REQUIRE_FALSE(f.q.set_enabled("dev1", false, f.now()));
  CHECK(f.q.send("dev1", m, f.now()).error() == iothub::errc::device_not_found);
  CHECK(f.q.receive("dev1", f.now()).error() == iothub::errc::device_not_found);
  REQUIRE_FALSE(f.q.set_enabled("dev1", true, f.now()));
  CHECK(f.q.send("dev1", m, f.now()));

  hub::queue_config small;
  small.max_devices = 1;
  hub_fixture g(small);
  CHECK(g.q.add_device("dev2", g.now()).error() == hub::errc::device_limit_reached);
}

TEST_CASE("send: the hub fills to, sequence number, enqueued time and expiry") {
  hub_fixture f;
  CHECK(f.send("a") == 1);
  CHECK(f.send("b") == 2);
  iothub::c2d_message own;
  own.expiry_time = f.now() + 5min; // ExpiryTimeUtc overrides the default TTL (8.3)
  own.to = "/devices/other/messages/devicebound"; // hub-set fields are the hub's
  own.sequence_number = 99;
  REQUIRE(f.q.send("dev1", own, f.now()));
  auto peeked = f.q.peek("dev1");
  REQUIRE(peeked);
  REQUIRE(peeked->size() == 3);
  const auto& a = (*peeked)[0];
  CHECK(a.to == "/devices/dev1/messages/devicebound");
  CHECK(a.sequence_number == 1u);
  CHECK(a.enqueued_time == f.now());
  CHECK(a.expiry_time == f.now() + 1h); // default TTL 1 h
  CHECK((*peeked)[2].expiry_time == f.now() + 5min);
  CHECK((*peeked)[2].sequence_number == 3u);
  CHECK((*peeked)[2].to == "/devices/dev1/messages/devicebound");
}

TEST_CASE("send: the 50th message is accepted, the 51st fails with 403004") {
  hub_fixture f;
  for (int i = 1; i <= 50; ++i) f.send("m" + std::to_string(i));
  iothub::c2d_message m;
  auto r = f.q.send("dev1", m, f.now());
  REQUIRE_FALSE(r);
  CHECK(r.error() == iothub::errc::device_maximum_queue_depth_exceeded);
  CHECK(f.dm().enqueued == 50);
  // Invisible messages are still pending: locking one frees nothing...
  auto first = f.receive();
  CHECK(f.q.send("dev1", m, f.now()).error() == iothub::errc::device_maximum_queue_depth_exceeded);
  // ...completing it does.
  REQUIRE_FALSE(f.q.complete("dev1", *first.lock_token, f.now()));
  CHECK(f.q.send("dev1", m, f.now()));
  CHECK(f.q.send("dev1", m, f.now()).error() == iothub::errc::device_maximum_queue_depth_exceeded);

  hub::queue_config lower;
  lower.max_queue_depth = 2; // the user may lower the bound
  hub_fixture g(lower);
  g.send("x");
  g.send("y");
  CHECK(g.q.send("dev1", m, g.now()).error() == iothub::errc::device_maximum_queue_depth_exceeded);
}

TEST_CASE("send: size limit 64 KiB and message id rules") {
  hub_fixture f;
  iothub::c2d_message m;
  m.body.assign(64 * 1024 - 3, 'x');
  m.message_id = "abc"; // the id counts toward the size (7.5)
  CHECK(f.q.send("dev1", m, f.now()));
  m.message_id = "abcd";
  CHECK(f.q.send("dev1", m, f.now()).error() == iothub::errc::message_too_large);
  m.body.clear();
  m.properties.push_back({"k", std::string(64 * 1024, 'v')});
  CHECK(f.q.send("dev1", m, f.now()).error() == iothub::errc::message_too_large);
  m.properties.clear();
  m.message_id = "has space";
  CHECK(f.q.send("dev1", m, f.now()).error() == iothub::errc::invalid_message);
  m.message_id = std::string(129, 'a');
  CHECK(f.q.send("dev1", m, f.now()).error() == iothub::errc::invalid_message);
}

TEST_CASE("receive: Invisible with a fresh UUID lock token and the delivery count") {
  hub_fixture f;
  f.send("a");
  f.send("b");
  auto a = f.receive();
  CHECK(a.message_id == "a");
  CHECK(a.delivery_count == 1u);
  REQUIRE(a.lock_token);
  // A version-4 UUID in its text form (RFC 4122 section 3 and 4.4).
  CHECK(shaped(*a.lock_token, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"));
  CHECK_FALSE(shaped("0123456789", "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"));
  CHECK(a.sequence_number == 1u);
  CHECK(a.to == "/devices/dev1/messages/devicebound");
  // Another thread of the device receives the next message, not the locked one.
  auto b = f.receive();
  CHECK(b.message_id == "b");
  CHECK(*b.lock_token != *a.lock_token);
  CHECK(f.queue_empty_for_receive());
  CHECK(f.dm().invisible == 2);
  CHECK(f.dm().enqueued == 0);

  REQUIRE_FALSE(f.q.abandon("dev1", *a.lock_token, f.now()));
  auto a2 = f.receive();
  CHECK(a2.message_id == "a");
  CHECK(a2.delivery_count == 2u);
  CHECK(*a2.lock_token != *a.lock_token); // fresh per delivery
  // The old token no longer settles anything.
  CHECK(f.q.complete("dev1", *a.lock_token, f.now()) == iothub::errc::device_message_lock_lost);
  CHECK(f.q.reject("dev1", *a.lock_token, f.now()) == iothub::errc::device_message_lock_lost);
  CHECK(f.q.abandon("dev1", *a.lock_token, f.now()) == iothub::errc::device_message_lock_lost);
  CHECK(f.dm().invisible == 2); // and the failed calls changed nothing
}

TEST_CASE("lock tokens are reproducible from the seed") {
  hub_fixture f, g;
  f.send("a");
  g.send("a");
  CHECK(f.receive().lock_token == g.receive().lock_token);
  hub::queue_config other;
  other.seed = 7;
  hub_fixture h(other);
  h.send("a");
  f.send("a");
  CHECK(h.receive().lock_token != f.receive().lock_token);
}

TEST_CASE("complete: Completed and removed, unknown tokens fail with 412002") {
  hub_fixture f;
  f.send("a");
  f.send("b", iothub::ack::none);
  auto a = f.receive();
  CHECK(f.q.complete("dev1", "00000000-0000-4000-8000-000000000000", f.now()) ==
        iothub::errc::device_message_lock_lost);
  REQUIRE_FALSE(f.q.complete("dev1", *a.lock_token, f.now()));
  CHECK(f.reasons == std::vector{end_reason::completed});
  CHECK(f.ended_ids == std::vector<std::string>{"a"});
  CHECK(f.q.complete("dev1", *a.lock_token, f.now()) == iothub::errc::device_message_lock_lost);
  CHECK(f.q.complete("nobody", *a.lock_token, f.now()) == iothub::errc::device_not_found);
  // A token is only good for the device it was given to.
  REQUIRE(f.q.add_device("dev2", f.now()));
  f.send("c", iothub::ack::none, "dev2");
  auto c = f.receive("dev2");
  CHECK(f.q.complete("dev1", *c.lock_token, f.now()) == iothub::errc::device_message_lock_lost);
  auto m = f.dm();
  CHECK(m.totals.completed == 1);
  CHECK(m.enqueued == 1);
  CHECK(m.invisible == 0);
}

TEST_CASE("reject: dead-lettered, never delivered again") {
  hub_fixture f;
  f.send("a");
  auto a = f.receive();
  REQUIRE_FALSE(f.q.reject("dev1", *a.lock_token, f.now()));
  CHECK(f.reasons == std::vector{end_reason::rejected});
  CHECK(f.queue_empty_for_receive());
  CHECK(f.dm().totals.rejected == 1);
  CHECK(f.q.reject("dev1", *a.lock_token, f.now()) == iothub::errc::device_message_lock_lost);
}

TEST_CASE("order: enqueue order, and a returned message goes back to the front") {
  // Our reading (peek_lock_queue.hpp): abandon makes the hub "immediately try to resend"
  // the message, so it keeps its place ahead of later messages.
  hub_fixture f;
  f.send("1");
  f.send("2");
  f.send("3");
  auto one = f.receive();
  REQUIRE_FALSE(f.q.abandon("dev1", *one.lock_token, f.now()));
  CHECK(f.receive().message_id == "1");
  CHECK(f.receive().message_id == "2");
  // A lock that expires also puts the message back in front of later ones.
  f.clock.advance(60s);
  f.send("4");
  CHECK(f.receive().message_id == "1");
  CHECK(f.receive().message_id == "2");
  CHECK(f.receive().message_id == "3");
  CHECK(f.receive().message_id == "4");
}

TEST_CASE("lock time-out: valid until just before 60 s, lost at exactly 60 s") {
  hub_fixture f;
  f.send("a");
  auto a = f.receive();
  f.clock.advance(60s - 1ns);
  REQUIRE_FALSE(f.q.complete("dev1", *a.lock_token, f.now()));

  f.send("b");
  auto b = f.receive();
  f.clock.advance(60s);
  // Completing after the lock expired: 412002, and the message is Enqueued again (8.1).
  CHECK(f.q.complete("dev1", *b.lock_token, f.now()) == iothub::errc::device_message_lock_lost);
  CHECK(f.dm().enqueued == 1);
  CHECK(f.dm().totals.lock_expired == 1);
  auto b2 = f.receive();
  CHECK(b2.message_id == "b");
  CHECK(b2.delivery_count == 2u);
  CHECK(*b2.lock_token != *b.lock_token);
}

TEST_CASE("delivery count: the 10th delivery happens, its failure dead-letters") {
  hub_fixture f;
  f.send("a", iothub::ack::negative);
  for (std::uint32_t n = 1; n <= 9; ++n) {
    auto a = f.receive();
    CHECK(a.delivery_count == n);
    REQUIRE_FALSE(f.q.abandon("dev1", *a.lock_token, f.now()));
  }
  auto tenth = f.receive();
  CHECK(tenth.delivery_count == 10u);
  CHECK(f.reasons.empty());
  REQUIRE_FALSE(f.q.abandon("dev1", *tenth.lock_token, f.now()));
  CHECK(f.reasons == std::vector{end_reason::delivery_count_exceeded});
  CHECK(f.queue_empty_for_receive());
  CHECK(f.dm().totals.delivery_count_exceeded == 1);
  CHECK(f.dm().totals.abandoned == 10);

  SECTION("a lock expiry ends a delivery too, and counts") {
    f.send("b");
    for (int n = 1; n <= 10; ++n) {
      f.receive();
      f.clock.advance(60s);
    }
    f.q.advance(f.now());
    CHECK(f.reasons.size() == 2);
    CHECK(f.reasons.back() == end_reason::delivery_count_exceeded);
    CHECK(f.end_times.back() == f.now()); // stamped with the instant the 10th lock ran out
    CHECK(f.queue_empty_for_receive());
  }
  SECTION("completing the 10th delivery still succeeds") {
    f.send("c");
    for (int n = 1; n <= 9; ++n) REQUIRE_FALSE(f.q.abandon("dev1", *f.receive().lock_token, f.now()));
    REQUIRE_FALSE(f.q.complete("dev1", *f.receive().lock_token, f.now()));
    CHECK(f.reasons.back() == end_reason::completed);
  }
  SECTION("max delivery count 1: one failed delivery dead-letters") {
    hub::queue_config c;
    c.max_delivery_count = 1;
    hub_fixture g(c);
    g.send("d");
    REQUIRE_FALSE(g.q.abandon("dev1", *g.receive().lock_token, g.now()));
    CHECK(g.reasons == std::vector{end_reason::delivery_count_exceeded});
  }
}

TEST_CASE("expiry: delivered just before the instant, dead-lettered at exactly it") {
  hub_fixture f;
  iothub::c2d_message m;
  m.message_id = "a";
  m.expiry_time = f.now() + 10min;
  REQUIRE(f.q.send("dev1", m, f.now()));
  const auto t0 = f.now();
  f.clock.advance(10min - 1ns);
  auto a = f.receive();
  CHECK(a.message_id == "a");
  REQUIRE_FALSE(f.q.abandon("dev1", *a.lock_token, f.now()));
  f.clock.advance(1ns);
  CHECK(f.queue_empty_for_receive());
  CHECK(f.reasons == std::vector{end_reason::expired});
  CHECK(f.end_times == std::vector{t0 + 10min});

  SECTION("the default TTL, 1 h") {
    f.send("b");
    f.clock.advance(1h - 1ns);
    CHECK(f.dm().enqueued == 1);
    f.q.advance(f.now() + 1ns); // time alone expires it, no device call needed
    CHECK(f.dm().enqueued == 0);
    CHECK(f.reasons.back() == end_reason::expired);
  }
  SECTION("an expiry already past when sent: accepted, expired at once") {
    m.expiry_time = f.now() - 1h;
    m.message_id = "late";
    REQUIRE(f.q.send("dev1", m, f.now()));
    CHECK(f.reasons.back() == end_reason::expired);
    CHECK(f.end_times.back() == f.now());
  }
  SECTION("an expiry beyond the 2-day retention is cut to it") {
    m.expiry_time = f.now() + 72h;
    m.message_id = "far";
    REQUIRE(f.q.send("dev1", m, f.now()));
    CHECK(f.q.peek("dev1")->back().expiry_time == f.now() + 48h);
  }
}

TEST_CASE("expiry while Invisible: dead-lettered, the lock is lost") {
  hub_fixture f;
  iothub::c2d_message m;
  m.message_id = "a";
  m.expiry_time = f.now() + 30s;
  REQUIRE(f.q.send("dev1", m, f.now()));
  auto a = f.receive();
  f.clock.advance(30s); // lock would last until 60 s
  CHECK(f.q.complete("dev1", *a.lock_token, f.now()) == iothub::errc::device_message_lock_lost);
  CHECK(f.reasons == std::vector{end_reason::expired});
  CHECK(f.dm().invisible == 0);
  CHECK(f.dm().totals.expired == 1);
}

TEST_CASE("lock expiry and message expiry at the same instant: expired") {
  hub_fixture f;
  iothub::c2d_message m;
  m.expiry_time = f.now() + 60s;
  REQUIRE(f.q.send("dev1", m, f.now()));
  f.receive();
  f.clock.advance(60s);
  f.q.advance(f.now());
  CHECK(f.reasons == std::vector{end_reason::expired});
  CHECK(f.dm().totals.lock_expired == 0);
}

TEST_CASE("purge: removes Enqueued and Invisible messages") {
  hub_fixture f;
  f.send("a");
  f.send("b");
  f.send("c");
  auto a = f.receive();
  auto n = f.q.purge("dev1", f.now());
  REQUIRE(n);
  CHECK(*n == 3);
  CHECK(f.reasons == std::vector{end_reason::purged, end_reason::purged, end_reason::purged});
  CHECK(f.ended_ids == std::vector<std::string>{"a", "b", "c"});
  CHECK(f.queue_empty_for_receive());
  CHECK(f.q.complete("dev1", *a.lock_token, f.now()) == iothub::errc::device_message_lock_lost);
  CHECK(*f.q.purge("dev1", f.now()) == 0);
  CHECK(f.q.purge("nobody", f.now()).error() == iothub::errc::device_not_found);
  // Sequence numbers continue: they are unique per device queue.
  CHECK(f.send("d") == 4);
}

TEST_CASE("MQTT: PUBACK completes, a disconnect before PUBACK returns the message") {
  hub_fixture f;
  f.send("a");
  f.send("b");
  f.send("c");
  const std::uint64_t session = 7, other = 8;
  auto a = f.receive("dev1", session);
  auto b = f.receive("dev1", session);
  auto c = f.receive("dev1", other);
  REQUIRE_FALSE(f.q.complete("dev1", *a.lock_token, f.now())); // PUBACK for a
  auto released = f.q.release("dev1", session, f.now());        // connection lost
  REQUIRE(released);
  CHECK(*released == 1);
  CHECK(f.dm().totals.released == 1);
  CHECK(f.dm().invisible == 1); // c, held by the other session
  auto b2 = f.receive("dev1", other + 1);  // reconnect: b comes again, before anything newer
  CHECK(b2.message_id == "b");
  CHECK(b2.delivery_count == 2u);
  CHECK(f.q.complete("dev1", *b.lock_token, f.now()) == iothub::errc::device_message_lock_lost);
  REQUIRE_FALSE(f.q.complete("dev1", *c.lock_token, f.now()));
  CHECK(f.reasons == std::vector{end_reason::completed, end_reason::completed});
}

TEST_CASE("deleting a device ends its messages and frees its id") {
  hub_fixture f;
  f.send("a");
  f.send("b");
  f.receive();
  REQUIRE_FALSE(f.q.remove_device("dev1", f.now()));
  CHECK(f.reasons == std::vector{end_reason::device_removed, end_reason::device_removed});
  CHECK(f.q.remove_device("dev1", f.now()) == iothub::errc::device_not_found);
  REQUIRE(f.q.add_device("dev1", f.now()));
  CHECK(f.send("c") == 1); // a new device, a new queue
  auto hm = f.q.metrics();
  CHECK(hm.messages.totals.removed == 2); // history survives the deletion
  CHECK(hm.messages.totals.enqueued == 3);
  CHECK(hm.messages.enqueued == 1);
}

TEST_CASE("metrics: per state, per device and hub-wide") {
  hub_fixture f;
  REQUIRE(f.q.add_device("dev2", f.now()));
  f.send("a");
  f.send("b");
  f.send("c", iothub::ack::none, "dev2");
  f.receive();
  auto d1 = f.dm("dev1");
  CHECK(d1.enqueued == 1);
  CHECK(d1.invisible == 1);
  CHECK(d1.totals.deliveries == 1);
  auto d2 = f.dm("dev2");
  CHECK(d2.enqueued == 1);
  CHECK(d2.invisible == 0);
  auto h = f.q.metrics();
  CHECK(h.devices == 2);
  CHECK(h.messages.enqueued == 2);
  CHECK(h.messages.invisible == 1);
  CHECK(h.messages.totals.enqueued == 3);
  CHECK(h.messages.totals.deliveries == 1);
  CHECK(f.q.device_metrics("nobody").error() == iothub::errc::device_not_found);
}

TEST_CASE("memory: bounded by the configuration, whatever the traffic") {
  // The worst case for the timer heap: every new message expires before all earlier
  // ones, so each send schedules an earlier deadline, and purges make room for more,
  // while virtual time stands still.
  hub_fixture f;
  REQUIRE(f.q.add_device("dev2", f.now()));
  for (int i = 0; i < 20'000; ++i) {
    iothub::c2d_message m;
    m.expiry_time = f.now() + 48h - std::chrono::seconds(i);
    const char* dev = i % 2 ? "dev1" : "dev2";
    REQUIRE(f.q.send(dev, m, f.now()));
    if (i % 40 >= 38) REQUIRE(f.q.purge(dev, f.now()));
    const auto h = f.q.metrics();
    REQUIRE(h.timers <= 2 * (2 + 1) + 64 + 1);
    REQUIRE(h.messages.enqueued + h.messages.invisible <= 2 * 50);
  }
  // A service that never reads feedback: the feedback queue stops at its bound.
  hub::queue_config c;
  c.feedback.max_batch_records = 1;
  c.feedback.max_queued_messages = 3;
  hub_fixture g(c);
  for (int i = 0; i < 10; ++i) {
    g.send("m" + std::to_string(i), iothub::ack::positive);
    REQUIRE_FALSE(g.q.complete("dev1", *g.receive().lock_token, g.now()));
  }
  const auto fm = g.q.metrics().feedback;
  CHECK(fm.messages.enqueued == 3);
  CHECK(fm.records_lost == 7);
}

TEST_CASE("time never runs backwards and next_deadline says when to come back") {
  hub_fixture f;
  CHECK(f.q.next_deadline() == iothub::time_point::max());
  f.send("a");
  CHECK(f.q.next_deadline() == f.now() + 1h);
  auto a = f.receive();
  CHECK(f.q.next_deadline() == f.now() + 60s);
  f.clock.advance(60s);
  f.q.advance(f.now());
  // A call that claims an earlier time does not resurrect the lock.
  CHECK(f.q.complete("dev1", *a.lock_token, f.now() - 30s) == iothub::errc::device_message_lock_lost);
  CHECK(f.dm().enqueued == 1);
}
