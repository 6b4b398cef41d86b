#ifndef HUBWIRE_TESTS_UNIT_HUB_FIXTURE_HPP
#define HUBWIRE_TESTS_UNIT_HUB_FIXTURE_HPP

// A hub with one device "dev1" under virtual time, and shorthands for the calls the
// rule tests repeat. Every expected value in the tests is written from the docs, never
// computed by the model's own helpers.

#include <hubwire/hub/queue.hpp>
#include <hubwire/test/manual_clock.hpp>

#include <hubwire_test/catch.hpp>

#include <string>
#include <vector>

namespace hubwire_test_hub {

using namespace std::chrono_literals;
namespace hub = hubwire::hub;
namespace iothub = hubwire::iothub;

struct hub_fixture {
  hubwire::test::manual_clock clock;
  // What the on_end hook reported, in order.
  std::vector<hub::end_reason> reasons;
  std::vector<std::string> ended_ids;
  std::vector<iothub::time_point> end_times;
  hub::queue q;

  explicit hub_fixture(hub::queue_config cfg = {}) : q(make(std::move(cfg), this)) {
    REQUIRE(q.add_device("dev1", now()));
  }

  static hub::queue make(hub::queue_config cfg, hub_fixture* self) {
    if (!cfg.seed) cfg.seed = 42;
    cfg.on_end = [self](const hub::end_event& e) {
      self->reasons.push_back(e.reason);
      self->ended_ids.push_back(e.message.message_id.value_or(""));
      self->end_times.push_back(e.when);
    };
    auto r = hub::queue::create(std::move(cfg));
    REQUIRE(r);
    return std::move(*r);
  }

  iothub::time_point now() const { return clock.now(); }

  std::uint64_t send(std::string id, iothub::ack a = iothub::ack::none, std::string_view device = "dev1") {
    iothub::c2d_message m;
    m.body = "body of " + id;
    m.message_id = std::move(id);
    m.ack_requested = a;
    auto r = q.send(device, std::move(m), now());
    REQUIRE(r);
    return *r;
  }

  iothub::c2d_message receive(std::string_view device = "dev1", std::uint64_t owner = 0) {
    auto r = q.receive(device, now(), owner);
    REQUIRE(r);
    REQUIRE(r->has_value());
    return **r;
  }

  bool queue_empty_for_receive(std::string_view device = "dev1") {
    auto r = q.receive(device, now());
    REQUIRE(r);
    return !r->has_value();
  }

  hub::lifecycle_metrics dm(std::string_view device = "dev1") {
    auto r = q.device_metrics(device);
    REQUIRE(r);
    return *r;
  }

  // Every feedback record the service can read now, completing each batch.
  std::vector<iothub::feedback_record> drain_feedback() {
    std::vector<iothub::feedback_record> out;
    while (auto f = q.receive_feedback(now())) {
      out.insert(out.end(), f->records.begin(), f->records.end());
      REQUIRE_FALSE(q.complete_feedback(f->lock_token, now()));
    }
    return out;
  }
};

} // namespace hubwire_test_hub

#endif
