// Arbitrary text as an IoT Hub C2D topic: split it, parse its property bag into a
// c2d_message. Properties: a bag the parser accepts re-encodes without error (the
// encoder refuses only what the parser refuses), and the re-encoded bag parses to an
// equal message; c2d_topic() of that message splits back to the same bag.
#include "../check.hpp"

#include <hubwire/iothub/mqtt_topics.hpp>

#include <string>
#include <string_view>

using namespace hubwire::iothub;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const property_bag_limits limits{.max_topic_size = 8192, .max_properties = 64};
  std::string_view bag = text;
  if (const auto parts = split_c2d_topic(text, limits)) bag = parts->property_bag;

  c2d_message m;
  if (parse_property_bag(bag, m, limits)) return 0;

  std::string encoded;
  HUBWIRE_FUZZ_CHECK(!append_property_bag(m, encoded));
  c2d_message again;
  HUBWIRE_FUZZ_CHECK(!parse_property_bag(encoded, again, {.max_topic_size = 1 << 20, .max_properties = 64}));
  HUBWIRE_FUZZ_CHECK(again == m);

  // The hub's topic for it carries the same properties (plus $.to when absent).
  if (const auto topic = c2d_topic("dev", m)) {
    const auto back = parse_c2d_publish(*topic, m.body, {.max_topic_size = 1 << 20, .max_properties = 65});
    HUBWIRE_FUZZ_CHECK(back.has_value());
    c2d_message expect = m;
    if (!expect.to) expect.to = "/devices/dev/messages/devicebound";
    HUBWIRE_FUZZ_CHECK(*back == expect);
  }
  return 0;
}
