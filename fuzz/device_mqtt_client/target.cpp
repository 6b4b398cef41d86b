// device::mqtt_client (layer 4) against a broker that sends arbitrary bytes, with an
// application whose calls the input schedules.
//
// The client owns its transport (it resolves, connects a TCP socket and may wrap it in
// TLS), so the broker here is an acceptor on 127.0.0.1 in the same io_context: the
// client runs its real connect, read, write, lingering-close and reconnect paths, and a
// loopback write is in the peer's receive queue when write() returns, so poll() sees it
// at once and no run waits on a clock. Keep-alive and response time-outs are longer than
// any run; the retry policy retries at once, at most 1-4 attempts in a row.
//
// Input: 5 schedule bytes, then the broker's bytes.
//   [0] bits 0-3: the broker writes chunks of n*n bytes (0: all at once); bits 4-5: the
//       retry policy's max_attempts - 1; bit 6: receive_queue_capacity 1 (backpressure)
//       instead of 64; bit 7: the application completes only every other message.
//   [1..3] eight 3-bit actions, repeated: broker chunk (x2), async_receive,
//       async_complete of the oldest message held, async_send_telemetry, cancel the
//       oldest pending receive, async_reject of the oldest held, async_close.
//   [4] bit 0: at the end the broker hangs up (half-closes every connection) before the
//       application closes the client.
// Each connection gets the broker's bytes from where the last one stopped; the broker
// closes a connection when the client does. At the end the application closes the client.
//
// Properties:
//  - every operation's handler runs exactly once, never inside its initiating function,
//    and all have run once the client is closed (nothing hangs on any input);
//  - the messages handed out are, in order, a subsequence of the PUBLISHes the broker
//    sent (body = payload; the lock token carries the packet id exactly for QoS 1);
//  - async_reject completes with not_supported_by_transport;
//  - what the client writes decodes, on every connection, as CONNECT followed by
//    SUBSCRIBE, PUBLISH (telemetry, QoS 1), PUBACK, PINGREQ and at most one DISCONNECT,
//    last;
//  - a PUBACK goes out only for a message the application completed successfully, at most
//    once per connection per completion; with one connection and a clean close, exactly
//    once for every completion made before async_close;
//  - telemetry succeeds only after the client sent it and the broker PUBACKed its id.
#include "../check.hpp"

#include <hubwire/device/mqtt_client.hpp>
#include <hubwire/mqtt/decode.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace hubwire;
using namespace std::chrono_literals;
using asio::ip::tcp;

namespace {

constexpr const char* connection_string =
    "HostName=fuzz.azure-devices.net;DeviceId=fuzz;SharedAccessKey=ZnV6ei1kZXZpY2Uta2V5LTAxMjM0NTY3ODk=";

// One accepted connection: what the broker wrote to it and what it read from it.
struct connection {
  tcp::socket socket;
  std::string written, received;
  bool open = true;
  std::array<char, 4096> buffer{};
  explicit connection(asio::any_io_executor ex) : socket(std::move(ex)) {}
};

// The broker: the input's bytes, handed out in chunks to whichever connection is current.
struct broker {
  tcp::acceptor acceptor;
  std::string input;
  std::size_t pos = 0;
  std::size_t chunk;
  std::vector<std::shared_ptr<connection>> connections;
  bool stopped = false;
  bool hung_up = false; // every connection, now and later, sees eof

