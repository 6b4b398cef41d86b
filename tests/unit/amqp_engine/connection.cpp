// The engine's connection layer: protocol headers with and without SASL, each SASL
// mechanism both ways, open negotiation, heartbeats and the idle time-out under
// virtual time, close with and without an error, and the errors for frames that
// arrive out of order or twice.
#include "harness.hpp"

#include <hubwire_test/catch.hpp>

using namespace engine_test;
using amqp_open = hubwire::amqp::open;

namespace {

connection_config client_cfg() {
  connection_config c;
  c.container_id = "client-1";
  c.hostname = "hub.example";
  return c;
}
connection_config server_cfg() {
  connection_config c;
  c.role = endpoint_role::server;
  c.container_id = "server-1";
  return c;
}

} // namespace

TEST_CASE("client without SASL: AMQP header and open go out at once, open negotiated") {
  scripted peer(client_cfg());
  peer.start();
  const bytes raw = peer.take_raw();
  REQUIRE(raw.size() > 8);
  CHECK(bytes(raw.begin(), raw.begin() + 8) == bytes{'A', 'M', 'Q', 'P', 0, 1, 0, 0});
  frame_reader r;
  std::error_code ec;
  r.put(hubwire::core::bytes_view(raw).subspan(8), ec);
  REQUIRE_FALSE(ec);
  performative p;
  hubwire::core::bytes_view payload;
  REQUIRE_FALSE(decode_performative(r.get().body, p, payload));
  const auto& o = std::get<amqp_open>(p);
  CHECK(o.container_id == "client-1");
  CHECK(o.hostname == std::optional<std::string_view>("hub.example"));
  CHECK(o.max_frame_size == 64 * 1024);
  CHECK(o.channel_max == 255);
  CHECK_FALSE(o.idle_time_out);

  peer.headers_left = 0;
  peer.feed_header(protocol_id::amqp);
  amqp_open theirs;
  theirs.container_id = "peer";
  theirs.max_frame_size = 1024;
  theirs.channel_max = 3;
  theirs.idle_time_out = 10000;
  peer.send(0, theirs);
  CHECK(peer.e.opened());
  CHECK(peer.e.remote_max_frame_size() == 1024);
  CHECK(peer.e.remote_idle_time_out() == 10000);
  CHECK(peer.e.remote_container_id() == "peer");
  REQUIRE(peer.ev.last(event_kind::connection_opened));
  // channel-max 3: a fifth session cannot get a channel the peer accepts
  for (int i = 0; i < 4; ++i) CHECK(peer.e.begin_session().has_value());
  CHECK(peer.e.begin_session().error() == engine_errc::resource_limit_exceeded);
}

TEST_CASE("pair without SASL: open, begin, attach, one message, accepted and settled") {
  pair p(client_cfg(), server_cfg());
  auto s = p.client.begin_session();
  REQUIRE(s);
  auto snd = p.client.attach(*s, {.name = "to-server", .role = role::sender, .target = "/messages/devicebound"});
  REQUIRE(snd);
  p.pump();
  REQUIRE(p.ce.last(event_kind::connection_opened));
  REQUIRE(p.se.last(event_kind::connection_opened));
  CHECK(p.se.last(event_kind::connection_opened)->text == "client-1");
  const event* att = p.se.last(event_kind::link_attached);
  REQUIRE(att);
  CHECK(att->remote_initiated);
  CHECK(att->text == "to-server");
  const auto info = p.server.info(att->link);
  REQUIRE(info);
  CHECK(info->role == role::receiver);
  CHECK(info->target == "/messages/devicebound");
  REQUIRE(p.ce.last(event_kind::link_attached));
  CHECK_FALSE(p.ce.last(event_kind::link_attached)->remote_initiated);

  CHECK(p.client.send(*snd, to_bytes("t0"), to_bytes("hello")).error() == engine_errc::no_credit);
  REQUIRE_FALSE(p.server.flow(att->link, 5));
  p.pump();
  REQUIRE(p.ce.last(event_kind::credit));
  CHECK(p.ce.last(event_kind::credit)->credit == 5);
  auto id = p.client.send(*snd, to_bytes("t0"), to_bytes("hello"));
  REQUIRE(id);
  p.pump();
  const event* m = p.se.last(event_kind::message);
  REQUIRE(m);
  CHECK(to_string(m->payload) == "hello");
  CHECK(to_string(m->tag) == "t0");
  CHECK(m->delivery_id == *id);
  CHECK_FALSE(m->settled);
  CHECK(p.server.credit(att->link) == 4);
  REQUIRE_FALSE(p.server.dispose(m->link, m->delivery_id, outcome::accepted()));
  CHECK(p.server.dispose(m->link, m->delivery_id, outcome::accepted()) == engine_errc::unknown_delivery);
  p.pump();
  const event* d = p.ce.last(event_kind::disposition);
  REQUIRE(d);
  CHECK(d->delivery_id == *id);
  CHECK(d->settled);
  CHECK(d->state.kind == outcome_kind::accepted);
  CHECK(to_string(d->tag) == "t0");
  CHECK(p.client.settle(*snd, *id) == engine_errc::unknown_delivery);

  p.client.close();
  p.pump();
  CHECK(p.client.done());
  CHECK(p.server.done());
  CHECK_FALSE(p.client.error());
  CHECK_FALSE(p.server.error());
  REQUIRE(p.se.last(event_kind::connection_closed));
  CHECK_FALSE(p.se.last(event_kind::connection_closed)->error);
}

