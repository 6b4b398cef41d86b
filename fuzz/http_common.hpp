#ifndef HUBWIRE_FUZZ_HTTP_COMMON_HPP
#define HUBWIRE_FUZZ_HTTP_COMMON_HPP

// What the HTTP request and response targets share: their parser limits and the loop
// that feeds a parser its input in pieces, checking the put() contract on every call.
#include "check.hpp"

#include <hubwire/http/parser.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace hubwire_fuzz {

inline const hubwire::http::parser_limits limits{
    .max_start_line = 512, .max_fields = 32, .max_header_bytes = 2048, .max_body = 4096, .max_chunk_line = 64};
// The serializer may add one Content-Length field: room for it when parsing again.
inline const hubwire::http::parser_limits roomier{
    .max_start_line = 512, .max_fields = 33, .max_header_bytes = 2048 + 40, .max_body = 4096, .max_chunk_line = 64};

// Feeds `in` in pieces of `step`; true when a whole message was parsed. When the input
// runs out with the parser still wanting more, `at_end(p)` decides (a response may be
// close-delimited, a request may not).
template <class Parser, class AtEnd>
bool feed(Parser& p, std::string_view in, std::size_t step, AtEnd at_end) {
  std::string pending;
  std::size_t pos = 0;
  for (;;) {
    if (pos < in.size()) {
      const auto n = std::min(step, in.size() - pos);
      pending.append(in.substr(pos, n));
      pos += n;
    }
    std::error_code ec;
    const auto used = p.put(pending, ec);
    HUBWIRE_FUZZ_CHECK(used <= pending.size());
    HUBWIRE_FUZZ_CHECK(ec != hubwire::http::errc::need_more || used == 0);
    if (ec && ec != hubwire::http::errc::need_more) return false;
    pending.erase(0, used);
    if (p.is_done()) return true;
    if (ec == hubwire::http::errc::need_more && pos == in.size()) return at_end(p);
  }
}

} // namespace hubwire_fuzz

#endif
