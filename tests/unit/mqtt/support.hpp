#ifndef HUBWIRE_TEST_MQTT_SUPPORT_HPP
#define HUBWIRE_TEST_MQTT_SUPPORT_HPP

#include <hubwire/mqtt/decode.hpp>
#include <hubwire/mqtt/encode.hpp>

#include <cstdint>
#include <system_error>
#include <vector>

namespace mqtt_test {

using bytes = std::vector<std::uint8_t>;

inline bytes encode(const hubwire::mqtt::packet& p, std::error_code& ec) {
  bytes out(hubwire::mqtt::encoded_size(p, ec));
  if (ec) return {};
  out.resize(hubwire::mqtt::encode(p, out, ec));
  return out;
}

struct decoded {
  std::error_code ec;
  std::size_t used = 0;
  hubwire::mqtt::packet value{hubwire::mqtt::pingreq{}};
};

// Decodes `in` whole as `local` would (local = the decoding side).
inline decoded decode(hubwire::mqtt::role local, const bytes& in, std::size_t max = hubwire::mqtt::default_max_packet_size) {
  hubwire::mqtt::decoder d({.local = local, .max_packet_size = max});
  decoded r;
  r.used = d.put(in, r.ec);
  if (!r.ec) r.value = d.value();
  return r;
}

inline hubwire::mqtt::errc decode_error(hubwire::mqtt::role local, const bytes& in) {
  return static_cast<hubwire::mqtt::errc>(decode(local, in).ec.value());
}

inline bytes str(std::string_view s) { return {s.begin(), s.end()}; }
inline bytes cat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

} // namespace mqtt_test

#endif
