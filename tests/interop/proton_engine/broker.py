#!/usr/bin/python3
"""qpid-proton (container API) as the peer of hubwire's AMQP engine.

  broker.py PORT [MAX_FRAME] [IDLE_S]
      A small broker on 127.0.0.1:PORT (SASL ANONYMOUS), per link address:
        receiver source "gen/N/SIZE"  -> sends N messages of SIZE bytes (data body, the
                                         index in application property "i"), as credit allows
        sender target "sink"          -> takes messages; outcome by application property "i":
                                         i%4 0 accepted, 1 rejected(amqp:precondition-failed),
                                         2 released, 3 modified(failed, undeliverable)
        receiver source "detach-me"   -> attaches, then detaches with amqp:not-found
        sender target "$cbs"          -> put-token requests: status-code 200 when the token starts
                                         with "SharedAccessSignature ", else 401, sent on the
                                         receiver link from "$cbs" whose target is the reply-to
        receiver source "report"      -> one message whose body (string) sums up what the
                                         broker saw on this connection
  broker.py client PORT N USER PASSWORD
      A proton client against a hubwire server: SASL PLAIN, sends N messages to "in"
      (outcomes counted), receives N from "out" (each accepted); prints a summary.
"""
import sys

from proton import Condition, Message, int32, symbol
from proton.handlers import MessagingHandler
from proton.reactor import Container


class Broker(MessagingHandler):
    def __init__(self, port, max_frame, idle):
        super().__init__(prefetch=0, auto_accept=False, auto_settle=True)
        self.port = port
        self.max_frame = max_frame
        self.idle = idle
        # one connection per test, so one set of figures
        self.stats = {"dispositions": [], "sink": [], "sizes": []}

    def on_start(self, event):
        event.container.listen("127.0.0.1:%d" % self.port)

    def on_connection_bound(self, event):
        if self.max_frame:
            event.transport.max_frame_size = self.max_frame
        if self.idle:
            event.transport.idle_timeout = self.idle

    def st(self, conn):
        return self.stats

    def on_link_opening(self, event):
        link = event.link
        if link.is_sender:
            addr = link.remote_source.address or ""
            link.source.address = addr
            link.target.copy(link.remote_target)
            link.open()
            link.sent = link.total = link.size = 0
            if addr == "detach-me":
                link.detach_me = True  # refused once our credit arrives (on_sendable)
            else:
                link.sent = 0
                parts = addr.split("/")
                link.total = int(parts[1]) if parts[0] == "gen" else (1 if addr == "report" else 0)
                link.size = int(parts[2]) if parts[0] == "gen" else 0
        else:
            link.target.address = link.remote_target.address
            link.source.copy(link.remote_source)
            link.open()
            link.flow(10)

    def put_token(self, conn, m):
        props = m.properties or {}
        token = m.body if isinstance(m.body, str) else ""
        ok = props.get("operation") == "put-token" and token.startswith("SharedAccessSignature ")
        self.stats.setdefault("cbs", []).append("%s|%s|%s" % (props.get("name"), props.get("type"), token[:21]))
        reply = Message(correlation_id=m.id, body=None,
                        properties={"status-code": int32(200 if ok else 401),
                                    "status-description": "OK" if ok else "unauthorized"})
        link = conn.link_head(0)
        while link:
            if link.is_sender and link.source.address == "$cbs" and (not m.reply_to or link.target.address == m.reply_to):
                link.send(reply)
                return
            link = link.next(0)

    def on_sendable(self, event):
        link = event.link
        conn = event.connection
        if link.source.address == "detach-me":
            link.condition = Condition("amqp:not-found", "no such node")
            link.close()
            return
        while link.credit > 0 and link.sent < link.total:
            if link.source.address == "report":
                s = self.st(conn)
                body = "dispositions=%s;sink=%s;sizes=%s" % (",".join(s["dispositions"]), ",".join(s["sink"]),
                                                             ",".join(s["sizes"]))
                m = Message(body=body)
            else:
                body = bytes((link.sent * 7 + k) % 256 for k in range(link.size))
                m = Message(body=body, properties={"i": link.sent})
                m.inferred = True
            link.send(m)
            link.sent += 1

    def on_delivery(self, event):
        d = event.delivery
        link = event.link
        if link.is_sender:
            if d.remote_state:
                s = self.st(event.connection)
                name = {d.ACCEPTED: "accepted", d.REJECTED: "rejected", d.RELEASED: "released",
                        d.MODIFIED: "modified"}.get(d.remote_state, str(d.remote_state))
                if d.remote_state == d.REJECTED and d.remote.condition:
                    name += ":" + d.remote.condition.name
                if d.remote_state == d.MODIFIED:
                    name += ":%s:%s" % (d.remote.failed, d.remote.undeliverable)
                s["dispositions"].append(name)
            return
        if not d.readable or d.partial:
            return
        raw = link.recv(d.pending)
        m = Message()
        m.decode(raw)
        link.advance()
        if link.target.address == "$cbs":
            d.update(d.ACCEPTED)
            d.settle()
            self.put_token(event.connection, m)
            if link.credit < 5:
                link.flow(10)
            return
        s = self.st(event.connection)
        i = int(m.properties.get("i", 0)) if m.properties else 0
        body = m.body if isinstance(m.body, (bytes, bytearray)) else bytes(str(m.body), "utf-8")
        s["sink"].append(str(i))
        s["sizes"].append(str(len(body)))
        if i % 4 == 0:
            d.update(d.ACCEPTED)
        elif i % 4 == 1:
            d.local.condition = Condition("amqp:precondition-failed", "odd one")
            d.update(d.REJECTED)
        elif i % 4 == 2:
            d.update(d.RELEASED)
        else:
            d.local.failed = True
            d.local.undeliverable = True
            d.update(d.MODIFIED)
        d.settle()
        if link.credit < 5:
            link.flow(10)


