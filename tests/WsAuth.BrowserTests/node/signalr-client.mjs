// The real @microsoft/signalr client in Node (SignalRInNodeTests): logs in to the sample, then connects to /hubs/echo
// with ticketAccessTokenFactory() of @wsauth/client (in Node, SignalR sends the ticket as Authorization: Bearer), and
// prints one JSON line per step. Usage: node signalr-client.mjs <repo root> <sample url> <origin> <scenario>
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [root, base, origin, scenario] = process.argv.slice(2);
const require = createRequire(path.join(root, 'clients', 'js', 'package.json'));
const signalR = require('@microsoft/signalr');
const { ticketAccessTokenFactory } = await import(pathToFileURL(path.join(root, 'clients', 'js', 'dist', 'index.js')).href);
const print = (step, value) => console.log(JSON.stringify({ step, ...value }));

const login = await fetch(`${base}/auth/login`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Origin: origin },
  body: JSON.stringify({ user: 'alice' }),
});
const cookie = login.headers.get('set-cookie').split(';')[0];
const tickets = [];
const fresh = ticketAccessTokenFactory({ ticketUrl: `${base}/ws/ticket`, ticketRequest: { headers: { Cookie: cookie, Origin: origin } } });
const factory = async () => { const ticket = await fresh(); tickets.push(ticket); return ticket; };

const build = (accessTokenFactory, headers) => new signalR.HubConnectionBuilder()
  .withUrl(`${base}/hubs/echo`, { accessTokenFactory, transport: signalR.HttpTransportType.WebSockets, headers })
  .configureLogging(signalR.LogLevel.None)
  .build();

const hub = build(factory, { Cookie: cookie, Origin: origin });
await hub.start();
print('whoami', await hub.invoke('WhoAmI'));
print('echo', { text: await hub.invoke('Echo', 'from node') });
await hub.stop();

if (scenario === 'replay') {
  const replay = build(() => tickets.at(-1), { Cookie: cookie, Origin: origin });
  try {
    await replay.start();
    print('replay', { outcome: 'open' });
    await replay.stop();
  } catch (error) {
    print('replay', { outcome: 'refused', status: error.statusCode ?? null, message: String(error.message).includes(tickets.at(-1)) ? 'ticket in message' : 'ok' });
  }

  const foreign = build(factory, { Cookie: cookie, Origin: 'http://evil.example' });
  try {
    await foreign.start();
    print('foreign', { outcome: 'open' });
    await foreign.stop();
  } catch {
    print('foreign', { outcome: 'refused' });
  }
}

print('tickets', { count: tickets.length, tickets });
