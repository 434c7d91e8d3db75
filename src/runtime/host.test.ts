import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkError } from '../core/errors.ts';
import { parseWat } from '../text/parse.ts';
import { HostFunc, hostModule } from './host.ts';
import { Linker } from './linker.ts';
import { NativeEngine } from './native.ts';
import { i32, i64 } from './values.ts';

test('host functions are called by wasm with raw i32 and i64 values', () => {
  const engine = new NativeEngine();
  const linker = new Linker();
  const seen: unknown[] = [];
  linker.register('env', hostModule({
    add: { params: ['i32', 'i64'], results: ['i64'], fn: (a: number, b: bigint) => { seen.push(a, b); return BigInt(a) + b; } },
  }));
  const m = parseWat(`(module (import "env" "add" (func $add (param i32 i64) (result i64)))
    (func (export "go") (result i64) (call $add (i32.const -2) (i64.const 40))))`);
  const inst = linker.instantiate(engine, engine.compile(m));
  const go = inst.exports.get('go');
  assert.ok(go?.kind === 'func');
  assert.deepEqual(go.call([]), [i64(38n)]);
  assert.deepEqual(seen, [-2, 40n]);
});

test('the linker checks a host function against the import type', () => {
  const engine = new NativeEngine();
  const linker = new Linker();
  linker.register('env', hostModule({ f: { params: ['i32'], results: [], fn: () => undefined } }));
  const m = parseWat('(module (import "env" "f" (func (param i64))))');
  assert.throws(() => linker.instantiate(engine, engine.compile(m)), (e) => e instanceof LinkError && /incompatible import type/.test(e.message));
});

test('host functions are callable from the host and refuse lossy types', () => {
  const f = new HostFunc({ params: ['i32'], results: ['i32'], fn: (x: number) => x * 2 });
  assert.deepEqual(f.call([i32(21)]), [i32(42)]);
  assert.throws(() => new HostFunc({ params: ['f32'], results: [], fn: () => 0 }), TypeError);
});

test('an exception thrown by a host function reaches the caller unchanged', () => {
  const engine = new NativeEngine();
  const linker = new Linker();
  class Stop extends Error {}
  linker.register('env', hostModule({ stop: { params: [], results: [], fn: () => { throw new Stop('x'); } } }));
  const m = parseWat('(module (import "env" "stop" (func $s)) (func (export "go") (call $s)))');
  const go = linker.instantiate(engine, engine.compile(m)).exports.get('go');
  assert.ok(go?.kind === 'func');
  assert.throws(() => go.call([]), Stop);
});
