import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeModule } from '../binary/decode.ts';
import { encodeModule } from '../binary/encode.ts';
import { DecodedFunc } from '../binary/func-body.ts';
import { DecodeError, ValidationError } from '../core/errors.ts';
import { ALL_FEATURES, parseFeatureList, WASM2, type FeatureSet } from '../core/features.ts';
import { parseWat } from '../text/parse.ts';
import { validateModule } from './module.ts';
import { isSubtype } from './subtype.ts';
import { TypeContext } from './type-context.ts';
import { refCode, CONCRETE } from './type-codes.ts';

const bytesOf = (wat: string): Uint8Array => encodeModule(parseWat(wat));

/** The phrase a module is rejected with, validated from its bytes (streaming) and as a Module; null if valid. */
function verdict(wat: string, features: FeatureSet = ALL_FEATURES): string | null {
  const results: (string | null)[] = [];
  for (const input of [bytesOf(wat), parseWat(wat)]) {
    try {
      validateModule(input, { features });
      results.push(null);
    } catch (e) {
      if (!(e instanceof ValidationError || e instanceof DecodeError)) throw e;
      results.push(e.phrase);
    }
  }
  // Both paths (bytes streamed, instruction objects) must judge alike.
  assert.equal(results[0] === null, results[1] === null, `bytes: ${results[0]}, module: ${results[1]}`);
  return results[0];
}

function invalid(wat: string, phrase: string, features?: FeatureSet): void {
  const got = verdict(wat, features);
  assert.ok(got !== null, `accepted: ${wat}`);
  assert.ok(got.startsWith(phrase), `${wat}\n  expected "${phrase}", got "${got}"`);
}

function valid(wat: string, features?: FeatureSet): void {
  assert.equal(verdict(wat, features), null, wat);
}

test('operand stack: types, arity, block results', () => {
  valid('(module (func (result i32) (i32.add (i32.const 1) (i32.const 2))))');
  invalid('(module (func (result i32) (i32.add (i32.const 1) (i64.const 2))))', 'type mismatch');
  invalid('(module (func (result i32) (i32.const 1) (i32.const 2)))', 'type mismatch');
  invalid('(module (func (i32.const 1)))', 'type mismatch');
  invalid('(module (func (result i32)))', 'type mismatch');
  valid('(module (func (param i32) (result i32) (local.get 0) (block (param i32) (result i32) (i32.eqz))))');
  invalid('(module (func (block (result i32) (nop))))', 'type mismatch');
  // An if without else passes its parameters through: only [t*] -> [t*] fits.
  valid('(module (func (param i32) (result i32) (local.get 0) (local.get 0) (if (param i32) (result i32) (then))))');
  invalid('(module (func (param i32) (result i32) (local.get 0) (if (result i32) (then (i32.const 1)))))', 'type mismatch');
});

test('unreachable code is polymorphic but still typed', () => {
  valid('(module (func (result i32) (unreachable) (i32.add)))');
  valid('(module (func (result i64) (unreachable) (select)))');
  invalid('(module (func (result i32) (unreachable) (i64.const 0) (i32.add)))', 'type mismatch');
  valid('(module (func (block (result i32) (br 0 (unreachable))) (drop)))');
  valid('(module (func (result i32) (return (i32.const 1)) (i64.const 0) (drop)))');
});

test('labels, br_table arities, return', () => {
  valid('(module (func (param i32) (result i32) (block (result i32) (br_table 0 0 (i32.const 1) (local.get 0)))))');
  invalid('(module (func (param i32) (block (br 2))))', 'unknown label');
  invalid('(module (func (param i32) (result i32) (block (result i32) (block (br_table 0 1 (i32.const 1) (local.get 0))) (i32.const 0))))', 'type mismatch');
  valid('(module (func (result i32) (loop (result i32) (i32.const 1))))');
});

