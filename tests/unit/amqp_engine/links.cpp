// Sessions and links on scripted frame sequences: begin/end, attach/detach, the
// session windows and link credit of part 2, 2.5.6 and 2.6.7 (with ids that wrap at
// 2^32), transfers (multi-frame, aborted, too large, without credit, out of
// sequence), dispositions with ranges and every outcome, settlement in both receiver
// settle modes, drain and echo, and the configured bounds.
#include "harness.hpp"

#include <hubwire_test/catch.hpp>

using namespace engine_test;
namespace a = hubwire::amqp;

namespace {

// A client engine with the AMQP header and open exchanged, talking to the test.
std::unique_ptr<scripted> opened(connection_config c = {}, std::uint32_t peer_max_frame = 64 * 1024) {
  c.container_id = "me";
  auto p = std::make_unique<scripted>(std::move(c));
  p->start();
  p->take();
  p->feed_header(protocol_id::amqp);
  a::open o{"peer"};
  o.max_frame_size = peer_max_frame;
  p->send(0, o);
  p->ev.clear();
  return p;
}

// ...plus a session we began and the peer answered on its channel 7.
session_id with_session(scripted& p, session_config sc = {}, std::uint32_t peer_next_outgoing = 0,
                        std::uint32_t peer_window = 1000) {
  auto s = p.e.begin_session(sc);
  REQUIRE(s);
  auto out = p.take();
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].as<a::begin>());
  CHECK_FALSE(out[0].as<a::begin>()->remote_channel);
  p.send(7, a::begin{std::uint16_t(*s), peer_next_outgoing, peer_window, 1000});
  REQUIRE(p.ev.last(event_kind::session_begun));
  CHECK_FALSE(p.ev.last(event_kind::session_begun)->remote_initiated);
  return *s;
}

a::attach peer_attach(std::string_view name, role r, std::uint32_t handle, std::optional<std::uint32_t> idc = 0) {
  a::attach at;
  at.link_name = name;
  at.handle = handle;
  at.role = r;
  at.source = a::source{};
  at.target = a::target{};
  if (r == role::sender) at.initial_delivery_count = idc;
  return at;
}

a::transfer first_transfer(std::uint32_t handle, std::uint32_t id, std::string_view tag, bool more = false) {
  a::transfer t;
  t.handle = handle;
  t.delivery_id = id;
  t.delivery_tag = binary{hubwire::core::as_bytes(tag)};
  t.more = more;
  return t;
}

a::flow link_flow(std::uint32_t handle, std::optional<std::uint32_t> dc, std::uint32_t credit, std::uint32_t nin = 0,
                  std::uint32_t window = 1000) {
  a::flow f;
  f.next_incoming_id = nin;
  f.incoming_window = window;
  f.next_outgoing_id = 0;
  f.outgoing_window = 1000;
  f.handle = handle;
  f.delivery_count = dc;
  f.link_credit = credit;
  return f;
}

// A receiver link we attached (handle 0 on our side), answered by the peer's sender on handle 3.
link_id receiver(scripted& p, link_config lc = {}, std::uint32_t peer_idc = 0) {
  lc.role = role::receiver;
  if (lc.name.empty()) lc.name = "rx";
  auto l = p.e.attach(0, lc);
  REQUIRE(l);
  p.take();
  p.send(7, peer_attach(lc.name, role::sender, 3, peer_idc));
  REQUIRE(p.ev.last(event_kind::link_attached));
  return *l;
}

link_id sender(scripted& p, link_config lc = {}, std::uint32_t credit = 10, std::uint32_t peer_handle = 3) {
  lc.role = role::sender;
  if (lc.name.empty()) lc.name = "tx";
  auto l = p.e.attach(0, lc);
  REQUIRE(l);
  p.take();
  auto at = peer_attach(lc.name, role::receiver, peer_handle);
  at.rcv_settle_mode = lc.rcv_settle_mode;
  p.send(7, at);
  if (credit) p.send(7, link_flow(peer_handle, lc.initial_delivery_count, credit));
  return *l;
}

template <class T>
const T* only(const std::vector<written>& out) {
  REQUIRE(out.size() == 1);
  const T* x = out[0].as<T>();
  REQUIRE(x);
  return x;
}

} // namespace

