// C2D receive through mosquitto on loopback, in one run:
//
//   1. In each of 5 rounds, N C2D-shaped messages (property-bag topic, 256-byte
//      payload, QoS 1) are queued in the broker for two offline devices, then each
//      device drains its queue:
//      hubwire's device::mqtt_client (parses every property bag into a c2d_message and
//      completes each one: PUBACK) and libmosquitto (its callback sees the raw topic and
//      payload; the library sends the PUBACK). Both are measured by wall time and by
//      this process's CPU time (user + sys); the median rounds and their ratio are printed.
//   2. 1,000 idle hubwire connections, plain and TLS: heap bytes per connection
//      (mallinfo2 before and after; TLS counts OpenSSL's per-connection state).
//
//   bench: mqtt_c2d_receive_cpu_hubwire <us> us/msg ... ratio_vs_libmosquitto <x>
#include <hubwire/device/mqtt_client.hpp>
#include <hubwire/net/tls.hpp>
#include <hubwire_test/pki.hpp>
#include <hubwire_test/process.hpp>

#include <mosquitto.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace hubwire;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr int messages = 20000; // per round
constexpr int rounds = 5;       // interleaved, so a noisy moment hits both sides alike

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct figures {
  double wall = 0, cpu = 0;
};

void sh(const std::string& cmd) {
  if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) {
    std::fprintf(stderr, "bench: failed: %s\n", cmd.c_str());
    std::exit(1);
  }
}

device::mqtt_client_options options(const std::string& device, std::uint16_t port, device::mqtt_transport t) {
  device::mqtt_client_options o;
  o.credentials = auth::connection_string::parse("HostName=localhost;DeviceId=" + device + ";SharedAccessKey=AAAA").value();
  o.transport = t;
  o.connect_host = "127.0.0.1";
  o.port = port;
  o.token_provider = [](auto) { return std::string("unused"); };
  o.receive_queue_capacity = 256;
  return o;
}

// Creates the device's persistent session so the broker queues for it while offline.
void create_session(asio::ssl::context& tls, const std::string& device, std::uint16_t port) {
  asio::io_context io;
  device::mqtt_client c(io.get_executor(), tls, options(device, port, device::mqtt_transport::tcp));
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    co_await c.async_open(asio::use_awaitable);
    co_await c.async_close(asio::use_awaitable);
  }, asio::detached);
  io.run();
}

figures drain_hubwire(asio::ssl::context& tls, std::uint16_t port) {
  asio::io_context io;
  device::mqtt_client c(io.get_executor(), tls, options("dev-hw", port, device::mqtt_transport::tcp));
  figures f;
  const double w0 = wall_seconds(), c0 = cpu_seconds();
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    co_await c.async_open(asio::use_awaitable);
    std::size_t bytes = 0;
    for (int i = 0; i < messages; ++i) {
      auto m = co_await c.async_receive(asio::use_awaitable);
      bytes += m.body.size() + m.properties.size();
      co_await c.async_complete(m, asio::use_awaitable);
    }
    co_await c.async_close(asio::use_awaitable);
    if (bytes == 0) std::abort();
  }, asio::detached);
  io.run();
  f.wall = wall_seconds() - w0;
  f.cpu = cpu_seconds() - c0;
  return f;
}

figures drain_libmosquitto(std::uint16_t port) {
  struct ctx {
    int received = 0;
    std::size_t bytes = 0;
  } x;
  mosquitto* m = mosquitto_new("dev-mq", false, &x);
  mosquitto_message_callback_set(m, [](mosquitto* mq, void* p, const mosquitto_message* msg) {
    auto* c = static_cast<ctx*>(p);
    c->bytes += static_cast<std::size_t>(msg->payloadlen) + std::strlen(msg->topic);
    if (++c->received == messages) mosquitto_disconnect(mq);
  });
  mosquitto_connect_callback_set(m, [](mosquitto* mq, void*, int rc) {
    if (rc == 0) mosquitto_subscribe(mq, nullptr, "devices/dev-mq/messages/devicebound/#", 1);
  });
  figures f;
  const double w0 = wall_seconds(), c0 = cpu_seconds();
  if (mosquitto_connect(m, "127.0.0.1", port, 240) != MOSQ_ERR_SUCCESS) std::exit(1);
  mosquitto_loop_forever(m, 1000, 1);
  f.wall = wall_seconds() - w0;
  f.cpu = cpu_seconds() - c0;
  mosquitto_destroy(m);
  if (x.received != messages) {
    std::fprintf(stderr, "libmosquitto received %d of %d\n", x.received, messages);
    std::exit(1);
  }
  return f;
}

