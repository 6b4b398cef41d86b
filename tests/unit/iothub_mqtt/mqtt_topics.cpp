// IoT Hub's MQTT conventions. Expected strings come from the reference
// (/work/shared/reference/iothub-wire-details.md section 1, iothub-protocol-facts.md
// section 11) and the IoT Hub MQTT documentation in /work/shared/seeds, not from
// hubwire: the documented property bag example, real topics from the hub (the eC
// VxWorks log, the Python SDK's fixture, the CLI quick-start), the SDKs' user names.
#include <hubwire/iothub/mqtt_topics.hpp>
#include <hubwire_test/catch.hpp>

using namespace hubwire::iothub;
using namespace std::chrono;

namespace {
property p(std::string name, std::optional<std::string> value) { return {std::move(name), std::move(value)}; }
c2d_message bag(std::string_view b) {
  c2d_message m;
  REQUIRE(parse_property_bag(b, m) == std::error_code());
  return m;
}
mqtt_errc bag_error(std::string_view b, property_bag_limits limits = {}) {
  c2d_message m;
  return static_cast<mqtt_errc>(parse_property_bag(b, m, limits).value());
}
} // namespace

TEST_CASE("property bag: the documented example, null vs empty vs value") {
  // "prop1 with a value of null; prop2, an empty string; and prop3 with a value of 'a string'"
  const auto m = bag("prop1&prop2=&prop3=a%20string");
  CHECK(m.properties == std::vector<property>{p("prop1", std::nullopt), p("prop2", ""), p("prop3", "a string")});
  // The same bag written the way the docs print it, after "/?".
  const auto t = parse_c2d_publish("devices/d1/messages/devicebound/?prop1&prop2=&prop3=a%20string", "");
  REQUIRE(t);
  CHECK(t->properties == m.properties);
}

TEST_CASE("C2D topic from a real hub (eC VxWorks sample log)") {
  // The log elides most of the message id; the rest is verbatim.
  const auto m = parse_c2d_publish("devices/VxDev1/messages/devicebound/%24.mid=ee06e90f-0000-4000-8000-000000000001"
                                   "&%24.to=%2Fdevices%2FVxDev1%2Fmessages%2Fdevicebound&%24.ce=utf-8",
                                   "hello");
  REQUIRE(m);
  CHECK(m->message_id == "ee06e90f-0000-4000-8000-000000000001");
  CHECK(m->to == "/devices/VxDev1/messages/devicebound");
  CHECK(m->content_encoding == "utf-8");
  CHECK(m->body == "hello");
  CHECK(m->properties.empty());
}

TEST_CASE("C2D topic with every system property (Python SDK fixture)") {
  const auto m = parse_c2d_publish(
      "devices/fake_device/messages/devicebound/%24.exp=3237-07-19T23%3A06%3A40.0000000Z&%24.cid=fake_corid"
      "&%24.mid=fake_msgid&%24.to=%2Fdevices%2Ffake_device%2Fmessages%2Fdevicebound&%24.ct=fake_content_type"
      "&%24.ce=utf-8&iothub-ack=positive",
      "");
  REQUIRE(m);
  // Year 3237 is past system_clock's range (2262 with nanoseconds): "never".
  CHECK(m->expiry_time == hubwire::iothub::time_point::max());
  CHECK(m->correlation_id == "fake_corid");
  CHECK(m->message_id == "fake_msgid");
  CHECK(m->to == "/devices/fake_device/messages/devicebound");
  CHECK(m->content_type == "fake_content_type");
  CHECK(m->content_encoding == "utf-8");
  CHECK(m->ack_requested == ack::positive);
  CHECK(m->properties.empty());
}

TEST_CASE("the decoder accepts '$' raw or as %24, $.uid, other $. keys as application properties") {
  const auto m = bag("$.mid=1&%24.uid=hub&%24.ctime=2020-01-01T00%3A00%3A00Z&%24.cdid=dev&x%2By=%2B%26%3D");
  CHECK(m.message_id == "1");
  CHECK(m.user_id == "hub");
  CHECK(m.properties ==
        std::vector<property>{p("$.ctime", "2020-01-01T00:00:00Z"), p("$.cdid", "dev"), p("x+y", "+&=")});
}

TEST_CASE("topic without a property bag (CLI quick-start form) and topic shapes") {
  const auto bare = parse_c2d_publish("devices/simDevice/messages/devicebound/", "x");
  REQUIRE(bare);
  CHECK(bare->properties.empty());
  CHECK_FALSE(bare->message_id);
  CHECK(parse_c2d_publish("devices/simDevice/messages/devicebound", "x"));
  const auto parts = split_c2d_topic("devices/my-dev/messages/devicebound/a=b");
  REQUIRE(parts);
  CHECK(parts->device_id == "my-dev");
  CHECK(parts->property_bag == "a=b");
  for (const char* bad : {"devices//messages/devicebound/", "devices/d/messages/events/", "device/d/messages/devicebound/",
                          "devices/d/messages/deviceboundx", "devices/d", ""})
    CHECK(split_c2d_topic(bad).error() == mqtt_errc::not_devicebound_topic);
}

