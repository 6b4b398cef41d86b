// A client engine and a server engine wired to each other in memory exchange 100,000
// messages (fewer under sanitizers) with random frame splits, random credit, random
// message sizes (some span several frames) and a small session window: every message
// arrives exactly once, intact, and every unsettled one is settled with the outcome
// the receiver chose.
#include "harness.hpp"

#include <hubwire_test/catch.hpp>

#include <random>

using namespace engine_test;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr std::uint32_t message_count = 20000;
#else
constexpr std::uint32_t message_count = 100000;
#endif

// Moves up to `budget` bytes from one engine to the other in random pieces.
std::size_t move_some(engine& from, engine& to, std::mt19937& rng, time_point now) {
  const auto out = from.output();
  if (out.empty()) return 0;
  std::uniform_int_distribution<std::size_t> piece(1, 3000);
  const std::size_t n = std::min(out.size(), piece(rng));
  const bytes chunk(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
  from.consume(n);
  to.put(chunk, now);
  return n;
}

bytes payload_for(std::uint32_t i, std::mt19937& rng) {
  std::uniform_int_distribution<int> big(0, 99);
  std::uniform_int_distribution<std::size_t> small(4, 300);
  const std::size_t size = big(rng) == 0 ? 9000 : small(rng); // 1 % span several frames
  bytes b(size);
  for (std::size_t k = 0; k < size; ++k) b[k] = static_cast<std::uint8_t>(i * 31 + k);
  for (int k = 0; k < 4; ++k) b[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(i >> (8 * k));
  return b;
}

} // namespace

TEST_CASE("in-memory pair: many messages, random splits and credit, each delivered once and settled") {
  std::mt19937 rng(20240607);
  connection_config cc;
  cc.container_id = "pair-client";
  cc.max_frame_size = 4096;
  cc.role = endpoint_role::client;
  connection_config sc;
  sc.container_id = "pair-server";
  sc.role = endpoint_role::server;
  sc.max_frame_size = 2048;
  sc.session.incoming_window = 8;
  sc.limits.max_unsettled = 512;
  sc.sasl_server.mechanisms = {"ANONYMOUS"};
  cc.sasl_client.mechanism = sasl_mechanism::anonymous;
  engine client(cc), server(sc);
  time_point now{};
  client.start(now);
  server.start(now);
  const session_id s = client.begin_session().value();
  const link_id tx = client.attach(s, {.name = "bulk", .role = role::sender, .target = "q"}).value();

  link_id rx = no_id;
  std::vector<std::uint8_t> seen(message_count, 0);
  std::vector<std::pair<link_id, std::uint32_t>> to_settle;
  std::uint32_t sent = 0, received = 0, settled_remote = 0, presettled = 0, unsettled_sent = 0;
  std::uint32_t rejected_seen = 0, rejected_chosen = 0;
  std::uniform_int_distribution<std::uint32_t> credit_dist(1, 64);
  std::uniform_int_distribution<int> coin(0, 9);
  std::size_t rounds = 0;
  event ev;

  while ((received < message_count || settled_remote < unsettled_sent) && rounds < 20 * message_count) {
    ++rounds;
    now += std::chrono::milliseconds(1);
    // sender: as much as credit and window allow, in a random burst
    for (int burst = coin(rng) + 1; burst > 0 && sent < message_count; --burst) {
      if (client.credit(tx) == 0) break;
      const bytes body = payload_for(sent, rng);
      const bool pre = coin(rng) == 0;
      const bytes tag{static_cast<std::uint8_t>(sent), static_cast<std::uint8_t>(sent >> 8),
                      static_cast<std::uint8_t>(sent >> 16)};
      auto id = client.send(tx, tag, body, pre);
      if (!id) {
        REQUIRE(id.error() == engine_errc::session_window_closed);
        break;
      }
      ++sent;
      if (pre) ++presettled;
      else ++unsettled_sent;
    }
    move_some(client, server, rng, now);
    while (server.poll(ev)) {
      switch (ev.kind) {
        case event_kind::link_attached:
          rx = ev.link;
          REQUIRE_FALSE(server.flow(rx, credit_dist(rng)));
          break;
        case event_kind::message: {
          REQUIRE(ev.payload.size() >= 4);
          std::uint32_t i = 0;
          for (int k = 0; k < 4; ++k) i |= std::uint32_t{ev.payload[static_cast<std::size_t>(k)]} << (8 * k);
          REQUIRE(i < message_count);
          REQUIRE(seen[i] == 0);
          seen[i] = 1;
          CHECK(ev.payload.size() >= 4);
          for (std::size_t k = 4; k < ev.payload.size(); ++k)
            if (ev.payload[k] != static_cast<std::uint8_t>(i * 31 + k)) FAIL("payload corrupted at message " << i);
          ++received;
          if (!ev.settled) to_settle.emplace_back(ev.link, ev.delivery_id);
          break;
        }
        case event_kind::connection_closed: FAIL("server closed: " << ev.ec.message()); break;
        default: break;
      }
    }
    // receiver: settle a random batch (in order or not), top up credit at random
    if (!to_settle.empty() && coin(rng) < 7) {
      std::shuffle(to_settle.begin(), to_settle.end(), rng);
      const std::size_t n = std::min<std::size_t>(to_settle.size(), credit_dist(rng));
      for (std::size_t k = 0; k < n; ++k) {
        const bool reject = coin(rng) == 0;
        if (reject) ++rejected_chosen;
        REQUIRE_FALSE(server.dispose(to_settle.back().first, to_settle.back().second,
                                     reject ? outcome::rejected(error_info{"amqp:internal-error", "test"})
                                            : outcome::accepted()));
        to_settle.pop_back();
      }
    }
    if (rx != no_id && server.credit(rx) == 0 && coin(rng) < 5) REQUIRE_FALSE(server.flow(rx, credit_dist(rng)));
    move_some(server, client, rng, now);
    while (client.poll(ev)) {
      if (ev.kind == event_kind::disposition) {
        REQUIRE(ev.settled);
        ++settled_remote;
        if (ev.state.kind == outcome_kind::rejected) ++rejected_seen;
        else REQUIRE(ev.state.kind == outcome_kind::accepted);
      }
      if (ev.kind == event_kind::connection_closed) FAIL("client closed: " << ev.ec.message());
    }
  }
  CHECK(sent == message_count);
  CHECK(received == message_count);
  CHECK(settled_remote == unsettled_sent);
  CHECK(rejected_seen == rejected_chosen);
  CHECK(presettled + unsettled_sent == message_count);
  CHECK(std::count(seen.begin(), seen.end(), 1) == message_count);
  INFO("rounds " << rounds);
  client.close();
  for (int i = 0; i < 100 && !(client.done() && server.done()); ++i) {
    move_some(client, server, rng, now);
    move_some(server, client, rng, now);
  }
  CHECK(client.done());
  CHECK(server.done());
  CHECK_FALSE(client.error());
}
