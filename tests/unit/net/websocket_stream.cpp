// net::websocket_stream over the scripted test::stream. The server's bytes are RFC 6455's
// own examples (section 5.7) wherever the RFC has one; the server's handshake reply is
// made by hubwire's server-role websocket::accept_request from the request the client
// wrote, and the client's frames are read back with the server-role frame decoder.
#include <hubwire/http/parser.hpp>
#include <hubwire/net/websocket_stream.hpp>
#include <hubwire/net/with_timeout.hpp>
#include <hubwire/test/stream.hpp>
#include <hubwire_test/catch.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/read.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>
#include <asio/write.hpp>

#include <optional>
#include <thread>

using namespace hubwire;
namespace ws = hubwire::net::websocket;
using ws::opcode;

namespace {

// RFC 6455 section 5.7 examples (server to client: unmasked).
const std::string rfc_text_hello("\x81\x05\x48\x65\x6c\x6c\x6f", 7);      // single-frame text "Hello"
const std::string rfc_masked_hello("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11); // client to server
const std::string rfc_fragment_hel("\x01\x03\x48\x65\x6c", 5);            // first fragment, text opcode
const std::string rfc_fragment_lo("\x80\x02\x6c\x6f", 4);                 // continuation, FIN
const std::string rfc_ping_hello("\x89\x05\x48\x65\x6c\x6c\x6f", 7);      // unmasked Ping "Hello"
const std::string rfc_pong_hello("\x8a\x05\x48\x65\x6c\x6c\x6f", 7);      // unmasked Pong "Hello"
const std::string rfc_binary_256_header("\x82\x7E\x01\x00", 4);           // 256 bytes binary, one frame
const std::string rfc_binary_64k_header("\x82\x7F\x00\x00\x00\x00\x00\x01\x00\x00", 10); // 65536 bytes

// The RFC's fragmented example carries text; hubwire refuses text (MQTT is binary), so
// the same bytes with the first frame's opcode set to binary (0x02 for 0x01).
std::string binary_fragment_hel() {
  std::string f = rfc_fragment_hel;
  f[0] = '\x02';
  return f;
}

std::string close_frame(std::uint16_t code) {
  return std::string{'\x88', '\x02', static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
}

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + i / 251) & 0xFF);
  return s;
}

// The server's 101, made by the server-role handshake from the client's request.
std::string server_reply(std::string_view request, std::string_view subprotocol = "mqtt") {
  http::request_parser p;
  std::error_code ec;
  REQUIRE(p.put(request, ec) == request.size());
  REQUIRE(p.is_done());
  const auto& fields = p.get().fields;
  std::string response;
  REQUIRE_FALSE(ws::accept_request(
      [&](std::string_view name) -> std::optional<std::string_view> {
        if (const auto* f = fields.find(name)) return std::string_view(f->value);
        return std::nullopt;
      },
      subprotocol, response));
  return response;
}

std::string key_of(std::string_view request) {
  http::request_parser p;
  std::error_code ec;
  p.put(request, ec);
  REQUIRE(p.is_done());
  return std::string(p.get().fields.value("Sec-WebSocket-Key"));
}

struct client_frame {
  opcode op;
  bool fin;
  std::array<std::uint8_t, 4> mask;
  std::string payload;
};

// What the client wrote, decoded as a server would (which checks that it is masked).
std::vector<client_frame> frames_in(std::string_view wire) {
  std::string copy(wire);
  ws::decoder d({.local = ws::role::server, .max_frame_payload = 1 << 24});
  std::vector<client_frame> out;
  std::string payload;
  std::size_t pos = 0;
  while (pos < copy.size()) {
    std::error_code ec;
    auto* p = reinterpret_cast<std::uint8_t*>(copy.data()) + pos;
    pos += d.put(core::mutable_bytes(p, copy.size() - pos), ec);
    REQUIRE_FALSE(ec);
    payload += core::as_chars(d.payload());
    if (d.frame_done()) {
      out.push_back({d.header().op, d.header().fin, d.header().mask, payload});
      payload.clear();
    }
  }
  return out;
}