TEST_CASE("SASL PLAIN: the server's callback sees the credentials and names the identity") {
  auto c = client_cfg();
  c.sasl_client = {.mechanism = sasl_mechanism::plain, .authzid = "", .username = "dev1@sas.hub", .password = "SharedAccessSignature sr=x"};
  auto s = server_cfg();
  std::string seen_mech, seen_resp, seen_host;
  s.sasl_server.mechanisms = {"ANONYMOUS", "PLAIN", "MSSBCBS"};
  s.sasl_server.validate = [&](const sasl_request& r, std::string& identity) {
    seen_mech = r.mechanism;
    seen_resp = std::string(hubwire::core::as_chars(r.response));
    seen_host = r.hostname;
    identity = "dev1";
    return sasl_code::ok;
  };
  pair p(c, s);
  p.pump();
  CHECK(seen_mech == "PLAIN");
  CHECK(seen_resp == std::string("\0dev1@sas.hub\0SharedAccessSignature sr=x", 40));
  CHECK(seen_host == "hub.example");
  const event* sd = p.se.last(event_kind::sasl_done);
  REQUIRE(sd);
  CHECK(sd->sasl == sasl_code::ok);
  CHECK(sd->identity == "dev1");
  CHECK(sd->text == "PLAIN");
  REQUIRE(p.ce.last(event_kind::sasl_done));
  CHECK(p.ce.last(event_kind::connection_opened));
  CHECK(p.se.last(event_kind::connection_opened));
}

TEST_CASE("SASL ANONYMOUS, EXTERNAL and MSSBCBS initial responses") {
  for (auto [mech, name, resp] : {std::tuple{sasl_mechanism::anonymous, "ANONYMOUS", ""},
                                  std::tuple{sasl_mechanism::external, "EXTERNAL", "authz"},
                                  std::tuple{sasl_mechanism::mssbcbs, "MSSBCBS", ""}}) {
    auto c = client_cfg();
    c.sasl_client.mechanism = mech;
    c.sasl_client.authzid = mech == sasl_mechanism::external ? "authz" : "";
    auto s = server_cfg();
    s.sasl_server.mechanisms = {"ANONYMOUS", "EXTERNAL", "MSSBCBS"};
    std::string seen_mech, seen_resp;
    s.sasl_server.validate = [&](const sasl_request& r, std::string&) {
      seen_mech = r.mechanism;
      seen_resp = std::string(hubwire::core::as_chars(r.response));
      return sasl_code::ok;
    };
    pair p(c, s);
    p.pump();
    CHECK(seen_mech == name);
    CHECK(seen_resp == resp);
    CHECK(p.ce.last(event_kind::connection_opened));
  }
}

