import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ValidationError } from '../../core/errors.ts';
import { decodeComponent } from '../binary/decode.ts';
import { encodeComponent } from '../binary/encode.ts';
import { parseComponent } from '../text/parse.ts';
import { parseComponentWast } from '../text/wast.ts';
import { validateComponent } from './component.ts';

const TESTS = process.env.TESSERA_COMPONENT_TESTS ?? join(import.meta.dirname, '../../../../shared/component-model-tests');

function valid(text: string): void {
  validateComponent(parseComponent(text));
}

function invalid(text: string, phrase: string): void {
  assert.throws(() => validateComponent(parseComponent(text)), (e: unknown) => {
    assert.ok(e instanceof ValidationError, String(e));
    assert.ok(e.message.includes(phrase), `"${e.message}" lacks "${phrase}"`);
    return true;
  });
}

test('index spaces are bounds-checked per sort', () => {
  invalid('(component (type (list 5)))', 'type index out of bounds');
  invalid('(component (instance (instantiate 0)))', 'component index out of bounds');
});

test('names: kebab case, interface names, strong uniqueness', () => {
  valid('(component (import "a-b" (func)) (import "wasi:http/types@1.0.0" (func)) (import "wasi:http/types" (func)))');
  invalid('(component (import "aBc" (func)))', '`aBc` is not in kebab case');
  invalid('(component (import "a" (func)) (import "A" (func)))', 'import name `A` conflicts with previous name `a`');
  invalid('(component (import "a:b/c@1." (func)))', 'unexpected end of input');
  // Explainer.md, "Name Uniqueness": `[method]r.f` canonicalises to `r.f`, so it is no clash with `f`.
  valid('(component (import "r" (type $r (sub resource))) (import "f" (func)) (import "[method]r.f" (func (param "self" (borrow $r)))))');
});

test('resources: generative types, own/borrow, local built-ins', () => {
  invalid('(component (import "T" (type $T (sub resource))) (core func (canon resource.new $T)))', 'not a local resource');
  invalid('(component (type $R (resource (rep i32))) (type (func (result (borrow $R)))))', 'function result cannot contain a `borrow` type');
  invalid(`(component
    (import "T1" (type $T1 (sub resource))) (import "T2" (type $T2 (sub resource)))
    (component $eq (import "a" (type $a (sub resource))) (import "b" (type (eq $a))))
    (instance (instantiate $eq (with "a" (type $T1)) (with "b" (type $T2)))))`, 'resource types are not the same');
});

test('canonical options and lift signatures', () => {
  invalid(`(component (import "f" (func $f (param "p" (list u8)))) (core func (canon lower (func $f))))`, 'canonical option `memory` is required');
  invalid(`(component (core module $M (func (export "f") (param i32))) (core instance $i (instantiate $M))
    (func (canon lift (core func $i "f"))))`, 'lowered parameter types `[]` do not match parameter types `[I32]`');
  valid(`(component (core module $M (func (export "f") (param i32) (result i64) unreachable)) (core instance $i (instantiate $M))
    (func (export "g") (param "x" u32) (result u64) (canon lift (core func $i "f"))))`);
});

test('core instantiation arguments are matched against the module imports', () => {
  invalid(`(component (core module $m (import "a" "g" (global i32))) (core module $n (global (export "g") i64 (i64.const 0)))
    (core instance $x (instantiate $n)) (core instance (instantiate $m (with "a" (instance $x)))))`, 'expected global type i32, found i64');
});

test('external visibility of types', () => {
  invalid('(component (type $R (record (field "x" u32))) (import "f" (func (result $R))))', 'func not valid to be used as import');
  valid('(component (type $R (record (field "x" u32))) (import "r" (type $R2 (eq $R))) (import "f" (func (result $R2))))');
});

// ---- async, error-context and thread built-ins (CanonicalABI.md, each "validation specifies") ----

/** A component that defines `canon` as core func $f and instantiates a module importing it as `sig`. */
function builtin(defs: string, canon: string, sig: string): string {
  return `(component ${defs}
    (core func $f (canon ${canon}))
    (core module $m (import "" "f" (func ${sig})))
    (core instance (instantiate $m (with "" (instance (export "f" (func $f)))))))`;
}

const MEM = `(core module $mm (memory (export "m") 1) (func (export "r") (param i32 i32 i32 i32) (result i32) unreachable))
  (core instance $mi (instantiate $mm)) (alias core export $mi "m" (core memory $mem)) (alias core export $mi "r" (core func $realloc))`;

