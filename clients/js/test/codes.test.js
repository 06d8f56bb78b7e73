import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { CloseCodes } from '../dist/index.js';
import { closeAction } from '../dist/codes.js';

// The server's close codes and reconnect rules: src/Shared/WebSocketAuthCloseCodes.cs, compiled into WsAuth and
// WsAuth.Client. This client must use the same numbers and react to each code as that file says.
const csharp = await readFile(new URL('../../../src/Shared/WebSocketAuthCloseCodes.cs', import.meta.url), 'utf8');
const serverCodes = Object.fromEntries([...csharp.matchAll(/public const int (\w+) = (\d+);/g)].map((m) => [m[1], Number(m[2])]));
const toJsName = (name) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(); // AuthTimeout -> AUTH_TIMEOUT

/** The C# expression body of a rule (`code is not (Malformed or Forbidden)`), as the set of codes it names. */
function namedCodes(method) {
  const body = new RegExp(`public static bool ${method}\\(int code\\) => code is (not )?\\(?([\\w ]+?)\\)?;`).exec(csharp);
  assert.ok(body, `${method} keeps the shape this test reads: code is [not] (A or B)`);
  return { negated: body[1] !== undefined, codes: body[2].split(' or ').map((name) => serverCodes[name.trim()]) };
}

test('the server file was read: it declares the WsAuth close codes', () => {
  assert.ok(Object.keys(serverCodes).length >= 7, JSON.stringify(serverCodes));
});

test('every server close code is in CloseCodes, with the same number', () => {
  for (const [name, value] of Object.entries(serverCodes)) {
    assert.equal(CloseCodes[toJsName(name)], value, `${name} = ${value} on the server`);
  }
});

test('CloseCodes adds only the standard codes the client itself reacts to', () => {
  const serverNames = new Set(Object.keys(serverCodes).map(toJsName));
  const extra = Object.keys(CloseCodes).filter((name) => !serverNames.has(name)).sort();
  assert.deepEqual(extra, ['ABNORMAL', 'GOING_AWAY', 'NORMAL']);
});

test('the client stops exactly where ShouldReconnect says not to reconnect', () => {
  const rule = namedCodes('ShouldReconnect');
  assert.equal(rule.negated, true);
  for (const code of [...Object.values(CloseCodes), 4404, 4000, 1002]) {
    assert.equal(closeAction(code) === 'stop', rule.codes.includes(code), `close code ${code}`);
  }
});

test('the client asks for a fresh credential exactly where NeedsFreshCredential says so', () => {
  const rule = namedCodes('NeedsFreshCredential');
  assert.equal(rule.negated, false);
  for (const code of [...Object.values(CloseCodes), 4404, 4000, 1002]) {
    assert.equal(closeAction(code) === 'fresh', rule.codes.includes(code), `close code ${code}`);
  }
});

test('4429 reconnects after the longest backoff; other codes with the usual one', () => {
  assert.equal(closeAction(CloseCodes.TOO_MANY), 'slow');
  assert.equal(closeAction(CloseCodes.AUTH_TIMEOUT), 'retry');
  assert.equal(closeAction(CloseCodes.SERVER_ERROR), 'retry');
  assert.equal(closeAction(CloseCodes.GOING_AWAY), 'retry');
});
