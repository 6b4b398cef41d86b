// Arbitrary bytes into the HTTP response parser, fed in pieces whose size the first byte
// picks (its top bit says the request was HEAD), the stream closing at the end: it never
// uses more than it is given, and every response it accepts serializes to bytes that
// parse to the same response.
#include "../http_common.hpp"

#include <hubwire/http/serializer.hpp>

#include <string>

using namespace hubwire::http;
using hubwire_fuzz::feed;

namespace {
// The stream closes at the end of the input: a close-delimited body ends there.
bool close_at_end(response_parser& p) {
  std::error_code ec;
  p.put_eof(ec);
  return !ec && p.is_done();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t step = 1 + data[0] % 64;
  const bool head = (data[0] & 0x80) != 0;
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  response_parser p(hubwire_fuzz::limits);
  p.skip_body(head);
  if (!feed(p, in, step, close_at_end)) return 0;
  const response& first = p.get();
  response expected = first;
  if (expected.reason.empty()) expected.reason = reason_phrase(first.status);
  std::string out;
  if (head || status_has_no_body(first.status)) {
    HUBWIRE_FUZZ_CHECK(!serialize_head(first, out)); // fields say what a body would be
    out += "\r\n";
  } else {
    HUBWIRE_FUZZ_CHECK(!serialize(first, out));
    if (!first.fields.find("Content-Length") && !p.chunked()) // a close-delimited body gets a length
      expected.fields.add("Content-Length", std::to_string(first.body.size()));
  }
  response_parser again(hubwire_fuzz::roomier);
  again.skip_body(head);
  HUBWIRE_FUZZ_CHECK(feed(again, out, out.size(), close_at_end));
  HUBWIRE_FUZZ_CHECK(again.get() == expected);
  return 0;
}
