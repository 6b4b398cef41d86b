// device::mqtt_client cases that need exact timing no broker gives: a loopback acceptor
// in the test's io_context stands in for the broker. (Behaviour against a real broker:
// tests/interop/mosquitto/device_client.cpp; arbitrary broker bytes: fuzz/device_mqtt_client.)
#include <hubwire/device/mqtt_client.hpp>
#include <hubwire_test/catch.hpp>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>

#include <poll.h>

#include <optional>

using namespace hubwire;
using namespace std::chrono_literals;
using asio::ip::tcp;

namespace {

bool readable(tcp::acceptor& a) {
  pollfd p{a.native_handle(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

} // namespace

// Found by fuzz/device_mqtt_client (crashes/close_while_connecting): async_close between
// the resolve and the end of the TCP connect let the connection go on. session.start()
// forgot the DISCONNECT that close had asked for, CONNECT went out, and the close waited
// for response_timeout (30 s by default) before it completed.
TEST_CASE("mqtt_client: async_close while the TCP connect is under way ends at once, without a CONNECT") {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  asio::ssl::context tls(asio::ssl::context::tls_client);
  device::mqtt_client client(
      io.get_executor(), tls,
      {.credentials = auth::connection_string::parse(
                          "HostName=hub.example.net;DeviceId=dev-1;SharedAccessKey=ZnV6ei1kZXZpY2Uta2V5LTAxMjM0NTY3ODk=")
                          .value(),
       .transport = device::mqtt_transport::tcp,
       .connect_host = "127.0.0.1",
       .port = acceptor.local_endpoint().port(),
       .response_timeout = 60s,
       .retry = net::retry_policy::none()});
  std::optional<std::error_code> opened, closed;
  client.async_open([&](std::error_code ec) { opened = ec; });

  // One handler at a time until the kernel has completed the TCP handshake: the client's
  // connect is then started and its completion not yet run.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!readable(acceptor) && std::chrono::steady_clock::now() < deadline) io.run_one_for(1ms);
  REQUIRE(readable(acceptor));
  client.async_close([&](std::error_code ec) { closed = ec; });
  tcp::socket peer(io);
  acceptor.accept(peer);

  const auto bound = std::chrono::steady_clock::now() + 5s; // far below response_timeout
  while (!(opened && closed) && std::chrono::steady_clock::now() < bound) io.run_one_for(10ms);
  REQUIRE(closed.has_value());
  CHECK(!*closed);
  REQUIRE(opened.has_value());
  CHECK(*opened == mqtt::session_errc::closed);

  // Nothing was said on the connection, and the client has closed it.
  char byte = 0;
  std::error_code ec;
  const std::size_t n = asio::read(peer, asio::buffer(&byte, 1), ec);
  CHECK(n == 0);
  CHECK(ec == asio::error::eof);
}
