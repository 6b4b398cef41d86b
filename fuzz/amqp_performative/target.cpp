// Arbitrary frame bodies into the performative decoder (first byte even) or the SASL
// decoder (odd): whatever they accept encodes to a body that decodes to an equal
// performative (and the same transfer payload), and that encoding is stable.
#include "../check.hpp"

#include <hubwire/amqp/performatives.hpp>
#include <hubwire/amqp/sasl.hpp>

using namespace hubwire::amqp;

namespace {
template <class T, class Decode, class Encode>
void round_trip(const std::vector<std::uint8_t>& in, Decode decode, Encode encode_one) {
  T p;
  bytes_view payload;
  if (decode(in, p, payload)) return;
  std::vector<std::uint8_t> once;
  encoder e(once);
  encode_one(e, p);
  once.insert(once.end(), payload.begin(), payload.end());
  T q;
  bytes_view payload2;
  HUBWIRE_FUZZ_CHECK(!decode(once, q, payload2));
  HUBWIRE_FUZZ_CHECK(q == p);
  HUBWIRE_FUZZ_CHECK(std::equal(payload.begin(), payload.end(), payload2.begin(), payload2.end()));
  std::vector<std::uint8_t> twice;
  encoder e2(twice);
  encode_one(e2, q);
  twice.insert(twice.end(), payload2.begin(), payload2.end());
  HUBWIRE_FUZZ_CHECK(twice == once);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::vector<std::uint8_t> in(data + 1, data + size);
  const decode_limits lim{.max_depth = 16, .max_elements = 4096};
  if (data[0] % 2 == 0) {
    round_trip<performative>(
        in, [&](bytes_view b, performative& p, bytes_view& payload) { return decode_performative(b, p, payload, lim); },
        [](encoder& e, const performative& p) { encode_performative(e, p); });
  } else {
    round_trip<sasl_frame>(
        in,
        [&](bytes_view b, sasl_frame& s, bytes_view& payload) {
          payload = {};
          return decode_sasl(b, s, lim);
        },
        [](encoder& e, const sasl_frame& s) { encode_sasl(e, s); });
  }
  return 0;
}
