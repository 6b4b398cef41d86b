#!/usr/bin/env python3
"""Writes fuzz/device_mqtt_client/corpus/: the schedule bytes (see target.cpp) followed by
broker packets laid out as in OASIS MQTT 3.1.1 (section 3): CONNACK 3.2, PUBLISH 3.3, PUBACK 3.4,
SUBACK 3.9, PINGRESP 3.13. The client's first SUBSCRIBE uses packet id 1, its second
(after a reconnect) id 2."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

def remaining_length(n):  # 2.2.3
    out = bytearray()
    while True:
        b, n = n % 128, n // 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)

def string(s):  # 1.5.3
    b = s.encode()
    return len(b).to_bytes(2, "big") + b

def connack(code=0, session_present=False):
    return bytes([0x20, 0x02, 1 if session_present else 0, code])

def suback(pid, code=0x01):
    return bytes([0x90, 0x03]) + pid.to_bytes(2, "big") + bytes([code])

def publish(topic, payload, qos=1, pid=0, dup=False):
    body = string(topic) + (pid.to_bytes(2, "big") if qos else b"") + payload
    return bytes([0x30 | (0x08 if dup else 0) | (qos << 1)]) + remaining_length(len(body)) + body

PINGRESP = bytes([0xD0, 0x00])
def puback(pid):  # 3.4
    return bytes([0x40, 0x02]) + pid.to_bytes(2, "big")
C2D = "devices/fuzz/messages/devicebound/"
def topic(mid, extra=""):
    return C2D + "%24.mid=" + mid + "&%24.to=%2Fdevices%2Ffuzz%2Fmessages%2FdeviceBound" + extra

BROKER, RECEIVE, COMPLETE, TELEMETRY, CANCEL, REJECT, CLOSE = 0, 2, 3, 4, 5, 6, 7

def header(chunk=0, attempts=1, backpressure=False, every_other=False, program=(BROKER, RECEIVE, BROKER, COMPLETE),
           hang_up=False):
    prog = list(program) * (8 // len(program))
    bits = sum((a & 7) << (3 * i) for i, a in enumerate(prog[:8]))
    b0 = (chunk & 0x0F) | ((attempts - 1) << 4) | (0x40 if backpressure else 0) | (0x80 if every_other else 0)
    return bytes([b0, bits & 0xFF, (bits >> 8) & 0xFF, bits >> 16, 1 if hang_up else 0])

three = b"".join(publish(topic("m%d" % i, "&k=v%d" % i), b"payload %d" % i, 1, i) for i in range(1, 4))
seeds = {
    "connack_suback_3_publishes": header() + connack() + suback(1) + three + PINGRESP,
    "byte_at_a_time": header(chunk=1) + connack() + suback(1) + three + PINGRESP,
    "backpressure_every_other": header(chunk=5, backpressure=True, every_other=True,
                                       program=(BROKER, BROKER, BROKER, RECEIVE, BROKER, COMPLETE, RECEIVE, BROKER))
    + connack() + suback(1) + three + PINGRESP,
    "qos0_and_bad_bag": header() + connack() + suback(1) + publish(topic("q0"), b"at most once", 0)
    + publish(C2D + "%zz=1", b"bad bag", 1, 9) + publish(topic("m10"), b"", 1, 10),
    "cancel_reject_close": header(program=(RECEIVE, CANCEL, BROKER, RECEIVE, BROKER, REJECT, COMPLETE, CLOSE))
    + connack() + suback(1) + three,
    "redelivery_same_id": header(chunk=4, hang_up=True) + connack() + suback(1) + publish(topic("a"), b"a", 1, 5)
    + publish(topic("a"), b"a", 1, 5, dup=True) + PINGRESP,
    # A second CONNACK is a protocol violation: the client reconnects, and the bytes go on.
    "reconnect_session_present": header(chunk=9, attempts=3) + connack() + suback(1) + publish(topic("r"), b"r", 1, 7)
    + connack() + connack(session_present=True) + suback(2) + publish(topic("r"), b"r", 1, 7, dup=True),
    # Telemetry queued before the connection is up takes packet id 1; the SUBSCRIBE then takes 2.
    "telemetry_acked": header(chunk=4, program=(TELEMETRY, BROKER, RECEIVE, BROKER)) + connack() + suback(2)
    + puback(1) + publish(topic("m1"), b"after telemetry", 1, 1),
    "refused_not_authorized": header(attempts=2, hang_up=True) + connack(code=5),
    "subscription_refused": header() + connack() + suback(1, 0x80),
}
for name, data in seeds.items():
    with open(os.path.join(HERE, "corpus", name), "wb") as f:
        f.write(data)
