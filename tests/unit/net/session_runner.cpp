// net::session_runner driving an mqtt::client_session over hubwire::test::stream: the
// broker's bytes are scripted (OASIS MQTT 3.1.1 section 3 layouts), what the runner
// writes is read back from the stream. No sockets.
#include <hubwire/mqtt/session.hpp>
#include <hubwire/net/session_runner.hpp>
#include <hubwire/test/stream.hpp>
#include <hubwire_test/catch.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/io_context.hpp>

#include <string>
#include <vector>

using namespace hubwire;
using namespace std::chrono_literals;

namespace {

const std::string connack{"\x20\x02\x00\x00", 4};
std::string suback(std::uint16_t id) { return std::string{'\x90', '\x03', char(id >> 8), char(id & 0xff), '\x01'}; }
std::string publish_qos1(std::uint16_t id, std::string_view payload) {
  std::string topic = "devices/d/messages/devicebound/";
  std::string b{'\x32', char(2 + topic.size() + 2 + payload.size()), '\0', char(topic.size())};
  b += topic;
  b += char(id >> 8);
  b += char(id & 0xff);
  b += payload;
  return b;
}

struct events {
  std::vector<mqtt::session_event::kind> kinds;
  std::vector<std::string> payloads;
  bool readable = true;
  bool hold = false;
  void on_event(mqtt::session_event& ev) {
    kinds.push_back(ev.type);
    if (ev.type == mqtt::session_event::kind::message) payloads.emplace_back(ev.message.payload);
  }
  bool can_read() const { return readable; }
  bool hold_output() const { return hold; }
};

mqtt::session_options options() {
  return {.client_id = "d", .keep_alive = 60s, .subscriptions = {"devices/d/messages/devicebound/#"}};
}

// The packets in `bytes`, decoded as a broker would.
std::vector<mqtt::packet> packets(std::string_view bytes, std::vector<std::string>& keep) {
  keep.emplace_back(bytes);
  std::vector<mqtt::packet> out;
  mqtt::decoder d({.local = mqtt::role::server});
  core::bytes_view in = core::as_bytes(keep.back());
  while (!in.empty()) {
    std::error_code ec;
    const auto n = d.put(in, ec);
    REQUIRE_FALSE(ec);
    out.push_back(d.value());
    in = in.subspan(n);
  }
  return out;
}

// A runner started on a fresh session over a scripted stream, its result recorded.
struct running {
  asio::io_context io;
  test::stream s{io.get_executor()};
  mqtt::client_session session{options()};
  net::session_runner<test::stream, mqtt::client_session> runner;
  events ev;
  std::error_code result = asio::error::would_block;
  std::vector<std::string> keep;

  explicit running(std::size_t buffer = 2048, std::size_t read_size = 0) : runner(s, session, buffer) {
    if (read_size) s.read_size(read_size);
    REQUIRE_FALSE(session.start(std::chrono::steady_clock::now()));
  }
  template <class Token>
  void run(Token token) {
    runner.async_run(ev, std::move(token));
    io.poll();
  }
  void run() {
    run([this](std::error_code ec) { result = ec; });
  }
  // CONNACK, then SUBACK for the SUBSCRIBE it answers with: the session is ready.
  void connect() {
    s.clear();
    s.append(connack);
    io.poll();
    const auto sub_id = std::get<mqtt::subscribe>(packets(s.str(), keep).at(0)).packet_id;
    s.clear();
    s.append(suback(sub_id));
    io.poll();
    REQUIRE(session.state() == mqtt::session_state::ready);
  }
};

} // namespace

