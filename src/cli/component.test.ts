import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeComponent } from '../component/binary/decode.ts';
import { encodeComponent } from '../component/binary/encode.ts';

const bin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
const HELLO = fileURLToPath(new URL('../../test/fixtures/component/hello.component.wasm', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
const dir = mkdtempSync(join(tmpdir(), 'tessera-component-'));

const TEXT = `;; a component
(component $app
  (core module $m (func (export "f") (param i32) (result i32) local.get 0))
  (core instance $i (instantiate $m))
  (func $f (export "id") (param "x" u32) (result u32) (canon lift (core func $i "f")))
)
`;

test('tessera parse and print: component text to binary and back', () => {
  const wat = join(dir, 'app.wat');
  const wasm = join(dir, 'app.wasm');
  writeFileSync(wat, TEXT);
  const parsed = run('parse', wat, '-o', wasm);
  assert.equal(parsed.status, 0, parsed.stderr);
  const c = decodeComponent(readFileSync(wasm));
  assert.equal(c.names?.component, 'app');
  const printed = run('print', wasm);
  assert.equal(printed.status, 0, printed.stderr);
  assert.match(printed.stdout, /^\(component \$app\n {2}\(core module \$m \(;0;\)\n/);
  assert.match(printed.stdout, /\(func \$f \(;0;\) \(type 0\) \(canon lift \(core func 0\)\)\)/);
  assert.match(printed.stdout, /\(export \(;1;\) "id" \(func \$f\)\)/);
  // The printed text parses to the same bytes; a text component prints the same text.
  const again = join(dir, 'again.wat');
  writeFileSync(again, printed.stdout);
  const back = join(dir, 'again.wasm');
  assert.equal(run('parse', again, '-o', back).status, 0);
  assert.deepEqual(readFileSync(back), readFileSync(wasm));
  assert.equal(run('print', wat).stdout, printed.stdout);
});

test('tessera print: a real component reads back to its bytes (canonically)', () => {
  const printed = run('print', HELLO);
  assert.equal(printed.status, 0, printed.stderr);
  const wat = join(dir, 'hello.wat');
  writeFileSync(wat, printed.stdout);
  const out = join(dir, 'hello.wasm');
  assert.equal(run('parse', wat, '-o', out).status, 0);
  const original = encodeComponent(decodeComponent(readFileSync(HELLO)), { canonical: true });
  assert.deepEqual(new Uint8Array(readFileSync(out)), original);
  // Nested modules' instructions with their absolute offsets in the component.
  assert.match(run('print', '--offsets', HELLO).stdout, /\n {2}\(;@ *[0-9a-f]+;\) +local\.get 0\n/);
});

test('tessera inspect: sections, nested modules and components, imports, exports, built-ins', () => {
  const r = run('inspect', HELLO);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^.*hello\.component\.wasm: component, \d+ bytes, \d+ sections\n/);
  assert.match(r.stdout, /\ncore module +0x[0-9a-f]+ - +0x[0-9a-f]+ +\d+ bytes\n/);
  assert.match(r.stdout, /\ncore modules:\n {2}0 "hello\.wasm": 0x[0-9a-f]+ - 0x[0-9a-f]+, \d+ bytes, 10 imports, 79 funcs, 2 exports\n/);
  assert.match(r.stdout, /\ncomponent 0: /);
  assert.match(r.stdout, /\n {2}"wasi:cli\/exit@0\.2\.12": instance type 1 \{ exports exit: func \}\n/);
  assert.match(r.stdout, /\n {2}"wasi:cli\/run@0\.2\.12": instance 15\n/);
  assert.match(r.stdout, /\ncanonical built-ins: resource\.drop 7, lower 23, lift 1\n/);
  const json = JSON.parse(run('inspect', '--json', HELLO).stdout);
  assert.equal(json.kind, 'component');
  assert.equal(json.size, readFileSync(HELLO).length);
  assert.equal(json.modules.length, 4);
  assert.equal(json.components[0].imports[0].name, 'import-func-run');
  assert.deepEqual(json.canon, { 'resource.drop': 7, lower: 23, lift: 1 });
  const first = json.sections[0];
  assert.deepEqual([first.section, first.start], ['type', 8]);
  assert.match(run('inspect', '--help').stdout, /component/);
});

test('components on the command line: malformed input exits 1 with where, bad usage 2', () => {
  const bytes = new Uint8Array(readFileSync(HELLO));
  const broken = join(dir, 'broken.wasm');
  // A section id past the last one, right after the preamble.
  writeFileSync(broken, Uint8Array.of(...bytes.subarray(0, 8), 0x0f, 0x00));
  for (const cmd of ['print', 'inspect']) {
    const r = run(cmd, broken);
    assert.equal(r.status, 1, cmd);
    assert.match(r.stderr, /malformed section id \(at byte 0x8\)/, cmd);
  }
  const bad = join(dir, 'bad.wat');
  writeFileSync(bad, '(component\n  (type $t u8)\n  (type $t u16))\n');
  const parsed = run('parse', bad);
  assert.equal(parsed.status, 1);
  assert.match(parsed.stderr, /bad\.wat:3:\d+: duplicate type identifier/);
  assert.match(run('print', bad).stderr, /duplicate type identifier \(at 3:\d+\)/);
  assert.equal(run('print', bad).status, 1);
  assert.equal(run('parse').status, 2);
  assert.equal(run('inspect', '--frob', broken).status, 2);
});