class Client(MessagingHandler):
    def __init__(self, port, n, user, password):
        super().__init__(prefetch=0, auto_accept=False)
        self.url = "amqp://127.0.0.1:%d" % port
        self.n = n
        self.user = user
        self.password = password
        self.sent = 0
        self.outcomes = {}
        self.received = []

    def on_start(self, event):
        c = event.container
        conn = c.connect(self.url, user=self.user, password=self.password, allowed_mechs="PLAIN",
                         allow_insecure_mechs=True)
        self.sender = c.create_sender(conn, "in")
        self.receiver = c.create_receiver(conn, "out")
        self.receiver.flow(self.n)

    def on_sendable(self, event):
        while event.sender.credit > 0 and self.sent < self.n:
            m = Message(body=("message %d" % self.sent).encode(), properties={"i": self.sent})
            m.inferred = True
            event.sender.send(m)
            self.sent += 1

    def on_settled(self, event):
        d = event.delivery
        name = {d.ACCEPTED: "accepted", d.REJECTED: "rejected", d.RELEASED: "released"}.get(d.remote_state, "other")
        self.outcomes[name] = self.outcomes.get(name, 0) + 1
        self.check_done(event)

    def on_message(self, event):
        body = event.message.body
        self.received.append(body.decode() if isinstance(body, (bytes, bytearray)) else str(body))
        self.accept(event.delivery)
        self.check_done(event)

    def check_done(self, event):
        if sum(self.outcomes.values()) == self.n and len(self.received) == self.n:
            event.connection.close()

    def on_transport_error(self, event):
        print("transport error", event.transport.condition)
        sys.stdout.flush()


def main():
    if sys.argv[1] == "client":
        port, n, user, password = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
        h = Client(port, n, user, password)
        Container(h).run()
        ok = all(h.received[k] == "out %d" % k for k in range(len(h.received)))
        print("sent=%d received=%d in_order=%s outcomes=%s" % (
            h.sent, len(h.received), ok, ",".join("%s:%d" % kv for kv in sorted(h.outcomes.items()))))
        return
    port = int(sys.argv[1])
    max_frame = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    idle = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    c = Container(Broker(port, max_frame, idle))
    c.allowed_mechs = "ANONYMOUS"
    c.run()


if __name__ == "__main__":
    main()
