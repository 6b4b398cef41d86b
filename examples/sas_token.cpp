// Prints a SAS token for the identity in a connection string.
//
//   sas_token "HostName=...;DeviceId=...;SharedAccessKey=..." [lifetime-seconds]
//   DEVICE_CONNECTION_STRING="HostName=..." sas_token
//
// A device or module string yields a device-scoped token (sr = {host}/devices/{id}),
// a service string a hub-scoped one with skn = the policy name.
#include <hubwire/auth/connection_string.hpp>
#include <hubwire/auth/sas.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  const char* text = argc > 1 ? argv[1] : std::getenv("DEVICE_CONNECTION_STRING");
  if (text == nullptr) {
    std::fprintf(stderr, "usage: %s <connection-string> [lifetime-seconds]\n"
                         "   or: DEVICE_CONNECTION_STRING=... %s\n", argv[0], argv[0]);
    return 2;
  }
  const long lifetime = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 3600;
  if (lifetime <= 0) {
    std::fprintf(stderr, "error: lifetime must be a positive number of seconds\n");
    return 2;
  }

  auto cs = hubwire::auth::connection_string::parse(text);
  if (!cs) {
    std::fprintf(stderr, "error: %s\n", cs.error().message().c_str());
    return 1;
  }
  if (cs->shared_access_key.empty()) {
    std::fprintf(stderr, "error: %s carries no SharedAccessKey to sign with\n", cs->redacted().c_str());
    return 1;
  }

  const auto expiry = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
                      std::chrono::seconds(lifetime);
  auto token = hubwire::auth::sas_token::make(cs->resource_uri(), cs->shared_access_key,
                                              cs->shared_access_key_name, expiry);
  if (!token) {
    std::fprintf(stderr, "error: %s\n", token.error().message().c_str());
    return 1;
  }
  std::printf("identity: %s\n", cs->redacted().c_str());
  std::printf("resource: %s\n", cs->resource_uri().c_str());
  std::printf("expires:  %lld (in %ld s)\n", static_cast<long long>(expiry.time_since_epoch().count()), lifetime);
  std::printf("%s\n", token->c_str());
  return 0;
}
