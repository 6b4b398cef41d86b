#ifndef HUBWIRE_DEVICE_IMPL_MQTT_CLIENT_HPP
#define HUBWIRE_DEVICE_IMPL_MQTT_CLIENT_HPP

#include <hubwire/auth/sas.hpp>
#include <hubwire/iothub/error.hpp>
#include <hubwire/iothub/mqtt_topics.hpp>
#include <hubwire/mqtt/session.hpp>
#include <hubwire/net/lingering_close.hpp>
#include <hubwire/net/session_runner.hpp>
#include <hubwire/net/tls.hpp>
#include <hubwire/net/variant_stream.hpp>
#include <hubwire/net/websocket_stream.hpp>

#include <asio/connect.hpp>
#include <asio/coroutine.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>

#include <charconv>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <vector>

namespace hubwire::device {

inline bool is_permanent_failure(std::error_code ec) noexcept {
  if (ec.category() == core::category_of<mqtt::session_errc>())
    return mqtt::is_permanent(static_cast<mqtt::session_errc>(ec.value()));
  if (ec.category() == core::category_of<net::tls_errc>())
    return static_cast<net::tls_errc>(ec.value()) != net::tls_errc::handshake_failed;
  if (ec.category() == core::category_of<auth::errc>()) return true;
  if (ec.category() == core::category_of<iothub::mqtt_errc>()) return true;
  return false;
}

namespace detail {

// An operation's first step, initiated while another step of the client was running:
// the running step runs it when it is done (see state::run_deferred).
struct deferred_step {
  virtual ~deferred_step() = default;
  virtual void run() = 0;    // here and now
  virtual void repost() = 0; // through the executor, as if never deferred
};

using tcp = asio::ip::tcp;
using tls_stream = asio::ssl::stream<tcp::socket>;
using wss_stream = net::websocket_stream<tls_stream>;
using mqtt_stream = net::variant_stream<tcp::socket, tls_stream, wss_stream>;

// "mqtt:{epoch}:{packet id}": which session and message a completion is for.
inline std::string make_lock_token(std::uint32_t epoch, std::uint16_t id) {
  return "mqtt:" + std::to_string(epoch) + ":" + std::to_string(id);
}

inline bool parse_lock_token(std::string_view t, std::uint32_t& epoch, std::uint16_t& id) noexcept {
  if (t.substr(0, 5) != "mqtt:") return false;
  t.remove_prefix(5);
  const auto colon = t.find(':');
  if (colon == std::string_view::npos) return false;
  const auto a = std::from_chars(t.data(), t.data() + colon, epoch);
  const auto b = std::from_chars(t.data() + colon + 1, t.data() + t.size(), id);
  return a.ec == std::errc{} && a.ptr == t.data() + colon && b.ec == std::errc{} && b.ptr == t.data() + t.size() &&
         id != 0;
}

} // namespace detail

struct mqtt_client::state : std::enable_shared_from_this<mqtt_client::state> {
  using clock = std::chrono::steady_clock;
  enum class phase { idle, opening, open, closing, closed };

  struct received {
    std::error_code ec;
    iothub::c2d_message message;
  };

  // The runner's view of the client: where session events go.
  struct events {
    state& s;
    // Until SUBACK the reader must go on: a persistent session's backlog arrives before
    // it, and async_open waits for it (the broker's in-flight window bounds the backlog).
    bool can_read() const noexcept {
      return s.queue.size() < s.options.receive_queue_capacity || s.current != phase::open;
    }
    bool hold_output() noexcept { return s.hold_output(); }
    void on_event(mqtt::session_event& ev) { s.on_event(ev); }
  };

  state(executor_type ex, asio::ssl::context& tls_ctx, mqtt_client_options opts)
      : executor(ex), tls(tls_ctx), options(std::move(opts)), session(mqtt::session_options{}), stream(ex),
        runner(stream, session), resolver(ex), retry_timer(ex), close_timer(ex), signal(ex),
        schedule(options.retry, std::random_device{}()), rng(std::random_device{}()) {
    signal.expires_at(clock::time_point::max());
  }

