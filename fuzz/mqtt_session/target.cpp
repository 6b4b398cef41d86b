// The MQTT client session driven by a script: the fuzzer's bytes are a sequence of
// operations (feed broker bytes in chunks, let time pass, acknowledge, publish, write
// out, drop and restart the connection). Properties: put() never consumes more than it
// is given; an error leaves the session idle or closed (never half-connected); the
// session never holds more in-flight publishes than its maximum, nor more outstanding
// inbound ids than 65535; what it writes always decodes, as a broker would read it.
#include "../check.hpp"

#include <hubwire/mqtt/decode.hpp>
#include <hubwire/mqtt/session.hpp>

#include <vector>

using namespace hubwire;
using namespace std::chrono_literals;

namespace {

void check_output(core::bytes_view out) {
  mqtt::decoder d({.local = mqtt::role::server, .max_packet_size = 1 << 20});
  while (!out.empty()) {
    std::error_code ec;
    const auto n = d.put(out, ec);
    HUBWIRE_FUZZ_CHECK(!ec); // the session only writes whole, valid packets
    out = out.subspan(n);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mqtt::client_session s({.client_id = "fuzz",
                          .username = "hub/fuzz/?api-version=2021-04-12",
                          .password = "token",
                          .keep_alive = 10s,
                          .response_timeout = 5s,
                          .subscriptions = {"devices/fuzz/messages/devicebound/#"},
                          .max_packet_size = 4096,
                          .max_inflight = 8});
  auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
  std::vector<std::uint8_t> input; // received, not yet consumed
  std::size_t i = 0;
  auto next = [&]() -> std::uint8_t { return i < size ? data[i++] : 0; };
  // The connection ended (an error, DISCONNECT written, or dropped): a new one starts.
  auto reconnect = [&] {
    input.clear();
    s.connection_lost();
    HUBWIRE_FUZZ_CHECK(!s.start(now));
  };
  HUBWIRE_FUZZ_CHECK(!s.start(now));
  while (i < size) {
    switch (next() % 8) {
      case 0: case 1: case 2: case 3: { // broker bytes
        const std::size_t n = std::min<std::size_t>(next() % 64 + 1, size - i);
        input.insert(input.end(), data + i, data + i + n);
        i += n;
        while (!input.empty()) {
          std::error_code ec;
          mqtt::session_event ev;
          const std::size_t used = s.put(input, now, ev, ec);
          HUBWIRE_FUZZ_CHECK(used <= input.size());
          if (ec == mqtt::errc::need_more) break;
          if (ec) {
            HUBWIRE_FUZZ_CHECK(s.state() == mqtt::session_state::idle || s.state() == mqtt::session_state::closed);
            reconnect();
            break;
          }
          input.erase(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(used));
        }
        break;
      }
      case 4: { // time passes
        now += std::chrono::milliseconds(next() * 100);
        std::error_code ec;
        if (s.next_deadline() <= now) s.on_timer(now, ec);
        if (ec) {
          HUBWIRE_FUZZ_CHECK(s.state() == mqtt::session_state::idle || s.state() == mqtt::session_state::closed);
          reconnect();
        }
        break;
      }
      case 5: { // the application completes a message (maybe one it never had)
        const auto id = static_cast<std::uint16_t>(next() << 8 | next());
        (void)s.acknowledge(id, s.epoch());
        break;
      }
      case 6: { // telemetry
        std::uint16_t id = 0;
        const auto q = next() & 1 ? mqtt::qos::at_least_once : mqtt::qos::at_most_once;
        (void)s.publish("devices/fuzz/messages/events/", core::as_bytes("t"), q, id);
        HUBWIRE_FUZZ_CHECK(s.inflight() <= 8);
        break;
      }
      case 7: { // write out, or lose the connection
        if (next() & 1) {
          const auto out = s.begin_write();
          check_output(out);
          std::error_code ec;
          s.end_write(now, ec);
          if (ec) reconnect(); // DISCONNECT went out
        } else {
          reconnect();
        }
        break;
      }
    }
    HUBWIRE_FUZZ_CHECK(s.outstanding() <= 65535);
  }
  return 0;
}
