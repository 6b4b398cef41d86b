// hubwire's AMQP engine as a SASL PLAIN client of rhea (npm; the AMQP library of the Node
// IoT SDK), over the plain socket loop of tests/interop/proton_engine/driver.hpp. Debian's
// qpid-proton has no Cyrus SASL, so a proton server cannot check PLAIN; rhea can.
// peer.js offers PLAIN only and accepts one user and password, here IoT Hub's forms:
// "{device}@sas.{hub}" and "{policy}@sas.root.{hub}" with a SAS token made by
// auth::sas_token::make. What rhea saw is read from its log.
#include "../proton_engine/driver.hpp"

#include <hubwire/auth/sas.hpp>

#include <hubwire_test/catch.hpp>
#include <hubwire_test/process.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

using namespace engine_interop;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view hub_host = "hubwire-test.azure-devices.net";
constexpr std::string_view device_user = "dev1@sas.hubwire-test";
constexpr std::string_view key = "aHVid2lyZSBpbnRlcm9wIGtleSAxMjM0NTY3ODkw"; // any base64

std::string device_token() {
  const auto expiry = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + std::chrono::hours(1);
  auto t = hubwire::auth::sas_token::make(std::string(hub_host) + "/devices/dev1", key, "", expiry);
  REQUIRE(t);
  return *t;
}

// rhea on a free port, accepting one user/password; sends `count` messages per receiver link.
struct rhea_peer {
  std::uint16_t port = hubwire_test::free_port();
  std::string log = std::string(HUBWIRE_BINARY_DIR) + "/rhea_peer_" + std::to_string(port) + ".log";
  std::optional<hubwire_test::process> proc;

  rhea_peer(std::string_view user, std::string_view password, int count, std::string mode = "deferred") {
    proc.emplace(std::vector<std::string>{HUBWIRE_NODE_EXECUTABLE, HUBWIRE_RHEA_PEER, std::to_string(port), std::string(user),
                                          std::string(password), std::to_string(count), std::move(mode)},
                 log);
    if (!proc->wait_for_port(port)) FAIL("rhea did not start:\n" << hubwire_test::read_file(log));
  }
  ~rhea_peer() {
    proc.reset(); // stopped by PID
    std::remove(log.c_str());
  }

  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(hubwire_test::read_file(log));
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  std::vector<std::string> lines_with(std::string_view prefix) const {
    std::vector<std::string> hits;
    for (auto& l : lines())
      if (l.starts_with(prefix)) hits.push_back(std::move(l));
    return hits;
  }
  // Waits until rhea has printed `n` lines starting with `prefix`; returns all of them.
  std::vector<std::string> said(std::string_view prefix, std::size_t n = 1, std::chrono::milliseconds timeout = 10s) const {
    const auto end = steady::now() + timeout;
    auto hits = lines_with(prefix);
    while (hits.size() < n && steady::now() < end) {
      std::this_thread::sleep_for(20ms);
      hits = lines_with(prefix);
    }
    if (hits.size() < n) UNSCOPED_INFO("rhea log:\n" << hubwire_test::read_file(log));
    return hits;
  }
};

connection_config plain_config(std::string_view user, std::string_view password) {
  connection_config c;
  c.role = endpoint_role::client;
  c.container_id = "hubwire-device";
  c.hostname = std::string(hub_host);
  c.sasl_client.mechanism = sasl_mechanism::plain;
  c.sasl_client.username = std::string(user);
  c.sasl_client.password = std::string(password);
  return c;
}

} // namespace

