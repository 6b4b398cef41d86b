#include <hubwire/http/parser.hpp>
#include <hubwire/http/serializer.hpp>
#include <hubwire/iothub/https_mapping.hpp>
#include <hubwire_test/catch.hpp>

// Request shapes and response headers are those the reference records from the
// official SDKs (iothub-wire-details.md 4.1-4.4); the 200 response is the az CLI
// fixture's (create_c2d_receive_response), its dates in the M/d/yyyy form.

using namespace hubwire;
using namespace hubwire::iothub;
namespace hs = hubwire::iothub::https;

namespace {
const hs::request_options opts{.host = "contoso.azure-devices.net", .sas_token = "SharedAccessSignature sr=x&sig=y&se=1"};
std::string wire(const http::request& r) {
  std::string out;
  REQUIRE_FALSE(http::serialize(r, out));
  return out;
}
time_point utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  using namespace std::chrono;
  return sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s);
}
} // namespace

TEST_CASE("device requests are the ones the SDKs send") {
  CHECK(wire(hs::make_receive_request("sensor 1", opts)) ==
        "GET /devices/sensor%201/messages/deviceBound?api-version=2021-04-12 HTTP/1.1\r\n"
        "Host: contoso.azure-devices.net\r\nAuthorization: SharedAccessSignature sr=x&sig=y&se=1\r\n\r\n");
  CHECK(wire(hs::make_complete_request("d", "8b9a-1", opts)) ==
        "DELETE /devices/d/messages/deviceBound/8b9a-1?api-version=2021-04-12 HTTP/1.1\r\n"
        "Host: contoso.azure-devices.net\r\nAuthorization: SharedAccessSignature sr=x&sig=y&se=1\r\n"
        "If-Match: \"8b9a-1\"\r\n\r\n");
  CHECK(hs::make_reject_request("d", "t", opts).target == "/devices/d/messages/deviceBound/t?api-version=2021-04-12&reject");
  const auto abandon = hs::make_abandon_request("d", "t", opts);
  CHECK(abandon.method == "POST");
  CHECK(abandon.target == "/devices/d/messages/deviceBound/t/abandon?api-version=2021-04-12");
  CHECK(wire(abandon).find("Content-Length: 0\r\n") != std::string::npos);
  const auto purge = hs::make_purge_request("d", opts);
  CHECK(purge.method == "DELETE");
  CHECK(purge.target == "/devices/d/commands?api-version=2021-04-12");
  CHECK(purge.fields.value("Accept") == "application/json");
}

TEST_CASE("a 200 receive response maps to the model (az CLI fixture headers)") {
  const std::string raw =
      "HTTP/1.1 200 OK\r\n"
      "ETag: \"3a4d2c3e-3e4e-4c24-a1a5-8f42f7dd4b2e\"\r\n"
      "iothub-messageid: 1234\r\n"
      "iothub-correlationid: c-1\r\n"
      "iothub-sequencenumber: 7\r\n"
      "iothub-to: /devices/sensor1/messages/deviceBound\r\n"
      "iothub-expiry: 12/09/2019 12:10:00 PM\r\n"
      "iothub-enqueuedtime: 12/09/2019 12:00:00 AM\r\n"
      "iothub-deliverycount: 0\r\n"
      "iothub-userid: user\r\n"
      "iothub-ack: full\r\n"
      "ContentType: application/json\r\n"
      "ContentEncoding: utf-8\r\n"
      "iothub-app-temperature: 21\r\n"
      "Content-Length: 4\r\n\r\nbody";
  http::response_parser p;
  std::error_code ec;
  REQUIRE(p.put(raw, ec) == raw.size());
  auto r = hs::parse_receive_response(p.get());
  REQUIRE(r);
  REQUIRE(r->has_value());
  const c2d_message& m = **r;
  CHECK(m.lock_token == "3a4d2c3e-3e4e-4c24-a1a5-8f42f7dd4b2e");
  CHECK(m.message_id == "1234");
  CHECK(m.correlation_id == "c-1");
  CHECK(m.sequence_number == 7u);
  CHECK(m.to == "/devices/sensor1/messages/deviceBound");
  CHECK(m.expiry_time == utc(2019, 12, 9, 12, 10, 0));
  CHECK(m.enqueued_time == utc(2019, 12, 9, 0, 0, 0)); // 12 AM is midnight
  CHECK(m.delivery_count == 0u);
  CHECK(m.user_id == "user");
  CHECK(m.ack_requested == ack::full);
  CHECK(m.content_type == "application/json");
  CHECK(m.content_encoding == "utf-8");
  REQUIRE(m.properties.size() == 1);
  CHECK(m.properties[0] == property{"temperature", "21"});
  CHECK(m.body == "body");
}

