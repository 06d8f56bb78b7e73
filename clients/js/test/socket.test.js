import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { WsAuthSocket, connect, KUBERNETES_PREFIX } from '../dist/index.js';
import { FakeClock, fakeFetch, fakeWebSocketClass, flush, recordEvents } from '../testkit/fakes.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

/** A client on fakes: no network, no real timers. */
function setup(options = {}, { fetchAnswers = [{ status: 200, body: { ticket: 'T1', expiresIn: 30 } }], random = () => 0.5 } = {}) {
  const clock = new FakeClock();
  const { FakeWebSocket, sockets } = fakeWebSocketClass();
  const { fetch, calls } = fakeFetch(fetchAnswers);
  const client = new WsAuthSocket(options.url ?? 'ws://app.test/ws', {
    WebSocket: FakeWebSocket,
    fetch,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: () => clock.now,
    random,
    ...options,
  });
  const events = recordEvents(client);
  const types = () => events.map((e) => e.type);
  return { client, clock, sockets, fetchCalls: calls, events, types };
}

describe('connecting with each method', () => {
  test('cookie: the plain URL and only the app protocols; the browser sends the cookie', async () => {
    const { client, sockets, fetchCalls, types } = setup({ method: 'cookie', protocols: ['chat.v1'] });
    await flush();
    assert.equal(sockets.length, 1);
    assert.equal(sockets[0].url, 'ws://app.test/ws');
    assert.deepEqual(sockets[0].protocols, ['chat.v1']);
    assert.equal(fetchCalls.length, 0);
    assert.equal(client.readyState, WsAuthSocket.CONNECTING);

    sockets[0].serverAccepts('chat.v1');
    assert.deepEqual(types(), ['open']);
    assert.equal(client.readyState, WsAuthSocket.OPEN);
    assert.equal(client.protocol, 'chat.v1');
  });

  test('ticket: POSTs to /ws/ticket on the socket origin with credentials, then opens ?ticket=', async () => {
    const { client, sockets, fetchCalls } = setup(
      { method: 'ticket', url: 'wss://api.example.com/ws?room=a%20b' },
      { fetchAnswers: [{ status: 200, body: { ticket: 'tk/+= 1', expiresIn: 30 } }] },
    );
    await flush();
    assert.equal(fetchCalls.length, 1);
    assert.equal(fetchCalls[0].input, 'https://api.example.com/ws/ticket');
    assert.equal(fetchCalls[0].init.method, 'POST');
    assert.equal(fetchCalls[0].init.credentials, 'include');
    assert.equal(fetchCalls[0].init.cache, 'no-store');

    const url = new URL(sockets[0].url);
    assert.equal(url.searchParams.get('ticket'), 'tk/+= 1');
    assert.equal(url.searchParams.get('room'), 'a b');
    assert.match(sockets[0].url, /ticket=tk%2F%2B%3D\+1/);
    assert.deepEqual(sockets[0].protocols, []);
    assert.equal(client.url, 'wss://api.example.com/ws?room=a%20b', 'the public url never shows the ticket');
  });

  test('ticket: a custom ticketUrl and extra request options (an antiforgery header)', async () => {
    const { fetchCalls } = setup({
      method: 'ticket',
      ticketUrl: '/api/ws-ticket',
      ticketRequest: async () => ({ headers: { 'X-CSRF': 'abc' } }),
    });
    await flush();
    assert.equal(fetchCalls[0].input, '/api/ws-ticket');
    assert.deepEqual(fetchCalls[0].init.headers, { 'X-CSRF': 'abc' });
    assert.equal(fetchCalls[0].init.method, 'POST');
  });

  test('ticket: every attempt gets a new ticket (tickets are single-use)', async () => {
    const { sockets, clock, fetchCalls } = setup(
      { method: 'ticket' },
      { fetchAnswers: [{ status: 200, body: { ticket: 'first' } }, { status: 200, body: { ticket: 'second' } }] },
    );
    await flush();
    sockets[0].refused();
    await clock.advance(60_000);
    assert.equal(fetchCalls.length, 2);
    assert.equal(new URL(sockets[1].url).searchParams.get('ticket'), 'second');
  });

  test('subprotocol, marker form: [app protocol, "access_token", token]', async () => {
    const { client, sockets } = setup({ method: 'subprotocol', token: JWT, protocols: ['chat.v1'] });
    await flush();
    assert.equal(sockets[0].url, 'ws://app.test/ws');
    assert.deepEqual(sockets[0].protocols, ['chat.v1', 'access_token', JWT]);
    sockets[0].serverAccepts('chat.v1');
    assert.equal(client.protocol, 'chat.v1');
  });

  test('subprotocol, Kubernetes form: unpadded base64url of a non-ASCII token', async () => {
    const token = 'jéton✓';
    const { sockets } = setup({ method: 'subprotocol', token: () => token, tokenProtocol: 'kubernetes', protocols: ['chat.v1'] });
    await flush();
    assert.equal(sockets[0].protocols.length, 2);
    assert.equal(sockets[0].protocols[0], 'chat.v1');
    const entry = sockets[0].protocols[1];
    assert.ok(entry.startsWith(KUBERNETES_PREFIX));
    assert.match(entry, /^[A-Za-z0-9._-]+$/);
    assert.doesNotMatch(entry, /=/);
    assert.equal(Buffer.from(entry.slice(KUBERNETES_PREFIX.length), 'base64url').toString('utf8'), token);
  });

  test('subprotocol: a token that cannot be a protocol entry stops with a clear error and no socket', async () => {
    const { sockets, events, client } = setup({ method: 'subprotocol', token: 'has space' });
    await flush();
    assert.equal(sockets.length, 0);
    const error = events.find((e) => e.type === 'error').error;
    assert.equal(error.code, 'token_not_protocol_safe');
    const close = events.find((e) => e.type === 'close');
    assert.equal(close.willReconnect, false);
    assert.equal(client.readyState, WsAuthSocket.CLOSED);
  });

  test('first message: sends {"type":"auth","token"} on open, opens only on wsauth.authenticated', async () => {
    const { client, sockets, types } = setup({ method: 'first-message', token: JWT });
    await flush();
    assert.equal(sockets[0].url, 'ws://app.test/ws');
    assert.deepEqual(sockets[0].protocols, []);

    sockets[0].serverAccepts();
    assert.deepEqual(sockets[0].sent.map((m) => JSON.parse(m)), [{ type: 'auth', token: JWT }]);
    assert.equal(client.readyState, WsAuthSocket.CONNECTING);
    assert.deepEqual(types(), []);

    sockets[0].serverSends('{"type":"wsauth.authenticated","expiresAt":null}');
    assert.deepEqual(types(), ['open']);
    assert.equal(client.readyState, WsAuthSocket.OPEN);
  });

  test('first message: no acknowledgement within authTimeout closes and retries', async () => {
    const { sockets, clock, events } = setup({ method: 'first-message', token: JWT, authTimeout: 3000 });
    await flush();
    sockets[0].serverAccepts();
    await clock.advance(3000);
    assert.equal(events.find((e) => e.type === 'error').error.code, 'auth_timeout');
    assert.equal(sockets[0].closedByClient.code, 1000);
    sockets[0].closeCompletes();
    await clock.advance(60_000);
    assert.equal(sockets.length, 2);
  });

  test('first message with waitForAuthenticated: false opens right after sending', async () => {
    const { sockets, types } = setup({ method: 'first-message', token: JWT, waitForAuthenticated: false });
    await flush();
    sockets[0].serverAccepts();
    assert.equal(sockets[0].sent.length, 1);
    assert.deepEqual(types(), ['open']);
  });

  test('relative URLs need a base outside a browser; bearer is not a browser method', () => {
    const { FakeWebSocket } = fakeWebSocketClass();
    assert.throws(() => new WsAuthSocket('/ws', { method: 'cookie', WebSocket: FakeWebSocket }), SyntaxError);
    assert.throws(() => new WsAuthSocket('ws://a/ws', { method: 'bearer', WebSocket: FakeWebSocket }), /Unknown method/);
    assert.throws(() => new WsAuthSocket('ws://a/ws', { method: 'subprotocol', WebSocket: FakeWebSocket }), /needs a token/);
    assert.throws(() => new WsAuthSocket('ws://a/ws', { method: 'subprotocol', token: 't', protocols: ['access_token'], WebSocket: FakeWebSocket }), /collides/);
    assert.throws(() => new WsAuthSocket('ws://a/ws', { method: 'subprotocol', token: 't', tokenProtocol: 'kubernetes', WebSocket: FakeWebSocket }), /needs at least one app protocol/);
    const client = new WsAuthSocket('/ws', { method: 'cookie', baseUrl: 'https://app.test/page', WebSocket: FakeWebSocket });
    assert.equal(client.url, 'wss://app.test/ws');
    client.close();
  });
});

