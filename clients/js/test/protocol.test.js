import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  KUBERNETES_PREFIX,
  backoffDelay,
  base64UrlEncode,
  parseControlMessage,
  resolveSocketUrl,
  tokenProtocols,
  withTicket,
} from '../dist/index.js';

const decodeBase64Url = (text) => Buffer.from(text, 'base64url').toString('utf8');

describe('base64UrlEncode', () => {
  test('encodes UTF-8 of non-ASCII tokens, with the URL alphabet and no padding', () => {
    for (const token of ['héllo wörld', 'токен', '令牌🔑', 'a', 'ab', 'abc', 'abcd', '\u0000\u00ff']) {
      const encoded = base64UrlEncode(token);
      assert.match(encoded, /^[A-Za-z0-9_-]*$/, token);
      assert.equal(decodeBase64Url(encoded), token);
      assert.equal(encoded, Buffer.from(token, 'utf8').toString('base64url'));
    }
  });

  test('maps + and / to - and _ (bytes 0xfb 0xff encode to +/ in plain base64)', () => {
    const text = '\u00fb\u00ff\u00fe'; // UTF-8: c3 bb c3 bf c3 be
    const plain = Buffer.from(text, 'utf8').toString('base64');
    assert.ok(plain.includes('/') || plain.includes('+'), plain);
    assert.equal(base64UrlEncode(text), plain.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  });

  test('never pads, whatever the length', () => {
    for (let length = 0; length < 12; length++) {
      assert.doesNotMatch(base64UrlEncode('x'.repeat(length)), /=/);
    }
  });

  test('encodes long tokens (larger than one chunk)', () => {
    const token = 'é'.repeat(50_000);
    assert.equal(decodeBase64Url(base64UrlEncode(token)), token);
  });
});

describe('tokenProtocols', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

  test('marker form: app protocols, then the marker, then the token', () => {
    assert.deepEqual(tokenProtocols(jwt, ['chat.v1']), ['chat.v1', 'access_token', jwt]);
    assert.deepEqual(tokenProtocols(jwt), ['access_token', jwt]);
  });

  test('marker form with another marker', () => {
    assert.deepEqual(tokenProtocols(jwt, ['chat.v1'], { marker: 'bearer' }), ['chat.v1', 'bearer', jwt]);
  });

  test('marker form refuses a token a subprotocol cannot carry, without echoing it', () => {
    for (const token of ['has space', 'padded==', 'a,b', 'ünïcode']) {
      assert.throws(() => tokenProtocols(token, []), (error) => {
        assert.equal(error.code, 'token_not_protocol_safe');
        assert.ok(!error.message.includes(token), 'the token must not appear in the message');
        assert.match(error.message, /kubernetes/);
        return true;
      });
    }
  });

  test('Kubernetes form: unpadded base64url of the token after the prefix', () => {
    const token = 'pässwörd=with+/chars';
    const protocols = tokenProtocols(token, ['chat.v1'], 'kubernetes');
    assert.equal(protocols.length, 2);
    assert.equal(protocols[0], 'chat.v1');
    assert.ok(protocols[1].startsWith(KUBERNETES_PREFIX));
    const encoded = protocols[1].slice(KUBERNETES_PREFIX.length);
    assert.match(encoded, /^[A-Za-z0-9_-]+$/);
    assert.equal(decodeBase64Url(encoded), token);
    assert.equal(protocols[1], 'base64url.bearer.authorization.k8s.io.cMOkc3N3w7ZyZD13aXRoKy9jaGFycw');
  });

  test('a user-given prefix works like the Kubernetes form', () => {
    assert.deepEqual(tokenProtocols('abc', [], { prefix: 'my.token.' }), ['my.token.YWJj']);
  });

  test('rejects an empty token and a malformed format', () => {
    assert.throws(() => tokenProtocols('', []), { code: 'no_token' });
    assert.throws(() => tokenProtocols('abc', [], 'padded'), TypeError);
    assert.throws(() => tokenProtocols('abc', [], { prefix: 'has space' }), TypeError);
    assert.throws(() => tokenProtocols('abc', [], { marker: 'a', prefix: 'b' }), TypeError);
  });
});

