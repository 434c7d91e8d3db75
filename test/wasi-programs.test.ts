// The C programs of test/fixtures/wasi (built by scripts/build-wasi-fixtures.sh) through the
// library API, on the in-memory and the host file system, and beside node:wasi.
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WASI } from 'node:wasi';
import { Trap } from '../src/core/errors.ts';
import { Linker } from '../src/runtime/linker.ts';
import { NativeEngine } from '../src/runtime/native.ts';
import { i32, i64 } from '../src/runtime/values.ts';
import { bufferOutput, bytesInput, MemoryFs, type Vfs, WasiP1, type WasiP1Options } from '../src/wasi/index.ts';
import { hostDir } from '../src/wasi/node.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`fixtures/wasi/${name}.wasm`, import.meta.url)));
const tmp = mkdtempSync(join(tmpdir(), 'tessera-wasi-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a command through the Linker on the native engine; its exit code and output. */
function runTessera(name: string, options: WasiP1Options) {
  const stdout = bufferOutput();
  const stderr = bufferOutput();
  const wasi = new WasiP1({ ...options, stdout, stderr });
  const engine = new NativeEngine();
  const linker = new Linker();
  wasi.register(linker);
  const instance = linker.instantiate(engine, engine.compile(fixture(name)));
  const code = wasi.start(instance);
  return { code, out: stdout.text(), err: stderr.text() };
}

async function runNodeWasi(name: string, args: string[], preopens: Record<string, string>) {
  const outPath = join(tmp, `node-out-${Math.random()}`);
  const fd = openSync(outPath, 'w');
  const wasi = new WASI({ version: 'preview1', args, preopens, stdout: fd, returnOnExit: true });
  const { instance } = await WebAssembly.instantiate(fixture(name), wasi.getImportObject() as WebAssembly.Imports);
  const code = wasi.start(instance);
  closeSync(fd);
  return { code, out: readFileSync(outPath, 'utf8') };
}

test('hello: arguments, environment, stdin, stdout, stderr', () => {
  const r = runTessera('hello', { args: ['hello', 'stdin'], env: { A: '1', B: 'two=2' }, stdin: bytesInput('piped text') });
  assert.equal(r.code, 0);
  assert.equal(r.out, 'hello, world\nargv[0]=hello\nargv[1]=stdin\nenv A=1\nenv B=two=2\npiped text\nread 10 bytes\n');
  assert.equal(r.err, 'to stderr\n');
  // Deny by default: no environment, empty stdin.
  assert.equal(runTessera('hello', { args: ['hello', 'stdin'] }).out, 'hello, world\nargv[0]=hello\nargv[1]=stdin\n\nread 0 bytes\n');
});

test('exit codes propagate from main and from exit()', () => {
  assert.equal(runTessera('hello', { args: ['hello', 'exit', '42'] }).code, 42);
  assert.equal(runTessera('misc', { args: ['misc', '7'] }).code, 7);
});

test('misc: clocks, random, poll_oneoff (sleep and fds), sched_yield', () => {
  const r = runTessera('misc', { args: ['misc'] });
  assert.equal(r.code, 0);
  assert.equal(r.out, [
    'slept >= 10ms: 1', 'realtime after 2020: 1', 'res ok: 1', 'process clock ok: 1', 'random nonzero: 1',
    'sched_yield: 0', 'poll stdout: 1 revents 1', 'poll timeout: 0', '',
  ].join('\n'));
});

// node:wasi (uvwasi) leaves `.` and `..` out of fd_readdir; Tessera lists them as wasmtime does.
const withoutEntryCount = (s: string) => s.replace(/^entries \d+$/m, 'entries N');

test('files: the same transcript on the in-memory fs, the host fs, and node:wasi', async () => {
  const mem = runTessera('files', { args: ['files'], preopens: { '/sandbox': new MemoryFs() } });
  const dir = mkdtempSync(join(tmp, 'files-'));
  const host = runTessera('files', { args: ['files'], preopens: { '/sandbox': hostDir(dir) } });
  const nodeDir = mkdtempSync(join(tmp, 'node-files-'));
  const node = await runNodeWasi('files', ['files'], { '/sandbox': nodeDir });
  assert.equal(mem.code, 0);
  assert.equal(host.code, 0);
  assert.equal(node.code, 0);
  assert.equal(mem.out, host.out);
  assert.match(mem.out, /^entries 6$/m);
  assert.equal(withoutEntryCount(host.out), withoutEntryCount(node.out));
  for (const line of ['rename: 0 ok', 'content: HELLO file', 'target: b.txt', 'nlink 2', 'rmdir nonempty: -1 Directory not empty',
    'unlink dir: -1 Is a directory', 'lseek negative: -1 Invalid argument', 'write to read-only fd: -1 Bad file descriptor', 'appended: one']) {
    assert.ok(mem.out.includes(`${line}\n`), line);
  }
});

function escapeTree(): { pre: string; other: string; outside: string } {
  const base = mkdtempSync(join(tmp, 'escape-'));
  const outside = join(base, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  writeFileSync(join(base, 'secret.txt'), 'secret');
  const pre = join(base, 'pre');
  mkdirSync(pre);
  writeFileSync(join(pre, 'inside.txt'), 'inside');
  symlinkSync(join(outside, 'secret.txt'), join(pre, 'planted'));
  symlinkSync('../outside', join(pre, 'planted-dir'));
  const other = join(base, 'other');
  mkdirSync(other);
  return { pre, other, outside };
}

test('escape: a hostile C program reaches nothing outside its preopens (host fs)', () => {
  const { pre, other } = escapeTree();
  const r = runTessera('escape', { args: ['escape'], preopens: [{ guest: '/sandbox', fs: hostDir(pre) }, { guest: '/other', fs: hostDir(other, { readOnly: true }) }] });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^escaped 0$/m);
  assert.match(r.out, /^raw \.\.\/secret\.txt: errno 63$/m);
  assert.match(r.out, /^open via planted link: Operation not permitted$/m);
  assert.match(r.out, /^rename across preopens: Cross-device link$/m);
  assert.match(r.out, /^write read-only preopen: Operation not permitted$/m);
  assert.equal(readFileSync(join(pre, 'inside.txt'), 'utf8'), 'inside');
});

test('escape: the same on the in-memory fs', () => {
  const fs: Vfs = MemoryFs.from({ 'inside.txt': 'inside' });
  fs.symlink('../outside/secret.txt', ['planted']);
  fs.symlink('../outside', ['planted-dir']);
  const r = runTessera('escape', { args: ['escape'], preopens: { '/sandbox': fs, '/other': new MemoryFs({ readOnly: true }) } });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^escaped 0$/m);
});

test('reactor: _initialize, then exports called with i32 and i64', () => {
  const stdout = bufferOutput();
  const wasi = new WasiP1({ env: { GREETING: 'hi' }, stdout });
  const engine = new NativeEngine();
  const linker = new Linker();
  wasi.register(linker);
  const instance = linker.instantiate(engine, engine.compile(fixture('reactor')));
  wasi.initialize(instance);
  const call = (name: string, args: Parameters<typeof i32>[0][] | bigint[]) => {
    const f = instance.exports.get(name);
    assert.ok(f?.kind === 'func');
    return f.call(args.map((a) => (typeof a === 'bigint' ? i64(a) : i32(a))));
  };
  assert.deepEqual(call('add', [2, 40]), [i32(42)]);
  assert.deepEqual(call('mul64', [3n, -5n]), [i64(-15n)]);
  call('greet', []);
  assert.equal(stdout.text(), 'hi from a reactor (1 calls)\n');
});

test('a trap in the guest reaches the host as a Trap', () => {
  assert.throws(() => runTessera('trap', { args: ['trap'] }), (e) => e instanceof Trap && e.kind === 'unreachable');
});

test('WasiP1 runs on the plain JS API too', async () => {
  const stdout = bufferOutput();
  const wasi = new WasiP1({ args: ['hello', 'exit', '9'], stdout });
  const { instance } = await WebAssembly.instantiate(fixture('hello'), { wasi_snapshot_preview1: wasi.wasiImport });
  assert.equal(wasi.start(instance), 9);
  assert.match(stdout.text(), /^hello, world\n/);
});
