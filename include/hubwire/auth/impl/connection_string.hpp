#ifndef HUBWIRE_AUTH_IMPL_CONNECTION_STRING_HPP
#define HUBWIRE_AUTH_IMPL_CONNECTION_STRING_HPP

#include <hubwire/auth/sas.hpp>
#include <hubwire/core/base64.hpp>

#include <array>

namespace hubwire::auth {
namespace detail {

struct cs_field {
  std::string_view key;
  std::string connection_string::*member;
};

inline constexpr std::array<cs_field, 7> cs_fields{{
    {"HostName", &connection_string::host_name},
    {"DeviceId", &connection_string::device_id},
    {"ModuleId", &connection_string::module_id},
    {"SharedAccessKeyName", &connection_string::shared_access_key_name},
    {"SharedAccessKey", &connection_string::shared_access_key},
    {"SharedAccessSignature", &connection_string::shared_access_signature},
    {"GatewayHostName", &connection_string::gateway_host_name},
}};

inline constexpr std::string_view x509_key = "x509";

} // namespace detail

inline core::result<connection_string> connection_string::parse(std::string_view text) {
  connection_string cs;
  bool seen_x509 = false;
  while (!text.empty()) {
    const auto semi = text.find(';');
    const std::string_view part = text.substr(0, semi);
    text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) return errc::malformed_pair;
    const std::string_view key = part.substr(0, eq);
    const std::string_view value = part.substr(eq + 1);
    if (value.empty()) return errc::empty_value;
    if (key == detail::x509_key) {
      if (seen_x509) return errc::duplicate_key;
      seen_x509 = true;
      // The SDKs compare case-insensitively ("true", "True"); anything else is a typo.
      if (value.size() != 4 || (value[0] | 0x20) != 't' || (value[1] | 0x20) != 'r' ||
          (value[2] | 0x20) != 'u' || (value[3] | 0x20) != 'e')
        return errc::bad_x509_value;
      cs.x509 = true;
      continue;
    }
    const detail::cs_field* field = nullptr;
    for (const auto& f : detail::cs_fields)
      if (f.key == key) field = &f;
    if (field == nullptr) return errc::unknown_key;
    std::string& slot = cs.*(field->member);
    if (!slot.empty()) return errc::duplicate_key;
    slot.assign(value);
  }

  if (cs.host_name.empty()) return errc::missing_host_name;
  if (!cs.module_id.empty() && cs.device_id.empty()) return errc::missing_device_id;
  const int credentials = int{!cs.shared_access_key.empty()} + int{!cs.shared_access_signature.empty()} + int{cs.x509};
  if (credentials == 0) return errc::missing_credentials;
  if (credentials > 1) return errc::conflicting_credentials;
  if (cs.device_id.empty()) {
    // A service string signs with a policy key (or carries a token made from one).
    if (cs.x509) return errc::conflicting_credentials;
    if (!cs.shared_access_key.empty() && cs.shared_access_key_name.empty()) return errc::missing_key_name;
  }
  if (!cs.shared_access_key.empty()) {
    std::error_code ec;
    (void)core::base64::decode(cs.shared_access_key, ec);
    if (ec) return errc::bad_key;
  }
  if (!cs.shared_access_signature.empty()) {
    auto token = sas_token::parse(cs.shared_access_signature);
    if (!token) return token.error();
  }
  return cs;
}

inline std::string connection_string::resource_uri() const {
  std::string uri = host_name;
  if (!device_id.empty()) {
    uri += "/devices/";
    uri += device_id;
    if (!module_id.empty()) {
      uri += "/modules/";
      uri += module_id;
    }
  }
  return uri;
}

inline std::string connection_string::print(bool redact) const {
  std::string out;
  auto add = [&](std::string_view key, std::string_view value, bool secret) {
    if (value.empty()) return;
    if (!out.empty()) out += ';';
    out += key;
    out += '=';
    out += redact && secret ? std::string_view("***") : value;
  };
  for (const auto& f : detail::cs_fields)
    add(f.key, this->*(f.member), f.member == &connection_string::shared_access_key ||
                                      f.member == &connection_string::shared_access_signature);
  if (x509) add(detail::x509_key, "true", false);
  return out;
}

inline std::string connection_string::to_string() const { return print(false); }
inline std::string connection_string::redacted() const { return print(true); }

} // namespace hubwire::auth

#endif
