// Arbitrary bytes as a feedback batch body: parse never throws, and every batch it
// accepts serializes to JSON that parses to the same records.
#include "../check.hpp"

#include <hubwire/iothub/feedback.hpp>

using namespace hubwire::iothub;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto first = feedback::parse(in);
  if (!first) return 0;
  const std::string json = feedback::serialize(*first);
  const auto again = feedback::parse(json);
  HUBWIRE_FUZZ_CHECK(again.has_value());
  HUBWIRE_FUZZ_CHECK(*again == *first);
  return 0;
}
