// Arbitrary transfer payloads into the message decoder: a reused message decodes as a
// fresh one does; an accepted message encodes (into a vector or caller memory, the same
// bytes) to sections that decode to an equal message, stably. Accepted messages also go
// through the IoT Hub mapping: from_amqp -> to_amqp -> decode -> from_amqp gives the
// same c2d_message.
#include "../check.hpp"

#include <hubwire/amqp/message.hpp>
#include <hubwire/iothub/amqp_mapping.hpp>

using namespace hubwire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> in(data, data + size);
  const amqp::decode_limits lim{.max_depth = 16, .max_elements = 4096};
  // Decoding into a message that holds the previous input's (views into bytes since
  // freed, which decoding must not read) gives what a fresh message gets.
  static amqp::message reused;
  const std::error_code reused_ec = amqp::decode_message(in, reused, lim);
  amqp::message m;
  const std::error_code ec = amqp::decode_message(in, m, lim);
  HUBWIRE_FUZZ_CHECK(reused_ec == ec);
  if (ec) return 0;
  HUBWIRE_FUZZ_CHECK(reused == m);
  std::vector<std::uint8_t> once;
  amqp::encode_message(once, m);
  // Caller memory: the same bytes, and buffer_too_small (nothing written) one byte short.
  HUBWIRE_FUZZ_CHECK(amqp::encoded_size(m) == once.size());
  std::vector<std::uint8_t> buf(once.size(), 0xee);
  std::error_code wec;
  HUBWIRE_FUZZ_CHECK(amqp::encode_message(m, buf, wec) == once.size() && !wec && buf == once);
  if (!once.empty()) {
    std::vector<std::uint8_t> small(once.size() - 1, 0xee);
    HUBWIRE_FUZZ_CHECK(amqp::encode_message(m, small, wec) == once.size() && wec == amqp::errc::buffer_too_small);
    HUBWIRE_FUZZ_CHECK(small == std::vector<std::uint8_t>(once.size() - 1, 0xee));
  }
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
