// The async built-ins between components (CanonicalABI.md, 🔀 and 🧵 sections): waitable sets
// and subtasks, cancellation, backpressure, thread-local context, threads, and cancelling or
// dropping stream and future ends. Each fixture is component text; the events and codes core
// wasm receives are checked inside it (an `unreachable` fails the call) and its result here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseComponent } from '../text/parse.ts';
import { instantiateComponent } from '../link/index.ts';

type Fn = (...args: unknown[]) => unknown;

async function exportsOf(text: string): Promise<Record<string, Fn>> {
  return (await instantiateComponent(parseComponent(text))).exports as Record<string, Fn>;
}

/** `(if (i32.ne (expected) (actual)) (then unreachable))`. */
function expect(expected: string, actual: string): string {
  return `(if (i32.ne ${expected} ${actual}) (then unreachable))`;
}

test('waitable-set.new / poll / wait / drop, waitable.join and subtask.drop around an async call', async () => {
  const e = await exportsOf(`(component
    (component $C
      (canon task.return (result u32) (core func $ret))
      (core module $M
        (import "" "ret" (func $ret (param i32)))
        (global $n (mut i32) (i32.const 0))
        (func (export "slow") (result i32) (i32.const 1 (; YIELD ;)))
        (func (export "cb") (param i32 i32 i32) (result i32)
          (global.set $n (i32.add (global.get $n) (i32.const 1)))
          (if (result i32) (i32.lt_u (global.get $n) (i32.const 3))
            (then (i32.const 1))
            (else (call $ret (i32.const 5)) (i32.const 0)))))
      (core instance $m (instantiate $M (with "" (instance (export "ret" (func $ret))))))
      (func (export "slow") async (result u32) (canon lift (core func $m "slow") async (callback (core func $m "cb")))))
    (component $D
      (import "slow" (func $slow async (result u32)))
      (core module $Mem (memory (export "mem") 1))
      (core instance $mem (instantiate $Mem))
      (alias core export $mem "mem" (core memory $memory))
      (canon lower (func $slow) async (memory $memory) (core func $slow'))
      (canon waitable-set.new (core func $new))
      (canon waitable-set.wait (memory $memory) (core func $wait))
      (canon waitable-set.poll (memory $memory) (core func $poll))
      (canon waitable-set.drop (core func $drop))
      (canon waitable.join (core func $join))
      (canon subtask.drop (core func $sdrop))
      (canon task.return (result u32) (core func $ret))
      (core module $M
        (import "" "mem" (memory 1))
        (import "" "slow" (func $slow (param i32) (result i32)))
        (import "" "new" (func $new (result i32)))
        (import "" "wait" (func $wait (param i32 i32) (result i32)))
        (import "" "poll" (func $poll (param i32 i32) (result i32)))
        (import "" "drop" (func $drop (param i32)))
        (import "" "join" (func $join (param i32 i32)))
        (import "" "sdrop" (func $sdrop (param i32)))
        (import "" "ret" (func $ret (param i32)))
        (func (export "run")
          (local $ws i32) (local $r i32) (local $st i32)
          (local.set $ws (call $new))
          ${expect('(i32.const 1)', '(local.get $ws)')}
          ;; nothing to report yet: NONE, zeros
          ${expect('(i32.const 0)', '(call $poll (local.get $ws) (i32.const 16))')}
          ${expect('(i32.const 0)', '(i32.load (i32.const 16))')}
          ;; the callee yields: STARTED, subtask 2
          (local.set $r (call $slow (i32.const 8)))
          ${expect('(i32.const 0x21)', '(local.get $r)')}
          (local.set $st (i32.shr_u (local.get $r) (i32.const 4)))
          (call $join (local.get $st) (local.get $ws))
          ;; SUBTASK, index, RETURNED; the result was written through the out-pointer
          ${expect('(i32.const 1)', '(call $wait (local.get $ws) (i32.const 16))')}
          ${expect('(local.get $st)', '(i32.load (i32.const 16))')}
          ${expect('(i32.const 2)', '(i32.load (i32.const 20))')}
          (call $sdrop (local.get $st))
          (call $drop (local.get $ws))
          (call $ret (i32.load (i32.const 8)))))
      (core instance $m (instantiate $M (with "" (instance
        (export "mem" (memory $memory)) (export "slow" (func $slow')) (export "new" (func $new)) (export "wait" (func $wait))
        (export "poll" (func $poll)) (export "drop" (func $drop)) (export "join" (func $join)) (export "sdrop" (func $sdrop))
        (export "ret" (func $ret))))))
      (func (export "run") async (result u32) (canon lift (core func $m "run") async)))
    (instance $c (instantiate $C))
    (instance $d (instantiate $D (with "slow" (func $c "slow"))))
    (func (export "run") (alias export $d "run"))
  )`);
  assert.equal(await e.run(), 5);
});