TEST_CASE("property bag errors") {
  CHECK(bag_error("a=%2") == mqtt_errc::bad_percent_escape);
  CHECK(bag_error("a%zz=1") == mqtt_errc::bad_percent_escape);
  CHECK(bag_error("a=1&a=2") == mqtt_errc::duplicate_property);
  CHECK(bag_error("a&a=") == mqtt_errc::duplicate_property);
  CHECK(bag_error("%24.mid=1&$.mid=2") == mqtt_errc::duplicate_property);
  CHECK(bag_error("=v") == mqtt_errc::empty_property_name);
  CHECK(bag_error("a=1&&b=2") == mqtt_errc::empty_property_name);
  CHECK(bag_error("a=1&") == mqtt_errc::empty_property_name);
  CHECK(bag_error("&a=1") == mqtt_errc::empty_property_name);
  CHECK(bag_error("%24.mid") == mqtt_errc::null_system_property);
  CHECK(bag_error("iothub-ack") == mqtt_errc::null_system_property);
  CHECK(bag_error("%24.exp=tomorrow") == mqtt_errc::bad_system_property);
  CHECK(bag_error("iothub-ack=sometimes") == mqtt_errc::bad_system_property);
  CHECK(bag_error("a=1&b=2&c=3", {.max_topic_size = 100, .max_properties = 2}) == mqtt_errc::too_many_properties);
  CHECK(bag_error("a=12345", {.max_topic_size = 6, .max_properties = 8}) == mqtt_errc::topic_too_long);
  const std::string long_topic = "devices/d/messages/devicebound/a=" + std::string(70000, 'x');
  CHECK(parse_c2d_publish(long_topic, "").error() == mqtt_errc::topic_too_long);
}

TEST_CASE("$.exp: offsets and fraction lengths, far future as never, far past refused") {
  CHECK(bag("%24.exp=2016-07-04T12%3A38%3A06%2B02%3A00").expiry_time ==
        sys_days(year(2016) / 7 / 4) + hours(10) + minutes(38) + seconds(6));
  CHECK(bag("%24.exp=2016-07-04T10%3A38%3A06.15Z").expiry_time ==
        sys_days(year(2016) / 7 / 4) + hours(10) + minutes(38) + seconds(6) + milliseconds(150));
  CHECK(bag("%24.exp=9999-12-31T23%3A59%3A59.9999999Z").expiry_time == hubwire::iothub::time_point::max());
  CHECK(bag_error("%24.exp=3000-13-01T00%3A00%3A00Z") == mqtt_errc::bad_system_property);
  CHECK(bag_error("%24.exp=1000-01-01T00%3A00%3A00Z") == mqtt_errc::bad_system_property);
  c2d_message m;
  m.expiry_time = hubwire::iothub::time_point::max();
  std::string out;
  REQUIRE_FALSE(append_property_bag(m, out));
  CHECK(out == "%24.exp=9999-12-31T23%3A59%3A59.9999999Z");
}

TEST_CASE("a bag appended to a message cannot set what the message already has") {
  c2d_message m;
  m.message_id = "1";
  m.properties = {p("a", "x")};
  CHECK(parse_property_bag("%24.mid=2", m) == mqtt_errc::duplicate_property);
  c2d_message m2;
  m2.properties = {p("a", "x")};
  CHECK(parse_property_bag("a", m2) == mqtt_errc::duplicate_property);
  c2d_message m3;
  m3.ack_requested = ack::full;
  CHECK(parse_property_bag("iothub-ack=none", m3) == mqtt_errc::duplicate_property);
  c2d_message m4;
  REQUIRE_FALSE(parse_property_bag("a=1", m4));
  CHECK(parse_property_bag("b=2", m4) == std::error_code());
  CHECK(m4.properties == std::vector<property>{p("a", "1"), p("b", "2")});
}

TEST_CASE("iothub-ack accepts any case and none") {
  CHECK(bag("iothub-ack=Full").ack_requested == ack::full);
  CHECK(bag("iothub-ack=negative").ack_requested == ack::negative);
  CHECK(bag("iothub-ack=none").ack_requested == ack::none);
}

TEST_CASE("c2d_topic writes the form every SDK accepts") {
  c2d_message m;
  m.message_id = "id 1";
  m.correlation_id = "c/1";
  m.content_type = "application/json";
  m.content_encoding = "utf-8";
  m.expiry_time = sys_days(year(2016) / 7 / 4) + hours(10) + minutes(38) + seconds(6) + microseconds(151661) +
                  nanoseconds(600);
  m.ack_requested = ack::full;
  m.properties = {p("prop1", std::nullopt), p("prop2", ""), p("prop3", "a string"), p("$.ctime", "x")};
  const auto t = c2d_topic("dev1", m);
  REQUIRE(t);
  // $ as %24 (the C SDK matches "%24.mid" literally), '/' and ':' escaped (C# and Node
  // split the topic on '/'), $.exp with seven fraction digits (C# parses with "o"),
  // and $.to present (C# fails on a topic without properties).
  CHECK(*t == "devices/dev1/messages/devicebound/%24.mid=id%201&%24.to=%2Fdevices%2Fdev1%2Fmessages%2Fdevicebound"
              "&%24.cid=c%2F1&%24.ct=application%2Fjson&%24.ce=utf-8&%24.exp=2016-07-04T10%3A38%3A06.1516616Z"
              "&iothub-ack=full&prop1&prop2=&prop3=a%20string&%24.ctime=x");
  CHECK(*c2d_topic("dev1", c2d_message{}) ==
        "devices/dev1/messages/devicebound/%24.to=%2Fdevices%2Fdev1%2Fmessages%2Fdevicebound");
}

