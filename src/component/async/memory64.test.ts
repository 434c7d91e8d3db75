// 🐘 The async built-ins over 64-bit memories (CanonicalABI.md: `stream.read/write` as
// `(func (param i32 T T) (result T))`, `future.read/write` `(param i32 T)`,
// `waitable-set.wait/poll` `(param i32 T)`, `error-context.new` `(param T T)`,
// `error-context.debug-message` `(param i32 T)`, `task.return` through a 64-bit memory; T the
// memory's address type). One component text, written for either address type: a stream<u8>
// written then read (BLOCKED is 0xffff_ffff, not -1, as an i64), the writer's event through
// a waitable set, a future, an error context's message stored with realloc, and the result
// returned as a string. Core code checks each answer (`unreachable` otherwise); both address
// types must give the same result. Then async-typed functions between two 64-bit components:
// a string lifted `async` (task.return through memory), lowered both synchronously and `async`
// (i64 parameters and i64 out-pointers).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Trap } from '../../core/errors.ts';
import { parseComponent } from '../text/parse.ts';
import { instantiateComponent } from '../link/index.ts';

type A = 'i32' | 'i64';
type Fn = (...args: unknown[]) => unknown;

function text(a: A, streamPtr = '(A.const 100)'): string {
  const S = a === 'i64' ? 8 : 4;
  const expect = (t: string, expected: string, actual: string): string => `(if (${t}.ne ${expected} ${actual}) (then unreachable))`;
  const toI32 = (x: string): string => (a === 'i64' ? `(i32.wrap_i64 ${x})` : x);
  const body = `
      (local $ends i64) (local $r i32) (local $w i32) (local $ws i32) (local $ec i32)
      (local.set $ends (call $snew))
      (local.set $r (i32.wrap_i64 (local.get $ends)))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      ;; "hello" at 100
      (i64.store (A.const 100) (i64.const 0x6f6c6c6568))
      ;; no reader yet: the write is BLOCKED
      ${expect('A', '(A.const 0xffff_ffff)', `(call $swrite (local.get $w) ${streamPtr} (A.const 5))`)}
      ;; the read takes all five: COMPLETED | 5 << 4
      ${expect('A', '(A.const 0x50)', '(call $sread (local.get $r) (A.const 200) (A.const 8))')}
      ;; nothing pending in a new set; then the writer's event: STREAM_WRITE, its index, COMPLETED | 5 << 4
      (local.set $ws (call $new))
      ${expect('i32', '(i32.const 0)', '(call $poll (local.get $ws) (A.const 300))')}
      (call $join (local.get $w) (local.get $ws))
      ${expect('i32', '(i32.const 3)', '(call $wait (local.get $ws) (A.const 300))')}
      ${expect('i32', '(local.get $w)', '(i32.load (A.const 300))')}
      ${expect('i32', '(i32.const 0x50)', '(i32.load (A.const 304))')}
      ;; a future of u8: read (BLOCKED), written (COMPLETED), read again
      (local.set $ends (call $fnew))
      (local.set $r (i32.wrap_i64 (local.get $ends)))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (i32.store8 (A.const 610) (i32.const 42))
      ${expect('i32', '(i32.const -1)', '(call $fwrite (local.get $w) (A.const 610))')}
      ${expect('i32', '(i32.const 0)', '(call $fread (local.get $r) (A.const 600))')}
      ${expect('i32', '(i32.const 42)', '(i32.load8_u (A.const 600))')}
      ;; an error context from "oops" at 400; its message stored (with realloc) at 512
      (i32.store (A.const 400) (i32.const 0x73706f6f))
      (local.set $ec (call $ecnew (A.const 400) (A.const 4)))
      (call $ecmsg (local.get $ec) (A.const 512))
      ${expect('i32', '(i32.const 4)', toI32(`(A.load (A.const ${512 + S}))`))}
      ${expect('i32', '(i32.const 0x73706f6f)', '(i32.load (A.load (A.const 512)))')}
      (call $ret (A.const 200) (A.const 5))`;
  return `(component
    (core module $Libc
      (memory (export "mem") A 1)
      (global $top (mut A) (A.const 4096))
      (func (export "realloc") (param A A A A) (result A)
        (local $p A)
        (local.set $p (global.get $top))
        (global.set $top (A.add (global.get $top) (A.const 64)))
        (local.get $p)))
    (core instance $libc (instantiate $Libc))
    (alias core export $libc "mem" (core memory $memory))
    (alias core export $libc "realloc" (core func $realloc))
    (type $ST (stream u8))
    (type $FT (future u8))
    (canon stream.new $ST (core func $snew))
    (canon stream.read $ST async (memory $memory) (core func $sread))
    (canon stream.write $ST async (memory $memory) (core func $swrite))
    (canon future.new $FT (core func $fnew))
    (canon future.read $FT async (memory $memory) (core func $fread))
    (canon future.write $FT async (memory $memory) (core func $fwrite))
    (canon waitable-set.new (core func $new))
    (canon waitable-set.wait (memory $memory) (core func $wait))
    (canon waitable-set.poll (memory $memory) (core func $poll))
    (canon waitable.join (core func $join))
    (canon error-context.new (memory $memory) (core func $ecnew))
    (canon error-context.debug-message (memory $memory) (realloc $realloc) (core func $ecmsg))
    (canon task.return (result string) (memory $memory) (core func $ret))
    (core module $M
      (import "" "mem" (memory A 1))
      (import "" "snew" (func $snew (result i64)))
      (import "" "sread" (func $sread (param i32 A A) (result A)))
      (import "" "swrite" (func $swrite (param i32 A A) (result A)))
      (import "" "fnew" (func $fnew (result i64)))
      (import "" "fread" (func $fread (param i32 A) (result i32)))
      (import "" "fwrite" (func $fwrite (param i32 A) (result i32)))
      (import "" "new" (func $new (result i32)))
      (import "" "wait" (func $wait (param i32 A) (result i32)))
      (import "" "poll" (func $poll (param i32 A) (result i32)))
      (import "" "join" (func $join (param i32 i32)))
      (import "" "ecnew" (func $ecnew (param A A) (result i32)))
      (import "" "ecmsg" (func $ecmsg (param i32 A)))
      (import "" "ret" (func $ret (param A A)))
      (func (export "run") ${body}))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $memory)) (export "snew" (func $snew)) (export "sread" (func $sread)) (export "swrite" (func $swrite))
      (export "fnew" (func $fnew)) (export "fread" (func $fread)) (export "fwrite" (func $fwrite))
      (export "new" (func $new)) (export "wait" (func $wait)) (export "poll" (func $poll)) (export "join" (func $join))
      (export "ecnew" (func $ecnew)) (export "ecmsg" (func $ecmsg)) (export "ret" (func $ret))))))
    (func (export "run") async (result string) (canon lift (core func $m "run") async (memory $memory) (realloc $realloc)))
  )`.replaceAll(/\bA\b(?=[ .)])/g, a);
}

