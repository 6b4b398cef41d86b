// Arbitrary bytes into the HTTP response parser, fed in pieces whose size the first byte
// picks (its top bit says the request was HEAD), the stream closing at the end: it never
// uses more than it is given, and every response it accepts serializes to bytes that
// parse to the same response.
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

bool feed(response_parser& p, std::string_view in, std::size_t step) {
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
    if (ec && ec != errc::need_more) return false;
    pending.erase(0, used);
    if (p.is_done()) return true;
    if (ec == errc::need_more && pos == in.size()) {
      p.put_eof(ec);
      return !ec && p.is_done();
    }
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t step = 1 + data[0] % 64;
  const bool head = (data[0] & 0x80) != 0;
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  response_parser p(limits);
  p.skip_body(head);
  if (!feed(p, in, step)) return 0;
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
  response_parser again(roomier);
  again.skip_body(head);
  HUBWIRE_FUZZ_CHECK(feed(again, out, out.size()));
  HUBWIRE_FUZZ_CHECK(again.get() == expected);
  return 0;
}
