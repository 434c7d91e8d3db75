import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeModule } from '../binary/encode.ts';
import { emptyModule } from '../core/ast.ts';

const bin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'tessera-print-'));

function sample(): string {
  const m = emptyModule();
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: ['i32'], results: ['i32'] } }] });
  m.funcs.push({ type: 0, locals: [], body: [{ op: 'local.get', local: 0 }, { op: 'i32.const', value: 1 }, { op: 'i32.add' }] });
  m.exports.push({ name: 'inc', kind: 'func', index: 0 });
  const file = join(dir, 'inc.wasm');
  writeFileSync(file, encodeModule(m));
  return file;
}

test('tessera print writes WAT, flat or folded, to stdout or a file', () => {
  const file = sample();
  const flat = run('print', file);
  assert.equal(flat.status, 0, flat.stderr);
  assert.match(flat.stdout, /\(export "inc" \(func 0\)\)/);
  assert.match(flat.stdout, /\n    local\.get 0\n    i32\.const 1\n    i32\.add\n/);
  const folded = run('print', '--folded', file);
  assert.match(folded.stdout, /\(i32\.add \(local\.get 0\) \(i32\.const 1\)\)/);
  const out = join(dir, 'inc.wat');
  assert.equal(run('print', '-o', out, file).status, 0);
  assert.equal(readFileSync(out, 'utf8'), flat.stdout);
  // A text module is parsed and printed again.
  const again = run('print', out);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout, flat.stdout);
  assert.match(run('print', '--offsets', file).stdout, /\(;@ *[0-9a-f]+;\) +i32\.add/);
});

test('tessera print: malformed input exits 1 with the offset, bad usage exits 2', () => {
  const bad = join(dir, 'bad.wasm');
  writeFileSync(bad, Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 5, 1, 3, 0, 0xff, 0x0b));
  const r = run('print', bad);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /illegal opcode ff \(at byte 0x17\)/);
  assert.equal(run('print').status, 2);
  assert.equal(run('print', '--frob', bad).status, 2);
  assert.match(run('print', '--help').stdout, /Usage: tessera print/);
});
