// CBS over an in-memory engine pair: put-token requests from cbs_client answered by
// cbs_server's validation callback, many audiences on one connection, the renewal
// schedule (80 % of the lifetime minus jitter) and retries with back-off under
// virtual time, and requests that are never answered.
#include "harness.hpp"

#include <hubwire/amqp/cbs.hpp>
#include <hubwire_test/catch.hpp>

#include <set>

using namespace engine_test;

namespace {

struct cbs_pair {
  pair p;
  session_id s;
  cbs_client client;
  cbs_server server;
  struct seen_request { std::string operation, type, audience, token; std::optional<timestamp> expiration; };
  std::vector<seen_request> seen; // copies: a request's views die with its frame
  std::vector<cbs_event> got;

  explicit cbs_pair(cbs_config cfg = {})
      : p(connection_config{.container_id = "device"}, connection_config{.container_id = "hub"}),
        s(p.client.begin_session().value()), client(p.client, s, std::move(cfg)),
        server(p.server, [this](const cbs_request& r) {
          seen.push_back({std::string(r.operation), std::string(r.type), std::string(r.audience), std::string(r.token), r.expiration});
          if (r.token == "SharedAccessSignature sr=" + std::string(r.audience)) return cbs_status{200, "OK"};
          return cbs_status{401, "unauthorized"};
        }) {}

  // Moves bytes and events until both sides are quiet.
  void run() {
    for (int i = 0; i < 100; ++i) {
      p.pump();
      bool any = false;
      for (auto& ev : p.se.all) any |= server.on_event(ev) || true;
      p.se.clear();
      for (auto& ev : p.ce.all) {
        client.on_event(ev, p.now);
        any = true;
      }
      p.ce.clear();
      cbs_event e;
      while (client.poll(e)) got.push_back(e);
      if (!any && p.client.output().empty() && p.server.output().empty()) return;
    }
  }
  void at(time_point t) {
    p.now = t;
    client.tick(t);
    run();
  }
};

} // namespace

TEST_CASE("cbs: put-token for many audiences, accepted and refused, answered by correlation-id") {
  cbs_pair c;
  c.run();
  REQUIRE(c.client.ready());
  for (int i = 0; i < 100; ++i) {
    const std::string aud = "hub.example/devices/d" + std::to_string(i);
    const std::string token = i % 10 == 9 ? "wrong" : "SharedAccessSignature sr=" + aud;
    REQUIRE_FALSE(c.client.put_token(aud, token, std::chrono::hours(1), c.p.now, timestamp{1700000000000 + i}));
  }
  c.run();
  REQUIRE(c.seen.size() == 100);
  CHECK(c.seen[3].operation == "put-token");
  CHECK(c.seen[3].type == "servicebus.windows.net:sastoken");
  CHECK(c.seen[3].audience == "hub.example/devices/d3");
  CHECK(c.seen[3].expiration == std::optional<timestamp>(timestamp{1700000000003}));
  REQUIRE(c.got.size() == 100);
  std::size_t ok = 0, refused = 0;
  for (const auto& e : c.got) {
    const int i = std::stoi(e.audience.substr(e.audience.rfind("/d") + 2));
    if (i % 10 == 9) {
      CHECK(e.kind == cbs_event::refused);
      CHECK(e.status == 401);
      CHECK(e.description == "unauthorized");
      ++refused;
    } else {
      CHECK(e.kind == cbs_event::accepted);
      CHECK(e.status == 200);
      ++ok;
    }
  }
  CHECK(ok == 90);
  CHECK(refused == 10);
  CHECK(c.client.pending() == 0);
}