test('each built-in has its core signature: instantiation arguments are checked against it', () => {
  const cases: [string, string, string][] = [
    ['', 'backpressure.inc', ''],
    ['', 'backpressure.dec', ''],
    ['', 'task.cancel', ''],
    ['', 'task.return', ''],
    ['', 'task.return (result u32)', '(param i32)'],
    ['(type $R (record (field "a" u64) (field "b" f32)))', 'task.return (result $R)', '(param i64 f32)'],
    [MEM, 'task.return (result string) (memory $mem)', '(param i32 i32)'],
    ['', 'context.get i32 0', '(result i32)'],
    ['', 'context.set i32 1', '(param i32)'],
    ['', 'subtask.cancel', '(param i32) (result i32)'],
    ['', 'subtask.cancel async', '(param i32) (result i32)'],
    ['', 'subtask.drop', '(param i32)'],
    ['', 'waitable-set.new', '(result i32)'],
    [MEM, 'waitable-set.wait (memory $mem)', '(param i32 i32) (result i32)'],
    [MEM, 'waitable-set.poll cancellable (memory $mem)', '(param i32 i32) (result i32)'],
    ['', 'waitable-set.drop', '(param i32)'],
    ['', 'waitable.join', '(param i32 i32)'],
    ['(type $S (stream u8))', 'stream.new $S', '(result i64)'],
    [`(type $S (stream u8)) ${MEM}`, 'stream.read $S (memory $mem)', '(param i32 i32 i32) (result i32)'],
    [`(type $S (stream u8)) ${MEM}`, 'stream.write $S async (memory $mem)', '(param i32 i32 i32) (result i32)'],
    ['(type $S (stream))', 'stream.read $S', '(param i32 i32 i32) (result i32)'],
    ['(type $S (stream u8))', 'stream.cancel-read $S', '(param i32) (result i32)'],
    ['(type $S (stream u8))', 'stream.cancel-write $S async', '(param i32) (result i32)'],
    ['(type $S (stream u8))', 'stream.drop-readable $S', '(param i32)'],
    ['(type $S (stream u8))', 'stream.drop-writable $S', '(param i32)'],
    ['(type $F (future string))', 'future.new $F', '(result i64)'],
    [`(type $F (future string)) ${MEM}`, 'future.read $F (memory $mem) (realloc $realloc)', '(param i32 i32) (result i32)'],
    [`(type $F (future string)) ${MEM}`, 'future.write $F (memory $mem)', '(param i32 i32) (result i32)'],
    ['(type $F (future))', 'future.cancel-read $F', '(param i32) (result i32)'],
    ['(type $F (future))', 'future.drop-writable $F', '(param i32)'],
    [MEM, 'error-context.new (memory $mem)', '(param i32 i32) (result i32)'],
    [MEM, 'error-context.debug-message (memory $mem) (realloc $realloc)', '(param i32 i32)'],
    ['', 'error-context.drop', '(param i32)'],
    ['', 'thread.yield', '(result i32)'],
    ['', 'thread.index', '(result i32)'],
    ['(core type $ft (func (param i32))) (core module $tm (table (export "t") 1 funcref)) (core instance $ti (instantiate $tm)) (alias core export $ti "t" (core table $t))',
      'thread.new-indirect $ft $t', '(param i32 i32) (result i32)'],
    ['', 'thread.resume-later', '(param i32)'],
    ['', 'thread.suspend', '(result i32)'],
    ['', 'thread.suspend-then-resume', '(param i32) (result i32)'],
    ['', 'thread.yield-then-promote cancellable', '(param i32) (result i32)'],
  ];
  for (const [defs, canon, sig] of cases) {
    valid(builtin(defs, canon, sig));
    // One parameter more is always wrong: the built-in's type is no longer "any function".
    invalid(builtin(defs, canon, `(param f64) ${sig}`), `type mismatch for export \`f\` of module instantiation argument \`\``);
  }
});

test('stream and future built-ins take a stream or future type of this component', () => {
  invalid(builtin('(type $F (future u8))', 'stream.new $F', '(result i64)'), '`stream.new` requires a stream type');
  invalid(builtin('(type $S (stream u8))', 'future.drop-readable $S', '(param i32)'), '`future.drop-readable` requires a future type');
  invalid(builtin('(type $R (resource (rep i32)))', 'stream.new $R', '(result i64)'), 'type index 0 is not a defined type');
  invalid(builtin('', 'stream.new 7', '(result i64)'), 'type index out of bounds');
  // A payload needs a memory; reading one with pointers needs realloc too.
  invalid(builtin('(type $S (stream u8))', 'stream.write $S', '(param i32 i32 i32) (result i32)'), 'canonical option `memory` is required');
  invalid(builtin(`(type $S (stream string)) ${MEM}`, 'stream.read $S (memory $mem)', '(param i32 i32 i32) (result i32)'), 'canonical option `realloc` is required');
  valid(builtin(`(type $S (stream string)) ${MEM}`, 'stream.write $S (memory $mem)', '(param i32 i32 i32) (result i32)'));
  invalid(builtin(`(type $S (stream u8)) ${MEM} (core module $pm (func (export "p"))) (core instance $pi (instantiate $pm))`,
    'stream.read $S (memory $mem) (post-return (core func $pi "p"))', '(param i32 i32 i32) (result i32)'), 'canonical option `post-return` cannot be specified for lowerings');
  invalid('(component (type $t char) (type (stream $t)))', '`stream<char>` is not valid at this time');
});

