// Built against an installed hubwire: proves the headers, the exported target and its
// dependencies (Asio, OpenSSL, Boost.JSON) all resolve from the install tree.
#include <hubwire/hubwire.hpp>

#include <cstdio>

int main() {
  auto cs = hubwire::auth::connection_string::parse(
      "HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  if (!cs) return 1;
  const auto token = hubwire::auth::sas_token::make(cs->resource_uri(), cs->shared_access_key, {},
                                                    std::chrono::sys_seconds(std::chrono::seconds(1456971697)));
  if (!token) return 1;
  std::puts(token->c_str());
  return token->empty() ? 1 : 0;
}
