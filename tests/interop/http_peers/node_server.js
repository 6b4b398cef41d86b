// A Node.js http server (Node's own HTTP/1.1 implementation frames every response):
// fixed-length, chunked (several writes, with a trailer), 204, and a HEAD answer.
// Usage: node node_server.js PORT
const http = require('http');
const port = Number(process.argv[2]);
http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    if (req.url === '/fixed') {
      res.setHeader('ETag', '"lock-1"');
      res.setHeader('iothub-app-k', 'v');
      res.setHeader('Content-Length', 5);
      res.end('fixed');
    } else if (req.url === '/chunked') {
      res.setHeader('Trailer', 'X-Checksum');
      res.write('Wiki');
      res.write('pedia ');
      res.write('in \r\n\r\nchunks.');
      res.addTrailers({ 'X-Checksum': 'abc' });
      res.end();
    } else if (req.url === '/empty') {
      res.statusCode = 204;
      res.end();
    } else if (req.url === '/echo') {
      res.setHeader('Content-Type', 'text/plain');
      res.end(req.method + ' ' + body);
    } else {
      res.statusCode = 404;
      res.end('no');
    }
  });
}).listen(port, '127.0.0.1');