TEST_CASE("sessions: begun by us and by the peer, ended both ways") {
  auto p = opened();
  const session_id mine = with_session(*p);
  // the peer begins one: we answer with remote-channel = its channel
  p->send(2, a::begin{std::nullopt, 5, 100, 100});
  const event* b = p->ev.last(event_kind::session_begun);
  REQUIRE(b);
  CHECK(b->remote_initiated);
  CHECK(b->session != mine);
  auto out = p->take();
  const auto* ans = only<a::begin>(out);
  CHECK(ans->remote_channel == std::optional<std::uint16_t>(2));
  CHECK(out[0].header.channel == b->session);
  // the peer ends it with an error: we answer end, the event carries the condition
  a::end e;
  e.error = a::error{symbol{"amqp:internal-error"}, "bye", {}};
  p->send(2, e);
  const event* ended = p->ev.last(event_kind::session_ended);
  REQUIRE(ended);
  CHECK(ended->ec == engine_errc::remote_error);
  CHECK(ended->error->condition == "amqp:internal-error");
  out = p->take();
  CHECK_FALSE(only<a::end>(out)->error);
  // we end ours; the peer's answer frees it; its channel is then unused
  REQUIRE_FALSE(p->e.end_session(mine));
  CHECK(p->e.end_session(mine) == engine_errc::not_open);
  only<a::end>(p->take());
  p->send(7, a::end{});
  REQUIRE(p->ev.last(event_kind::session_ended));
  p->send(7, a::end{});
  CHECK(condition(*p->take().back().as<a::close>()) == "amqp:illegal-state");
}

TEST_CASE("sessions: begin errors and the session limit") {
  SECTION("begin answering a begin we never sent") {
    auto p = opened();
    p->send(0, a::begin{std::uint16_t(4), 0, 100, 100});
    CHECK(condition(*p->take().back().as<a::close>()) == "amqp:illegal-state");
  }
  SECTION("begin twice on one channel") {
    auto p = opened();
    with_session(*p);
    p->send(7, a::begin{std::nullopt, 0, 100, 100});
    CHECK(condition(*p->take().back().as<a::close>()) == "amqp:illegal-state");
  }
  SECTION("more sessions than configured") {
    connection_config c;
    c.limits.max_sessions = 2;
    auto p = opened(c);
    p->send(0, a::begin{std::nullopt, 0, 100, 100});
    p->send(1, a::begin{std::nullopt, 0, 100, 100});
    p->send(2, a::begin{std::nullopt, 0, 100, 100});
    auto out = p->take();
    CHECK(condition(*out.back().as<a::close>()) == "amqp:resource-limit-exceeded");
    CHECK(p->e.error() == engine_errc::resource_limit_exceeded);
  }
}

TEST_CASE("links: attach both ways, detach with and without an error") {
  auto p = opened();
  with_session(*p);
  // ours, answered
  const link_id rx = receiver(*p, {.name = "c2d", .source = "/devices/d1/messages/devicebound", .initial_credit = 5});
  CHECK(p->e.info(rx)->attached);
  CHECK(p->e.info(rx)->source == "/devices/d1/messages/devicebound");
  // the peer's: answered with the mirrored attach
  a::attach at = peer_attach("feedback", role::receiver, 9);
  at.source = a::source{"/messages/servicebound/feedback"};
  at.rcv_settle_mode = receiver_settle_mode::second;
  p->send(7, at);
  const event* ev = p->ev.last(event_kind::link_attached);
  REQUIRE(ev);
  CHECK(ev->remote_initiated);
  CHECK(ev->text == "feedback");
  auto out = p->take();
  const auto* ans = only<a::attach>(out);
  CHECK(ans->role == role::sender);
  CHECK(ans->link_name == "feedback");
  CHECK(ans->handle == 1);
  CHECK(ans->rcv_settle_mode == receiver_settle_mode::second);
  CHECK(ans->source->address == std::optional<std::string_view>("/messages/servicebound/feedback"));
  CHECK(ans->initial_delivery_count == std::optional<std::uint32_t>(0));
  CHECK(p->e.info(ev->link)->rcv_settle_mode == receiver_settle_mode::second);
  // the peer detaches ours with an error: we answer; the event has the condition
  a::detach d;
  d.handle = 3;
  d.closed = true;
  d.error = a::error{symbol{"amqp:link:stolen"}, std::nullopt, {}};
  p->send(7, d);
  const event* det = p->ev.last(event_kind::link_detached);
  REQUIRE(det);
  CHECK(det->link == rx);
  CHECK(det->closed);
  CHECK(det->error->condition == "amqp:link:stolen");
  out = p->take();
  const auto* rep = only<a::detach>(out);
  CHECK(rep->handle == 0);
  CHECK(rep->closed);
  CHECK_FALSE(p->e.info(rx));
  // we detach the other one with an error; the peer's answer frees it
  REQUIRE_FALSE(p->e.detach(ev->link, true, error_info{"amqp:not-found", "no such node"}));
  out = p->take();
  CHECK(condition(*only<a::detach>(out)) == "amqp:not-found");
  CHECK(p->e.info(ev->link)); // until the peer answers
  a::detach back;
  back.handle = 9;
  back.closed = true;
  p->send(7, back);
  CHECK_FALSE(p->e.info(ev->link));
  CHECK(p->take().empty());
}

