#include <hubwire/core/time.hpp>
#include <hubwire_test/catch.hpp>

using namespace hubwire::core;
using namespace std::chrono;

TEST_CASE("ISO 8601 instants format in the .NET round-trip form with 7 fraction digits") {
  // 2016-07-04T10:38:06.1516616Z, the enqueuedTimeUtc of the hub's feedback sample.
  const system_time t = sys_days{2016y / July / 4} + 10h + 38min + 6s + duration_cast<system_time::duration>(duration<std::int64_t, std::ratio<1, 10000000>>(1516616));
  CHECK(format_iso8601(t) == "2016-07-04T10:38:06.1516616Z");
  CHECK(format_iso8601(system_time{}) == "1970-01-01T00:00:00.0000000Z");
  CHECK(parse_iso8601("2016-07-04T10:38:06.1516616Z") == t);
}

TEST_CASE("ISO 8601 parsing accepts the forms peers send and rejects the rest") {
  const system_time base = sys_days{2019y / December / 9} + 12h + 10min;
  CHECK(parse_iso8601("2019-12-09T12:10:00Z") == base);
  CHECK(parse_iso8601("2019-12-09T12:10:00.5Z") == base + 500ms);
  CHECK(parse_iso8601("2019-12-09T12:10:00.123456789Z") == base + 123456700ns); // truncated to 100 ns
  CHECK(parse_iso8601("2019-12-09T13:10:00+01:00") == base);
  CHECK(parse_iso8601("2019-12-09T11:40:00-00:30") == base);
  for (const char* bad : {"", "2019-12-09", "2019-12-09T12:10:00", "2019-12-09 12:10:00Z", "2019-13-09T12:10:00Z",
                          "2019-02-30T12:10:00Z", "2019-12-09T24:00:00Z", "2019-12-09T12:10:00.Z",
                          "2019-12-09T12:10:00Zjunk", "2019-12-09T12:10:00+0100", "12/09/2019 12:10:00 PM"})
    CHECK_FALSE(parse_iso8601(bad).has_value());
}
