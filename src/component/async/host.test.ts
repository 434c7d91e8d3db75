// The host's view of Component Model async (async/index.ts): async exports return promises,
// async host imports may return promises (the guest's stack suspends meanwhile), streams and
// futures cross as ComponentStream / ComponentFuture and as web streams, iterables and promises.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ComponentError, Trap } from '../../core/errors.ts';
import { parseComponent } from '../text/parse.ts';
import { ComponentFuture, ComponentStream, ErrorContext, instantiateComponent, onUncaughtTrap } from '../link/index.ts';

type Fn = (...args: unknown[]) => unknown;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A memory and a bump allocator, shared by the fixtures below. */
const LIBC = `
  (core module $Libc
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "mem" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))`;

test('an async export returns a promise; task.return gives its value (stackful lift)', async () => {
  const { exports } = await instantiateComponent(parseComponent(`(component
    (canon task.return (result u32) (core func $ret))
    (core module $M
      (import "" "ret" (func $ret (param i32)))
      (func (export "double") (param i32) (call $ret (i32.mul (local.get 0) (i32.const 2)))))
    (core instance $m (instantiate $M (with "" (instance (export "ret" (func $ret))))))
    (func (export "double") async (param "n" u32) (result u32) (canon lift (core func $m "double") async))
  )`));
  const p = (exports.double as Fn)(21);
  assert.ok(p instanceof Promise);
  assert.equal(await p, 42);
});

test('a callback lift: EXIT, YIELD and WAIT codes, the event loop calls back', async () => {
  const { exports } = await instantiateComponent(parseComponent(`(component
    (canon task.return (result u32) (core func $ret))
    (core module $M
      (import "" "ret" (func $ret (param i32)))
      (global $n (mut i32) (i32.const 0))
      (func (export "now") (result i32) (call $ret (i32.const 7)) (i32.const 0 (; EXIT ;)))
      (func (export "later") (result i32) (global.set $n (i32.const 0)) (i32.const 1 (; YIELD ;)))
      (func (export "cb") (param i32 i32 i32) (result i32)
        (global.set $n (i32.add (global.get $n) (i32.const 1)))
        (if (result i32) (i32.lt_u (global.get $n) (i32.const 3))
          (then (i32.const 1 (; YIELD ;)))
          (else (call $ret (global.get $n)) (i32.const 0 (; EXIT ;))))))
    (core instance $m (instantiate $M (with "" (instance (export "ret" (func $ret))))))
    (func (export "now") async (result u32) (canon lift (core func $m "now") async (callback (core func $m "cb"))))
    (func (export "later") async (result u32) (canon lift (core func $m "later") async (callback (core func $m "cb"))))
  )`));
  assert.equal(await (exports.now as Fn)(), 7);
  assert.equal(await (exports.later as Fn)(), 3);
});

const SLEEPER = `(component
  (import "sleep" (func $sleep async (param "ms" u32) (result u32)))
  (canon lower (func $sleep) (core func $sleep'))
  (canon task.return (result u32) (core func $ret))
  (core module $M
    (import "" "sleep" (func $sleep (param i32) (result i32)))
    (import "" "ret" (func $ret (param i32)))
    (func (export "run") (param i32) (call $ret (i32.add (call $sleep (local.get 0)) (i32.const 1)))))
  (core instance $m (instantiate $M (with "" (instance (export "sleep" (func $sleep')) (export "ret" (func $ret))))))
  (func (export "run") async (param "ms" u32) (result u32) (canon lift (core func $m "run") async))
)`;

test('an async host import returns a promise: the guest waits on its own stack, calls run concurrently', async () => {
  const log: string[] = [];
  const { exports } = await instantiateComponent(parseComponent(SLEEPER), {
    sleep: async (ms: number) => {
      log.push(`sleep ${ms}`);
      await sleep(ms);
      log.push(`woke ${ms}`);
      return ms * 10;
    },
  });
  const run = exports.run as Fn;
  const [a, b] = await Promise.all([run(20), run(1)]);
  assert.deepEqual([a, b], [201, 11]);
  // Both calls started before either finished; the shorter one finished first.
  assert.deepEqual(log, ['sleep 20', 'sleep 1', 'woke 1', 'woke 20']);
});

