// Arbitrary server bytes through net::websocket_stream<test::stream> (no handshake: the
// stream reads frames from the first byte). The first byte picks how the bytes arrive
// (next-layer reads of 1..16 bytes or all at once) and the caller's buffer size (1..64
// or 4096). Properties, against the sans-I/O frame decoder fed the same bytes whole:
//  - every read fits its buffer, and the bytes delivered are exactly the binary payload
//    before the first protocol error, text frame or Close;
//  - the last read's error is that error (eof for a Close or the end of input);
//  - what the stream wrote decodes as masked client frames: Pongs whose payloads are a
//    subsequence of the Pings', then at most one Close, last, with the right code.
#include "../check.hpp"

#include <hubwire/net/websocket_stream.hpp>
#include <hubwire/test/stream.hpp>

#include <asio/io_context.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace hubwire;
namespace ws = hubwire::net::websocket;

namespace {

struct expectation {
  std::string payload;
  std::vector<std::string> pings;
  std::error_code end;            // the error the reads end with
  std::optional<std::uint16_t> close{}; // the Close code the stream must send (0: empty)
};

expectation expect(std::string in) {
  expectation e;
  ws::decoder d({.local = ws::role::client, .max_frame_payload = net::websocket_stream_options{}.max_frame_payload});
  std::size_t pos = 0;
  std::string control;
  while (true) {
    std::error_code ec;
    auto* p = reinterpret_cast<std::uint8_t*>(in.data()) + pos;
    const std::size_t used = d.put(core::mutable_bytes(p, in.size() - pos), ec);
    if (ec == ws::errc::need_more || (!ec && used == 0)) break; // input ends: the stream sees eof
    pos += used;
    const bool control_frame = ws::is_control(d.header().op);
    if (ec) {
      e.end = ec;
      e.close = ec == ws::errc::frame_too_large ? 1009 : 1002;
      return e;
    }
    if (d.header().op == ws::opcode::text) {
      e.end = ws::errc::text_frame;
      e.close = 1003;
      return e;
    }
    if (control_frame) control += core::as_chars(d.payload());
    else e.payload += core::as_chars(d.payload());
    if (!d.frame_done()) continue;
    if (d.header().op == ws::opcode::ping) e.pings.push_back(control);
    if (d.header().op == ws::opcode::close) {
      e.end = asio::error::eof;
      e.close = control.size() >= 2 ? static_cast<std::uint16_t>((static_cast<std::uint8_t>(control[0]) << 8) |
                                                                  static_cast<std::uint8_t>(control[1]))
                                    : 0;
      return e;
    }
    control.clear();
  }
  e.end = asio::error::eof;
  return e;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t split = (data[0] & 0x0F) == 0 ? 1 << 20 : (data[0] & 0x0F);
  const std::size_t user = (data[0] >> 4) == 0 ? 4096 : (data[0] >> 4) * 4;
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  const expectation e = expect(input);

  asio::io_context io;
  net::websocket_stream<test::stream> s(io.get_executor());
  s.set_options({.read_buffer_size = 64});
  s.next_layer().read_size(split);
  s.next_layer().append(input);
  s.next_layer().close_remote();
  std::string got, buffer(user, '\0');
  std::error_code end;
  for (int reads = 0; reads < 1'000'000; ++reads) {
    std::optional<std::pair<std::error_code, std::size_t>> r;
    s.async_read_some(asio::buffer(buffer), [&](std::error_code ec, std::size_t n) { r.emplace(ec, n); });
    io.restart();
    while (io.poll() > 0) {}
    HUBWIRE_FUZZ_CHECK(r.has_value()); // the input is finite: every read completes
    HUBWIRE_FUZZ_CHECK(r->second <= user);
    got.append(buffer, 0, r->second);
    if (r->first) {
      end = r->first;
      break;
    }
    HUBWIRE_FUZZ_CHECK(r->second > 0);
  }
  HUBWIRE_FUZZ_CHECK(got == e.payload);
  HUBWIRE_FUZZ_CHECK(end == e.end);

  // What the client wrote.
  std::string out(s.next_layer().str());
  ws::decoder d({.local = ws::role::server});
  std::size_t pos = 0, next_ping = 0;
  bool closed = false;
  std::string payload;
  while (pos < out.size()) {
    std::error_code ec;
    pos += d.put(core::mutable_bytes(reinterpret_cast<std::uint8_t*>(out.data()) + pos, out.size() - pos), ec);
    HUBWIRE_FUZZ_CHECK(!ec);
    payload += core::as_chars(d.payload());
    if (!d.frame_done()) continue;
    HUBWIRE_FUZZ_CHECK(!closed);
    if (d.header().op == ws::opcode::pong) {
      while (next_ping < e.pings.size() && e.pings[next_ping] != payload) ++next_ping;
      HUBWIRE_FUZZ_CHECK(next_ping < e.pings.size());
      ++next_ping;
    } else {
      HUBWIRE_FUZZ_CHECK(d.header().op == ws::opcode::close);
      HUBWIRE_FUZZ_CHECK(e.close.has_value());
      const std::uint16_t code = payload.size() >= 2 ? static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                                                                  static_cast<std::uint8_t>(payload[1]))
                                                     : 0;
      HUBWIRE_FUZZ_CHECK(code == *e.close);
      closed = true;
    }
    payload.clear();
  }
  HUBWIRE_FUZZ_CHECK(closed == e.close.has_value());
  return 0;
}
