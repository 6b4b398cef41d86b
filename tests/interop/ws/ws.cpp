// net::websocket_stream against a WebSocket server nobody here wrote: Node's ws package
// (peer.js), over ws:// and over wss:// (a certificate the test makes with openssl,
// trusted through net::make_tls_context), bridged to Debian's mosquitto. Every MQTT byte
// is made by hubwire's encoder and read by hubwire's decoder; all of it travels in
// WebSocket frames that ws parses and produces. The peers listen on 127.0.0.1 with
// ephemeral ports and are stopped by PID.
#include <hubwire/device/mqtt_client.hpp>
#include <hubwire/iothub/mqtt_topics.hpp>
#include <hubwire/mqtt/decode.hpp>
#include <hubwire/mqtt/encode.hpp>
#include <hubwire/net/tls.hpp>
#include <hubwire/net/websocket_stream.hpp>
#include <hubwire/net/with_timeout.hpp>
#include <hubwire_test/catch.hpp>
#include <hubwire_test/pki.hpp>
#include <hubwire_test/process.hpp>

#include <asio/co_spawn.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace hubwire;
using tcp = asio::ip::tcp;
using plain_ws = net::websocket_stream<tcp::socket>;
using secure_ws = net::websocket_stream<asio::ssl::stream<tcp::socket>>;

namespace {

void run(const std::string& cmd) {
  INFO(cmd);
  REQUIRE(std::system((cmd + " >/dev/null 2>&1").c_str()) == 0);
}

// mosquitto, and Node's ws in front of it on two ports (ws and wss), for one test case.
struct peers {
  hubwire_test::pki certs{"interop-ws"};
  fs::path dir = certs.dir;
  std::uint16_t broker_port = hubwire_test::free_port();
  std::uint16_t ws_port = hubwire_test::free_port();
  std::uint16_t wss_port = hubwire_test::free_port();
  std::optional<hubwire_test::process> broker, node;

  peers() {
    std::ofstream(dir / "mosquitto.conf") << "listener " << broker_port << " 127.0.0.1\nallow_anonymous true\npersistence false\n";
    broker.emplace(std::vector<std::string>{"mosquitto", "-c", (dir / "mosquitto.conf").string()}, (dir / "mosquitto.log").string());
    REQUIRE(broker->wait_for_port(broker_port));
    node.emplace(std::vector<std::string>{HUBWIRE_NODE_EXECUTABLE, HUBWIRE_WS_PEER, std::to_string(ws_port), std::to_string(wss_port),
                                          std::to_string(broker_port), (dir / "server.pem").string(), (dir / "server.key").string()},
                 log().string());
    REQUIRE(node->wait_for_port(ws_port));
    REQUIRE(node->wait_for_port(wss_port));
  }
  ~peers() {
    node.reset(); // stopped by PID
    broker.reset();
    fs::remove_all(dir);
  }
  fs::path log() const { return dir / "node.log"; }