test('locals, globals, and non-nullable local initialisation', () => {
  invalid('(module (func (local.get 0) (drop)))', 'unknown local');
  invalid('(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))', 'immutable global');
  invalid('(module (func (global.get 0) (drop)))', 'unknown global');
  invalid('(module (type $t (func)) (func (local (ref $t)) (local.get 0) (drop)))', 'uninitialized local');
  valid('(module (type $t (func)) (elem declare func 0) (func (local (ref $t)) (local.set 0 (ref.func 0)) (local.get 0) (drop)))');
  // Initialisation inside a block ends with it.
  invalid('(module (type $t (func)) (elem declare func 0) (func (local (ref $t)) (block (local.set 0 (ref.func 0))) (local.get 0) (drop)))', 'uninitialized local');
});

test('memories: alignment, offsets, lanes, memory64 address types, multi-memory', () => {
  invalid('(module (memory 1) (func (drop (i32.load align=8 (i32.const 0)))))', 'alignment must not be larger than natural');
  valid('(module (memory 1) (func (drop (i64.load align=8 (i32.const 0)))))');
  invalid('(module (func (drop (i32.load (i32.const 0)))))', 'unknown memory');
  valid('(module (memory i64 1) (func (drop (i32.load (i64.const 0)))))');
  invalid('(module (memory i64 1) (func (drop (i32.load (i32.const 0)))))', 'type mismatch');
  valid('(module (memory 1) (memory i64 1) (func (memory.copy 1 0 (i64.const 0) (i32.const 0) (i32.const 0))))');
  invalid('(module (memory 1) (func (drop (i8x16.extract_lane_s 16 (v128.const i64x2 0 0)))))', 'invalid lane index');
  invalid('(module (memory 1 2 shared) (func (drop (i32.atomic.load align=2 (i32.const 0)))))', 'alignment must be equal to natural');
  invalid('(module (memory 1) (memory 1))', 'multiple memories', WASM2);
  invalid('(module (memory 65537))', 'memory size must be at most 65536 pages (4GiB)');
  invalid('(module (memory 2 1))', 'size minimum must not be greater than maximum');
  invalid('(module (memory 1 shared))', 'shared memory must have maximum');
});

test('calls, tail calls and function references', () => {
  invalid('(module (func (call 3)))', 'unknown function');
  valid('(module (func $f (result i32) (return_call $f)))');
  invalid('(module (func $g (result i64) (i64.const 0)) (func (result i32) (return_call $g)))', 'type mismatch');
  valid('(module (type $t (func (result i32))) (func (param (ref $t)) (result i32) (call_ref $t (local.get 0))))');
  invalid('(module (func (drop (ref.func 0))))', 'undeclared function reference');
  valid('(module (elem declare func 0) (func (drop (ref.func 0))))');
  invalid('(module (table 1 externref) (type $t (func)) (func (call_indirect (type $t) (i32.const 0))))', 'type mismatch');
  valid('(module (type $t (func)) (func (param funcref) (block (result (ref func)) (br_on_non_null 0 (local.get 0)) (unreachable)) (drop)))');
  invalid('(module (func (param externref) (block (br_on_non_null 0 (local.get 0)))))', 'type mismatch');
});

test('GC: structs, arrays, packed fields, mutability, casts', () => {
  const types = '(type $s (struct (field i8) (field (mut i32)))) (type $a (array (mut i16))) (type $c (array i32))';
  valid(`(module ${types} (func (param (ref $s)) (result i32) (struct.get_s $s 0 (local.get 0))))`);
  invalid(`(module ${types} (func (param (ref $s)) (result i32) (struct.get $s 0 (local.get 0))))`, 'type mismatch');
  invalid(`(module ${types} (func (param (ref $s)) (struct.set $s 0 (local.get 0) (i32.const 1))))`, 'immutable field');
  valid(`(module ${types} (func (param (ref $s)) (struct.set $s 1 (local.get 0) (i32.const 1))))`);
  invalid(`(module ${types} (func (param (ref $c)) (array.set $c (local.get 0) (i32.const 0) (i32.const 1))))`, 'immutable array');
  valid(`(module ${types} (func (result (ref $a)) (array.new_fixed $a 2 (i32.const 1) (i32.const 2))))`);
  valid('(module (type $t (sub (struct))) (type $u (sub $t (struct (field i32)))) (func (param (ref $t)) (result (ref $u)) (ref.cast (ref $u) (local.get 0))))');
  invalid('(module (func (param anyref) (result i32) (ref.test (ref func) (local.get 0))))', 'type mismatch');
  valid('(module (type $t (sub (struct))) (func (param anyref) (result anyref) (block (result (ref $t)) (br_on_cast 0 anyref (ref $t) (local.get 0)) (return)) ))');
  // A huge array.new_fixed count in unreachable code must not loop over the count.
  valid(`(module ${types} (func (unreachable) (array.new_fixed $c 4000000000) (drop)))`);
});

