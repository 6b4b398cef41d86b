#include <hubwire/core/percent.hpp>
#include <hubwire_test/catch.hpp>

using namespace hubwire::core;

TEST_CASE("percent-encoding keeps RFC 3986 unreserved characters and escapes the rest in upper case") {
  CHECK(percent::encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(percent::encode("a/b c+d=e&f%") == "a%2Fb%20c%2Bd%3De%26f%25");
  CHECK(percent::encode("$.mid") == "%24.mid");
  CHECK(percent::encode("\xC3\xA9") == "%C3%A9"); // UTF-8 bytes, one escape each
  CHECK(percent::encode("a/b", "/") == "a/b");
}

TEST_CASE("percent-decoding accepts either hex case and leaves '+' alone") {
  std::error_code ec;
  CHECK(percent::decode("a%2fb%2Fc", ec) == "a/b/c");
  CHECK(percent::decode("sig%2B+x", ec) == "sig++x");
  CHECK(percent::decode("%24.mid", ec) == "$.mid");
  CHECK_FALSE(ec);
}

TEST_CASE("percent-decoding rejects truncated or non-hex escapes") {
  for (const char* bad : {"%", "%2", "a%g0", "%0x", "abc%"}) {
    std::error_code ec;
    std::string out = "kept";
    percent::decode(bad, out, ec);
    CHECK(ec == errc::percent_bad_escape);
    CHECK(out == "kept");
  }
}