test('subtask.cancel reaches a callee waiting cancellably; task.cancel confirms: CANCELLED_BEFORE_RETURNED', async () => {
  const e = await exportsOf(`(component
    (component $C
      (canon waitable-set.new (core func $new))
      (canon task.cancel (core func $cancel))
      (core module $M
        (import "" "new" (func $new (result i32)))
        (import "" "cancel" (func $cancel))
        (global $seen (mut i32) (i32.const 0))
        ;; wait forever on an empty set: only cancellation ends it
        (func (export "stuck") (result i32) (i32.or (i32.const 2) (i32.shl (call $new) (i32.const 4))))
        (func (export "cb") (param $code i32) (param i32 i32) (result i32)
          (global.set $seen (local.get $code))
          (call $cancel)
          (i32.const 0))
        (func (export "seen") (result i32) (global.get $seen)))
      (core instance $m (instantiate $M (with "" (instance (export "new" (func $new)) (export "cancel" (func $cancel))))))
      (func (export "stuck") async (canon lift (core func $m "stuck") async (callback (core func $m "cb"))))
      (func (export "seen") (result u32) (canon lift (core func $m "seen"))))
    (component $D
      (import "stuck" (func $stuck async))
      (canon lower (func $stuck) async (core func $stuck'))
      (canon subtask.cancel async (core func $scancel))
      (canon subtask.drop (core func $sdrop))
      (canon task.return (result u32) (core func $ret))
      (core module $M
        (import "" "stuck" (func $stuck (result i32)))
        (import "" "scancel" (func $scancel (param i32) (result i32)))
        (import "" "sdrop" (func $sdrop (param i32)))
        (import "" "ret" (func $ret (param i32)))
        (func (export "run") (result i32)
          (local $r i32) (local $st i32)
          (local.set $r (call $stuck))
          ${expect('(i32.const 1)', '(i32.and (local.get $r) (i32.const 0xf))')}
          (local.set $st (i32.shr_u (local.get $r) (i32.const 4)))
          ;; delivered at once to the waiting callback, which cancels: state 4
          (call $ret (call $scancel (local.get $st)))
          (call $sdrop (local.get $st))
          (i32.const 0))
        (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
      (core instance $m (instantiate $M (with "" (instance
        (export "stuck" (func $stuck')) (export "scancel" (func $scancel)) (export "sdrop" (func $sdrop)) (export "ret" (func $ret))))))
      (func (export "run") async (result u32) (canon lift (core func $m "run") async (callback (core func $m "cb")))))
    (instance $c (instantiate $C))
    (instance $d (instantiate $D (with "stuck" (func $c "stuck"))))
    (func (export "run") (alias export $d "run"))
    (func (export "seen") (alias export $c "seen"))
  )`);
  assert.equal(await e.run(), 4 /* CANCELLED_BEFORE_RETURNED */);
  assert.equal(e.seen(), 6 /* TASK_CANCELLED */);
});

