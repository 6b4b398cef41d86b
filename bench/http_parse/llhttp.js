// The same responses through Node's HTTP parser (llhttp, via node's internal
// HTTPParser binding), printing nanoseconds per message. Usage: node llhttp.js N
const { HTTPParser } = require('_http_common');
const n = Number(process.argv[2]);
const msgs = [
  Buffer.from('HTTP/1.1 200 OK\r\nETag: "3a4d2c3e-3e4e-4c24-a1a5-8f42f7dd4b2e"\r\niothub-messageid: 1234\r\n' +
    'iothub-correlationid: c-1\r\niothub-sequencenumber: 7\r\niothub-to: /devices/sensor1/messages/deviceBound\r\n' +
    'iothub-expiry: 2019-12-09T12:10:00.0000000Z\r\niothub-enqueuedtime: 2019-12-09T12:00:00.0000000Z\r\n' +
    'iothub-deliverycount: 0\r\niothub-userid: user\r\nContentType: application/json\r\n' +
    'iothub-app-temperature: 21\r\nContent-Length: 24\r\n\r\n{"command":"reboot"}1234'),
  Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\n\r\n'),
];
let body = 0;
const p = new HTTPParser();
p[HTTPParser.kOnBody] = (b) => { body += b.length; };
p[HTTPParser.kOnHeadersComplete] = () => 0;
p[HTTPParser.kOnMessageComplete] = () => {};
for (const warm of [true, false]) {
  const count = warm ? Math.min(n, 10000) : n;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; ++i) {
    const m = msgs[i & 1];
    p.initialize(HTTPParser.RESPONSE, {});
    p.execute(m);
  }
  const t1 = process.hrtime.bigint();
  if (!warm) console.log(Number(t1 - t0) / count);
}
