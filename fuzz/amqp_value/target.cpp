// Arbitrary bytes into the AMQP value decoder: it never reads past the input, and any
// value it accepts re-encodes to bytes that decode to an equal value and re-encode to
// the same bytes (the encoder's output is canonical).
#include "../check.hpp"

#include <hubwire/amqp/decode.hpp>
#include <hubwire/amqp/encode.hpp>

using namespace hubwire::amqp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> in(data, data + size); // exact-size copy: ASan sees overreads
  const decode_limits lim{.max_depth = 16, .max_elements = 4096};
  value v;
  std::error_code ec;
  const std::size_t used = decode_value(in, v, ec, lim);
  if (ec) {
    HUBWIRE_FUZZ_CHECK(used == 0);
    return 0;
  }
  HUBWIRE_FUZZ_CHECK(used >= 1 && used <= in.size());
  const auto once = encode_value(v);
  value w;
  std::error_code ec2;
  HUBWIRE_FUZZ_CHECK(decode_value(once, w, ec2) == once.size() && !ec2);
  HUBWIRE_FUZZ_CHECK(w == v);
  HUBWIRE_FUZZ_CHECK(encode_value(w) == once);
  return 0;
}
