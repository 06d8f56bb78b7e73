// Revocation (issue #14): the server closes a revoked user's sockets with 4401 "revoked" and answers 401 "revoked" at
// the handshake and the ticket endpoint. The client treats it as it treats expiry: it gets a fresh credential and
// reconnects; if the app cannot give one (the ticket endpoint refuses, or the handshake keeps refusing), it stops
// after a bounded number of attempts instead of looping. Kept in its own file so it applies to the TypeScript client.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { WsAuthSocket } from '../dist/index.js';
import { FakeClock, fakeFetch, fakeWebSocketClass, flush, recordEvents } from '../testkit/fakes.js';

function setup(options, fetchAnswers = []) {
  const clock = new FakeClock();
  const { FakeWebSocket, sockets } = fakeWebSocketClass();
  const { fetch, calls } = fakeFetch(fetchAnswers);
  const client = new WsAuthSocket('ws://app.test/ws', {
    WebSocket: FakeWebSocket,
    fetch,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: () => clock.now,
    random: () => 0.5,
    ...options,
  });
  const events = recordEvents(client);
  return { client, clock, sockets, fetchCalls: calls, events };
}

describe('4401 revoked', () => {
  test('gets a fresh ticket and reconnects, as for expiry', async () => {
    const { sockets, clock, fetchCalls, events } = setup({ method: 'ticket' }, [
      { status: 200, body: { ticket: 'one' } },
      { status: 200, body: { ticket: 'two' } },
    ]);
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverCloses(4401, 'revoked');

    const close = events.filter((e) => e.type === 'close').at(-1);
    assert.equal(close.reason, 'revoked');
    assert.equal(close.willReconnect, true);
    await clock.advance(close.retryIn);
    assert.equal(fetchCalls.length, 2);
    assert.equal(new URL(sockets[1].url).searchParams.get('ticket'), 'two');
  });

  test('stops when the ticket endpoint refuses the revoked user (401 revoked): no loop', async () => {
    const { sockets, clock, fetchCalls, events, client } = setup({ method: 'ticket' }, [
      { status: 200, body: { ticket: 'one' } },
      { status: 401, body: 'revoked' },
    ]);
    await flush();
    sockets[0].serverAccepts();
    sockets[0].serverCloses(4401, 'revoked');
    await clock.advance(60_000);

    assert.equal(client.readyState, WsAuthSocket.CLOSED);
    assert.equal(fetchCalls.length, 2);
    assert.equal(sockets.length, 1);
    assert.equal(events.filter((e) => e.type === 'close').at(-1).willReconnect, false);
  });

  test('stops after maxAuthFailures when every fresh credential is refused as revoked', async () => {
    const { sockets, clock, client, events } = setup({ method: 'first-message', token: () => 'still-revoked', maxAuthFailures: 3 });
    await flush();
    for (let i = 0; i < 3; i++) {
      sockets[i].serverAccepts();
      sockets[i].serverCloses(4401, 'revoked'); // each credential refused before the session opens
      await clock.advance(60_000);
    }

    await clock.advance(600_000);
    assert.equal(sockets.length, 3);
    assert.equal(client.readyState, WsAuthSocket.CLOSED);
    assert.equal(events.filter((e) => e.type === 'error').at(-1).error.code, 'unauthorized');
  });
});