TEST_CASE("links: handle errors end the session with the session conditions") {
  SECTION("attach on a handle in use") {
    auto p = opened();
    with_session(*p);
    receiver(*p);
    p->send(7, peer_attach("other", role::sender, 3));
    CHECK(condition(*p->take().back().as<a::end>()) == "amqp:session:handle-in-use");
    REQUIRE(p->ev.last(event_kind::session_ended));
    CHECK(p->ev.last(event_kind::session_ended)->ec == engine_errc::handle_in_use);
    // frames for the ended session are ignored until the peer's end
    p->send(7, first_transfer(3, 0, "t"));
    CHECK(p->take().empty());
    p->send(7, a::end{});
    CHECK(p->take().empty());
  }
  SECTION("detach of a handle never attached") {
    auto p = opened();
    with_session(*p);
    a::detach d;
    d.handle = 42;
    p->send(7, d);
    CHECK(condition(*p->take().back().as<a::end>()) == "amqp:session:unattached-handle");
  }
  SECTION("transfer on a handle never attached") {
    auto p = opened();
    with_session(*p);
    p->send(7, first_transfer(5, 0, "t"), hubwire::core::as_bytes("x"));
    CHECK(condition(*p->take().back().as<a::end>()) == "amqp:session:unattached-handle");
  }
  SECTION("flow on a handle never attached") {
    auto p = opened();
    with_session(*p);
    p->send(7, link_flow(5, 0, 1));
    CHECK(condition(*p->take().back().as<a::end>()) == "amqp:session:unattached-handle");
  }
  SECTION("more links than configured") {
    connection_config c;
    c.limits.max_links = 1;
    auto p = opened(c);
    with_session(*p);
    p->send(7, peer_attach("one", role::sender, 0));
    p->take();
    p->send(7, peer_attach("two", role::sender, 0 + 1));
    // handle 1 is above our handle-max (0)
    CHECK(condition(*p->take().back().as<a::end>()) == "amqp:not-allowed");
  }
}