describe('control messages', () => {
  test('wsauth.* messages never reach the app; application messages do, in order', async () => {
    const { sockets, events } = setup({ method: 'first-message', token: JWT });
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverSends('{"type":"wsauth.authenticated","expiresAt":"2030-01-01T00:00:00Z"}');
    sockets[0].serverSends('{"type":"welcome","user":"alice","method":"first-message"}');
    sockets[0].serverSends('{"type":"wsauth.refreshed","expiresAt":"2030-01-01T01:00:00Z"}');
    sockets[0].serverSends('{"type":"wsauth.expiring","expiresAt":"2030-01-01T01:00:00Z"}');
    sockets[0].serverSends('{"type":"wsauth.something-new"}');
    sockets[0].serverSends('plain text');
    const binary = new Uint8Array([1, 2, 3]);
    sockets[0].serverSends(binary);

    const messages = events.filter((e) => e.type === 'message').map((e) => e.data);
    assert.deepEqual(messages, ['{"type":"welcome","user":"alice","method":"first-message"}', 'plain text', binary]);
    assert.deepEqual(events.filter((e) => e.type === 'refreshed' || e.type === 'expiring').map((e) => e.type), ['refreshed', 'expiring']);
  });

  test('application data before the acknowledgement stops: the server did not take the first message as auth', async () => {
    // E.g. a cookie authenticated the handshake and the endpoint greeted the socket: the client must not pretend
    // the token authenticated it, and retrying would do the same.
    const { sockets, clock, events, client } = setup({ method: 'first-message', token: JWT });
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverSends('{"type":"welcome","user":"alice","method":"cookie"}');
    assert.equal(events.filter((e) => e.type === 'message').length, 0);
    assert.equal(events.find((e) => e.type === 'error').error.code, 'not_acknowledged');
    assert.equal(sockets[0].closedByClient.code, 1000);
    sockets[0].closeCompletes();
    const close = events.find((e) => e.type === 'close');
    assert.equal(close.willReconnect, false);
    assert.equal(close.error.code, 'not_acknowledged');
    assert.equal(client.readyState, WsAuthSocket.CLOSED);
    await clock.advance(600_000);
    assert.equal(sockets.length, 1);
  });

  test('send works only while open', async () => {
    const { client, sockets } = setup({ method: 'cookie' });
    assert.throws(() => client.send('x'), { name: 'InvalidStateError' });
    await flush();
    sockets[0].serverAccepts();
    client.send('hello');
    assert.deepEqual(sockets[0].sent, ['hello']);
  });
});