test('backpressure.inc holds async calls before they start; backpressure.dec lets them in', async () => {
  const e = await exportsOf(`(component
    (canon backpressure.inc (core func $inc))
    (canon backpressure.dec (core func $dec))
    (canon task.return (result u32) (core func $ret))
    (core module $M
      (import "" "inc" (func $inc))
      (import "" "dec" (func $dec))
      (import "" "ret" (func $ret (param i32)))
      (global $n (mut i32) (i32.const 0))
      (func (export "hold") (call $inc))
      (func (export "release") (call $dec))
      (func (export "peek") (result i32) (global.get $n))
      (func (export "tick")
        (global.set $n (i32.add (global.get $n) (i32.const 1)))
        (call $ret (global.get $n))))
    (core instance $m (instantiate $M (with "" (instance (export "inc" (func $inc)) (export "dec" (func $dec)) (export "ret" (func $ret))))))
    (func (export "hold") (canon lift (core func $m "hold")))
    (func (export "release") (canon lift (core func $m "release")))
    (func (export "peek") (result u32) (canon lift (core func $m "peek")))
    (func (export "tick") async (result u32) (canon lift (core func $m "tick") async))
  )`);
  e.hold();
  const a = e.tick();
  const b = e.tick();
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(e.peek(), 0, 'no call started under backpressure');
  e.release();
  assert.deepEqual(await Promise.all([a, b]), [1, 2]);
});

test('context.get / context.set are per task; thread.yield lets the other task run', async () => {
  const e = await exportsOf(`(component
    (canon context.get i32 0 (core func $get))
    (canon context.set i32 0 (core func $set))
    (canon thread.yield (core func $yield))
    (canon task.return (result u32) (core func $ret))
    (core module $M
      (import "" "get" (func $get (result i32)))
      (import "" "set" (func $set (param i32)))
      (import "" "yield" (func $yield (result i32)))
      (import "" "ret" (func $ret (param i32)))
      (func (export "mine") (param $x i32)
        ${expect('(i32.const 0)', '(call $get)')}
        (call $set (local.get $x))
        (drop (call $yield))
        (drop (call $yield))
        (call $ret (call $get))))
    (core instance $m (instantiate $M (with "" (instance
      (export "get" (func $get)) (export "set" (func $set)) (export "yield" (func $yield)) (export "ret" (func $ret))))))
    (func (export "mine") async (param "x" u32) (result u32) (canon lift (core func $m "mine") async))
  )`);
  assert.deepEqual(await Promise.all([e.mine(11), e.mine(22), e.mine(33)]), [11, 22, 33]);
});

test('threads: thread.new-indirect, thread.index, thread.resume-later, thread.suspend and thread.yield', async () => {
  const e = await exportsOf(`(component
    (core module $Table (table (export "t") 1 funcref))
    (core instance $table (instantiate $Table))
    (alias core export $table "t" (core table $t))
    (core type $start (func (param i32)))
    (canon thread.new-indirect $start (core table $t) (core func $new))
    (canon thread.index (core func $index))
    (canon thread.resume-later (core func $later))
    (canon thread.suspend (core func $suspend))
    (canon thread.yield (core func $yield))
    (canon task.return (result u32) (core func $ret))
    (core module $M
      (import "" "new" (func $new (param i32 i32) (result i32)))
      (import "" "index" (func $index (result i32)))
      (import "" "later" (func $later (param i32)))
      (import "" "suspend" (func $suspend (result i32)))
      (import "" "yield" (func $yield (result i32)))
      (import "" "ret" (func $ret (param i32)))
      (import "" "t" (table 1 funcref))
      (global $main (mut i32) (i32.const 0))
      (global $sum (mut i32) (i32.const 0))
      (func $worker (param $c i32)
        ;; another thread of the same task, with its own index
        (if (i32.eq (call $index) (global.get $main)) (then unreachable))
        (global.set $sum (i32.add (global.get $sum) (local.get $c)))
        ;; wake the main thread, which suspended itself
        (call $later (global.get $main)))
      (elem (i32.const 0) func $worker)
      (func (export "run")
        (local $t i32)
        (global.set $main (call $index))
        (local.set $t (call $new (i32.const 0) (i32.const 40)))
        (call $later (local.get $t))
        (drop (call $suspend))
        (drop (call $yield))
        (call $ret (i32.add (global.get $sum) (i32.const 2)))))
    (core instance $m (instantiate $M (with "" (instance
      (export "new" (func $new)) (export "index" (func $index)) (export "later" (func $later)) (export "suspend" (func $suspend))
      (export "yield" (func $yield)) (export "ret" (func $ret)) (export "t" (table $t))))))
    (func (export "run") async (result u32) (canon lift (core func $m "run") async))
  )`);
  assert.equal(await e.run(), 42);
});