TEST_CASE("session_runner: CONNECT out, CONNACK and SUBACK in one byte at a time, messages to the caller, then eof") {
  asio::io_context io;
  test::stream s(io.get_executor());
  s.read_size(1);
  mqtt::client_session session(options());
  net::session_runner<test::stream, mqtt::client_session> runner(s, session, 16); // a tiny buffer must grow
  REQUIRE_FALSE(session.start(std::chrono::steady_clock::now()));
  events ev;
  std::error_code result = asio::error::would_block;
  runner.async_run(ev, [&](std::error_code ec) { result = ec; });
  io.poll();
  std::vector<std::string> keep;
  auto p = packets(s.str(), keep);
  REQUIRE(p.size() == 1);
  CHECK(std::holds_alternative<mqtt::connect>(p[0]));
  s.clear();

  s.append(connack);
  io.poll();
  p = packets(s.str(), keep);
  REQUIRE(p.size() == 1);
  const auto sub_id = std::get<mqtt::subscribe>(p[0]).packet_id;
  s.clear();
  s.append(suback(sub_id));
  const std::string big(80, 'x'); // larger than the initial buffer (and one remaining-length byte)
  s.append(publish_qos1(7, big));
  io.poll();
  REQUIRE(ev.kinds.size() >= 3);
  CHECK(ev.kinds[1] == mqtt::session_event::kind::ready);
  CHECK(ev.payloads == std::vector<std::string>{big});
  CHECK(runner.buffer_capacity() >= big.size());

  // The application acknowledges: the writer sends the PUBACK.
  REQUIRE_FALSE(session.acknowledge(7, session.epoch()));
  runner.output_queued();
  io.poll();
  p = packets(s.str(), keep);
  REQUIRE(p.size() == 1);
  CHECK(std::get<mqtt::puback>(p[0]).packet_id == 7);

  CHECK(result == asio::error::would_block); // still running
  s.close_remote();
  io.poll();
  CHECK(result == asio::error::eof);
}

TEST_CASE("session_runner: backpressure stops reading until may_read(), disconnect ends the run with `closed`") {
  running r;
  auto& [io, s, session, runner, ev, result, keep] = r;
  r.run();
  r.connect();

  ev.readable = false;
  s.append(publish_qos1(1, "one"));
  io.poll(); // the reader was already waiting: this read goes through, then it pauses
  s.append(publish_qos1(2, "two"));
  io.poll();
  CHECK(ev.payloads == std::vector<std::string>{"one"});
  CHECK(s.pending_input() > 0); // left in the stream, not buffered without bound
  ev.readable = true;
  runner.may_read();
  io.poll();
  CHECK(ev.payloads == std::vector<std::string>{"one", "two"});

  session.disconnect();
  runner.output_queued();
  io.poll();
  CHECK(result == mqtt::session_errc::closed);
  const auto p = packets(s.str(), keep);
  CHECK(std::holds_alternative<mqtt::disconnect>(p.back()));
}

TEST_CASE("session_runner: output held back by hold_output() goes out in one write when output_queued() releases it") {
  running r;
  auto& [io, s, session, runner, ev, result, keep] = r;
  r.run();
  r.connect();
  for (std::uint16_t id = 1; id <= 3; ++id) s.append(publish_qos1(id, "m"));
  io.poll();
  REQUIRE(ev.payloads.size() == 3);
  s.clear();
  const auto writes = s.write_count();

  ev.hold = true; // the application is completing a burst
  for (std::uint16_t id = 1; id <= 3; ++id) {
    REQUIRE_FALSE(session.acknowledge(id, session.epoch()));
    runner.output_queued();
    io.poll();
  }
  CHECK(s.str().empty());
  CHECK(s.write_count() == writes);

  ev.hold = false;
  runner.output_queued();
  io.poll();
  CHECK(s.write_count() == writes + 1);
  const auto p = packets(s.str(), keep);
  REQUIRE(p.size() == 3);
  for (std::uint16_t id = 1; id <= 3; ++id) CHECK(std::get<mqtt::puback>(p[id - 1u]).packet_id == id);
  CHECK(result == asio::error::would_block); // still running
}

TEST_CASE("session_runner: cancelling the run completes it with operation_aborted") {
  running r;
  asio::cancellation_signal cancel;
  std::error_code result = asio::error::would_block;
  r.run(asio::bind_cancellation_slot(cancel.slot(), [&](std::error_code ec) { result = ec; }));
  auto& io = r.io;
  CHECK(result == asio::error::would_block);
  cancel.emit(asio::cancellation_type::terminal);
  io.poll();
  CHECK(result == asio::error::operation_aborted);
}