std::uint16_t close_code(const client_frame& f) {
  REQUIRE(f.op == opcode::close);
  REQUIRE(f.payload.size() >= 2);
  return static_cast<std::uint16_t>((static_cast<std::uint8_t>(f.payload[0]) << 8) | static_cast<std::uint8_t>(f.payload[1]));
}

struct fixture {
  asio::io_context io;
  net::websocket_stream<test::stream> ws{io.get_executor()};

  test::stream& wire() { return ws.next_layer(); }

  // Runs every handler that is ready; a read parked on the test stream stays parked.
  void drain() {
    io.restart();
    while (io.poll() > 0) {}
  }

  std::error_code handshake(const std::function<std::string(std::string_view)>& reply) {
    std::optional<std::error_code> result;
    ws.async_handshake("hub.example", std::string(ws::iothub_path), "mqtt", [&](std::error_code ec) { result = ec; });
    drain();
    const std::string request(wire().str());
    wire().clear();
    wire().append(reply(request));
    drain();
    REQUIRE(result);
    return *result;
  }

  // Opens the stream; `after` arrives in the same segment as the 101.
  void open(const std::string& after = {}) {
    REQUIRE_FALSE(handshake([&](std::string_view req) { return server_reply(req) + after; }));
  }

  struct read_result {
    std::optional<std::error_code> ec;
    std::string data;
  };

  // Starts a read into a buffer of `max` bytes; completion lands in the result.
  std::shared_ptr<read_result> start_read(std::size_t max = 1024, asio::cancellation_slot slot = {}) {
    auto r = std::make_shared<read_result>();
    r->data.resize(max);
    ws.async_read_some(asio::buffer(r->data), asio::bind_cancellation_slot(slot, [r](std::error_code ec, std::size_t n) {
                         r->ec = ec;
                         r->data.resize(n);
                       }));
    return r;
  }

  read_result read(std::size_t max = 1024) {
    auto r = start_read(max);
    drain();
    REQUIRE(r->ec);
    return *r;
  }

  std::pair<std::error_code, std::size_t> write(std::string_view data) {
    std::optional<std::pair<std::error_code, std::size_t>> r;
    ws.async_write_some(asio::buffer(data), [&](std::error_code ec, std::size_t n) { r.emplace(ec, n); });
    drain();
    REQUIRE(r);
    return *r;
  }
};

} // namespace

TEST_CASE("websocket_stream handshake: RFC 6455 4.1 request with a fresh CSPRNG key, and a 101 accepted byte by byte") {
  fixture f;
  f.wire().read_size(1); // the reply arrives one byte per read
  std::string request;
  REQUIRE_FALSE(f.handshake([&](std::string_view req) {
    request = req;
    return server_reply(req) + rfc_binary_256_header + pattern(256);
  }));
  CHECK(request.starts_with("GET /$iothub/websocket HTTP/1.1\r\nHost: hub.example\r\n"));
  CHECK(request.find("\r\nUpgrade: websocket\r\n") != std::string::npos);
  CHECK(request.find("\r\nSec-WebSocket-Version: 13\r\n") != std::string::npos);
  CHECK(request.find("\r\nSec-WebSocket-Protocol: mqtt\r\n") != std::string::npos);
  std::error_code ec;
  CHECK(core::base64::decode(key_of(request), ec).size() == 16);
  CHECK_FALSE(ec);

  // The frame that came with the 101 is the first thing read.
  f.wire().read_size(4096);
  std::string got;
  while (got.size() < 256) {
    auto r = f.read(100);
    REQUIRE_FALSE(*r.ec);
    CHECK(r.data.size() <= 100);
    got += r.data;
  }
  CHECK(got == pattern(256));

  // Another connection, another key.
  fixture g;
  std::string request2;
  REQUIRE_FALSE(g.handshake([&](std::string_view req) {
    request2 = req;
    return server_reply(req);
  }));
  CHECK(key_of(request2) != key_of(request));
}

