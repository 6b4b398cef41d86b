#ifndef HUBWIRE_TEST_TCP_PROXY_HPP
#define HUBWIRE_TEST_TCP_PROXY_HPP
// A loopback TCP proxy for fault injection, on its own thread and io_context: it
// forwards between a client and 127.0.0.1:target and, on command, cuts every
// connection, freezes forwarding (a peer that went silent without closing), or cuts the
// next connection right after its n-th whole MQTT control packet (counted in both
// directions, from each packet's fixed header: MQTT 3.1.1 section 2.2).
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <list>
#include <memory>
#include <thread>
#include <vector>

namespace hubwire_test {

class tcp_proxy {
public:
  explicit tcp_proxy(std::uint16_t target)
      : target_(target), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), work_(io_.get_executor()) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~tcp_proxy() {
    asio::post(io_, [this] {
      acceptor_.close();
      for (auto& c : conns_) c->close();
      work_.reset();
    });
    thread_.join();
  }
  tcp_proxy(const tcp_proxy&) = delete;
  tcp_proxy& operator=(const tcp_proxy&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return accepted_.load(); }

  void cut_all() {
    sync([this] {
      for (auto& c : conns_) c->close();
    });
  }
  void freeze(bool on) { frozen_ = on; }
  // The next connection accepted is cut after `n` packets; later ones pass untouched.
  void cut_next_after_packets(int n) { cut_after_ = n; }

private:
  struct conn;
  using tcp = asio::ip::tcp;

  template <class F>
  void sync(F f) {
    std::promise<void> done;
    asio::post(io_, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }

  // Counts whole MQTT packets in one direction of the stream.
  struct packet_counter {
    std::size_t remaining = 0; // bytes left in the current packet's body
    int header_bytes = 0;      // fixed header bytes seen of the next packet (0: none)
    std::size_t length = 0, multiplier = 1;
    // Consumes one byte; true when it ends a packet.
    bool step(std::uint8_t b) {
      if (remaining > 0) return --remaining == 0;
      if (header_bytes == 0) {
        header_bytes = 1;
        length = 0;
        multiplier = 1;
        return false;
      }
      ++header_bytes;
      length += (b & 0x7f) * multiplier;
      multiplier *= 128;
      if (b & 0x80) return false;
      header_bytes = 0;
      remaining = length;
      return length == 0;
    }
  };

  struct conn : std::enable_shared_from_this<conn> {
    tcp_proxy& p;
    tcp::socket client, server;
    int cut_after; // packets until the cut; -1: never
    int packets = 0;
    bool closed = false;
    explicit conn(tcp_proxy& px, tcp::socket c, int cut)
        : p(px), client(std::move(c)), server(px.io_), cut_after(cut) {}
    void close() {
      closed = true;
      std::error_code ignored;
      client.shutdown(tcp::socket::shutdown_both, ignored);
      client.close(ignored);
      server.shutdown(tcp::socket::shutdown_both, ignored);
      server.close(ignored);
    }
    struct direction {
      tcp::socket* from;
      tcp::socket* to;
      std::array<std::uint8_t, 16384> buf{};
      packet_counter counter;
    };
    direction up{}, down{};
    void start() {
      up.from = &client;
      up.to = &server;
      down.from = &server;
      down.to = &client;
      auto self = shared_from_this();
      server.async_connect({asio::ip::make_address("127.0.0.1"), p.target_}, [self](std::error_code ec) {
        if (ec) return self->close();
        self->pump(self->up);
        self->pump(self->down);
      });
    }
    void pump(direction& d) {
      auto self = shared_from_this();
      if (closed) return;
      d.from->async_read_some(asio::buffer(d.buf), [self, &d](std::error_code ec, std::size_t n) {
        self->forward(d, ec, n);
      });
    }
    // While frozen, what was read is held and an end of stream is not passed on: to
    // both sides the path has gone silent, as when a NAT drops it.
    void forward(direction& d, std::error_code ec, std::size_t n) {
      auto self = shared_from_this();
      if (closed) return;
      if (p.frozen_) {
        auto t = std::make_shared<asio::steady_timer>(p.io_, std::chrono::milliseconds(10));
        return t->async_wait([self, t, &d, ec, n](std::error_code) { self->forward(d, ec, n); });
      }
      if (ec) return close();
      std::size_t send = n;
      bool cut = false;
      if (cut_after >= 0) {
        for (std::size_t i = 0; i < n; ++i) {
          if (d.counter.step(d.buf[i]) && ++packets == cut_after) {
            send = i + 1;
            cut = true;
            break;
          }
        }
      }
      asio::async_write(*d.to, asio::buffer(d.buf.data(), send), [self, &d, cut](std::error_code wec, std::size_t) {
        if (wec || cut) return self->close();
        self->pump(d);
      });
    }
  };

  void accept() {
    acceptor_.async_accept([this](std::error_code ec, tcp::socket s) {
      if (ec) return;
      ++accepted_;
      conns_.remove_if([](const std::shared_ptr<conn>& c) { return c->closed; });
      auto c = std::make_shared<conn>(*this, std::move(s), cut_after_.exchange(-1));
      conns_.push_back(c);
      c->start();
      accept();
    });
  }

  std::uint16_t target_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::list<std::shared_ptr<conn>> conns_;
  std::atomic<bool> frozen_{false};
  std::atomic<int> cut_after_{-1};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

} // namespace hubwire_test

#endif
