#include <hubwire/iothub/feedback.hpp>
#include <hubwire_test/catch.hpp>

// Bodies are the ones the hub's documents show (reference iothub-protocol-facts.md 9.3,
// iothub-wire-details.md 3.4): the C2D article's PascalCase sample with a numeric
// status, the AMQP article / SDK camelCase form with string names, and the Node
// tutorial's output without statusCode.

using namespace hubwire::iothub;
namespace fb = hubwire::iothub::feedback;

namespace {
time_point t(std::string_view iso) { return *hubwire::core::parse_iso8601(iso); }
} // namespace

TEST_CASE("feedback: the C2D article's PascalCase sample with a numeric StatusCode") {
  const auto r = fb::parse(R"([
    {
      "OriginalMessageId": "0987654321",
      "EnqueuedTimeUtc": "2015-07-28T16:24:48.789Z",
      "StatusCode": 0,
      "Description": "Success",
      "DeviceId": "123",
      "DeviceGenerationId": "abcdefghijklmnopqrstuvwxyz"
    },
    {
      "OriginalMessageId": "1234567890",
      "EnqueuedTimeUtc": "2015-07-28T16:24:48.789Z",
      "StatusCode": 1,
      "Description": "Expired",
      "DeviceId": "123"
    }])");
  REQUIRE(r);
  REQUIRE(r->size() == 2);
  CHECK((*r)[0] == feedback_record{"0987654321", "123", "abcdefghijklmnopqrstuvwxyz", feedback_status::success,
                                   "Success", t("2015-07-28T16:24:48.789Z")});
  CHECK((*r)[1].status == feedback_status::expired);
  CHECK((*r)[1].device_generation_id.empty());
}

TEST_CASE("feedback: camelCase keys with string status names, every status") {
  const auto r = fb::parse(R"([
    {"originalMessageId":"a","enqueuedTimeUtc":"2016-07-04T10:38:06.1516616Z","statusCode":"Success","description":"Success","deviceId":"d","deviceGenerationId":"g"},
    {"originalMessageId":"b","enqueuedTimeUtc":"2016-07-04T10:38:06Z","statusCode":"expired","description":"Expired","deviceId":"d","deviceGenerationId":"g"},
    {"originalMessageId":"c","enqueuedTimeUtc":"2016-07-04T10:38:06Z","statusCode":"DeliveryCountExceeded","description":"x","deviceId":"d","deviceGenerationId":"g"},
    {"originalMessageId":"d","enqueuedTimeUtc":"2016-07-04T10:38:06Z","statusCode":"Rejected","description":"Rejected","deviceId":"d","deviceGenerationId":"g"},
    {"originalMessageId":"e","enqueuedTimeUtc":"2016-07-04T10:38:06Z","statusCode":4,"description":"Purged","deviceId":"d","deviceGenerationId":"g","extra":[1]}
  ])");
  REQUIRE(r);
  REQUIRE(r->size() == 5);
  CHECK((*r)[0].status == feedback_status::success);
  CHECK((*r)[0].enqueued_time == t("2016-07-04T10:38:06.1516616Z"));
  CHECK((*r)[1].status == feedback_status::expired);
  CHECK((*r)[2].status == feedback_status::delivery_count_exceeded);
  CHECK((*r)[2].description == "x");
  CHECK((*r)[3].status == feedback_status::rejected);
  CHECK((*r)[4].status == feedback_status::purged);
}

TEST_CASE("feedback: the Node tutorial's record has no statusCode, the description names it") {
  const auto r = fb::parse(
      R"([{"originalMessageId":"My Message ID","description":"success","deviceGenerationId":"636029680662044245","deviceId":"myFirstNodeDevice","enqueuedTimeUtc":"2016-07-04T10:38:06.1516616Z"}])");
  REQUIRE(r);
  CHECK((*r)[0].status == feedback_status::success);
  CHECK((*r)[0].device_id == "myFirstNodeDevice");
}

