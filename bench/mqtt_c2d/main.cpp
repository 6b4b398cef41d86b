// Decode and encode of a typical C2D PUBLISH: QoS 1, a topic with five properties as
// the hub writes them ($.mid, $.to, $.ct, $.ce and one application property), a
// 256-byte payload. Prints packets/s and bytes/s for the codec alone, the whole
// receive path (decode + property bag -> c2d_message), the encoder, and heap
// allocations per decoded packet (counted by replacing operator new in this program).
// No peer ratio: neither mosquitto nor any other packaged MQTT library exposes its
// packet codec as an API to time on its own.
#include <hubwire/iothub/mqtt_topics.hpp>
#include <hubwire/mqtt/decode.hpp>
#include <hubwire/mqtt/encode.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {
std::atomic<std::size_t> allocations{0};

template <class T>
void keep(const T& v) {
  asm volatile("" : : "r,m"(v) : "memory");
}

template <class F>
double per_second(F&& op) {
  using clock = std::chrono::steady_clock;
  std::size_t n = 0;
  const auto start = clock::now();
  auto now = start;
  while (now - start < std::chrono::seconds(1)) {
    for (int i = 0; i < 1000; ++i) op();
    n += 1000;
    now = clock::now();
  }
  return static_cast<double>(n) / std::chrono::duration<double>(now - start).count();
}
} // namespace

void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

int main() {
  using namespace hubwire;
  const std::string topic =
      "devices/bench-device/messages/devicebound/%24.mid=6f1b8c0e-2b5c-4f7a-9d1e-3c4b5a6d7e8f"
      "&%24.to=%2Fdevices%2Fbench-device%2Fmessages%2Fdevicebound&%24.ct=application%2Fjson&%24.ce=utf-8&kind=telemetry-request";
  const std::string payload(256, 'p');
  const mqtt::publish pub{.topic = topic, .payload = payload, .qos = mqtt::qos::at_least_once, .packet_id = 42};
  std::error_code ec;
  std::vector<std::uint8_t> wire(mqtt::encoded_size(pub, ec));
  mqtt::encode(pub, wire, ec);
  if (ec) return 1;
  const double size = static_cast<double>(wire.size());

  mqtt::decoder d;
  const double dec = per_second([&] {
    std::error_code e;
    keep(d.put(wire, e));
  });
  std::printf("bench: mqtt_c2d_decode %.0f packets/s\n", dec);
  std::printf("bench: mqtt_c2d_decode %.1f MB/s\n", dec * size / 1e6);

  const double full = per_second([&] {
    std::error_code e;
    d.put(wire, e);
    const auto& p = std::get<mqtt::publish>(d.value());
    auto m = iothub::parse_c2d_publish(p.topic, p.payload);
    keep(m);
  });
  std::printf("bench: mqtt_c2d_receive_to_message %.0f packets/s\n", full);
  std::printf("bench: mqtt_c2d_receive_to_message %.1f MB/s\n", full * size / 1e6);

  std::vector<std::uint8_t> out(wire.size());
  const double enc = per_second([&] {
    std::error_code e;
    keep(mqtt::encode(pub, out, e));
  });
  std::printf("bench: mqtt_c2d_encode %.0f packets/s\n", enc);
  std::printf("bench: mqtt_c2d_encode %.1f MB/s\n", enc * size / 1e6);

  constexpr int rounds = 10000;
  std::size_t before = allocations.load();
  for (int i = 0; i < rounds; ++i) {
    std::error_code e;
    keep(d.put(wire, e));
  }
  std::printf("bench: mqtt_c2d_decode_allocations %.2f allocs/packet\n",
              static_cast<double>(allocations.load() - before) / rounds);
  before = allocations.load();
  for (int i = 0; i < rounds; ++i) {
    std::error_code e;
    keep(mqtt::encode(pub, out, e));
  }
  std::printf("bench: mqtt_c2d_encode_allocations %.2f allocs/packet\n",
              static_cast<double>(allocations.load() - before) / rounds);
  before = allocations.load();
  for (int i = 0; i < rounds; ++i) {
    std::error_code e;
    d.put(wire, e);
    const auto& p = std::get<mqtt::publish>(d.value());
    auto m = iothub::parse_c2d_publish(p.topic, p.payload);
    keep(m);
  }
  std::printf("bench: mqtt_c2d_receive_to_message_allocations %.2f allocs/packet\n",
              static_cast<double>(allocations.load() - before) / rounds);
  return 0;
}
