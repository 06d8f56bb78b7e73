// Clients for bench/heap-breakdown.sh (Node, the `ws` package of bench/node-peer):
//   node clients.mjs hold  <ws-url> <count>   opens <count> WebSockets, prints "OPEN <n> FAILED <m>", then holds them
//   node clients.mjs cycle <ws-url> <count>   after 2,000 warm-up cycles, makes <count> connect/close cycles (16 at a
//                                             time) and prints the server's allocated bytes per handshake, read from
//                                             the load test's /__bench/allocated before and after
//   node clients.mjs jwt                      prints an HS256 JWT for the bench servers (key: WSAUTH_BENCH_JWT_SECRET)
// With WSAUTH_HEAP_FIRST_MESSAGE_TOKEN set, `hold` and `cycle` authenticate each socket with a first message and wait
// for the acknowledgement.
import { createRequire } from 'node:module';
import { createHmac } from 'node:crypto';
import http from 'node:http';

const require = createRequire(import.meta.url);
const WebSocket = require('../node-peer/node_modules/ws');
const origin = 'https://app.bench.example'; // the bench servers' allowed Origin (Scenarios/Scenario.cs)
const [mode, url, countText] = process.argv.slice(2);
const count = Number(countText);
const firstMessageToken = process.env.WSAUTH_HEAP_FIRST_MESSAGE_TOKEN; // set by heap-breakdown.sh for first-message

if (mode === 'jwt') {
  const key = Buffer.from(process.env.WSAUTH_BENCH_JWT_SECRET ?? '', 'base64');
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = encode({ alg: 'HS256', typ: 'JWT' }) + '.'
    + encode({ sub: 'bench-user', iss: 'wsauth-bench', aud: 'wsauth-bench', iat: now, exp: now + 3600 });
  process.stdout.write(unsigned + '.' + createHmac('sha256', key).update(unsigned).digest('base64url'));
} else if (mode === 'hold') {
  let open = 0;
  let failed = 0;
  const sockets = [];
  // First-message sockets wait for their ack in batches under the bench server's per-address cap of waiting sockets (64).
  const batch = firstMessageToken ? 50 : 100;
  for (let i = 0; i < count; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => new Promise((resolve) => {
      const socket = new WebSocket(url, { origin });
      if (firstMessageToken) {
        // The first-message method: authenticate with the first message, counted open once acknowledged.
        socket.on('open', () => socket.send(JSON.stringify({ type: 'auth', token: firstMessageToken })));
        socket.once('message', () => { open++; sockets.push(socket); resolve(); });
      } else {
        socket.on('open', () => { open++; sockets.push(socket); resolve(); });
      }
      socket.on('error', () => { failed++; resolve(); });
    })));
  }
  console.log(`OPEN ${open} FAILED ${failed}`);
  setInterval(() => {}, 1 << 30); // held until the script kills this process
} else if (mode === 'cycle') {
  const base = url.replace(/^ws:/, 'http:').replace(/\/ws(\?.*)?$/, '');
  const allocated = () => new Promise((resolve, reject) => {
    http.get(base + '/__bench/allocated', (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve(JSON.parse(body).allocated));
    }).on('error', reject);
  });
  const once = () => new Promise((resolve) => {
    const socket = new WebSocket(url, { origin });
    if (firstMessageToken) {
      socket.on('open', () => socket.send(JSON.stringify({ type: 'auth', token: firstMessageToken })));
      socket.once('message', () => socket.close());
    } else {
      socket.on('open', () => socket.close());
    }
    socket.on('close', resolve);
    socket.on('error', resolve);
  });
  const cycles = async (total) => {
    let started = 0;
    await Promise.all(Array.from({ length: 16 }, async () => { while (started++ < total) await once(); }));
  };
  await cycles(2000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = await allocated();
  await cycles(count);
  await new Promise((resolve) => setTimeout(resolve, 500));
  console.log(`ALLOCATED ${Math.round((await allocated() - before) / count)} B per handshake`);
} else {
  console.error('usage: node clients.mjs hold|cycle <ws-url> <count> | jwt');
  process.exit(2);
}
