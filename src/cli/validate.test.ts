import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeModule } from '../binary/encode.ts';
import { encodeComponent } from '../component/binary/encode.ts';
import { parseComponent } from '../component/text/parse.ts';
import { parseWat } from '../text/parse.ts';

const bin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tessera-validate-'));

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'validate', ...args]);
  return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

test('tessera validate: valid text and binary modules exit 0', () => {
  const wat = join(dir, 'ok.wat');
  writeFileSync(wat, '(module (func (export "f") (result i32) i32.const 42))');
  const wasm = join(dir, 'ok.wasm');
  writeFileSync(wasm, encodeModule(parseWat('(module (func (result i32) i32.const 42))')));
  for (const file of [wat, wasm]) {
    const r = run(file);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${file}: valid\n`);
  }
});

test('tessera validate: an invalid binary exits 1 with the offset and the spec phrase', () => {
  const wasm = join(dir, 'bad.wasm');
  const bytes = encodeModule(parseWat('(module (func (result i32) i64.const 1))'));
  writeFileSync(wasm, bytes);
  const r = run(wasm);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^.*bad\.wasm:0x[0-9a-f]+: type mismatch/);
  const json = JSON.parse(run('--json', wasm).stdout);
  assert.equal(json.valid, false);
  assert.equal(json.error.kind, 'invalid');
  assert.equal(typeof json.error.offset, 'number');
});

test('tessera validate: malformed text reports line:column; features and usage errors', () => {
  const wat = join(dir, 'bad.wat');
  writeFileSync(wat, '(module\n  (func (i32.nonsense)))');
  const r = run(wat);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.wat:2:\d+: unknown operator/);
  const gc = join(dir, 'gc.wat');
  writeFileSync(gc, '(module (type (struct)))');
  assert.equal(run(gc).code, 0);
  assert.equal(run('--features', 'wasm2', gc).code, 1);
  assert.equal(run('--features', 'wasm2,bogus', gc).code, 2);
  assert.equal(run().code, 2);
});

test('tessera validate: components, binary and text', () => {
  const hello = fileURLToPath(new URL('../../test/fixtures/component/hello.component.wasm', import.meta.url));
  assert.equal(run(hello).code, 0);
  const good = join(dir, 'good.wat');
  writeFileSync(good, ';; a component\n(component (core module (func (export "f"))))');
  assert.equal(run(good).code, 0);
  const bad = join(dir, 'dup.wat');
  writeFileSync(bad, '(component (import "a" (func)) (import "a" (func)))');
  const r = run(bad);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /import name `a` conflicts with previous name `a`/);
});

test('tessera validate: an invalid component names the entry: file:0xOFFSET from bytes, file:line:col from text', () => {
  const text = '(component\n  (import "a" (func))\n  (type (record))\n)';
  const wat = join(dir, 'bad-component.wat');
  writeFileSync(wat, text);
  const t = run(wat);
  assert.equal(t.code, 1);
  assert.equal(t.stderr, `${wat}:3:3: record type must have at least one field\n`);
  const wasm = join(dir, 'bad-component.wasm');
  writeFileSync(wasm, encodeComponent(parseComponent(text)));
  const b = run(wasm);
  assert.equal(b.code, 1);
  // The type section's only entry: its leading byte 0x72 (record) at that offset.
  const offset = Number.parseInt(/:0x([0-9a-f]+):/.exec(b.stderr)?.[1] ?? 'NaN', 16);
  assert.equal(encodeComponent(parseComponent(text))[offset], 0x72);
  assert.match(b.stderr, /record type must have at least one field/);
});