  executor_type executor;
  asio::ssl::context& tls;
  mqtt_client_options options;
  mqtt::client_session session;
  detail::mqtt_stream stream;
  net::session_runner<detail::mqtt_stream, mqtt::client_session> runner;
  detail::tcp::resolver resolver;
  asio::steady_timer retry_timer;
  asio::steady_timer close_timer;
  asio::steady_timer signal; // never expires; cancel() wakes every waiting operation
  net::retry_schedule schedule;
  std::minstd_rand rng;
  status_handler status;

  phase current = phase::idle;
  std::error_code final_error;   // why the client is closed
  std::error_code setup_error;   // options that cannot work, found by async_open
  std::deque<received> queue;
  std::vector<std::uint16_t> acked; // telemetry packet ids PUBACKed, until their waiter looks
  bool running = false;             // the lifecycle operation is alive
  int starting = 0;                 // operations initiated whose first step has not run yet
  int held = 0;                     // operation steps since the writer last took output

  // An application draining a burst completes one message per turn of the event loop;
  // a write per PUBACK would be a system call per message. So while one of its
  // operations is on its way (it will likely queue more), output waits, for at most
  // max_held operation steps, and the PUBACKs go out together.
  static constexpr int max_held = 16;
  bool hold_output() noexcept {
    if (starting == 0 || held >= max_held) {
      held = 0;
      return false;
    }
    return true;
  }
  // After each operation step: the writer's turn, unless another operation follows.
  void release_output() {
    if (session.has_output() && (starting == 0 || ++held >= max_held)) runner.output_queued();
  }

  // An operation must not complete inside its initiating function, so its first step
  // is posted: a turn of the event loop, and so a reactor poll (a system call), for
  // every receive and every complete. When the operation is initiated from inside one
  // of the client's own steps (a coroutine that completes one message and receives the
  // next), the step instead runs right after the initiating step returns, from the
  // step that was running: the initiating function has returned by then, as Asio
  // requires, and the executor is the same. At most max_inline_steps run so; the rest
  // are posted, so the reader, the writer and everything else on the executor get
  // their turn.
  static constexpr int max_inline_steps = 32;
  std::deque<std::unique_ptr<detail::deferred_step>> deferred;
  bool in_step = false; // one of the client's operation steps is running

  // By the outermost running step, when it is done.
  void run_deferred() {
    for (int budget = max_inline_steps; budget > 0 && !deferred.empty(); --budget) {
      auto d = std::move(deferred.front());
      deferred.pop_front();
      d->run();
    }
  }
  // When the outermost step ends, normally or by an exception from a completion
  // handler: what did not run is posted, so nothing waits here without a step running.
  void end_step() {
    in_step = false;
    auto rest = std::move(deferred);
    deferred.clear();
    for (auto& d : rest) d->repost();
  }

  void notify() {
    signal.cancel();
    runner.notify();
  }

  void set_status(connection_status st, std::error_code why) {
    if (status) status(st, why);
  }

  std::string tls_host() const {
    return options.credentials.gateway_host_name.empty() ? options.credentials.host_name
                                                         : options.credentials.gateway_host_name;
  }

  std::uint16_t port() const noexcept {
    if (options.port) return options.port;
    switch (options.transport) {
      case mqtt_transport::tls: return 8883;
      case mqtt_transport::websocket_tls: return 443;
      case mqtt_transport::tcp: return 1883;
    }
    return 8883;
  }

  // A new stream for the configured transport; its TCP socket, to connect.
  detail::tcp::socket& make_stream() {
    stream.reset();
    if (options.transport == mqtt_transport::websocket_tls)
      return stream.emplace<detail::wss_stream>(executor, tls).next_layer().next_layer();
    if (options.transport == mqtt_transport::tls) return stream.emplace<detail::tls_stream>(executor, tls).next_layer();
    return stream.emplace<detail::tcp::socket>(executor);
  }

  detail::tls_stream* tls_layer() noexcept {
    if (auto* t = stream.get_if<detail::tls_stream>()) return t;
    if (auto* w = stream.get_if<detail::wss_stream>()) return &w->next_layer();
    return nullptr;
  }

