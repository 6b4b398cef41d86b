#ifndef HUBWIRE_AMQP_CBS_HPP
#define HUBWIRE_AMQP_CBS_HPP

// Claims-based security over AMQP (the `$cbs` node IoT Hub authenticates through):
// a put-token request goes out on a sender link to `$cbs` (application properties
// operation = put-token, type, name = the audience, expiration; body the token as an
// amqp-value string; properties message-id and reply-to), and the answer comes back on
// a receiver link from `$cbs` with status-code / status-description, correlated by
// correlation-id = the request's message-id (see the reference's 2.2).
//
// cbs_client keeps one token per audience (a gateway renews one per device on one
// connection) and a renewal schedule driven by `now`: renew after `renew_fraction` of
// the token's lifetime minus a random jitter, retry a refused or unanswered request
// with a doubling back-off. It reports renew_due when the application should mint a
// fresh token and call put_token again. cbs_server is the service side: it answers
// put-token requests through a validation callback (the emulator's).
//
// Both sit on an engine and see its events first: on_event() returns true for the
// events that belong to CBS links.

#include <hubwire/amqp/engine.hpp>
#include <hubwire/amqp/message.hpp>

#include <map>
#include <random>

namespace hubwire::amqp {

struct cbs_config {
  std::string sender_name = "$cbs-sender";
  std::string receiver_name = "$cbs-receiver";
  std::string reply_to = "cbs";                         // our receiver's target, and reply-to
  std::string token_type = "servicebus.windows.net:sastoken"; // C# sends azure-devices.net:sastoken
  std::chrono::milliseconds request_timeout = std::chrono::seconds(30);
  double renew_fraction = 0.8;                          // of the lifetime (the C SDK's 80 %)
  std::chrono::milliseconds max_jitter = std::chrono::seconds(30); // renew up to this much earlier
  std::chrono::milliseconds retry_delay = std::chrono::seconds(2); // doubled per failure
  std::chrono::milliseconds max_retry_delay = std::chrono::seconds(60);
  std::size_t max_audiences = 1024;
  std::uint64_t seed = 0x5eed;                          // the jitter's generator
};

struct cbs_event {
  enum kind_t : std::uint8_t { accepted, refused, timed_out, renew_due };
  kind_t kind = accepted;
  std::string audience{};
  std::int32_t status = 0;           // accepted/refused: the status-code
  std::string description{};         // status-description
};

class cbs_client {
public:
  using time_point = engine::time_point;

  // Attaches the two `$cbs` links on session `s`.
  cbs_client(engine& e, session_id s, cbs_config cfg = {});

  // Sends (or re-sends) the token for `audience`; `ttl` is its lifetime from `now`,
  // the base of the renewal schedule. `expiration` goes into the request if given.
  std::error_code put_token(std::string_view audience, std::string_view token, std::chrono::seconds ttl,
                            time_point now, std::optional<timestamp> expiration = std::nullopt);

  // Feed every engine event; true when it was a CBS link's.
  bool on_event(const event& ev, time_point now);
  // Time passes: request time-outs, renewals and retries.
  void tick(time_point now);
  std::optional<time_point> deadline() const;
  bool poll(cbs_event& out);

  bool ready() const noexcept { return credit_ok_ && receiver_ok_; }
  std::size_t pending() const noexcept { return queued_.size() + in_flight_.size(); }
  // When the audience's token is next renewed (or retried), if scheduled.
  std::optional<time_point> renewal(std::string_view audience) const;

private:
  struct request {
    std::string audience, token;
    std::chrono::seconds ttl{};
    std::optional<timestamp> expiration{};
    time_point sent{};
  };
  struct audience_state {
    std::optional<time_point> due{};  // renew_due (or retry) at
    bool retry = false;                // `due` is a retry of the last request
    std::chrono::milliseconds backoff{};
    request last{};
  };
  void flush(time_point now);
  void schedule_retry(audience_state& a, time_point now);

  engine& e_;
  cbs_config cfg_;
  link_id sender_ = no_id, receiver_ = no_id;
  bool credit_ok_ = false, receiver_ok_ = false;
  std::uint64_t next_id_ = 0;
  std::deque<request> queued_;                  // waiting for credit
  std::map<std::uint64_t, request> in_flight_;  // by message-id
  std::map<std::string, audience_state, std::less<>> audiences_;
  std::deque<cbs_event> events_;
  std::mt19937_64 rng_;
  std::vector<std::uint8_t> scratch_;
};

// What a put-token request carried, for the server's validation callback.
struct cbs_request {
  std::string_view operation{};
  std::string_view type{};
  std::string_view audience{};
  std::string_view token{};
  std::optional<timestamp> expiration{};
};
struct cbs_status {
  std::int32_t code = 200;
  std::string description{};
};

class cbs_server {
public:
  using validator = std::function<cbs_status(const cbs_request&)>;
  cbs_server(engine& e, validator v, std::size_t max_queued = 256) : e_(e), validate_(std::move(v)), max_(max_queued) {}
  bool on_event(const event& ev);
  std::size_t answered() const noexcept { return answered_; }

private:
  struct response {
    link_id to = no_id;
    std::vector<std::uint8_t> bytes;
  };
  void answer(const event& ev);
  void flush();

  engine& e_;
  validator validate_;
  std::size_t max_;
  std::vector<link_id> receivers_;                 // links whose target is $cbs
  std::vector<std::pair<link_id, std::string>> senders_; // links whose source is $cbs, by target
  std::deque<response> queued_;
  std::size_t answered_ = 0;
  std::uint64_t tag_ = 0;
};

} // namespace hubwire::amqp

#include <hubwire/amqp/impl/cbs.hpp>

#endif
