// Any text into sas_token::parse: never crashes; a parsed token's verify() answers
// with an auth error or success, never anything else.
#include "../check.hpp"

#include <hubwire/auth/sas.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using hubwire::auth::sas_token;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = sas_token::parse(text);
  if (!t) return 0;
  const auto ec = t->verify("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", std::chrono::sys_seconds{}, t->resource);
  HUBWIRE_FUZZ_CHECK(!ec || ec.category().name() == std::string_view("hubwire.auth"));
  // What make() signs, parse() reads back to the same fields.
  auto made = sas_token::make(t->resource, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", t->key_name, t->expiry);
  HUBWIRE_FUZZ_CHECK(made.has_value());
  auto back = sas_token::parse(*made);
  HUBWIRE_FUZZ_CHECK(back && back->resource == t->resource && back->expiry == t->expiry && back->key_name == t->key_name);
  HUBWIRE_FUZZ_CHECK(!back->verify("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", std::chrono::sys_seconds{}, t->resource) ||
                     t->expiry.time_since_epoch().count() == 0);
  return 0;
}