TEST_CASE("transfers: reassembly, abort, limits, credit and sequence errors") {
  SECTION("multi-frame message joined; settled on a later frame") {
    auto p = opened();
    with_session(*p);
    const link_id rx = receiver(*p, {.initial_credit = 2});
    p->send(7, first_transfer(3, 0, "tag-1", true), hubwire::core::as_bytes("hel"));
    a::transfer t2;
    t2.handle = 3;
    t2.more = true;
    p->send(7, t2, hubwire::core::as_bytes("lo "));
    CHECK_FALSE(p->ev.last(event_kind::message));
    a::transfer t3;
    t3.handle = 3;
    t3.settled = true;
    p->send(7, t3, hubwire::core::as_bytes("world"));
    const event* m = p->ev.last(event_kind::message);
    REQUIRE(m);
    CHECK(to_string(m->payload) == "hello world");
    CHECK(to_string(m->tag) == "tag-1");
    CHECK(m->settled);
    CHECK(p->e.dispose(rx, 0, outcome::accepted()) == engine_errc::unknown_delivery);
    CHECK(p->e.credit(rx) == 1);
  }
  SECTION("aborted delivery: discarded, credit used") {
    auto p = opened();
    with_session(*p);
    const link_id rx = receiver(*p, {.initial_credit = 2});
    p->send(7, first_transfer(3, 0, "t", true), hubwire::core::as_bytes("part"));
    a::transfer ab;
    ab.handle = 3;
    ab.aborted = true;
    p->send(7, ab);
    CHECK_FALSE(p->ev.last(event_kind::message));
    REQUIRE(p->ev.last(event_kind::aborted));
    CHECK(p->ev.last(event_kind::aborted)->delivery_id == 0);
    CHECK(p->e.credit(rx) == 1);
    p->send(7, first_transfer(3, 1, "u"), hubwire::core::as_bytes("next"));
    REQUIRE(p->ev.last(event_kind::message));
    CHECK(to_string(p->ev.last(event_kind::message)->payload) == "next");
  }
  SECTION("message above the reassembly limit") {
    connection_config c;
    c.limits.max_message_size = 8;
    auto p = opened(c);
    with_session(*p);
    receiver(*p, {.initial_credit = 2});
    p->send(7, first_transfer(3, 0, "t", true), hubwire::core::as_bytes("12345"));
    a::transfer t2;
    t2.handle = 3;
    p->send(7, t2, hubwire::core::as_bytes("6789"));
    const auto out = p->take();
    CHECK(condition(*only<a::detach>(out)) == "amqp:link:message-size-exceeded");
    CHECK(out[0].as<a::detach>()->closed);
    REQUIRE(p->ev.last(event_kind::link_detached));
    CHECK(p->ev.last(event_kind::link_detached)->ec == engine_errc::message_size_exceeded);
    // transfers still in flight are ignored until the peer's detach
    p->send(7, first_transfer(3, 1, "t"), hubwire::core::as_bytes("x"));
    CHECK(p->take().empty());
  }
  SECTION("transfer without credit") {
    auto p = opened();
    with_session(*p);
    receiver(*p, {.initial_credit = 1});
    p->send(7, first_transfer(3, 0, "a"), hubwire::core::as_bytes("x"));
    p->send(7, first_transfer(3, 1, "b"), hubwire::core::as_bytes("y"));
    CHECK(condition(*only<a::detach>(p->take())) == "amqp:link:transfer-limit-exceeded");
  }
  SECTION("duplicate delivery-id") {
    auto p = opened();
    with_session(*p);
    receiver(*p, {.initial_credit = 5});
    p->send(7, first_transfer(3, 0, "a"), hubwire::core::as_bytes("x"));
    p->send(7, first_transfer(3, 0, "a"), hubwire::core::as_bytes("x"));
    CHECK(condition(*only<a::end>(p->take())) == "amqp:invalid-field");
  }
  SECTION("first transfer without a delivery-tag") {
    auto p = opened();
    with_session(*p);
    receiver(*p, {.initial_credit = 5});
    a::transfer t;
    t.handle = 3;
    t.delivery_id = 0;
    p->send(7, t, hubwire::core::as_bytes("x"));
    CHECK(condition(*only<a::detach>(p->take())) == "amqp:invalid-field");
  }
  SECTION("transfer beyond the incoming window") {
    auto p = opened();
    with_session(*p, {.incoming_window = 2, .auto_window = false});
    receiver(*p, {.initial_credit = 5});
    p->send(7, first_transfer(3, 0, "a"), hubwire::core::as_bytes("x"));
    p->send(7, first_transfer(3, 1, "b"), hubwire::core::as_bytes("x"));
    CHECK(p->take().empty());
    p->send(7, first_transfer(3, 2, "c"), hubwire::core::as_bytes("x"));
    CHECK(condition(*only<a::end>(p->take())) == "amqp:session:window-violation");
  }
  SECTION("the window reopens by itself at half") {
    auto p = opened();
    with_session(*p, {.incoming_window = 4});
    receiver(*p, {.initial_credit = 10});
    p->send(7, first_transfer(3, 0, "a"), hubwire::core::as_bytes("x"));
    CHECK(p->take().empty());
    p->send(7, first_transfer(3, 1, "b"), hubwire::core::as_bytes("x"));
    const auto* f = only<a::flow>(p->take());
    CHECK(f->incoming_window == 4);
    CHECK(f->next_incoming_id == std::optional<std::uint32_t>(2));
    CHECK_FALSE(f->handle);
  }
}