test('task.return, context and error-context option rules', () => {
  invalid(builtin('', 'task.return (result string)', '(param i32 i32)'), 'canonical option `memory` is required');
  invalid(builtin(MEM, 'task.return (result string) (memory $mem) (realloc $realloc)', '(param i32 i32)'), 'cannot specify `realloc` option on `task.return`');
  invalid(builtin('', 'task.return async', ''), 'cannot specify `async` option on `task.return`');
  invalid(builtin('', 'context.get i32 2', '(result i32)'), '`context.get` immediate must be zero or one: 2');
  invalid(builtin('', 'context.get f32 0', '(result f32)'), '`context.get` only supports `i32` or `i64`');
  invalid('(component (core func (canon context.get i32 0)) (core func (canon context.set i64 0)))', '`context.set` type must match previous context type');
  valid('(component (core func (canon context.set i64 0)) (component (core func (canon context.get i32 0))))');
  invalid(builtin('', 'error-context.new', '(param i32 i32) (result i32)'), 'canonical option `memory` is required');
  invalid(builtin(MEM, 'error-context.debug-message (memory $mem)', '(param i32 i32)'), 'canonical option `realloc` is required');
  invalid(builtin(MEM, 'error-context.new (memory $mem) async', '(param i32 i32) (result i32)'), 'cannot specify `async` option on `error-context.new`');
});

test('thread.new-indirect: a start function type and a funcref table', () => {
  const table = '(core module $tm (table (export "t") 1 funcref) (table (export "e") 1 externref)) (core instance $ti (instantiate $tm)) (alias core export $ti "t" (core table $t)) (alias core export $ti "e" (core table $e))';
  invalid(builtin(`(core type $ft (func (param i32) (result i32))) ${table}`, 'thread.new-indirect $ft $t', '(param i32 i32) (result i32)'), 'start function must not return any values');
  invalid(builtin(`(core type $ft (func)) ${table}`, 'thread.new-indirect $ft $t', '(param i32 i32) (result i32)'), 'start function must take a single `i32` argument');
  invalid(builtin(`(core type $ft (func (param i32))) ${table}`, 'thread.new-indirect $ft $e', '(param i32 i32) (result i32)'),
    'table is not a 32-bit table of (ref null (func)): expected table element type funcref, found externref');
  invalid(builtin('(core type $ft (func (param i32)))', 'thread.new-indirect $ft 0', '(param i32 i32) (result i32)'), 'table index out of bounds');
});

test('async lift and lower: option rules and signatures', () => {
  const m = `(core module $M (memory (export "m") 1)
      (func (export "f") (param i32) (result i32) unreachable) (func (export "g") (param i32))
      (func (export "cb") (param i32 i32 i32) (result i32) unreachable) (func (export "bad-cb") (param i32 i32 i32)))
    (core instance $i (instantiate $M))`;
  valid(`(component ${m} (func (export "f") async (param "x" u32) (result string)
    (canon lift (core func $i "f") async (callback (core func $i "cb")) (memory (core memory $i "m")))))`);
  // The result of an async lift goes through task.return, which needs the memory.
  invalid(`(component ${m} (func (export "f") async (param "x" u32) (result string)
    (canon lift (core func $i "f") async (callback (core func $i "cb")))))`, 'canonical option `memory` is required');
  invalid(`(component ${m} (func (export "f") (param "x" u32) (result u32) (canon lift (core func $i "f") async (callback (core func $i "cb")))))`,
    'the `async` canonical option requires an async function type');
  invalid(`(component ${m} (func (export "f") async (param "x" u32) (result u32) (canon lift (core func $i "f") async (callback (core func $i "bad-cb")))))`,
    'canonical option `callback` uses a core function with an incorrect signature');
  invalid(`(component ${m} (func (export "f") async (param "x" u32) (canon lift (core func $i "g") async (post-return (core func $i "g")))))`,
    'cannot specify post-return function in async');
  // An async lower writes its result through a pointer, into the memory it names.
  valid(`(component ${m} (import "h" (func $h async (param "x" u32) (result u32)))
    (core func (canon lower (func $h) async (memory (core memory $i "m")))))`);
  invalid(`(component ${m} (import "h" (func $h async (param "x" u32) (result u32))) (core func (canon lower (func $h) async)))`,
    'canonical option `memory` is required');
  invalid(`(component ${m} (import "h" (func $h async)) (core func (canon lower (func $h) async (callback (core func $i "cb")))))`,
    'canonical option `callback` cannot be specified for lowerings');
});