  // The session's options from the connection string; an error for one that cannot
  // authenticate or address a device.
  std::error_code configure() {
    const auto& cs = options.credentials;
    if (cs.identity() == auth::connection_string::kind::service) return iothub::mqtt_errc::bad_identity;
    iothub::mqtt_connect_options o;
    o.host = cs.host_name;
    o.device_id = cs.device_id;
    o.module_id = cs.module_id;
    o.device_client_type = options.product_info;
    o.model_id = options.model_id;
    o.keep_alive = options.keep_alive;
    const auto fields = iothub::make_mqtt_connect(o);
    if (!fields) return fields.error();
    auto filter = iothub::c2d_subscription_filter(cs.device_id, cs.module_id);
    if (!filter) return filter.error();
    session = mqtt::client_session(mqtt::session_options{
        .client_id = fields->client_id,
        .username = fields->username,
        .password = {},
        .clean_session = false,
        .keep_alive = options.keep_alive,
        .response_timeout = options.response_timeout,
        .subscriptions = {std::move(*filter)},
        .max_packet_size = options.max_message_size,
        .max_inflight = options.max_inflight});
    return {};
  }

  // A fresh password for the next connection, and when to renew it.
  std::error_code refresh_credentials() {
    const auto& cs = options.credentials;
    std::optional<clock::time_point> renew;
    std::string password;
    const auto lifetime = options.token_lifetime;
    if (options.token_provider || !cs.shared_access_key.empty()) {
      const auto expiry = std::chrono::system_clock::now() + lifetime;
      if (options.token_provider) {
        password = options.token_provider(expiry);
      } else {
        auto token = auth::sas_token::make(cs.resource_uri(), cs.shared_access_key, cs.shared_access_key_name,
                                           std::chrono::time_point_cast<std::chrono::seconds>(expiry));
        if (!token) return token.error();
        password = std::move(*token);
      }
      std::uniform_real_distribution<double> jitter(0.0, options.renew_jitter);
      const double at = options.renew_at + jitter(rng);
      renew = clock::now() + std::chrono::duration_cast<clock::duration>(lifetime * at);
    } else if (!cs.shared_access_signature.empty()) {
      password = cs.shared_access_signature; // supplied by the user; cannot be renewed here
    }
    session.set_password(std::move(password));
    session.renew_at(renew);
    return {};
  }

  void on_event(mqtt::session_event& ev) {
    using kind = mqtt::session_event::kind;
    switch (ev.type) {
      case kind::ready:
        schedule.connected(clock::now());
        current = phase::open;
        set_status(connection_status::connected, {});
        break;
      case kind::message: {
        received r;
        auto m = iothub::parse_c2d_publish(ev.message.topic, ev.message.payload);
        if (m) {
          r.message = std::move(*m);
        } else {
          r.ec = m.error();
          r.message.body.assign(ev.message.payload);
        }
        if (ev.message.qos == mqtt::qos::at_least_once)
          r.message.lock_token = detail::make_lock_token(session.epoch(), ev.message.packet_id);
        queue.push_back(std::move(r));
        break;
      }
      case kind::published: acked.push_back(ev.packet_id); break;
      case kind::none: return;
    }
    signal.cancel();
  }

  // The client is done: every waiting operation sees `ec`.
  void finish(std::error_code ec) {
    current = phase::closed;
    final_error = ec;
    queue.clear(); // unacknowledged: the hub delivers them again next time
    close_timer.cancel();
    set_status(connection_status::disconnected, ec);
    signal.cancel();
  }

  // How long a closing connection waits for the broker to close its side.
  static constexpr clock::duration max_linger = std::chrono::seconds(2);

  // Connect, run, reconnect: alive from async_open until the client is closed or the
  // retry policy gives up.
  struct lifecycle_op : asio::coroutine {
    std::shared_ptr<state> s;
    detail::tcp::resolver::results_type endpoints{};
    std::error_code ended{}; // why the last connection ended

    template <class Self>
    void operator()(Self& self, std::error_code ec, detail::tcp::resolver::results_type r) {
      endpoints = std::move(r);
      (*this)(self, ec);
    }
    template <class Self>
    void operator()(Self& self, std::error_code ec, const detail::tcp::endpoint&) {
      (*this)(self, ec);
    }