TEST_CASE("windows and credit wrap around 2^32") {
  SECTION("incoming transfer-ids and delivery-count") {
    auto p = opened();
    with_session(*p, {.incoming_window = 4}, 0xfffffffeu);
    const link_id rx = receiver(*p, {.initial_credit = 3}, 0xffffffffu);
    for (std::uint32_t i = 0; i < 3; ++i)
      p->send(7, first_transfer(3, 0xfffffffeu + i, "t"), hubwire::core::as_bytes("x"));
    CHECK(p->ev.of(event_kind::message).size() == 3);
    CHECK(p->ev.of(event_kind::message)[2]->delivery_id == 0);
    auto out = p->take();
    // the session flow after two transfers: next-incoming-id 0xfffffffe + 2 = 0
    REQUIRE(!out.empty());
    CHECK(out[0].as<a::flow>()->next_incoming_id == std::optional<std::uint32_t>(0));
    REQUIRE_FALSE(p->e.flow(rx, 2));
    const auto* f = only<a::flow>(p->take());
    CHECK(f->next_incoming_id == std::optional<std::uint32_t>(1));
    CHECK(f->delivery_count == std::optional<std::uint32_t>(2)); // 0xffffffff + 3
    CHECK(f->link_credit == std::optional<std::uint32_t>(2));
  }
  SECTION("outgoing transfer-ids, remote window and credit") {
    auto p = opened();
    with_session(*p, {.next_outgoing_id = 0xfffffffeu}, 0, 3);
    const link_id tx = sender(*p, {.initial_delivery_count = 0xfffffffdu}, 0);
    p->send(7, link_flow(3, 0xfffffffdu, 5, 0xfffffffeu, 3));
    CHECK(p->e.credit(tx) == 5);
    for (int i = 0; i < 3; ++i) REQUIRE(p->e.send(tx, to_bytes("t"), to_bytes("x"), true));
    CHECK(p->take().size() == 3);
    // the peer's window (3) is used up: the next message waits
    REQUIRE(p->e.send(tx, to_bytes("t"), to_bytes("x"), true));
    CHECK(p->take().empty());
    CHECK(p->e.send(tx, to_bytes("t"), to_bytes("y"), true).error() == engine_errc::session_window_closed);
    // flow: next-incoming-id 1 (= 0xfffffffe + 3, wrapped), window 2; delivery-count
    // 0 (= 0xfffffffd + 3), credit 4
    p->send(7, link_flow(3, 0u, 4, 1, 2));
    auto out = p->take();
    REQUIRE(out.size() == 1);
    CHECK(out[0].as<a::transfer>());
    const event* cr = p->ev.last(event_kind::credit);
    REQUIRE(cr);
    CHECK(p->e.credit(tx) == 3); // 0 + 4 - 1 (the held message)
    CHECK(p->e.info(tx)->delivery_count == 1);
  }
}

