// The C2D queue model's cost: send + receive + complete cycles over 10,000 devices
// (empty queues, and queues holding 25 messages each), and the memory a queued message
// takes (heap bytes held, and resident set growth, over 500,000 messages: 10,000 devices x 50). No peer runs
// this model, so there is no ratio line.
#include <hubwire/hub/queue.hpp>

#include <malloc.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <fstream>
#include <string>
#include <vector>

// Live heap bytes, as malloc counts them (slack of growing vectors included), so the
// per-message figure does not depend on when the allocator returns pages.
static std::atomic<long long> live_bytes{0};

void* operator new(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  live_bytes += static_cast<long long>(malloc_usable_size(p));
  return p;
}
void operator delete(void* p) noexcept {
  if (!p) return;
  live_bytes -= static_cast<long long>(malloc_usable_size(p));
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

namespace {

using namespace std::chrono_literals;
namespace hub = hubwire::hub;
namespace iothub = hubwire::iothub;

long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 12, '\n');
  }
  return 0;
}

hub::queue make_hub(const std::vector<std::string>& ids, iothub::time_point now) {
  hub::queue_config c;
  c.seed = 1;
  auto q = hub::queue::create(std::move(c));
  if (!q) std::abort();
  for (const auto& id : ids)
    if (!q->add_device(id, now)) std::abort();
  return std::move(*q);
}

iothub::c2d_message sample(std::uint64_t n) {
  iothub::c2d_message m;
  m.body.assign(32, 'x'); // a typical small command
  m.message_id = "msg-" + std::to_string(n);
  m.ack_requested = iothub::ack::none;
  return m;
}

// Cycles per second with `backlog` messages waiting in every queue.
double cycles_per_second(const std::vector<std::string>& ids, std::size_t backlog, std::uint64_t cycles) {
  iothub::time_point now(std::chrono::seconds(1'700'000'000));
  auto q = make_hub(ids, now);
  std::uint64_t n = 0;
  for (std::size_t b = 0; b < backlog; ++b)
    for (const auto& id : ids)
      if (!q.send(id, sample(n++), now)) std::abort();
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < cycles; ++i) {
    const auto& id = ids[i % ids.size()];
    now += 1us;
    if (!q.send(id, sample(n++), now)) std::abort();
    auto r = q.receive(id, now);
    if (!r || !*r) std::abort();
    if (q.complete(id, *(*r)->lock_token, now)) std::abort();
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return static_cast<double>(cycles) / took.count();
}

} // namespace

int main() {
  std::vector<std::string> ids;
  for (int i = 0; i < 10'000; ++i) ids.push_back("device-" + std::to_string(i));

  const double empty = cycles_per_second(ids, 0, 2'000'000);
  std::printf("bench: hub_queue_cycles_10k_devices %.0f cycles/s\n", empty);
  std::printf("bench: hub_queue_ops_10k_devices %.0f ops/s\n", 3 * empty);
  const double busy = cycles_per_second(ids, 25, 1'000'000);
  std::printf("bench: hub_queue_cycles_10k_devices_backlog25 %.0f cycles/s\n", busy);

  {
    iothub::time_point now(std::chrono::seconds(1'700'000'000));
    auto q = make_hub(ids, now);
    const long before = resident_kib();
    const long long heap_before = live_bytes;
    std::uint64_t n = 0;
    for (int b = 0; b < 50; ++b)
      for (const auto& id : ids)
        if (!q.send(id, sample(n++), now)) std::abort();
    const long after = resident_kib();
    const long long heap_after = live_bytes;
    const double per = static_cast<double>(after - before) * 1024.0 / static_cast<double>(n);
    std::printf("bench: hub_queue_memory_per_queued_message %.0f bytes\n",
                static_cast<double>(heap_after - heap_before) / static_cast<double>(n));
    std::printf("bench: hub_queue_rss_per_queued_message %.0f bytes\n", per);
    std::printf("bench: hub_queue_entry_size %zu bytes\n", sizeof(hub::peek_lock_queue<iothub::c2d_message>::entry));
    std::printf("bench: hub_queue_payload_per_message %zu bytes\n", std::size_t{32} + sample(n).message_id->size());
    std::printf("bench: hub_queue_messages_queued %llu messages\n",
                static_cast<unsigned long long>(q.metrics().messages.enqueued));
  }
  return 0;
}
