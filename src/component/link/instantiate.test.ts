// Instantiation from component text: import and export shapes, nested components and
// instances, interface names, names: 'camel', results: 'throw' | 'tagged', compile once and
// instantiate many.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ComponentError } from '../../core/errors.ts';
import { parseComponent } from '../text/parse.ts';
import { CompiledComponent, compileComponent, instantiateComponent, instantiateComponentSync } from './index.ts';

type Fn = (...args: unknown[]) => unknown;
type Obj = Record<string, unknown>;

const COUNTER = parseComponent(`(component
  (core module $M
    (global $n (mut i32) (i32.const 0))
    (func (export "bump") (param i32) (result i32)
      (global.set $n (i32.add (global.get $n) (local.get 0)))
      (global.get $n)))
  (core instance $m (instantiate $M))
  (func (export "bump") (param "by" u32) (result u32) (canon lift (core func $m "bump")))
)`);

test('a lifted export is a function; instances of one compiled component keep their own state', async () => {
  const compiled = await compileComponent(COUNTER);
  assert.ok(compiled instanceof CompiledComponent);
  assert.deepEqual([...compiled.exports.keys()], ['bump']);
  const a = await instantiateComponent(compiled);
  const b = await instantiateComponent(compiled);
  const bumpA = a.exports.bump as Fn;
  assert.equal(typeof bumpA, 'function');
  assert.equal(bumpA(2), 2);
  assert.equal(bumpA(3), 5);
  assert.equal((b.exports.bump as Fn)(1), 1);
});

test('instantiating a compiled component compiles no core module again', async () => {
  const compiled = await compileComponent(COUNTER);
  const original = { compile: WebAssembly.compile, Module: WebAssembly.Module };
  let compiles = 0;
  const counting = function (this: unknown, ...args: ConstructorParameters<typeof WebAssembly.Module>) {
    compiles++;
    return new original.Module(...args);
  } as unknown as typeof WebAssembly.Module;
  WebAssembly.compile = (...args) => { compiles++; return original.compile(...args); };
  WebAssembly.Module = counting;
  try {
    await instantiateComponent(compiled);
    instantiateComponentSync(compiled);
  } finally {
    WebAssembly.compile = original.compile;
    WebAssembly.Module = original.Module;
  }
  assert.equal(compiles, 0);
});

const GREETER = parseComponent(`(component
  (import "ns:greet/names@1.0.0" (instance $names
    (export "prefix" (func (result string)))
    (export "record-visit" (func (param "who" string)))
  ))
  (import "log-level" (func $level (result u32)))
  (core module $Mem
    (memory (export "mem") 1)
    (global $top (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $top) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $top (i32.add (local.get $p) (local.get 3)))
      ;; a bump allocator: growing or shrinking copies the old contents
      (if (local.get 0) (then (memory.copy (local.get $p) (local.get 0)
        (select (local.get 1) (local.get 3) (i32.lt_u (local.get 1) (local.get 3))))))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))
  (core func $prefix (canon lower (func $names "prefix") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core func $visit (canon lower (func $names "record-visit") (memory (core memory $mem "mem"))))
  (core func $level' (canon lower (func $level)))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "prefix" (func $prefix (param i32)))
    (import "" "visit" (func $visit (param i32 i32)))
    (import "" "level" (func $level (result i32)))
    ;; greet(name) = prefix ++ name, and records the visit: prefix at 0..8, result at 16..24
    (func (export "greet") (param $p i32) (param $n i32) (result i32)
      (local $pp i32) (local $pn i32) (local $out i32)
      (call $visit (local.get $p) (local.get $n))
      (call $prefix (i32.const 0))
      (local.set $pp (i32.load (i32.const 0)))
      (local.set $pn (i32.load (i32.const 4)))
      (local.set $out (i32.const 2048))
      (memory.copy (local.get $out) (local.get $pp) (local.get $pn))
      (memory.copy (i32.add (local.get $out) (local.get $pn)) (local.get $p) (local.get $n))
      (i32.store (i32.const 16) (local.get $out))
      (i32.store (i32.const 20) (i32.add (local.get $pn) (local.get $n)))
      (i32.const 16))
    (func (export "level") (result i32) (call $level)))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "prefix" (func $prefix))
    (export "visit" (func $visit))
    (export "level" (func $level'))))))
  (type $point (record (field "x-pos" u32) (field "y-pos" u32)))
  (export $point' "point" (type $point))
  (core module $P (func (export "origin") (result i32) (i32.const 64)))
  (core instance $p (instantiate $P))
  (component $Api
    (import "greet" (func $g (param "name" string) (result string)))
    (import "level" (func $l (result u32)))
    (export "greet" (func $g))
    (export "log-level" (func $l)))
  (func $greet (param "name" string) (result string)
    (canon lift (core func $m "greet") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (func $lvl (result u32) (canon lift (core func $m "level")))
  (instance $api (instantiate $Api
    (with "greet" (func $greet))
    (with "level" (func $lvl))))
  (export "ns:greet/api@1.0.0" (instance $api))
  (export "greet-once" (func $greet))
  (export "api-component" (component $Api))
)`);