TEST_CASE("sending: multi-frame split at the peer's max-frame-size, settle modes") {
  auto p = opened({}, 512);
  with_session(*p);
  const link_id tx = sender(*p, {.snd_settle_mode = sender_settle_mode::unsettled});
  bytes big(2000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
  auto id = p->e.send(tx, to_bytes("big"), big, true); // settled ignored: mode unsettled
  REQUIRE(id);
  const auto out = p->take();
  REQUIRE(out.size() == 5);
  bytes joined;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto* t = out[i].as<a::transfer>();
    REQUIRE(t);
    CHECK(out[i].header.size <= 512);
    CHECK(t->more == (i + 1 < out.size()));
    CHECK(t->delivery_id.has_value() == (i == 0));
    // part 2, 2.7.5: on the first transfer even when 0 (the default), omitted on continuations
    CHECK(t->message_format == (i == 0 ? std::optional<std::uint32_t>(0) : std::nullopt));
    joined.insert(joined.end(), out[i].payload.begin(), out[i].payload.end());
  }
  CHECK(out[0].as<a::transfer>()->delivery_tag->bytes.size() == 3);
  CHECK_FALSE(out[0].as<a::transfer>()->settled.value_or(false));
  CHECK(joined == big);
  // and a pre-settled mode forces settled
  const link_id tx2 = p->e.attach(0, {.name = "tx2", .role = role::sender, .snd_settle_mode = sender_settle_mode::settled}).value();
  p->take();
  a::attach at = peer_attach("tx2", role::receiver, 4);
  p->send(7, at);
  p->send(7, link_flow(4, 0, 1));
  REQUIRE(p->e.send(tx2, to_bytes("s"), to_bytes("x"), false));
  CHECK(only<a::transfer>(p->take())->settled == std::optional<bool>(true));
  // a single-frame delivery carries its format too, whatever it is
  p->send(7, link_flow(4, 1, 2));
  REQUIRE(p->e.send(tx2, to_bytes("f0"), to_bytes("x")));
  CHECK(only<a::transfer>(p->take())->message_format == std::optional<std::uint32_t>(0));
  REQUIRE(p->e.send(tx2, to_bytes("f1"), to_bytes("x"), false, 0x1234));
  CHECK(only<a::transfer>(p->take())->message_format == std::optional<std::uint32_t>(0x1234));
}