TEST_CASE("websocket_stream handshake: each wrong reply is named") {
  const std::string sample_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; // RFC 6455 1.3, for another key
  {
    fixture f;
    CHECK(f.handshake([&](std::string_view) {
      return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
             sample_accept + "\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n";
    }) == ws::handshake_errc::bad_accept);
  }
  {
    fixture f;
    CHECK(f.handshake([](std::string_view req) { return server_reply(req, ""); }) ==
          ws::handshake_errc::subprotocol_mismatch);
  }
  {
    fixture f;
    CHECK(f.handshake([](std::string_view) { return "HTTP/1.1 401 Unauthorized\r\nContent-Length: 5\r\n\r\nnope!"; }) ==
          ws::handshake_errc::not_switching_protocols);
  }
}

TEST_CASE("websocket_stream handshake: the peer closing mid-reply is eof, and an endless header is refused") {
  {
    fixture f;
    std::optional<std::error_code> result;
    f.ws.async_handshake("h", "/", "mqtt", [&](std::error_code ec) { result = ec; });
    f.drain();
    f.wire().append("HTTP/1.1 101 Switching Protocols\r\nUpgra");
    f.wire().close_remote();
    f.drain();
    REQUIRE(result);
    CHECK(*result == asio::error::eof);
  }
  {
    fixture f;
    f.ws.set_options({.read_buffer_size = 256});
    std::optional<std::error_code> result;
    f.ws.async_handshake("h", "/", "mqtt", [&](std::error_code ec) { result = ec; });
    f.drain();
    f.wire().append("HTTP/1.1 101 Switching Protocols\r\nX: " + std::string(300, 'a') + "\r\n\r\n");
    f.drain();
    REQUIRE(result);
    CHECK(*result == http::errc::header_too_large);
  }
}

TEST_CASE("websocket_stream reads RFC 6455 5.7's binary frames as one byte stream, in any split") {
  for (std::size_t split : {1u, 3u, 7u, 4096u}) {
    for (std::size_t user : {1u, 100u, 70000u}) {
      fixture f;
      f.open();
      f.wire().read_size(split);
      const std::string body256 = pattern(256), body64k = pattern(65536);
      f.wire().append(rfc_binary_256_header + body256 + rfc_binary_64k_header + body64k);
      std::string got;
      while (got.size() < 256 + 65536) {
        auto r = f.read(user);
        REQUIRE_FALSE(*r.ec);
        REQUIRE(!r.data.empty());
        REQUIRE(r.data.size() <= user);
        got += r.data;
      }
      CHECK(got == body256 + body64k);
      CHECK(f.wire().str().empty()); // nothing to answer
    }
  }
}

TEST_CASE("websocket_stream: a fragmented message with a Ping between the fragments (RFC 6455 5.4, 5.7)") {
  fixture f;
  f.open();
  f.wire().append(binary_fragment_hel() + rfc_ping_hello + rfc_fragment_lo + rfc_pong_hello);
  std::string got;
  while (got.size() < 5) {
    auto r = f.read();
    REQUIRE_FALSE(*r.ec);
    got += r.data;
  }
  CHECK(got == "Hello");
  // One masked Pong echoing the Ping's payload; the unsolicited Pong got no answer.
  const auto frames = frames_in(f.wire().str());
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].op == opcode::pong);
  CHECK(frames[0].payload == "Hello");
  CHECK(f.wire().pending_input() == 0);
}

TEST_CASE("websocket_stream: asio::async_read over a message split across frames") {
  fixture f;
  f.open();
  f.wire().read_size(2);
  f.wire().append(binary_fragment_hel() + rfc_fragment_lo);
  std::string buf(5, '\0');
  std::optional<std::error_code> result;
  asio::async_read(f.ws, asio::buffer(buf), [&](std::error_code ec, std::size_t n) {
    result = ec;
    CHECK(n == 5);
  });
  f.drain();
  REQUIRE(result);
  CHECK_FALSE(*result);
  CHECK(buf == "Hello");
}