TEST_CASE("feedback: serialize writes the SDKs' form and parses back equal") {
  std::vector<feedback_record> recs{
      {"m1", "dev", "gen", feedback_status::delivery_count_exceeded, "DeliveryCountExceeded", t("2016-07-04T10:38:06.1516616Z")},
      {"m\xc3\xa9", "dev", "", feedback_status::purged, "", t("2020-01-01T00:00:00Z")}};
  const std::string json = fb::serialize(recs);
  CHECK(json.find(R"("statusCode":"DeliveryCountExceeded")") != std::string::npos);
  CHECK(json.find(R"("enqueuedTimeUtc":"2016-07-04T10:38:06.1516616Z")") != std::string::npos);
  CHECK(json.find(R"("originalMessageId":"m1")") != std::string::npos);
  auto back = fb::parse(json);
  REQUIRE(back);
  CHECK(*back == recs);
  CHECK(fb::serialize({}) == "[]");
}

TEST_CASE("feedback: every malformed shape has its own error, and nothing throws") {
  const std::string ok_fields = R"("deviceId":"d","enqueuedTimeUtc":"2016-07-04T10:38:06Z")";
  auto err = [](std::string_view body) { return fb::parse(body).error(); };
  CHECK(err("[{") == fb::errc::bad_json);
  CHECK(err("") == fb::errc::bad_json);
  CHECK(err("[[[[[[1]]]]]]") == fb::errc::bad_json); // deeper than a feedback body
  CHECK(err("{}") == fb::errc::not_an_array);
  CHECK(err("[1]") == fb::errc::record_not_object);
  CHECK(err(R"([{"statusCode":"Success","deviceId":"d"}])") == fb::errc::missing_field);
  CHECK(err(R"([{"statusCode":"Success",)" "\"enqueuedTimeUtc\":\"2016-07-04T10:38:06Z\"}]") == fb::errc::missing_field);
  CHECK(err("[{" + ok_fields + "}]") == fb::errc::missing_field); // no status at all
  CHECK(err("[{" + ok_fields + R"(,"statusCode":"Lost"}])") == fb::errc::unknown_status);
  CHECK(err("[{" + ok_fields + R"(,"statusCode":5}])") == fb::errc::unknown_status);
  CHECK(err("[{" + ok_fields + R"(,"statusCode":-1}])") == fb::errc::unknown_status);
  CHECK(err("[{" + ok_fields + R"(,"statusCode":18446744073709551615}])") == fb::errc::unknown_status);
  CHECK(err("[{" + ok_fields + R"(,"statusCode":1.0}])") == fb::errc::wrong_type);
  CHECK(err("[{" + ok_fields + R"(,"description":"gone"}])") == fb::errc::unknown_status);
  CHECK(err(R"([{"deviceId":7,"enqueuedTimeUtc":"2016-07-04T10:38:06Z","statusCode":0}])") == fb::errc::wrong_type);
  CHECK(err(R"([{"deviceId":"d","enqueuedTimeUtc":"yesterday","statusCode":0}])") == fb::errc::bad_time);
  // Beyond what system_clock can hold (found by the fuzzer; core::parse_iso8601 now refuses it).
  CHECK(err(R"([{"deviceId":"d","enqueuedTimeUtc":"4030-07-28T16:24:48Z","statusCode":0}])") == fb::errc::bad_time);
  CHECK(err("[{" + ok_fields + R"(,"statusCode":0,"StatusCode":1}])") == fb::errc::duplicate_key);
  const std::string rec = "{" + ok_fields + R"(,"statusCode":0})";
  CHECK(fb::parse("[" + rec + "," + rec + "]", {.max_records = 1}).error() == fb::errc::too_many_records);
  CHECK(fb::parse("[" + rec + "]", {.max_body = 10}).error() == fb::errc::body_too_large);
}