test('cancel-read / cancel-write give a copy back; drop-readable / drop-writable tell the other end', async () => {
  const e = await exportsOf(`(component
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "mem" (core memory $memory))
    (type $ST (stream u8))
    (type $FT (future u8))
    (canon stream.new $ST (core func $snew))
    (canon stream.read $ST async (memory $memory) (core func $sread))
    (canon stream.write $ST async (memory $memory) (core func $swrite))
    (canon stream.cancel-read $ST (core func $scr))
    (canon stream.cancel-write $ST (core func $scw))
    (canon stream.drop-readable $ST (core func $sdr))
    (canon stream.drop-writable $ST (core func $sdw))
    (canon future.new $FT (core func $fnew))
    (canon future.read $FT async (memory $memory) (core func $fread))
    (canon future.cancel-read $FT (core func $fcr))
    (canon future.write $FT async (memory $memory) (core func $fwrite))
    (canon future.drop-readable $FT (core func $fdr))
    (canon future.drop-writable $FT (core func $fdw))
    (canon task.return (result u32) (core func $ret))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "snew" (func $snew (result i64)))
      (import "" "sread" (func $sread (param i32 i32 i32) (result i32)))
      (import "" "swrite" (func $swrite (param i32 i32 i32) (result i32)))
      (import "" "scr" (func $scr (param i32) (result i32)))
      (import "" "scw" (func $scw (param i32) (result i32)))
      (import "" "sdr" (func $sdr (param i32)))
      (import "" "sdw" (func $sdw (param i32)))
      (import "" "fnew" (func $fnew (result i64)))
      (import "" "fread" (func $fread (param i32 i32) (result i32)))
      (import "" "fcr" (func $fcr (param i32) (result i32)))
      (import "" "fwrite" (func $fwrite (param i32 i32) (result i32)))
      (import "" "fdr" (func $fdr (param i32)))
      (import "" "fdw" (func $fdw (param i32)))
      (import "" "ret" (func $ret (param i32)))
      (func (export "run")
        (local $ends i64) (local $r i32) (local $w i32)
        (local.set $ends (call $snew))
        (local.set $r (i32.wrap_i64 (local.get $ends)))
        (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
        ;; a read with no writer blocks; cancelling it: CANCELLED, nothing read
        ${expect('(i32.const -1)', '(call $sread (local.get $r) (i32.const 0) (i32.const 4))')}
        ${expect('(i32.const 2)', '(call $scr (local.get $r))')}
        ;; the same for a write with no reader
        ${expect('(i32.const -1)', '(call $swrite (local.get $w) (i32.const 0) (i32.const 4))')}
        ${expect('(i32.const 2)', '(call $scw (local.get $w))')}
        ;; the reader drops: the writer's next write reports DROPPED, and it drops too
        (call $sdr (local.get $r))
        ${expect('(i32.const 1)', '(call $swrite (local.get $w) (i32.const 0) (i32.const 4))')}
        (call $sdw (local.get $w))
        ;; a future: read, cancel, then written and read
        (local.set $ends (call $fnew))
        (local.set $r (i32.wrap_i64 (local.get $ends)))
        (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
        ${expect('(i32.const -1)', '(call $fread (local.get $r) (i32.const 32))')}
        ${expect('(i32.const 2)', '(call $fcr (local.get $r))')}
        (i32.store8 (i32.const 40) (i32.const 42))
        ${expect('(i32.const -1)', '(call $fwrite (local.get $w) (i32.const 40))')}
        ${expect('(i32.const 0)', '(call $fread (local.get $r) (i32.const 32))')}
        (call $fdr (local.get $r))
        (call $ret (i32.load8_u (i32.const 32)))))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $memory)) (export "snew" (func $snew)) (export "sread" (func $sread)) (export "swrite" (func $swrite))
      (export "scr" (func $scr)) (export "scw" (func $scw)) (export "sdr" (func $sdr)) (export "sdw" (func $sdw))
      (export "fnew" (func $fnew)) (export "fread" (func $fread)) (export "fcr" (func $fcr)) (export "fwrite" (func $fwrite))
      (export "fdr" (func $fdr)) (export "fdw" (func $fdw)) (export "ret" (func $ret))))))
    (func (export "run") async (result u32) (canon lift (core func $m "run") async))
  )`);
  assert.equal(await e.run(), 42);
});