TEST_CASE("websocket_stream: a Ping during a write is answered after the write's frame, never inside it") {
  fixture f;
  f.open();
  f.wire().write_size(3); // the write takes many next-layer writes
  const std::string payload = pattern(100);
  std::optional<std::size_t> written;
  f.ws.async_write_some(asio::buffer(payload), [&](std::error_code ec, std::size_t n) {
    CHECK_FALSE(ec);
    written = n;
  });
  auto r = f.start_read();
  f.wire().append(rfc_ping_hello + "\x82\x01z");
  f.drain();
  REQUIRE(written);
  CHECK(*written == 100);
  REQUIRE(r->ec);
  CHECK_FALSE(*r->ec);
  CHECK(r->data == "z");
  const auto frames = frames_in(f.wire().str());
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].op == opcode::binary);
  CHECK(frames[0].payload == payload);
  CHECK(frames[1].op == opcode::pong);
  CHECK(frames[1].payload == "Hello");
}

TEST_CASE("websocket_stream: a write started while the read side sends a Pong waits, and can be cancelled there") {
  fixture f;
  f.open();
  f.wire().append(rfc_ping_hello);
  auto r = f.start_read();
  f.io.restart();
  f.io.run_one(); // the read gets the Ping and starts writing the Pong
  asio::cancellation_signal cancel;
  std::optional<std::error_code> first;
  f.ws.async_write_some(asio::buffer("abc", 3), asio::bind_cancellation_slot(cancel.slot(), [&](std::error_code ec, std::size_t n) {
                          first = ec;
                          CHECK(n == 0);
                        }));
  cancel.emit(asio::cancellation_type::terminal);
  f.drain();
  REQUIRE(first);
  CHECK(*first == asio::error::operation_aborted);
  // The stream is intact: a later write goes out after the Pong.
  CHECK(f.write("def") == std::pair<std::error_code, std::size_t>({}, 3));
  const auto frames = frames_in(f.wire().str());
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].op == opcode::pong);
  CHECK(frames[1].op == opcode::binary);
  CHECK(frames[1].payload == "def");
  CHECK_FALSE(r->ec); // still waiting for data
  f.wire().close_remote();
  f.drain();
  CHECK(r->ec == asio::error::eof);
}

TEST_CASE("websocket_stream writes one masked binary frame per write, with a fresh mask") {
  fixture f;
  f.open();
  CHECK(f.write("abc") == std::pair<std::error_code, std::size_t>({}, 3));
  const std::string wire(f.wire().str());
  REQUIRE(wire.size() == 2 + 4 + 3);
  CHECK(wire.substr(0, 2) == "\x82\x83"); // FIN, binary; masked, length 3
  f.wire().clear();

  // Larger than the write buffer: one frame with a 64-bit length, sent in pieces.
  f.wire().write_size(1000);
  const std::string big = pattern(70000);
  CHECK(f.write(big) == std::pair<std::error_code, std::size_t>({}, 70000));
  CHECK(f.write("abc") == std::pair<std::error_code, std::size_t>({}, 3));
  const auto frames = frames_in(f.wire().str());
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].op == opcode::binary);
  CHECK(frames[0].fin);
  CHECK(frames[0].payload == big);
  CHECK(std::string_view(f.wire().str()).substr(1, 1) == "\xFF"); // masked, 127: 64-bit length
  CHECK(frames[1].payload == "abc");
  // Three frames, three masks (a repeat has probability 2^-32 per pair).
  const auto first_mask = std::string(wire.substr(2, 4));
  CHECK(frames[0].mask != frames[1].mask);
  CHECK(std::string(frames[0].mask.begin(), frames[0].mask.end()) != first_mask);

  // A zero-length write writes nothing.
  f.wire().clear();
  CHECK(f.write("") == std::pair<std::error_code, std::size_t>({}, 0));
  CHECK(f.wire().str().empty());
}

TEST_CASE("websocket_stream: the server's Close is echoed, then every read is eof and writes fail") {
  fixture f;
  f.open();
  f.wire().append("\x82\x02hi" + close_frame(1001) + "\x82\x02no");
  auto r = f.read();
  CHECK_FALSE(*r.ec);
  CHECK(r.data == "hi");
  r = f.read();
  CHECK(*r.ec == asio::error::eof);
  CHECK(f.ws.close_received());
  const auto frames = frames_in(f.wire().str());
  REQUIRE(frames.size() == 1);
  CHECK(close_code(frames[0]) == 1001);
  CHECK(f.read().ec == asio::error::eof);
  CHECK(f.write("x").first == ws::errc::closed);
  // Closing after the peer did completes at once, sending nothing more.
  std::optional<std::error_code> closed;
  f.ws.async_close([&](std::error_code ec) { closed = ec; });
  CHECK_FALSE(closed); // never inside the initiating function
  f.drain();
  REQUIRE(closed);
  CHECK_FALSE(*closed);
  CHECK(frames_in(f.wire().str()).size() == 1);
}

