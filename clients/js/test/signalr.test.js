// ticketAccessTokenFactory: a SignalR accessTokenFactory that returns a fresh single-use ticket on every call
// (docs/signalr.md). The end-to-end runs with the real @microsoft/signalr client against the sample are in
// tests/WsAuth.Sample.Tests (Node) and tests/WsAuth.BrowserTests (Chromium).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ticketAccessTokenFactory, WsAuthError } from '../dist/index.js';
import { fakeFetch } from '../testkit/fakes.js';

describe('ticketAccessTokenFactory', () => {
  test('POSTs to the ticket endpoint with the cookie on every call and returns each fresh ticket', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 200, body: { ticket: 'first', expiresIn: 30 } },
      { status: 200, body: { ticket: 'second', expiresIn: 30 } },
    ]);
    const factory = ticketAccessTokenFactory({ ticketUrl: 'https://app.test/ws/ticket', fetch });

    assert.equal(await factory(), 'first');
    assert.equal(await factory(), 'second');
    assert.equal(calls.length, 2);
    assert.equal(calls[0].input, 'https://app.test/ws/ticket');
    assert.equal(calls[0].init.method, 'POST');
    assert.equal(calls[0].init.credentials, 'include');
    assert.equal(calls[0].init.cache, 'no-store');
  });

  test('passes the app\'s extra request options (an antiforgery header)', async () => {
    const { fetch, calls } = fakeFetch([{ status: 200, body: { ticket: 't' } }]);
    const factory = ticketAccessTokenFactory({ ticketUrl: '/ws/ticket', fetch, ticketRequest: () => ({ headers: { 'X-CSRF': 'x' } }) });
    await factory();
    assert.deepEqual(calls[0].init.headers, { 'X-CSRF': 'x' });
  });

  test('a refused ticket request rejects with ticket_refused and the status, never a ticket', async () => {
    const { fetch } = fakeFetch([{ status: 401, body: { error: 'unauthorized' } }]);
    const factory = ticketAccessTokenFactory({ ticketUrl: '/ws/ticket', fetch });
    await assert.rejects(factory(), (e) => e instanceof WsAuthError && e.code === 'ticket_refused' && e.status === 401);
  });

  test('an answer without a ticket rejects with ticket_invalid_response', async () => {
    const { fetch } = fakeFetch([{ status: 200, body: { nope: 1 } }]);
    await assert.rejects(ticketAccessTokenFactory({ ticketUrl: '/ws/ticket', fetch })(), (e) => e.code === 'ticket_invalid_response');
  });

  test('outside a page the ticket URL is required', () => {
    assert.throws(() => ticketAccessTokenFactory({ fetch: async () => { throw new Error('unused'); } }), TypeError);
  });

  test('in a page it defaults to /ws/ticket of the page origin', async () => {
    const { fetch, calls } = fakeFetch([{ status: 200, body: { ticket: 't' } }]);
    globalThis.location = { href: 'https://app.test/chat/index.html' };
    try {
      await ticketAccessTokenFactory({ fetch })();
    } finally {
      delete globalThis.location;
    }

    assert.equal(calls[0].input, 'https://app.test/ws/ticket');
  });
});
