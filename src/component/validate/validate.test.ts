import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../core/errors.ts';
import { parseComponent } from '../text/parse.ts';
import { validateComponent } from './component.ts';

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