TEST_CASE("dispositions: ranges, every outcome, both settle modes") {
  SECTION("the peer's ranges and outcomes on our deliveries") {
    auto p = opened();
    with_session(*p);
    const link_id tx = sender(*p, {.auto_settle = false});
    for (int i = 0; i < 6; ++i) REQUIRE(p->e.send(tx, to_bytes("t" + std::to_string(i)), to_bytes("x")));
    p->take();
    p->send(7, a::disposition{role::receiver, 0, 2u, true, a::accepted{}});
    auto evs = p->ev.of(event_kind::disposition);
    REQUIRE(evs.size() == 3);
    for (std::uint32_t i = 0; i < 3; ++i) {
      CHECK(evs[i]->delivery_id == i);
      CHECK(evs[i]->settled);
      CHECK(evs[i]->state.kind == outcome_kind::accepted);
      CHECK(to_string(evs[i]->tag) == "t" + std::to_string(i));
    }
    p->ev.clear();
    a::rejected rj;
    rj.error = a::error{symbol{"amqp:not-found"}, "gone", {}};
    p->send(7, a::disposition{role::receiver, 3, std::nullopt, true, rj});
    a::modified md;
    md.delivery_failed = true;
    md.undeliverable_here = true;
    p->send(7, a::disposition{role::receiver, 4, std::nullopt, false, md});
    p->send(7, a::disposition{role::receiver, 5, std::nullopt, true, a::released{}});
    evs = p->ev.of(event_kind::disposition);
    REQUIRE(evs.size() == 3);
    CHECK(evs[0]->state.kind == outcome_kind::rejected);
    CHECK(evs[0]->state.error->condition == "amqp:not-found");
    CHECK(evs[0]->state.error->description == "gone");
    CHECK(evs[1]->state.kind == outcome_kind::modified);
    CHECK(evs[1]->state.delivery_failed);
    CHECK(evs[1]->state.undeliverable_here);
    CHECK_FALSE(evs[1]->settled);
    CHECK(evs[2]->state.kind == outcome_kind::released);
    CHECK(p->take().empty()); // no auto-settle
    // delivery 4 is still ours to settle; a repeated disposition for settled ones is ignored
    p->send(7, a::disposition{role::receiver, 0, 3u, true, a::accepted{}});
    CHECK(p->ev.of(event_kind::disposition).size() == 3);
    REQUIRE_FALSE(p->e.settle(tx, 4, outcome::accepted()));
    const auto* d = only<a::disposition>(p->take());
    CHECK(d->role == role::sender);
    CHECK(d->first == 4);
    CHECK(d->settled);
    CHECK(d->state == std::optional<a::delivery_state>(a::accepted{}));
  }
  SECTION("our dispositions: consecutive ones coalesce into a range") {
    auto p = opened();
    with_session(*p);
    const link_id rx = receiver(*p, {.initial_credit = 10});
    for (std::uint32_t i = 0; i < 6; ++i) p->send(7, first_transfer(3, i, "t"), hubwire::core::as_bytes("x"));
    for (std::uint32_t i = 0; i < 3; ++i) REQUIRE_FALSE(p->e.dispose(rx, i, outcome::accepted()));
    REQUIRE_FALSE(p->e.dispose(rx, 3, outcome::rejected(error_info{"amqp:decode-error", "bad body"})));
    REQUIRE_FALSE(p->e.dispose(rx, 4, outcome::modified(true, false)));
    REQUIRE_FALSE(p->e.dispose(rx, 5, outcome::released()));
    const auto out = p->take();
    REQUIRE(out.size() == 4);
    const auto* d0 = out[0].as<a::disposition>();
    CHECK(d0->role == role::receiver);
    CHECK(d0->first == 0);
    CHECK(d0->last == std::optional<std::uint32_t>(2));
    CHECK(d0->settled);
    CHECK(std::holds_alternative<a::accepted>(*d0->state));
    const auto& rj = std::get<a::rejected>(*out[1].as<a::disposition>()->state);
    CHECK(rj.error->condition.str == "amqp:decode-error");
    CHECK(std::get<a::modified>(*out[2].as<a::disposition>()->state).delivery_failed == std::optional<bool>(true));
    CHECK(std::holds_alternative<a::released>(*out[3].as<a::disposition>()->state));
  }
  SECTION("rcv-settle-mode second, receiver side: settle after the sender") {
    auto p = opened();
    with_session(*p);
    const link_id rx = receiver(*p, {.rcv_settle_mode = receiver_settle_mode::second, .initial_credit = 10});
    p->send(7, first_transfer(3, 0, "t"), hubwire::core::as_bytes("x"));
    REQUIRE_FALSE(p->e.dispose(rx, 0, outcome::accepted()));
    const auto* d = only<a::disposition>(p->take());
    CHECK_FALSE(d->settled);
    CHECK(p->e.dispose(rx, 0, outcome::accepted()) == engine_errc::unknown_delivery);
    p->send(7, a::disposition{role::sender, 0, std::nullopt, true, a::accepted{}});
    const event* e = p->ev.last(event_kind::disposition);
    REQUIRE(e);
    CHECK(e->settled);
    CHECK(e->state.kind == outcome_kind::accepted);
    CHECK(p->take().empty());
  }
  SECTION("rcv-settle-mode second, sender side: auto-settle answers the outcome") {
    auto p = opened();
    with_session(*p);
    const link_id tx = sender(*p, {.rcv_settle_mode = receiver_settle_mode::second});
    CHECK(p->e.info(tx)->rcv_settle_mode == receiver_settle_mode::second);
    REQUIRE(p->e.send(tx, to_bytes("t"), to_bytes("x")));
    p->take();
    p->send(7, a::disposition{role::receiver, 0, std::nullopt, false, a::released{}});
    const auto* d = only<a::disposition>(p->take());
    CHECK(d->role == role::sender);
    CHECK(d->settled);
    CHECK(std::holds_alternative<a::released>(*d->state));
  }
}