test('a result<T, E> of an async export resolves with ok and rejects with a ComponentError for err', async () => {
  const { exports } = await instantiateComponent(parseComponent(`(component
    (canon task.return (result (result u32 (error u8))) (core func $ret))
    (core module $M
      (import "" "ret" (func $ret (param i32 i32)))
      (func (export "check") (param i32)
        (if (i32.lt_u (local.get 0) (i32.const 10))
          (then (call $ret (i32.const 0) (local.get 0)))
          (else (call $ret (i32.const 1) (i32.const 99))))))
    (core instance $m (instantiate $M (with "" (instance (export "ret" (func $ret))))))
    (func (export "check") async (param "n" u32) (result (result u32 (error u8))) (canon lift (core func $m "check") async))
  )`));
  assert.equal(await (exports.check as Fn)(3), 3);
  await assert.rejects((exports.check as Fn)(30) as Promise<unknown>, (e) => e instanceof ComponentError && e.payload === 99);
});

test('a trap rejects the promise and poisons the instance; a host import failing rejects it too', async () => {
  const { exports } = await instantiateComponent(parseComponent(SLEEPER), {
    sleep: async (ms: number) => {
      if (ms === 0) throw new TypeError('no sleep for you');
      return ms;
    },
  });
  await assert.rejects((exports.run as Fn)(0) as Promise<unknown>, /no sleep for you/);
  const trapping = await instantiateComponent(parseComponent(`(component
    (core module $M (func (export "f") unreachable))
    (core instance $m (instantiate $M))
    (func (export "f") async (canon lift (core func $m "f") async))
  )`));
  await assert.rejects((trapping.exports.f as Fn)() as Promise<unknown>, (e) => e instanceof Trap && e.kind === 'unreachable');
  await assert.rejects((trapping.exports.f as Fn)() as Promise<unknown>, /cannot enter component instance/);
});

test('a call that can never finish is a deadlock (with the `deadlock: \'trap\'` option)', async () => {
  const { exports } = await instantiateComponent(parseComponent(`(component
    (canon waitable-set.new (core func $new))
    (core module $M
      (import "" "new" (func $new (result i32)))
      (func (export "f") (result i32) (i32.or (i32.const 2 (; WAIT ;)) (i32.shl (call $new) (i32.const 4))))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
    (core instance $m (instantiate $M (with "" (instance (export "new" (func $new))))))
    (func (export "f") async (canon lift (core func $m "f") async (callback (core func $m "cb"))))
  )`), {}, { deadlock: 'trap' });
  await assert.rejects((exports.f as Fn)() as Promise<unknown>, /deadlock detected: event loop cannot make further progress/);
});

const SUM = `(component ${LIBC}
  (type $ST (stream u8))
  (canon stream.read $ST (memory $mem) (core func $read))
  (canon stream.drop-readable $ST (core func $drop))
  (canon task.return (result u32) (core func $ret))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "read" (func $read (param i32 i32 i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "ret" (func $ret (param i32)))
    (func (export "sum") (param $s i32)
      (local $r i32) (local $n i32) (local $i i32) (local $sum i32)
      (loop $chunks
        ;; read up to 3 bytes at 100: COMPLETED | n << 4, or DROPPED once the writer is done
        (local.set $r (call $read (local.get $s) (i32.const 100) (i32.const 3)))
        (local.set $n (i32.shr_u (local.get $r) (i32.const 4)))
        (local.set $i (i32.const 0))
        (block $done (loop $bytes
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $sum (i32.add (local.get $sum) (i32.load8_u offset=100 (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $bytes)))
        (br_if $chunks (i32.eqz (i32.and (local.get $r) (i32.const 0xf)))))
      (call $drop (local.get $s))
      (call $ret (local.get $sum))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem)) (export "read" (func $read)) (export "drop" (func $drop)) (export "ret" (func $ret))))))
  (func (export "sum") async (param "s" (stream u8)) (result u32) (canon lift (core func $m "sum") async))
)`;

