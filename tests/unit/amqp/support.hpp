#ifndef HUBWIRE_TEST_AMQP_SUPPORT_HPP
#define HUBWIRE_TEST_AMQP_SUPPORT_HPP

#include <hubwire/amqp/decode.hpp>
#include <hubwire/amqp/encode.hpp>

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace amqp_test {

using bytes = std::vector<std::uint8_t>;

inline bytes b(std::initializer_list<int> xs) {
  bytes out;
  for (int x : xs) out.push_back(static_cast<std::uint8_t>(x));
  return out;
}
inline bytes cat(bytes a, const bytes& c) {
  a.insert(a.end(), c.begin(), c.end());
  return a;
}

// Decodes a whole buffer as one value; the error when it fails or leaves bytes over.
inline std::error_code decode_all(const bytes& in, hubwire::amqp::value& v,
                                  const hubwire::amqp::decode_limits& lim = {}) {
  std::error_code ec;
  const std::size_t n = hubwire::amqp::decode_value(in, v, ec, lim);
  if (!ec && n != in.size()) ec = hubwire::amqp::errc::trailing_bytes;
  return ec;
}

} // namespace amqp_test

#endif