  // Waits until Node has printed a line starting with `prefix`; returns the line.
  std::optional<std::string> node_said(const std::string& prefix, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      std::istringstream lines(hubwire_test::read_file(log()));
      for (std::string line; std::getline(lines, line);)
        if (line.starts_with(prefix)) return line;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    UNSCOPED_INFO("node.log:\n" << hubwire_test::read_file(log()));
    return std::nullopt;
  }
};

// Connects, does TLS if the stream has it, then the WebSocket handshake.
template <class Stream>
asio::awaitable<void> open(Stream& ws, std::uint16_t port, std::string path) {
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  if constexpr (std::is_same_v<Stream, secure_ws>) {
    co_await ws.next_layer().next_layer().async_connect(ep, asio::use_awaitable);
    REQUIRE_FALSE(net::set_peer_host(ws.next_layer(), "localhost"));
    co_await ws.next_layer().async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  } else {
    co_await ws.next_layer().async_connect(ep, asio::use_awaitable);
  }
  co_await ws.async_handshake("localhost:" + std::to_string(port), std::move(path), "mqtt", asio::use_awaitable);
}

// After the close handshake: the TCP connection goes too (ws reports the WebSocket
// closed only once it has).
template <class Stream>
void close_transport(Stream& ws) {
  std::error_code ignored;
  if constexpr (std::is_same_v<Stream, secure_ws>) ws.next_layer().next_layer().close(ignored);
  else ws.next_layer().close(ignored);
}

template <class Stream>
asio::awaitable<void> send(Stream& ws, const mqtt::packet& p) {
  std::error_code ec;
  std::vector<std::uint8_t> out(mqtt::encoded_size(p, ec));
  REQUIRE_FALSE(ec);
  REQUIRE(mqtt::encode(p, out, ec) == out.size());
  const std::size_t n = co_await asio::async_write(ws, asio::buffer(out), asio::use_awaitable);
  CHECK(n == out.size());
}

// MQTT packets read from the WebSocket byte stream with hubwire's decoder.
template <class Stream>
struct mqtt_reader {
  Stream& ws;
  mqtt::decoder decoder{{.local = mqtt::role::client}};
  std::vector<std::uint8_t> buffer{};
  std::size_t consumed = 0;

  // The next packet; its views stay valid until the next call.
  asio::awaitable<mqtt::packet> receive() {
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(consumed));
    consumed = 0;
    for (;;) {
      std::error_code ec;
      const std::size_t used = decoder.put(buffer, ec);
      if (!ec) {
        consumed = used;
        co_return decoder.value();
      }
      REQUIRE(ec == mqtt::errc::need_more);
      std::array<std::uint8_t, 1500> chunk{};
      const std::size_t n = co_await ws.async_read_some(asio::buffer(chunk), asio::use_awaitable);
      REQUIRE(n > 0);
      buffer.insert(buffer.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }
};

template <class P>
P as(const mqtt::packet& p) {
  REQUIRE(std::holds_alternative<P>(p));
  return std::get<P>(p);
}

// Runs a coroutine to completion (or fails after a deadline), rethrowing its failures.
void run_test(asio::io_context& io, asio::awaitable<void> body) {
  bool done = false;
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(body), [&](std::exception_ptr e) {
    failure = e;
    done = true;
  });
  io.run_for(std::chrono::seconds(60));
  if (failure) std::rethrow_exception(failure);
  REQUIRE(done);
}

// CONNECT/CONNACK, SUBSCRIBE/SUBACK, PUBLISH QoS 1 both ways with PUBACKs (a small
// message and one of 200 KB, which ws and mosquitto cut into many frames and segments),
// PINGREQ, DISCONNECT, then the WebSocket close handshake.
template <class Stream>
asio::awaitable<void> mqtt_session(Stream& ws, std::uint16_t port) {
  co_await open(ws, port, std::string(net::websocket::iothub_path));
  mqtt_reader<Stream> in{ws};

  const auto fields = iothub::make_mqtt_connect(
      {.host = "localhost", .device_id = "dev1", .password = "SharedAccessSignature sr=x&sig=y&se=1", .keep_alive = std::chrono::seconds(60)});
  REQUIRE(fields);
  auto connect = fields->packet();
  connect.clean_session = true;
  co_await send(ws, connect);
  // (No co_await inside Catch's macros or next to a braced list: g++ 12 cannot keep their
  // temporary arrays in the coroutine frame.)
  mqtt::packet reply = co_await in.receive();
  CHECK(as<mqtt::connack>(reply) == mqtt::connack{false, mqtt::connect_return_code::accepted});

  const std::string filter = *iothub::c2d_subscription_filter("dev1");
  const mqtt::subscribe subscribe{1, {{filter, mqtt::qos::at_least_once}}};
  co_await send(ws, subscribe);
  reply = co_await in.receive();
  CHECK(as<mqtt::suback>(reply) == mqtt::suback{1, {mqtt::suback_code::granted_qos1}});

  std::string big(200 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 31 + i / 977) & 0xFF);
  const std::string topic = "devices/dev1/messages/devicebound/a=1";
  const std::vector<std::pair<std::uint16_t, std::string>> messages{{7, "one"}, {8, big}};
  for (const auto& message : messages) {
    const std::uint16_t id = message.first;
    const std::string& body = message.second;
    const mqtt::publish out{.topic = topic, .payload = body, .qos = mqtt::qos::at_least_once, .packet_id = id};
    co_await send(ws, out);
    bool acked = false, copied = false;
    for (int i = 0; i < 2; ++i) {
      const auto p = co_await in.receive();
      if (const auto* ack = std::get_if<mqtt::puback>(&p)) {
        CHECK(ack->packet_id == id);
        acked = true;
      } else {
        const auto copy = as<mqtt::publish>(p);
        CHECK(copy.topic == topic);
        CHECK(copy.payload.size() == body.size());
        CHECK(copy.payload == body);
        CHECK(copy.qos == mqtt::qos::at_least_once);
        copied = true;
        co_await send(ws, mqtt::puback{copy.packet_id});
      }
    }
    CHECK(acked);
    CHECK(copied);
  }

