#ifndef HUBWIRE_AMQP_DECODE_HPP
#define HUBWIRE_AMQP_DECODE_HPP

// Decoding one AMQP value from a complete buffer (a frame body, a section). Values are
// views into `in`; the whole value, nested elements included, is validated here so
// that walking it later cannot fail.

#include <hubwire/amqp/types.hpp>

#include <system_error>

namespace hubwire::amqp {

// Decodes the value at the start of `in`. Returns the bytes it used, or 0 with `ec`
// set (truncated if `in` ends inside the value).
inline std::size_t decode_value(bytes_view in, value& out, std::error_code& ec,
                                const decode_limits& limits = {}) noexcept {
  ec.clear();
  core::byte_reader r(in);
  if (!value_decoder(limits, ec).read(r, out, 0)) return 0;
  return r.position();
}

} // namespace hubwire::amqp

#endif