TEST_CASE("PLAIN {device}@sas.{hub} with a SAS token: open, receive N, settle accepted") {
  const std::string token = device_token();
  REQUIRE(token.starts_with("SharedAccessSignature sr=hubwire-test.azure-devices.net%2Fdevices%2Fdev1&sig="));
  rhea_peer peer(device_user, token, 5);
  engine e(plain_config(device_user, token));
  driver d(connect_to(peer.port), e);
  const session_id s = e.begin_session().value();
  const link_id rx = e.attach(s, {.name = "c2d", .role = role::receiver, .source = "/devices/dev1/messages/devicebound",
                                  .credit_window = 2}).value();
  std::vector<std::string> bodies;
  std::vector<std::int64_t> props;
  d.on_event = [&](const event& ev) {
    if (ev.kind != event_kind::message || ev.link != rx) return;
    message m;
    REQUIRE_FALSE(decode_message(ev.payload, m));
    const auto body = m.body.single_data();
    REQUIRE(body);
    bodies.emplace_back(hubwire::core::as_chars(*body));
    props.push_back(property_i(m));
    CHECK(ev.tag == bytes{static_cast<std::uint8_t>(bodies.size() - 1)});
    REQUIRE_FALSE(e.dispose(rx, ev.delivery_id, outcome::accepted()));
  };
  REQUIRE(d.run_until([&] { return bodies.size() == 5; }, 10s));

  const event* sasl = d.last(event_kind::sasl_done);
  REQUIRE(sasl);
  CHECK(sasl->sasl == sasl_code::ok);
  CHECK(sasl->text == "PLAIN");
  CHECK(e.opened());
  CHECK(e.remote_container_id() == "rhea-peer");
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(bodies[i] == "c2d " + std::to_string(i));
    CHECK(props[i] == static_cast<std::int64_t>(i));
  }
  // rhea's PLAIN callback got exactly our user name and token, and the open carried the hub host.
  CHECK(peer.said("sasl ") == std::vector<std::string>{"sasl user=" + std::string(device_user) + " ok=true"});
  CHECK(peer.said("open ") == std::vector<std::string>{"open user=" + std::string(device_user) + " host=" + std::string(hub_host)});
  // Our dispositions go out while the engine runs: run it until rhea has them all.
  CHECK(d.run_until([&] { return peer.lines_with("accepted ").size() == 5; }, 10s));
  const auto accepted = peer.said("accepted ", 5);
  CHECK(accepted == std::vector<std::string>{"accepted 0", "accepted 1", "accepted 2", "accepted 3", "accepted 4"});
  CHECK(peer.said("sent ", 5).size() == 5);
  CHECK(peer.lines_with("error").empty());

  e.close();
  CHECK(d.run_until([&] { return e.done(); }, 5s));
  CHECK_FALSE(e.error());
}

TEST_CASE("PLAIN with a wrong password: sasl_auth_failed, no open sent, nothing hangs") {
  const std::string token = device_token();
  rhea_peer peer(device_user, token, 1);
  const std::string wrong = token.substr(0, token.size() - 1) + (token.back() == 'A' ? "B" : "A");
  engine e(plain_config(device_user, wrong));
  driver d(connect_to(peer.port), e);
  // Operations queued before the outcome must not reach the wire either.
  const session_id s = e.begin_session().value();
  REQUIRE(e.attach(s, {.name = "c2d", .role = role::receiver, .source = "x", .initial_credit = 1}));
  const auto t0 = steady::now();
  REQUIRE(d.run_until([&] { return e.done(); }, 5s));
  CHECK(steady::now() - t0 < 2s);

  const event* sasl = d.last(event_kind::sasl_done);
  REQUIRE(sasl);
  CHECK(sasl->sasl == sasl_code::auth);
  CHECK(e.error() == engine_errc::sasl_auth_failed);
  const event* closed = d.last(event_kind::connection_closed);
  REQUIRE(closed);
  CHECK(closed->ec == engine_errc::sasl_auth_failed);
  CHECK_FALSE(e.opened());
  CHECK(d.count(event_kind::connection_opened) == 0);
  CHECK(d.count(event_kind::session_begun) == 0);

  // All that went out: the SASL header and the sasl-init with our user and the wrong token.
  bytes resp{0};
  resp.insert(resp.end(), device_user.begin(), device_user.end());
  resp.push_back(0);
  resp.insert(resp.end(), wrong.begin(), wrong.end());
  sasl_init init{symbol{"PLAIN"}, binary{resp}, std::nullopt};
  init.hostname = hub_host;
  bytes init_frame;
  write_sasl_frame(init_frame, init);
  CHECK(d.bytes_out == 8 + init_frame.size());

  CHECK(peer.said("sasl ") == std::vector<std::string>{"sasl user=" + std::string(device_user) + " ok=false"});
  std::this_thread::sleep_for(200ms); // rhea would have logged an open or a protocol error by now
  CHECK(peer.lines_with("open ").empty());
  CHECK(peer.lines_with("error").empty());
  // Ensure the action loop also says done, with the same code (what a layer-3 loop sees).
  const action a = e.resume(steady::now());
  CHECK(a.kind == action::done);
  CHECK(a.ec == engine_errc::sasl_auth_failed);
}

