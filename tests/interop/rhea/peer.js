// The interop.rhea peer: an AMQP 1.0 server made with rhea (the library the Node IoT SDK's
// AMQP transport is built on; nobody here wrote it), on 127.0.0.1. Its SASL layer offers
// PLAIN only and accepts exactly one user name and password, as IoT Hub accepts
// "{device}@sas.{hub}" with a SAS token. Clients that skip SASL are refused (rhea's
// sasl.Server, not its Selective transport, when ANONYMOUS is not enabled).
//  - a client's receiver link gets COUNT messages: data section "c2d <i>", application
//    property i (an int);
//  - a client's sender link gets credit; each message is accepted (rhea's autoaccept).
// What rhea saw is printed one event per line to stdout (the test's log file):
//   sasl user=<authcid> ok=<bool>       every PLAIN attempt, as rhea's callback saw it
//   open user=<authcid> host=<hostname> a connection that passed SASL opened
//   sent <i> / accepted <i> / rejected <i> / released <i> / modified <i>   outgoing deliveries
//   received i=<i> body=<text>          incoming messages (rhea accepts them)
//   error <event> <text>                protocol or connection errors, or the client's end/close error
// Usage: node peer.js PORT USER PASSWORD COUNT [eager]
'use strict';
const rhea = require('rhea');

const [port, user, password, count, mode] = process.argv.slice(2);
const total = Number(count);
const eager = mode === 'eager';

const container = rhea.create_container({ id: 'rhea-peer' });
container.sasl_server_mechanisms.enable_plain((username, pass) => {
  const ok = username === user && pass === password;
  console.log(`sasl user=${username} ok=${ok}`);
  return ok;
});

container.on('connection_open', (context) => {
  const c = context.connection;
  console.log(`open user=${c.sasl_transport ? c.sasl_transport.username : ''} host=${c.remote.open.hostname}`);
});

// The client's receiver: our sender. Each delivery carries its index as the tag.
// rhea 3.0.5 writes a session's queued transfers before its links' attaches (Session
// _process: outgoing.process() runs before each link's _process()), and it reports the
// link sendable as soon as the client's flow arrives. A client that pipelines attach and
// flow (hubwire does; so does proton) then gets transfers on a handle rhea has not attached
// yet, and rightly ends the session with amqp:session:unattached-handle. So the peer sends
// from setImmediate: after the process.nextTick in which rhea writes the attach. With
// MODE "eager" it sends at once, to show the engine's answer to that ordering.
container.on('sender_open', (context) => {
  const s = context.sender;
  let sent = 0;
  let scheduled = false;
  const pump = () => {
    scheduled = false;
    while (s.sendable() && sent < total) {
      const i = sent++;
      s.send({ body: rhea.message.data_section(Buffer.from(`c2d ${i}`)), application_properties: { i: rhea.types.wrap_int(i) } },
             Buffer.from([i]));
      console.log(`sent ${i}`);
    }
  };
  s.on('sendable', () => {
    if (eager) return pump();
    if (!scheduled) {
      scheduled = true;
      setImmediate(pump);
    }
  });
});
for (const outcome of ['accepted', 'rejected', 'released', 'modified']) {
  container.on(outcome, (context) => console.log(`${outcome} ${context.delivery.tag[0]}`));
}

container.on('message', (context) => {
  const m = context.message;
  const body = m.body && m.body.typecode === 0x75 ? m.body.content.toString() : String(m.body);
  console.log(`received i=${m.application_properties ? m.application_properties.i : ''} body=${body}`);
});

for (const ev of ['protocol_error', 'error', 'connection_error']) {
  container.on(ev, (context) => {
    const e = context && context.error !== undefined ? context.error : context;
    console.log(`error ${ev} ${e && e.message ? e.message : JSON.stringify(e)}`);
  });
}
// The test's port probe and a refused client just disconnect; nothing to report.
container.on('disconnected', () => {});

const server = container.listen({ port: Number(port), host: '127.0.0.1' });
server.on('listening', () => console.log(`listening ${port}`));
process.on('SIGTERM', () => process.exit(0));
