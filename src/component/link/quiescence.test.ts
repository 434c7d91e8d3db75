// initialState (link/quiescence.ts): whether an instance is back to its component-level state
// right after instantiation, and putting its handle tables back slot for slot, so the next
// handle gets the index it would get in a new instance.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseComponent } from '../text/parse.ts';
import { initialState, instantiateComponent } from './index.ts';

const HANDLES = parseComponent(`(component
  (type $R' (resource (rep i32)))
  (core func $new (canon resource.new $R'))
  (core func $drop (canon resource.drop $R'))
  (core module $M
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "make") (result i32) (call $new (i32.const 7)))
    (func (export "drop") (param i32) (call $drop (local.get 0)))
    (func (export "boom") unreachable))
  (core instance $m (instantiate $M
    (with "" (instance (export "new" (func $new)) (export "drop" (func $drop))))))
  (func (export "make") (result u32) (canon lift (core func $m "make")))
  (func (export "drop") (param "h" u32) (canon lift (core func $m "drop")))
  (func (export "boom") (canon lift (core func $m "boom")))
)`);

type Fns = { make(): number; drop(h: number): void; boom(): void };

test('freed slots and own handles left behind are put back as at instantiation', async () => {
  const instance = await instantiateComponent(HANDLES);
  const f = instance.exports as unknown as Fns;
  const state = initialState(instance);
  assert.equal(state.differs(), undefined);
  assert.equal(f.make(), 1);
  assert.equal(f.make(), 2);
  f.drop(1);
  f.drop(2);
  assert.equal(f.make(), 2, 'the free list hands out the last freed index');
  f.drop(2);
  assert.equal(state.differs(), undefined);
  state.resetHandles();
  assert.equal(f.make(), 1, 'as in a new instance');
  assert.equal(f.make(), 2, 'handle 1 is still held');
  // Own handles left in the table are dropped by the reset.
  assert.equal(state.differs(), undefined);
  state.resetHandles();
  assert.equal(f.make(), 1);
});

test('a poisoned instance is not as instantiated', async () => {
  const instance = await instantiateComponent(HANDLES);
  const f = instance.exports as unknown as Fns;
  const state = initialState(instance);
  assert.throws(() => f.boom());
  assert.match(state.differs() ?? '', /poisoned/);
});

test('only instances made by instantiateComponent have an initial state', () => {
  assert.throws(() => initialState({ exports: {} }), /internal/);
});
