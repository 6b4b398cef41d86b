// Arbitrary bytes into the AMQP frame reader, fed in chunks whose size the first byte
// picks: it never takes more than it is given, and every frame it returns re-frames
// to bytes that read back as the same type, channel and body. Bodies then go to the
// performative or SASL decoder; whatever they accept is framed again and decodes to
// an equal performative (and payload).
#include "../check.hpp"

#include <hubwire/amqp/frame.hpp>
#include <hubwire/amqp/performatives.hpp>
#include <hubwire/amqp/sasl.hpp>

#include <algorithm>

using namespace hubwire::amqp;

namespace {
// The one frame `bytes` hold, which must read back whole (its views stay in `bytes`).
frame read_one(const std::vector<std::uint8_t>& bytes) {
  frame_reader r(std::numeric_limits<std::uint32_t>::max());
  std::error_code ec;
  HUBWIRE_FUZZ_CHECK(r.put(bytes, ec) == bytes.size() && !ec);
  return r.get();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t step = 1 + data[0] % 64;
  const std::vector<std::uint8_t> in(data + 1, data + size);
  frame_reader r(4096);
  std::size_t pos = 0;
  while (pos < in.size()) {
    const std::size_t n = std::min(step, in.size() - pos);
    std::vector<std::uint8_t> chunk(in.begin() + static_cast<std::ptrdiff_t>(pos),
                                    in.begin() + static_cast<std::ptrdiff_t>(pos + n));
    std::size_t off = 0;
    while (off < chunk.size()) {
      std::error_code ec;
      const std::size_t used = r.put(std::span(chunk).subspan(off), ec);
      HUBWIRE_FUZZ_CHECK(used <= chunk.size() - off);
      off += used;
      if (ec == errc::need_more) {
        HUBWIRE_FUZZ_CHECK(off == chunk.size());
        break;
      }
      if (ec) return 0;
      const frame f = r.get();
      HUBWIRE_FUZZ_CHECK(f.header.size == 8 + f.extended.size() + f.body.size());
      std::vector<std::uint8_t> again;
      const std::size_t start = begin_frame(again, f.header.type, f.header.channel);
      again.insert(again.end(), f.body.begin(), f.body.end());
      end_frame(again, start);
      frame_reader r2(4096);
      std::error_code ec2;
      HUBWIRE_FUZZ_CHECK(r2.put(again, ec2) == again.size() && !ec2);
      HUBWIRE_FUZZ_CHECK(r2.get().header.type == f.header.type && r2.get().header.channel == f.header.channel);
      HUBWIRE_FUZZ_CHECK(std::equal(f.body.begin(), f.body.end(), r2.get().body.begin(), r2.get().body.end()));
      if (f.header.type == frame_type::sasl) {
        sasl_frame s;
        if (!decode_sasl(f.body, s)) {
          std::vector<std::uint8_t> out;
          write_sasl_frame(out, s);
          sasl_frame s2;
          HUBWIRE_FUZZ_CHECK(!decode_sasl(read_one(out).body, s2) && s2 == s);
        }
      } else if (!f.is_heartbeat()) {
        performative p;
        bytes_view payload;
        if (!decode_performative(f.body, p, payload)) {
          std::vector<std::uint8_t> out;
          write_frame(out, f.header.channel, p, payload);
          const frame g = read_one(out);
          HUBWIRE_FUZZ_CHECK(g.header.channel == f.header.channel);
          performative p2;
          bytes_view payload2;
          HUBWIRE_FUZZ_CHECK(!decode_performative(g.body, p2, payload2) && p2 == p);
          HUBWIRE_FUZZ_CHECK(std::equal(payload.begin(), payload.end(), payload2.begin(), payload2.end()));
        }
      }
    }
    pos += n;
  }
  return 0;
}
