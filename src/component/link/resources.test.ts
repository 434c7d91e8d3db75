// Resources through the JavaScript API: guest resources as classes (constructor, methods,
// statics, Symbol.dispose running the destructor, ownership moving into the guest),
// generative types per instance, host resources given as classes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseComponent } from '../text/parse.ts';
import { compileComponent, GuestResource, instantiateComponent } from './index.ts';

type Fn = (...args: unknown[]) => unknown;
type Counter = GuestResource & { value(): number };
type CounterClass = (new (start: number) => Counter) & { zero(): Counter };

const COUNTERS = parseComponent(`(component
  (core module $State
    (global (export "live") (mut i32) (i32.const 0))
    (global (export "last") (mut i32) (i32.const 0))
    (func (export "dtor") (param i32)
      (global.set 0 (i32.sub (global.get 0) (i32.const 1)))
      (global.set 1 (local.get 0))))
  (core instance $state (instantiate $State))
  (type $R' (resource (rep i32) (dtor (core func $state "dtor"))))
  (export $R "counter" (type $R'))
  (core func $new (canon resource.new $R'))
  (core func $drop (canon resource.drop $R'))
  (core func $rep (canon resource.rep $R'))
  (core module $M
    (import "state" "live" (global $live (mut i32)))
    (import "state" "last" (global $last (mut i32)))
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "rep" (func $rep (param i32) (result i32)))
    (func $make (export "make") (param i32) (result i32)
      (global.set $live (i32.add (global.get $live) (i32.const 1)))
      (call $new (local.get 0)))
    (func (export "zero") (result i32) (call $make (i32.const 0)))
    ;; a borrow of our own resource arrives as its representation
    (func (export "value") (param i32) (result i32) (local.get 0))
    (func (export "consume") (param $h i32) (result i32)
      (local $v i32)
      (local.set $v (call $rep (local.get $h)))
      (call $drop (local.get $h))
      (local.get $v))
    (func (export "live") (result i32) (global.get $live))
    (func (export "last") (result i32) (global.get $last)))
  (core instance $m (instantiate $M
    (with "state" (instance $state))
    (with "" (instance (export "new" (func $new)) (export "drop" (func $drop)) (export "rep" (func $rep))))))
  (func (export "[constructor]counter") (param "start" u32) (result (own $R)) (canon lift (core func $m "make")))
  (func (export "[static]counter.zero") (result (own $R)) (canon lift (core func $m "zero")))
  (func (export "[method]counter.value") (param "self" (borrow $R)) (result u32) (canon lift (core func $m "value")))
  (func (export "consume") (param "c" (own $R)) (result u32) (canon lift (core func $m "consume")))
  (func (export "live") (result u32) (canon lift (core func $m "live")))
  (func (export "last-dropped") (result u32) (canon lift (core func $m "last")))
)`);

test('a guest resource is a class: constructor, methods, statics; dispose runs the destructor', async () => {
  const { exports } = await instantiateComponent(COUNTERS);
  const Counter = exports.counter as CounterClass;
  const live = exports.live as Fn;
  const a = new Counter(5);
  assert.ok(a instanceof Counter);
  assert.ok(a instanceof GuestResource);
  assert.equal(Counter.name, 'Counter');
  assert.equal(a.value(), 5);
  assert.equal(Counter.zero().value(), 0);
  assert.equal(live(), 2);
  a[Symbol.dispose]();
  assert.equal(live(), 1);
  assert.equal((exports['last-dropped'] as Fn)(), 5);
  a[Symbol.dispose](); // a second dispose does nothing
  assert.equal(live(), 1);
  assert.throws(() => a.value(), /counter resource used after it was dropped or moved/);
  // The annotated export names stay reachable, not enumerated.
  assert.equal(typeof exports['[method]counter.value'], 'function');
  assert.deepEqual(Object.keys(exports).sort(), ['consume', 'counter', 'last-dropped', 'live']);
});

test('passing an owned resource moves it into the guest', async () => {
  const { exports } = await instantiateComponent(COUNTERS);
  const Counter = exports.counter as CounterClass;
  const b = new Counter(7);
  assert.equal((exports.consume as Fn)(b), 7);
  assert.equal((exports.live as Fn)(), 0);
  assert.equal((exports['last-dropped'] as Fn)(), 7);
  assert.throws(() => (exports.consume as Fn)(b), /dropped or moved/);
  assert.throws(() => b.value(), /dropped or moved/);
});

test("names: 'camel' names resource classes UpperCamelCase and methods lowerCamelCase", async () => {
  const { exports } = await instantiateComponent(COUNTERS, {}, { names: 'camel' });
  const Counter = exports.Counter as CounterClass;
  assert.equal(new Counter(3).value(), 3);
  assert.equal(typeof exports.lastDropped, 'function');
});

test('each instance defines a new resource type: objects do not cross', async () => {
  const compiled = await compileComponent(COUNTERS);
  const one = await instantiateComponent(compiled);
  const two = await instantiateComponent(compiled);
  assert.notEqual(one.exports.counter, two.exports.counter);
  const c = new (one.exports.counter as CounterClass)(1);
  assert.throws(() => (two.exports.consume as Fn)(c), /expected a counter resource, got a counter resource|expected a counter resource/);
  // ... and it is still alive in its own instance.
  assert.equal((one.exports.consume as Fn)(c), 1);
});

