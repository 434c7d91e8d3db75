// The component script runner: values of every form reach the function in their JavaScript
// shape, results compare by value, and wrong expectations fail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isComponentScript, runComponentWast } from './component-run.ts';
import { runWast } from './script.ts';

const ECHO = `
(component
  (core module $M
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
      (local.get $p))
    ;; echo: the spilled parameters are already the result's layout
    (func (export "echo") (param i32) (result i32) (local.get 0))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "trap") unreachable))
  (core instance $m (instantiate $M))
  (type $rec (record (field "a" u8) (field "b" string)))
  (export $rec' "rec" (type $rec))
  (type $var (variant (case "n" u32) (case "none")))
  (export $var' "var" (type $var))
  (type $fl (flags "x" "y" "z"))
  (export $fl' "fl" (type $fl))
  (type $en (enum "p" "q"))
  (export $en' "en" (type $en))
  (type $all (tuple $rec' $var' $fl' (list u16) (option (option bool)) (result char (error s64)) $en' f64 u64 s8))
  (export $all' "all" (type $all))
  (func (export "echo") (param "v" $all') (result $all')
    (canon lift (core func $m "echo") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $m "add")))
  (func (export "trap") (canon lift (core func $m "trap")))
)`;

const ALL = `(tuple.const (record.const (field "a" u8.const 255) (field "b" (str.const "hé")))
  (variant.const "n" (u32.const 4294967295)) (flags.const "x" "z") (list.const (u16.const 1) (u16.const 65535))
  (option.some (option.none)) (result.err (s64.const -9223372036854775808)) (enum.const "q")
  (f64.const -0x1p-3) (u64.const 18446744073709551615) (s8.const -128))`;

test('values of every form round-trip through a component function', () => {
  const r = runComponentWast(`${ECHO}
    (assert_return (invoke "echo" ${ALL}) ${ALL})
    (assert_return (invoke "add" (u32.const 2) (u32.const 3)) (u32.const 5))
    (assert_trap (invoke "trap") "wasm trap: wasm \`unreachable\` instruction executed")`);
  assert.deepEqual(r.outcomes.map((o) => [o.status, o.message]), [['passed', undefined], ['passed', undefined], ['passed', undefined], ['passed', undefined]]);
});

test('wrong expectations fail', () => {
  const r = runComponentWast(`${ECHO}
    (assert_return (invoke "add" (u32.const 2) (u32.const 3)) (u32.const 6))
    (assert_trap (invoke "add" (u32.const 2) (u32.const 3)) "unreachable")
    (assert_return (invoke "missing"))
    (assert_trap (invoke "trap") "out of bounds memory access")
    (assert_trap (invoke "trap") "cannot enter component instance")`);
  const statuses = r.outcomes.map((o) => o.status);
  assert.deepEqual(statuses, ['passed', 'failed', 'failed', 'failed', 'failed', 'passed']);
  assert.equal(r.outcomes[1].message, 'expected 6, got 5');
  assert.match(r.outcomes[2].message ?? '', /expected a trap "unreachable", got a result \(5\)/);
});

test('assert_invalid and assert_malformed on components; phrases are counted', () => {
  const r = runComponentWast(`
    (assert_invalid (component (export "f" (func 0))) "unknown function 0")
    (assert_invalid (component (export "f" (func 0))) "some other phrase")
    (assert_malformed (component quote "(export)") "unexpected token")
    (assert_invalid (component) "valid, so this fails")`);
  assert.deepEqual(r.outcomes.map((o) => o.status), ['passed', 'passed', 'passed', 'failed']);
  assert.equal(r.invalid.total, 3);
  assert.equal(r.invalid.phraseMatched, 1);
});

test('tessera wast runs component scripts (found by their content)', () => {
  assert.equal(isComponentScript(';; (component\n(module)'), false);
  assert.equal(isComponentScript('(assert_invalid (component) "x")'), true);
  const outcomes = runWast(`${ECHO}\n(assert_return (invoke "add" (u32.const 1) (u32.const 1)) (u32.const 2))`);
  assert.deepEqual(outcomes.map((o) => o.status), ['passed', 'passed']);
});
