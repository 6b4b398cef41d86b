// Arbitrary bytes into the HTTP request parser, fed in pieces whose size the first byte
// picks: it never uses more than it is given, and every request it accepts serializes
// to bytes that parse to the same request.
#include "../http_common.hpp"

#include <hubwire/http/serializer.hpp>

using namespace hubwire::http;
using hubwire_fuzz::feed;

namespace {
bool refuse_at_end(request_parser&) { return false; } // a request is never close-delimited
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t step = 1 + data[0] % 64;
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  request_parser p(hubwire_fuzz::limits);
  if (!feed(p, in, step, refuse_at_end)) return 0;
  const request& first = p.get();
  std::string out;
  HUBWIRE_FUZZ_CHECK(!serialize(first, out));
  request_parser again(hubwire_fuzz::roomier);
  HUBWIRE_FUZZ_CHECK(feed(again, out, out.size(), refuse_at_end));
  // The serializer adds a Content-Length only to a body-less POST/PUT/PATCH.
  request expected = first;
  if (!first.fields.find("Content-Length") && !first.fields.find("Transfer-Encoding") &&
      (first.method == "POST" || first.method == "PUT" || first.method == "PATCH"))
    expected.fields.add("Content-Length", "0");
  HUBWIRE_FUZZ_CHECK(again.get() == expected);
  HUBWIRE_FUZZ_CHECK(again.keep_alive() == p.keep_alive());
  return 0;
}
