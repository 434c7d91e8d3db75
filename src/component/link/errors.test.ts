// Link errors (a missing or mistyped import names the import path, the expected type and
// what was given) and traps of the instance flags and handle tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ComponentTrap, LinkError, Trap, ValidationError } from '../../core/errors.ts';
import { parseComponent } from '../text/parse.ts';
import { encodeComponent } from '../binary/encode.ts';
import { compileComponent, compileComponentSync, instantiateComponent, instantiateComponentSync } from './index.ts';

type Fn = (...args: unknown[]) => unknown;

const IMPORTS = parseComponent(`(component
  (import "log" (func (param "msg" u32) (result u32)))
  (import "wasi:io/streams@0.2.0" (instance
    (export "write" (func (param "n" u64)))
    (export "out" (type (sub resource)))))
)`);

function linkError(imports: Record<string, unknown>): string {
  try {
    instantiateComponentSync(IMPORTS, imports);
  } catch (e) {
    assert.ok(e instanceof LinkError, `expected a LinkError, got ${String(e)}`);
    return e.message;
  }
  assert.fail('instantiated');
}

test('a missing import is a LinkError naming it and its type', () => {
  assert.equal(linkError({}), 'missing import `log`: expected func(msg: u32) -> u32, got undefined');
});

test('a mistyped import says what was expected and what kind of value was given', () => {
  assert.equal(linkError({ log: 5 }), 'import `log`: expected func(msg: u32) -> u32, got a number (5)');
  const streams = linkError({ log: () => 0, 'wasi:io/streams': 'x' });
  assert.match(streams, /^import `wasi:io\/streams@0\.2\.0`: expected instance \{ write, out \}, got a string \("x"\)$/);
});

test('an instance member is named by its path', () => {
  class Out {}
  assert.equal(linkError({ log: () => 0, 'wasi:io/streams': { out: Out } }),
    'missing import `wasi:io/streams@0.2.0.write`: expected func(n: u64), got undefined');
  assert.equal(linkError({ log: () => 0, 'wasi:io/streams': { write: () => undefined, out: {} } }),
    'import `wasi:io/streams@0.2.0.out`: expected resource type (a class), got an object');
  // Complete imports instantiate.
  instantiateComponentSync(IMPORTS, { log: () => 0, 'wasi:io/streams@0.2.0': { write: () => undefined, out: Out } });
});

test('an invalid component is a ValidationError', async () => {
  const c = parseComponent(`(component (core module $M) (core instance (instantiate $M)) (export "f" (func 0)))`);
  await assert.rejects(compileComponent(c), ValidationError);
});

test('an invalid core function body is still a ValidationError with its position, sync and async', async () => {
  // The engine validates bodies first; Tessera words its refusal.
  const text = `(component\n  (core module $M (func (export "f") (result i32) (i64.const 1))))`;
  const bytes = encodeComponent(parseComponent(text));
  const check = (e: unknown): boolean => {
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
    assert.match(e.message, /type mismatch/);
    assert.equal(typeof e.offset, 'number');
    return true;
  };
  await assert.rejects(compileComponent(bytes), check);
  assert.throws(() => compileComponentSync(bytes), check);
  await assert.rejects(compileComponent(parseComponent(text)), (e) => e instanceof ValidationError && /2:/.test(e.message));
});

const CALLBACK = parseComponent(`(component
  (import "host" (func $host))
  (core func $host' (canon lower (func $host)))
  (core module $M
    (import "" "host" (func $host))
    (import "" "drop" (func $drop (param i32)))
    (func (export "run") (call $host))
    (func (export "noop"))
    (func (export "post") (call $host))
    (func (export "boom") unreachable)
    (func (export "drop-five") (call $drop (i32.const 5))))
  (type $R (resource (rep i32)))
  (core func $drop (canon resource.drop $R))
  (core instance $m (instantiate $M (with "" (instance (export "host" (func $host')) (export "drop" (func $drop))))))
  (func (export "run") (canon lift (core func $m "run")))
  (func (export "noop") (canon lift (core func $m "noop")))
  (func (export "with-post-return") (canon lift (core func $m "noop") (post-return (core func $m "post"))))
  (func (export "boom") (canon lift (core func $m "boom")))
  (func (export "drop-five") (canon lift (core func $m "drop-five")))
)`);

function instance(host: Fn): Record<string, Fn> {
  return instantiateComponentSync(CALLBACK, { host }).exports as Record<string, Fn>;
}

function trapMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Trap, `expected a Trap, got ${String(e)}`);
    return e.message;
  }
  assert.fail('no trap');
}

test('post-return may not call out of the instance: "cannot leave component instance"', () => {
  const e = instance(() => undefined);
  assert.equal(trapMessage(() => e['with-post-return']()), 'cannot leave component instance');
});

