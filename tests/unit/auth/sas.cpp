#include <hubwire/auth/sas.hpp>
#include <hubwire_test/catch.hpp>

// Expected tokens were computed once with Python's standard library, an implementation
// independent of hubwire:
//   /usr/bin/python3 -c 'import hmac,hashlib,base64,urllib.parse as u
//   def tok(res,key,se,skn=None):
//     sr=u.quote(res,safe=""); sig=base64.b64encode(hmac.new(base64.b64decode(key),
//       (sr+"\n"+str(se)).encode(),hashlib.sha256).digest()).decode()
//     return "SharedAccessSignature sr=%s&sig=%s&se=%d"%(sr,u.quote(sig,safe=""),se)+(
//       "&skn="+skn if skn else "")
//   print(tok("myhub.azure-devices.net/devices/device1", KEY, 1456971697)) ...'
// The first equals the reference's known-answer vector (iothub-protocol-facts.md section 21).

using hubwire::auth::errc;
using hubwire::auth::sas_token;
using seconds = std::chrono::sys_seconds;

namespace {
constexpr const char* key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr const char* service_key = "c2VydmljZS1wb2xpY3kta2V5LWZvci10ZXN0cw==";
seconds at(long long s) { return seconds(std::chrono::seconds(s)); }

constexpr const char* device1_token =
    "SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fdevice1"
    "&sig=eJpcmROW6N%2BBPekLfcdlfPjxTZq8tewbLShoRG%2BfwZg%3D&se=1456971697";
} // namespace

TEST_CASE("sas_token::make matches an independent implementation") {
  CHECK(sas_token::make("myhub.azure-devices.net/devices/device1", key, "", at(1456971697)).value() == device1_token);
  CHECK(sas_token::make("contoso.azure-devices.net/devices/dev:1+x@y/modules/mod.A_b~c", key, "", at(1700000000)).value() ==
        "SharedAccessSignature sr=contoso.azure-devices.net%2Fdevices%2Fdev%3A1%2Bx%40y%2Fmodules%2Fmod.A_b~c"
        "&sig=uEFapeFHNqIYcE0gKb%2BhXm6PKbmYE9o6Gbulh6%2ByHHc%3D&se=1700000000");
  CHECK(sas_token::make("contoso.azure-devices.net", service_key, "service", at(1893456000)).value() ==
        "SharedAccessSignature sr=contoso.azure-devices.net&sig=a%2Fkh6VY3ZR5y9i9nnGKdhW32tQ1qtvHCgGYZZQKXvMI%3D"
        "&se=1893456000&skn=service");
  CHECK(sas_token::make("h/devices/d", "bad key", "", at(1)).error() == errc::bad_key);
}

TEST_CASE("sas_token::parse reads fields in any order and percent-decodes them") {
  auto t = sas_token::parse("SharedAccessSignature se=1456971697&skn=device&sig=eJpcmROW6N%2BBPekLfcdlfPjxTZq8tewbLShoRG%2BfwZg%3D"
                            "&sr=myhub.azure-devices.net%2fdevices%2fdevice1");
  REQUIRE(t);
  CHECK(t->resource == "myhub.azure-devices.net/devices/device1");
  CHECK(t->signature == "eJpcmROW6N+BPekLfcdlfPjxTZq8tewbLShoRG+fwZg=");
  CHECK(t->expiry == at(1456971697));
  CHECK(t->key_name == "device");

  auto c_sdk_http = sas_token::parse(std::string(device1_token) + "&skn=");
  REQUIRE(c_sdk_http);
  CHECK(c_sdk_http->key_name.empty()); // the C SDK's HTTP transport sends an empty skn
}

TEST_CASE("sas_token::verify accepts a good token until it expires") {
  auto t = sas_token::parse(device1_token).value();
  CHECK_FALSE(t.verify(key, at(1456971696), "myhub.azure-devices.net/devices/device1"));
  CHECK(t.verify(key, at(1456971697), "myhub.azure-devices.net/devices/device1") == errc::sas_expired);
  CHECK(t.verify("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh4=", at(0), "myhub.azure-devices.net/devices/device1") ==
        errc::sas_signature_mismatch);
}