TEST_CASE("SASL failures: refused credentials, mechanism not offered, SASL required") {
  SECTION("auth") {
    auto c = client_cfg();
    c.sasl_client = {.mechanism = sasl_mechanism::plain, .authzid = "", .username = "u", .password = "bad"};
    auto s = server_cfg();
    s.sasl_server.mechanisms = {"PLAIN"};
    s.sasl_server.validate = [](const sasl_request&, std::string&) { return sasl_code::auth; };
    pair p(c, s);
    p.pump();
    REQUIRE(p.ce.last(event_kind::sasl_done));
    CHECK(p.ce.last(event_kind::sasl_done)->sasl == sasl_code::auth);
    CHECK(p.client.done());
    CHECK(p.client.error() == engine_errc::sasl_auth_failed);
    CHECK(p.server.done());
    CHECK_FALSE(p.ce.last(event_kind::connection_opened));
  }
  SECTION("mechanism") {
    auto c = client_cfg();
    c.sasl_client.mechanism = sasl_mechanism::external;
    auto s = server_cfg();
    s.sasl_server.mechanisms = {"PLAIN", "ANONYMOUS"};
    pair p(c, s);
    p.pump();
    CHECK(p.client.error() == engine_errc::sasl_mechanism_unavailable);
  }
  SECTION("server requires SASL; the client sends the AMQP header") {
    auto s = server_cfg();
    s.sasl_server.mechanisms = {"ANONYMOUS"};
    scripted srv(s);
    srv.start();
    srv.feed_header(protocol_id::amqp);
    // part 2, 2.2: answer with the header we support, then close
    CHECK(srv.take_raw() == bytes{'A', 'M', 'Q', 'P', 3, 1, 0, 0});
    CHECK(srv.e.done());
    CHECK(srv.e.error() == engine_errc::framing_error);
  }
  SECTION("SASL optional: a client may skip it (C#, Node)") {
    auto s = server_cfg();
    s.sasl_server.mechanisms = {"MSSBCBS"};
    s.sasl_server.required = false;
    pair p(client_cfg(), s);
    p.pump();
    CHECK(p.ce.last(event_kind::connection_opened));
    CHECK(p.se.last(event_kind::connection_opened));
  }
  SECTION("another protocol version") {
    scripted srv(server_cfg());
    srv.start();
    srv.feed(bytes{'A', 'M', 'Q', 'P', 0, 1, 1, 0});
    CHECK(srv.take_raw() == bytes{'A', 'M', 'Q', 'P', 0, 1, 0, 0});
    CHECK(srv.e.error() == engine_errc::framing_error);
  }
  SECTION("not AMQP") {
    scripted srv(server_cfg());
    srv.start();
    srv.feed(to_bytes("GET / HTTP/1.1\r\n"));
    CHECK(srv.e.done());
  }
}

TEST_CASE("out-of-order and duplicate connection performatives") {
  auto opened = [] {
    auto p = std::make_unique<scripted>(client_cfg());
    p->start();
    p->take();
    p->feed_header(protocol_id::amqp);
    return p;
  };
  SECTION("begin before open") {
    auto p = opened();
    p->send(0, begin{std::nullopt, 0, 100, 100});
    auto out = p->take();
    REQUIRE(out.size() == 1);
    REQUIRE(out[0].as<hubwire::amqp::close>());
    CHECK(condition(*out[0].as<hubwire::amqp::close>()) == "amqp:illegal-state");
    CHECK(p->e.error() == engine_errc::illegal_state);
    REQUIRE(p->ev.last(event_kind::connection_closed));
    CHECK(p->ev.last(event_kind::connection_closed)->error->condition == "amqp:illegal-state");
  }
  SECTION("open twice") {
    auto p = opened();
    p->send(0, amqp_open{"peer"});
    p->send(0, amqp_open{"peer"});
    auto out = p->take();
    REQUIRE(out.back().as<hubwire::amqp::close>());
    CHECK(condition(*out.back().as<hubwire::amqp::close>()) == "amqp:illegal-state");
  }
  SECTION("garbage performative") {
    auto p = opened();
    p->send(0, amqp_open{"peer"});
    p->feed(bytes{0, 0, 0, 12, 2, 0, 0, 0, 0x00, 0x53, 0x99, 0x45});
    auto out = p->take();
    REQUIRE(out.back().as<hubwire::amqp::close>());
    CHECK(condition(*out.back().as<hubwire::amqp::close>()) == "amqp:decode-error");
  }
  SECTION("frame above max-frame-size") {
    auto c = client_cfg();
    c.max_frame_size = 512;
    scripted p(c);
    p.start();
    p.take();
    p.feed_header(protocol_id::amqp);
    p.feed(bytes{0, 0, 2, 1, 2, 0, 0, 0});
    auto out = p.take();
    REQUIRE(out.back().as<hubwire::amqp::close>());
    CHECK(condition(*out.back().as<hubwire::amqp::close>()) == "amqp:connection:framing-error");
  }
  SECTION("max-frame-size below 512") {
    auto p = opened();
    amqp_open o{"peer"};
    o.max_frame_size = 100;
    p->send(0, o);
    auto out = p->take();
    REQUIRE(out.back().as<hubwire::amqp::close>());
    CHECK(condition(*out.back().as<hubwire::amqp::close>()) == "amqp:invalid-field");
  }
  SECTION("a frame on a channel with no session") {
    auto p = opened();
    p->send(0, amqp_open{"peer"});
    p->send(3, hubwire::amqp::flow{});
    auto out = p->take();
    REQUIRE(out.back().as<hubwire::amqp::close>());
    CHECK(condition(*out.back().as<hubwire::amqp::close>()) == "amqp:illegal-state");
  }
  SECTION("begin above channel-max") {
    auto c = client_cfg();
    c.channel_max = 1;
    scripted p(c);
    p.start();
    p.take();
    p.feed_header(protocol_id::amqp);
    p.send(0, amqp_open{"peer"});
    p.send(2, begin{std::nullopt, 0, 100, 100});
    auto out = p.take();
    REQUIRE(out.back().as<hubwire::amqp::close>());
    CHECK(condition(*out.back().as<hubwire::amqp::close>()) == "amqp:not-allowed");
  }
  SECTION("SASL frame after SASL") {
    auto p = opened();
    p->send(0, amqp_open{"peer"});
    p->send_sasl(sasl_outcome{});
    auto out = p->take();
    REQUIRE(out.back().as<hubwire::amqp::close>());
    CHECK(condition(*out.back().as<hubwire::amqp::close>()) == "amqp:connection:framing-error");
  }
}

