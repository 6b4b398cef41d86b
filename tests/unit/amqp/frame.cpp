// Frame layouts from OASIS AMQP 1.0 part 2, 2.2 (protocol header) and 2.3 (frames).
#include "support.hpp"

#include <hubwire/amqp/frame.hpp>
#include <hubwire_test/catch.hpp>

using namespace hubwire::amqp;
using namespace amqp_test;

TEST_CASE("protocol headers: AMQP, SASL and the mismatches") {
  protocol_header h;
  std::error_code ec;
  CHECK(parse_protocol_header(b({'A', 'M', 'Q', 'P', 0, 1, 0, 0}), h, ec) == 8);
  CHECK_FALSE(ec);
  CHECK(h.id == protocol_id::amqp);
  CHECK(parse_protocol_header(b({'A', 'M', 'Q', 'P', 3, 1, 0, 0}), h, ec) == 8);
  CHECK(h.id == protocol_id::sasl);
  CHECK(parse_protocol_header(b({'A', 'M', 'Q', 'P', 3, 1, 0}), h, ec) == 0);
  CHECK(ec == errc::need_more);
  CHECK(parse_protocol_header(b({'G', 'E', 'T', ' ', '/', ' ', 'H', 'T'}), h, ec) == 0);
  CHECK(ec == errc::not_amqp);
  CHECK(parse_protocol_header(b({'A', 'M', 'Q', 'P', 0, 0, 9, 1}), h, ec) == 0); // AMQP 0-9-1
  CHECK(ec == errc::protocol_mismatch);
  CHECK(h.major == 0);
  CHECK(h.minor == 9);
  CHECK(parse_protocol_header(b({'A', 'M', 'Q', 'P', 1, 1, 0, 0}), h, ec) == 0);
  CHECK(ec == errc::protocol_mismatch);
  const auto sasl = encode_protocol_header({protocol_id::sasl});
  CHECK(bytes(sasl.begin(), sasl.end()) == b({'A', 'M', 'Q', 'P', 3, 1, 0, 0}));
}

namespace {

struct fed {
  std::vector<frame_header> headers;
  std::vector<bytes> bodies;
  std::error_code ec;
};

// Feeds `in` to a reader `step` bytes at a time and collects every frame.
fed feed(const bytes& in, std::size_t step, std::uint32_t max = frame_reader::default_max_frame_size) {
  frame_reader r(max);
  fed out;
  std::size_t pos = 0;
  while (pos < in.size()) {
    const std::size_t n = std::min(step, in.size() - pos);
    std::size_t off = 0;
    while (off < n) {
      std::error_code ec;
      const std::size_t used = r.put(std::span(in).subspan(pos + off, n - off), ec);
      REQUIRE(used <= n - off);
      off += used;
      if (ec == errc::need_more) {
        REQUIRE(off == n);
        break;
      }
      if (ec) {
        out.ec = ec;
        return out;
      }
      out.headers.push_back(r.get().header);
      out.bodies.emplace_back(r.get().body.begin(), r.get().body.end());
    }
    pos += n;
  }
  return out;
}

} // namespace

TEST_CASE("frame reader: heartbeats, extended headers, channels, any chunking") {
  const bytes heartbeat = b({0, 0, 0, 8, 2, 0, 0, 0});
  const bytes sasl_frame = b({0, 0, 0, 12, 2, 1, 0, 0, 0x00, 0x53, 0x44, 0x45});
  const bytes extended = b({0, 0, 0, 14, 3, 0, 0, 7, 0xaa, 0xbb, 0xcc, 0xdd, 0x40, 0x40});
  const bytes all = cat(cat(heartbeat, sasl_frame), extended);
  for (std::size_t step : {1u, 2u, 3u, 7u, 8u, 13u, 100u}) {
    CAPTURE(step);
    const fed f = feed(all, step);
    REQUIRE_FALSE(f.ec);
    REQUIRE(f.headers.size() == 3);
    CHECK(f.bodies[0].empty());
    CHECK(f.headers[1].type == frame_type::sasl);
    CHECK(f.bodies[1] == b({0x00, 0x53, 0x44, 0x45}));
    CHECK(f.headers[2].channel == 7);
    CHECK(f.headers[2].doff == 3);
    CHECK(f.bodies[2] == b({0x40, 0x40})); // the extended header is skipped
  }
  bytes hb;
  write_heartbeat(hb);
  CHECK(hb == heartbeat);
}

TEST_CASE("frame reader hands out a view of a frame that arrived whole") {
  const bytes in = b({0, 0, 0, 10, 2, 0, 0, 1, 0x41, 0x42});
  frame_reader r;
  std::error_code ec;
  CHECK(r.put(in, ec) == in.size());
  REQUIRE_FALSE(ec);
  CHECK(r.get().body.data() == in.data() + 8);
  CHECK(r.get().header.channel == 1);
}

TEST_CASE("frame reader rejects bad headers before buffering") {
  CHECK(feed(b({0, 0, 0, 7, 2, 0, 0, 0}), 1).ec == errc::bad_frame_size);
  CHECK(feed(b({0, 0, 0, 8, 1, 0, 0, 0}), 8).ec == errc::bad_data_offset);
  CHECK(feed(b({0, 0, 0, 12, 4, 0, 0, 0, 1, 2, 3, 4}), 12).ec == errc::bad_data_offset); // doff past the end
  CHECK(feed(b({0, 0, 0, 8, 2, 2, 0, 0}), 8).ec == errc::bad_frame_type);
  // A frame announcing 1 MiB fails on its header alone, with the limit at 512.
  CHECK(feed(b({0, 0x10, 0, 0, 2, 0, 0, 0}), 8, min_max_frame_size).ec == errc::frame_too_large);
  CHECK(feed(b({0, 0, 2, 1, 2, 0, 0, 0}), 3, 512).ec == errc::frame_too_large);
  CHECK_FALSE(feed(cat(b({0, 0, 2, 0, 2, 0, 0, 0}), bytes(504, 0x40)), 3, 512).ec);
}