TEST_CASE("sas_token::verify accepts the signature over sr as sent, in either escape case, and unencoded") {
  // Reference section 21: the lower-case-escape signature and the C SDK's unencoded sr.
  auto lower = sas_token::parse("SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fdevice1"
                                "&sig=0GYU7fnxhOs%2Frmgk0Z%2FxWw%2F7iFtqzYoQXBtZiig2VkM%3D&se=1456971697");
  REQUIRE(lower);
  CHECK_FALSE(lower->verify(key, at(0), "myhub.azure-devices.net/devices/device1"));
  auto raw = sas_token::parse("SharedAccessSignature sr=myhub.azure-devices.net/devices/device1"
                              "&sig=0Rm6Fm1Zlg3k%2FbsQysvQLaU5F4f1RT60FYwcNZNz3xo%3D&se=1456971697");
  REQUIRE(raw);
  CHECK_FALSE(raw->verify(key, at(0), "myhub.azure-devices.net/devices/device1"));
  // A signature made over a different resource form does not verify.
  auto wrong = sas_token::parse("SharedAccessSignature sr=myhub.azure-devices.net/devices/device1"
                                "&sig=eJpcmROW6N%2BBPekLfcdlfPjxTZq8tewbLShoRG%2BfwZg%3D&se=1456971697");
  REQUIRE(wrong);
  CHECK(wrong->verify(key, at(0), "myhub.azure-devices.net/devices/device1") == errc::sas_signature_mismatch);
}

TEST_CASE("sas_token scope is a prefix by whole path segments") {
  CHECK(sas_token::covers("h/devices", "h/devices/d1"));
  CHECK(sas_token::covers("h/devices/d1", "h/devices/d1"));
  CHECK(sas_token::covers("h/devices/d1", "h/devices/d1/modules/m"));
  CHECK(sas_token::covers("H.Azure-Devices.net/devices/d1", "h.azure-devices.net/devices/d1"));
  CHECK(sas_token::covers("h", "h/devices/d1"));
  CHECK_FALSE(sas_token::covers("h/devices/d", "h/devices/d1")); // "/a/b" does not cover "/a/bc"
  CHECK_FALSE(sas_token::covers("h/devices/D1", "h/devices/d1")); // device ids are case-sensitive
  CHECK_FALSE(sas_token::covers("h/devices/d1/modules/m", "h/devices/d1"));
  CHECK_FALSE(sas_token::covers("hx", "h/devices"));

  const auto token = sas_token::make("myhub.azure-devices.net/devices", key, "device", at(2000)).value();
  auto t = sas_token::parse(token).value();
  CHECK_FALSE(t.verify(key, at(1000), "myhub.azure-devices.net/devices/any"));
  CHECK(t.verify(key, at(1000), "myhub.azure-devices.net/other") == errc::sas_out_of_scope);
}

TEST_CASE("sas_token::parse reports each malformation with its own error") {
  auto err = [](const std::string& s) { return sas_token::parse(s).error(); };
  const std::string sig = "sig=eJpcmROW6N%2BBPekLfcdlfPjxTZq8tewbLShoRG%2BfwZg%3D";
  CHECK(err("sr=h&" + sig + "&se=1") == errc::not_a_sas_token);
  CHECK(err("sharedaccesssignature sr=h&" + sig + "&se=1") == errc::not_a_sas_token);
  CHECK(err("SharedAccessSignature sr=h&" + sig + "&se") == errc::sas_malformed_field);
  CHECK(err("SharedAccessSignature sr=h%2&" + sig + "&se=1") == errc::sas_malformed_field);
  CHECK(err("SharedAccessSignature sr=h&" + sig + "&se=1&foo=bar") == errc::sas_unknown_field);
  CHECK(err("SharedAccessSignature sr=h&sr=h&" + sig + "&se=1") == errc::sas_duplicate_field);
  CHECK(err("SharedAccessSignature sr=h&" + sig) == errc::sas_missing_field);
  CHECK(err("SharedAccessSignature " + sig + "&se=1") == errc::sas_missing_field);
  CHECK(err("SharedAccessSignature sr=&" + sig + "&se=1") == errc::sas_missing_field);
  CHECK(err("SharedAccessSignature sr=h&" + sig + "&se=-1") == errc::sas_bad_expiry);
  CHECK(err("SharedAccessSignature sr=h&" + sig + "&se=12x") == errc::sas_bad_expiry);
  CHECK(err("SharedAccessSignature sr=h&" + sig + "&se=99999999999999999999999") == errc::sas_bad_expiry);
  CHECK(err("SharedAccessSignature sr=h&sig=abc&se=1") == errc::sas_bad_signature);
  CHECK(err("SharedAccessSignature sr=h&sig=Zm9vYmFy&se=1") == errc::sas_bad_signature); // not 32 bytes
}

TEST_CASE("sas_token made by make() verifies, for every identity kind") {
  for (const char* resource : {"h.azure-devices.net/devices/d-1", "h.azure-devices.net/devices/d/modules/m",
                               "h.azure-devices.net"}) {
    const auto token = sas_token::make(resource, key, "", at(5000)).value();
    auto t = sas_token::parse(token).value();
    CHECK(t.resource == resource);
    CHECK_FALSE(t.verify(key, at(4999), resource));
  }
}
