#include <hubwire/core/base64.hpp>
#include <hubwire_test/catch.hpp>

using namespace hubwire::core;

TEST_CASE("base64 encodes the RFC 4648 section 10 vectors") {
  CHECK(base64::encode(std::string_view("")) == "");
  CHECK(base64::encode(std::string_view("f")) == "Zg==");
  CHECK(base64::encode(std::string_view("fo")) == "Zm8=");
  CHECK(base64::encode(std::string_view("foo")) == "Zm9v");
  CHECK(base64::encode(std::string_view("foob")) == "Zm9vYg==");
  CHECK(base64::encode(std::string_view("fooba")) == "Zm9vYmE=");
  CHECK(base64::encode(std::string_view("foobar")) == "Zm9vYmFy");
}

TEST_CASE("base64 decodes the RFC 4648 section 10 vectors") {
  std::error_code ec;
  for (auto [enc, dec] : {std::pair{"", ""}, {"Zg==", "f"}, {"Zm8=", "fo"}, {"Zm9v", "foo"},
                          {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"}}) {
    CHECK(base64::decode(enc, ec) == dec);
    CHECK_FALSE(ec);
  }
}

TEST_CASE("base64 round-trips every byte value and length") {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 7) {
    std::error_code ec;
    const auto in = all.substr(0, n);
    CHECK(base64::decode(base64::encode(std::string_view(in)), ec) == in);
    CHECK_FALSE(ec);
  }
}

TEST_CASE("base64 rejects what RFC 4648 does not allow, each with its own error") {
  std::error_code ec;
  std::string out = "kept";
  base64::decode("Zm9", out, ec);
  CHECK(ec == errc::base64_bad_length);
  CHECK(out == "kept");
  base64::decode("Zm 9", out, ec);
  CHECK(ec == errc::base64_bad_character);
  base64::decode("Zm-_", out, ec); // URL alphabet is a different encoding
  CHECK(ec == errc::base64_bad_character);
  base64::decode("Z=9v", out, ec);
  CHECK(ec == errc::base64_bad_padding);
  base64::decode("Z===", out, ec);
  CHECK(ec == errc::base64_bad_padding);
  base64::decode("Zh==", out, ec); // 'h' leaves non-zero bits after "f"
  CHECK(ec == errc::base64_non_canonical);
  base64::decode("Zm9=", out, ec);
  CHECK(ec == errc::base64_non_canonical);
  CHECK(out == "kept");
  CHECK(std::error_code(errc::base64_bad_padding).message().find("padding") != std::string::npos);
  CHECK(std::string(std::error_code(errc::base64_bad_padding).category().name()) == "hubwire.core");
}