describe('reconnecting', () => {
  test('a dropped connection reconnects after a jittered, growing, capped delay', async () => {
    const { sockets, clock, events } = setup(
      { method: 'cookie', reconnect: { initialDelay: 100, maxDelay: 1000, factor: 2 } },
      { random: () => 0 },
    );
    await flush();
    const delays = [];
    for (let i = 0; i < 7; i++) {
      sockets.at(-1).refused();
      const close = events.filter((e) => e.type === 'close').at(-1);
      assert.equal(close.willReconnect, true);
      assert.equal(close.code, 1006);
      delays.push(close.retryIn);
      await clock.advance(close.retryIn - 1);
      assert.equal(sockets.length, i + 1, 'not before the delay');
      await clock.advance(1);
      assert.equal(sockets.length, i + 2, 'right at the delay');
    }

    assert.deepEqual(delays, [50, 100, 200, 400, 500, 500, 500]);
  });

  test('the jitter spreads clients between half the ceiling and the ceiling', async () => {
    const seen = [];
    for (const r of [0, 0.5, 0.99]) {
      const { sockets, events } = setup({ method: 'cookie' }, { random: () => r });
      await flush();
      sockets[0].serverCloses(1001);
      seen.push(events.find((e) => e.type === 'close').retryIn);
    }

    assert.deepEqual(seen, [500, 750, 995]);
  });

  test('a connection that stayed open resets the backoff; one that flaps does not', async () => {
    const { sockets, clock, events } = setup({ method: 'cookie', reconnect: { stableAfter: 5000 } }, { random: () => 1 });
    await flush();
    const lastDelay = () => events.filter((e) => e.type === 'close').at(-1).retryIn;

    sockets[0].refused();
    assert.equal(lastDelay(), 1000);
    await clock.advance(1000);
    sockets[1].serverAccepts();
    await clock.advance(100);
    sockets[1].serverCloses(1006); // flapped: open for 100 ms
    assert.equal(lastDelay(), 2000);
    await clock.advance(2000);
    sockets[2].serverAccepts();
    await clock.advance(5000);
    sockets[2].serverCloses(1001); // stable: open for 5 s
    assert.equal(lastDelay(), 1000);
  });

  test('maxAttempts gives up; reconnect: false never reconnects', async () => {
    const limited = setup({ method: 'cookie', reconnect: { maxAttempts: 2 } });
    await flush();
    for (let i = 0; i < 3; i++) {
      limited.sockets.at(-1).refused();
      await limited.clock.advance(60_000);
    }

    assert.equal(limited.sockets.length, 3);
    assert.equal(limited.events.filter((e) => e.type === 'close').at(-1).willReconnect, false);
    assert.equal(limited.client.readyState, WsAuthSocket.CLOSED);

    const never = setup({ method: 'cookie', reconnect: false });
    await flush();
    never.sockets[0].serverCloses(1001);
    await never.clock.advance(600_000);
    assert.equal(never.sockets.length, 1);
    assert.equal(never.clock.pending.length, 0);
  });

  test('4401 gets a fresh token (reason "unauthorized") and reconnects with it', async () => {
    const reasons = [];
    let n = 0;
    const { sockets, clock, events } = setup({
      method: 'subprotocol',
      token: ({ reason }) => {
        reasons.push(reason);
        return { token: `token${++n}`, expiresAt: null };
      },
    });
    await flush();
    sockets[0].serverAccepts();
    await clock.advance(10_000);
    sockets[0].serverCloses(4401, 'expired');

    const close = events.filter((e) => e.type === 'close').at(-1);
    assert.equal(close.code, 4401);
    assert.equal(close.reason, 'expired');
    assert.equal(close.willReconnect, true);
    assert.ok(close.retryIn >= 500 && close.retryIn <= 1000, String(close.retryIn));
    await clock.advance(close.retryIn);
    assert.deepEqual(reasons, ['connect', 'unauthorized']);
    assert.deepEqual(sockets[1].protocols, ['access_token', 'token2']);
  });

  test('after a 4401, attempts keep asking for a fresh token until a connection opens', async () => {
    const reasons = [];
    const { sockets, clock } = setup({ method: 'subprotocol', token: ({ reason }) => (reasons.push(reason), 't') });
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverCloses(4401, 'expired');
    await clock.advance(1000);
    sockets[1].refused(); // the network failed too
    await clock.advance(2000);
    sockets[2].serverAccepts();
    sockets[2].serverCloses(1001);
    await clock.advance(4000);
    assert.deepEqual(reasons, ['connect', 'unauthorized', 'unauthorized', 'reconnect']);
  });

  test('4401 with the ticket method fetches a new ticket before reconnecting', async () => {
    const { sockets, clock, fetchCalls } = setup(
      { method: 'ticket' },
      { fetchAnswers: [{ status: 200, body: { ticket: 'one' } }, { status: 200, body: { ticket: 'two' } }] },
    );
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverCloses(4401, 'expired');
    await clock.advance(1000);
    assert.equal(fetchCalls.length, 2);
    assert.equal(new URL(sockets[1].url).searchParams.get('ticket'), 'two');
  });

  test('fresh credentials refused again and again stop after maxAuthFailures', async () => {
    const { sockets, clock, events, client } = setup({ method: 'first-message', token: () => 'bad', maxAuthFailures: 2 });
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverCloses(4401);
    await clock.advance(60_000);
    sockets[1].serverAccepts();
    sockets[1].serverCloses(4401);
    await clock.advance(600_000);
    assert.equal(sockets.length, 2);
    assert.equal(client.readyState, WsAuthSocket.CLOSED);
    assert.equal(events.filter((e) => e.type === 'error').at(-1).error.code, 'unauthorized');
    assert.equal(events.filter((e) => e.type === 'close').at(-1).willReconnect, false);
  });

  test('by default, three fresh credentials refused in a row stop the socket (docs: maxAuthFailures 3)', async () => {
    const { sockets, clock, client } = setup({ method: 'first-message', token: () => 'bad' });
    await flush();
    for (let i = 0; i < 3; i++) {
      sockets[i].serverAccepts();
      sockets[i].serverCloses(4401);
      await clock.advance(600_000);
    }

    assert.equal(sockets.length, 3);
    assert.equal(client.readyState, WsAuthSocket.CLOSED);
  });

  test('1008 (the server sends it for every rejection when configured) is treated like 4401', async () => {
    const reasons = [];
    const { sockets, clock } = setup({ method: 'first-message', token: ({ reason }) => (reasons.push(reason), 't') });
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverCloses(1008);
    await clock.advance(1000);
    assert.deepEqual(reasons, ['connect', 'unauthorized']);
  });

  for (const code of [4403, 4400]) {
    test(`${code} stops for good: no reconnect, no timer left`, async () => {
      const { sockets, clock, events, client } = setup({ method: 'subprotocol', token: JWT });
      await flush();
      sockets[0].serverAccepts();
      sockets[0].serverCloses(code, 'nope');
      const close = events.filter((e) => e.type === 'close').at(-1);
      assert.equal(close.code, code);
      assert.equal(close.willReconnect, false);
      assert.equal(client.readyState, WsAuthSocket.CLOSED);
      assert.equal(clock.pending.length, 0);
      await clock.advance(600_000);
      assert.equal(sockets.length, 1);
    });
  }

  test('4408 (first-message deadline missed) reconnects', async () => {
    const { sockets, clock } = setup({ method: 'first-message', token: JWT });
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverCloses(4408);
    await clock.advance(1000);
    assert.equal(sockets.length, 2);
  });

  test('4429 (too many) waits as long as the backoff ever does', async () => {
    const { sockets, events } = setup({ method: 'cookie', reconnect: { initialDelay: 1000, maxDelay: 20_000 } }, { random: () => 0 });
    await flush();
    sockets[0].serverCloses(4429);
    assert.equal(events.filter((e) => e.type === 'close').at(-1).retryIn, 10_000);
  });

  test('close() stops: pending reconnect cancelled, late ticket ignored', async () => {
    const first = setup({ method: 'cookie' });
    await flush();
    first.sockets[0].serverCloses(1001);
    assert.equal(first.clock.pending.length, 1);
    first.client.close();
    assert.equal(first.clock.pending.length, 0);
    await flush();
    assert.equal(first.events.filter((e) => e.type === 'close').at(-1).willReconnect, false);
    assert.equal(first.client.readyState, WsAuthSocket.CLOSED);

    const second = setup({ method: 'ticket' });
    second.client.close(); // before the ticket arrives
    await flush();
    assert.equal(second.sockets.length, 0);
  });

  test('close() on an open socket closes it with the code and reason, and does not reconnect', async () => {
    const { client, sockets, clock, events } = setup({ method: 'cookie' });
    await flush();
    sockets[0].serverAccepts();
    client.close(4000, 'bye');
    assert.equal(client.readyState, WsAuthSocket.CLOSING);
    assert.deepEqual(sockets[0].closedByClient, { code: 4000, reason: 'bye' });
    sockets[0].closeCompletes();
    assert.equal(client.readyState, WsAuthSocket.CLOSED);
    assert.equal(events.at(-1).willReconnect, false);
    await clock.advance(600_000);
    assert.equal(sockets.length, 1);
  });
});