TEST_CASE("PLAIN {policy}@sas.root.{hub}: send N, rhea accepts each") {
  const auto expiry = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + std::chrono::hours(1);
  const auto token = hubwire::auth::sas_token::make(hub_host, key, "service", expiry);
  REQUIRE(token);
  const std::string user = "service@sas.root.hubwire-test";
  rhea_peer peer(user, *token, 0);
  engine e(plain_config(user, *token));
  driver d(connect_to(peer.port), e);
  const session_id s = e.begin_session().value();
  const link_id tx = e.attach(s, {.name = "c2d-send", .role = role::sender, .target = "/messages/devicebound"}).value();
  const auto outcomes = d.send_all(
      tx, 8,
      [](std::uint8_t k) { return make_message(hubwire::core::as_bytes("payload " + std::to_string(k)), k); }, 10s);
  REQUIRE(outcomes.size() == 8);
  for (std::size_t k = 0; k < outcomes.size(); ++k) {
    CHECK(outcomes[k].settled);
    CHECK(outcomes[k].state.kind == outcome_kind::accepted);
    CHECK(outcomes[k].tag == bytes{static_cast<std::uint8_t>(k)});
  }
  CHECK(peer.said("open ") == std::vector<std::string>{"open user=" + user + " host=" + std::string(hub_host)});
  const auto received = peer.said("received ", 8);
  REQUIRE(received.size() == 8);
  for (std::size_t k = 0; k < 8; ++k)
    CHECK(received[k] == "received i=" + std::to_string(k) + " body=payload " + std::to_string(k));
  e.close();
  CHECK(d.run_until([&] { return e.done(); }, 5s));
  CHECK_FALSE(e.error());
}

// rhea 3.0.5 writes transfers it queued on a new sender link before the link's attach when
// the client's attach and flow arrive together (Session._process: outgoing transfers, then
// the links). Part 2, 2.7.5 / 2.8.17: a transfer on a handle the peer has not attached ends
// the session with amqp:session:unattached-handle. The engine does that, and rhea receives it.
TEST_CASE("rhea sending ahead of its own attach: the session ends with unattached-handle") {
  const std::string token = device_token();
  rhea_peer peer(device_user, token, 2, "eager");
  engine e(plain_config(device_user, token));
  driver d(connect_to(peer.port), e);
  const session_id s = e.begin_session().value();
  REQUIRE(e.attach(s, {.name = "c2d", .role = role::receiver, .source = "x", .initial_credit = 2}));
  REQUIRE(d.run_until([&] { return d.count(event_kind::session_ended) > 0; }, 10s));
  const event* ended = d.last(event_kind::session_ended);
  CHECK(ended->session == s);
  CHECK(ended->ec == engine_errc::unattached_handle);
  REQUIRE(ended->error);
  CHECK(ended->error->condition == "amqp:session:unattached-handle");
  CHECK(d.count(event_kind::message) == 0);
  CHECK(d.count(event_kind::link_attached) == 0);
  // The connection itself stays up, and rhea got our end with its reason.
  CHECK(e.opened());
  CHECK_FALSE(e.error());
  CHECK(d.run_until([&] { return !peer.lines_with("error").empty(); }, 5s));
  CHECK(peer.lines_with("error") == std::vector<std::string>{"error error transfer on an unattached handle"});
  e.close();
  CHECK(d.run_until([&] { return e.done(); }, 5s));
  CHECK_FALSE(e.error());
}
