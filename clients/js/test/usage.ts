// Compiled (never run) by package.test.js: what docs/js-client.md shows a TypeScript user writing type-checks against
// the generated declarations, and misuse does not.
import { CloseCodes, WsAuthSocket, connect, tokenProtocols, type TokenSource, type WsAuthSocketOptions } from '../dist/index.js';

const token: TokenSource = async ({ reason }) => (reason === 'unauthorized' ? { token: 'fresh', expiresAt: Date.now() + 60_000 } : 'cached');
const options: WsAuthSocketOptions = { method: 'first-message', token, reconnect: { maxDelay: 10_000 } };
const socket = new WsAuthSocket('/ws', options);
socket.addEventListener('close', (e) => {
  const stopped: boolean = !e.willReconnect;
  const code: number = e.code;
  const why: string | undefined = e.error?.code;
  void [stopped, code, why, e.retryIn];
});
socket.addEventListener('error', (e) => void e.error.retryable);
socket.addEventListener('refreshed', (e) => void e.expiresAt?.getTime());
socket.onmessage = (e) => void e.data;
const state: 0 | 1 | 2 | 3 = socket.readyState;
const unauthorized: 4401 = CloseCodes.UNAUTHORIZED;
const entries: string[] = tokenProtocols('jwt', ['chat.v1'], 'kubernetes');
void [state, unauthorized, entries, connect('/ws', { method: 'cookie' })];

// @ts-expect-error bearer is not a browser method
void new WsAuthSocket('/ws', { method: 'bearer' });
// @ts-expect-error close events carry no data
void socket.addEventListener('close', (e) => e.data);

// The SignalR helper type-checks as @microsoft/signalr's accessTokenFactory.
import { HubConnectionBuilder, HttpTransportType } from '@microsoft/signalr';
import { ticketAccessTokenFactory } from '../dist/index.js';
const hub = new HubConnectionBuilder()
  .withUrl('/hubs/echo', { accessTokenFactory: ticketAccessTokenFactory(), transport: HttpTransportType.WebSockets })
  .withAutomaticReconnect()
  .build();
void hub;
// @ts-expect-error the ticket URL is a string or URL
void ticketAccessTokenFactory({ ticketUrl: 42 });
