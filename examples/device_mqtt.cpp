// A device that receives cloud-to-device messages over MQTT and completes each one only
// after it has been handled: if the program dies in between, IoT Hub delivers the
// message again.
//
//   DEVICE_CONNECTION_STRING='HostName=...;DeviceId=...;SharedAccessKey=...' ./device_mqtt
//
// Optional environment: HUBWIRE_CA_FILE (PEM trust store instead of the system's),
// HUBWIRE_CONNECT_HOST / HUBWIRE_PORT (connect elsewhere than HostName, e.g. a local
// broker), HUBWIRE_TRANSPORT=tls|websocket|tcp, HUBWIRE_MAX_MESSAGES (stop after N).
#include <hubwire/device/mqtt_client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/use_awaitable.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

using namespace hubwire;

namespace {

std::string env(const char* name, std::string fallback = {}) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

asio::awaitable<int> run(device::mqtt_client& client, long max_messages) {
  co_await client.async_open(asio::use_awaitable);
  std::cout << "connected; waiting for cloud-to-device messages" << std::endl;
  for (long n = 0; max_messages == 0 || n < max_messages; ++n) {
    iothub::c2d_message m = co_await client.async_receive(asio::use_awaitable);
    std::cout << "message " << m.message_id.value_or("(no id)") << ": " << m.body << '\n';
    for (const auto& p : m.properties) std::cout << "  " << p.name << " = " << p.value.value_or("(null)") << '\n';
    std::cout.flush();
    co_await client.async_complete(m, asio::use_awaitable); // the PUBACK goes out now
  }
  co_await client.async_close(asio::use_awaitable);
  co_return 0;
}

} // namespace

int main() {
  const auto cs = auth::connection_string::parse(env("DEVICE_CONNECTION_STRING"));
  if (!cs) {
    std::cerr << "error: DEVICE_CONNECTION_STRING: " << cs.error().message() << '\n';
    return 2;
  }
  auto tls = net::make_tls_context({.ca_file = env("HUBWIRE_CA_FILE")});
  if (!tls) {
    std::cerr << "error: TLS: " << tls.error().message() << '\n';
    return 2;
  }
  const std::string transport = env("HUBWIRE_TRANSPORT", "tls");
  asio::io_context io;
  device::mqtt_client client(io.get_executor(), *tls,
                             {.credentials = *cs,
                              .transport = transport == "tcp"         ? device::mqtt_transport::tcp
                                           : transport == "websocket" ? device::mqtt_transport::websocket_tls
                                                                      : device::mqtt_transport::tls,
                              .connect_host = env("HUBWIRE_CONNECT_HOST"),
                              .port = static_cast<std::uint16_t>(std::stoi(env("HUBWIRE_PORT", "0")))});
  client.on_status([](device::connection_status s, std::error_code why) {
    std::cerr << "status: " << to_string(s) << (why ? " (" + why.message() + ")" : std::string()) << '\n';
  });
  int rc = 1;
  asio::co_spawn(io, run(client, std::atol(env("HUBWIRE_MAX_MESSAGES", "0").c_str())),
                 [&](std::exception_ptr e, int r) {
                   if (!e) return void(rc = r);
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::system_error& x) {
                     std::cerr << "error: " << x.code().message() << '\n';
                   }
                 });
  io.run();
  return rc;
}
