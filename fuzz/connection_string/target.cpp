// Any text into connection_string::parse: never crashes; what parses prints to a form
// that parses back to the same value.
#include "../check.hpp"

#include <hubwire/auth/connection_string.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using hubwire::auth::connection_string;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto cs = connection_string::parse(text);
  if (!cs) {
    HUBWIRE_FUZZ_CHECK(cs.error().category().name() == std::string_view("hubwire.auth"));
    return 0;
  }
  auto again = connection_string::parse(cs->to_string());
  HUBWIRE_FUZZ_CHECK(again && *again == *cs);
  (void)cs->resource_uri();
  (void)cs->redacted();
  return 0;
}
