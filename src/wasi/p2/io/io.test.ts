import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asyncInput, bufferOutput, bytesInput } from '../../shared/stdio.ts';
import { errOf, errOfAsync, ioContext } from '../test-support.ts';
import { IoError } from './error.ts';
import { deadlineReadiness, poll, Pollable } from './poll.ts';
import { type ByteSink, InputStream, OutputStream } from './streams.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('input-stream: read what is there, then closed', () => {
  const s = new InputStream(ioContext(), bytesInput('hello'));
  assert.equal(text(s.read(3n)), 'hel');
  assert.equal(s.read(0n).length, 0);
  assert.equal(text(s['blocking-read'](100n) as Uint8Array), 'lo');
  assert.deepEqual(errOf(() => s.read(1n)), { tag: 'closed' });
  // Closed for good, also for a zero-length read.
  assert.deepEqual(errOf(() => s.read(0n)), { tag: 'closed' });
});

test('input-stream: skip counts the bytes skipped', () => {
  const s = new InputStream(ioContext(), bytesInput('abcdef'));
  assert.equal(s.skip(4n), 4n);
  assert.equal(text(s.read(10n)), 'ef');
});

test('input-stream: a source failure is last-operation-failed, then closed', () => {
  const e = new IoError('boom', { filesystem: 'io' });
  const s = new InputStream(ioContext(), { read: () => { throw e; } });
  assert.deepEqual(errOf(() => s.read(1n)), { tag: 'last-operation-failed', val: e });
  assert.deepEqual(errOf(() => s.read(1n)), { tag: 'closed' });
});

test('input-stream: blocking-read waits (JSPI) for an async source, read does not', async () => {
  let push: (b: Uint8Array) => void = () => undefined;
  async function* source() {
    yield await new Promise<Uint8Array>((resolve) => { push = resolve; });
  }
  const s = new InputStream(ioContext(), asyncInput(source()));
  assert.equal(s.read(10n).length, 0);
  const p = s.subscribe();
  assert.equal(p.ready(), false);
  const r = s['blocking-read'](10n);
  assert.ok(r instanceof Promise);
  setTimeout(() => push(new TextEncoder().encode('late')), 5);
  assert.equal(text(await r), 'late');
  await p.block();
  assert.equal(p.ready(), true);
});

test('without JSPI a wait for I/O fails with a clear error instead of hanging', () => {
  const s = new InputStream(ioContext(false), asyncInput((async function* () { await new Promise(() => undefined); })()));
  assert.throws(() => s['blocking-read'](1n), /JSPI/);
  assert.throws(() => s.subscribe().block(), /JSPI/);
});

test('output-stream: check-write, write, blocking-write-and-flush', () => {
  const out = bufferOutput();
  const s = new OutputStream(ioContext(), out);
  assert.ok(s['check-write']() >= 4096n);
  s.write(new TextEncoder().encode('ab'));
  s['blocking-write-and-flush'](new TextEncoder().encode('cd'));
  s['write-zeroes'](2n);
  s.flush();
  s['blocking-flush']();
  assert.deepEqual([...out.bytes()], [97, 98, 99, 100, 0, 0]);
  assert.equal(s.subscribe().ready(), true);
  // wasmtime traps on more than 4096 bytes; so does Tessera (a host error, not an err value).
  assert.throws(() => s['blocking-write-and-flush'](new Uint8Array(4097)), /at most 4096/);
});

test('output-stream: a closed or failing sink', () => {
  let closed = false;
  const e = new IoError('disk full', { filesystem: 'insufficient-space' });
  const sink: ByteSink = { write: () => { throw e; }, isClosed: () => closed };
  const s = new OutputStream(ioContext(), sink);
  assert.deepEqual(errOf(() => s.write(new Uint8Array(1))), { tag: 'last-operation-failed', val: e });
  assert.deepEqual(errOf(() => s['check-write']()), { tag: 'closed' });
  const t = new OutputStream(ioContext(), sink);
  closed = true;
  assert.deepEqual(errOf(() => t['check-write']()), { tag: 'closed' });
});

test('output-stream: back-pressure: blocking-write-and-flush waits for capacity and a flush', async () => {
  let room = 0;
  const written: number[] = [];
  let wake: () => void = () => undefined;
  let flushed = false;
  const sink: ByteSink = {
    write: (b) => { written.push(...b); room -= b.length; },
    capacity: () => room,
    whenWritable: () => new Promise<void>((resolve) => { wake = resolve; }),
    flush: () => (flushed ? undefined : Promise.resolve().then(() => { flushed = true; })),
  };
  const s = new OutputStream(ioContext(), sink);
  assert.equal(s['check-write'](), 0n);
  assert.equal(s.subscribe().ready(), false);
  const p = s['blocking-write-and-flush'](new Uint8Array([1, 2, 3]));
  assert.ok(p instanceof Promise);
  assert.deepEqual(written, []);
  room = 10;
  wake();
  await p;
  assert.deepEqual(written, [1, 2, 3]);
  assert.equal(flushed, true);
});

test('splice moves what the input has, as much as the output takes', async () => {
  const out = bufferOutput();
  const s = new OutputStream(ioContext(), out);
  const i = new InputStream(ioContext(), bytesInput('spliced!'));
  assert.equal(s.splice(i, 3n), 3n);
  assert.equal(await s['blocking-splice'](i, 100n), 5n);
  assert.equal(out.text(), 'spliced!');
  assert.deepEqual(await errOfAsync(() => s['blocking-splice'](i, 1n)), { tag: 'closed' });
});

test('pollables on clocks: poll gives the ready indices, block sleeps without JSPI', async () => {
  const io = ioContext();
  const now = io.clocks.monotonic();
  const soon = new Pollable(io, deadlineReadiness(io.clocks, now + 5_000_000n));
  const later = new Pollable(io, deadlineReadiness(io.clocks, now + 60_000_000_000n));
  const past = new Pollable(io, deadlineReadiness(io.clocks, now - 1n));
  assert.deepEqual([...(poll(io, [later, past]) as Uint32Array)], [1]);
  const r = poll(io, [later, soon]);
  assert.ok(r instanceof Promise);
  assert.deepEqual([...await r], [1]);
  assert.ok(io.clocks.monotonic() >= now + 5_000_000n);
  assert.throws(() => poll(io, []), /empty poll list/);
  // Without JSPI a clock wait blocks the thread until the deadline.
  const sync = ioContext(false);
  const t = sync.clocks.monotonic() + 3_000_000n;
  const p = new Pollable(sync, deadlineReadiness(sync.clocks, t));
  assert.equal(p.block(), undefined);
  assert.ok(sync.clocks.monotonic() >= t);
  assert.equal(p.ready(), true);
});

test('to-debug-string', () => {
  assert.equal(new IoError('it broke')['to-debug-string'](), 'it broke');
});
