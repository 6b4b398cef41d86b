// device::mqtt_client against Debian's mosquitto broker, set up like IoT Hub: TLS with a
// CA and server certificate the test makes with openssl, no anonymous access, a
// password file keyed by the hub's user-name form ({host}/{device}/?api-version=...),
// and an ACL that confines each client id to devices/{id}/#. C2D-shaped messages (topic
// with a property bag, QoS 1) come from mosquitto_pub as the "service"; telemetry is
// read back with mosquitto_sub. A fault-injection proxy (hubwire_test::tcp_proxy) cuts
// or freezes connections.
//
// Debugging: HUBWIRE_TEST_VERBOSE=1 prints the broker's log, statuses and deliveries;
// HUBWIRE_TEST_CUT=n runs the fault-injection case for one cut point only.
#include <hubwire/device/mqtt_client.hpp>
#include <hubwire/iothub/mqtt_topics.hpp>
#include <hubwire/net/with_timeout.hpp>
#include <hubwire_test/catch.hpp>
#include <hubwire_test/pki.hpp>
#include <hubwire_test/process.hpp>
#include <hubwire_test/tcp_proxy.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

using namespace hubwire;
using namespace std::chrono_literals;
using device::connection_status;

namespace {

constexpr const char* device_secret = "device-secret";
constexpr const char* service_secret = "service-secret";

std::string quote(const std::string& s) { return "'" + s + "'"; } // test strings hold no quote

struct broker {
  hubwire_test::pki certs{"mosquitto-device-pki"};
  std::uint16_t plain_port = hubwire_test::free_port();
  std::uint16_t tls_port = hubwire_test::free_port();
  std::uint16_t x509_port = hubwire_test::free_port(); // client certificates, CN = device id
  std::unique_ptr<hubwire_test::process> proc;

  static std::string username(const std::string& device) {
    return iothub::mqtt_username({.host = "localhost", .device_id = device, .device_client_type = "hubwire/0.1"});
  }

  broker() {
    const auto passwd = certs / "passwd";
    hubwire_test::run_quietly("touch " + passwd);
    for (const char* d : {"dev-1", "dev-2", "dev-3", "dev-4", "dev-5", "dev-6", "dev-7", "dev-8"})
      hubwire_test::run_quietly("mosquitto_passwd -b " + passwd + " " + quote(username(d)) + " " + device_secret);
    hubwire_test::run_quietly("mosquitto_passwd -b " + passwd + " service " + service_secret);
    certs.client("device", "dev-x509");
    std::ofstream(certs / "acl") << "user service\ntopic readwrite devices/#\n\npattern readwrite devices/%c/#\n";
    std::ofstream(certs / "mosquitto.conf")
        << "per_listener_settings false\nallow_anonymous false\npersistence false\n"
        << "password_file " << passwd << "\nacl_file " << (certs / "acl") << "\n"
        << "log_dest stdout\nlog_type all\n"
        << "listener " << plain_port << " 127.0.0.1\n"
        << "listener " << tls_port << " 127.0.0.1\n"
        << "cafile " << (certs / "test-ca.pem") << "\ncertfile " << (certs / "server.pem") << "\nkeyfile "
        << (certs / "server.key") << "\n"
        << "listener " << x509_port << " 127.0.0.1\n"
        << "cafile " << (certs / "test-ca.pem") << "\ncertfile " << (certs / "server.pem") << "\nkeyfile "
        << (certs / "server.key") << "\nrequire_certificate true\nuse_identity_as_username true\n";
    hubwire_test::run_quietly("chmod 644 " + passwd + " " + (certs / "acl")); // mosquitto drops root
    proc = std::make_unique<hubwire_test::process>(std::vector<std::string>{"mosquitto", "-c", certs / "mosquitto.conf"},
                                                   certs / "mosquitto.log");
    const bool up = proc->wait_for_port(plain_port) && proc->wait_for_port(tls_port) && proc->wait_for_port(x509_port);
    INFO(log());
    REQUIRE(up);
  }