TEST_CASE("204 means no message, errors map to iothub::errc with retry advice") {
  auto r = hs::parse_receive_response(http::response{.status = 204});
  REQUIRE(r);
  CHECK_FALSE(r->has_value());

  struct row { int status; std::string body; errc e; bool retry; };
  for (const auto& [status, body, e, retry] : std::vector<row>{
           {400, "", errc::bad_request, false},
           {401, "{\"Message\":\"ErrorCode:IotHubUnauthorizedAccess;Unauthorized\"}", errc::unauthorized, false},
           {403, "", errc::quota_exceeded, false},
           {403, "{\"Message\":\"ErrorCode:DeviceMaximumQueueDepthExceeded;...\"}", errc::device_maximum_queue_depth_exceeded, false},
           {404, "", errc::device_not_found, false},
           {412, "", errc::device_message_lock_lost, false},
           {412, "{\"ErrorCode\":\"PreconditionFailed\"}", errc::precondition_failed, false},
           {413, "", errc::message_too_large, false},
           {429, "", errc::throttled, true},
           {500, "", errc::server_error, true},
           {502, "", errc::server_error, true},
           {503, "", errc::server_busy, true},
           {504, "", errc::gateway_timeout, true},
           {302, "", errc::unexpected_status, false}}) {
    http::response res{.status = status, .body = body};
    const auto o = hs::classify(res);
    CHECK(o.error == e);
    CHECK(o.retryable == retry);
    auto rr = hs::parse_receive_response(res);
    CHECK(rr.error() == e);
  }
  CHECK_FALSE(hs::classify(http::response{.status = 204}).error);
}

TEST_CASE("Retry-After in both forms of RFC 9110 10.2.3") {
  http::response res{.status = 429};
  res.fields.add("Retry-After", "120");
  CHECK(hs::classify(res).retry_after == std::chrono::seconds(120));
  // RFC 9110's example date.
  const auto now = utc(1994, 11, 6, 8, 48, 37);
  CHECK(hs::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == std::chrono::seconds(60));
  CHECK(hs::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + std::chrono::hours(1)) == std::chrono::seconds(0));
  CHECK_FALSE(hs::parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now));
  CHECK_FALSE(hs::parse_retry_after("-1", now));
  CHECK_FALSE(hs::parse_retry_after("", now));
}

TEST_CASE("header times: ISO 8601 and M/d/yyyy h:mm:ss tt") {
  CHECK(hs::parse_header_time("2016-07-04T10:38:06.1516616Z") ==
        utc(2016, 7, 4, 10, 38, 6) + std::chrono::duration_cast<clock::duration>(std::chrono::nanoseconds(151661600)));
  CHECK(hs::parse_header_time("1/2/2020 1:05:09 PM") == utc(2020, 1, 2, 13, 5, 9));
  CHECK(hs::parse_header_time("12/31/2020 12:00:00 PM") == utc(2020, 12, 31, 12, 0, 0));
  CHECK_FALSE(hs::parse_header_time("2/30/2020 1:00:00 PM"));
  CHECK_FALSE(hs::parse_header_time("1/2/2020 13:00:00 PM"));
  CHECK_FALSE(hs::parse_header_time("1/2/2020 1:00:00"));
}