  broker(asio::io_context& io, std::string in, std::size_t chunk_size)
      : acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)), input(std::move(in)), chunk(chunk_size) {
    accept();
  }

  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
  bool exhausted() const { return pos >= input.size(); }
  connection* current() {
    return connections.empty() || !connections.back()->open ? nullptr : connections.back().get();
  }

  void accept() {
    auto c = std::make_shared<connection>(acceptor.get_executor());
    acceptor.async_accept(c->socket, [this, c](std::error_code ec) {
      if (ec || stopped) return;
      if (auto* old = current()) close(*old);
      connections.push_back(c);
      c->socket.set_option(tcp::no_delay(true), ec); // a chunk is on its way when written, not after an ACK
      read(c);
      if (hung_up) c->socket.shutdown(tcp::socket::shutdown_send, ec);
      accept();
    });
  }

  void read(const std::shared_ptr<connection>& c) {
    c->socket.async_read_some(asio::buffer(c->buffer), [this, c](std::error_code ec, std::size_t n) {
      c->received.append(c->buffer.data(), n);
      if (ec) close(*c); // the client closed (or half-closed, lingering): so does the broker
      else read(c);
    });
  }

  static void close(connection& c) {
    std::error_code ignored;
    c.open = false;
    c.socket.close(ignored);
  }

  // The next chunk to the current connection; false when there is none to write to.
  bool write_chunk() {
    auto* c = current();
    if (!c || exhausted()) return false;
    const std::size_t n = std::min(chunk, input.size() - pos);
    std::error_code ec;
    c->socket.non_blocking(true, ec);
    const std::size_t w = c->socket.write_some(asio::buffer(input.data() + pos, n), ec);
    c->written.append(input, pos, w);
    pos += w;
    return w > 0;
  }

  void hang_up() {
    hung_up = true;
    std::error_code ignored;
    if (auto* c = current()) c->socket.shutdown(tcp::socket::shutdown_send, ignored);
  }

  void stop() {
    stopped = true;
    std::error_code ignored;
    acceptor.close(ignored);
    for (auto& c : connections) close(*c);
  }
};

std::optional<std::uint16_t> lock_id(const iothub::c2d_message& m) {
  if (!m.lock_token) return std::nullopt;
  const std::string& t = *m.lock_token; // "mqtt:{epoch}:{id}"
  const auto colon = t.rfind(':');
  HUBWIRE_FUZZ_CHECK(t.rfind("mqtt:", 0) == 0 && colon != std::string::npos && colon > 4);
  return static_cast<std::uint16_t>(std::stoul(t.substr(colon + 1)));
}

struct sent_publish {
  std::string payload;
  std::optional<std::uint16_t> id; // QoS 1
};

