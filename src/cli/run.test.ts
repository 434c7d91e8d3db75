// `tessera run` as a user runs it: a child process of bin/tessera.js.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

const bin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../../test/fixtures/wasi/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tessera-run-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tessera(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, 'run', ...args], { cwd: fixtures, input, encoding: 'utf8', env: { ...process.env, HOST_VAR: 'from host' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('runs a command with arguments, environment and argv0; stdin is the process stdin', () => {
  const r = tessera(['--env', 'A=1', '--env', 'HOST_VAR', '--env', 'UNSET_VAR_X', '--argv0', 'prog', 'hello.wasm', 'stdin'], 'typed');
  assert.equal(r.code, 0);
  assert.equal(r.out, 'hello, world\nargv[0]=prog\nargv[1]=stdin\nenv A=1\nenv HOST_VAR=from host\ntyped\nread 5 bytes\n');
  assert.equal(r.err, 'to stderr\n');
});

test("the guest's exit code is the process's", () => {
  assert.equal(tessera(['hello.wasm', 'exit', '42']).code, 42);
  assert.equal(tessera(['misc.wasm', '3']).code, 3);
});

test('a trap prints its kind and a named wasm backtrace', () => {
  const r = tessera(['trap.wasm']);
  assert.equal(r.code, 134);
  assert.equal(r.out, 'about to trap\n');
  assert.match(r.err, /^tessera run: wasm trap: unreachable\nwasm backtrace:\n/);
  const names = [...r.err.matchAll(/ - (\S+)$/gm)].map((m) => m[1]);
  assert.deepEqual(names.slice(0, 4), ['innermost', 'middle', 'outer', 'main']);
  assert.ok(names.includes('_start'));
});

test('--dir preopens a host directory under a guest name', () => {
  const dir = mkdtempSync(join(tmp, 'dir-'));
  const r = tessera(['--dir', `${dir}::/sandbox`, 'files.wasm']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^rename: 0 ok$/m);
  const ro = mkdtempSync(join(tmp, 'ro-'));
  writeFileSync(join(ro, 'inside.txt'), 'x');
  const denied = tessera(['--dir-ro', `${ro}::/sandbox`, 'files.wasm']);
  assert.match(denied.out, /^mkdir dir: -1 Operation not permitted$/m);
  assert.equal(readFileSync(join(ro, 'inside.txt'), 'utf8'), 'x');
});

test('reactors: --invoke calls an export with typed arguments and prints its results', () => {
  assert.deepEqual(tessera(['--invoke', 'add', 'reactor.wasm', '2', '40']), { code: 0, out: '42\n', err: '' });
  assert.equal(tessera(['--invoke', 'mul64', 'reactor.wasm', '3', '-5']).out, '-15\n');
  assert.equal(tessera(['--env', 'GREETING=hey', '--invoke', 'greet', 'reactor.wasm']).out, 'hey from a reactor (0 calls)\n');
});

test('missing exports and unsatisfied imports are clear errors naming them', () => {
  const missing = tessera(['--invoke', 'nope', 'reactor.wasm']);
  assert.equal(missing.code, 1);
  assert.equal(missing.err, 'tessera run: reactor.wasm: missing export: "nope"\n');
  assert.match(tessera(['reactor.wasm']).err, /missing export: "_start"/);
  const wat = join(tmp, 'imports.wat');
  writeFileSync(wat, '(module (import "env" "f" (func)) (memory (export "memory") 1) (func (export "_start")))');
  const r = tessera([wat]);
  assert.equal(r.code, 1);
  assert.match(r.err, /unsatisfied import: "env" "f"/);
});

test('text modules run too, and usage errors exit 2', () => {
  const wat = join(tmp, 'exit.wat');
  writeFileSync(wat, `(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1) (func (export "_start") (call $exit (i32.const 5))))`);
  assert.equal(tessera([wat]).code, 5);
  assert.equal(tessera(['--bogus', 'x.wasm']).code, 2);
  assert.equal(tessera([]).code, 2);
  assert.match(tessera(['--help']).out, /--dir HOST\[::GUEST\]/);
});