describe('withTicket', () => {
  test('sets the ticket query parameter, percent-encoded, keeping the others', () => {
    assert.equal(withTicket('ws://h/ws?room=a%20b', 'abc-_9'), 'ws://h/ws?room=a+b&ticket=abc-_9');
    const url = new URL(withTicket('wss://h/ws', 'a&b=c/d+e'));
    assert.equal(url.searchParams.get('ticket'), 'a&b=c/d+e');
    assert.equal(url.search, '?ticket=a%26b%3Dc%2Fd%2Be');
  });

  test('replaces a ticket already in the URL', () => {
    assert.equal(new URL(withTicket('ws://h/ws?ticket=old', 'new')).searchParams.getAll('ticket').join(), 'new');
  });
});

describe('resolveSocketUrl', () => {
  test('maps http to ws and https to wss, resolves relative URLs and drops the fragment', () => {
    assert.equal(resolveSocketUrl('/ws', 'http://localhost:5000/page').href, 'ws://localhost:5000/ws');
    assert.equal(resolveSocketUrl('/ws#x', 'https://app.example.com/').href, 'wss://app.example.com/ws');
    assert.equal(resolveSocketUrl('wss://a.example/ws?x=1').href, 'wss://a.example/ws?x=1');
  });

  test('refuses other schemes and relative URLs without a base', () => {
    assert.throws(() => resolveSocketUrl('ftp://a/ws'), SyntaxError);
    assert.throws(() => resolveSocketUrl('/ws', undefined), SyntaxError);
  });
});

describe('backoffDelay', () => {
  const options = { initialDelay: 1000, maxDelay: 30000, factor: 2 };

  test('stays within [ceiling/2, ceiling] for every attempt and any random value', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(30000, 1000 * 2 ** attempt);
      for (const r of [0, 0.25, 0.5, 0.999999]) {
        const delay = backoffDelay(attempt, options, () => r);
        assert.ok(delay >= ceiling / 2 && delay <= ceiling, `attempt ${attempt}, random ${r}: ${delay}`);
      }
    }
  });

  test('grows exponentially, then is capped at maxDelay', () => {
    const lowest = (attempt) => backoffDelay(attempt, options, () => 0);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 100].map(lowest), [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    const highest = (attempt) => backoffDelay(attempt, options, () => 1);
    assert.deepEqual([0, 1, 4, 5, 1000].map(highest), [1000, 2000, 16000, 30000, 30000]);
  });

  test('is jittered: different random values give different delays', () => {
    const delays = new Set([0, 0.1, 0.2, 0.3, 0.9].map((r) => backoffDelay(3, options, () => r)));
    assert.equal(delays.size, 5);
  });

  test('survives huge attempt numbers and out-of-range random values', () => {
    assert.equal(backoffDelay(Number.MAX_SAFE_INTEGER, options, () => 2), 30000);
    assert.equal(backoffDelay(0, options, () => -1), 500);
  });
});

describe('parseControlMessage', () => {
  test('only frames up to 4 KiB are read as control messages; a larger one reaches the app unparsed', () => {
    const framed = (length) => {
      const head = '{"type":"wsauth.expiring","pad":"';
      return head + 'a'.repeat(length - head.length - 2) + '"}';
    };
    assert.equal(parseControlMessage(framed(4096)).type, 'wsauth.expiring');
    assert.equal(parseControlMessage(framed(4097)), null);
  });

  test('recognizes the wsauth.* messages of the wire protocol', () => {
    assert.deepEqual(parseControlMessage('{"type":"wsauth.authenticated","expiresAt":null}'), { type: 'wsauth.authenticated', expiresAt: null });
    assert.equal(parseControlMessage('{"type":"wsauth.refreshed","expiresAt":"2030-01-01T00:00:00Z"}').type, 'wsauth.refreshed');
    assert.equal(parseControlMessage(' {"expiresAt":"2030-01-01T00:00:00Z","type":"wsauth.expiring"}').type, 'wsauth.expiring');
    assert.equal(parseControlMessage('{"type":"wsauth.future-thing"}').type, 'wsauth.future-thing');
  });

  test('leaves application messages alone, even ones that mention wsauth', () => {
    for (const data of [
      '{"type":"welcome","user":"alice","method":"cookie"}',
      'hello "wsauth.authenticated"',
      '{"type":"chat","text":"\\"wsauth.refreshed\\""}',
      '["wsauth.authenticated"]',
      '{"type":"wsauth.authenticated"',
      '{"kind":"wsauth.authenticated"}',
      '{"type":"xwsauth.authenticated"}',
      'null',
    ]) {
      assert.equal(parseControlMessage(data), null, data);
    }

    assert.equal(parseControlMessage(new Uint8Array([123, 125])), null);
    assert.equal(parseControlMessage(new ArrayBuffer(4)), null);
  });
});