TEST_CASE("cbs: renewal at 80 % of the lifetime minus jitter, retries back off") {
  cbs_config cfg;
  cfg.max_jitter = std::chrono::seconds(60);
  cbs_pair c(cfg);
  c.run();
  const time_point t0 = c.p.now;
  for (int i = 0; i < 20; ++i) {
    const std::string aud = "hub/devices/d" + std::to_string(i);
    REQUIRE_FALSE(c.client.put_token(aud, "SharedAccessSignature sr=" + aud, std::chrono::seconds(3600), t0));
  }
  REQUIRE_FALSE(c.client.put_token("hub/devices/bad", "nope", std::chrono::seconds(3600), t0));
  c.run();
  std::set<time_point> distinct;
  for (int i = 0; i < 20; ++i) {
    const auto due = c.client.renewal("hub/devices/d" + std::to_string(i));
    REQUIRE(due);
    CHECK(*due <= t0 + std::chrono::seconds(2880));
    CHECK(*due >= t0 + std::chrono::seconds(2820));
    distinct.insert(*due);
  }
  CHECK(distinct.size() > 10); // the jitter spreads them
  // the refused one is retried after 2 s, then 4 s
  REQUIRE(c.client.renewal("hub/devices/bad"));
  CHECK(*c.client.renewal("hub/devices/bad") == t0 + std::chrono::seconds(2));
  c.got.clear();
  c.at(t0 + std::chrono::seconds(2));
  REQUIRE(c.got.size() == 1);
  CHECK(c.got[0].kind == cbs_event::refused);
  CHECK(*c.client.renewal("hub/devices/bad") == t0 + std::chrono::seconds(6));
  // the earliest deadline is the retry; then the renewals come due one by one
  CHECK(*c.client.deadline() == t0 + std::chrono::seconds(6));
  REQUIRE_FALSE(c.client.put_token("hub/devices/bad", "SharedAccessSignature sr=hub/devices/bad", std::chrono::seconds(3600), c.p.now));
  c.got.clear();
  c.run();
  REQUIRE(c.got.size() == 1);
  CHECK(c.got[0].kind == cbs_event::accepted);
  c.got.clear();
  c.at(t0 + std::chrono::seconds(2819));
  CHECK(c.got.empty());
  c.at(t0 + std::chrono::seconds(2880));
  std::size_t due = 0;
  for (const auto& e : c.got) {
    CHECK(e.kind == cbs_event::renew_due);
    due += e.audience.find("/d") != std::string::npos && e.audience != "hub/devices/bad";
  }
  CHECK(due == 20);
  // renewing with a fresh token re-arms the schedule from now
  REQUIRE_FALSE(c.client.put_token("hub/devices/d0", "SharedAccessSignature sr=hub/devices/d0", std::chrono::seconds(3600), c.p.now));
  c.run();
  CHECK(*c.client.renewal("hub/devices/d0") >= c.p.now + std::chrono::seconds(2820));
}

TEST_CASE("cbs: a request never answered times out and is retried") {
  pair p(connection_config{.container_id = "device"}, connection_config{.container_id = "silent-hub"});
  const session_id s = p.client.begin_session().value();
  cbs_client client(p.client, s, {});
  p.pump();
  // the peer grants credit on its receiver but never answers
  for (auto& ev : p.se.all)
    if (ev.kind == event_kind::link_attached && p.server.info(ev.link)->role == role::receiver)
      REQUIRE_FALSE(p.server.flow(ev.link, 10));
  p.pump();
  for (auto& ev : p.ce.all) client.on_event(ev, p.now);
  REQUIRE_FALSE(client.put_token("hub/devices/x", "t", std::chrono::seconds(3600), p.now));
  p.pump();
  CHECK(p.se.of(event_kind::message).size() == 1);
  CHECK(*client.deadline() == p.now + std::chrono::seconds(30));
  client.tick(p.now + std::chrono::seconds(30));
  cbs_event e;
  REQUIRE(client.poll(e));
  CHECK(e.kind == cbs_event::timed_out);
  CHECK(*client.renewal("hub/devices/x") == p.now + std::chrono::seconds(32));
  client.tick(p.now + std::chrono::seconds(32));
  p.pump();
  CHECK(p.se.of(event_kind::message).size() == 2); // sent again
}