test('type definitions: subtyping, finality, recursion groups', () => {
  invalid('(module (type $t (func)) (type (sub $t (func))))', 'sub type');
  invalid('(module (type $t (sub (struct (field i32)))) (type (sub $t (struct (field i64)))))', 'sub type');
  valid('(module (type $t (sub (struct (field i32)))) (type (sub $t (struct (field i32) (field i64)))))');
  invalid('(module (type (struct (field (ref 5)))))', 'unknown type');
  // Iso-recursive equivalence: identical groups in two modules are the same types.
  const a = TypeContext.of(parseWat('(module (rec (type (struct (field (ref null 1)))) (type (struct (field (ref null 0))))))'));
  const b = TypeContext.of(parseWat('(module (type (func)) (rec (type (struct (field (ref null 2)))) (type (struct (field (ref null 1))))))'));
  assert.equal(a.id(0), b.id(1));
  assert.equal(a.id(1), b.id(2));
  assert.notEqual(a.id(0), a.id(1));
  const sub = TypeContext.of(parseWat('(module (type $t (sub (func))) (type $u (sub $t (func))))'));
  assert.ok(isSubtype(refCode(CONCRETE + sub.id(1), false), refCode(CONCRETE + sub.id(0), true)));
  assert.ok(!isSubtype(refCode(CONCRETE + sub.id(0), false), refCode(CONCRETE + sub.id(1), true)));
});

test('exceptions: tags, try_table clauses, legacy rethrow', () => {
  valid('(module (tag $e (param i32)) (func (result i32) (block (result i32) (try_table (catch $e 0) (throw $e (i32.const 1))) (unreachable))))');
  invalid('(module (tag $e (param i32)) (func (block (try_table (catch $e 0)))))', 'type mismatch');
  invalid('(module (type (func (result i32))) (tag (type 0)))', 'non-empty tag result type');
  valid('(module (func (block (result exnref) (try_table (catch_all_ref 0)) (unreachable)) (throw_ref)))');
  invalid('(module (func (block (rethrow 0))))', 'invalid rethrow label');
});

test('module level: exports, start, segments, constant expressions', () => {
  invalid('(module (func) (export "a" (func 0)) (export "a" (func 0)))', 'duplicate export name');
  invalid('(module (export "a" (func 0)))', 'unknown function');
  invalid('(module (func (param i32)) (start 0))', 'start function');
  invalid('(module (global i32 (i32.add (i32.const 1) (global.get 1))) (global i32 (i32.const 0)))', 'unknown global');
  invalid('(module (global (mut i32) (i32.const 0)) (global i32 (global.get 0)))', 'constant expression required');
  invalid('(module (global i32 (nop) (i32.const 0)))', 'constant expression required');
  valid('(module (global i32 (i32.add (i32.const 1) (i32.const 2))))');
  invalid('(module (global i32 (i32.add (i32.const 1) (i32.const 2))))', 'constant expression required', WASM2);
  invalid('(module (table 1 funcref) (elem (i32.const 0) externref (ref.null extern)))', 'type mismatch');
  invalid('(module (data (i32.const 0) "a"))', 'unknown memory');
  invalid('(module (func (data.drop 0)))', 'unknown data segment');
});