  // Publishes each payload as one QoS 1 C2D message, like the hub would.
  void publish(const std::string& device, const std::string& bag, const std::vector<std::string>& payloads) const {
    const auto lines = certs / ("publish-" + device + ".txt");
    {
      std::ofstream f(lines);
      for (const auto& p : payloads) f << p << '\n';
    }
    hubwire_test::run_quietly("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(plain_port) + " -u service -P " +
                              service_secret + " -q 1 -t " + quote("devices/" + device + "/messages/devicebound/" + bag) +
                              " -l < " + lines);
  }

  ~broker() {
    if (std::getenv("HUBWIRE_TEST_VERBOSE")) std::fputs(log().c_str(), stderr);
  }

  std::string log() const { return hubwire_test::read_file(certs / "mosquitto.log"); }
};

device::mqtt_client_options options(const broker& b, const std::string& device, std::uint16_t port = 0) {
  device::mqtt_client_options o;
  o.credentials = auth::connection_string::parse("HostName=localhost;DeviceId=" + device + ";SharedAccessKey=AAAA").value();
  o.transport = device::mqtt_transport::tls;
  o.connect_host = "127.0.0.1";
  o.port = port ? port : b.tls_port;
  o.token_provider = [](auto) { return std::string(device_secret); };
  o.keep_alive = 30s;
  o.response_timeout = 2s;
  o.retry.initial_delay = 50ms;
  o.retry.max_delay = 200ms;
  return o;
}

asio::ssl::context tls_for(const broker& b, const std::string& ca = "test-ca.pem") {
  auto ctx = net::make_tls_context({.ca_file = b.certs / ca});
  REQUIRE(ctx);
  return std::move(*ctx);
}

// Runs `f` as a coroutine on `io` until it finishes (or 30 s pass, a failure).
template <class F>
void run(asio::io_context& io, F f) {
  bool done = false;
  std::exception_ptr error;
  asio::co_spawn(io, f(), [&](std::exception_ptr e) {
    error = e;
    done = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  io.run_for(30s);
  if (std::getenv("HUBWIRE_TEST_VERBOSE"))
    std::fprintf(stderr, "run: done=%d after %lld ms stopped=%d\n", done,
                 (long long)std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count(), io.stopped());
  REQUIRE(done);
  if (error) std::rethrow_exception(error);
}

asio::awaitable<void> sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

// The next message, or an error after `timeout` (asio::error::timed_out).
asio::awaitable<std::tuple<std::error_code, iothub::c2d_message>> receive_within(device::mqtt_client& c,
                                                                                 std::chrono::milliseconds timeout) {
  co_return co_await net::with_timeout(c.async_receive(net::deferred), timeout, net::as_tuple(asio::use_awaitable));
}

// A new client for `device` receives nothing within 700 ms: the broker holds nothing
// undelivered or unacknowledged for it.
asio::awaitable<void> expect_nothing_left(asio::io_context& io, asio::ssl::context& tls, const broker& b,
                                          const std::string& device) {
  device::mqtt_client after(io.get_executor(), tls, options(b, device));
  co_await after.async_open(asio::use_awaitable);
  auto [ec, m] = co_await receive_within(after, 700ms);
  CHECK(ec == asio::error::timed_out);
  co_await after.async_close(asio::use_awaitable);
}

struct status_log {
  std::vector<std::pair<connection_status, std::error_code>> entries;
  void attach(device::mqtt_client& c) {
    c.on_status([this](connection_status s, std::error_code ec) { entries.emplace_back(s, ec); });
  }
  int count(connection_status s) const {
    int n = 0;
    for (auto& e : entries) n += e.first == s;
    return n;
  }
};

} // namespace

TEST_CASE("mqtt_client over TLS: receives a C2D message with its properties, completes it, and it is not delivered again") {
  broker b;
  auto tls = tls_for(b);
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    {
      device::mqtt_client c(io.get_executor(), tls, options(b, "dev-1"));
      status_log st;
      st.attach(c);
      co_await c.async_open(asio::use_awaitable);
      CHECK(st.count(connection_status::connected) == 1);
      b.publish("dev-1", "%24.mid=msg-1&%24.cid=corr-9&%24.ct=application%2Fjson&%24.ce=utf-8&iothub-ack=full&color=blue&empty=&flag",
                {R"({"temp":21})"});
      auto m = co_await c.async_receive(asio::use_awaitable);
      CHECK(m.body == R"({"temp":21})");
      CHECK(m.message_id == "msg-1");
      CHECK(m.correlation_id == "corr-9");
      CHECK(m.content_type == "application/json");
      CHECK(m.content_encoding == "utf-8");
      CHECK(m.ack_requested == iothub::ack::full);
      REQUIRE(m.properties.size() == 3);
      CHECK(m.properties[0] == iothub::property{"color", "blue"});
      CHECK(m.properties[1] == iothub::property{"empty", ""});
      CHECK(m.properties[2] == iothub::property{"flag", std::nullopt});
      REQUIRE(m.lock_token);
      co_await c.async_complete(m, asio::use_awaitable);
      // MQTT cannot reject or abandon: the error says so.
      auto [ec] = co_await c.async_reject(m, net::as_tuple(asio::use_awaitable));
      CHECK(ec == iothub::errc::not_supported_by_transport);
      std::tie(ec) = co_await c.async_abandon(m, net::as_tuple(asio::use_awaitable));
      CHECK(ec == iothub::errc::not_supported_by_transport);
      co_await c.async_close(asio::use_awaitable);
      CHECK(st.entries.back().first == connection_status::disconnected);
    }
    // Same device, clean session 0: the broker kept the subscription, and the
    // completed message is gone.
    device::mqtt_client c(io.get_executor(), tls, options(b, "dev-1"));
    co_await c.async_open(asio::use_awaitable);
    auto [ec, m] = co_await receive_within(c, 700ms);
    CHECK(ec == asio::error::timed_out);
    co_await c.async_close(asio::use_awaitable);
  });
}

