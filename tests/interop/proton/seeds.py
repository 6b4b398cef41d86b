#!/usr/bin/python3
"""Writes fuzz seed corpora from qpid-proton's own encoder: values (proton.Data),
whole messages (proton.Message.encode) and the frames of a real connection opening
(proton.Transport output: protocol headers, SASL, open, begin, attach, flow,
transfer). Run once by a developer; the files are committed under fuzz/*/corpus."""
import os
import sys
import uuid

import proton
from proton import Data, Message, symbol, ulong, ubyte, ushort, timestamp, char, Described, Array, UNDESCRIBED
from proton import Connection, Transport, SASL

root = sys.argv[1]


def put(target, name, data):
    d = os.path.join(root, target, "corpus")
    with open(os.path.join(d, "proton_" + name), "wb") as f:
        f.write(data)


def enc(v):
    d = Data()
    d.put_object(v)
    return d.encode()


values = {
    "null": None, "true": True, "ubyte": ubyte(7), "ushort": ushort(700), "int": -5, "long": 2**40,
    "ulong": ulong(2**63), "double": 2.5, "char": char("\u00e9"), "ts": timestamp(1700000000000),
    "uuid": uuid.UUID("00112233-4455-6677-8899-aabbccddeeff"), "binary": b"\x00\xff",
    "string": "h\u00e9llo", "symbol": symbol("sym"), "list": [1, "a", None, [True]],
    "map": {symbol("k"): 1, "s": [ulong(1)]},
    "described": Described(ulong(0x24), []),
    "array": Array(UNDESCRIBED, Data.SYMBOL, symbol("a"), symbol("b")),
    "darray": Array(ulong(0x99), Data.INT, 1, 2, 3),
    "long_string": "x" * 300,
}
for k, v in values.items():
    put("amqp_value", k, enc(v))

m = Message(body=b"\x01\x02hello", id="msg-1", correlation_id=ulong(7), address="/devices/d/messages/devicebound",
            content_type=symbol("application/json"), content_encoding=symbol("utf-8"), user_id=b"svc",
            expiry_time=1700000360.0, creation_time=1700000000.0, group_id="g", group_sequence=3,
            reply_to_group_id="r", subject="s", reply_to="rt", durable=True, priority=7, ttl=60.0)
m.properties = {"iothub-ack": "full", "a": "1"}
m.annotations = {symbol("x-opt-sequence-number"): ulong(42), symbol("iothub-enqueuedtime"): timestamp(1700000000000),
                 symbol("iothub-deliverycount"): ubyte(1), symbol("x-opt-lock-token"): "6d1d0a52-8c3f-4b8e-9d5d-3a8a5f0b1c2d"}
m.instructions = {symbol("x-opt-d"): 1}
put("amqp_message", "c2d", m.encode())
put("amqp_message", "uuid_id", Message(id=uuid.UUID(int=5), body="text").encode())
put("amqp_message", "sequence", Message(body=[1, 2, 3], inferred=True).encode())

# A real connection opening, as two proton transports (client and server) write it.
c = Connection()
c.container = "proton-seed"
c.hostname = "hub.example"
t = Transport()
SASL(t).allowed_mechs("ANONYMOUS")
t.bind(c)
c.open()
ssn = c.session()
ssn.open()
snd = ssn.sender("sender-link")
snd.target.address = "/messages/devicebound"
snd.open()

sc = Connection()
sc.container = "proton-server"
st = Transport(Transport.SERVER)
SASL(st).allowed_mechs("ANONYMOUS")
st.bind(sc)
sc.open()

to_server, to_client = b"", b""


def pump():
    global to_server, to_client
    moved = True
    while moved:
        moved = False
        out = t.peek(max(t.pending(), 0)) if t.pending() > 0 else b""
        if out:
            t.pop(len(out)); st.push(out); to_server += out; moved = True
        out = st.peek(max(st.pending(), 0)) if st.pending() > 0 else b""
        if out:
            st.pop(len(out)); t.push(out); to_client += out; moved = True


pump()
rs = sc.session_head(0)
rs.open()
rl = sc.link_head(0)
rl.target.copy(rl.remote_target)
rl.open()
rl.flow(10)
pump()
dlv = snd.delivery("tag-0001")
msg = Message(body=b"x" * 100, id="m1")
snd.send(msg.encode())
snd.advance()
pump()
put("amqp_frame", "client_stream", bytes([0]) + to_server)
put("amqp_frame", "client_stream_step7", bytes([6]) + to_server)
put("amqp_frame", "server_stream", bytes([2]) + to_client)


def frames(wire):
    pos = 0
    while pos < len(wire):
        if wire[pos:pos + 4] == b"AMQP":
            pos += 8
            continue
        size = int.from_bytes(wire[pos:pos + 4], "big")
        doff = wire[pos + 4] * 4
        yield wire[pos + 5], wire[pos + doff:pos + size]
        pos += size


n = 0
for ftype, body in list(frames(to_server)) + list(frames(to_client)):
    if body:
        put("amqp_performative", "frame%02d" % n, bytes([1 if ftype == 1 else 0]) + body)
        n += 1
