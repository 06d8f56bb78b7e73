'use strict';
// The peer: a WebSocket server on Node's `ws`, authenticating in the HTTP upgrade handler with `jsonwebtoken`
// (HS256 token in the `access_token` query parameter) after an Origin allow-list check, the way the popular guides
// teach it. Same contract as the .NET servers of WsAuth.LoadTest: listens on 127.0.0.1 with an OS-assigned port,
// prints "READY <url>", echoes messages on /ws, answers GET /plain and GET /__bench/memory, and exits when its
// standard input closes.
const crypto = require('node:crypto');
const http = require('node:http');
const { WebSocketServer } = require('ws');
const jwt = require('jsonwebtoken');

const secretBytes = Buffer.from(process.env.WSAUTH_BENCH_JWT_SECRET || '', 'base64');
const issuer = process.env.WSAUTH_BENCH_JWT_ISSUER || 'wsauth-bench';
const audience = process.env.WSAUTH_BENCH_JWT_AUDIENCE || 'wsauth-bench';
const allowedOrigins = new Set((process.env.WSAUTH_BENCH_ORIGINS || 'https://app.bench.example').split(','));
if (secretBytes.length < 32) {
  console.error('WSAUTH_BENCH_JWT_SECRET must be a base64 key of at least 32 bytes');
  process.exit(2);
}

// The key is made a KeyObject once. The guides pass the secret as a string or Buffer, which jsonwebtoken 9 turns
// into a KeyObject on every verify: about 60 times slower per token with Node 20 (WSAUTH_BENCH_NODE_SECRET=raw
// measures that form). The peer gets the faster form, so that WsAuth is compared with a well-tuned peer.
const secret = process.env.WSAUTH_BENCH_NODE_SECRET === 'raw' ? secretBytes : crypto.createSecretKey(secretBytes);

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/plain') {
    res.writeHead(200, { 'Content-Length': 2 });
    res.end('ok');
  } else if (req.method === 'GET' && req.url === '/__bench/memory') {
    if (global.gc) {
      global.gc();
    }
    const memory = process.memoryUsage();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ workingSet: memory.rss, managed: memory.heapUsed }));
  } else {
    res.writeHead(404);
    res.end();
  }
});

const wss = new WebSocketServer({ noServer: true });

function reject(socket, status, text) {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

server.on('upgrade', (req, socket, head) => {
  socket.on('error', () => {});
  if (!allowedOrigins.has(req.headers.origin)) {
    reject(socket, 403, 'Forbidden');
    return;
  }

  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/ws') {
    reject(socket, 404, 'Not Found');
    return;
  }

  let user;
  try {
    user = jwt.verify(url.searchParams.get('access_token') || '', secret, { algorithms: ['HS256'], issuer, audience });
  } catch {
    reject(socket, 401, 'Unauthorized');
    return;
  }

  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.user = user;
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`READY http://127.0.0.1:${port}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
