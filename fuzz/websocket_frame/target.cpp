// Arbitrary bytes into the WebSocket frame decoder, in the role given by the first
// byte: it never reads past the input, and every frame it accepts re-encodes to bytes
// that decode to the same header and payload.
#include "../check.hpp"

#include <hubwire/net/websocket_frame.hpp>

#include <string>
#include <vector>

using namespace hubwire::net::websocket;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const role local = (data[0] & 1) ? role::server : role::client;
  const std::size_t step = 1 + (data[0] >> 1); // feed in chunks of 1..128 bytes
  std::vector<std::uint8_t> in(data + 1, data + size);
  decoder d({.local = local, .max_frame_payload = 4096});
  std::size_t pos = 0, avail = std::min(step, in.size());
  std::string payload;
  while (pos < in.size()) {
    std::error_code ec;
    const std::size_t used = d.put(std::span(in).subspan(pos, avail - pos), ec);
    HUBWIRE_FUZZ_CHECK(used <= avail - pos);
    if (ec == errc::need_more) {
      if (avail == in.size()) return 0;
      avail = std::min(avail + step, in.size());
      continue;
    }
    if (ec) return 0;
    pos += used;
    if (avail <= pos) avail = std::min(pos + step, in.size());
    payload.append(reinterpret_cast<const char*>(d.payload().data()), d.payload().size());
    if (!d.frame_done()) continue;

    // Re-encode the frame as its sender would have and decode it again.
    const frame_header h = d.header();
    HUBWIRE_FUZZ_CHECK(h.payload_size == payload.size());
    std::vector<std::uint8_t> again(14);
    again.resize(encode_header(h, again));
    std::string masked = payload;
    if (h.masked) apply_mask({reinterpret_cast<std::uint8_t*>(masked.data()), masked.size()}, h.mask, 0);
    again.insert(again.end(), masked.begin(), masked.end());
    decoder d2({.local = local, .max_frame_payload = 4096});
    if (h.op == opcode::continuation) { // a continuation needs a message in progress
      std::vector<std::uint8_t> start(14);
      start.resize(encode_header({false, opcode::binary, h.masked, h.mask, 0}, start));
      std::error_code e0;
      HUBWIRE_FUZZ_CHECK(d2.put(start, e0) == start.size() && !e0);
    }
    std::error_code ec2;
    HUBWIRE_FUZZ_CHECK(d2.put(again, ec2) == again.size() && !ec2 && d2.frame_done());
    HUBWIRE_FUZZ_CHECK(d2.header().op == h.op && d2.header().fin == h.fin && d2.header().payload_size == h.payload_size);
    HUBWIRE_FUZZ_CHECK(std::string(reinterpret_cast<const char*>(d2.payload().data()), d2.payload().size()) == payload);
    payload.clear();
  }
  return 0;
}
