// The interop.ws peer: a WebSocket server made with Node's ws package (nobody here wrote
// it), over plain HTTP and over HTTPS, on 127.0.0.1. It selects the "mqtt" subprotocol
// as IoT Hub does, and routes by path:
//   /$iothub/websocket  bridges the connection to a TCP port of a mosquitto broker, with Pings
//   /ping               sends a Ping, and reports the Pong's payload back in a binary message
//   /close              sends one binary message, then closes with 4000 "server says bye"
// Events are printed one per line to stdout (the test's log file) for the test to check.
// Usage: node peer.js WS_PORT WSS_PORT BROKER_PORT CERT_PEM KEY_PEM
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');
const net = require('net');
const { WebSocketServer } = require('ws');

const [wsPort, wssPort, brokerPort, certFile, keyFile] = process.argv.slice(2);

// Also pings after every client message, so Pongs have to find their way between the
// client's own frames; the counts are printed when the connection closes.
function bridge(ws, scheme) {
  const tcp = net.connect(Number(brokerPort), '127.0.0.1');
  let pings = 0;
  let pongs = 0;
  ws.on('pong', () => ++pongs);
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return ws.close(1003, 'binary only');
    tcp.write(data);
    ws.ping(Buffer.from(`p${++pings}`));
  });
  tcp.on('data', (chunk) => ws.send(chunk, { binary: true }));
  tcp.on('error', (e) => console.log(`${scheme} broker error ${e.message}`));
  tcp.on('close', () => ws.close(1000, 'broker closed'));
  ws.on('close', (code) => {
    console.log(`${scheme} bridge closed ${code} pings=${pings} pongs=${pongs}`);
    tcp.destroy();
  });
}

function pingTest(ws, scheme) {
  ws.on('pong', (data) => {
    console.log(`${scheme} pong ${data.toString()}`);
    ws.send(Buffer.concat([Buffer.from('pong:'), data]), { binary: true });
  });
  ws.ping(Buffer.from('are you there?'));
}

function closeTest(ws, scheme) {
  ws.on('close', (code, reason) => console.log(`${scheme} close-handshake ${code} ${reason.toString()}`));
  ws.send(Buffer.from('last words'), { binary: true });
  ws.close(4000, 'server says bye');
}

function serve(server, scheme, port) {
  const wss = new WebSocketServer({
    server,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  wss.on('connection', (ws, req) => {
    console.log(`${scheme} connection ${req.url} protocol=${ws.protocol}`);
    ws.on('error', (e) => console.log(`${scheme} error ${e.message}`));
    if (req.url === '/$iothub/websocket') bridge(ws, scheme);
    else if (req.url === '/ping') pingTest(ws, scheme);
    else if (req.url === '/close') closeTest(ws, scheme);
    else ws.close(1008, 'unknown path');
  });
  server.listen(Number(port), '127.0.0.1', () => console.log(`${scheme} listening ${port}`));
}

serve(http.createServer(), 'ws', wsPort);
serve(https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }), 'wss', wssPort);
process.on('SIGTERM', () => process.exit(0));
