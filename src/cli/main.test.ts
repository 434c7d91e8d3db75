import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeModule } from '../binary/encode.ts';
import { emptyModule } from '../core/ast.ts';

const bin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));

test('tessera --help lists the commands; no command is a usage error', () => {
  const help = run('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /inspect/);
  assert.equal(run().status, 2);
  const unknown = run('frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
});

test('tessera inspect summarises a module and exits 0', () => {
  const m = emptyModule();
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: [], results: [] } }] });
  m.funcs.push({ type: 0, locals: [], body: [] });
  m.exports.push({ name: 'f', kind: 'func', index: 0 });
  const file = join(dir, 'ok.wasm');
  writeFileSync(file, encodeModule(m));
  const out = run('inspect', file);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /type .* 1 items/);
  assert.match(out.stdout, /code /);
  const json = JSON.parse(run('inspect', '--json', file).stdout);
  assert.deepEqual(json.sections.map((s: { section: string }) => s.section), ['type', 'func', 'export', 'code']);
  assert.match(run('inspect', '--help').stdout, /Usage: tessera inspect/);
});

test('tessera inspect reports malformed input with its offset and exits 1', () => {
  const file = join(dir, 'bad.wasm');
  writeFileSync(file, Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x0e, 0x00));
  const out = run('inspect', file);
  assert.equal(out.status, 1);
  assert.match(out.stderr, /malformed section id \(at byte 0x8\)/);
  assert.equal(run('inspect', join(dir, 'missing.wasm')).status, 1);
  assert.equal(run('inspect').status, 2);
});