TEST_CASE("mqtt_client: a message not completed is delivered again, one held across a cut is completed after the reconnect") {
  broker b;
  auto tls = tls_for(b);
  hubwire_test::tcp_proxy proxy(b.tls_port);
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    {
      // The application "crashes" (the client goes away) before completing.
      device::mqtt_client c(io.get_executor(), tls, options(b, "dev-2"));
      co_await c.async_open(asio::use_awaitable);
      b.publish("dev-2", "%24.mid=m1", {"first"});
      auto m = co_await c.async_receive(asio::use_awaitable);
      CHECK(m.body == "first");
    }
    device::mqtt_client c(io.get_executor(), tls, options(b, "dev-2", proxy.port()));
    status_log st;
    st.attach(c);
    co_await c.async_open(asio::use_awaitable);
    auto again = co_await c.async_receive(asio::use_awaitable);
    CHECK(again.body == "first"); // delivered again: nothing lost
    CHECK(again.message_id == "m1");

    // Now the connection is cut while the application still holds the message.
    proxy.cut_all();
    while (st.count(connection_status::connected) < 2) co_await sleep(20ms);
    CHECK(st.count(connection_status::disconnected_retrying) >= 1);
    // The broker redelivers it on the new connection, but the client knows it is the
    // one in the application's hands: no second copy.
    auto [ec, dup] = co_await receive_within(c, 500ms);
    CHECK(ec == asio::error::timed_out);
    co_await c.async_complete(again, asio::use_awaitable); // PUBACK on the new connection
    co_await c.async_close(asio::use_awaitable);

    co_await expect_nothing_left(io, tls, b, "dev-2"); // the completion reached the broker
  });
}

TEST_CASE("mqtt_client: a backlog larger than the receive queue arrives before SUBACK, yet open completes and all 40 arrive once") {
  broker b;
  auto tls = tls_for(b);
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    {
      device::mqtt_client c(io.get_executor(), tls, options(b, "dev-8"));
      co_await c.async_open(asio::use_awaitable); // the persistent session now exists
      co_await c.async_close(asio::use_awaitable);
    }
    std::vector<std::string> payloads;
    for (int i = 0; i < 40; ++i) payloads.push_back("backlog-" + std::to_string(i));
    b.publish("dev-8", "%24.mid=b", payloads);

    auto o = options(b, "dev-8");
    o.receive_queue_capacity = 4; // the broker sends all 40 right after CONNACK, then SUBACK
    device::mqtt_client c(io.get_executor(), tls, o);
    co_await c.async_open(asio::use_awaitable);
    for (int i = 0; i < 40; ++i) {
      auto [ec, m] = co_await receive_within(c, 2000ms);
      REQUIRE_FALSE(ec);
      CHECK(m.body == payloads[static_cast<std::size_t>(i)]);
      co_await c.async_complete(m, asio::use_awaitable);
    }
    co_await c.async_close(asio::use_awaitable); // right after the last PUBACKs, held back in one write

    co_await expect_nothing_left(io, tls, b, "dev-8"); // every completion reached the broker
  });
}