TEST_CASE("the bag encoder refuses what the decoder would refuse") {
  c2d_message m;
  std::string out;
  m.properties = {p("a", "1"), p("a", "2")};
  CHECK(append_property_bag(m, out) == mqtt_errc::duplicate_property);
  m.properties = {p("", "1")};
  CHECK(append_property_bag(m, out) == mqtt_errc::empty_property_name);
  m.properties = {p("$.mid", "1")};
  CHECK(append_property_bag(m, out) == mqtt_errc::reserved_property_name);
  m.properties = {p("iothub-ack", "full")};
  CHECK(append_property_bag(m, out) == mqtt_errc::reserved_property_name);
  CHECK(out.empty());
}

TEST_CASE("property bag round trip: encode, decode, equal") {
  c2d_message m;
  m.message_id = "";
  m.user_id = "u&=%";
  m.to = "/devices/d/messages/devicebound";
  m.expiry_time = sys_days(year(2030) / 1 / 2) + nanoseconds(1234567800);
  m.ack_requested = ack::negative;
  m.properties = {p("k\xC3\xA9y", "v\xE2\x82\xAC"), p("n", std::nullopt), p("e", ""), p("sp ace", "a+b c"), p("$.on", "x")};
  std::string b;
  REQUIRE_FALSE(append_property_bag(m, b));
  CHECK(bag(b) == m);
}

TEST_CASE("CONNECT for a device and a module") {
  // The C SDK's trace shows CLEAN 0, KEEPALIVE 240 and user name + password (flags 192).
  const auto f = make_mqtt_connect({.host = "myhub.azure-devices.net", .device_id = "dev1", .password = "SharedAccessSignature sr=x"});
  REQUIRE(f);
  CHECK(f->client_id == "dev1");
  CHECK(f->username == "myhub.azure-devices.net/dev1/?api-version=2021-04-12");
  CHECK(f->keep_alive == 240);
  const auto c = f->packet();
  CHECK_FALSE(c.clean_session);
  CHECK(c.username == "myhub.azure-devices.net/dev1/?api-version=2021-04-12");
  CHECK(c.password == "SharedAccessSignature sr=x");

  const auto mod = make_mqtt_connect({.host = "h.azure-devices.net", .device_id = "d", .module_id = "m",
                                      .api_version = "2020-09-30", .device_client_type = "hubwire/0.1 (linux; x64)",
                                      .model_id = "dtmi:com:example:Thermostat;1", .keep_alive = seconds(1177)});
  REQUIRE(mod);
  CHECK(mod->client_id == "d/m");
  // Query order and escaping as the C# SDK writes them (EscapeDataString: upper-case hex).
  CHECK(mod->username == "h.azure-devices.net/d/m/?api-version=2020-09-30"
                         "&DeviceClientType=hubwire%2F0.1%20%28linux%3B%20x64%29&model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1");
  CHECK_FALSE(mod->packet().password); // X.509: no password
}

TEST_CASE("CONNECT errors: keep-alive cap and identity") {
  CHECK(make_mqtt_connect({.host = "h", .device_id = "d", .keep_alive = seconds(1178)}).error() ==
        mqtt_errc::keep_alive_too_long);
  CHECK(make_mqtt_connect({.host = "h", .device_id = "d", .keep_alive = seconds(-1)}).error() ==
        mqtt_errc::keep_alive_too_long);
  CHECK(make_mqtt_connect({.host = "", .device_id = "d"}).error() == mqtt_errc::bad_identity);
  CHECK(make_mqtt_connect({.host = "h", .device_id = ""}).error() == mqtt_errc::bad_identity);
  CHECK(make_mqtt_connect({.host = "h", .device_id = "a/b"}).error() == mqtt_errc::bad_identity);
}

TEST_CASE("subscription filters and telemetry topics") {
  CHECK(*c2d_subscription_filter("dev1") == "devices/dev1/messages/devicebound/#");
  CHECK(*c2d_subscription_filter("dev1", "mod1") == "devices/dev1/modules/mod1/#");
  // '+' and '#' are legal in device ids but cannot appear in a topic filter level.
  CHECK(c2d_subscription_filter("a+b").error() == mqtt_errc::bad_identity);
  CHECK(c2d_subscription_filter("").error() == mqtt_errc::bad_identity);
  CHECK(*telemetry_topic("dev1") == "devices/dev1/messages/events/");
  CHECK(*telemetry_topic("dev1", "mod1", "a=1") == "devices/dev1/modules/mod1/messages/events/a=1");
  CHECK(telemetry_topic("d#").error() == mqtt_errc::bad_identity);
}