    template <class Self>
    void operator()(Self& self, std::error_code ec = {}) {
      state& st = *s;
      ASIO_CORO_REENTER(*this) {
        for (;;) {
          if (st.current == phase::closing) { // during a retry wait
            ec = mqtt::session_errc::closed;
            break;
          }
          ec = st.refresh_credentials();
          if (ec) break; // a key that cannot sign will not sign next time either
          ASIO_CORO_YIELD st.resolver.async_resolve(st.options.connect_host.empty() ? st.tls_host() : st.options.connect_host,
                                                    std::to_string(st.port()), std::move(self));
          if (!ec) {
            ASIO_CORO_YIELD asio::async_connect(st.make_stream(), endpoints, std::move(self));
          }
          if (!ec && st.tls_layer()) {
            ec = net::set_peer_host(*st.tls_layer(), st.tls_host());
            if (!ec) {
              ASIO_CORO_YIELD st.tls_layer()->async_handshake(asio::ssl::stream_base::client, std::move(self));
              if (ec) ec = net::explain_handshake_error(*st.tls_layer(), ec);
            }
          }
          if (!ec && st.stream.get_if<detail::wss_stream>()) {
            ASIO_CORO_YIELD st.stream.get_if<detail::wss_stream>()->async_handshake(
                st.tls_host(), std::string(net::websocket::iothub_path), "mqtt", std::move(self));
          }
          // async_close came while connecting: session.start() would forget its DISCONNECT,
          // send CONNECT and hold the close until response_timeout. Nothing was said on
          // this connection yet, so there is nothing to linger for either.
          if (!ec && st.current == phase::closing) ec = asio::error::operation_aborted;
          if (!ec) ec = st.session.start(clock::now());
          if (!ec) {
            ASIO_CORO_YIELD st.runner.async_run(st.events_, std::move(self));
          }
          ended = ec;
          if ((ended == mqtt::session_errc::closed || ended == mqtt::session_errc::renewal_due) && st.stream.socket()) {
            // DISCONNECT is out, PUBACKs before it perhaps not yet read by the broker.
            ASIO_CORO_YIELD net::async_lingering_close(*st.stream.socket(), st.close_timer,
                                                       std::min<clock::duration>(st.options.response_timeout, max_linger),
                                                       std::move(self));
          }
          ec = ended;
          st.stream.close();
          st.session.connection_lost();
          if (st.current == phase::closing || ec == mqtt::session_errc::closed) {
            ec = mqtt::session_errc::closed;
            break;
          }
          if (ec == mqtt::session_errc::renewal_due) continue; // at once, with a fresh token
          {
            const auto d = st.schedule.failed(clock::now(), ec);
            if (!d.delay) break;
            st.set_status(connection_status::disconnected_retrying, ec);
            st.current = st.current == phase::open ? phase::opening : st.current;
            st.retry_timer.expires_after(*d.delay);
          }
          ASIO_CORO_YIELD st.retry_timer.async_wait(std::move(self));
        }
        st.running = false;
        st.stream.reset();
        st.finish(ec);
        self.complete(ec);
      }
    }
  };

  events events_{*this};

  void begin_close() {
    if (running && current != phase::closing) {
      current = phase::closing;
      session.disconnect();
      resolver.cancel();
      retry_timer.cancel();
      runner.notify();
      // A peer that stops reading must not hold the close forever.
      close_timer.expires_after(options.response_timeout);
      close_timer.async_wait([w = weak_from_this()](std::error_code ec) {
        if (auto st = w.lock(); st && !ec && st->current == phase::closing) st->stream.close();
      });
    } else if (!running && current != phase::closed) {
      current = phase::closed;
      final_error = mqtt::session_errc::closed;
    }
  }

  void start_lifecycle() {
    running = true;
    current = phase::opening;
    asio::async_compose<const asio::detached_t&, void(std::error_code)>(lifecycle_op{{}, shared_from_this()},
                                                                       asio::detached, executor);
  }
};

namespace detail {

// Waits on the client's signal until `check(self)` completes the operation (and returns
// true). Per-operation cancellation completes it through `aborted(self)`.
template <class Self>
struct deferred_self final : deferred_step {
  Self self;
  mqtt_client::executor_type executor;
  deferred_self(Self&& s, mqtt_client::executor_type ex) : self(std::move(s)), executor(std::move(ex)) {}
  void run() override { self(); }
  void repost() override { asio::post(executor, std::move(self)); }
};

template <class Check, class Aborted>
struct wait_op {
  std::shared_ptr<mqtt_client::state> s;
  Check check;
  Aborted aborted;
  enum { initiating, posted, waiting } step = initiating;