  co_await send(ws, mqtt::pingreq{});
  reply = co_await in.receive();
  CHECK(std::holds_alternative<mqtt::pingresp>(reply));

  co_await send(ws, mqtt::disconnect{});
  // mosquitto drops the bridge's TCP connection, so ws may close first; either way the
  // close handshake completes.
  const auto closed = co_await ws.async_close(net::as_tuple(asio::use_awaitable));
  CHECK_FALSE(std::get<0>(closed));
  close_transport(ws);
}

// Node sends a Ping and tells us what Pong it got; then Node closes with 4000.
template <class Stream>
asio::awaitable<void> control_frames(Stream& ws, std::uint16_t port) {
  co_await open(ws, port, "/ping");
  std::string got;
  while (got.size() < std::string("pong:are you there?").size()) {
    std::array<char, 64> buf{};
    const std::size_t n = co_await ws.async_read_some(asio::buffer(buf), asio::use_awaitable);
    got.append(buf.data(), n);
  }
  CHECK(got == "pong:are you there?");
}

template <class Stream>
asio::awaitable<void> server_close(Stream& ws, std::uint16_t port) {
  co_await open(ws, port, "/close");
  std::string got(10, '\0');
  co_await asio::async_read(ws, asio::buffer(got), asio::use_awaitable);
  CHECK(got == "last words");
  std::array<char, 16> buf{};
  const auto last = co_await ws.async_read_some(asio::buffer(buf), net::as_tuple(asio::use_awaitable));
  CHECK(std::get<0>(last) == asio::error::eof);
  CHECK(std::get<1>(last) == 0);
  CHECK(ws.close_received());
}

// "pings=N pongs=M" from the bridge's closing line.
std::pair<int, int> ping_counts(const std::string& line) {
  int pings = -1, pongs = -1;
  std::sscanf(line.substr(line.find("pings=")).c_str(), "pings=%d pongs=%d", &pings, &pongs);
  return {pings, pongs};
}

std::string loop_payload(int i) {
  std::string s(20000, '\0');
  for (std::size_t k = 0; k < s.size(); ++k) s[k] = static_cast<char>((k * 13 + static_cast<std::size_t>(i) * 101) & 0xFF);
  return s;
}

constexpr int loop_count = 40;

template <class Stream>
asio::awaitable<void> loop_writer(Stream& ws) {
  for (int i = 0; i < loop_count; ++i) {
    const std::string topic = "loop/" + std::to_string(i), body = loop_payload(i);
    const mqtt::publish out{.topic = topic, .payload = body};
    co_await send(ws, out);
  }
}

