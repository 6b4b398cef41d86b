// Arbitrary bytes into the AMQP engine after a valid protocol-header exchange, as a
// client or a server, with or without SASL (byte 0 picks, and the size of the pieces
// the input is fed in). The engine reacts the way an application would (credit for
// receivers, dispositions for messages, sends on credit) and time moves on. It must
// never crash, always take what it is given, write only well-formed frames no larger
// than the peer allows, and stay within its configured bounds.
#include "../check.hpp"

#include <hubwire/amqp/engine.hpp>

#include <algorithm>

using namespace hubwire::amqp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const bool server = data[0] & 1;
  const bool sasl = data[0] & 2;
  const std::size_t step = 1 + data[1] % 97;
  data += 2;
  size -= 2;

  connection_config c;
  c.role = server ? endpoint_role::server : endpoint_role::client;
  c.container_id = "fuzz";
  c.max_frame_size = 4096;
  c.channel_max = 7;
  c.idle_time_out = 5000;
  c.limits = {.max_sessions = 4, .max_links = 4, .max_unsettled = 16, .max_message_size = 8192};
  c.session.incoming_window = 8;
  if (sasl) {
    if (server) c.sasl_server.mechanisms = {"ANONYMOUS", "PLAIN"};
    else c.sasl_client.mechanism = sasl_mechanism::plain, c.sasl_client.username = "u", c.sasl_client.password = "p";
  }
  engine e(c);
  engine::time_point now{};
  e.start(now);
  const auto header = encode_protocol_header({sasl ? protocol_id::sasl : protocol_id::amqp, 1, 0, 0});
  e.put(header, now);
  if (!server) {
    // links already asked for, so frames for them find state to act on
    if (auto s = e.begin_session()) {
      (void)e.attach(*s, {.name = "rx", .role = role::receiver, .source = "a", .initial_credit = 3});
      (void)e.attach(*s, {.name = "tx", .role = role::sender, .target = "b"});
    }
  }

  std::size_t events = 0;
  const std::uint8_t tag[] = {1, 2, 3};
  const std::uint8_t body[] = {0x00, 0x53, 0x75, 0xa0, 0x01, 0x41};
  // The engine writes whole headers and frames; a frame never starts with "AMQP"
  // (that size would be about 1 GB), so the two are told apart by their first bytes.
  auto check_output = [&] {
    const auto out = e.output();
    bytes_view in = out;
    while (!in.empty()) {
      if (in.size() >= 4 && in[0] == 'A' && in[1] == 'M' && in[2] == 'Q' && in[3] == 'P') {
        HUBWIRE_FUZZ_CHECK(in.size() >= 8);
        in = in.subspan(8);
        continue;
      }
      frame_header h;
      std::error_code ec;
      HUBWIRE_FUZZ_CHECK(parse_frame_header(in, 0xffffffffu, h, ec));
      HUBWIRE_FUZZ_CHECK(h.size <= in.size());
      HUBWIRE_FUZZ_CHECK(h.size <= std::max<std::uint32_t>(e.remote_max_frame_size(), min_max_frame_size));
      const bytes_view body_bytes = in.subspan(std::size_t{h.doff} * 4, h.size - std::size_t{h.doff} * 4);
      if (h.type == frame_type::amqp && !body_bytes.empty()) {
        performative p;
        bytes_view payload;
        HUBWIRE_FUZZ_CHECK(!decode_performative(body_bytes, p, payload));
      } else if (h.type == frame_type::sasl) {
        sasl_frame f;
        HUBWIRE_FUZZ_CHECK(!decode_sasl(body_bytes, f));
      }
      in = in.subspan(h.size);
    }
    e.consume(out.size());
  };

  for (std::size_t pos = 0; pos < size && !e.done();) {
    const std::size_t n = std::min(step, size - pos);
    const std::size_t used = e.put({data + pos, n}, now);
    HUBWIRE_FUZZ_CHECK(used <= n);
    HUBWIRE_FUZZ_CHECK(used == n || e.done());
    pos += n;
    now += std::chrono::milliseconds(data[pos - 1] * 10);
    e.tick(now);
    event ev;
    while (e.poll(ev)) {
      ++events;
      HUBWIRE_FUZZ_CHECK(ev.payload.size() <= c.limits.max_message_size);
      HUBWIRE_FUZZ_CHECK(ev.tag.size() <= 32);
      switch (ev.kind) {
        case event_kind::link_attached:
          if (auto i = e.info(ev.link); i && i->role == role::receiver) (void)e.flow(ev.link, 2);
          break;
        case event_kind::message:
          if (!ev.settled)
            (void)e.dispose(ev.link, ev.delivery_id, ev.delivery_id % 2 ? outcome::released() : outcome::accepted());
          break;
        case event_kind::credit:
          if (auto i = e.info(ev.link); i && i->role == role::sender && ev.credit > 0)
            (void)e.send(ev.link, tag, body, ev.delivery_id % 2);
          if (ev.drain) (void)e.drained(ev.link);
          break;
        default: break;
      }
    }
    check_output();
  }
  HUBWIRE_FUZZ_CHECK(events <= size * 64 + 16);
  e.close();
  check_output();
  return 0;
}
