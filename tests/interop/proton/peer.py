#!/usr/bin/python3
"""qpid-proton as the interop peer for hubwire's AMQP codec. Listens on 127.0.0.1:PORT
and answers one request per line:

  encode <case>          -> hex of proton's encoding of the named case
  check <case> <hex>     -> "ok" if proton decodes hubwire's bytes to the case's value
                            (compared by re-encoding both with proton), else the reason
  message <case>         -> hex of proton.Message.encode() for the named message
  check_message <case> <hex> -> "ok" if proton.Message.decode gives the same fields
  client_frames          -> hex of what a proton client writes on a new connection
                            (SASL ANONYMOUS, open, begin, attach, one transfer), after
                            talking to a proton server transport
  serve <hex>            -> feeds hubwire's client bytes to a proton server transport;
                            answers "<what proton saw> <hex of proton's replies>"
"""
import socket
import sys
import uuid

from proton import (Array, Connection, Data, Described, Message, SASL, Transport, UNDESCRIBED, byte, char,
                    decimal32, decimal64, decimal128, float32, int32, short, symbol, timestamp, ubyte, uint,
                    ulong, ushort)

UUID = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")

VALUES = {
    "scalars": [None, True, False, ubyte(200), ushort(60000), uint(0), uint(200), uint(4000000000), ulong(0),
                ulong(200), ulong(2**64 - 1), byte(-100), short(-30000), int32(-100), int32(-2**31), -100, -2**63,
                float32(1.5), 2.25, decimal32(0x22500001), decimal64(0x2238000000000001),
                decimal128(b"\x22\x08" + b"\x00" * 13 + b"\x01"), char("\U0001F600"), timestamp(1700000000123),
                UUID, b"\x00\x01\xff", "h\u00e9llo \u2603", symbol("a-symbol")],
    "long_strings": ["s" * 300, b"b" * 70000, symbol("y" * 256)],
    "compounds": [[], [1, [2, [3]]], {symbol("k"): "v", "n": None, ulong(1): [True]},
                  Array(UNDESCRIBED, Data.SYMBOL, symbol("a"), symbol("bb")),
                  Array(UNDESCRIBED, Data.INT, 1, -2, 300), Array(UNDESCRIBED, Data.STRING),
                  Array(UNDESCRIBED, Data.BOOL, True, False, True), Array(UNDESCRIBED, Data.ULONG, ulong(5))],
    "described": [Described(ulong(0x24), []), Described(symbol("com.example:thing"), {symbol("a"): 1}),
                  Array(ulong(0x99), Data.UINT, uint(7), uint(8))],
    # performative-shaped lists: open, attach with a source, disposition(rejected)
    "performatives": [
        Described(ulong(0x10), ["container", "hub.example", uint(65536), ushort(8), uint(240000), None, None,
                                Array(UNDESCRIBED, Data.SYMBOL, symbol("ANONYMOUS-RELAY")), None,
                                {symbol("product"): "proton"}]),
        Described(ulong(0x12), ["link", uint(1), True, ubyte(0), ubyte(1),
                                Described(ulong(0x28), ["/devices/d1/messages/devicebound", uint(0),
                                                        symbol("session-end"), uint(0), False, None, None,
                                                        {symbol("f"): Described(symbol("apache.org:selector-filter:string"), "a = 1")}]),
                                Described(ulong(0x29), ["d1"]), None, False, uint(0), ulong(65536)]),
        Described(ulong(0x15), [True, uint(3), uint(4), True,
                                Described(ulong(0x25), [Described(ulong(0x1d), [symbol("amqp:not-found"), "gone"])])]),
    ],
}


# The same performatives as hubwire writes them: defaults and false flags as null (then
# left out when trailing), a one-element multiple field as the single symbol.
VALUES["performatives_compact"] = [
    Described(ulong(0x10), ["container", "hub.example", uint(65536), ushort(8), uint(240000), None, None,
                            symbol("ANONYMOUS-RELAY"), None, {symbol("product"): "proton"}]),
    Described(ulong(0x12), ["link", uint(1), True, ubyte(0), ubyte(1),
                            Described(ulong(0x28), ["/devices/d1/messages/devicebound", None, None, None, None, None,
                                                    None, {symbol("f"): Described(symbol("apache.org:selector-filter:string"), "a = 1")}]),
                            Described(ulong(0x29), ["d1"]), None, None, uint(0), ulong(65536)]),
    VALUES["performatives"][2],
]


def message(case):
    m = Message()
    if case == "full":
        m.durable = True
        m.priority = 7
        m.ttl = 60.0
        m.first_acquirer = True
        m.delivery_count = 2
        m.instructions = {symbol("x-opt-d"): "d"}
        m.annotations = {symbol("x-opt-sequence-number"): ulong(42), symbol("iothub-enqueuedtime"): timestamp(1700000000000),
                         symbol("iothub-deliverycount"): ubyte(1)}
        m.id = "msg-1"
        m.user_id = b"svc"
        m.address = "/devices/d1/messages/devicebound"
        m.subject = "subj"
        m.reply_to = "reply"
        m.correlation_id = "corr-1"
        m.content_type = symbol("application/json")
        m.content_encoding = symbol("utf-8")
        m.expiry_time = 1700000360.0
        m.creation_time = 1700000000.0
        m.group_id = "group"
        m.group_sequence = 3
        m.reply_to_group_id = "rgroup"
        m.properties = {"iothub-ack": "full", "a": "1", "n": int32(5)}
        m.inferred = True  # a bytes body as a data section, as IoT Hub sends it
        m.body = b"\x00\x01payload"
    elif case == "id_ulong":
        m.id = ulong(18446744073709551615)
        m.correlation_id = ulong(7)
        m.body = b"x"
    elif case == "id_uuid":
        m.inferred = True
        m.id = UUID
        m.correlation_id = UUID
        m.body = b"x"
    elif case == "id_binary":
        m.id = b"\x01\x02"
        m.correlation_id = b"\x03"
        m.body = b"x"
    elif case == "value_body":
        m.body = {"k": [1, 2]}
    elif case == "sequence_body":
        m.inferred = True
        m.body = [1, "two"]
    return m