const BLOBS = parseComponent(`(component
  (import "host" (instance $h
    (export "blob" (type $B (sub resource)))
    (export "[constructor]blob" (func (param "n" u32) (result (own $B))))
    (export "[method]blob.size" (func (param "self" (borrow $B)) (result u32)))
    (export "[static]blob.limit" (func (result u32)))))
  (alias export $h "blob" (type $B))
  (core func $ctor (canon lower (func $h "[constructor]blob")))
  (core func $size (canon lower (func $h "[method]blob.size")))
  (core func $limit (canon lower (func $h "[static]blob.limit")))
  (core func $drop (canon resource.drop $B))
  (core module $M
    (import "" "ctor" (func $ctor (param i32) (result i32)))
    (import "" "size" (func $size (param i32) (result i32)))
    (import "" "limit" (func $limit (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "run") (param i32) (result i32)
      (local $h i32) (local $s i32)
      (local.set $h (call $ctor (local.get 0)))
      (local.set $s (call $size (local.get $h)))
      (call $drop (local.get $h))
      (i32.add (local.get $s) (call $limit)))
    ;; a borrowed host resource arrives as a handle: pass it on as a borrow, then drop it
    ;; (borrows must be dropped before the call returns)
    (func (export "size-of") (param i32) (result i32)
      (call $size (local.get 0))
      (call $drop (local.get 0)))
    (func (export "size-of-leaky") (param i32) (result i32) (call $size (local.get 0)))
    ;; an owned one can be kept and handed back
    (func (export "keep") (param i32) (result i32) (local.get 0)))
  (core instance $m (instantiate $M (with "" (instance
    (export "ctor" (func $ctor)) (export "size" (func $size)) (export "limit" (func $limit)) (export "drop" (func $drop))))))
  (func (export "run") (param "n" u32) (result u32) (canon lift (core func $m "run")))
  (func (export "size-of") (param "b" (borrow $B)) (result u32) (canon lift (core func $m "size-of")))
  (func (export "size-of-leaky") (param "b" (borrow $B)) (result u32) (canon lift (core func $m "size-of-leaky")))
  (func (export "keep") (param "b" (own $B)) (result (own $B)) (canon lift (core func $m "keep")))
)`);

test('a host resource is a class; its constructor, methods and statics implement the imports', async () => {
  let disposed = 0;
  class Blob {
    readonly n: number;
    constructor(n: number) { this.n = n; }
    size(): number { return this.n; }
    static limit(): number { return 100; }
    [Symbol.dispose](): void { disposed++; }
  }
  const { exports } = await instantiateComponent(BLOBS, { host: { blob: Blob } });
  assert.equal((exports.run as Fn)(4), 104);
  // The guest dropped its own handle: the host object is disposed.
  assert.equal(disposed, 1);
  assert.equal((exports['size-of'] as Fn)(new Blob(9)), 9);
  const kept = new Blob(3);
  assert.equal((exports.keep as Fn)(kept), kept);
  assert.throws(() => (exports['size-of'] as Fn)({ n: 1 }), /expected a .* resource, got an object/);
  assert.equal(disposed, 1);
  // A wrong argument is the host's mistake, not a trap: the instance is still usable.
  assert.equal((exports.run as Fn)(1), 101);
});

test('a borrow still held when the call returns traps', async () => {
  class Blob { size(): number { return 1; } static limit(): number { return 0; } }
  const { exports } = await instantiateComponent(BLOBS, { host: { blob: Blob } });
  assert.throws(() => (exports['size-of-leaky'] as Fn)(new Blob()), /borrow handles still remain at the end of the call/);
});

test('resource methods may also be given by name', async () => {
  class Blob { constructor(readonly_n: number) { void readonly_n; } }
  const host = {
    blob: Blob,
    '[constructor]blob': (n: unknown) => Object.assign(new Blob(0), { n }),
    '[method]blob.size': (self: unknown) => (self as { n: number }).n * 10,
    '[static]blob.limit': () => 1,
  };
  const { exports } = await instantiateComponent(BLOBS, { host });
  assert.equal((exports.run as Fn)(2), 21);
});

test('an owned guest resource collected without dispose is dropped (FinalizationRegistry)', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { exports } = await instantiateComponent(COUNTERS);
  const Counter = exports.counter as CounterClass;
  const live = exports.live as Fn;
  (() => { new Counter(11); })();
  assert.equal(live(), 1);
  // Finalizers run after a collection, from the event loop.
  for (let i = 0; i < 50 && live() !== 0; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(live(), 0);
  assert.equal((exports['last-dropped'] as Fn)(), 11);
});

test('a resource type exported twice by an imported instance (eq bound) needs one class', async () => {
  const c = parseComponent(`(component
    (import "host" (instance $h
      (export "a" (type $A (sub resource)))
      (export "b" (type (eq $A)))
      (export "make" (func (result (own $A))))))
    (alias export $h "b" (type $B))
    (alias export $h "make" (func $make))
    (core func $make' (canon lower (func $make)))
    (core func $drop (canon resource.drop $B))
    (core module $M
      (import "" "make" (func $make (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "run") (call $drop (call $make))))
    (core instance $m (instantiate $M (with "" (instance (export "make" (func $make')) (export "drop" (func $drop))))))
    (func (export "run") (canon lift (core func $m "run")))
  )`);
  let disposed = 0;
  class A { [Symbol.dispose](): void { disposed++; } }
  const { exports } = await instantiateComponent(c, { host: { a: A, make: () => new A() } });
  (exports.run as Fn)();
  assert.equal(disposed, 1);
});
