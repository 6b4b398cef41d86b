// Parsing IoT Hub C2D receive responses (a 200 with the full iothub-* header set, and a
// chunked response, alternating): hubwire's response_parser against Node's llhttp
// (the parser behind Node's http module) on the same bytes.
#include <hubwire/http/parser.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1000000;
  const std::string msgs[2] = {
      "HTTP/1.1 200 OK\r\nETag: \"3a4d2c3e-3e4e-4c24-a1a5-8f42f7dd4b2e\"\r\niothub-messageid: 1234\r\n"
      "iothub-correlationid: c-1\r\niothub-sequencenumber: 7\r\niothub-to: /devices/sensor1/messages/deviceBound\r\n"
      "iothub-expiry: 2019-12-09T12:10:00.0000000Z\r\niothub-enqueuedtime: 2019-12-09T12:00:00.0000000Z\r\n"
      "iothub-deliverycount: 0\r\niothub-userid: user\r\nContentType: application/json\r\n"
      "iothub-app-temperature: 21\r\nContent-Length: 24\r\n\r\n{\"command\":\"reboot\"}1234",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\n\r\n"};
  std::size_t body = 0;
  hubwire::http::response_parser p;
  auto run = [&](long count) {
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < count; ++i) {
      std::error_code ec;
      p.reset();
      p.put(msgs[i & 1], ec);
      if (ec || !p.is_done()) { std::printf("bench: http_parse error\n"); std::exit(0); }
      body += p.get().body.size();
    }
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / double(count);
  };
  run(std::min(n, 10000L));
  const double ns = run(n);
  std::printf("bench: http_parse_iothub_response %.1f ns/msg\n", ns);
  std::printf("bench: http_parse_iothub_response %.0f msg/s\n", 1e9 / ns);
  const std::string cmd = "node " HUBWIRE_BENCH_DIR "/llhttp.js " + std::to_string(n);
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    double peer = 0;
    if (std::fscanf(f, "%lf", &peer) == 1 && peer > 0) {
      std::printf("bench: http_parse_iothub_response_llhttp %.1f ns/msg\n", peer);
      std::printf("bench: http_parse_iothub_response ratio_vs_llhttp %.2f\n", ns / peer);
    }
    ::pclose(f);
  }
  return body == 0;
}