template <class Stream>
asio::awaitable<void> loop_reader(mqtt_reader<Stream>& in) {
  for (int i = 0; i < loop_count; ++i) {
    const mqtt::packet p = co_await in.receive();
    const auto copy = as<mqtt::publish>(p);
    CHECK(copy.topic == "loop/" + std::to_string(i));
    CHECK(copy.payload == loop_payload(i));
  }
}

// One coroutine writes 40 PUBLISHes of 20 KB while another reads mosquitto's copies
// back: a read and a write outstanding together, all the time, while ws pings after
// every message it receives.
template <class Stream>
asio::awaitable<void> concurrent_session(Stream& ws, std::uint16_t port) {
  using namespace asio::experimental::awaitable_operators;
  co_await open(ws, port, std::string(net::websocket::iothub_path));
  mqtt_reader<Stream> in{ws};
  const mqtt::connect connect{.client_id = "loop-client"};
  co_await send(ws, connect);
  mqtt::packet reply = co_await in.receive();
  CHECK(as<mqtt::connack>(reply).code == mqtt::connect_return_code::accepted);
  const mqtt::subscribe subscribe{1, {{"loop/#", mqtt::qos::at_most_once}}};
  co_await send(ws, subscribe);
  reply = co_await in.receive();
  CHECK(as<mqtt::suback>(reply) == mqtt::suback{1, {mqtt::suback_code::granted_qos0}});

  co_await (loop_writer(ws) && loop_reader(in));

  co_await send(ws, mqtt::disconnect{});
  const auto closed = co_await ws.async_close(net::as_tuple(asio::use_awaitable));
  CHECK_FALSE(std::get<0>(closed));
  close_transport(ws);
}

} // namespace

TEST_CASE("MQTT over ws:// through Node's ws to mosquitto: CONNECT, SUBSCRIBE, PUBLISH QoS 1 both ways, close") {
  peers p;
  asio::io_context io;
  plain_ws ws(io);
  run_test(io, mqtt_session(ws, p.ws_port));
  CHECK(p.node_said("ws connection /$iothub/websocket protocol=mqtt"));
  const auto closed = p.node_said("ws bridge closed 1000 ");
  REQUIRE(closed);
  const auto [pings, pongs] = ping_counts(*closed);
  CHECK(pings >= 8);
  CHECK(pongs >= 1); // Pongs may be coalesced (latest Ping wins, RFC 6455 5.5.3)
  CHECK(pongs <= pings);
}

TEST_CASE("MQTT over wss:// through Node's ws to mosquitto, the CA trusted via make_tls_context") {
  peers p;
  asio::io_context io;
  auto ctx = net::make_tls_context({.ca_file = (p.dir / "test-ca.pem").string()});
  REQUIRE(ctx);
  secure_ws ws(io, *ctx);
  run_test(io, mqtt_session(ws, p.wss_port));
  CHECK(p.node_said("wss connection /$iothub/websocket protocol=mqtt"));
  const auto closed = p.node_said("wss bridge closed 1000 ");
  REQUIRE(closed);
  const auto [pings, pongs] = ping_counts(*closed);
  CHECK(pings >= 8);
  CHECK(pongs >= 1);
  CHECK(pongs <= pings);
}

TEST_CASE("A read and a write outstanding together through Node's ws, pinging all along, over ws:// and wss://") {
  peers p;
  asio::io_context io;
  {
    plain_ws ws(io);
    run_test(io, concurrent_session(ws, p.ws_port));
  }
  auto ctx = net::make_tls_context({.ca_file = (p.dir / "test-ca.pem").string()});
  REQUIRE(ctx);
  {
    secure_ws ws(io, *ctx);
    io.restart();
    run_test(io, concurrent_session(ws, p.wss_port));
  }
  for (const std::string scheme : {"ws", "wss"}) {
    const auto closed = p.node_said(scheme + " bridge closed 1000 ");
    REQUIRE(closed);
    const auto [pings, pongs] = ping_counts(*closed);
    INFO(*closed);
    CHECK(pings >= loop_count);
    CHECK(pongs >= 1);
    CHECK(pongs <= pings);
  }
}