TEST_CASE("malformed system headers are invalid_message") {
  auto bad = [](std::string_view name, std::string_view value) {
    http::fields f;
    f.add("ETag", "\"t\"");
    f.add(name, value);
    return hs::from_headers(f, "").error();
  };
  CHECK(bad("ETag2", "x") == std::error_code()); // unknown headers are ignored
  CHECK(bad("iothub-sequencenumber", "-1") == errc::invalid_message);
  CHECK(bad("iothub-sequencenumber", "18446744073709551616") == errc::invalid_message);
  CHECK(bad("iothub-deliverycount", "4294967296") == errc::invalid_message);
  CHECK(bad("iothub-enqueuedtime", "yesterday") == errc::invalid_message);
  CHECK(bad("iothub-ack", "sometimes") == errc::invalid_message);
  http::fields unquoted;
  unquoted.add("ETag", "t");
  CHECK(hs::from_headers(unquoted, "").error() == errc::invalid_message);
  // A 200 without a lock token cannot be settled.
  CHECK(hs::parse_receive_response(http::response{.status = 200}).error() == errc::invalid_message);
}

TEST_CASE("round trip: model -> HTTPS headers (on the wire) -> model, with every property") {
  c2d_message m;
  m.body = std::string("\0\xff payload", 10);
  m.message_id = "msg-\xc3\xa9t\xc3\xa9"; // non-ASCII (UTF-8) text
  m.correlation_id = "corr";
  m.user_id = "svc";
  m.content_type = "application/json";
  m.content_encoding = "utf-8";
  m.expiry_time = utc(2030, 1, 2, 3, 4, 5) + std::chrono::microseconds(123456);
  m.ack_requested = ack::negative;
  m.to = "/devices/d/messages/deviceBound";
  m.sequence_number = 18446744073709551615ull;
  m.enqueued_time = utc(2029, 12, 31, 23, 59, 59);
  m.delivery_count = 3;
  m.lock_token = "a1b2c3";
  m.properties = {{"empty", ""}, {"unicode", "\xe6\x97\xa5\xe6\x9c\xac"}, {"Mixed-Case", "v"}, {"dup", "1"}, {"dup", "2"}};

  auto res = hs::make_receive_response(m);
  REQUIRE(res);
  std::string bytes;
  REQUIRE_FALSE(http::serialize(*res, bytes));
  http::response_parser p;
  std::error_code ec;
  REQUIRE(p.put(bytes, ec) == bytes.size());
  auto back = hs::parse_receive_response(p.get());
  REQUIRE(back);
  REQUIRE(back->has_value());
  CHECK(**back == m);

  // What HTTPS cannot carry: a property without a value comes back empty; values with
  // control characters or edge whitespace and names that are not tokens are refused.
  c2d_message no_value;
  no_value.properties = {{"flag", std::nullopt}};
  http::fields f;
  REQUIRE_FALSE(hs::to_headers(no_value, f));
  CHECK(hs::from_headers(f, "")->properties[0] == property{"flag", ""});
  for (auto p2 : {property{"a b", "v"}, property{"k", "line\nbreak"}, property{"k", " padded"}}) {
    c2d_message x;
    x.properties = {p2};
    http::fields g;
    CHECK(hs::to_headers(x, g) == errc::invalid_message);
  }
}

#include <hubwire/iothub/purge_result.hpp>

TEST_CASE("purge: the documented 200 body, its errors, and the emulator's answer") {
  // Body shape of the Python service SDK's PurgeMessageQueueResult / C#'s model.
  auto ok = hs::parse_purge_response(
      http::response{.status = 200, .body = R"({"deviceId":"thermostat-7","moduleId":null,"totalMessagesPurged":3})"});
  REQUIRE(ok);
  CHECK(*ok == hs::purge_result{"thermostat-7", std::nullopt, 3});
  CHECK(hs::parse_purge_response(http::response{.status = 404}).error() == errc::device_not_found);
  CHECK(hs::parse_purge_response(http::response{.status = 200, .body = "[]"}).error() == errc::invalid_message);
  CHECK(hs::parse_purge_response(http::response{.status = 200, .body = R"({"deviceId":"d","totalMessagesPurged":-1})"})
            .error() == errc::invalid_message);
  CHECK(hs::parse_purge_response(http::response{.status = 200, .body = R"({"deviceId":"d"})"}).error() ==
        errc::invalid_message);
  const hs::purge_result r{"d", "m", 50};
  auto back = hs::parse_purge_response(hs::make_purge_response(r));
  REQUIRE(back);
  CHECK(*back == r);
}