describe('getting credentials', () => {
  test('ticket endpoint 401/403/404/501 stops (log in first, or no ticket endpoint); 503 retries', async () => {
    for (const status of [401, 403, 404, 501]) {
      const { sockets, events, clock } = setup({ method: 'ticket' }, { fetchAnswers: [{ status }] });
      await flush();
      await clock.advance(600_000);
      assert.equal(sockets.length, 0);
      const error = events.find((e) => e.type === 'error').error;
      assert.equal(error.code, 'ticket_refused');
      assert.equal(error.status, status);
      const close = events.find((e) => e.type === 'close');
      assert.equal(close.willReconnect, false);
      assert.equal(close.error, error);
    }

    const { sockets, events, clock } = setup(
      { method: 'ticket' },
      { fetchAnswers: [{ status: 503 }, { status: 200, body: { ticket: 'ok' } }] },
    );
    await flush();
    assert.equal(events.find((e) => e.type === 'close').willReconnect, true);
    await clock.advance(1000);
    assert.equal(new URL(sockets[0].url).searchParams.get('ticket'), 'ok');
  });

  test('a network failure of the ticket endpoint retries; a body without a ticket stops', async () => {
    const retried = setup({ method: 'ticket' }, { fetchAnswers: [new TypeError('fetch failed'), { status: 200, body: { ticket: 'ok' } }] });
    await flush();
    await retried.clock.advance(1000);
    assert.equal(retried.sockets.length, 1);

    const stopped = setup({ method: 'ticket' }, { fetchAnswers: [{ status: 200, body: { nope: 1 } }] });
    await flush();
    assert.equal(stopped.events.find((e) => e.type === 'error').error.code, 'ticket_invalid_response');
    assert.equal(stopped.client.readyState, WsAuthSocket.CLOSED);
  });

  test('a token source returning null stops (logged out); one that throws is retried', async () => {
    const stopped = setup({ method: 'first-message', token: () => null });
    await flush();
    assert.equal(stopped.events.find((e) => e.type === 'error').error.code, 'no_token');
    assert.equal(stopped.client.readyState, WsAuthSocket.CLOSED);

    let calls = 0;
    const retried = setup({
      method: 'first-message',
      token: async () => {
        if (++calls === 1) {
          throw new Error('token service down');
        }

        return JWT;
      },
    });
    await flush();
    assert.equal(retried.events.find((e) => e.type === 'error').error.code, 'token_unavailable');
    await retried.clock.advance(1000);
    assert.equal(retried.sockets.length, 1);
  });

  test('no error message or event ever contains the credential', async () => {
    const secret = 'SECRET-TOKEN-VALUE';
    const { sockets, clock, events } = setup(
      { method: 'ticket', token: () => secret },
      { fetchAnswers: [{ status: 200, body: { ticket: secret } }, { status: 401 }] },
    );
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverCloses(4401);
    await clock.advance(60_000);
    for (const event of events) {
      const text = JSON.stringify({ type: event.type, message: event.error?.message, reason: event.reason });
      assert.ok(!text.includes(secret), text);
    }
  });
});