test('the host reentering an instance that called it traps: "cannot enter component instance"', () => {
  let exports: Record<string, Fn> = {};
  exports = instance(() => exports.noop());
  assert.equal(trapMessage(() => exports.run()), 'cannot enter component instance');
  // A call that does not reenter is fine in another instance.
  const other = instance(() => undefined);
  const nested = instance(() => other.noop());
  nested.run();
});

test('a trap poisons the instance; a host error does not', () => {
  const e = instance(() => { throw new Error('host says no'); });
  assert.throws(() => e.run(), /host says no/);
  e.noop();
  // The engine's trap comes out as Tessera's.
  assert.throws(() => e.boom(), (t: unknown) => t instanceof Trap && t.kind === 'unreachable');
  assert.equal(trapMessage(() => e.noop()), 'cannot enter component instance');
});

test('handle table traps name the index', () => {
  const e = instance(() => undefined);
  try {
    e['drop-five']();
    assert.fail('no trap');
  } catch (err) {
    assert.ok(err instanceof ComponentTrap);
    assert.equal(err.kind, 'unknown handle index');
    assert.equal(err.message, 'unknown handle index 5');
  }
});

test('async built-ins called by a synchronous task trap as wasmtime does', () => {
  const c = parseComponent(`(component
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core func $new (canon waitable-set.new))
    (core func $wait (canon waitable-set.wait (memory (core memory $mem "mem"))))
    (core func $ret (canon task.return (result u32)))
    (core module $M
      (import "" "new" (func $new (result i32)))
      (import "" "wait" (func $wait (param i32 i32) (result i32)))
      (import "" "ret" (func $ret (param i32)))
      (func (export "new") (result i32) (call $new))
      (func (export "wait") (drop (call $wait (call $new) (i32.const 0))))
      (func (export "ret") (call $ret (i32.const 1))))
    (core instance $m (instantiate $M (with "" (instance (export "new" (func $new)) (export "wait" (func $wait)) (export "ret" (func $ret))))))
    (func (export "new") (result u32) (canon lift (core func $m "new")))
    (func (export "wait") (canon lift (core func $m "wait")))
    (func (export "ret") (canon lift (core func $m "ret")))
  )`);
  // Handle 0 is reserved: the first waitable set is 1, the next 2.
  assert.equal((instantiateComponentSync(c).exports.new as Fn)(), 1);
  assert.throws(() => (instantiateComponentSync(c).exports.wait as Fn)(), /cannot block a synchronous task before returning/);
  assert.throws(() => (instantiateComponentSync(c).exports.ret as Fn)(), /invalid `task.return` signature and\/or options for current task/);
});

test('a function one instance exports is checked against the type another imports it as', async () => {
  const a = await instantiateComponent(parseComponent(`(component
    (type $R (resource (rep i32)))
    (export $R' "r" (type $R))
    (core module $M
      (func (export "twice") (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
      (func (export "rep") (param i32) (result i32) (local.get 0)))
    (core instance $m (instantiate $M))
    (func (export "twice") (param "x" u32) (result u32) (canon lift (core func $m "twice")))
    (func (export "rep") (param "r" (borrow $R')) (result u32) (canon lift (core func $m "rep"))))`));
  const importer = (param: string) => parseComponent(`(component
    (import "twice" (func $twice (param "x" ${param}) (result u32)))
    (export "twice" (func $twice)))`);
  const twice = a.exports.twice;
  const ok = await instantiateComponent(importer('u32'), { twice });
  assert.equal((ok.exports.twice as (x: number) => number)(21), 42);
  await assert.rejects(instantiateComponent(importer('string'), { twice }), (e: unknown) => {
    assert.ok(e instanceof LinkError);
    assert.equal(e.message, 'import `twice`: expected func(x: string) -> u32, got a component function func(x: u32) -> u32 ' +
      '(type mismatch in function parameter `x`: expected primitive `string` found primitive `u32`)');
    return true;
  });
  await assert.rejects(instantiateComponent(importer('u64'), { twice }), LinkError);
  // Resource identity is not compared across separately validated components (a handle's own
  // type is checked when it crosses); the shape is.
  const borrows = parseComponent(`(component
    (import "r" (type $R (sub resource)))
    (import "rep" (func (param "r" (borrow $R)) (result u32))))`);
  await instantiateComponent(borrows, { r: a.exports.r, rep: a.exports.rep });
  const owns = parseComponent(`(component
    (import "r" (type $R (sub resource)))
    (import "rep" (func (param "r" (own $R)) (result u32))))`);
  await assert.rejects(instantiateComponent(owns, { r: a.exports.r, rep: a.exports.rep }), LinkError);
  // Plain JavaScript functions carry no type and are taken as given.
  await instantiateComponent(importer('string'), { twice: (s: string) => s.length });
});
