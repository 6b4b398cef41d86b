// hubwire's AMQP codec against qpid-proton (Debian python3-qpid-proton, run with
// /usr/bin/python3): proton encodes values, described types, performative-shaped lists,
// whole messages and a real client's frames, and hubwire decodes them to the values
// proton was given; hubwire encodes the same things, and proton decodes and compares.
// The peer (peer.py) listens on 127.0.0.1 on a free port and is stopped by PID.
#include <hubwire/amqp/message.hpp>
#include <hubwire/amqp/performatives.hpp>
#include <hubwire/amqp/sasl.hpp>
#include <hubwire/iothub/amqp_mapping.hpp>
#include <hubwire_test/catch.hpp>
#include <hubwire_test/process.hpp>

#include <arpa/inet.h>

#include <limits>
#include <string>

using namespace hubwire;
using namespace hubwire::amqp;
using amqp_open = hubwire::amqp::open;
using bytes = std::vector<std::uint8_t>;

namespace {

// One proton peer for the whole test program; requests are lines over TCP.
class peer {
public:
  peer() : port_(hubwire_test::free_port()), proc_({"/usr/bin/python3", HUBWIRE_PROTON_PEER, std::to_string(port_)}) {
    if (!proc_.wait_for_port(port_)) throw std::runtime_error("proton peer did not start");
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port_);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect");
  }
  ~peer() { ::close(fd_); }

  std::string ask(const std::string& line) {
    const std::string out = line + "\n";
    for (std::size_t off = 0; off < out.size();) {
      const auto n = ::write(fd_, out.data() + off, out.size() - off);
      if (n <= 0) throw std::runtime_error("write");
      off += static_cast<std::size_t>(n);
    }
    std::string reply;
    char c;
    while (::read(fd_, &c, 1) == 1 && c != '\n') reply += c;
    return reply;
  }

private:
  std::uint16_t port_;
  hubwire_test::process proc_;
  int fd_ = -1;
};

peer& proton() {
  static peer p;
  return p;
}

bytes from_hex(std::string_view h) {
  bytes out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}
std::string to_hex(bytes_view b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto x : b) s += d[x >> 4], s += d[x & 15];
  return s;
}

std::vector<value> decode_all(const bytes& in) {
  std::vector<value> out;
  bytes_view rest = in;
  while (!rest.empty()) {
    value v;
    std::error_code ec;
    const std::size_t n = decode_value(rest, v, ec);
    INFO(ec.message());
    REQUIRE_FALSE(ec);
    out.push_back(v);
    rest = rest.subspan(n);
  }
  return out;
}

// What hubwire writes for each case, element for element as peer.py lists them.
bytes expected(const std::string& which) {
  bytes out;
  encoder e(out);
  const std::uint8_t bin[] = {0x00, 0x01, 0xff};
  const std::uint8_t d32[] = {0x22, 0x50, 0x00, 0x01};
  const std::uint8_t d64[] = {0x22, 0x38, 0, 0, 0, 0, 0, 1};
  std::uint8_t d128[16] = {0x22, 0x08};
  d128[15] = 1;
  uuid u;
  const std::uint8_t ub[] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  std::copy(std::begin(ub), std::end(ub), u.bytes.begin());
  if (which == "scalars") {
    e.write_null();
    e.write_bool(true);
    e.write_bool(false);
    e.write_ubyte(200);
    e.write_ushort(60000);
    e.write_uint(0);
    e.write_uint(200);
    e.write_uint(4000000000u);
    e.write_ulong(0);
    e.write_ulong(200);
    e.write_ulong(18446744073709551615u);
    e.write_byte(-100);
    e.write_short(-30000);
    e.write_int(-100);
    e.write_int(-2147483647 - 1);
    e.write_long(-100);
    e.write_long(std::numeric_limits<std::int64_t>::min());
    e.write_float(1.5f);
    e.write_double(2.25);
    e.write_decimal(kind::decimal32, d32);
    e.write_decimal(kind::decimal64, d64);
    e.write_decimal(kind::decimal128, d128);
    e.write_char(U'\U0001F600');
    e.write_timestamp({1700000000123});
    e.write_uuid(u);
    e.write_binary(bin);
    e.write_string("h\xc3\xa9llo \xe2\x98\x83");
    e.write_symbol("a-symbol");
  } else if (which == "long_strings") {
    e.write_string(std::string(300, 's'));
    const bytes big(70000, 'b');
    e.write_binary(big);
    e.write_symbol(std::string(256, 'y'));
  } else if (which == "compounds") {
    e.begin_list(); e.end_list();
    e.begin_list(); e.write_long(1); e.begin_list(); e.write_long(2); e.begin_list(); e.write_long(3); e.end_list(); e.end_list(); e.end_list();
    e.begin_map(); e.write_symbol("k"); e.write_string("v"); e.write_string("n"); e.write_null(); e.write_ulong(1);
    e.begin_list(); e.write_bool(true); e.end_list(); e.end_map();
    const std::vector<symbol> syms{symbol{"a"}, symbol{"bb"}};
    e.write_symbol_array(syms);
    // Arrays other than of symbols are written from values: decode proton-independent bytes.
    const bytes ints = {0xe0, 0x0e, 0x03, 0x71, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0x2c};
    const bytes strs = {0xe0, 0x02, 0x00, 0xa1};
    const bytes bools = {0xe0, 0x05, 0x03, 0x56, 1, 0, 1};
    const bytes ulongs = {0xe0, 0x03, 0x01, 0x53, 5};
    for (const bytes* a : {&ints, &strs, &bools, &ulongs}) {
      value v;
      std::error_code ec;
      decode_value(*a, v, ec);
      REQUIRE_FALSE(ec);
      e.write(v);
    }
  } else if (which == "described") {
    e.write_descriptor(0x24); e.begin_list(); e.end_list();
    e.write_descriptor(symbol{"com.example:thing"}); e.begin_map(); e.write_symbol("a"); e.write_long(1); e.end_map();
    const bytes arr = {0xe0, 0x07, 0x02, 0x00, 0x53, 0x99, 0x52, 7, 8};
    value v;
    std::error_code ec;
    decode_value(arr, v, ec);
    e.write(v);
  }
  return out;
}

} // namespace

