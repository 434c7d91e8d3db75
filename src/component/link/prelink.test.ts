// Pre-linking (link/prelink.ts): what the first instantiation of a compiled component works
// out and keeps (each name's keys and views, the order a host's instance is read, which
// exports bind resource types) must serve every later instantiation with other import
// objects, another name style, or a mistake in its imports exactly as a first one would; and
// the marks instantiation leaves on functions and classes (link/guard.ts, func-type.ts,
// resource-object.ts) must not show as keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkError } from '../../core/errors.ts';
import { parseComponent } from '../text/parse.ts';
import { compileComponentSync, GuestResource, instantiateComponentSync } from './index.ts';

type Fn = (...args: unknown[]) => unknown;
type Obj = Record<string, unknown>;

const ADDER = compileComponentSync(parseComponent(`(component
  (import "ns:math/base@1.0.0" (instance $base (export "offset" (func (result u32)))))
  (import "scale-by" (func $scale (result u32)))
  (core func $offset (canon lower (func $base "offset")))
  (core func $scale' (canon lower (func $scale)))
  (core module $M
    (import "" "offset" (func $offset (result i32)))
    (import "" "scale" (func $scale (result i32)))
    (func (export "apply") (param i32) (result i32)
      (i32.add (i32.mul (local.get 0) (call $scale)) (call $offset))))
  (core instance $m (instantiate $M (with "" (instance (export "offset" (func $offset)) (export "scale" (func $scale'))))))
  (func (export "apply-to") (param "x" u32) (result u32) (canon lift (core func $m "apply")))
)`));

function applyTo(imports: Obj, names?: 'wit' | 'camel'): number {
  const { exports } = instantiateComponentSync(ADDER, imports, names === undefined ? {} : { names });
  return ((exports[names === 'camel' ? 'applyTo' : 'apply-to']) as Fn)(10) as number;
}

