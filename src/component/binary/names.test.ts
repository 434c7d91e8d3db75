import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Component } from '../ast.ts';
import { parseComponent } from '../text/parse.ts';
import { decodeComponent } from './decode.ts';
import { encodeComponent } from './encode.ts';
import { decodeComponentNames, encodeComponentNames, sortNames } from './names.ts';

const HELLO = new Uint8Array(readFileSync(new URL('../../../test/fixtures/component/hello.component.wasm', import.meta.url)));

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

test('component-name: decoded from a real component, sorts in their order, re-encoded as they were', () => {
  const c = decodeComponent(HELLO);
  assert.ok(c.names);
  // wit-component writes `instance` twice; both are kept, in order.
  assert.deepEqual(c.names.sorts.map((s) => s.sort), [
    'core func', 'core memory', 'core module', 'core instance', 'instance', 'func', 'type', 'component', 'instance',
  ]);
  assert.equal(sortNames(c.names, 'core module')?.get(0), 'main');
  const section = c.sections.find((s) => s.kind === 'custom' && s.name === 'component-name');
  assert.ok(section?.kind === 'custom');
  assert.ok(equal(encodeComponentNames(c.names), section.data));
  assert.ok(equal(encodeComponent(c), HELLO));
});

test('component-name: a changed name is written into the section, in place', () => {
  const c = decodeComponent(HELLO);
  sortNames(c.names, 'core module')?.set(0, 'renamed');
  const back = decodeComponent(encodeComponent(c));
  assert.equal(sortNames(back.names, 'core module')?.get(0), 'renamed');
  const at = (x: Component) => x.sections.findIndex((s) => s.kind === 'custom' && s.name === 'component-name');
  assert.equal(at(back), at(c));
  assert.equal(sortNames(back.names, 'func')?.get(0), 'get-stderr');
});

test('component-name: names without a section get one at the end; malformed ones stay bytes', () => {
  const c: Component = { sections: [{ kind: 'type', items: [{ kind: 'prim', type: 'u8' }] }] };
  c.names = { component: 'c', sorts: [{ sort: 'type', names: new Map([[0, 'byte']]) }], unknown: [] };
  const back = decodeComponent(encodeComponent(c));
  assert.equal(back.sections.length, 2);
  assert.equal(back.names?.component, 'c');
  assert.equal(sortNames(back.names, 'type')?.get(0), 'byte');
  // A sort byte out of range: not interpreted, kept.
  assert.equal(decodeComponentNames(Uint8Array.of(1, 3, 0x09, 0, 0)), undefined);
  const bad: Component = { sections: [{ kind: 'custom', name: 'component-name', data: Uint8Array.of(1, 1) }] };
  const bytes = encodeComponent(bad);
  const again = decodeComponent(bytes);
  assert.equal(again.names, undefined);
  assert.ok(equal(encodeComponent(again), bytes));
});

test('component-name from text: ids and @name annotations, as wasm-tools writes them', () => {
  // The same bytes as `jco parse` (wasm-tools) gives for this text, names section included.
  const c = parseComponent(`(component $C
    (core module $m (memory (export "mem") 1))
    (core instance $i (instantiate $m))
    (type $t (record (field "a" u32) (field "b" (list string))))
    (alias core export $i "mem" (core memory $mem))
    (type $u (@name "hello world") u8)
    (import "f" (func $f (param "x" $t)))
    (core func $g (canon lower (func $f) (memory $mem)))
    (component $inner (type $x u32) (alias outer $C $t (type $tt)) (type $y (list $t)))
    (export $e "g" (func $f))
  )`);
  assert.ok(c.names);
  assert.equal(c.names.component, 'C');
  assert.deepEqual(c.names.sorts.map((s) => [s.sort, [...s.names]]), [
    ['core func', [[0, 'g']]],
    ['core memory', [[0, 'mem']]],
    ['core module', [[0, 'm']]],
    ['core instance', [[0, 'i']]],
    ['func', [[0, 'f'], [1, 'e']]],
    ['type', [[1, 't'], [2, 'hello world']]],
    ['component', [[0, 'inner']]],
  ]);
  const inner = c.sections.find((s) => s.kind === 'component');
  assert.ok(inner?.kind === 'component');
  // The implicit outer alias for `$t` is not named (wasm-tools does not name it either).
  assert.deepEqual(inner.component.names?.sorts.map((s) => [...s.names]), [[[0, 'x'], [1, 'tt'], [3, 'y']]]);
  assert.equal(inner.component.names?.component, 'inner');
});

test('component-name from text: an explicit (@custom "component-name") wins over ids', () => {
  const c = parseComponent('(component (@custom "component-name" "\\00\\02\\01z") (type $t u8))');
  assert.equal(c.names?.component, 'z');
  assert.equal(c.names?.sorts.length, 0);
  const back = decodeComponent(encodeComponent(c));
  assert.equal(back.sections[0].kind, 'custom');
  assert.equal(back.names?.component, 'z');
});