TEST_CASE("mqtt_client: handlers chained from handlers never run inside their initiating function") {
  broker b;
  auto tls = tls_for(b);
  asio::io_context io;
  device::mqtt_client c(io.get_executor(), tls, options(b, "dev-7"));
  std::vector<std::string> payloads;
  for (int i = 0; i < 50; ++i) payloads.push_back("chain-" + std::to_string(i));
  int completed = 0, inline_calls = 0;
  std::error_code failure;
  // receive -> complete -> receive ..., each initiated from the previous one's handler:
  // the client runs these steps itself, without a trip through the event loop, yet a
  // handler may only run once the function that initiated it has returned.
  std::function<void()> next = [&] {
    auto returned = std::make_shared<bool>(false);
    c.async_receive([&, returned](std::error_code ec, iothub::c2d_message m) {
      if (!*returned) ++inline_calls;
      if (ec) return void(failure = ec);
      CHECK(m.body == payloads[static_cast<std::size_t>(completed)]);
      auto done = std::make_shared<bool>(false);
      c.async_complete(m, [&, done](std::error_code e) {
        if (!*done) ++inline_calls;
        if (e) return void(failure = e);
        if (++completed < 50) next();
        else c.async_close([](std::error_code) {});
      });
      *done = true;
    });
    *returned = true;
  };
  c.async_open([&](std::error_code ec) {
    REQUIRE_FALSE(ec);
    b.publish("dev-7", "%24.mid=c", payloads);
    next();
  });
  io.run_for(20s);
  CHECK_FALSE(failure);
  CHECK(completed == 50);
  CHECK(inline_calls == 0);
}

TEST_CASE("mqtt_client: keep-alive holds an idle connection and detects a peer that went silent") {
  broker b;
  auto tls = tls_for(b);
  hubwire_test::tcp_proxy proxy(b.tls_port);
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    auto o = options(b, "dev-3", proxy.port());
    o.keep_alive = 1s;
    o.response_timeout = 1s;
    device::mqtt_client c(io.get_executor(), tls, o);
    status_log st;
    st.attach(c);
    co_await c.async_open(asio::use_awaitable);
    // The broker drops clients silent for 1.5 keep-alives; 3.5 s idle spans two of them.
    co_await sleep(3500ms);
    CHECK(st.entries.size() == 1);
    b.publish("dev-3", "", {"still-here"});
    auto m = co_await c.async_receive(asio::use_awaitable);
    CHECK(m.body == "still-here");
    co_await c.async_complete(m, asio::use_awaitable);

    // The path goes silent (nothing closes): the missing PINGRESP gives it away.
    proxy.freeze(true);
    const auto frozen_at = std::chrono::steady_clock::now();
    while (st.count(connection_status::disconnected_retrying) == 0) co_await sleep(20ms);
    const auto detected_after = std::chrono::steady_clock::now() - frozen_at;
    CHECK(st.entries.back().second == mqtt::session_errc::ping_timeout);
    CHECK(detected_after <= 2500ms); // keep-alive (1 s) plus the response time-out (1 s)
    proxy.freeze(false);
    while (st.count(connection_status::connected) < 2) co_await sleep(20ms);
    co_await c.async_close(asio::use_awaitable);
  });
}