TEST_CASE("websocket_stream: an empty Close is answered with an empty Close") {
  fixture f;
  f.open(std::string("\x88\x00", 2));
  CHECK(f.read().ec == asio::error::eof);
  const auto frames = frames_in(f.wire().str());
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].op == opcode::close);
  CHECK(frames[0].payload.empty());
}

TEST_CASE("websocket_stream async_close with a read outstanding: the read sees the peer's Close") {
  fixture f;
  f.open();
  auto r = f.start_read();
  std::optional<std::error_code> closed;
  f.ws.async_close([&](std::error_code ec) { closed = ec; });
  f.drain();
  CHECK_FALSE(closed);
  auto frames = frames_in(f.wire().str());
  REQUIRE(frames.size() == 1);
  CHECK(close_code(frames[0]) == 1000);
  CHECK(f.write("x").first == ws::errc::closed);
  f.wire().append(close_frame(1000));
  f.drain();
  REQUIRE(closed);
  CHECK_FALSE(*closed);
  REQUIRE(r->ec);
  CHECK(*r->ec == asio::error::eof);
  CHECK(frames_in(f.wire().str()).size() == 1); // no reply to the reply
}

TEST_CASE("websocket_stream async_close without a read: it reads, discarding data, until the Close") {
  fixture f;
  f.open();
  std::optional<std::error_code> closed;
  f.ws.async_close([&](std::error_code ec) { closed = ec; });
  f.drain();
  CHECK_FALSE(closed);
  // A read the caller starts now waits for async_close's read, then sees eof.
  auto r = f.start_read();
  f.wire().append("\x82\x03" "abc" + rfc_ping_hello + close_frame(1000));
  f.drain();
  REQUIRE(closed);
  CHECK_FALSE(*closed);
  REQUIRE(r->ec);
  CHECK(*r->ec == asio::error::eof);
  const auto frames = frames_in(f.wire().str());
  REQUIRE(frames.size() == 1); // the Ping after our Close gets no Pong
  CHECK(close_code(frames[0]) == 1000);
}

TEST_CASE("websocket_stream async_close is bounded by close_timeout") {
  fixture f;
  f.ws.set_options({.close_timeout = std::chrono::milliseconds(50)});
  f.open();
  std::optional<std::error_code> closed;
  const auto start = std::chrono::steady_clock::now();
  f.ws.async_close([&](std::error_code ec) { closed = ec; });
  f.io.restart();
  f.io.run_for(std::chrono::seconds(5));
  REQUIRE(closed);
  CHECK(*closed == asio::error::timed_out);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(50));

  // With the caller's read outstanding too.
  fixture g;
  g.ws.set_options({.close_timeout = std::chrono::milliseconds(50)});
  g.open();
  auto r = g.start_read();
  closed.reset();
  g.ws.async_close([&](std::error_code ec) { closed = ec; });
  g.io.restart();
  g.io.run_for(std::chrono::milliseconds(300));
  REQUIRE(closed);
  CHECK(*closed == asio::error::timed_out);
  CHECK_FALSE(r->ec);
  g.wire().close_remote();
  g.drain();
  CHECK(r->ec == asio::error::eof);
}

TEST_CASE("websocket_stream: a cancelled read delivers nothing and loses nothing") {
  for (auto type : {asio::cancellation_type::terminal, asio::cancellation_type::partial, asio::cancellation_type::total}) {
    fixture f;
    f.open();
    asio::cancellation_signal cancel;
    auto r = f.start_read(1024, cancel.slot());
    f.drain();
    cancel.emit(type);
    f.drain();
    REQUIRE(r->ec);
    CHECK(*r->ec == asio::error::operation_aborted);

    // Half a frame, a read, then a cancelled read in the middle of the frame.
    f.wire().append("\x82\x05He");
    auto r2 = f.read();
    CHECK_FALSE(*r2.ec);
    CHECK(r2.data == "He");
    auto r3 = f.start_read(1024, cancel.slot());
    f.drain();
    cancel.emit(type);
    f.drain();
    CHECK(r3->ec == asio::error::operation_aborted);
    f.wire().append("llo");
    auto r4 = f.read();
    CHECK_FALSE(*r4.ec);
    CHECK(r4.data == "llo");
  }
}

