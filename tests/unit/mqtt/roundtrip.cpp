// Randomized round trips: packets of every type with random valid fields are encoded,
// decoded (whole, and with the input growing one byte at a time) and compared.
#include "support.hpp"

#include <hubwire_test/catch.hpp>

#include <deque>
#include <random>
#include <string>

using namespace hubwire::mqtt;
using namespace mqtt_test;

namespace {

class generator {
public:
  explicit generator(unsigned seed) : rng_(seed) {}

  packet next() {
    switch (pick(14)) {
      case 0: {
        connect c{.client_id = text(0, 30), .clean_session = coin(), .keep_alive = u16()};
        if (coin()) c.will = will_message{topic(), blob(40), any_qos(), coin()};
        if (coin()) {
          c.username = text(0, 60);
          if (coin()) c.password = blob(60);
        }
        return c;
      }
      case 1: {
        const bool present = coin();
        return connack{present, present ? connect_return_code::accepted : static_cast<connect_return_code>(pick(6))};
      }
      case 2: {
        publish p{.topic = topic(), .payload = blob(300), .qos = any_qos(), .retain = coin()};
        if (p.qos != qos::at_most_once) {
          p.packet_id = id();
          p.dup = coin();
        }
        return p;
      }
      case 3: return puback{id()};
      case 4: return pubrec{id()};
      case 5: return pubrel{id()};
      case 6: return pubcomp{id()};
      case 7: {
        subscribe s{id(), {}};
        for (std::size_t n = 1 + pick(4); n > 0; --n) s.subscriptions.push_back({filter(), any_qos()});
        return s;
      }
      case 8: {
        suback s{id(), {}};
        constexpr suback_code codes[] = {suback_code::granted_qos0, suback_code::granted_qos1,
                                         suback_code::granted_qos2, suback_code::failure};
        for (std::size_t n = 1 + pick(4); n > 0; --n) s.codes.push_back(codes[pick(4)]);
        return s;
      }
      case 9: {
        unsubscribe u{id(), {}};
        for (std::size_t n = 1 + pick(4); n > 0; --n) u.filters.push_back(filter());
        return u;
      }
      case 10: return unsuback{id()};
      case 11: return pingreq{};
      case 12: return pingresp{};
      default: return disconnect{};
    }
  }

private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool coin() { return pick(2) == 1; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(pick(65536)); }
  std::uint16_t id() { return static_cast<std::uint16_t>(1 + pick(65535)); }
  qos any_qos() { return static_cast<qos>(pick(3)); }

  std::string_view keep(std::string s) { return arena_.emplace_back(std::move(s)); }
  // Valid UTF-8 from ASCII, two-, three- and four-byte characters.
  std::string_view text(std::size_t min, std::size_t max, std::string_view avoid = "") {
    static constexpr const char* pieces[] = {"a", "Z", "0", "-", "/", "$", "%", " ", "\xC3\xA9", "\xE2\x82\xAC",
                                             "\xF0\x9F\x98\x80", "\xEF\xBF\xBF"};
    std::string s;
    const std::size_t n = min + pick(max - min + 1);
    while (s.size() < n) {
      const std::string_view p = pieces[pick(std::size(pieces))];
      if (avoid.find(p) == std::string_view::npos) s += p;
    }
    return keep(std::move(s));
  }
  std::string_view topic() { return text(1, 40); }
  std::string_view filter() {
    std::string f;
    for (std::size_t levels = 1 + pick(4); levels > 0; --levels) {
      if (!f.empty()) f += '/';
      const std::size_t k = pick(4);
      if (k == 0) f += '+';
      else if (k == 1 && levels == 1) f += '#';
      else f += text(1, 8, "/");
    }
    return keep(std::move(f));
  }
  std::string_view blob(std::size_t max) {
    std::string s(pick(max + 1), '\0');
    for (auto& c : s) c = static_cast<char>(pick(256));
    return keep(std::move(s));
  }

  std::mt19937 rng_;
  std::deque<std::string> arena_;
};

role receiver_of(packet_type t) { return is_sent_by(t, role::client) ? role::server : role::client; }

} // namespace

TEST_CASE("random packets round-trip: encode, decode, equal") {
  generator gen(20261123);
  for (int i = 0; i < 3000; ++i) {
    const packet p = gen.next();
    std::error_code ec;
    const bytes wire = encode(p, ec);
    REQUIRE_FALSE(ec);
    const auto d = decode(receiver_of(type_of(p)), wire);
    REQUIRE_FALSE(d.ec);
    CHECK(d.used == wire.size());
    CHECK(d.value == p);
  }
}

TEST_CASE("random packets decode the same when the input grows one byte at a time") {
  generator gen(7);
  for (int i = 0; i < 400; ++i) {
    const packet p = gen.next();
    std::error_code ec;
    const bytes wire = encode(p, ec);
    REQUIRE_FALSE(ec);
    decoder d({.local = receiver_of(type_of(p))});
    // Every proper prefix asks for more and consumes nothing.
    for (std::size_t k = 0; k < wire.size(); ++k) {
      const std::size_t used = d.put(std::span(wire).first(k), ec);
      REQUIRE(ec == errc::need_more);
      REQUIRE(used == 0);
      if (k >= 2) CHECK((d.packet_size() == 0 || d.packet_size() == wire.size()));
    }
    CHECK(d.put(wire, ec) == wire.size());
    REQUIRE_FALSE(ec);
    CHECK(d.value() == p);
  }
}

TEST_CASE("a stream of packets split at every offset decodes to the same sequence") {
  generator gen(99);
  std::vector<packet> sent;
  bytes stream;
  for (int i = 0; i < 20; ++i) {
    packet p = gen.next();
    while (receiver_of(type_of(p)) != role::client) p = gen.next();
    std::error_code ec;
    const bytes wire = encode(p, ec);
    stream.insert(stream.end(), wire.begin(), wire.end());
    sent.push_back(std::move(p));
  }
  for (std::size_t split = 0; split <= stream.size(); split += 7) {
    // The caller's buffer: what has arrived and not been consumed yet.
    bytes pending;
    std::vector<packet> got;
    decoder d;
    auto drain = [&] {
      for (;;) {
        std::error_code ec;
        const std::size_t used = d.put(pending, ec);
        if (ec == errc::need_more) return;
        REQUIRE_FALSE(ec);
        got.push_back(d.value());
        if (auto* s = std::get_if<subscribe>(&got.back())) (void)s; // lists are copied with the packet
        pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(used));
        // Views die with the erased bytes: compare the re-encoding instead.
        std::error_code e2;
        const bytes again = encode(got.back(), e2);
        std::error_code e3;
        const bytes expect = encode(sent[got.size() - 1], e3);
        CHECK(again == expect);
      }
    };
    pending.insert(pending.end(), stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(split));
    drain();
    pending.insert(pending.end(), stream.begin() + static_cast<std::ptrdiff_t>(split), stream.end());
    drain();
    CHECK(got.size() == sent.size());
    CHECK(pending.empty());
  }
}