test('instance imports are objects (interface names with or without version); instance exports nested objects', async () => {
  const visits: string[] = [];
  const imports = {
    'ns:greet/names': { prefix: () => 'hello, ', 'record-visit': (who: unknown) => { visits.push(who as string); } },
    'log-level': () => 3,
  };
  const { exports } = await instantiateComponent(GREETER, imports);
  const api = exports['ns:greet/api@1.0.0'] as Obj;
  assert.equal((api.greet as Fn)('ann'), 'hello, ann');
  assert.equal((api['log-level'] as Fn)(), 3);
  assert.equal((exports['greet-once'] as Fn)('bo'), 'hello, bo');
  assert.deepEqual(visits, ['ann', 'bo']);
  // A value type export has no runtime face; a component export is a CompiledComponent.
  assert.equal(exports.point, undefined);
  assert.ok(exports['api-component'] instanceof CompiledComponent);
});

test("names: 'camel' maps keys of imports and exports (interface names stay)", async () => {
  const imports = {
    'ns:greet/names@1.0.0': { prefix: () => 'hi ', recordVisit: () => undefined },
    logLevel: () => 7,
  };
  const { exports } = await instantiateComponent(GREETER, imports, { names: 'camel' });
  assert.deepEqual(Object.keys(exports).sort(), ['apiComponent', 'greetOnce', 'ns:greet/api@1.0.0']);
  const api = exports['ns:greet/api@1.0.0'] as Obj;
  assert.equal((api.logLevel as Fn)(), 7);
  assert.equal((exports.greetOnce as Fn)('x'), 'hi x');
});

test('an exported component instantiates on its own, with the imports it declares', async () => {
  const { exports } = await instantiateComponent(GREETER, { 'ns:greet/names': { prefix: () => '', 'record-visit': () => undefined }, 'log-level': () => 0 });
  const inner = await instantiateComponent(exports['api-component'] as CompiledComponent, {
    greet: (s: unknown) => `<${s as string}>`,
    level: () => 9,
  });
  assert.equal((inner.exports.greet as Fn)('a'), '<a>');
  assert.equal((inner.exports['log-level'] as Fn)(), 9);
});

const RESULTS = parseComponent(`(component
  (import "check" (func $check (param "x" u32) (result (result u32 (error string)))))
  (core module $Mem
    (memory (export "mem") 1)
    (global $top (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $top) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $top (i32.add (local.get $p) (local.get 3)))
      (if (local.get 0) (then (memory.copy (local.get $p) (local.get 0)
        (select (local.get 1) (local.get 3) (i32.lt_u (local.get 1) (local.get 3))))))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))
  (core func $check' (canon lower (func $check) (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
  (core module $M
    (import "" "check" (func $check (param i32 i32)))
    (func (export "run") (param i32) (result i32)
      (call $check (local.get 0) (i32.const 32))
      (i32.const 32)))
  (core instance $m (instantiate $M (with "" (instance (export "check" (func $check'))))))
  (func (export "run") (param "x" u32) (result (result u32 (error string)))
    (canon lift (core func $m "run") (memory (core memory $mem "mem"))))
)`);

