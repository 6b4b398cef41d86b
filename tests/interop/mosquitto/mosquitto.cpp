// hubwire's MQTT codec against Debian's mosquitto broker and its mosquitto_pub client,
// over plain loopback sockets: every byte we send is made by hubwire's encoder, every
// byte we receive is read by hubwire's decoder. The broker (and the client, in the
// server-role test) are started on 127.0.0.1 with an ephemeral port and stopped by PID.
// With HUBWIRE_DUMP_CORPUS=dir, the bytes the peers sent are written there as fuzz seeds.
#include <hubwire/iothub/mqtt_topics.hpp>
#include <hubwire/mqtt/decode.hpp>
#include <hubwire/mqtt/encode.hpp>
#include <hubwire_test/catch.hpp>
#include <hubwire_test/process.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

namespace fs = std::filesystem;
using namespace hubwire;
using mqtt::role;

namespace {

void set_timeout(int fd) {
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

// One MQTT connection over a blocking socket, framed by hubwire's decoder.
class connection {
public:
  connection(int fd, role local, std::string dump_name) : fd_(fd), decoder_({.local = local}), dump_name_(std::move(dump_name)) {
    set_timeout(fd_);
  }
  connection(const connection&) = delete;
  ~connection() {
    if (fd_ >= 0) ::close(fd_);
    if (const char* dir = std::getenv("HUBWIRE_DUMP_CORPUS"); dir && !received_.empty()) {
      // Seed format of fuzz/mqtt_packet: role byte, then the stream.
      std::ofstream f(fs::path(dir) / dump_name_, std::ios::binary);
      const char role_byte = decoder_.options().local == role::server ? '\x01' : '\x00';
      f.put(role_byte);
      f.write(reinterpret_cast<const char*>(received_.data()), static_cast<std::streamsize>(received_.size()));
    }
  }

  static std::unique_ptr<connection> dial(std::uint16_t port, std::string dump_name) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    return std::make_unique<connection>(fd, role::client, std::move(dump_name));
  }

  void send(const mqtt::packet& p) {
    std::error_code ec;
    std::vector<std::uint8_t> out(mqtt::encoded_size(p, ec));
    REQUIRE_FALSE(ec);
    REQUIRE(mqtt::encode(p, out, ec) == out.size());
    REQUIRE(::send(fd_, out.data(), out.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(out.size()));
  }

  // The next packet; its views stay valid until the next call.
  const mqtt::packet& receive() {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
    for (;;) {
      std::error_code ec;
      const std::size_t used = decoder_.put(buffer_, ec);
      if (!ec) {
        consumed_ = used;
        return decoder_.value();
      }
      REQUIRE(ec == mqtt::errc::need_more);
      std::uint8_t chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      REQUIRE(n > 0);
      buffer_.insert(buffer_.end(), chunk, chunk + n);
      received_.insert(received_.end(), chunk, chunk + n);
    }
  }

  // True when the peer closed the connection (after DISCONNECT).
  bool closed_by_peer() {
    std::uint8_t b;
    return ::recv(fd_, &b, 1, 0) == 0;
  }

private:
  int fd_;
  mqtt::decoder decoder_;
  std::string dump_name_;
  std::vector<std::uint8_t> buffer_, received_;
  std::size_t consumed_ = 0;
};

struct broker {
  std::uint16_t port = hubwire_test::free_port();
  fs::path conf = fs::path(HUBWIRE_BINARY_DIR) / ("mosquitto-" + std::to_string(::getpid()) + ".conf");
  std::optional<hubwire_test::process> proc;
  broker() {
    std::ofstream(conf) << "listener " << port << " 127.0.0.1\nallow_anonymous true\npersistence false\n";
    proc.emplace(std::vector<std::string>{"mosquitto", "-c", conf.string()}, conf.string() + ".log");
    REQUIRE(proc->wait_for_port(port));
  }
  ~broker() {
    proc.reset(); // stops it by PID
    fs::remove(conf);
    fs::remove(conf.string() + ".log");
  }
};

template <class P>
const P& as(const mqtt::packet& p) {
  REQUIRE(std::holds_alternative<P>(p));
  return std::get<P>(p);
}

} // namespace

TEST_CASE("client role against mosquitto: every packet a client exchanges") {
  broker b;
  auto c = connection::dial(b.port, "mosquitto_client_session");

  // An IoT Hub-shaped CONNECT: the broker accepts the user name and SAS-like password.
  const auto fields = iothub::make_mqtt_connect(
      {.host = "127.0.0.1", .device_id = "dev1", .password = "SharedAccessSignature sr=x&sig=y&se=1", .keep_alive = std::chrono::seconds(60)});
  REQUIRE(fields);
  auto connect = fields->packet();
  connect.clean_session = true;
  c->send(connect);
  CHECK(as<mqtt::connack>(c->receive()) == mqtt::connack{false, mqtt::connect_return_code::accepted});

  const std::string c2d_filter = *iothub::c2d_subscription_filter("dev1");
  c->send(mqtt::subscribe{1, {{c2d_filter, mqtt::qos::at_least_once}, {"test/+/x", mqtt::qos::at_most_once}}});
  CHECK(as<mqtt::suback>(c->receive()) ==
        mqtt::suback{1, {mqtt::suback_code::granted_qos1, mqtt::suback_code::granted_qos0}});

  // QoS 0 to our own subscription: the broker forwards it back.
  c->send(mqtt::publish{.topic = "test/a/x", .payload = std::string_view("\0\x01zero", 6)});
  {
    const auto& p = as<mqtt::publish>(c->receive());
    CHECK(p.topic == "test/a/x");
    CHECK(p.payload == std::string_view("\0\x01zero", 6));
    CHECK(p.qos == mqtt::qos::at_most_once);
  }

  // QoS 1: the broker acknowledges ours and delivers a copy at QoS 1, which we acknowledge.
  c->send(mqtt::publish{.topic = "devices/dev1/messages/devicebound/a=1", .payload = "one", .qos = mqtt::qos::at_least_once, .packet_id = 7});
  bool got_ack = false, got_copy = false;
  for (int i = 0; i < 2; ++i) {
    const auto& p = c->receive();
    if (const auto* ack = std::get_if<mqtt::puback>(&p)) {
      CHECK(ack->packet_id == 7);
      got_ack = true;
    } else {
      const auto& copy = as<mqtt::publish>(p);
      CHECK(copy.topic == "devices/dev1/messages/devicebound/a=1");
      CHECK(copy.payload == "one");
      CHECK(copy.qos == mqtt::qos::at_least_once);
      CHECK(copy.packet_id != 0);
      got_copy = true;
      c->send(mqtt::puback{copy.packet_id});
    }
  }
  CHECK((got_ack && got_copy));

  c->send(mqtt::pingreq{});
  CHECK(std::holds_alternative<mqtt::pingresp>(c->receive()));

  // A C2D-shaped message from another client (mosquitto_pub), decoded into a c2d_message.
  {
    hubwire_test::process pub({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(b.port), "-q", "1", "-t",
                               "devices/dev1/messages/devicebound/%24.mid=msg-42&%24.to=%2Fdevices%2Fdev1%2Fmessages%2Fdevicebound"
                               "&%24.ct=text%2Fplain&%24.exp=2030-01-02T03%3A04%3A05.0000000Z&iothub-ack=full&flag&empty=&k%20y=v%26w",
                               "-m", "hello from mosquitto_pub"});
    const auto& p = as<mqtt::publish>(c->receive());
    CHECK(p.qos == mqtt::qos::at_least_once);
    const auto m = iothub::parse_c2d_publish(p.topic, p.payload);
    REQUIRE(m);
    CHECK(m->body == "hello from mosquitto_pub");
    CHECK(m->message_id == "msg-42");
    CHECK(m->to == "/devices/dev1/messages/devicebound");
    CHECK(m->content_type == "text/plain");
    CHECK(m->expiry_time == std::chrono::sys_days(std::chrono::year(2030) / 1 / 2) + std::chrono::hours(3) +
                                std::chrono::minutes(4) + std::chrono::seconds(5));
    CHECK(m->ack_requested == iothub::ack::full);
    CHECK(m->properties == std::vector<iothub::property>{{"flag", std::nullopt}, {"empty", ""}, {"k y", "v&w"}});
    c->send(mqtt::puback{p.packet_id});
  }

  c->send(mqtt::unsubscribe{2, {"test/+/x"}});
  CHECK(as<mqtt::unsuback>(c->receive()) == mqtt::unsuback{2});
  // No longer subscribed: the next packet after our QoS 0 publish is the PINGRESP.
  c->send(mqtt::publish{.topic = "test/a/x", .payload = "unseen"});
  c->send(mqtt::pingreq{});
  CHECK(std::holds_alternative<mqtt::pingresp>(c->receive()));

  c->send(mqtt::disconnect{});
  CHECK(c->closed_by_peer());
}

TEST_CASE("server role: decoding what mosquitto_pub sends, answering with hubwire's encoder") {
  const std::uint16_t port = hubwire_test::free_port();
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(listener, 1) == 0);