TEST_CASE("proton encodes values, hubwire decodes them to the same values and proton accepts hubwire's encoding") {
  for (const std::string which : {"scalars", "long_strings", "compounds", "described"}) {
    CAPTURE(which);
    const bytes theirs = from_hex(proton().ask("encode " + which));
    const bytes ours = expected(which);
    const auto a = decode_all(theirs);
    const auto b = decode_all(ours);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      CAPTURE(i);
      CHECK(a[i] == b[i]);
    }
    CHECK(proton().ask("check " + which + " " + to_hex(ours)) == "ok");
    // Re-encoding what proton wrote gives bytes proton reads back as its own values.
    bytes again;
    encoder e(again);
    for (const auto& v : a) e.write(v);
    CHECK(proton().ask("check " + which + " " + to_hex(again)) == "ok");
  }
}

TEST_CASE("proton's performative-shaped lists decode to hubwire's performatives") {
  const bytes theirs = from_hex(proton().ask("encode performatives"));
  const auto vs = decode_all(theirs);
  REQUIRE(vs.size() == 3);
  amqp_open o;
  REQUIRE_FALSE(decode(vs[0], o));
  CHECK(o.container_id == "container");
  CHECK(o.hostname == "hub.example");
  CHECK(o.max_frame_size == 65536);
  CHECK(o.channel_max == 8);
  CHECK(o.idle_time_out == 240000u);
  REQUIRE(o.offered_capabilities.size() == 1);
  CHECK(o.offered_capabilities[0].str == "ANONYMOUS-RELAY");
  CHECK(o.properties.type() == kind::map);
  attach at;
  REQUIRE_FALSE(decode(vs[1], at));
  CHECK(at.link_name == "link");
  CHECK(at.role == role::receiver);
  CHECK(at.snd_settle_mode == sender_settle_mode::unsettled);
  CHECK(at.rcv_settle_mode == receiver_settle_mode::second);
  REQUIRE(at.source);
  CHECK(at.source->address == "/devices/d1/messages/devicebound");
  CHECK(at.source->filter.count() == 2);
  REQUIRE(at.target);
  CHECK(at.target->address == "d1");
  CHECK(at.max_message_size == 65536u);
  disposition d;
  REQUIRE_FALSE(decode(vs[2], d));
  CHECK(d.role == role::receiver);
  CHECK(d.first == 3);
  CHECK(d.last == 4u);
  CHECK(d.settled);
  REQUIRE(d.state);
  const auto& rj = std::get<rejected>(*d.state);
  REQUIRE(rj.error);
  CHECK(rj.error->condition.str == "amqp:not-found");
  CHECK(rj.error->description == "gone");

  // hubwire's encoding of the same three, read back by proton: equal to the lists
  // proton was given, with defaults as null and trailing nulls left out.
  bytes ours;
  encoder e(ours);
  encode(e, o);
  encode(e, at);
  encode(e, d);
  CHECK(proton().ask("check performatives_compact " + to_hex(ours)) == "ok");
}

