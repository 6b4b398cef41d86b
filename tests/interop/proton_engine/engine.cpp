// hubwire's AMQP engine against qpid-proton (Debian python3-qpid-proton, container
// API, run with /usr/bin/python3), over a plain socket loop on 127.0.0.1:
//  - as a client of a proton broker: SASL ANONYMOUS, receive N messages with credit
//    and settle them with each outcome (proton reports what it saw), send N and read
//    proton's outcomes, multi-frame messages both ways with max-frame-size 512,
//    idle time-out heartbeats both ways, a detach with an error;
//  - as a server: a proton client authenticates with SASL PLAIN, sends N messages
//    (hubwire accepts and rejects them) and receives N.
#include "driver.hpp"

#include <hubwire/amqp/cbs.hpp>

#include <hubwire_test/catch.hpp>
#include <hubwire_test/process.hpp>

#include <fstream>
#include <sstream>
#include <thread>

using namespace engine_interop;
using namespace std::chrono_literals;

namespace {

struct broker {
  std::uint16_t port = hubwire_test::free_port();
  hubwire_test::process proc;
  explicit broker(std::vector<std::string> extra = {})
      : proc(args(port, std::move(extra)), std::string(HUBWIRE_BINARY_DIR) + "/proton_engine_broker.log") {
    if (!proc.wait_for_port(port)) throw std::runtime_error("proton broker did not start");
  }
  static std::vector<std::string> args(std::uint16_t port, std::vector<std::string> extra) {
    std::vector<std::string> a{"/usr/bin/python3", HUBWIRE_PROTON_ENGINE_PEER, std::to_string(port)};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

connection_config client_config(std::uint32_t max_frame = 64 * 1024, std::uint32_t idle = 0) {
  connection_config c;
  c.role = endpoint_role::client;
  c.container_id = "hubwire-client";
  c.hostname = "127.0.0.1";
  c.max_frame_size = max_frame;
  c.idle_time_out = idle;
  c.sasl_client.mechanism = sasl_mechanism::anonymous;
  return c;
}

std::string body_text(const event& ev) {
  message m;
  REQUIRE_FALSE(decode_message(ev.payload, m));
  value v;
  message_body::reader r(m.body);
  REQUIRE(r.next(v));
  return std::string(v.type() == kind::binary ? hubwire::core::as_chars(v.bytes()) : v.str());
}

// What the broker saw on this connection, from its "report" link.
std::string report(driver& d, session_id s) {
  const std::size_t before = d.count(event_kind::message);
  auto l = d.e.attach(s, {.name = "report", .role = role::receiver, .source = "report", .initial_credit = 1});
  REQUIRE(l);
  REQUIRE(d.run_until([&] { return d.count(event_kind::message) > before; }, 5s));
  return body_text(*d.last(event_kind::message));
}

outcome outcome_for(std::uint32_t i) {
  switch (i % 4) {
    case 0: return outcome::accepted();
    case 1: return outcome::rejected(error_info{"amqp:internal-error", "rejected by hubwire"});
    case 2: return outcome::released();
    default: return outcome::modified(true, true);
  }
}

} // namespace

TEST_CASE("client: SASL ANONYMOUS, receive N with credit, settle each with every outcome") {
  broker b;
  engine e(client_config());
  driver d(connect_to(b.port), e);
  const session_id s = e.begin_session().value();
  const link_id rx = e.attach(s, {.name = "gen", .role = role::receiver, .source = "gen/20/100", .initial_credit = 3}).value();
  std::uint32_t got = 0;
  std::vector<std::int64_t> order;
  d.on_event = [&](const event& ev) {
    if (ev.kind == event_kind::message && ev.link == rx) {
      message m;
      REQUIRE_FALSE(decode_message(ev.payload, m));
      const auto body = m.body.single_data();
      REQUIRE(body);
      const auto i = property_i(m);
      order.push_back(i);
      REQUIRE(body->size() == 100);
      for (std::size_t k = 0; k < body->size(); ++k) REQUIRE((*body)[k] == static_cast<std::uint8_t>((i * 7 + static_cast<std::int64_t>(k)) % 256));
      REQUIRE_FALSE(e.dispose(rx, ev.delivery_id, outcome_for(got)));
      ++got;
      if (e.credit(rx) == 0 && got < 20) REQUIRE_FALSE(e.flow(rx, 3)); // credit in small steps
    }
  };
  REQUIRE(d.run_until([&] { return got == 20; }, 10s));
  REQUIRE(d.last(event_kind::sasl_done));
  CHECK(d.last(event_kind::sasl_done)->sasl == sasl_code::ok);
  CHECK(e.opened());
  for (std::int64_t i = 0; i < 20; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
  d.on_event = nullptr;
  const std::string r = report(d, s);
  std::string want = "dispositions=";
  for (std::uint32_t i = 0; i < 20; ++i) {
    if (i) want += ",";
    want += i % 4 == 0 ? "accepted" : i % 4 == 1 ? "rejected:amqp:internal-error" : i % 4 == 2 ? "released" : "modified:True:True";
  }
  CHECK(r.substr(0, r.find(';')) == want);
  e.close();
  CHECK(d.run_until([&] { return e.done(); }, 5s));
  CHECK_FALSE(e.error());
}

TEST_CASE("client: send N and read proton's outcomes") {
  broker b;
  engine e(client_config());
  driver d(connect_to(b.port), e);
  const session_id s = e.begin_session().value();
  const link_id tx = e.attach(s, {.name = "sink", .role = role::sender, .target = "sink"}).value();
  const auto outcomes =
      d.send_all(tx, 12, [](std::uint8_t k) { return make_message(hubwire::core::as_bytes("payload"), k); }, 10s);
  REQUIRE(outcomes.size() == 12);
  for (std::size_t k = 0; k < outcomes.size(); ++k) {
    const event& ev = outcomes[k];
    CHECK(ev.settled);
    CHECK(ev.tag == bytes{static_cast<std::uint8_t>(k)});
    switch (k % 4) {
      case 0: CHECK(ev.state.kind == outcome_kind::accepted); break;
      case 1:
        CHECK(ev.state.kind == outcome_kind::rejected);
        REQUIRE(ev.state.error);
        CHECK(ev.state.error->condition == "amqp:precondition-failed");
        CHECK(ev.state.error->description == "odd one");
        break;
      case 2: CHECK(ev.state.kind == outcome_kind::released); break;
      default:
        CHECK(ev.state.kind == outcome_kind::modified);
        CHECK(ev.state.delivery_failed);
        CHECK(ev.state.undeliverable_here);
    }
  }
  e.close();
  CHECK(d.run_until([&] { return e.done(); }, 5s));
}

TEST_CASE("client: multi-frame messages both ways with max-frame-size 512") {
  broker b({"512"});
  engine e(client_config(512));
  driver d(connect_to(b.port), e);
  const session_id s = e.begin_session().value();
  const link_id rx = e.attach(s, {.name = "gen", .role = role::receiver, .source = "gen/3/5000", .credit_window = 10}).value();
  const link_id tx = e.attach(s, {.name = "sink", .role = role::sender, .target = "sink"}).value();
  REQUIRE(d.run_until([&] { return d.count(event_kind::message) == 3 && e.credit(tx) > 0; }, 10s));
  CHECK(e.remote_max_frame_size() == 512);
  std::int64_t i = 0;
  for (const auto& ev : d.events) {
    if (ev.kind != event_kind::message) continue;
    message m;
    REQUIRE_FALSE(decode_message(ev.payload, m));
    CHECK(property_i(m) == i);
    REQUIRE(m.body.single_data());
    CHECK(m.body.single_data()->size() == 5000);
    CHECK(ev.payload.size() > 5000);
    REQUIRE_FALSE(e.dispose(rx, ev.delivery_id, outcome::accepted()));
    ++i;
  }
  bytes big(5000);
  for (std::size_t k = 0; k < big.size(); ++k) big[k] = static_cast<std::uint8_t>(k * 13);
  for (std::int32_t k = 0; k < 3; ++k) REQUIRE(e.send(tx, bytes{1, static_cast<std::uint8_t>(k)}, make_message(big, k * 4)));
  REQUIRE(d.run_until([&] { return d.count(event_kind::disposition) == 3; }, 10s));
  for (const auto& ev : d.events)
    if (ev.kind == event_kind::disposition) CHECK(ev.state.kind == outcome_kind::accepted);
  const std::string r = report(d, s);
  CHECK(r.find("sink=0,4,8;sizes=5000,5000,5000") != std::string::npos);
}

TEST_CASE("client: idle time-out heartbeats both ways keep an idle connection open") {
  broker b({"0", "1.0"}); // proton closes a connection silent for 1 s
  engine e(client_config(64 * 1024, 1000)); // and so do we
  driver d(connect_to(b.port), e);
  REQUIRE(d.run_until([&] { return e.opened(); }, 5s));
  CHECK(e.remote_idle_time_out() > 0);
  const std::size_t before = d.bytes_in;
  // 3 s with nothing to say: only heartbeats flow
  CHECK_FALSE(d.run_until([&] { return d.last(event_kind::connection_closed) != nullptr; }, 3000ms));
  CHECK(d.bytes_in - before >= 8 * 3); // proton's empty frames, at least one per second
  CHECK_FALSE(e.done());
  e.close();
  CHECK(d.run_until([&] { return e.done(); }, 5s));
  CHECK_FALSE(e.error());
}

TEST_CASE("client: the broker detaches a link with an error") {
  broker b;
  engine e(client_config());
  driver d(connect_to(b.port), e);
  const session_id s = e.begin_session().value();
  const link_id l = e.attach(s, {.name = "nowhere", .role = role::receiver, .source = "detach-me", .initial_credit = 1}).value();
  REQUIRE(d.run_until([&] { return d.last(event_kind::link_detached) != nullptr; }, 5s));
  const event* ev = d.last(event_kind::link_detached);
  CHECK(ev->link == l);
  CHECK(ev->closed);
  CHECK(ev->ec == engine_errc::remote_error);
  REQUIRE(ev->error);
  CHECK(ev->error->condition == "amqp:not-found");
  CHECK(ev->error->description == "no such node");
  CHECK_FALSE(e.info(l)); // our answering detach freed it
  e.close();
  CHECK(d.run_until([&] { return e.done(); }, 5s));
}

TEST_CASE("server: a proton client authenticates with PLAIN, sends and receives through the engine") {
  std::uint16_t port = 0;
  const int lfd = listen_on(port);
  const std::string log = std::string(HUBWIRE_BINARY_DIR) + "/proton_engine_client.log";
  hubwire_test::process client({"/usr/bin/python3", HUBWIRE_PROTON_ENGINE_PEER, "client", std::to_string(port), "10",
                                "dev1@sas.hub", "secret-token"},
                               log);
  pollfd p{lfd, POLLIN, 0};
  REQUIRE(::poll(&p, 1, 10000) == 1);
  const int fd = ::accept(lfd, nullptr, nullptr);
  ::close(lfd);
  connection_config c;
  c.role = endpoint_role::server;
  c.container_id = "hubwire-server";
  c.sasl_server.mechanisms = {"PLAIN", "ANONYMOUS"};
  std::string seen;
  c.sasl_server.validate = [&](const sasl_request& r, std::string& identity) {
    seen = std::string(r.mechanism) + ":" + std::string(hubwire::core::as_chars(r.response));
    identity = "dev1";
    return r.response.size() > 1 && hubwire::core::as_chars(r.response).ends_with(std::string_view("secret-token"))
               ? sasl_code::ok
               : sasl_code::auth;
  };
  engine e(c);
  driver d(fd, e);
  link_id in = no_id, out = no_id;
  std::int32_t sent = 0, received = 0;
  d.on_event = [&](const event& ev) {
    if (ev.kind == event_kind::link_attached) {
      const auto info = e.info(ev.link);
      REQUIRE(info);
      if (info->role == role::receiver) {
        CHECK(info->target == "in");
        in = ev.link;
        REQUIRE_FALSE(e.flow(in, 4));
      } else {
        CHECK(info->source == "out");
        out = ev.link;
      }
    }
    if (ev.kind == event_kind::message && ev.link == in) {
      message m;
      REQUIRE_FALSE(decode_message(ev.payload, m));
      const auto i = property_i(m);
      CHECK(i == received);
      CHECK(hubwire::core::as_chars(*m.body.single_data()) == "message " + std::to_string(i));
      REQUIRE_FALSE(e.dispose(in, ev.delivery_id,
                              i % 2 ? outcome::rejected(error_info{"amqp:precondition-failed", "odd"}) : outcome::accepted()));
      ++received;
      if (e.credit(in) == 0) REQUIRE_FALSE(e.flow(in, 4));
    }
    if (out != no_id && (ev.kind == event_kind::credit || ev.kind == event_kind::link_attached)) {
      while (sent < 10 && e.credit(out) > 0) {
        const std::string body = "out " + std::to_string(sent);
        REQUIRE(e.send(out, bytes{static_cast<std::uint8_t>(sent)}, make_message(hubwire::core::as_bytes(body), sent)));
        ++sent;
      }
    }
  };
  REQUIRE(d.run_until([&] { return d.last(event_kind::connection_closed) != nullptr; }, 15s));
  CHECK(seen == std::string("PLAIN:\0dev1@sas.hub\0secret-token", 32));
  CHECK_FALSE(d.last(event_kind::connection_closed)->ec);
  CHECK(received == 10);
  CHECK(sent == 10);
  CHECK(d.count(event_kind::disposition) == 10); // proton accepted what we sent
  d.run_until([&] { return e.done(); }, 2s);
  std::string line;
  for (int i = 0; i < 100 && line.empty(); ++i) {
    std::ifstream f(log);
    std::getline(f, line);
    if (line.empty()) std::this_thread::sleep_for(50ms);
  }
  CHECK(line == "sent=10 received=10 in_order=True outcomes=accepted:5,rejected:5");
}

TEST_CASE("cbs: put-token requests answered by a proton peer") {
  broker b;
  connection_config c = client_config();
  c.sasl_client.mechanism = sasl_mechanism::anonymous; // MSSBCBS is IoT Hub's; proton offers ANONYMOUS
  engine e(c);
  driver d(connect_to(b.port), e);
  const session_id s = e.begin_session().value();
  cbs_client cbs(e, s, {.reply_to = "cbs-replies"});
  std::vector<cbs_event> got;
  d.on_event = [&](const event& ev) { cbs.on_event(ev, steady::now()); };
  REQUIRE(d.run_until([&] { return cbs.ready(); }, 5s));
  for (int i = 0; i < 8; ++i) {
    const std::string aud = "127.0.0.1/devices/dev" + std::to_string(i);
    REQUIRE_FALSE(cbs.put_token(aud, i == 5 ? "bogus" : "SharedAccessSignature sr=" + aud + "&sig=x&se=1", 3600s, steady::now()));
  }
  REQUIRE(d.run_until([&] {
    cbs_event ev;
    while (cbs.poll(ev)) got.push_back(ev);
    return got.size() == 8;
  }, 10s));
  for (const auto& ev : got) {
    const bool bad = ev.audience.ends_with("dev5");
    CHECK(ev.kind == (bad ? cbs_event::refused : cbs_event::accepted));
    CHECK(ev.status == (bad ? 401 : 200));
    CHECK(ev.description == (bad ? "unauthorized" : "OK"));
    if (!bad) CHECK(cbs.renewal(ev.audience));
  }
  e.close();
  CHECK(d.run_until([&] { return e.done(); }, 5s));
}