test('JavaScript streams into a component: a web ReadableStream, an async iterable, a single chunk', async () => {
  const { exports } = await instantiateComponent(parseComponent(SUM));
  const sum = exports.sum as Fn;
  const web = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new Uint8Array([1, 2, 3, 4, 5]));
      c.enqueue(new Uint8Array([6]));
      c.close();
    },
  });
  assert.equal(await sum(web), 21);
  async function* gen() {
    for (let i = 0; i < 10; i++) {
      await sleep(0);
      yield [i, i];
    }
  }
  assert.equal(await sum(gen()), 90);
  assert.equal(await sum(new Uint8Array([200, 100, 1])), 301);
});

const COUNT_UP = `(component ${LIBC}
  (type $ST (stream u8))
  (canon stream.new $ST (core func $new))
  (canon stream.write $ST (memory $mem) (core func $write))
  (canon stream.drop-writable $ST (core func $drop))
  (canon task.return (result $ST) (core func $ret))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "new" (func $new (result i64)))
    (import "" "write" (func $write (param i32 i32 i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "ret" (func $ret (param i32)))
    (func (export "count-up") (param $n i32)
      (local $ends i64) (local $w i32) (local $i i32) (local $r i32)
      (local.set $ends (call $new))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (call $ret (i32.wrap_i64 (local.get $ends)))
      (block $done (loop $fill
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 offset=200 (local.get $i) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
      ;; write the first two bytes, then the rest; a write blocks until the reader took
      ;; some, which may be fewer than written: write the rest again
      (local.set $r (call $write (local.get $w) (i32.const 200) (i32.const 2)))
      (local.set $i (i32.const 2))
      (loop $rest
        (local.set $r (call $write (local.get $w) (i32.add (i32.const 200) (local.get $i)) (i32.sub (local.get $n) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.shr_u (local.get $r) (i32.const 4))))
        (br_if $rest (i32.lt_u (local.get $i) (local.get $n))))
      (call $drop (local.get $w))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem)) (export "new" (func $new)) (export "write" (func $write)) (export "drop" (func $drop)) (export "ret" (func $ret))))))
  (func (export "count-up") async (param "n" u32) (result $ST) (canon lift (core func $m "count-up") async))
)`;

test('a component streams to JavaScript: read(), async iteration, getReader() and a web ReadableStream', async () => {
  const { exports } = await instantiateComponent(parseComponent(COUNT_UP));
  const countUp = exports['count-up'] as Fn;
  const s = await countUp(6) as ComponentStream;
  assert.ok(s instanceof ComponentStream);
  assert.equal(s.chunkKind, 'bytes');
  assert.deepEqual(await s.read(), new Uint8Array([0, 1]));
  assert.deepEqual(await s.read(), new Uint8Array([2, 3, 4, 5]));
  assert.equal(await s.read(), undefined);
  const all: number[] = [];
  for await (const chunk of await countUp(5) as ComponentStream) all.push(...chunk as Uint8Array);
  assert.deepEqual(all, [0, 1, 2, 3, 4]);
  const reader = (await countUp(3) as ComponentStream).getReader();
  assert.deepEqual(await reader.read(), { done: false, value: new Uint8Array([0, 1]) });
  assert.deepEqual(await reader.read(), { done: false, value: new Uint8Array([2]) });
  assert.deepEqual(await reader.read(), { done: true, value: undefined });
  const web = (await countUp(4) as ComponentStream).readable;
  assert.ok(web instanceof ReadableStream);
  const bytes = new Uint8Array(await new Response(web as ReadableStream<Uint8Array>).arrayBuffer());
  assert.deepEqual([...bytes], [0, 1, 2, 3]);
});