TEST_CASE("websocket_stream: with_timeout around a read that gets nothing") {
  fixture f;
  f.open();
  std::string buf(16, '\0');
  std::optional<std::error_code> result;
  net::with_timeout(f.ws.async_read_some(asio::buffer(buf), net::deferred), std::chrono::milliseconds(20),
                    asio::bind_executor(f.io.get_executor(), [&](std::error_code ec, std::size_t n) {
                      result = ec;
                      CHECK(n == 0);
                    }));
  f.io.restart();
  f.io.run_for(std::chrono::seconds(5));
  REQUIRE(result);
  CHECK(*result == asio::error::timed_out);
  f.wire().append("\x82\x01x");
  auto r = f.read();
  CHECK_FALSE(*r.ec);
  CHECK(r.data == "x");
}

TEST_CASE("websocket_stream fails the connection on malformed frames, with the frame error and a Close") {
  struct bad_case {
    const char* name;
    std::string bytes;
    std::error_code expected;
    std::uint16_t close;
    std::string delivered{}; // payload that came before the fault
  };
  const std::vector<bad_case> cases{
      {"text frame (RFC 5.7 'Hello')", rfc_text_hello, ws::errc::text_frame, 1003},
      {"masked frame from the server (RFC 5.7)", rfc_masked_hello, ws::errc::bad_masking, 1002},
      {"reserved opcode 3", std::string("\x83\x00", 2), ws::errc::bad_opcode, 1002},
      {"reserved opcode 11", std::string("\x8B\x00", 2), ws::errc::bad_opcode, 1002},
      {"RSV1 without an extension", std::string("\xC2\x01x", 3), ws::errc::reserved_bits, 1002},
      {"fragmented Ping", std::string("\x09\x00", 2), ws::errc::bad_control_frame, 1002},
      {"Ping with 126 bytes", std::string("\x89\x7E\x00\x7E", 4) + std::string(126, 'p'), ws::errc::bad_control_frame, 1002},
      {"continuation with no message", rfc_fragment_lo, ws::errc::unexpected_continuation, 1002},
      {"new message inside a fragmented one", binary_fragment_hel() + "\x82\x01x", ws::errc::expected_continuation, 1002, "Hel"},
      {"16-bit length for 5 bytes", std::string("\x82\x7E\x00\x05", 4) + "Hello", ws::errc::non_minimal_length, 1002},
      {"64-bit length with the top bit set", std::string("\x82\x7F\x80\x00\x00\x00\x00\x00\x00\x01", 10), ws::errc::length_too_large, 1002},
      {"1-byte Close payload", std::string("\x88\x01\x03", 3), ws::errc::bad_close_payload, 1002},
      {"Close code 1005, never sent", close_frame(1005), ws::errc::bad_close_payload, 1002},
      {"frame over max_frame_payload (16 MiB)", std::string("\x82\x7F\x00\x00\x00\x00\x01\x00\x00\x01", 10), ws::errc::frame_too_large, 1009},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    fixture f;
    f.open();
    f.wire().append(c.bytes);
    auto r = f.read();
    if (!c.delivered.empty()) {
      CHECK_FALSE(*r.ec);
      CHECK(r.data == c.delivered);
      r = f.read();
    }
    CHECK(*r.ec == c.expected);
    CHECK(r.data.empty());
    const auto frames = frames_in(f.wire().str());
    REQUIRE(frames.size() == 1);
    CHECK(close_code(frames[0]) == c.close);
    // Sticky, and nothing else goes out.
    f.wire().append("\x82\x01x");
    CHECK(f.read().ec == c.expected);
    CHECK(f.write("x").first == ws::errc::closed);
    CHECK(frames_in(f.wire().str()).size() == 1);
  }
}