  // Only then may a step run inline from another: a handler bound elsewhere (a strand,
  // use_future's promise executor) goes through its executor.
  template <class Self>
  bool runs_on_client_executor(const Self& self) const {
    const auto ex = asio::get_associated_executor(self, s->executor);
    if constexpr (std::is_same_v<std::decay_t<decltype(ex)>, mqtt_client::executor_type>) return ex == s->executor;
    else return false;
  }

  template <class Self>
  void operator()(Self& self, std::error_code = {}) {
    if (step == initiating) {
      // Never complete inside the initiating function. Until the first step runs, the
      // writer may hold output back: this operation will likely add to it.
      step = posted;
      ++s->starting;
      if (s->in_step && runs_on_client_executor(self)) {
        auto ex = s->executor;
        auto& q = s->deferred;
        q.push_back(std::make_unique<deferred_self<Self>>(std::move(self), std::move(ex)));
        return;
      }
      return asio::post(s->executor, std::move(self));
    }
    // Alive to the end of this step: held by `self`, or by the wait `self` moved into.
    mqtt_client::state& st = *s;
    const bool outermost = !std::exchange(st.in_step, true);
    struct step_end {
      mqtt_client::state* st;
      ~step_end() {
        if (st) st->end_step();
      }
    } end{outermost ? &st : nullptr};
    if (step == posted) {
      step = waiting;
      --st.starting;
    }
    // Cancelled first: a cancelled receive must leave its message in the queue for the
    // next one (with_timeout discards what a losing operation completes with).
    if (self.get_cancellation_state().cancelled() != asio::cancellation_type::none) aborted(self);
    else if (!check(self)) st.signal.async_wait(std::move(self));
    st.release_output();
    if (outermost) st.run_deferred();
  }
};

template <class Signature, class Token, class Check, class Aborted>
auto async_wait_for(const std::shared_ptr<mqtt_client::state>& s, Token&& token, Check check, Aborted aborted) {
  return asio::async_compose<Token, Signature>(wait_op<Check, Aborted>{s, std::move(check), std::move(aborted)}, token,
                                               s->executor);
}

} // namespace detail

inline mqtt_client::mqtt_client(executor_type ex, asio::ssl::context& tls, mqtt_client_options options)
    : state_(std::make_shared<state>(std::move(ex), tls, std::move(options))) {}

inline mqtt_client::~mqtt_client() {
  if (!state_) return;
  state& s = *state_;
  s.status = nullptr;
  if (s.current != state::phase::closed && s.current != state::phase::idle) {
    s.current = state::phase::closing;
    s.resolver.cancel();
    s.retry_timer.cancel();
    s.stream.close();
  }
  s.notify();
}

inline mqtt_client::executor_type mqtt_client::get_executor() const noexcept { return state_->executor; }

inline void mqtt_client::on_status(status_handler h) { state_->status = std::move(h); }

template <class Token>
auto mqtt_client::async_open(Token&& token) {
  auto s = state_;
  return detail::async_wait_for<void(std::error_code)>(
      s, std::forward<Token>(token),
      [s, first = true](auto& self) mutable {
        if (std::exchange(first, false) &&
            (s->current == state::phase::idle || (s->current == state::phase::closed && !s->running))) {
          s->final_error.clear();
          if (auto ec = s->configure()) return self.complete(ec), true;
          s->start_lifecycle();
        }
        if (s->current == state::phase::open) return self.complete(std::error_code{}), true;
        if (s->current == state::phase::closed) return self.complete(s->final_error), true;
        return false;
      },
      [](auto& self) { self.complete(asio::error::operation_aborted); });
}

template <class Token>
auto mqtt_client::async_receive(Token&& token) {
  auto s = state_;
  return detail::async_wait_for<void(std::error_code, iothub::c2d_message)>(
      s, std::forward<Token>(token),
      [s](auto& self) {
        if (!s->queue.empty()) {
          auto r = std::move(s->queue.front());
          s->queue.pop_front();
          s->runner.may_read(); // room in the queue
          self.complete(r.ec, std::move(r.message));
          return true;
        }
        if (s->current == state::phase::closed || s->current == state::phase::idle) {
          self.complete(s->current == state::phase::idle ? std::error_code(mqtt::session_errc::not_connected) : s->final_error,
                        iothub::c2d_message{});
          return true;
        }
        return false;
      },
      [](auto& self) { self.complete(asio::error::operation_aborted, iothub::c2d_message{}); });
}

template <class Token>
auto mqtt_client::async_complete(const iothub::c2d_message& m, Token&& token) {
  auto s = state_;
  return detail::async_wait_for<void(std::error_code)>(
      s, std::forward<Token>(token),
      [s, lock = m.lock_token](auto& self) {
        std::error_code ec;
        std::uint32_t epoch = 0;
        std::uint16_t id = 0;
        if (!lock) { // a QoS 0 message: there is nothing to acknowledge
        } else if (!detail::parse_lock_token(*lock, epoch, id)) {
          ec = iothub::errc::device_message_lock_lost;
        } else if (s->current == state::phase::closed || s->current == state::phase::idle) {
          ec = s->current == state::phase::idle ? std::error_code(mqtt::session_errc::not_connected) : s->final_error;
        } else if (s->session.acknowledge(id, epoch)) {
          ec = iothub::errc::device_message_lock_lost;
        }
        self.complete(ec);
        return true;
      },
      [](auto& self) { self.complete(asio::error::operation_aborted); });
}

template <class Token>
auto mqtt_client::async_reject(const iothub::c2d_message&, Token&& token) {
  auto s = state_;
  return detail::async_wait_for<void(std::error_code)>(
      s, std::forward<Token>(token),
      [](auto& self) { return self.complete(iothub::errc::not_supported_by_transport), true; },
      [](auto& self) { self.complete(asio::error::operation_aborted); });
}

template <class Token>
auto mqtt_client::async_abandon(const iothub::c2d_message& m, Token&& token) {
  return async_reject(m, std::forward<Token>(token)); // same answer: MQTT has neither
}

template <class Token>
auto mqtt_client::async_send_telemetry(const iothub::c2d_message& m, Token&& token) {
  auto s = state_;
  std::string bag;
  std::error_code ec = iothub::append_property_bag(m, bag);
  std::string topic;
  if (!ec) {
    auto t = iothub::telemetry_topic(s->options.credentials.device_id, s->options.credentials.module_id, bag);
    if (t) topic = std::move(*t);
    else ec = t.error();
  }
  struct pending {
    std::string topic, body;
    std::uint16_t id = 0;
    std::error_code ec;
  };
  auto p = std::make_shared<pending>(pending{std::move(topic), m.body, 0, ec});
  return detail::async_wait_for<void(std::error_code)>(
      s, std::forward<Token>(token),
      [s, p](auto& self) {
        if (p->ec) return self.complete(p->ec), true;
        if (s->current == state::phase::closed || s->current == state::phase::idle) {
          self.complete(s->current == state::phase::idle ? std::error_code(mqtt::session_errc::not_connected) : s->final_error);
          return true;
        }
        if (p->id == 0) {
          const auto e = s->session.publish(p->topic, core::as_bytes(p->body), mqtt::qos::at_least_once, p->id);
          if (e == mqtt::session_errc::inflight_full) return false; // wait for a PUBACK to make room
          if (e) return self.complete(e), true;
          std::erase(s->acked, p->id); // an id a cancelled send left behind
          return false;
        }
        const auto it = std::find(s->acked.begin(), s->acked.end(), p->id);
        if (it == s->acked.end()) return false;
        s->acked.erase(it);
        s->signal.cancel(); // a sender waiting for room may go now
        self.complete(std::error_code{});
        return true;
      },
      [](auto& self) { self.complete(asio::error::operation_aborted); });
}

template <class Token>
auto mqtt_client::async_close(Token&& token) {
  auto s = state_;
  return detail::async_wait_for<void(std::error_code)>(
      s, std::forward<Token>(token),
      [s, first = true](auto& self) mutable {
        if (std::exchange(first, false)) s->begin_close();
        if (s->current != state::phase::closed) return false;
        const bool clean = s->final_error == mqtt::session_errc::closed;
        self.complete(clean ? std::error_code{} : s->final_error);
        return true;
      },
      [](auto& self) { self.complete(asio::error::operation_aborted); });
}

} // namespace hubwire::device

#endif