test("results: 'throw' returns ok values and throws ComponentError; 'tagged' returns { tag, val }", async () => {
  const check = (x: unknown): unknown => {
    if ((x as number) > 10) throw new ComponentError(`too big: ${x as number}`);
    return (x as number) * 2;
  };
  const thrown = await instantiateComponent(RESULTS, { check });
  const run = thrown.exports.run as Fn;
  assert.equal(run(4), 8);
  assert.throws(() => run(11), (e: unknown) => e instanceof ComponentError && e.payload === 'too big: 11');
  // An err result is a normal return: the instance stays usable.
  assert.equal(run(5), 10);
  // With 'tagged', host functions return tagged results too.
  const checkTagged = (x: unknown): unknown => ((x as number) > 10 ? { tag: 'err', val: `too big: ${x as number}` } : { tag: 'ok', val: (x as number) * 2 });
  const tagged = await instantiateComponent(RESULTS, { check: checkTagged }, { results: 'tagged' });
  assert.deepEqual((tagged.exports.run as Fn)(4), { tag: 'ok', val: 8 });
  assert.deepEqual((tagged.exports.run as Fn)(12), { tag: 'err', val: 'too big: 12' });
});

test('nested components: outer aliases, component and instance arguments, exports through instances', () => {
  const c = parseComponent(`(component
    (core module $Twice (func (export "f") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))
    (component $Leaf
      (alias outer 1 $Twice (core module $Twice'))
      (core instance $t (instantiate $Twice'))
      (func (export "f") (param "x" u32) (result u32) (canon lift (core func $t "f"))))
    (component $Mid
      (import "leaf" (component $L (export "f" (func (param "x" u32) (result u32)))))
      (instance $l1 (instantiate $L))
      (instance $l2 (instantiate $L))
      (export "one" (instance $l1))
      (export "two" (func $l2 "f")))
    (instance $mid (instantiate $Mid (with "leaf" (component $Leaf))))
    (export "mid" (instance $mid))
  )`);
  const { exports } = instantiateComponentSync(c);
  const mid = exports.mid as Obj;
  assert.equal(((mid.one as Obj).f as Fn)(21), 42);
  assert.equal((mid.two as Fn)(5), 10);
});

test('a start function runs at instantiation, in order with core start functions', () => {
  const c = parseComponent(`(component
    (import "note" (func $note (param "s" u32)))
    (core func $note' (canon lower (func $note)))
    (core module $M
      (import "" "note" (func $note (param i32)))
      (func $s (call $note (i32.const 1)))
      (start $s)
      (func (export "later") (call $note (i32.const 2))))
    (core instance $m (instantiate $M (with "" (instance (export "note" (func $note'))))))
    (func $later (canon lift (core func $m "later")))
    (start $later)
  )`);
  const notes: unknown[] = [];
  instantiateComponentSync(c, { note: (s: unknown) => { notes.push(s); } });
  assert.deepEqual(notes, [1, 2]);
});

test('the coreImports hook gets each core instantiation\'s arguments', async () => {
  const c = parseComponent(`(component
    (core module $A (memory (export "memory") 1))
    (core module $B
      (import "a" "memory" (memory 1))
      (func (export "run") (result i32) (i32.load (i32.const 0))))
    (core instance $a (instantiate $A))
    (core instance $b (instantiate $B (with "a" (instance $a))))
    (func (export "run") (result u32) (canon lift (core func $b "run"))))`);
  const compiled = await compileComponent(c);
  const seen: string[][] = [];
  let memory: unknown;
  const { exports } = await instantiateComponent(compiled, {}, {
    coreImports: (_module, args) => {
      seen.push(Object.keys(args));
      memory ??= args.a?.memory;
      return undefined;
    },
  });
  assert.deepEqual(seen, [[], ['a']]);
  assert.ok(memory instanceof WebAssembly.Memory);
  new Uint32Array(memory.buffer)[0] = 5;
  assert.equal((exports.run as Fn)(), 5, 'the memory module B got');
});
