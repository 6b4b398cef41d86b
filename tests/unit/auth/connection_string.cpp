#include <hubwire/auth/connection_string.hpp>
#include <hubwire_test/catch.hpp>

using hubwire::auth::connection_string;
using hubwire::auth::errc;

namespace {
constexpr const char* key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
std::string with_key(std::string s) { return s + key; }
} // namespace

TEST_CASE("connection_string parses a device string") {
  auto cs = connection_string::parse(with_key("HostName=myhub.azure-devices.net;DeviceId=dev1;SharedAccessKey="));
  REQUIRE(cs);
  CHECK(cs->host_name == "myhub.azure-devices.net");
  CHECK(cs->device_id == "dev1");
  CHECK(cs->shared_access_key == key); // '=' inside the value survives
  CHECK(cs->identity() == connection_string::kind::device);
  CHECK(cs->resource_uri() == "myhub.azure-devices.net/devices/dev1");
}

TEST_CASE("connection_string parses module, service, token, x509 and gateway strings") {
  auto module = connection_string::parse(with_key("HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey="));
  REQUIRE(module);
  CHECK(module->identity() == connection_string::kind::module);
  CHECK(module->resource_uri() == "h/devices/d/modules/m");

  auto service = connection_string::parse(with_key("HostName=h;SharedAccessKeyName=service;SharedAccessKey="));
  REQUIRE(service);
  CHECK(service->identity() == connection_string::kind::service);
  CHECK(service->shared_access_key_name == "service");
  CHECK(service->resource_uri() == "h");

  auto token = connection_string::parse(
      "HostName=myhub.azure-devices.net;DeviceId=device1;SharedAccessSignature=SharedAccessSignature "
      "sr=myhub.azure-devices.net%2Fdevices%2Fdevice1&sig=eJpcmROW6N%2BBPekLfcdlfPjxTZq8tewbLShoRG%2BfwZg%3D&se=1456971697");
  REQUIRE(token);
  CHECK(token->shared_access_signature.starts_with("SharedAccessSignature sr="));

  auto x509 = connection_string::parse("HostName=h;DeviceId=d;x509=true;GatewayHostName=edge.local");
  REQUIRE(x509);
  CHECK(x509->x509);
  CHECK(x509->gateway_host_name == "edge.local");
}

TEST_CASE("connection_string prints a canonical form that parses back, and redacts secrets") {
  auto cs = connection_string::parse("GatewayHostName=g;DeviceId=d;HostName=h;" + with_key("SharedAccessKey=") + ";");
  REQUIRE(cs);
  CHECK(cs->to_string() == with_key("HostName=h;DeviceId=d;SharedAccessKey=") + ";GatewayHostName=g");
  CHECK(connection_string::parse(cs->to_string()).value() == *cs);
  CHECK(cs->redacted() == "HostName=h;DeviceId=d;SharedAccessKey=***;GatewayHostName=g");
  CHECK(cs->redacted().find(key) == std::string::npos);
}

TEST_CASE("connection_string reports each malformation with its own error") {
  auto err = [](const std::string& s) { return connection_string::parse(s).error(); };
  CHECK(err(with_key("HostName=h;DeviceId;SharedAccessKey=")) == errc::malformed_pair);
  CHECK(err(with_key("hostname=h;DeviceId=d;SharedAccessKey=")) == errc::unknown_key); // case-sensitive
  CHECK(err(with_key("HostName=h;DeviceId=d;Colour=blue;SharedAccessKey=")) == errc::unknown_key);
  CHECK(err(with_key("HostName=h;DeviceId=d;DeviceId=e;SharedAccessKey=")) == errc::duplicate_key);
  CHECK(err("HostName=h;DeviceId=d;x509=true;x509=true") == errc::duplicate_key);
  CHECK(err(with_key("HostName=;DeviceId=d;SharedAccessKey=")) == errc::empty_value);
  CHECK(err(with_key("DeviceId=d;SharedAccessKey=")) == errc::missing_host_name);
  CHECK(err(with_key("HostName=h;ModuleId=m;SharedAccessKey=")) == errc::missing_device_id);
  CHECK(err("HostName=h;DeviceId=d") == errc::missing_credentials);
  CHECK(err(with_key("HostName=h;DeviceId=d;x509=true;SharedAccessKey=")) == errc::conflicting_credentials);
  CHECK(err(with_key("HostName=h;DeviceId=d;SharedAccessSignature=SharedAccessSignature sr=h&sig=x&se=1;SharedAccessKey=")) ==
        errc::conflicting_credentials);
  CHECK(err("HostName=h;x509=true") == errc::conflicting_credentials);
  CHECK(err(with_key("HostName=h;SharedAccessKey=")) == errc::missing_key_name);
  CHECK(err("HostName=h;DeviceId=d;SharedAccessKey=not base64!") == errc::bad_key);
  CHECK(err("HostName=h;DeviceId=d;SharedAccessKey=AAE") == errc::bad_key);
  CHECK(err("HostName=h;DeviceId=d;x509=yes") == errc::bad_x509_value);
  CHECK(err("HostName=h;DeviceId=d;SharedAccessSignature=sr=h&sig=x&se=1") == errc::not_a_sas_token);
}

TEST_CASE("connection_string errors name the problem and throw from value()") {
  auto cs = connection_string::parse("HostName=h;DeviceId=d");
  REQUIRE_FALSE(cs);
  CHECK(cs.error().message().find("no credentials") != std::string::npos);
  CHECK_THROWS_AS(cs.value(), std::system_error);
}