TEST_CASE("Node's ws Ping gets our Pong, over ws:// and wss://") {
  peers p;
  asio::io_context io;
  {
    plain_ws ws(io);
    run_test(io, control_frames(ws, p.ws_port));
  }
  CHECK(p.node_said("ws pong are you there?"));
  auto ctx = net::make_tls_context({.ca_file = (p.dir / "test-ca.pem").string()});
  REQUIRE(ctx);
  {
    secure_ws ws(io, *ctx);
    io.restart();
    run_test(io, control_frames(ws, p.wss_port));
  }
  CHECK(p.node_said("wss pong are you there?"));
}

TEST_CASE("Node's ws closes: data before the Close is read, the Close is echoed, then eof") {
  peers p;
  asio::io_context io;
  {
    plain_ws ws(io);
    run_test(io, server_close(ws, p.ws_port));
  }
  // ws reports the code and reason of the Close it received back: our echo.
  CHECK(p.node_said("ws close-handshake 4000 "));
  auto ctx = net::make_tls_context({.ca_file = (p.dir / "test-ca.pem").string()});
  REQUIRE(ctx);
  {
    secure_ws ws(io, *ctx);
    io.restart();
    run_test(io, server_close(ws, p.wss_port));
  }
  CHECK(p.node_said("wss close-handshake 4000 "));
}

// The device client's websocket_tls transport end to end: TLS, the WebSocket handshake on
// /$iothub/websocket with subprotocol "mqtt", then MQTT through Node's ws to mosquitto.
TEST_CASE("device::mqtt_client over wss through Node's ws: receives, completes, and is not redelivered") {
  peers p;
  auto tls = hubwire::net::make_tls_context({.ca_file = (p.dir / "test-ca.pem").string()});
  REQUIRE(tls);
  auto options = [&] {
    hubwire::device::mqtt_client_options o;
    o.credentials = hubwire::auth::connection_string::parse("HostName=localhost;DeviceId=wss-dev;SharedAccessKey=AAAA").value();
    o.transport = hubwire::device::mqtt_transport::websocket_tls;
    o.connect_host = "127.0.0.1";
    o.port = p.wss_port;
    return o;
  };
  asio::io_context io;
  bool done = false;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    {
      hubwire::device::mqtt_client c(io.get_executor(), *tls, options());
      co_await c.async_open(asio::use_awaitable);
      run("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(p.broker_port) +
          " -q 1 -t 'devices/wss-dev/messages/devicebound/%24.mid=w1&kind=wss' -m over-websocket");
      auto m = co_await c.async_receive(asio::use_awaitable);
      CHECK(m.body == "over-websocket");
      CHECK(m.message_id == "w1");
      REQUIRE(m.find_property("kind"));
      CHECK(m.find_property("kind")->value == "wss");
      co_await c.async_complete(m, asio::use_awaitable);
      co_await c.async_close(asio::use_awaitable);
    }
    hubwire::device::mqtt_client again(io.get_executor(), *tls, options());
    co_await again.async_open(asio::use_awaitable);
    auto [ec, m] = co_await hubwire::net::with_timeout(again.async_receive(hubwire::net::deferred), std::chrono::milliseconds(700),
                                                       hubwire::net::as_tuple(asio::use_awaitable));
    CHECK(ec == asio::error::timed_out); // the PUBACK went through the bridge
    co_await again.async_close(asio::use_awaitable);
    done = true;
  }, [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
  io.run_for(std::chrono::seconds(30));
  CHECK(done);
  CHECK(p.node_said("wss connection /$iothub/websocket protocol=mqtt"));
}