TEST_CASE("mqtt_client: token renewal reconnects with a fresh password and loses nothing") {
  broker b;
  auto tls = tls_for(b);
  asio::io_context io;
  std::atomic<bool> publishing{true};
  std::vector<std::string> sent;
  for (int i = 0; i < 30; ++i) sent.push_back("renew-" + std::to_string(i));
  std::thread publisher;
  run(io, [&]() -> asio::awaitable<void> {
    auto o = options(b, "dev-4");
    o.token_lifetime = 2s;
    o.renew_at = 0.4; // every 0.8-0.9 s
    o.renew_jitter = 0.05;
    std::vector<std::chrono::system_clock::time_point> expiries;
    o.token_provider = [&](std::chrono::system_clock::time_point expiry) {
      expiries.push_back(expiry);
      return std::string(device_secret);
    };
    device::mqtt_client c(io.get_executor(), tls, o);
    status_log st;
    st.attach(c);
    co_await c.async_open(asio::use_awaitable);
    publisher = std::thread([&] {
      for (std::size_t i = 0; i < sent.size(); i += 3) {
        b.publish("dev-4", "", {sent.begin() + static_cast<long>(i), sent.begin() + static_cast<long>(i + 3)});
        std::this_thread::sleep_for(100ms);
      }
      publishing = false;
    });
    std::set<std::string> got;
    while (got.size() < sent.size()) {
      auto [ec, m] = co_await receive_within(c, 5s);
      REQUIRE_FALSE(ec);
      got.insert(m.body);
      co_await c.async_complete(m, asio::use_awaitable);
    }
    CHECK(got == std::set<std::string>(sent.begin(), sent.end()));
    CHECK(expiries.size() >= 3); // at least two renewals while the messages flowed
    for (std::size_t i = 1; i < expiries.size(); ++i) CHECK(expiries[i] > expiries[i - 1]);
    CHECK(st.count(connection_status::disconnected_retrying) == 0); // renewals are not failures
    co_await c.async_close(asio::use_awaitable);
  });
  publisher.join();
}

TEST_CASE("mqtt_client: wrong CA, wrong host name and bad password each fail with their own error, without endless retries") {
  broker b;
  asio::io_context io;
  struct failure_case {
    std::string name, ca, host;
    const char* password;
    std::error_code want;
  };
  // mosquitto answers a wrong password with CONNACK 5 (not authorized), as IoT Hub does
  // for a bad SAS token.
  const failure_case cases[] = {
      {"untrusted CA", "other-ca.pem", "localhost", device_secret, net::tls_errc::untrusted_certificate},
      {"wrong host", "test-ca.pem", "not-localhost", device_secret, net::tls_errc::hostname_mismatch},
      {"bad password", "test-ca.pem", "localhost", "wrong", mqtt::session_errc::refused_not_authorized},
  };
  for (const auto& fc : cases) {
    INFO(fc.name);
    auto tls = tls_for(b, fc.ca);
    run(io, [&]() -> asio::awaitable<void> {
      auto o = options(b, "dev-5");
      o.credentials.host_name = fc.host;
      int attempts = 0;
      o.token_provider = [&](auto) {
        ++attempts;
        return std::string(fc.password);
      };
      device::mqtt_client c(io.get_executor(), tls, o);
      auto [ec] = co_await c.async_open(net::as_tuple(asio::use_awaitable));
      CHECK(ec == fc.want);
      CHECK(attempts == 3); // retry.permanent_after
      auto [rec, m] = co_await c.async_receive(net::as_tuple(asio::use_awaitable));
      CHECK(rec == fc.want); // every later operation learns why
    });
    io.restart();
  }
}

TEST_CASE("mqtt_client with X.509: the client certificate authenticates, no password is sent") {
  broker b;
  auto tls = net::make_tls_context({.ca_file = b.certs / "test-ca.pem",
                                    .client_certificate_file = b.certs / "device.pem",
                                    .client_key_file = b.certs / "device.key"});
  REQUIRE(tls);
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    auto o = options(b, "dev-x509", b.x509_port);
    o.credentials = auth::connection_string::parse("HostName=localhost;DeviceId=dev-x509;x509=true").value();
    o.token_provider = nullptr;
    device::mqtt_client c(io.get_executor(), *tls, o);
    co_await c.async_open(asio::use_awaitable);
    b.publish("dev-x509", "%24.mid=x1", {"by-certificate"});
    auto m = co_await c.async_receive(asio::use_awaitable);
    CHECK(m.body == "by-certificate");
    co_await c.async_complete(m, asio::use_awaitable);
    co_await c.async_close(asio::use_awaitable);
  });
  // Without the certificate the same listener refuses the TLS handshake.
  auto no_cert = tls_for(b);
  io.restart();
  run(io, [&]() -> asio::awaitable<void> {
    auto o = options(b, "dev-x509", b.x509_port);
    o.credentials = auth::connection_string::parse("HostName=localhost;DeviceId=dev-x509;x509=true").value();
    o.retry = net::retry_policy::none();
    device::mqtt_client c(io.get_executor(), no_cert, o);
    auto [ec] = co_await c.async_open(net::as_tuple(asio::use_awaitable));
    CHECK(ec);
  });
}

