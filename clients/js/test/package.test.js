import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, access } from 'node:fs/promises';
import * as runtime from '../src/wsauth.js';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));

test('the package is an ES module with types, exports and files that exist', async () => {
  assert.equal(pkg.name, '@wsauth/client');
  assert.equal(pkg.type, 'module');
  const entry = pkg.exports['.'];
  assert.equal(entry.types, pkg.types);
  for (const path of [entry.types, entry.default, pkg.main]) {
    await access(new URL(path, root));
    assert.ok(pkg.files.includes(path.replace(/^\.\//, '')), `${path} is published`);
  }
});

test('no runtime dependencies', () => {
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.peerDependencies, undefined);
});

test('the type declarations declare every runtime export, and nothing more', async () => {
  const declarations = await readFile(new URL(pkg.types, root), 'utf8');
  const declared = new Set([...declarations.matchAll(/^export declare (?:const|class|function) (\w+)/gm)].map((m) => m[1]));
  assert.deepEqual([...declared].sort(), Object.keys(runtime).sort());
});