TEST_CASE("heartbeats and the idle time-out under virtual time") {
  auto c = client_cfg();
  c.idle_time_out = 4000; // we close if the peer says nothing for 4 s
  scripted p(c);
  p.start();
  p.take();
  CHECK_FALSE(p.e.deadline()); // before the AMQP header, no timers
  p.feed_header(protocol_id::amqp);
  amqp_open o{"peer"};
  o.idle_time_out = 1000; // the peer wants traffic within 1 s: we send every 500 ms
  p.send(0, o);
  REQUIRE(p.e.deadline());
  CHECK(*p.e.deadline() == p.now + 500ms);
  p.e.tick(p.now + 499ms);
  CHECK(p.take().empty());
  p.e.tick(p.now + 500ms);
  auto out = p.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].heartbeat);
  CHECK(*p.e.deadline() == p.now + 1000ms);
  // our own traffic also counts: a begin at 800 ms moves the next heartbeat to 1300 ms
  p.now += 800ms;
  p.e.tick(p.now);
  REQUIRE(p.e.begin_session());
  CHECK(p.take().size() == 1);
  CHECK(*p.e.deadline() == p.now + 500ms);
  // the peer's heartbeat keeps us from timing out
  p.now = time_point{} + 3900ms;
  p.feed(bytes{0, 0, 0, 8, 2, 0, 0, 0});
  p.e.tick(time_point{} + 7000ms);
  CHECK_FALSE(p.e.done());
  // the resume() step reports the same deadline to the I/O loop
  p.take();
  auto a = p.e.resume(time_point{} + 7000ms);
  CHECK(a.kind == action::read);
  REQUIRE(a.deadline);
  CHECK(*a.deadline == time_point{} + 7500ms);
  // then silence past 4 s: close with resource-limit-exceeded (part 2, 2.4.5)
  p.e.tick(time_point{} + 3900ms + 4000ms);
  out = p.take();
  REQUIRE_FALSE(out.empty());
  REQUIRE(out.back().as<hubwire::amqp::close>());
  CHECK(condition(*out.back().as<hubwire::amqp::close>()) == "amqp:resource-limit-exceeded");
  CHECK(p.e.error() == engine_errc::idle_timeout);
  CHECK(p.e.resume(time_point{} + 8000ms).kind == action::done);
}

TEST_CASE("close with an error reaches the peer's event, resume() ends both") {
  pair p(client_cfg(), server_cfg());
  p.pump();
  p.server.close(error_info{"amqp:connection:forced", "maintenance"});
  p.pump();
  const event* c = p.ce.last(event_kind::connection_closed);
  REQUIRE(c);
  CHECK(c->ec == engine_errc::remote_error);
  REQUIRE(c->error);
  CHECK(c->error->condition == "amqp:connection:forced");
  CHECK(c->error->description == "maintenance");
  CHECK(p.client.resume(p.now).kind == action::done);
  CHECK(p.server.resume(p.now).kind == action::done);
  CHECK(p.client.begin_session().error() == engine_errc::connection_closed);
}