  hubwire_test::process pub({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(port), "-V", "mqttv311", "-i",
                             "dev1", "-u", "hub.azure-devices.net/dev1/?api-version=2021-04-12", "-P", "sas", "-k", "30",
                             "--will-topic", "devices/dev1/messages/events/", "--will-payload", "gone", "--will-qos", "1",
                             "-q", "1", "-t", "devices/dev1/messages/events/a=1", "-m", "telemetry"});
  set_timeout(listener);
  const int fd = ::accept(listener, nullptr, nullptr);
  ::close(listener);
  REQUIRE(fd >= 0);
  connection s(fd, role::server, "mosquitto_pub_to_server");

  const auto& c = as<mqtt::connect>(s.receive());
  CHECK(c.client_id == "dev1");
  CHECK(c.username == "hub.azure-devices.net/dev1/?api-version=2021-04-12");
  CHECK(c.password == "sas");
  CHECK(c.keep_alive == 30);
  CHECK(c.clean_session);
  REQUIRE(c.will);
  CHECK(c.will->topic == "devices/dev1/messages/events/");
  CHECK(c.will->message == "gone");
  CHECK(c.will->qos == mqtt::qos::at_least_once);
  s.send(mqtt::connack{});

  const auto& p = as<mqtt::publish>(s.receive());
  CHECK(p.topic == "devices/dev1/messages/events/a=1");
  CHECK(p.payload == "telemetry");
  CHECK(p.qos == mqtt::qos::at_least_once);
  s.send(mqtt::puback{p.packet_id});

  CHECK(std::holds_alternative<mqtt::disconnect>(s.receive()));
}