TEST_CASE("mqtt_client: telemetry goes out at QoS 1 with its property bag") {
  broker b;
  auto tls = tls_for(b);
  const auto out = b.certs / "telemetry.txt";
  hubwire_test::process sub({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(b.plain_port), "-u", "service", "-P",
                             service_secret, "-q", "1", "-C", "1", "-v", "-t", "devices/dev-6/messages/events/#"},
                            out);
  std::this_thread::sleep_for(300ms); // let the subscription land
  asio::io_context io;
  run(io, [&]() -> asio::awaitable<void> {
    device::mqtt_client c(io.get_executor(), tls, options(b, "dev-6"));
    co_await c.async_open(asio::use_awaitable);
    iothub::c2d_message t;
    t.body = "21.5";
    t.message_id = "t-1";
    t.content_type = "text/plain";
    t.properties.push_back({"unit", "celsius"});
    co_await c.async_send_telemetry(t, asio::use_awaitable); // returns once PUBACKed
    co_await c.async_close(asio::use_awaitable);
  });
  std::string line;
  for (int i = 0; i < 100 && line.empty(); ++i) {
    std::ifstream f(out);
    std::getline(f, line);
    if (line.empty()) std::this_thread::sleep_for(20ms);
  }
  CHECK(line == "devices/dev-6/messages/events/%24.mid=t-1&%24.ct=text%2Fplain&unit=celsius 21.5");
}

TEST_CASE("mqtt_client: every operation takes callbacks, use_future and deferred, and honours cancellation") {
  broker b;
  auto tls = tls_for(b);
  asio::io_context io;
  device::mqtt_client c(io.get_executor(), tls, options(b, "dev-7"));
  std::error_code open_ec = asio::error::would_block;
  c.async_open([&](std::error_code ec) { open_ec = ec; }); // callback
  io.run_for(5s);
  io.restart();
  REQUIRE_FALSE(open_ec);

  b.publish("dev-7", "%24.mid=f", {"via-future"});
  std::thread runner([&] { io.run_for(5s); });
  auto fut = c.async_receive(asio::use_future);
  auto m = fut.get();
  runner.join();
  io.restart();
  CHECK(m.body == "via-future");

  auto deferred_op = c.async_complete(m, net::deferred); // nothing happens until launched
  std::error_code complete_ec = asio::error::would_block;
  std::move(deferred_op)([&](std::error_code ec) { complete_ec = ec; });
  io.run_for(1s);
  io.restart();
  CHECK_FALSE(complete_ec);

  // A receive cancelled by its slot completes with operation_aborted at once.
  asio::cancellation_signal cancel;
  std::error_code rec = asio::error::would_block;
  c.async_receive(asio::bind_cancellation_slot(cancel.slot(), [&](std::error_code ec, iothub::c2d_message) { rec = ec; }));
  io.poll();
  CHECK(rec == asio::error::would_block);
  cancel.emit(asio::cancellation_type::terminal);
  io.run_for(500ms);
  io.restart();
  CHECK(rec == asio::error::operation_aborted);

  std::error_code close_ec = asio::error::would_block;
  c.async_close([&](std::error_code ec) { close_ec = ec; });
  io.run_for(5s);
  CHECK_FALSE(close_ec);
}

