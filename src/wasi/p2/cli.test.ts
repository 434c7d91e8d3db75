import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WasiExit } from '../../core/errors.ts';
import { bufferOutput, bytesInput } from '../shared/stdio.ts';
import { environment, exit, stdio, TerminalInput } from './cli.ts';
import { datetimeOf, monotonicClock, wallClock } from './clocks.ts';
import { insecureRandom, insecureSeed, randomInterface } from './random.ts';
import { ioContext } from './test-support.ts';

test('environment: exactly the arguments and variables given, fresh arrays per call', () => {
  const e = environment(['prog', 'a b'], [['HOME', '/home/x'], ['EMPTY', '']], undefined);
  assert.deepEqual(e['get-arguments'](), ['prog', 'a b']);
  assert.deepEqual(e['get-environment'](), [['HOME', '/home/x'], ['EMPTY', '']]);
  assert.equal(e['initial-cwd'](), undefined);
  const first = e['get-environment']();
  first.push(['X', 'y']);
  assert.equal(e['get-environment']().length, 2);
  assert.equal(environment([], [], '/work')['initial-cwd'](), '/work');
});

test('exit: ok is 0, err is 1, exit-with-code keeps the code', () => {
  const x = exit();
  const code = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (e instanceof WasiExit) return e.code;
      throw e;
    }
    return assert.fail('no exit');
  };
  assert.equal(code(() => x.exit({ tag: 'ok' })), 0);
  assert.equal(code(() => x.exit({ tag: 'err' })), 1);
  assert.equal(code(() => x['exit-with-code'](42)), 42);
});

test('stdio: streams over the host streams; terminals only for TTYs', () => {
  const out = bufferOutput();
  const err = bufferOutput();
  const s = stdio(ioContext(), { stdin: bytesInput('in'), stdout: out, stderr: { ...err, write: err.write, isTTY: true } });
  assert.equal(new TextDecoder().decode(s.stdin['get-stdin']().read(10n)), 'in');
  s.stdout['get-stdout']()['blocking-write-and-flush'](new TextEncoder().encode('o'));
  s.stderr['get-stderr']().write(new TextEncoder().encode('e'));
  assert.equal(out.text(), 'o');
  assert.equal(err.text(), 'e');
  assert.equal(s['terminal-stdin']['get-terminal-stdin'](), undefined);
  assert.equal(s['terminal-stdout']['get-terminal-stdout'](), undefined);
  assert.ok(s['terminal-stderr']['get-terminal-stderr']() !== undefined);
  assert.ok(stdio(ioContext(), { stdin: { ...bytesInput(''), isTTY: true }, stdout: out, stderr: out })['terminal-stdin']['get-terminal-stdin']() instanceof TerminalInput);
});

test('clocks: monotonic never decreases; wall clock near Date.now(); subscribe-duration', async () => {
  const io = ioContext();
  const m = monotonicClock(io);
  const a = m.now();
  const p = m['subscribe-duration'](2_000_000n);
  assert.equal(p.ready(), false);
  await p.block();
  assert.ok(m.now() - a >= 2_000_000n);
  assert.equal(m['subscribe-instant'](a).ready(), true);
  assert.equal(m.resolution(), 1000n);
  const w = wallClock(io).now();
  assert.ok(Math.abs(Number(w.seconds) - Date.now() / 1000) < 5);
  assert.ok(w.nanoseconds >= 0 && w.nanoseconds < 1e9);
  assert.deepEqual(datetimeOf(1_500_000_001n), { seconds: 1n, nanoseconds: 500_000_001 });
});

test('random: lengths, u64s, a seed fixed for the host', () => {
  let calls = 0;
  const source = (b: Uint8Array) => { calls++; b.fill(7); };
  const r = randomInterface(source);
  assert.deepEqual([...r['get-random-bytes'](3n)], [7, 7, 7]);
  assert.equal(r['get-random-u64'](), 0x0707070707070707n);
  assert.equal(insecureRandom(source)['get-insecure-random-bytes'](0n).length, 0);
  const seed = insecureSeed(source);
  const before = calls;
  assert.deepEqual(seed['insecure-seed'](), [0x0707070707070707n, 0x0707070707070707n]);
  assert.deepEqual(seed['insecure-seed'](), seed['insecure-seed']());
  assert.equal(calls, before);
  assert.throws(() => r['get-random-bytes'](1n << 40n), /at most/);
  // The default source really is random.
  const real = randomInterface((b) => { crypto.getRandomValues(b as Uint8Array<ArrayBuffer>); });
  assert.notDeepEqual(real['get-random-bytes'](16n), real['get-random-bytes'](16n));
});
