// The `jspi` instantiation option (link/jspi.ts): host functions marked with suspendingHost
// may return promises; the guest's stack suspends while the event loop runs, and exports
// return promises.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ComponentError } from '../../core/errors.ts';
import { parseComponent } from '../text/parse.ts';
import { instantiateComponent, suspendingHost } from './index.ts';

type Fn = (...args: unknown[]) => unknown;

const WAITER = parseComponent(`(component
  (import "wait" (func $wait (param "n" u32) (result u32)))
  (import "shout" (func $shout (param "s" string) (result string)))
  (import "check" (func $check (param "n" u32) (result (result u32 (error string)))))
  (core module $Mem
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (global.get $next) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $memory))
  (alias core export $mem "realloc" (core func $realloc))
  (core func $wait (canon lower (func $wait)))
  (core func $shout (canon lower (func $shout) (memory $memory) (realloc $realloc)))
  (core func $check (canon lower (func $check) (memory $memory) (realloc $realloc)))
  (core module $M
    (import "" "wait" (func $wait (param i32) (result i32)))
    (import "" "shout" (func $shout (param i32 i32 i32)))
    (import "" "check" (func $check (param i32 i32)))
    (import "" "mem" (memory 1))
    (func (export "twice") (param i32) (result i32)
      (i32.add (call $wait (local.get 0)) (call $wait (local.get 0))))
    (func (export "shout") (param i32 i32) (result i32)
      (call $shout (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16))
    (func (export "check") (param i32) (result i32)
      (call $check (local.get 0) (i32.const 32))
      (i32.const 32)))
  (core instance $m (instantiate $M (with "" (instance
    (export "wait" (func $wait)) (export "shout" (func $shout)) (export "check" (func $check)) (export "mem" (memory $memory))))))
  (func (export "twice") (param "n" u32) (result u32) (canon lift (core func $m "twice")))
  (func (export "shout") (param "s" string) (result string)
    (canon lift (core func $m "shout") (memory $memory) (realloc $realloc)))
  (func (export "check") (param "n" u32) (result (result u32 (error string)))
    (canon lift (core func $m "check") (memory $memory) (realloc $realloc)))
)`);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function hosts(log: string[]) {
  return {
    wait: suspendingHost(async (n: number) => {
      await sleep(2);
      log.push(`waited ${n}`);
      return n * 10;
    }),
    shout: suspendingHost(async (s: string) => {
      await sleep(1);
      return `${s.toUpperCase()}!`;
    }),
    check: suspendingHost((n: number) => {
      if (n === 0) return Promise.reject(new ComponentError('zero'));
      return n === 1 ? n : Promise.resolve(n + 100);
    }),
  };
}

test('under jspi, a waiting host function suspends the guest and the event loop runs', async () => {
  const log: string[] = [];
  const { exports } = await instantiateComponent(WAITER, hosts(log), { jspi: true });
  const ticker = setInterval(() => log.push('tick'), 0);
  try {
    const r = (exports.twice as Fn)(4);
    assert.ok(r instanceof Promise, 'exports return promises');
    assert.equal(await r, 80);
  } finally {
    clearInterval(ticker);
  }
  assert.deepEqual(log.filter((l) => l !== 'tick'), ['waited 4', 'waited 4']);
  assert.ok(log.includes('tick'), 'timers fired while the guest waited');
});

test('results through a return area and strings both ways survive the wait', async () => {
  const { exports } = await instantiateComponent(WAITER, hosts([]), { jspi: true });
  assert.equal(await (exports.shout as Fn)('quiet'), 'QUIET!');
  assert.equal(await (exports.check as Fn)(1), 1, 'a host function may answer without waiting');
  assert.equal(await (exports.check as Fn)(5), 105);
  await assert.rejects((exports.check as Fn)(0) as Promise<unknown>, (e: unknown) => e instanceof ComponentError && e.payload === 'zero');
});

test('reentering an instance while it waits traps; it can be called again afterwards', async () => {
  const { exports } = await instantiateComponent(WAITER, hosts([]), { jspi: true });
  const first = (exports.twice as Fn)(1) as Promise<unknown>;
  await assert.rejects((exports.twice as Fn)(2) as Promise<unknown>, /cannot enter component instance/);
  assert.equal(await first, 20);
});

test('without the jspi option, marked host functions are plain imports', async () => {
  const { exports } = await instantiateComponent(WAITER, { ...hosts([]), wait: suspendingHost((n: number) => n + 1) });
  assert.equal((exports.twice as Fn)(1), 4);
});
