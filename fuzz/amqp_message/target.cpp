// Arbitrary transfer payloads into the message decoder: an accepted message encodes
// to sections that decode to an equal message, stably. Accepted messages also go
// through the IoT Hub mapping: from_amqp -> to_amqp -> decode -> from_amqp gives the
// same c2d_message.
#include "../check.hpp"

#include <hubwire/amqp/message.hpp>
#include <hubwire/iothub/amqp_mapping.hpp>

using namespace hubwire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> in(data, data + size);
  const amqp::decode_limits lim{.max_depth = 16, .max_elements = 4096};
  amqp::message m;
  if (amqp::decode_message(in, m, lim)) return 0;
  std::vector<std::uint8_t> once;
  amqp::encode_message(once, m);
  amqp::message m2;
  HUBWIRE_FUZZ_CHECK(!amqp::decode_message(once, m2));
  HUBWIRE_FUZZ_CHECK(m2 == m);
  std::vector<std::uint8_t> twice;
  amqp::encode_message(twice, m2);
  HUBWIRE_FUZZ_CHECK(twice == once);

  const auto c2d = iothub::from_amqp(m);
  if (!c2d) return 0;
  std::vector<std::uint8_t> hub;
  iothub::to_amqp(*c2d, hub);
  amqp::message m3;
  HUBWIRE_FUZZ_CHECK(!amqp::decode_message(hub, m3));
  const auto c2d_again = iothub::from_amqp(m3);
  HUBWIRE_FUZZ_CHECK(c2d_again.has_value());
  HUBWIRE_FUZZ_CHECK(*c2d_again == *c2d);
  return 0;
}