function linkError(imports: Obj): string {
  try {
    instantiateComponentSync(ADDER, imports);
  } catch (e) {
    assert.ok(e instanceof LinkError, `expected a LinkError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('instantiated');
}

test('one compiled component, many import objects: each is looked up afresh under the same keys, in the same order', () => {
  const base = (n: number) => ({ offset: () => n });
  // Without the version, then with it: the first instantiation's key is not the only one.
  assert.equal(applyTo({ 'ns:math/base': base(1), 'scale-by': () => 2 }), 21);
  assert.equal(applyTo({ 'ns:math/base@1.0.0': base(2), 'scale-by': () => 3 }), 32);
  // Both given: the exact name wins, as on a first instantiation.
  assert.equal(applyTo({ 'ns:math/base': base(100), 'ns:math/base@1.0.0': base(4), 'scale-by': () => 1 }), 14);
  // Another style of the same compiled component, then the first style again.
  assert.equal(applyTo({ 'ns:math/base': base(5), scaleBy: () => 1 }, 'camel'), 15);
  assert.equal(applyTo({ 'ns:math/base': base(6), 'scale-by': () => 1 }), 16);
  // camelCase keys mean nothing in the 'wit' style, however often 'camel' ran.
  assert.equal(linkError({ 'ns:math/base': base(0), scaleBy: () => 1 }), 'missing import `scale-by`: expected func() -> u32, got undefined');
  assert.equal(applyTo({ 'ns:math/base': base(7), 'scale-by': () => 1, scaleBy: () => 9 }), 17);
});

test('a later instantiation reports missing and mistyped imports as a first one does', () => {
  assert.equal(applyTo({ 'ns:math/base': { offset: () => 0 }, 'scale-by': () => 1 }), 10);
  assert.equal(linkError({ 'scale-by': () => 1 }), 'missing import `ns:math/base@1.0.0`: expected instance { offset }, got undefined');
  assert.equal(linkError({ 'ns:math/base': {}, 'scale-by': () => 1 }), 'missing import `ns:math/base@1.0.0.offset`: expected func() -> u32, got undefined');
  assert.equal(linkError({ 'ns:math/base': { offset: 3 }, 'scale-by': () => 1 }), 'import `ns:math/base@1.0.0.offset`: expected func() -> u32, got a number (3)');
  assert.equal(applyTo({ 'ns:math/base': { offset: () => 1 }, 'scale-by': () => 1 }), 11);
});

const TAKES_STRING = compileComponentSync(parseComponent(`(component
  (import "f" (func (param "x" string)))
)`));

test("another instance's lifted function is checked against the import's type every time, and carries no visible keys", () => {
  const adder = instantiateComponentSync(ADDER, { 'ns:math/base': { offset: () => 0 }, 'scale-by': () => 1 });
  const applyFn = adder.exports['apply-to'] as Fn;
  assert.deepEqual(Object.keys(applyFn), []);
  for (let i = 0; i < 2; i++) {
    assert.throws(() => instantiateComponentSync(TAKES_STRING, { f: applyFn }),
      (e: unknown) => e instanceof LinkError && /^import `f`: expected func\(x: string\), got a component function func\(x: u32\) -> u32/.test(e.message));
  }
  // A JavaScript function carries no type and is taken as it is.
  instantiateComponentSync(TAKES_STRING, { f: () => undefined });
});

const COUNTER = compileComponentSync(parseComponent(`(component
  (type $R' (resource (rep i32)))
  (export $R "big-counter" (type $R'))
  (core func $new (canon resource.new $R'))
  (core module $M
    (import "" "new" (func $new (param i32) (result i32)))
    (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
    (func (export "value") (param i32) (result i32) (local.get 0)))
  (core instance $m (instantiate $M (with "" (instance (export "new" (func $new))))))
  (func (export "[constructor]big-counter") (param "start" u32) (result (own $R)) (canon lift (core func $m "make")))
  (func (export "[method]big-counter.get-value") (param "self" (borrow $R)) (result u32) (canon lift (core func $m "value")))
)`));

const REEXPORTS = compileComponentSync(parseComponent(`(component
  (import "big-counter" (type $R (sub resource)))
  (export "big-counter" (type $R))
)`));

type CounterClass = new (start: number) => GuestResource & Obj;

test('each instance has its own resource class, named as it is made, its methods too', () => {
  for (const names of ['wit', 'camel'] as const) {
    const key = names === 'camel' ? 'BigCounter' : 'big-counter';
    const method = names === 'camel' ? 'getValue' : 'get-value';
    const one = instantiateComponentSync(COUNTER, {}, { names }).exports[key] as CounterClass;
    const two = instantiateComponentSync(COUNTER, {}, { names }).exports[key] as CounterClass;
    assert.notEqual(one, two);
    assert.equal(one.name, 'BigCounter');
    assert.deepEqual(Object.keys(one), []);
    const c = new one(7);
    assert.ok(c instanceof GuestResource && c instanceof one && !(c instanceof two));
    assert.equal((c[method] as Fn)(), 7);
    assert.equal((c[method] as Fn).name, method);
  }
});

test('a guest class given for a resource import is its guest type; a class extending it is a host type', () => {
  const Counter = instantiateComponentSync(COUNTER).exports['big-counter'] as CounterClass;
  // The guest type gets a class of the importing instance's own (objects of a type are made
  // by the class of the instance that hands them out).
  const guest = instantiateComponentSync(REEXPORTS, { 'big-counter': Counter }).exports['big-counter'] as CounterClass;
  assert.notEqual(guest, Counter);
  assert.equal(guest.name, 'BigCounter');
  assert.ok(guest.prototype instanceof GuestResource);
  // A subclass is the host's own class: re-exported as it is.
  class Mine extends Counter {}
  assert.equal(instantiateComponentSync(REEXPORTS, { 'big-counter': Mine }).exports['big-counter'], Mine);
});