FIELDS = ["durable", "priority", "ttl", "first_acquirer", "delivery_count", "instructions", "annotations", "id",
          "user_id", "address", "subject", "reply_to", "correlation_id", "content_type", "content_encoding",
          "expiry_time", "creation_time", "group_id", "group_sequence", "reply_to_group_id", "properties", "body",
          "inferred"]


def encode(obj):
    d = Data()
    for v in obj:
        d.put_object(v)
    return d.encode()


def check(case, raw):
    d = Data()
    left = raw
    got = []
    while left:
        n = d.decode(left)
        left = left[n:]
    d.rewind()
    while d.next():
        got.append(d.get_object())
    mine = encode(got)
    want = encode(VALUES[case])
    return "ok" if mine == want else "mismatch got=%r" % (got,)


def check_message(case, raw):
    m = Message()
    m.decode(raw)
    want = message(case)
    bad = [f for f in FIELDS if getattr(m, f) != getattr(want, f)]
    return "ok" if not bad else "mismatch " + ",".join("%s=%r/%r" % (f, getattr(m, f), getattr(want, f)) for f in bad)


def pump(a, b):
    moved = True
    out_a, out_b = b"", b""
    while moved:
        moved = False
        for src, dst in ((a, b), (b, a)):
            n = src.pending()
            if n > 0:
                data = src.peek(n)
                src.pop(len(data))
                if dst is not None:
                    dst.push(data)
                if src is a:
                    out_a += data
                else:
                    out_b += data
                moved = True
    return out_a, out_b


def server():
    c = Connection()
    c.container = "proton-server"
    t = Transport(Transport.SERVER)
    t.max_frame_size = 65536
    SASL(t).allowed_mechs("ANONYMOUS")
    t.bind(c)
    return c, t


def client_frames():
    c = Connection()
    c.container = "proton-client"
    c.hostname = "hub.example"
    t = Transport()
    SASL(t).allowed_mechs("ANONYMOUS")
    t.bind(c)
    c.open()
    s = c.session()
    s.open()
    snd = s.sender("sender-link")
    snd.target.address = "/messages/devicebound"
    snd.open()
    sc, st = server()
    sc.open()
    out, _ = pump(t, st)
    rs = sc.session_head(0)
    rs.open()
    rl = sc.link_head(0)
    rl.target.copy(rl.remote_target)
    rl.open()
    rl.flow(10)
    o2, _ = pump(t, st)
    out += o2
    snd.delivery("tag-0001")
    snd.send(message("full").encode())
    snd.advance()
    o3, _ = pump(t, st)
    return out + o3


def serve(raw):
    sc, st = server()
    sc.open()
    st.push(raw)
    for i in range(3):
        ssn = sc.session_head(0)
        while ssn:
            ssn.open()
            ssn = ssn.next(0)
        lnk = sc.link_head(0)
        while lnk:
            if lnk.state & lnk.LOCAL_UNINIT:
                lnk.source.copy(lnk.remote_source)
                lnk.target.copy(lnk.remote_target)
                lnk.open()
            lnk = lnk.next(0)
    replies = st.peek(st.pending()) if st.pending() > 0 else b""
    seen = ["container=" + str(sc.remote_container), "hostname=" + str(sc.remote_hostname)]
    lnk = sc.link_head(0)
    if lnk:
        seen += ["link=" + lnk.name, "receiver=" + str(lnk.is_receiver),
                 "source=" + str(lnk.remote_source.address), "credit=" + str(lnk.credit)]
    cond = st.condition or sc.remote_condition
    seen.append("error=" + (cond.name if cond else "none"))
    return ";".join(seen) + " " + replies.hex()


def answer(line):
    parts = line.split()
    cmd = parts[0]
    if cmd == "encode":
        return encode(VALUES[parts[1]]).hex()
    if cmd == "check":
        return check(parts[1], bytes.fromhex(parts[2]) if len(parts) > 2 else b"")
    if cmd == "message":
        return message(parts[1]).encode().hex()
    if cmd == "check_message":
        return check_message(parts[1], bytes.fromhex(parts[2]))
    if cmd == "client_frames":
        return client_frames().hex()
    if cmd == "serve":
        return serve(bytes.fromhex(parts[1]))
    return "unknown command"


def main():
    port = int(sys.argv[1])
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(4)
    while True:
        conn, _ = srv.accept()
        f = conn.makefile("rwb")
        for raw in f:
            try:
                reply = answer(raw.decode().strip())
            except Exception as e:  # report, keep serving
                reply = "error %s: %s" % (type(e).__name__, e)
            f.write(reply.encode() + b"\n")
            f.flush()
        conn.close()


if __name__ == "__main__":
    main()
