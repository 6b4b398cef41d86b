// Arbitrary bytes into the HTTP request parser, fed in pieces whose size the first byte
// picks: it never uses more than it is given, and every request it accepts serializes
// to bytes that parse to the same request.
#include "../check.hpp"

#include <hubwire/http/parser.hpp>
#include <hubwire/http/serializer.hpp>

#include <string>
#include <string_view>

using namespace hubwire::http;

namespace {
const parser_limits limits{.max_start_line = 512, .max_fields = 32, .max_header_bytes = 2048, .max_body = 4096,
                           .max_chunk_line = 64};
// The serializer may add one Content-Length field: room for it when parsing again.
const parser_limits roomier{.max_start_line = 512, .max_fields = 33, .max_header_bytes = 2048 + 40, .max_body = 4096,
                            .max_chunk_line = 64};

// Feeds `in` in pieces of `step`; true when a whole request was parsed.
bool feed(request_parser& p, std::string_view in, std::size_t step) {
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
    HUBWIRE_FUZZ_CHECK(ec != errc::need_more || used == 0);
    if (ec && ec != errc::need_more) return false;
    pending.erase(0, used);
    if (p.is_done()) return true;
    if (ec == errc::need_more && pos == in.size()) return false;
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t step = 1 + data[0] % 64;
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  request_parser p(limits);
  if (!feed(p, in, step)) return 0;
  const request& first = p.get();
  std::string out;
  HUBWIRE_FUZZ_CHECK(!serialize(first, out));
  request_parser again(roomier);
  HUBWIRE_FUZZ_CHECK(feed(again, out, out.size()));
  // The serializer adds a Content-Length only to a body-less POST/PUT/PATCH.
  request expected = first;
  if (!first.fields.find("Content-Length") && !first.fields.find("Transfer-Encoding") &&
      (first.method == "POST" || first.method == "PUT" || first.method == "PATCH"))
    expected.fields.add("Content-Length", "0");
  HUBWIRE_FUZZ_CHECK(again.get() == expected);
  HUBWIRE_FUZZ_CHECK(again.keep_alive() == p.keep_alive());
  return 0;
}
