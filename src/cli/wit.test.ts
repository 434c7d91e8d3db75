import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadJco, witLines } from '../../test/support/jco-wit.ts';

const bin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tessera-wit-'));

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'wit', ...args], { maxBuffer: 1 << 26 });
  return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

test('tessera wit resolves a folder with deps/ and prints it', () => {
  const pkg = join(dir, 'app');
  mkdirSync(join(pkg, 'deps', 'types'), { recursive: true });
  writeFileSync(join(pkg, 'deps', 'types', 'types.wit'), 'package my:types;\ninterface t { record point { x: s32, y: s32 } }\n');
  writeFileSync(join(pkg, 'app.wit'), 'package my:app;\nworld app {\n  use my:types/t.{point};\n  export draw: func(p: point);\n}\n');
  const r = run(pkg);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^package my:app;/);
  assert.match(r.stdout, /export draw: func\(p: point\);/);
  assert.match(r.stdout, /package my:types \{/);
  assert.equal(run('--check', pkg).stdout, '');
});

test('tessera wit: errors name the file, line and column; usage errors exit 2', () => {
  const bad = join(dir, 'bad.wit');
  writeFileSync(bad, 'package a:b;\ninterface i { f: func(a: nope); }\n');
  const r = run(bad);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^.*bad\.wit:2:26: name `nope` does not exist\n$/);
  assert.equal(run().code, 2);
  assert.equal(run('--check', '--wasm', bad).code, 2);
});

test('tessera wit --features keeps @unstable items of enabled features only', () => {
  const gated = join(dir, 'gated.wit');
  writeFileSync(gated, 'package a:b;\ninterface i {\n  @unstable(feature = fancy)\n  f: func();\n}\n');
  assert.doesNotMatch(run(gated).stdout, /f: func/);
  assert.match(run('--features', 'fancy', gated).stdout, /f: func/);
});

test('tessera wit --wasm writes the package as a component that reads back, also as a dependency', () => {
  const pkg = join(dir, 'app');
  const wasm = join(dir, 'types.wasm');
  const text = run(pkg).stdout;
  // The dependency alone, as a component; then in place of its WIT in a deps/ folder.
  assert.equal(run('--wasm', '-o', wasm, join(pkg, 'deps', 'types')).code, 0);
  assert.deepEqual([...readFileSync(wasm).subarray(0, 8)], [0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]);
  assert.match(run(wasm).stdout, /^package my:types;\n\ninterface t \{\n  record point \{/);
  const app2 = join(dir, 'app2');
  mkdirSync(join(app2, 'deps'), { recursive: true });
  writeFileSync(join(app2, 'app.wit'), readFileSync(join(pkg, 'app.wit')));
  writeFileSync(join(app2, 'deps', 'types.wasm'), readFileSync(wasm));
  const r = run(app2);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, text);
  // Text in, text out through -o; the whole package through the binary and back.
  const all = join(dir, 'app.wasm');
  assert.equal(run('--wasm', '-o', all, pkg).code, 0);
  assert.equal(run(all).stdout.split('\npackage my:types')[0], text.split('\npackage my:types')[0]);
});

test('tessera wit reads component text, and rejects modules and broken binaries with exit 1', () => {
  const wat = join(dir, 'pkg.wat');
  writeFileSync(wat, '(component\n  (type $x (component (export "a:b/x" (instance))))\n  (export "x" (type $x))\n)\n');
  assert.equal(run(wat).stdout, 'package a:b;\n\ninterface x {\n}\n');
  const module = join(dir, 'm.wasm');
  writeFileSync(module, Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
  const m = run(module);
  assert.equal(m.code, 1);
  assert.match(m.stderr, /m\.wasm: a core module, not a component/);
  const broken = join(dir, 'broken.wasm');
  writeFileSync(broken, Uint8Array.of(0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 0x07, 0x05, 0x01));
  const b = run(broken);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /broken\.wasm: .*\(at byte 0x[0-9a-f]+\)/);
  const badWat = join(dir, 'bad.wat');
  writeFileSync(badWat, '(component\n  (type (instance (export "x" (func (param "a" nope)))))\n)\n');
  const w = run(badWat);
  assert.equal(w.code, 1);
  assert.match(w.stderr, /bad\.wat:2:\d+: /);
});

const HELLO = fileURLToPath(new URL('../../test/fixtures/component/hello.component.wasm', import.meta.url));

test('tessera wit app.wasm prints the world wasm-tools (jco wit) reads from it', async (t) => {
  const r = run(HELLO);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^package root:component;\n\nworld root \{\n  import wasi:cli\/environment@0\.2\.12;/);
  assert.match(r.stdout, /\n  export wasi:cli\/run@0\.2\.12;\n\}\n/);
  // The interfaces it uses follow as partial packages.
  assert.match(r.stdout, /\npackage wasi:cli@0\.2\.12 \{\n  interface environment \{\n    get-environment: func\(\) -> list<tuple<string, string>>;/);
  const jco = await loadJco();
  if (!jco) {
    t.skip('jco is not installed');
    return;
  }
  const theirs = await jco.componentWit(readFileSync(HELLO));
  const ours = r.stdout.slice(0, r.stdout.indexOf('\npackage ', 1));
  assert.deepEqual(witLines(ours), witLines(theirs));
});