TEST_CASE("websocket_stream streams a frame that claims a huge payload through its fixed buffer") {
  fixture f;
  f.ws.set_options({.max_frame_payload = std::uint64_t{1} << 40, .read_buffer_size = 512});
  f.open();
  // 2^40 bytes claimed: nothing of that size is ever allocated; bytes flow as they come.
  f.wire().append(std::string("\x82\x7F\x00\x00\x01\x00\x00\x00\x00\x00", 10) + pattern(3000));
  std::string got;
  while (got.size() < 3000) {
    auto r = f.read(4096);
    REQUIRE_FALSE(*r.ec);
    CHECK(r.data.size() <= 512);
    got += r.data;
  }
  CHECK(got == pattern(3000));
  auto r = f.start_read(4096);
  f.drain();
  CHECK_FALSE(r->ec); // waits for the rest of the frame
  f.wire().close_remote();
  f.drain();
  CHECK(r->ec == asio::error::eof);
}

TEST_CASE("websocket_stream works with use_awaitable and use_future") {
  {
    fixture f;
    f.open();
    f.wire().append(binary_fragment_hel() + rfc_fragment_lo);
    std::optional<std::string> got;
    asio::co_spawn(
        f.io,
        [&]() -> asio::awaitable<void> {
          const std::size_t n = co_await asio::async_write(f.ws, asio::buffer("ping?", 5), asio::use_awaitable);
          CHECK(n == 5);
          std::string buf(5, '\0');
          co_await asio::async_read(f.ws, asio::buffer(buf), asio::use_awaitable);
          got = buf;
        },
        asio::detached);
    f.drain();
    REQUIRE(got);
    CHECK(*got == "Hello");
    const auto frames = frames_in(f.wire().str());
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].payload == "ping?");
  }
  {
    fixture f;
    f.open();
    f.wire().append("\x82\x03" "abc");
    std::string buf(3, '\0');
    auto work = asio::make_work_guard(f.io);
    f.io.restart();
    std::thread runner([&] { f.io.run(); });
    auto read = f.ws.async_read_some(asio::buffer(buf), asio::use_future);
    CHECK(read.get() == 3);
    auto wrote = f.ws.async_write_some(asio::buffer("xyz", 3), asio::use_future);
    CHECK(wrote.get() == 3);
    work.reset();
    runner.join();
    CHECK(buf == "abc");
  }
}

TEST_CASE("websocket_stream: Pings that arrive while a Pong is queued get one Pong, for the latest (RFC 6455 5.5.3)") {
  fixture f;
  f.open();
  f.wire().write_size(3);
  const std::string payload = pattern(60);
  std::optional<std::size_t> written;
  f.ws.async_write_some(asio::buffer(payload), [&](std::error_code ec, std::size_t n) {
    CHECK_FALSE(ec);
    written = n;
  });
  auto r = f.start_read();
  f.wire().append(std::string("\x89\x01" "a" "\x89\x01" "b" "\x82\x01" "z", 9));
  f.drain();
  REQUIRE(written);
  REQUIRE(r->ec);
  CHECK(r->data == "z");
  const auto frames = frames_in(f.wire().str());
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].payload == payload);
  CHECK(frames[1].op == opcode::pong);
  CHECK(frames[1].payload == "b");
}

TEST_CASE("websocket_stream: the reply to a Close that arrives during a write follows the write's frame") {
  fixture f;
  f.open();
  f.wire().write_size(3);
  const std::string payload = pattern(60);
  std::optional<std::error_code> wrote;
  f.ws.async_write_some(asio::buffer(payload), [&](std::error_code ec, std::size_t n) {
    wrote = ec;
    CHECK(n == 60);
  });
  auto r = f.start_read();
  f.wire().append(close_frame(1000));
  f.drain();
  REQUIRE(r->ec);
  CHECK(*r->ec == asio::error::eof); // completes at once; the write sends the reply
  REQUIRE(wrote);
  CHECK_FALSE(*wrote);
  const auto frames = frames_in(f.wire().str());
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].payload == payload);
  CHECK(close_code(frames[1]) == 1000);
  CHECK(f.write("x").first == ws::errc::closed);
}