test('features can be switched off', () => {
  // From bytes, a Wasm 2.0 decoder does not know the opcode: the module is malformed.
  invalid('(module (func $f (return_call $f)))', 'illegal opcode', WASM2);
  assert.throws(() => validateModule(parseWat('(module (func $f (return_call $f)))'), { features: WASM2 }),
    (e) => e instanceof ValidationError && e.phrase.startsWith('tail-call support is not enabled'));
  invalid('(module (type (struct)))', 'gc support is not enabled', WASM2);
  invalid('(module (memory i64 1))', 'malformed limits flags', WASM2);
  assert.throws(() => validateModule(parseWat('(module (memory i64 1))'), { features: WASM2 }), /memory64 support is not enabled/);
  valid('(module (memory 1 2 shared))', parseFeatureList('wasm2,threads'));
  // Bytes decoded with every feature, bodies unread, validated with fewer: still streamed,
  // and an instruction of a missing feature is named, at its offset, like a parsed one.
  const tail = decodeModule(bytesOf('(module (func $f (i32.const 1) (drop) (return_call $f)))'));
  assert.throws(() => validateModule(tail, { features: WASM2 }),
    (e) => e instanceof ValidationError && e.phrase === 'tail-call support is not enabled: return_call' && e.offset !== undefined);
  assert.ok(!(tail.funcs[0] as DecodedFunc).isRead, 'streamed, not decoded into instructions');
  const sign = decodeModule(bytesOf('(module (func (param i32) (result i32) (i32.extend8_s (local.get 0))))'));
  validateModule(sign, { features: WASM2 });
  assert.throws(() => validateModule(sign, { features: parseFeatureList('wasm1') }), /sign-extension support is not enabled: i32.extend8_s/);
  assert.throws(() => parseFeatureList('wasm2,nonsense'), /unknown feature 'nonsense'/);
});

test('errors from bytes carry the offset of the instruction', () => {
  const bytes = bytesOf('(module (func (result i32) (i32.const 1) (i64.const 2) (i32.add)))');
  try {
    validateModule(bytes);
    assert.fail('accepted');
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    // The body: size, 0 local groups, i32.const 1 (2 bytes), i64.const 2 (2 bytes), i32.add.
    const body = decodeModule(bytes).funcs[0] as DecodedFunc;
    assert.equal(e.offset, body.offset + 2 + 4);
    assert.equal(bytes[e.offset as number], 0x6a);
  }
});

test('a malformed body anywhere wins over an invalid one before it', () => {
  const bytes = bytesOf('(module (func (result i32) (i64.const 0)) (func (nop)))');
  const m = decodeModule(bytes);
  const last = m.funcs[1] as DecodedFunc;
  // Turn the second body's `nop` into an opcode that does not exist.
  const broken = Uint8Array.from(bytes);
  broken[last.end - 2] = 0xff;
  assert.throws(() => validateModule(broken), (e) => e instanceof DecodeError && e.phrase.startsWith('illegal opcode'));
});

test('hostile input: deep nesting and too many locals fail cleanly', () => {
  const depth = 100_000;
  const deep = `(module (func ${'block '.repeat(depth)}${'end '.repeat(depth)}))`;
  valid(deep);
  invalid(`(module (func (local ${'i32 '.repeat(50_001)})))`, 'too many locals');
});

test("the literal cases of op() and stream() name the handler and kind numbers of ops.ts", async () => {
  // V8 compiles a switch to a jump table only when its cases are literals, so func.ts spells
  // the H_* and S_* numbers out, each case line naming its constants in a comment.
  const { readFileSync } = await import('node:fs');
  const ops: Record<string, unknown> = await import('./ops.ts');
  const source = readFileSync(new URL('./func.ts', import.meta.url), 'utf8');
  const seen = new Set<string>();
  for (const line of source.split('\n')) {
    const m = /^\s*((?:case \d+: ?)+).*?\/\/ ([HS]_[A-Z0-9_]+(?:, [HS]_[A-Z0-9_]+)*)/.exec(line);
    if (!m) continue;
    const numbers = [...m[1].matchAll(/case (\d+):/g)].map((c) => Number(c[1]));
    const names = m[2].split(', ');
    assert.equal(numbers.length, names.length, line);
    names.forEach((name, k) => {
      assert.equal(ops[name], numbers[k], `${name} in: ${line.trim()}`);
      assert.ok(!seen.has(name), `${name} twice`);
      seen.add(name);
    });
  }
  for (const name of Object.keys(ops).filter((n) => /^[HS]_/.test(n) && n !== 'S_GENERAL' && !/^S_(FIRST|LAST)_/.test(n))) {
    assert.ok(seen.has(name), `${name} has no case`);
  }
});
