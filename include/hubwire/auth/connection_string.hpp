#ifndef HUBWIRE_AUTH_CONNECTION_STRING_HPP
#define HUBWIRE_AUTH_CONNECTION_STRING_HPP

// IoT Hub connection strings: ';'-separated Key=Value parts, as the portal, the CLI and
// the hub emulator print them. Device:
//   HostName={hub}.azure-devices.net;DeviceId={id};SharedAccessKey={base64}
// module: add ModuleId; service (policy): SharedAccessKeyName + SharedAccessKey without
// DeviceId; a pre-made token: SharedAccessSignature=SharedAccessSignature sr=...;
// X.509: x509=true; through an IoT Edge gateway: GatewayHostName.

#include <hubwire/auth/error.hpp>
#include <hubwire/core/result.hpp>

#include <string>
#include <string_view>

namespace hubwire::auth {

class connection_string {
public:
  enum class kind { device, module, service };

  std::string host_name;
  std::string device_id;              // empty for a service string
  std::string module_id;              // empty unless a module identity
  std::string shared_access_key_name; // policy name; empty for a device's own key
  std::string shared_access_key;      // base64
  std::string shared_access_signature;
  std::string gateway_host_name;
  bool x509 = false;

  // Parses and validates. Keys are case-sensitive; values may contain '='; an empty
  // part (a trailing ';') is ignored; anything else malformed is an auth::errc.
  static core::result<connection_string> parse(std::string_view text);

  kind identity() const noexcept {
    if (device_id.empty()) return kind::service;
    return module_id.empty() ? kind::device : kind::module;
  }

  // The SAS resource this identity signs for: {host}/devices/{id}[/modules/{mid}], or
  // {host} for a service policy.
  std::string resource_uri() const;

  // Canonical form (keys in a fixed order), parseable by parse().
  std::string to_string() const;
  // Same, with SharedAccessKey and SharedAccessSignature replaced by "***", for logs.
  std::string redacted() const;

  friend bool operator==(const connection_string&, const connection_string&) = default;

private:
  std::string print(bool redact) const;
};

} // namespace hubwire::auth

#include <hubwire/auth/impl/connection_string.hpp>

#endif