TEST_CASE("proton messages with every section and property decode, hubwire's re-encoding reads back in proton") {
  const bytes full = from_hex(proton().ask("message full"));
  message m;
  REQUIRE_FALSE(decode_message(full, m));
  REQUIRE(m.header);
  CHECK(m.header->durable);
  CHECK(m.header->priority == 7);
  CHECK(m.header->ttl == 60000u);
  CHECK(m.header->first_acquirer);
  CHECK(m.header->delivery_count == 2);
  CHECK(m.delivery_annotations.count() == 2);
  CHECK(m.message_annotations.count() == 6);
  REQUIRE(m.properties);
  const auto& p = *m.properties;
  CHECK(std::get<std::string_view>(*p.message_id) == "msg-1");
  CHECK(p.user_id == binary{core::as_bytes("svc")});
  CHECK(p.to == "/devices/d1/messages/devicebound");
  CHECK(p.subject == "subj");
  CHECK(p.reply_to == "reply");
  CHECK(std::get<std::string_view>(*p.correlation_id) == "corr-1");
  CHECK(p.content_type == symbol{"application/json"});
  CHECK(p.content_encoding == symbol{"utf-8"});
  CHECK(p.absolute_expiry_time == timestamp{1700000360000});
  CHECK(p.creation_time == timestamp{1700000000000});
  CHECK(p.group_id == "group");
  CHECK(p.group_sequence == 3u);
  CHECK(p.reply_to_group_id == "rgroup");
  CHECK(m.application_properties.count() == 6);
  REQUIRE(m.body.single_data());
  CHECK(core::as_chars(*m.body.single_data()) == std::string_view("\0\1payload", 9));
  bytes ours;
  encode_message(ours, m);
  CHECK(proton().ask("check_message full " + to_hex(ours)) == "ok");
  // An application property that is not a string is what IoT Hub's SDKs refuse.
  CHECK(iothub::from_amqp(m).error() == iothub::errc::invalid_message);

  for (const std::string which : {"id_ulong", "id_uuid", "id_binary", "value_body", "sequence_body"}) {
    CAPTURE(which);
    const bytes theirs = from_hex(proton().ask("message " + which));
    message x;
    REQUIRE_FALSE(decode_message(theirs, x));
    bytes back;
    encode_message(back, x);
    CHECK(proton().ask("check_message " + which + " " + to_hex(back)) == "ok");
  }
  const bytes ulong_msg = from_hex(proton().ask("message id_ulong"));
  message x;
  REQUIRE_FALSE(decode_message(ulong_msg, x));
  CHECK(std::get<std::uint64_t>(*x.properties->message_id) == 18446744073709551615u);
  const bytes uuid_msg = from_hex(proton().ask("message id_uuid"));
  REQUIRE_FALSE(decode_message(uuid_msg, x));
  const auto c2d = iothub::from_amqp(x);
  REQUIRE(c2d);
  CHECK(c2d->message_id == "00112233-4455-6677-8899-aabbccddeeff");
  CHECK(c2d->body == "x");
}

TEST_CASE("a proton client's connection opening, read frame by frame") {
  const bytes wire = from_hex(proton().ask("client_frames"));
  std::error_code ec;
  protocol_header h;
  bytes_view rest = wire;
  REQUIRE(parse_protocol_header(rest, h, ec) == 8);
  CHECK(h.id == protocol_id::sasl);
  rest = rest.subspan(8);
  frame_reader r;
  std::vector<std::string> seen;
  bool sasl_done = false;
  while (!rest.empty()) {
    if (sasl_done && rest.size() >= 8 && rest[0] == 'A') {
      REQUIRE(parse_protocol_header(rest, h, ec) == 8);
      CHECK(h.id == protocol_id::amqp);
      rest = rest.subspan(8);
      sasl_done = false;
      continue;
    }
    const std::size_t used = r.put(rest.first(1), ec); // one byte at a time
    REQUIRE(used == 1);
    rest = rest.subspan(1);
    if (ec == errc::need_more) continue;
    REQUIRE_FALSE(ec);
    const frame& f = r.get();
    if (f.header.type == frame_type::sasl) {
      sasl_frame s;
      REQUIRE_FALSE(decode_sasl(f.body, s));
      CHECK(std::get<sasl_init>(s).mechanism.str == "ANONYMOUS");
      seen.push_back("sasl-init");
      sasl_done = true;
      continue;
    }
    performative p;
    bytes_view payload;
    REQUIRE_FALSE(decode_performative(f.body, p, payload));
    if (auto* o = std::get_if<amqp_open>(&p)) {
      CHECK(o->container_id == "proton-client");
      CHECK(o->hostname == "hub.example");
      seen.push_back("open");
    } else if (std::get_if<begin>(&p)) {
      seen.push_back("begin");
    } else if (auto* a = std::get_if<attach>(&p)) {
      CHECK(a->link_name == "sender-link");
      CHECK(a->role == role::sender);
      REQUIRE(a->target);
      CHECK(a->target->address == "/messages/devicebound");
      seen.push_back("attach");
    } else if (auto* t = std::get_if<transfer>(&p)) {
      CHECK(t->delivery_tag == binary{core::as_bytes("tag-0001")});
      CHECK(t->delivery_id == 0u);
      message m;
      REQUIRE_FALSE(decode_message(payload, m));
      CHECK(std::get<std::string_view>(*m.properties->message_id) == "msg-1");
      seen.push_back("transfer");
    }
  }
  CHECK(seen == std::vector<std::string>{"sasl-init", "open", "begin", "attach", "transfer"});
}