test('effective type size is bounded: exponentially large types are rejected quickly', () => {
  let text = '(component (type $t0 (component))';
  for (let k = 1; k <= 8; k++) {
    text += ` (type $t${k} (component ${Array.from({ length: 10 }, (_, j) => `(import "i${j}" (component (type $t${k - 1})))`).join(' ')}))`;
  }
  invalid(`${text})`, 'effective type size exceeds the limit of 1000000');
  let inst = '(component (component $c0)';
  for (let k = 1; k <= 8; k++) {
    inst += ` (component $c${k} ${Array.from({ length: 10 }, (_, j) => `(instance (export "e${j}") (instantiate $c${k - 1}))`).join(' ')})`;
  }
  invalid(`${inst})`, 'effective type size exceeds the limit');
});

// The async/ tests run components (the runtime's job); every component in them uses the
// built-ins above and must validate, and their assert_invalid cases must be rejected.
test('component-model-tests async/: components validate, assert_invalid rejected', { skip: !existsSync(join(TESTS, 'async')) && `no ${TESTS}` }, () => {
  const dir = join(TESTS, 'async');
  let components = 0;
  let rejected = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.wast')).sort()) {
    for (const cmd of parseComponentWast(readFileSync(join(dir, file), 'utf8'))) {
      if (cmd.kind === 'component') {
        assert.doesNotThrow(() => validateComponent(cmd.component.parse()), `${file}:${cmd.line}`);
        components++;
      } else if (cmd.kind === 'assert_invalid') {
        assert.throws(() => validateComponent(cmd.component.parse()), (e: unknown) => e instanceof ValidationError && e.message.includes(cmd.message), `${file}:${cmd.line}`);
        rejected++;
      }
    }
  }
  assert.ok(components >= 30 && rejected >= 4, `${components} components, ${rejected} rejected`);
});

test('errors carry the position of the entry they are about', () => {
  const text = `(component
  (component
    (type (func (param "a" u32) (param "A" u32)))
  )
  (import "f" (func))
  (core func (canon context.get i32 5))
)`;
  const fail = (c: Parameters<typeof validateComponent>[0]): ValidationError => {
    try { validateComponent(c); } catch (e) { if (e instanceof ValidationError) return e; throw e; }
    throw new Error('valid');
  };
  // Text: the line and column of the entry's opening paren (the nested component's inner type).
  const fromText = fail(parseComponent(text));
  assert.deepEqual([fromText.line, fromText.column, fromText.offset], [3, 5, undefined]);
  assert.match(fromText.message, /conflicts with previous parameter name `a` \(at 3:5\)$/);
  // Bytes: the absolute offset of that entry inside the nested component.
  const bytes = encodeComponent(parseComponent(text));
  const fromBytes = fail(decodeComponent(bytes));
  assert.equal(fromBytes.line, undefined);
  assert.equal(bytes[fromBytes.offset ?? -1], 0x40, 'a func type entry starts with 0x40');
  // The canon entry later on.
  const canonText = '(component (core func (canon context.get i32 5)))';
  const canonBytes = encodeComponent(parseComponent(canonText));
  const e = fail(decodeComponent(canonBytes));
  assert.equal(e.phrase, '`context.get` immediate must be zero or one: 5');
  assert.equal(canonBytes[e.offset ?? -1], 0x0a, 'context.get is canon 0x0a');
  // A built or edited component has no positions: the error has none either.
  const built = decodeComponent(canonBytes);
  built.sections = built.sections.map((x) => (x.kind === 'canon' ? { kind: 'canon', items: x.items.map((c) => ({ ...c })) } : x));
  const none = fail(built);
  assert.deepEqual([none.offset, none.line], [undefined, undefined]);
});

test('a value never used is reported at the entry that defined it', () => {
  const text = '(component\n  (import "a" (func))\n  (import "v" (value u32))\n)';
  assert.throws(() => validateComponent(parseComponent(text)), (e: unknown) => {
    assert.ok(e instanceof ValidationError);
    assert.equal(e.phrase, 'value index 0 was not used as part of an instantiation, start function, or export');
    assert.deepEqual([e.line, e.column], [3, 3]);
    return true;
  });
  const bytes = encodeComponent(parseComponent(text));
  assert.throws(() => validateComponent(decodeComponent(bytes)), (e: unknown) => {
    assert.ok(e instanceof ValidationError && e.offset !== undefined);
    // The second import entry: its name "v" follows the name form byte and length.
    assert.equal(String.fromCharCode(bytes[e.offset + 2]), 'v');
    return true;
  });
});