test('a stream JavaScript drops unread is dropped when collected: the writer sees DROPPED', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { exports } = await instantiateComponent(parseComponent(COUNT_UP));
  // The writer loops until everything is written, or the reader dropped (DROPPED ends it
  // with fewer bytes: the loop exits when a write reports progress 0 and DROPPED).
  let s: unknown = await (exports['count-up'] as Fn)(6);
  assert.ok(s instanceof ComponentStream);
  const weak = new WeakRef(s);
  s = undefined;
  // deref() keeps its target alive to the end of the job: collect in a later one, then look.
  let collected = false;
  for (let i = 0; i < 20 && !collected; i++) {
    await sleep(1);
    gc();
    collected = weak.deref() === undefined;
  }
  assert.ok(collected);
  // The writer is told once the registry's cleanup has run: its next write, on an end whose
  // reader dropped, traps. Tasks run while JavaScript waits for something: read streams of
  // another instance meanwhile (the trap poisons the writer's instance) until it happened.
  let trap: unknown;
  onUncaughtTrap((e) => { trap = e; });
  try {
    const other = await instantiateComponent(parseComponent(COUNT_UP));
    for (let i = 0; i < 100 && trap === undefined; i++) {
      await sleep(2);
      for await (const chunk of await (other.exports['count-up'] as Fn)(4) as ComponentStream) void chunk;
    }
  } finally {
    onUncaughtTrap(undefined);
  }
  assert.match(String(trap), /cannot write to stream after being notified that the readable end dropped/);
});

test('a component stream passed to another component moves its readable end (no JavaScript copy)', async () => {
  const producer = await instantiateComponent(parseComponent(COUNT_UP));
  const consumer = await instantiateComponent(parseComponent(SUM));
  const s = await (producer.exports['count-up'] as Fn)(10);
  assert.equal(await (consumer.exports.sum as Fn)(s), 45);
  // Once passed on, JavaScript cannot read it.
  await assert.rejects(async () => (consumer.exports.sum as Fn)(s), /already read or passed on/);
});

test('when a writer traps, its instance\'s streams end for their readers instead of hanging', async () => {
  const { exports } = await instantiateComponent(parseComponent(`(component ${LIBC}
    (type $ST (stream u8))
    (canon stream.new $ST (core func $new))
    (canon stream.write $ST (memory $mem) (core func $write))
    (canon task.return (result $ST) (core func $ret))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "new" (func $new (result i64)))
      (import "" "write" (func $write (param i32 i32 i32) (result i32)))
      (import "" "ret" (func $ret (param i32)))
      (func (export "f")
        (local $ends i64)
        (local.set $ends (call $new))
        (call $ret (i32.wrap_i64 (local.get $ends)))
        (i32.store (i32.const 100) (i32.const 0x0201))
        (drop (call $write (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))) (i32.const 100) (i32.const 2)))
        unreachable))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem)) (export "new" (func $new)) (export "write" (func $write)) (export "ret" (func $ret))))))
    (func (export "f") async (result $ST) (canon lift (core func $m "f") async))
  )`));
  let trap: unknown;
  onUncaughtTrap((e) => { trap = e; });
  try {
    const s = await (exports.f as Fn)() as ComponentStream;
    assert.deepEqual(await s.read(), new Uint8Array([1, 2]));
    assert.equal(await s.read(), undefined);
  } finally {
    onUncaughtTrap(undefined);
  }
  assert.ok(trap instanceof Trap && trap.kind === 'unreachable');
});

