#ifndef HUBWIRE_AUTH_IMPL_SAS_HPP
#define HUBWIRE_AUTH_IMPL_SAS_HPP

#include <hubwire/auth/hmac.hpp>
#include <hubwire/core/base64.hpp>
#include <hubwire/core/percent.hpp>

#include <charconv>
#include <limits>

namespace hubwire::auth {
namespace detail {

inline constexpr std::string_view sas_prefix = "SharedAccessSignature ";

inline std::string string_to_sign(std::string_view sr, std::string_view se) {
  std::string s;
  s.reserve(sr.size() + 1 + se.size());
  s += sr;
  s += '\n';
  s += se;
  return s;
}

// `sr` with every percent-escape's hex digits in the case `upper` names.
inline std::string with_escape_case(std::string_view sr, bool upper) {
  std::string s(sr);
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    if (s[i] != '%') continue;
    for (std::size_t j = i + 1; j <= i + 2; ++j) {
      char& c = s[j];
      if (upper && c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
      if (!upper && c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    i += 2;
  }
  return s;
}

inline char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

} // namespace detail

inline core::result<std::string> sas_token::make(std::string_view resource_uri, std::string_view base64_key,
                                                 std::string_view key_name, seconds_since_epoch expiry) {
  std::error_code ec;
  const std::string key = core::base64::decode(base64_key, ec);
  if (ec) return errc::bad_key;
  const std::string sr = core::percent::encode(resource_uri);
  const std::string se = std::to_string(expiry.time_since_epoch().count());
  const std::string to_sign = detail::string_to_sign(sr, se);
  const auto mac = hmac_sha256(core::as_bytes(key), core::as_bytes(to_sign), ec);
  if (ec) return ec;
  std::string token(detail::sas_prefix);
  token += "sr=";
  token += sr;
  token += "&sig=";
  core::percent::encode(core::base64::encode(core::bytes_view(mac)), token);
  token += "&se=";
  token += se;
  if (!key_name.empty()) {
    token += "&skn=";
    core::percent::encode(key_name, token);
  }
  return token;
}

inline core::result<sas_token> sas_token::parse(std::string_view text) {
  if (!text.starts_with(detail::sas_prefix)) return errc::not_a_sas_token;
  text.remove_prefix(detail::sas_prefix.size());
  sas_token t;
  bool have_sr = false, have_sig = false, have_se = false, have_skn = false;
  while (true) {
    const auto amp = text.find('&');
    const std::string_view field = text.substr(0, amp);
    const auto eq = field.find('=');
    if (eq == std::string_view::npos) return errc::sas_malformed_field;
    const std::string_view name = field.substr(0, eq);
    const std::string_view raw = field.substr(eq + 1);
    std::error_code ec;
    std::string value = core::percent::decode(raw, ec);
    if (ec) return errc::sas_malformed_field;
    auto take = [&](bool& seen) -> bool {
      if (seen) return false;
      seen = true;
      return true;
    };
    if (name == "sr") {
      if (!take(have_sr)) return errc::sas_duplicate_field;
      t.resource = std::move(value);
      t.signed_resource_.assign(raw);
    } else if (name == "sig") {
      if (!take(have_sig)) return errc::sas_duplicate_field;
      std::error_code bec;
      const std::string mac = core::base64::decode(value, bec);
      if (bec || mac.size() != sha256_digest{}.size()) return errc::sas_bad_signature;
      t.signature = std::move(value);
    } else if (name == "se") {
      if (!take(have_se)) return errc::sas_duplicate_field;
      std::int64_t secs = 0;
      const auto [end, perr] = std::from_chars(raw.data(), raw.data() + raw.size(), secs);
      if (raw.empty() || perr != std::errc{} || end != raw.data() + raw.size() || secs < 0 || raw[0] == '+')
        return errc::sas_bad_expiry;
      t.expiry = seconds_since_epoch(std::chrono::seconds(secs));
      t.signed_expiry_.assign(raw);
    } else if (name == "skn") {
      if (!take(have_skn)) return errc::sas_duplicate_field;
      t.key_name = std::move(value);
    } else {
      return errc::sas_unknown_field;
    }
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
  if (!have_sr || !have_sig || !have_se || t.resource.empty()) return errc::sas_missing_field;
  return t;
}

inline bool sas_token::covers(std::string_view scope, std::string_view resource) noexcept {
  while (scope.ends_with('/')) scope.remove_suffix(1);
  while (resource.ends_with('/')) resource.remove_suffix(1);
  if (scope.size() > resource.size()) return false;
  // The host (up to the first '/') is a DNS name: case-insensitive. Paths are not.
  const std::size_t host_end = std::min(scope.find('/'), scope.size());
  for (std::size_t i = 0; i < scope.size(); ++i) {
    const bool same = i < host_end ? detail::ascii_lower(scope[i]) == detail::ascii_lower(resource[i])
                                   : scope[i] == resource[i];
    if (!same) return false;
  }
  return resource.size() == scope.size() || resource[scope.size()] == '/';
}

inline std::error_code sas_token::verify(std::string_view base64_key, seconds_since_epoch now,
                                         std::string_view requested_resource) const {
  std::error_code ec;
  const std::string key = core::base64::decode(base64_key, ec);
  if (ec) return errc::bad_key;
  const std::string presented = core::base64::decode(signature, ec);
  if (ec) return errc::sas_bad_signature;

  // A token built field by field (not parsed) is checked as make() would have signed it.
  const std::string sr_text = signed_resource_.empty() ? core::percent::encode(resource) : signed_resource_;
  const std::string se_text =
      signed_expiry_.empty() ? std::to_string(expiry.time_since_epoch().count()) : signed_expiry_;

  // Every candidate is checked (no early exit), so the time taken does not reveal which
  // form of the resource the signer used.
  bool match = false;
  for (const std::string& sr : {sr_text, detail::with_escape_case(sr_text, true),
                                detail::with_escape_case(sr_text, false)}) {
    const auto mac = hmac_sha256(core::as_bytes(key), core::as_bytes(detail::string_to_sign(sr, se_text)), ec);
    if (ec) return ec;
    match |= constant_time_equal(core::bytes_view(mac), core::as_bytes(presented));
  }
  if (!match) return errc::sas_signature_mismatch;
  if (now >= expiry) return errc::sas_expired;
  if (!covers(resource, requested_resource)) return errc::sas_out_of_scope;
  return {};
}

} // namespace hubwire::auth

#endif
