import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ParseError } from '../../core/errors.ts';
import { decodeComponent } from '../binary/decode.ts';
import { encodeComponent } from '../binary/encode.ts';
import { parseComponent } from './parse.ts';

const SAMPLE = `(component $C
  (core module $m (func (export "f") (param i32) (result i32) local.get 0) (memory (export "mem") 1))
  (core instance $i (instantiate $m))
  (type $t (record (field "a" u32) (field "b" (list string))))
  (func $f (export "run") (param "x" u32) (result u32) (canon lift (core func $i "f") (memory (core memory $i "mem"))))
  (core func $g (canon lower (func $f)))
  (import "wasi:cli/env@0.2.0" (instance $env (export "get" (func (result (list string))))))
  (alias export $env "get" (func $get))
  (export "t" (type $t))
)`;

test('a component with sugar: inline aliases and types hoisted, inline exports last (as wasm-tools)', () => {
  const c = parseComponent(SAMPLE);
  // The same section layout wasm-tools produces for this text (checked with jco parse).
  assert.deepEqual(c.sections.map((s) => s.kind), ['core-module', 'core-instance', 'type', 'alias', 'canon', 'type', 'import', 'alias', 'export']);
  const back = decodeComponent(encodeComponent(c));
  // Last come the exports, then the `component-name` section the ids make.
  const exp = back.sections[back.sections.length - 2];
  const names = back.sections[back.sections.length - 1];
  assert.ok(names.kind === 'custom' && names.name === 'component-name');
  assert.equal(back.names?.component, 'C');
  assert.ok(exp.kind === 'export');
  assert.deepEqual(exp.items.map((e) => e.name.name), ['t', 'run']);
  const aliases = back.sections[3];
  assert.ok(aliases.kind === 'alias');
  assert.deepEqual(aliases.items.map((a) => a.sort), ['core func', 'core memory']);
});

test('unknown identifiers and deep nesting are ParseErrors', () => {
  assert.throws(() => parseComponent('(component (export "x" (func $nope)))'), ParseError);
  const deep = '(component '.repeat(300) + ')'.repeat(300);
  assert.throws(() => parseComponent(deep), (e: unknown) => e instanceof ParseError && /nesting too deep/.test(e.message));
});