TEST_CASE("drain and echo") {
  SECTION("sender: the receiver drains; drained() uses up the credit") {
    auto p = opened();
    with_session(*p);
    const link_id tx = sender(*p, {}, 0);
    a::flow f = link_flow(3, 0, 5);
    f.drain = true;
    p->send(7, f);
    const event* c = p->ev.last(event_kind::credit);
    REQUIRE(c);
    CHECK(c->drain);
    CHECK(c->credit == 5);
    REQUIRE(p->e.send(tx, to_bytes("t"), to_bytes("x"), true));
    p->take();
    REQUIRE_FALSE(p->e.drained(tx));
    const auto* back = only<a::flow>(p->take());
    CHECK(back->delivery_count == std::optional<std::uint32_t>(5));
    CHECK(back->link_credit == std::optional<std::uint32_t>(0));
    CHECK(back->drain);
    CHECK(p->e.credit(tx) == 0);
  }
  SECTION("receiver: a drain answered by the sender's advanced delivery-count") {
    auto p = opened();
    with_session(*p);
    const link_id rx = receiver(*p);
    REQUIRE_FALSE(p->e.flow(rx, 4, true));
    const auto* f = only<a::flow>(p->take());
    CHECK(f->drain);
    CHECK(f->link_credit == std::optional<std::uint32_t>(4));
    p->send(7, first_transfer(3, 0, "t"), hubwire::core::as_bytes("x"));
    CHECK(p->e.credit(rx) == 3);
    p->send(7, link_flow(3, 4, 0));
    CHECK(p->e.credit(rx) == 0);
    CHECK(p->e.info(rx)->delivery_count == 4);
  }
  SECTION("echo: the peer asks for our state") {
    auto p = opened();
    with_session(*p);
    const link_id rx = receiver(*p, {.initial_credit = 7});
    a::flow f = link_flow(3, 0, 0);
    f.echo = true;
    p->send(7, f);
    const auto* back = only<a::flow>(p->take());
    CHECK(back->handle == std::optional<std::uint32_t>(0));
    CHECK(back->link_credit == std::optional<std::uint32_t>(7));
    CHECK_FALSE(back->echo);
    (void)rx;
    a::flow sf;
    sf.incoming_window = 10;
    sf.outgoing_window = 10;
    sf.echo = true;
    p->send(7, sf);
    const auto* sback = only<a::flow>(p->take());
    CHECK_FALSE(sback->handle);
    CHECK(sback->incoming_window == 2048);
  }
}

TEST_CASE("bounds: unsettled deliveries in both directions") {
  connection_config c;
  c.limits.max_unsettled = 2;
  SECTION("incoming") {
    auto p = opened(c);
    with_session(*p);
    receiver(*p, {.initial_credit = 10});
    for (std::uint32_t i = 0; i < 2; ++i) p->send(7, first_transfer(3, i, "t"), hubwire::core::as_bytes("x"));
    CHECK(p->take().empty());
    // pre-settled deliveries take no slot... but the span from the oldest counts
    p->send(7, first_transfer(3, 2, "t"), hubwire::core::as_bytes("x"));
    CHECK(condition(*only<a::end>(p->take())) == "amqp:resource-limit-exceeded");
  }
  SECTION("outgoing") {
    auto p = opened(c);
    with_session(*p);
    const link_id tx = sender(*p);
    REQUIRE(p->e.send(tx, to_bytes("a"), to_bytes("x")));
    REQUIRE(p->e.send(tx, to_bytes("b"), to_bytes("x")));
    CHECK(p->e.send(tx, to_bytes("c"), to_bytes("x")).error() == engine_errc::resource_limit_exceeded);
    CHECK(p->e.send(tx, to_bytes("c"), to_bytes("x"), true)); // settled needs no slot
    // the bound is the span from the oldest unsettled id (1) to the newest (3 would be)
    p->send(7, a::disposition{role::receiver, 0, std::nullopt, true, a::accepted{}});
    CHECK(p->e.send(tx, to_bytes("d"), to_bytes("x")).error() == engine_errc::resource_limit_exceeded);
    p->send(7, a::disposition{role::receiver, 1, std::nullopt, true, a::accepted{}});
    CHECK(p->e.send(tx, to_bytes("d"), to_bytes("x")));
  }
}

TEST_CASE("API misuse is refused with an error code") {
  auto p = opened();
  with_session(*p);
  const link_id rx = receiver(*p, {.initial_credit = 1});
  const link_id tx = sender(*p, {.name = "tx"}, 10, 4);
  CHECK(p->e.send(rx, to_bytes("t"), to_bytes("x")).error() == engine_errc::wrong_role);
  CHECK(p->e.flow(tx, 1) == engine_errc::wrong_role);
  CHECK(p->e.dispose(tx, 0, outcome::accepted()) == engine_errc::wrong_role);
  CHECK(p->e.send(99, to_bytes("t"), to_bytes("x")).error() == engine_errc::not_open);
  CHECK(p->e.send(tx, bytes(33, 1), to_bytes("x")).error() == engine_errc::invalid_field);
  CHECK(p->e.attach(55, {}).error() == engine_errc::not_open);
}
