// Arbitrary bytes into the MQTT 3.1.1 decoder, in the role given by the first byte's
// low bit (client: decodes server packets; server: decodes client packets), fed as a
// buffer that grows by 1..128 bytes at a time as a socket reader would. Properties:
// put() never consumes more than it is given; every packet it accepts re-encodes to
// exactly the bytes it came from (the codec admits one encoding per packet), and those
// bytes decode to an equal packet.
#include "../check.hpp"

#include <hubwire/mqtt/decode.hpp>
#include <hubwire/mqtt/encode.hpp>

#include <algorithm>
#include <vector>

using namespace hubwire::mqtt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const role local = (data[0] & 1) ? role::server : role::client;
  const std::size_t step = 1 + (data[0] >> 1);
  const std::vector<std::uint8_t> in(data + 1, data + size);
  decoder d({.local = local, .max_packet_size = 4096});
  std::size_t pos = 0, avail = std::min(step, in.size());
  while (pos < in.size()) {
    std::error_code ec;
    const auto window = std::span(in).subspan(pos, avail - pos);
    const std::size_t used = d.put(window, ec);
    HUBWIRE_FUZZ_CHECK(used <= window.size());
    if (ec == errc::need_more) {
      HUBWIRE_FUZZ_CHECK(used == 0);
      if (avail == in.size()) return 0;
      avail = std::min(avail + step, in.size());
      continue;
    }
    if (ec) return 0;
    HUBWIRE_FUZZ_CHECK(used > 0 && used == d.packet_size());

    const packet p = d.value();
    std::vector<std::uint8_t> again(used);
    std::error_code e1;
    HUBWIRE_FUZZ_CHECK(encoded_size(p, e1) == used && !e1);
    HUBWIRE_FUZZ_CHECK(encode(p, again, e1) == used && !e1);
    HUBWIRE_FUZZ_CHECK(std::equal(again.begin(), again.end(), window.begin()));
    decoder d2({.local = local, .max_packet_size = 4096});
    std::error_code e2;
    HUBWIRE_FUZZ_CHECK(d2.put(again, e2) == used && !e2);
    HUBWIRE_FUZZ_CHECK(d2.value() == p);

    pos += used;
    if (avail < pos + 1) avail = std::min(pos + step, in.size());
  }
  return 0;
}