// The PUBLISHes (and PUBACK ids) in what the broker wrote to one connection, up to its
// first malformed or incomplete packet (where the client stops too).
void publishes_in(std::string bytes, std::vector<sent_publish>& out, std::vector<std::uint16_t>& acks) {
  mqtt::decoder d({.local = mqtt::role::client, .max_packet_size = device::mqtt_client_options{}.max_message_size});
  core::bytes_view in(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  while (!in.empty()) {
    std::error_code ec;
    const std::size_t n = d.put(in, ec);
    if (ec || n == 0) return;
    in = in.subspan(n);
    if (const auto* p = std::get_if<mqtt::publish>(&d.value())) {
      std::optional<std::uint16_t> id;
      if (p->qos != mqtt::qos::at_most_once) id = p->packet_id;
      out.push_back({std::string(p->payload), id});
    } else if (const auto* a = std::get_if<mqtt::puback>(&d.value())) {
      acks.push_back(a->packet_id);
    }
  }
}

struct client_output {
  std::vector<std::uint16_t> acks; // PUBACK packet ids, in order
  std::vector<std::pair<std::uint16_t, std::string>> telemetry; // PUBLISH packet id, payload
  bool disconnected = false;       // ended with DISCONNECT
};

// What the client wrote on one connection, as the broker decodes it.
client_output check_client_output(const std::string& bytes) {
  client_output out;
  auto& acks = out.acks;
  auto& disconnected = out.disconnected;
  mqtt::decoder d({.local = mqtt::role::server, .max_packet_size = 1 << 20});
  core::bytes_view in(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  bool first = true;
  while (!in.empty()) {
    std::error_code ec;
    const std::size_t n = d.put(in, ec);
    HUBWIRE_FUZZ_CHECK(!ec && n > 0); // whole, valid client packets only
    in = in.subspan(n);
    const auto t = mqtt::type_of(d.value());
    HUBWIRE_FUZZ_CHECK(!disconnected); // nothing after DISCONNECT
    HUBWIRE_FUZZ_CHECK(first == (t == mqtt::packet_type::connect));
    first = false;
    switch (t) {
      case mqtt::packet_type::connect: {
        const auto& c = std::get<mqtt::connect>(d.value());
        HUBWIRE_FUZZ_CHECK(c.client_id == "fuzz" && !c.clean_session && c.username && c.password);
        break;
      }
      case mqtt::packet_type::subscribe: break;
      case mqtt::packet_type::publish: {
        const auto& p = std::get<mqtt::publish>(d.value());
        HUBWIRE_FUZZ_CHECK(p.qos == mqtt::qos::at_least_once && p.topic.rfind("devices/fuzz/messages/events/", 0) == 0);
        out.telemetry.emplace_back(p.packet_id, std::string(p.payload));
        break;
      }
      case mqtt::packet_type::puback: acks.push_back(std::get<mqtt::puback>(d.value()).packet_id); break;
      case mqtt::packet_type::pingreq: break;
      case mqtt::packet_type::disconnect: disconnected = true; break;
      default: HUBWIRE_FUZZ_CHECK(!"a packet the client has no reason to send");
    }
  }
  return out;
}

// The application's operations: each handler must run once, after its initiation returned.
struct operations {
  std::vector<int> runs;
  bool initiating = false;

  // A handler for a new operation, counting its runs, then calling `f`.
  template <class F>
  auto track(F f) {
    const std::size_t i = runs.size();
    runs.push_back(0);
    return [this, i, f = std::move(f)](std::error_code ec, auto&&... v) mutable {
      HUBWIRE_FUZZ_CHECK(!initiating);
      ++runs[i];
      f(ec, std::forward<decltype(v)>(v)...);
    };
  }
  template <class Initiate>
  void initiate(Initiate&& start) {
    initiating = true;
    start();
    initiating = false;
  }
  bool all_ran_once() const {
    return std::all_of(runs.begin(), runs.end(), [](int n) { return n == 1; });
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const unsigned chunk_sel = data[0] & 0x0F;
  const std::uint32_t attempts = 1u + ((data[0] >> 4) & 0x03);
  const bool backpressure = (data[0] & 0x40) != 0;
  const bool every_other = (data[0] & 0x80) != 0;
  const bool hang_up = (data[4] & 0x01) != 0;
  const std::uint32_t program = static_cast<std::uint32_t>(data[1]) | (static_cast<std::uint32_t>(data[2]) << 8) |
                                (static_cast<std::uint32_t>(data[3]) << 16);

  asio::io_context io;
  broker b(io, std::string(reinterpret_cast<const char*>(data + 5), size - 5),
           chunk_sel == 0 ? std::size_t(1) << 30 : chunk_sel * chunk_sel);

  asio::ssl::context tls(asio::ssl::context::tls_client); // unused: plain TCP
  net::retry_policy retry = device::default_retry_policy();
  retry.initial_delay = 0ms;
  retry.max_delay = 0ms;
  retry.jitter = 0;
  retry.max_attempts = attempts;
  auto client = std::make_unique<device::mqtt_client>(
      io.get_executor(), tls,
      device::mqtt_client_options{.credentials = auth::connection_string::parse(connection_string).value(),
                                  .transport = device::mqtt_transport::tcp,
                                  .connect_host = "127.0.0.1",
                                  .port = b.port(),
                                  .keep_alive = 600s,
                                  .response_timeout = 600s,
                                  .retry = retry,
                                  .receive_queue_capacity = backpressure ? 1u : 64u});
  bool ended = false; // the client's final status
  client->on_status([&](device::connection_status s, std::error_code) {
    HUBWIRE_FUZZ_CHECK(!ended);
    ended = s == device::connection_status::disconnected;
  });

  operations ops;
  std::vector<iothub::c2d_message> delivered;
  std::deque<iothub::c2d_message> held;              // received, not yet completed
  std::map<std::uint16_t, int> completed;           // successful completes per packet id
  std::map<std::uint16_t, int> completed_before_close;
  struct pending_receive {
    std::unique_ptr<asio::cancellation_signal> cancel;
    bool done = false;
    bool cancelled = false;
  };
  std::deque<std::shared_ptr<pending_receive>> receives;
  int receives_pending = 0;
  bool close_started = false;
  std::optional<std::error_code> close_result;
  std::size_t seen = 0; // messages received, for every_other

  ops.initiate([&] { client->async_open(ops.track([](std::error_code) {})); });

  auto receive = [&] {
    auto r = std::make_shared<pending_receive>();
    r->cancel = std::make_unique<asio::cancellation_signal>();
    receives.push_back(r);
    ++receives_pending;
    ops.initiate([&] {
      client->async_receive(asio::bind_cancellation_slot(
          r->cancel->slot(), ops.track([&, r](std::error_code ec, iothub::c2d_message m) {
            r->done = true;
            --receives_pending;
            if (r->cancelled && ec == asio::error::operation_aborted) return;
            if (ec && !m.lock_token && m.body.empty()) return; // the client is closed (or not open yet)
            delivered.push_back(m);
            if (!every_other || (seen++ % 2) == 0) held.push_back(std::move(m));
          })));
    });
  };
  auto complete = [&] {
    if (held.empty()) return;
    auto m = std::move(held.front());
    held.pop_front();
    const auto id = lock_id(m);
    const bool before_close = !close_started;
    ops.initiate([&] {
      client->async_complete(m, ops.track([&, id, before_close](std::error_code ec) {
        if (ec || !id) return;
        ++completed[*id];
        if (before_close) ++completed_before_close[*id];
      }));
    });
  };
  auto reject = [&] {
    if (held.empty()) return;
    ops.initiate([&] {
      client->async_reject(held.front(), ops.track([](std::error_code ec) {
        HUBWIRE_FUZZ_CHECK(ec == iothub::errc::not_supported_by_transport);
      }));
    });
  };
  // Telemetry "t{n}": done (successfully) ones are checked against the wire at the end.
  int telemetry_pending = 0, telemetry_sent = 0;
  std::vector<std::string> telemetry_done;
  auto send = [&] {
    iothub::c2d_message m;
    m.body = "t" + std::to_string(telemetry_sent++);
    m.message_id = "mid";
    ++telemetry_pending;
    ops.initiate([&] {
      client->async_send_telemetry(m, ops.track([&, body = m.body](std::error_code ec) {
        --telemetry_pending;
        if (!ec) telemetry_done.push_back(body);
      }));
    });
  };
  auto close = [&] {
    if (close_started) return;
    close_started = true;
    ops.initiate([&] { client->async_close(ops.track([&](std::error_code ec) { close_result = ec; })); });
  };
  auto cancel = [&] {
    for (auto& r : receives)
      if (!r->done && !r->cancelled) {
        r->cancelled = true;
        r->cancel->emit(asio::cancellation_type::terminal);
        return;
      }
  };
  // Runs handlers until `until()` or the wall-clock bound: the resolver answers from its
  // own thread, so a connection may take a moment to appear.
  auto run_until = [&](auto until, std::chrono::milliseconds bound) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (!until() && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      if (io.run_one_for(1ms) == 0 && io.stopped()) break;
    }
  };

  // The schedule, while the broker has bytes (and a bounded while after).
  std::size_t idle_rounds = 0;
  for (int step = 0; step < 4096 && idle_rounds < 16; ++step) {
    switch ((program >> (3 * (step % 8))) & 7) {
      case 0:
      case 1:
        if (!b.exhausted() && !ended) {
          run_until([&] { return b.current() != nullptr || ended || close_started; }, 2000ms);
          b.write_chunk();
        }
        break;
      case 2:
        if (receives_pending < 4) receive();
        break;
      case 3: complete(); break;
      case 4:
        if (telemetry_pending < 4) send();
        break;
      case 5: cancel(); break;
      case 6: reject(); break;
      case 7: close(); break;
    }
    io.restart();
    io.poll();
    if (b.exhausted() || ended) ++idle_rounds;
  }

  // The end: the application closes; everything completes.
  if (hang_up) {
    b.hang_up();
    run_until([&] { return ended; }, 20ms); // unless backpressure stopped its reads
  }
  close();
  run_until([&] { return close_result.has_value() && receives_pending == 0 && telemetry_pending == 0; }, 10'000ms);
  HUBWIRE_FUZZ_CHECK(close_result.has_value());
  HUBWIRE_FUZZ_CHECK(receives_pending == 0 && telemetry_pending == 0);
  HUBWIRE_FUZZ_CHECK(ended);
  // A receive after the end completes at once (not inside the call) with the error.
  receive();
  run_until([&] { return receives_pending == 0; }, 10'000ms);
  HUBWIRE_FUZZ_CHECK(receives_pending == 0);
  b.stop();
  client.reset();
  io.restart();
  io.run_for(10s);
  HUBWIRE_FUZZ_CHECK(io.stopped()); // nothing left waiting
  HUBWIRE_FUZZ_CHECK(ops.all_ran_once());

  // Messages: a subsequence of the PUBLISHes sent.
  std::vector<sent_publish> sent;
  std::vector<std::vector<std::uint16_t>> broker_acks; // per connection
  for (auto& c : b.connections) publishes_in(c->written, sent, broker_acks.emplace_back());
  std::size_t next = 0;
  for (const auto& m : delivered) {
    const auto id = lock_id(m);
    while (next < sent.size() && !(sent[next].payload == m.body && sent[next].id == id)) ++next;
    HUBWIRE_FUZZ_CHECK(next < sent.size());
    ++next;
  }

  // PUBACKs: only for completed messages, at most once per completion on each connection.
  static const bool verbose = std::getenv("HUBWIRE_FUZZ_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "connections %zu, publishes sent %zu, delivered %zu, completed %zu, telemetry done %zu, close: %s\n",
                 b.connections.size(), sent.size(), delivered.size(), completed.size(), telemetry_done.size(),
                 close_result ? close_result->message().c_str() : "-");
  std::vector<client_output> outs;
  for (auto& c : b.connections) {
    const client_output& out = outs.emplace_back(check_client_output(c->received));
    if (verbose)
      std::fprintf(stderr, "  wrote %zu, read %zu bytes, %zu PUBACKs, %zu telemetry%s\n", c->written.size(),
                   c->received.size(), out.acks.size(), out.telemetry.size(), out.disconnected ? ", DISCONNECT" : "");
    std::map<std::uint16_t, int> acks;
    for (auto id : out.acks) ++acks[id];
    for (auto [id, n] : acks) HUBWIRE_FUZZ_CHECK(n <= completed[id]);
    // One connection, alive until the close's DISCONNECT: every completion queued its
    // PUBACK ahead of it.
    if (b.connections.size() == 1 && out.disconnected)
      for (auto [id, n] : completed_before_close) HUBWIRE_FUZZ_CHECK(acks[id] == n);
  }
  // Telemetry completed successfully: the client sent it (PUBLISH QoS 1) and the broker
  // then acknowledged that packet id, on that connection or a later one.
  for (const auto& body : telemetry_done) {
    bool acked = false;
    for (std::size_t i = 0; i < outs.size() && !acked; ++i)
      for (const auto& [id, payload] : outs[i].telemetry)
        if (payload == body)
          for (std::size_t j = i; j < broker_acks.size() && !acked; ++j)
            acked = std::find(broker_acks[j].begin(), broker_acks[j].end(), id) != broker_acks[j].end();
    HUBWIRE_FUZZ_CHECK(acked);
  }
  return 0;
}