TEST_CASE("a proton server accepts hubwire's SASL, open, begin, attach and flow, and hubwire reads its replies") {
  bytes out;
  const auto sasl_h = encode_protocol_header({protocol_id::sasl});
  out.insert(out.end(), sasl_h.begin(), sasl_h.end());
  write_sasl_frame(out, sasl_init{symbol{"ANONYMOUS"}, binary{}, "hub.example"});
  const auto amqp_h = encode_protocol_header();
  out.insert(out.end(), amqp_h.begin(), amqp_h.end());
  write_frame(out, 0, amqp_open{.container_id = "hubwire-test", .hostname = "hub.example", .max_frame_size = 65536});
  write_frame(out, 0, begin{.next_outgoing_id = 0, .incoming_window = 100, .outgoing_window = 100});
  source src;
  src.address = "/devices/d1/messages/devicebound";
  attach at{.link_name = "link-rcv-d1", .handle = 0, .role = role::receiver, .source = src, .target = target{}};
  at.target->address = "d1";
  write_frame(out, 0, at);
  write_frame(out, 0, flow{.next_incoming_id = 0, .incoming_window = 100, .next_outgoing_id = 0, .outgoing_window = 100,
                           .handle = 0, .delivery_count = 0, .link_credit = 10});
  const std::string reply = proton().ask("serve " + to_hex(out));
  const auto space = reply.find(' ');
  REQUIRE(space != std::string::npos);
  CHECK(reply.substr(0, space) ==
        "container=hubwire-test;hostname=hub.example;link=link-rcv-d1;receiver=False;"
        "source=/devices/d1/messages/devicebound;credit=10;error=none");

  const bytes replies = from_hex(reply.substr(space + 1));
  bytes_view rest = replies;
  std::error_code ec;
  protocol_header h;
  REQUIRE(parse_protocol_header(rest, h, ec) == 8);
  CHECK(h.id == protocol_id::sasl);
  rest = rest.subspan(8);
  frame_reader r;
  std::vector<std::string> seen;
  while (!rest.empty()) {
    if (rest[0] == 'A') {
      REQUIRE(parse_protocol_header(rest, h, ec) == 8);
      rest = rest.subspan(8);
      continue;
    }
    const std::size_t used = r.put(rest, ec);
    REQUIRE_FALSE(ec);
    rest = rest.subspan(used);
    const frame& f = r.get();
    if (f.header.type == frame_type::sasl) {
      sasl_frame s;
      REQUIRE_FALSE(decode_sasl(f.body, s));
      if (auto* m = std::get_if<sasl_mechanisms>(&s)) {
        CHECK(m->mechanisms == std::vector<symbol>{symbol{"ANONYMOUS"}});
        seen.push_back("mechanisms");
      } else {
        CHECK(std::get<sasl_outcome>(s).code == sasl_code::ok);
        seen.push_back("outcome");
      }
      continue;
    }
    performative p;
    bytes_view payload;
    REQUIRE_FALSE(decode_performative(f.body, p, payload));
    if (auto* o = std::get_if<amqp_open>(&p)) {
      CHECK(o->container_id == "proton-server");
      seen.push_back("open");
    } else if (auto* b = std::get_if<begin>(&p)) {
      CHECK(b->remote_channel == std::uint16_t{0});
      seen.push_back("begin");
    } else if (auto* a = std::get_if<attach>(&p)) {
      CHECK(a->link_name == "link-rcv-d1");
      CHECK(a->role == role::sender);
      seen.push_back("attach");
    }
  }
  CHECK(seen == std::vector<std::string>{"mechanisms", "outcome", "open", "begin", "attach"});
}
