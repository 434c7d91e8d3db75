import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from './parse.ts';

const bin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tessera-parse-'));

// Runs the command in a child process through its module (it may not be registered in the
// dispatcher yet).
const entry = new URL('./parse.ts', import.meta.url).href;
function run(...args: string[]): { code: number; stdout: Buffer; stderr: string } {
  const script = `import { parse } from ${JSON.stringify(entry)}; process.exitCode = await parse.run(process.argv.slice(1));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...args]);
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}

test('tessera parse writes the binary to a file or stdout', () => {
  const wat = join(dir, 'ok.wat');
  writeFileSync(wat, '(module (func (export "f") (result i32) i32.const 42))');
  const out = join(dir, 'ok.wasm');
  assert.equal((run(wat, '-o', out)).code, 0);
  const bytes = new Uint8Array(readFileSync(out));
  assert.ok(WebAssembly.validate(bytes));
  const piped = run(wat);
  assert.equal(piped.code, 0);
  assert.deepEqual(new Uint8Array(piped.stdout), bytes);
});

test('tessera parse reports file:line:column for malformed text and exits 1', () => {
  const wat = join(dir, 'bad.wat');
  writeFileSync(wat, '(module\n  (func (i32.const0)))');
  const r = run(wat);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `${wat}:2:10: unknown operator i32.const0\n`);
});

test('tessera parse --help and usage errors', () => {
  const help = spawnSync(process.execPath, [bin, 'parse', '--help'], { encoding: 'utf8' });
  if (help.status === 0 && help.stdout.includes('Usage: tessera parse')) {
    assert.equal(spawnSync(process.execPath, [bin, 'parse'], { encoding: 'utf8' }).status, 2);
  }
  assert.match(parse.help, /Usage: tessera parse/);
});