const FUTURES = `(component ${LIBC}
  (type $FT (future u32))
  (canon future.new $FT (core func $new))
  (canon future.write $FT (memory $mem) (core func $write))
  (canon future.write $FT async (memory $mem) (core func $writeAsync))
  (canon future.read $FT (memory $mem) (core func $read))
  (canon future.drop-writable $FT (core func $dropw))
  (canon future.drop-readable $FT (core func $dropr))
  (canon task.return (result $FT) (core func $retf))
  (canon task.return (result u32) (core func $ret))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "new" (func $new (result i64)))
 (import "" "write" (func $write (param i32 i32) (result i32)))
    (import "" "writeAsync" (func $writeAsync (param i32 i32) (result i32)))
    (import "" "read" (func $read (param i32 i32) (result i32)))
    (import "" "dropw" (func $dropw (param i32)))
    (import "" "dropr" (func $dropr (param i32)))
    (import "" "retf" (func $retf (param i32)))
    (import "" "ret" (func $ret (param i32)))
    (func (export "later") (param $x i32)
      (local $ends i64) (local $w i32)
      (local.set $ends (call $new))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (call $retf (i32.wrap_i64 (local.get $ends)))
      (i32.store (i32.const 300) (i32.add (local.get $x) (i32.const 1)))
      (drop (call $write (local.get $w) (i32.const 300)))
      (call $dropw (local.get $w)))
    (func (export "await") (param $f i32)
      (drop (call $read (local.get $f) (i32.const 304)))
      (call $dropr (local.get $f))
      (call $ret (i32.mul (i32.load (i32.const 304)) (i32.const 2))))
    (func (export "ready") (param $x i32) (result i32)
      ;; a synchronous function: the write waits in the future for its reader
      (local $ends i64)
      (local.set $ends (call $new))
      (i32.store (i32.const 308) (local.get $x))
      (drop (call $writeAsync (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))) (i32.const 308)))
      (i32.wrap_i64 (local.get $ends))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem)) (export "new" (func $new)) (export "write" (func $write)) (export "writeAsync" (func $writeAsync))
    (export "read" (func $read)) (export "dropw" (func $dropw)) (export "dropr" (func $dropr)) (export "retf" (func $retf)) (export "ret" (func $ret))))))
  (func (export "later") async (param "x" u32) (result $FT) (canon lift (core func $m "later") async))
  (func (export "await") async (param "f" $FT) (result u32) (canon lift (core func $m "await") async))
  (func (export "ready") (param "x" u32) (result $FT) (canon lift (core func $m "ready")))
)`;

test('futures: a component future is a promise-like for JavaScript, and promises go into components', async () => {
  const { exports } = await instantiateComponent(parseComponent(FUTURES));
  // A future is promise-like: the promise of an async export resolves through it.
  assert.equal(await (exports.later as Fn)(41), 42);
  const f = (exports.ready as Fn)(12);
  assert.ok(f instanceof ComponentFuture);
  assert.equal(await f, 12);
  assert.equal(await f, 12);
  assert.equal(await (exports.await as Fn)(Promise.resolve(5)), 10);
  assert.equal(await (exports.await as Fn)(sleep(5).then(() => 8)), 16);
  assert.equal(await (exports.await as Fn)(3), 6);
  // A component's future goes straight into a component; so does the promise of one.
  assert.equal(await (exports.await as Fn)((exports.ready as Fn)(9)), 18);
  assert.equal(await (exports.await as Fn)((exports.later as Fn)(9)), 20);
});

test('error contexts: made from a message in memory, handed to JavaScript, given back, dropped', async () => {
  const { exports } = await instantiateComponent(parseComponent(`(component ${LIBC}
    (canon error-context.new (memory $mem) (core func $new))
    (canon error-context.debug-message (memory $mem) (realloc $realloc) (core func $msg))
    (canon error-context.drop (core func $drop))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "new" (func $new (param i32 i32) (result i32)))
      (import "" "msg" (func $msg (param i32 i32)))
      (import "" "drop" (func $drop (param i32)))
      (data (i32.const 64) "disk full")
      (func (export "make") (result i32) (call $new (i32.const 64) (i32.const 9)))
      (func (export "message") (param i32) (result i32)
        (call $msg (local.get 0) (i32.const 32))
        (call $drop (local.get 0))
        (i32.const 32)))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem)) (export "new" (func $new)) (export "msg" (func $msg)) (export "drop" (func $drop))))))
    (func (export "make") (result error-context) (canon lift (core func $m "make")))
    (func (export "message") (param "e" error-context) (result string) (canon lift (core func $m "message") (memory $mem) (realloc $realloc)))
  )`));
  const e = (exports.make as Fn)() as ErrorContext;
  assert.ok(e instanceof ErrorContext);
  assert.equal(e.debugMessage, 'disk full');
  assert.equal((exports.message as Fn)(e), 'disk full');
  assert.equal((exports.message as Fn)(new Error('from the host')), 'from the host');
});