async function run(t: string): Promise<unknown> {
  const e = (await instantiateComponent(parseComponent(t))).exports as Record<string, Fn>;
  return await e.run();
}

test('async built-ins with a 64-bit memory answer as with a 32-bit one', async () => {
  assert.equal(await run(text('i32')), 'hello');
  assert.equal(await run(text('i64')), 'hello');
});

test('a stream buffer past 4 GiB of a 64-bit memory traps (it is not cut to 32 bits)', async () => {
  // 0x1_0000_0064 would be 100, in bounds, if the pointer lost its high half.
  await assert.rejects(run(text('i64', '(i64.const 0x1_0000_0064)')), (e: unknown) => e instanceof Trap && /out of bounds/.test(e.message));
  assert.equal(await run(text('i64', '(i64.const 100)')), 'hello');
});

function asyncFuncs(a: A): string {
  // A bump allocator of 64-byte blocks; growing copies the old contents.
  const libc = `(core module $Libc
      (memory (export "mem") A 1)
      (global $top (mut A) (A.const 4096))
      (func (export "realloc") (param A A A A) (result A)
        (local $p A)
        (local.set $p (global.get $top))
        (global.set $top (A.add (global.get $top) (A.const 64)))
        (if (A.ne (local.get 0) (A.const 0)) (then (memory.copy (local.get $p) (local.get 0) (local.get 1))))
        (local.get $p)))
    (core instance $libc (instantiate $Libc))
    (alias core export $libc "mem" (core memory $memory))
    (alias core export $libc "realloc" (core func $realloc))`;
  return `(component
    (component $C
      ${libc}
      (canon task.return (result string) (memory $memory) (core func $ret))
      (core module $M
        (import "" "ret" (func $ret (param A A)))
        (func (export "echo") (param A A) (call $ret (local.get 0) (local.get 1))))
      (core instance $m (instantiate $M (with "" (instance (export "ret" (func $ret))))))
      (func (export "echo") async (param "s" string) (result string)
        (canon lift (core func $m "echo") async (memory $memory) (realloc $realloc))))
    (component $D
      (import "echo" (func $echo async (param "s" string) (result string)))
      ${libc}
      (canon lower (func $echo) (memory $memory) (realloc $realloc) (core func $echo_sync))
      (canon lower (func $echo) async (memory $memory) (realloc $realloc) (core func $echo_async))
      (canon task.return (result string) (memory $memory) (core func $ret))
      (core module $M
        (import "" "mem" (memory A 1))
        (import "" "sync" (func $sync (param A A A)))
        (import "" "async" (func $async (param A A A) (result i32)))
        (import "" "ret" (func $ret (param A A)))
        (func (export "run")
          (i32.store (A.const 100) (i32.const 0x21696821)) ;; "!hi!"
          (i32.store (A.const 104) (i32.const 0x2d2d6f79)) ;; "yo--"
          (call $sync (A.const 100) (A.const 4) (A.const 200))
          ;; the callee returns at once: RETURNED, its result at the out-pointer
          (if (i32.ne (i32.const 2) (call $async (A.const 104) (A.const 2) (A.const 304))) (then unreachable))
          (if (i32.ne (i32.const 0x6f79) (i32.load16_u (A.load (A.const 304)))) (then unreachable))
          (call $ret (A.load (A.const 200)) (A.load (A.const ${a === 'i64' ? 208 : 204})))))
      (core instance $m (instantiate $M (with "" (instance
        (export "mem" (memory $memory)) (export "sync" (func $echo_sync)) (export "async" (func $echo_async)) (export "ret" (func $ret))))))
      (func (export "run") async (result string) (canon lift (core func $m "run") async (memory $memory) (realloc $realloc))))
    (instance $c (instantiate $C))
    (instance $d (instantiate $D (with "echo" (func $c "echo"))))
    (func (export "run") (alias export $d "run"))
    (func (export "echo") (alias export $c "echo"))
  )`.replaceAll(/\bA\b(?=[ .)])/g, a);
}

test('async-typed functions over 64-bit memories: lifted async, lowered sync and async', async () => {
  for (const a of ['i32', 'i64'] as const) {
    const e = (await instantiateComponent(parseComponent(asyncFuncs(a)))).exports as Record<string, Fn>;
    assert.equal(await e.run(), '!hi!', a);
    assert.equal(await e.echo('from the host ☃'), 'from the host ☃', a);
  }
});
