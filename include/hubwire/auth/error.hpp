#ifndef HUBWIRE_AUTH_ERROR_HPP
#define HUBWIRE_AUTH_ERROR_HPP

#include <hubwire/core/error.hpp>

namespace hubwire::auth {

enum class errc {
  // connection strings
  malformed_pair = 1,       // a ';'-separated part without '='
  unknown_key,              // keys are case-sensitive, as Azure writes them
  duplicate_key,
  empty_value,
  missing_host_name,
  missing_device_id,        // ModuleId without DeviceId
  missing_credentials,      // none of SharedAccessKey, SharedAccessSignature, x509=true
  conflicting_credentials,  // more than one of them
  missing_key_name,         // a service string needs SharedAccessKeyName
  bad_key,                  // SharedAccessKey is not strict base64
  bad_x509_value,           // x509 is anything but "true"
  // SAS tokens
  not_a_sas_token,          // no "SharedAccessSignature " prefix
  sas_malformed_field,      // a '&'-separated field without '=' or with a bad escape
  sas_unknown_field,
  sas_duplicate_field,
  sas_missing_field,        // sr, sig and se are required
  sas_bad_expiry,           // se is not a decimal number of seconds
  sas_bad_signature,        // sig is not base64 of an HMAC-SHA256
  sas_signature_mismatch,
  sas_expired,
  sas_out_of_scope,         // the token's resource does not cover the one requested
  crypto_failure,           // OpenSSL refused to compute the HMAC
};

constexpr const char* category_name(errc) noexcept { return "hubwire.auth"; }

inline const char* describe(errc e) noexcept {
  switch (e) {
    case errc::malformed_pair: return "connection string: a part has no '='";
    case errc::unknown_key: return "connection string: unknown key (keys are case-sensitive)";
    case errc::duplicate_key: return "connection string: a key appears twice";
    case errc::empty_value: return "connection string: a key has an empty value";
    case errc::missing_host_name: return "connection string: HostName is missing";
    case errc::missing_device_id: return "connection string: ModuleId given without DeviceId";
    case errc::missing_credentials:
      return "connection string: no credentials (SharedAccessKey, SharedAccessSignature or x509=true)";
    case errc::conflicting_credentials:
      return "connection string: more than one of SharedAccessKey, SharedAccessSignature, x509=true";
    case errc::missing_key_name: return "connection string: a service connection string needs SharedAccessKeyName";
    case errc::bad_key: return "connection string: SharedAccessKey is not valid base64";
    case errc::bad_x509_value: return "connection string: x509 must be 'true'";
    case errc::not_a_sas_token: return "SAS token: does not start with 'SharedAccessSignature '";
    case errc::sas_malformed_field: return "SAS token: malformed field or percent-escape";
    case errc::sas_unknown_field: return "SAS token: unknown field (expected sr, sig, se, skn)";
    case errc::sas_duplicate_field: return "SAS token: a field appears twice";
    case errc::sas_missing_field: return "SAS token: sr, sig or se is missing";
    case errc::sas_bad_expiry: return "SAS token: se is not a number of seconds since 1970";
    case errc::sas_bad_signature: return "SAS token: sig is not a base64 HMAC-SHA256";
    case errc::sas_signature_mismatch: return "SAS token: signature does not match the key";
    case errc::sas_expired: return "SAS token: expired";
    case errc::sas_out_of_scope: return "SAS token: resource does not cover the requested resource";
    case errc::crypto_failure: return "SAS token: HMAC-SHA256 computation failed";
  }
  return "hubwire.auth: unknown error";
}

} // namespace hubwire::auth

HUBWIRE_ERROR_ENUM(hubwire::auth, errc)

#endif