void create_mosquitto_session(std::uint16_t port) {
  mosquitto* m = mosquitto_new("dev-mq", false, nullptr);
  mosquitto_connect_callback_set(m, [](mosquitto* mq, void*, int) {
    mosquitto_subscribe(mq, nullptr, "devices/dev-mq/messages/devicebound/#", 1);
  });
  mosquitto_subscribe_callback_set(m, [](mosquitto* mq, void*, int, int, const int*) { mosquitto_disconnect(mq); });
  if (mosquitto_connect(m, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) std::exit(1);
  mosquitto_loop_forever(m, 1000, 1);
  mosquitto_destroy(m);
}

// Heap bytes per idle connection for `n` hubwire clients.
double idle_bytes(asio::ssl::context& tls, std::uint16_t port, device::mqtt_transport t, int n) {
  asio::io_context io;
  std::vector<std::unique_ptr<device::mqtt_client>> clients;
  clients.reserve(static_cast<std::size_t>(n));
  const auto before = ::mallinfo2().uordblks;
  int open = 0;
  for (int i = 0; i < n; ++i) {
    clients.push_back(std::make_unique<device::mqtt_client>(io.get_executor(), tls,
                                                            options("idle-" + std::to_string(i), port, t)));
    clients.back()->async_open([&](std::error_code ec) {
      if (ec) std::fprintf(stderr, "open: %s\n", ec.message().c_str());
      ++open;
    });
  }
  while (open < n) io.run_one();
  io.run_for(200ms);
  const auto after = ::mallinfo2().uordblks;
  const double per = static_cast<double>(after - before) / n;
  for (auto& c : clients) c->async_close([](std::error_code) {});
  io.run_for(5s);
  return per;
}

} // namespace

int main() {
  rlimit nofile{8192, 8192};
  ::setrlimit(RLIMIT_NOFILE, &nofile); // 1,000 clients and the broker's 1,000 sockets

  const hubwire_test::pki certs("bench-mqtt-device");
  const fs::path dir = certs.dir;
  const std::string d = dir.string();
  const std::uint16_t plain = hubwire_test::free_port(), secure = hubwire_test::free_port();
  std::ofstream(dir / "mosquitto.conf") << "allow_anonymous true\npersistence false\nmax_queued_messages 0\n"
                                        << "max_inflight_messages 100\nmax_connections -1\n"
                                        << "listener " << plain << " 127.0.0.1\n"
                                        << "listener " << secure << " 127.0.0.1\ncafile " << d << "/test-ca.pem\ncertfile " << d
                                        << "/server.pem\nkeyfile " << d << "/server.key\n";
  hubwire_test::process broker({"mosquitto", "-c", d + "/mosquitto.conf"}, d + "/mosquitto.log");
  if (!broker.wait_for_port(plain) || !broker.wait_for_port(secure)) return std::puts("mosquitto did not start"), 1;
  auto tls = net::make_tls_context({.ca_file = d + "/test-ca.pem"});
  if (!tls) return std::puts("tls context"), 1;

  mosquitto_lib_init();
  create_session(*tls, "dev-hw", plain);
  create_mosquitto_session(plain);
  // The same stream for both: a C2D topic with the hub's property bag, 256-byte payloads.
  const std::string bag = "%24.mid=00000000-0000-0000-0000-000000000000&%24.to=%2Fdevices%2Fdev%2Fmessages%2Fdevicebound"
                          "&iothub-ack=full&command=set-temperature&unit=celsius";
  {
    std::ofstream lines(dir / "payloads.txt");
    for (int i = 0; i < messages; ++i) lines << std::string(250, 'p') << std::to_string(100000 + i) << '\n';
  }
  // HUBWIRE_BENCH_ONLY=hubwire|libmosquitto runs one side (for profiling with strace -c or perf).
  const std::string only = std::getenv("HUBWIRE_BENCH_ONLY") ? std::getenv("HUBWIRE_BENCH_ONLY") : "";
  std::vector<figures> hw, mq;
  for (int round = 0; round < rounds; ++round) {
    for (const char* dev : {"dev-hw", "dev-mq"})
      sh("mosquitto_pub -h 127.0.0.1 -p " + std::to_string(plain) + " -q 1 -t 'devices/" + dev + "/messages/devicebound/" +
         bag + "' -l < " + d + "/payloads.txt");
    if (only != "hubwire") mq.push_back(drain_libmosquitto(plain));
    if (only != "libmosquitto") hw.push_back(drain_hubwire(*tls, plain));
  }
  if (!only.empty()) return 0;
  // The median round of each side, by CPU time.
  auto median = [](std::vector<figures> v) {
    std::sort(v.begin(), v.end(), [](const figures& a, const figures& b) { return a.cpu < b.cpu; });
    return v[v.size() / 2];
  };
  const figures h = median(hw), m = median(mq);
  std::printf("bench: mqtt_c2d_messages %d messages x %d rounds (median round)\n", messages, rounds);
  std::printf("bench: mqtt_c2d_receive_rate_hubwire %.0f msg/s\n", messages / h.wall);
  std::printf("bench: mqtt_c2d_receive_rate_libmosquitto %.0f msg/s\n", messages / m.wall);
  std::printf("bench: mqtt_c2d_receive_cpu_hubwire %.2f us/msg\n", h.cpu * 1e6 / messages);
  std::printf("bench: mqtt_c2d_receive_cpu_libmosquitto %.2f us/msg\n", m.cpu * 1e6 / messages);
  std::printf("bench: mqtt_c2d_receive_cpu ratio_vs_libmosquitto %.2f\n", h.cpu / m.cpu);

  const int idle = 1000;
  std::printf("bench: mqtt_idle_connection_heap_tcp %.0f bytes/connection\n",
              idle_bytes(*tls, plain, device::mqtt_transport::tcp, idle));
  std::printf("bench: mqtt_idle_connection_heap_tls %.0f bytes/connection\n",
              idle_bytes(*tls, secure, device::mqtt_transport::tls, idle));
  mosquitto_lib_cleanup();
  broker.stop();
  return 0;
}