describe('refreshing before expiry', () => {
  test('sends {"type":"refresh","token"} refreshBefore ahead of the token\'s expiresAt, and again for the next', async () => {
    const clock0 = 1_700_000_000_000;
    let n = 0;
    const reasons = [];
    const { sockets, clock } = setup({
      method: 'subprotocol',
      refreshBefore: 60_000,
      token: ({ reason }) => {
        reasons.push(reason);
        n++;
        return { token: `t${n}`, expiresAt: clock0 + n * 600_000 }; // each token lives 10 minutes from its own start
      },
    });
    await flush();
    sockets[0].serverAccepts();

    await clock.advance(540_000 - 1);
    assert.equal(sockets[0].sent.length, 0, 'not before expiry - refreshBefore');
    await clock.advance(1);
    assert.deepEqual(sockets[0].sent.map((m) => JSON.parse(m)), [{ type: 'refresh', token: 't2' }]);
    assert.deepEqual(reasons, ['connect', 'refresh']);

    // The next refresh is planned from the new token's expiry: 1_200_000 - 60_000.
    await clock.advance(1_140_000 - 540_000);
    assert.deepEqual(sockets[0].sent.map((m) => JSON.parse(m).token), ['t2', 't3']);
  });

  test('short lifetimes refresh halfway rather than at once', async () => {
    const { sockets, clock } = setup({
      method: 'subprotocol',
      refreshBefore: 60_000,
      token: () => ({ token: 'short', expiresAt: new Date(clock.now + 30_000) }),
    });
    await flush();
    sockets[0].serverAccepts();
    await clock.advance(14_999);
    assert.equal(sockets[0].sent.length, 0);
    await clock.advance(1);
    assert.equal(sockets[0].sent.length, 1);
  });

  test('the server\'s expiresAt (wsauth.authenticated, wsauth.refreshed) wins over the token\'s', async () => {
    const { sockets, clock, client } = setup({
      method: 'first-message',
      refreshBefore: 10_000,
      token: () => ({ token: 'x', expiresAt: clock.now + 3_600_000 }),
    });
    await flush();
    sockets[0].serverAccepts();
    const serverExpiry = new Date(clock.now + 100_000);
    sockets[0].serverSends(JSON.stringify({ type: 'wsauth.authenticated', expiresAt: serverExpiry.toISOString() }));
    assert.equal(client.expiresAt.getTime(), serverExpiry.getTime());
    await clock.advance(90_000);
    assert.equal(sockets[0].sent.filter((m) => JSON.parse(m).type === 'refresh').length, 1);

    const nextExpiry = new Date(clock.now + 50_000);
    sockets[0].serverSends(JSON.stringify({ type: 'wsauth.refreshed', expiresAt: nextExpiry.toISOString() }));
    assert.equal(client.expiresAt.getTime(), nextExpiry.getTime());
    await clock.advance(40_000);
    assert.equal(sockets[0].sent.filter((m) => JSON.parse(m).type === 'refresh').length, 2);
  });

  test('wsauth.expiring triggers a refresh at once; expiresAt: null from the server means no refresh', async () => {
    const { sockets, clock } = setup({ method: 'first-message', token: () => ({ token: 'x', expiresAt: clock.now + 120_000 }) });
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverSends('{"type":"wsauth.authenticated","expiresAt":null}');
    await clock.advance(3_600_000);
    assert.equal(sockets[0].sent.length, 1, 'only the auth message');

    sockets[0].serverSends(JSON.stringify({ type: 'wsauth.expiring', expiresAt: new Date(clock.now + 30_000).toISOString() }));
    await flush();
    assert.deepEqual(JSON.parse(sockets[0].sent[1]), { type: 'refresh', token: 'x' });
  });

  test('a refresh the server caps (MaxSessionLength) stops refreshing on that connection; the next one refreshes again', async () => {
    let n = 0;
    const { sockets, clock, events } = setup({
      method: 'subprotocol',
      reconnect: { initialDelay: 1000, maxDelay: 1000 },
      token: () => ({ token: `t${++n}`, expiresAt: clock.now + 900_000 }), // tokens live 15 minutes
    });
    await flush();
    sockets[0].serverAccepts();
    const cap = new Date(clock.now + 3_000).toISOString(); // the session ends in 3 s whatever the token says
    const refreshes = (socket) => socket.sent.filter((m) => JSON.parse(m).type === 'refresh').length;

    sockets[0].serverSends(JSON.stringify({ type: 'wsauth.expiring', expiresAt: cap }));
    await flush();
    assert.equal(refreshes(sockets[0]), 1, 'the warning refreshes once');
    sockets[0].serverSends(JSON.stringify({ type: 'wsauth.refreshed', expiresAt: cap }));
    sockets[0].serverSends(JSON.stringify({ type: 'wsauth.expiring', expiresAt: cap })); // the server warns again
    await clock.advance(2_999);
    assert.equal(refreshes(sockets[0]), 1, 'a refresh that did not move the end is not repeated');

    sockets[0].serverCloses(4401, 'expired');
    await clock.advance(1_000);
    assert.equal(sockets.length, 2);
    sockets[1].serverAccepts();
    sockets[1].serverSends(JSON.stringify({ type: 'wsauth.expiring', expiresAt: new Date(clock.now + 3_000).toISOString() }));
    await flush();
    assert.equal(refreshes(sockets[1]), 1, 'a new connection refreshes again');
    assert.equal(events.filter((e) => e.type === 'refreshed').length, 1);
  });

  test('a warning longer than the token lives does not refresh in a loop: the plan (halfway) holds', async () => {
    const { sockets, clock } = setup({
      method: 'first-message',
      token: () => ({ token: 'x', expiresAt: clock.now + 4_000 }), // 4 s tokens; the server warns 30 s ahead
    });
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverSends(JSON.stringify({ type: 'wsauth.authenticated', expiresAt: new Date(clock.now + 4_000).toISOString() }));
    const refreshes = () => sockets[0].sent.filter((m) => JSON.parse(m).type === 'refresh').length;

    sockets[0].serverSends(JSON.stringify({ type: 'wsauth.expiring', expiresAt: new Date(clock.now + 4_000).toISOString() }));
    await flush();
    assert.equal(refreshes(), 1);
    sockets[0].serverSends(JSON.stringify({ type: 'wsauth.expiring', expiresAt: new Date(clock.now + 4_000).toISOString() }));
    await flush();
    assert.equal(refreshes(), 1, 'no second refresh while the first is unanswered');

    await clock.advance(100); // the round trip: the new token ends 100 ms later than the old one
    const renewed = new Date(clock.now + 4_000).toISOString();
    sockets[0].serverSends(JSON.stringify({ type: 'wsauth.refreshed', expiresAt: renewed }));
    sockets[0].serverSends(JSON.stringify({ type: 'wsauth.expiring', expiresAt: renewed })); // at once: the warning is longer than 4 s
    await flush();
    assert.equal(refreshes(), 1, 'a warning about the end just confirmed does not refresh at once');
    await clock.advance(1_999);
    assert.equal(refreshes(), 1);
    await clock.advance(1);
    assert.equal(refreshes(), 2, 'halfway through the renewed lifetime');
  });

  test('without a token source, nothing is refreshed (the server closes 4401 and the client reconnects)', async () => {
    const { sockets, clock } = setup({ method: 'cookie' });
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverSends('{"type":"wsauth.expiring","expiresAt":"2030-01-01T00:00:00Z"}');
    await clock.advance(600_000);
    assert.equal(sockets[0].sent.length, 0);
  });

  test('a failing token source during refresh reports refresh_failed and keeps the connection', async () => {
    let calls = 0;
    const { sockets, clock, events, client } = setup({
      method: 'subprotocol',
      token: () => {
        if (++calls > 1) {
          throw new Error('down');
        }

        return { token: 'x', expiresAt: clock.now + 120_000 };
      },
    });
    await flush();
    sockets[0].serverAccepts();
    await clock.advance(60_000);
    assert.equal(events.find((e) => e.type === 'error').error.code, 'refresh_failed');
    assert.equal(client.readyState, WsAuthSocket.OPEN);
  });

  test('no refresh timer survives a close', async () => {
    const { sockets, clock } = setup({ method: 'subprotocol', reconnect: false, token: () => ({ token: 'x', expiresAt: clock.now + 120_000 }) });
    await flush();
    sockets[0].serverAccepts();
    assert.equal(clock.pending.length, 1);
    sockets[0].serverCloses(1001);
    assert.equal(clock.pending.length, 0);
  });
});

describe('connect()', () => {
  test('resolves when open, rejects when it stops first', async () => {
    const { FakeWebSocket, sockets } = fakeWebSocketClass();
    const opened = connect('ws://a/ws', { method: 'cookie', WebSocket: FakeWebSocket });
    await flush();
    sockets[0].serverAccepts();
    const socket = await opened;
    assert.equal(socket.readyState, WsAuthSocket.OPEN);

    const failed = connect('ws://a/ws', { method: 'cookie', WebSocket: FakeWebSocket, reconnect: false });
    await flush();
    sockets[1].refused();
    await assert.rejects(failed, { code: 'closed' });
  });
});