TEST_CASE("mqtt_client fault injection: cut at every packet boundary of a 20-message exchange, nothing is lost") {
  broker b;
  auto tls = tls_for(b);
  hubwire_test::tcp_proxy proxy(b.plain_port);
  asio::io_context io;
  // The exchange: CONNECT, CONNACK, SUBSCRIBE, SUBACK, then 20 PUBLISH + 20 PUBACK.
  constexpr int messages = 20;
  constexpr int packets = 4 + 2 * messages;
  int total_deliveries = 0;
  std::set<std::string> seen;
  const auto plain = [&] {
    auto o = options(b, "dev-1");
    o.transport = device::mqtt_transport::tcp;
    o.port = b.plain_port;
    return o;
  };
  // The session (and its subscription) must exist for the broker to queue for it.
  run(io, [&]() -> asio::awaitable<void> {
    device::mqtt_client c(io.get_executor(), tls, plain());
    co_await c.async_open(asio::use_awaitable);
    co_await c.async_close(asio::use_awaitable);
  });
  io.restart();
  const int only = std::getenv("HUBWIRE_TEST_CUT") ? std::atoi(std::getenv("HUBWIRE_TEST_CUT")) : 0;
  for (int cut = only ? only : 1; cut <= (only ? only : packets); ++cut) {
    INFO("cut after packet " << cut);
    std::vector<std::string> payloads;
    for (int i = 0; i < messages; ++i) payloads.push_back("cut" + std::to_string(cut) + "-m" + std::to_string(i));
    b.publish("dev-1", "", payloads); // queued in dev-1's session while it is offline
    proxy.cut_next_after_packets(cut);
    run(io, [&]() -> asio::awaitable<void> {
      auto o = options(b, "dev-1", proxy.port());
      o.transport = device::mqtt_transport::tcp;
      device::mqtt_client c(io.get_executor(), tls, o);
      c.on_status([](connection_status s, std::error_code ec) {
        if (std::getenv("HUBWIRE_TEST_VERBOSE")) std::fprintf(stderr, "status %s %s\n", std::string(to_string(s)).c_str(), ec.message().c_str());
      });
      co_await c.async_open(asio::use_awaitable);
      std::set<std::string> got;
      while (got.size() < payloads.size()) {
        auto [ec, m] = co_await receive_within(c, 5s);
        REQUIRE_FALSE(ec);
        ++total_deliveries;
        if (std::getenv("HUBWIRE_TEST_VERBOSE")) std::fprintf(stderr, "got %s %s\n", m.body.c_str(), m.lock_token.value_or("-").c_str());
        seen.insert(m.body);
        if (m.body.rfind("cut" + std::to_string(cut) + "-", 0) == 0) got.insert(m.body);
        auto [cec] = co_await c.async_complete(m, net::as_tuple(asio::use_awaitable));
        // A completion can only be refused when the broker lost the session; it has not.
        CHECK_FALSE(cec);
      }
      co_await c.async_close(asio::use_awaitable);
    });
    io.restart();
  }
  // A last look: what the session still holds can only be second copies of delivered
  // messages (redeliveries that arrived after a run had its 20 and closed), never a
  // message nobody saw. Once those are completed, nothing is left.
  run(io, [&]() -> asio::awaitable<void> {
    device::mqtt_client c(io.get_executor(), tls, plain());
    co_await c.async_open(asio::use_awaitable);
    for (;;) {
      auto [ec, m] = co_await receive_within(c, 700ms);
      if (ec == asio::error::timed_out) break;
      REQUIRE_FALSE(ec);
      CHECK(seen.count(m.body) == 1);
      co_await c.async_complete(m, asio::use_awaitable);
    }
    co_await c.async_close(asio::use_awaitable);
  });
  io.restart();
  run(io, [&]() -> asio::awaitable<void> {
    device::mqtt_client c(io.get_executor(), tls, plain());
    co_await c.async_open(asio::use_awaitable);
    auto [ec, m] = co_await receive_within(c, 500ms);
    CHECK(ec == asio::error::timed_out);
    co_await c.async_close(asio::use_awaitable);
  });
  const int runs = only ? 1 : packets;
  CHECK(total_deliveries >= runs * messages);
  CHECK(proxy.connections() > runs); // the runs whose cut came before the end reconnected
}
