import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, readdir, access } from 'node:fs/promises';
import { promisify } from 'node:util';
import ts from 'typescript';
import * as runtime from '../dist/index.js';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
const modules = ['backoff', 'codes', 'credentials', 'errors', 'events', 'index', 'options', 'protocol', 'signalr', 'socket'];

/** What `npm pack` would publish (scripts skipped: `npm test` has just built dist). */
async function packedFiles() {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
  return JSON.parse(stdout)[0].files.map((f) => f.path).sort();
}

test('the package is an ES module with types, exports and files that exist', async () => {
  assert.equal(pkg.name, '@wsauth/client');
  assert.equal(pkg.type, 'module');
  const entry = pkg.exports['.'];
  assert.equal(entry.types, pkg.types);
  const published = await packedFiles();
  for (const path of [entry.types, entry.default, pkg.main]) {
    await access(new URL(path, root));
    assert.ok(published.includes(path.replace(/^\.\//, '')), `${path} is published`);
  }
});

test('npm pack publishes the compiled modules, their generated types, README, LICENSE and package.json only', async () => {
  const expected = [
    'LICENSE', 'README.md', 'package.json',
    ...modules.flatMap((m) => [`dist/${m}.d.ts`, `dist/${m}.js`]),
  ].sort();
  assert.deepEqual(await packedFiles(), expected);
});

test('no runtime dependencies', () => {
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.peerDependencies, undefined);
});

test('the TypeScript sources are the only sources: no hand-written JavaScript or declarations', async () => {
  const sources = (await readdir(new URL('src/', root))).sort();
  assert.deepEqual(sources, modules.map((m) => `${m}.ts`));
});

test('the type declarations declare every runtime export, and nothing more', () => {
  // Ask the compiler what a TypeScript user of the package sees: the value exports of dist/index.d.ts.
  const entry = new URL(pkg.types, root).pathname;
  const program = ts.createProgram([entry], { noEmit: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(entry));
  const values = checker.getExportsOfModule(symbol)
    .filter((s) => ((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value) !== 0)
    .map((s) => s.name);
  assert.deepEqual(values.sort(), Object.keys(runtime).sort());
});

test('the declarations type-check as a user compiles them', () => {
  const entry = new URL(pkg.types, root).pathname;
  const program = ts.createProgram([entry], { noEmit: true, strict: true, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(diagnostics, []);
});

test('a TypeScript user of the package type-checks against the generated declarations', () => {
  const usage = new URL('test/usage.ts', root).pathname;
  const program = ts.createProgram([usage], {
    noEmit: true, strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.deepEqual(diagnostics, []);
});
