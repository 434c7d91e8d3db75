import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DecodeError } from '../../core/errors.ts';
import { encodeModule } from '../../binary/encode.ts';
import { emptyModule, type Module } from '../../core/ast.ts';
import type { Component, Section } from '../ast.ts';
import { CANONS } from '../codes.ts';
import { decodeAny, decodeComponent } from './decode.ts';
import { encodeComponent } from './encode.ts';

const HELLO = new Uint8Array(readFileSync(new URL('../../../test/fixtures/component/hello.component.wasm', import.meta.url)));
const PREAMBLE = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

/** The sections alone: `source` and the bytes views differ between equal components. */
function shape(c: Component): unknown {
  return JSON.parse(JSON.stringify(c.sections, (k, v: unknown) => {
    if (k === 'source') return undefined;
    if (k === 'module' && v && typeof v === 'object') return [...encodeModule(v as Module, { canonical: true })];
    if (v instanceof Uint8Array) return [...v];
    if (typeof v === 'bigint') return `${v}n`;
    if (v && typeof v === 'object' && 'sections' in v && Array.isArray((v as Component).sections)) return { sections: (v as Component).sections };
    return v;
  }));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** One of everything: every section, every type constructor and every canon built-in. */
function handBuilt(): Component {
  const module = emptyModule();
  module.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: ['i32'], results: [] } }] });
  const canons: Section = {
    kind: 'canon', items: CANONS.map((row) => {
      switch (row.imm) {
        case 'lift': return { op: row.name, func: 0, options: [{ kind: 'utf16' }, { kind: 'memory', index: 0 }, { kind: 'realloc', index: 1 }, { kind: 'post-return', index: 2 }, { kind: 'async' }, { kind: 'callback', index: 3 }], type: 1 };
        case 'lower': return { op: row.name, func: 0, options: [{ kind: 'latin1+utf16' }] };
        case 'none': return { op: row.name };
        case 'type': return { op: row.name, type: 3 };
        case 'type_opts': return { op: row.name, type: 3, options: [{ kind: 'utf8' }] };
        case 'type_async': return { op: row.name, type: 3, async: true };
        case 'opts': return { op: row.name, options: [] };
        case 'async': return { op: row.name, async: false };
        case 'cancel': return { op: row.name, cancellable: true };
        case 'cancel_memory': return { op: row.name, cancellable: false, memory: 0 };
        case 'task_return': return { op: row.name, result: 'u32', options: [] };
        case 'context': return { op: row.name, valtype: 'i32', index: 1 };
        case 'core_type_table': return { op: row.name, type: 0, table: 0 };
        case 'shared': return { op: row.name, shared: true };
        case 'shared_core_type': return { op: row.name, shared: false, type: 0 };
        case 'shared_core_type_table': return { op: row.name, shared: true, type: 0, table: 1 };
      }
    }) as never,
  };
  const inner: Component = { sections: [{ kind: 'import', items: [{ name: { name: 'f', form: 0, attributes: [] }, type: { kind: 'func', type: 0 } }] }] };
  return {
    sections: [
      { kind: 'custom', name: 'hello', data: Uint8Array.of(1, 2, 3) },
      { kind: 'core-module', module },
      { kind: 'core-type', items: [
        { kind: 'rec', group: { types: [{ final: false, supertypes: [], comp: { kind: 'func', params: [], results: [] } }] } },
        { kind: 'module', decls: [
          { kind: 'import', module: 'a', name: 'b', type: { kind: 'func', type: 0 } },
          { kind: 'type', type: { kind: 'rec', group: { types: [{ final: true, supertypes: [], comp: { kind: 'func', params: [], results: ['i64'] } }] } } },
          { kind: 'alias', count: 1, index: 0 },
          { kind: 'export', name: 'm', type: { kind: 'memory', type: { limits: { min: 1, max: 2 }, addr: 'i32', shared: false } } },
        ] },
      ] },
      { kind: 'core-instance', items: [
        { kind: 'instantiate', module: 0, args: [{ name: 'x', instance: 0 }] },
        { kind: 'exports', exports: [{ name: 'f', sort: 'func', index: 0 }, { name: 't', sort: 'table', index: 0 }] },
      ] },
      { kind: 'type', items: [
        { kind: 'prim', type: 'u32' },
        { kind: 'func', async: false, params: [{ name: 'a', type: 'string' }], result: 0 },
        { kind: 'func', async: true, params: [], },
        { kind: 'resource', rep: 'i32', dtor: 0 },
        { kind: 'record', fields: [{ name: 'x', type: 'u8' }, { name: 'y', type: 200 }] },
        { kind: 'variant', cases: [{ name: 'a' }, { name: 'b', type: 's64' }] },
        { kind: 'list', element: 'char' },
        { kind: 'list', element: 'f32', length: 4 },
        { kind: 'tuple', types: ['bool', 'f64'] },
        { kind: 'flags', names: ['r', 'w'] },
        { kind: 'enum', names: ['l', 'm'] },
        { kind: 'option', type: 'error-context' },
        { kind: 'result', ok: 'u16' },
        { kind: 'result', error: 's16' },
        { kind: 'result' },
        { kind: 'own', type: 3 },
        { kind: 'borrow', type: 3 },
        { kind: 'stream', element: 'u8' },
        { kind: 'stream' },
        { kind: 'future', element: 's8' },
        { kind: 'map', key: 'string', value: 'u64' },
        { kind: 'component', decls: [
          { kind: 'import', name: { name: 'wasi:cli/run@0.2.0', form: 1, attributes: [] }, type: { kind: 'instance', type: 0 } },
          { kind: 'core-type', type: { kind: 'module', decls: [] } },
          { kind: 'type', type: { kind: 'instance', decls: [
            { kind: 'export', name: { name: 'r', form: 0, attributes: [] }, type: { kind: 'type', bound: { kind: 'sub-resource' } } },
            { kind: 'alias', alias: { sort: 'type', target: { kind: 'outer', count: 1, index: 0 } } },
          ] } },
          { kind: 'export', name: { name: 'x', form: 2, attributes: [{ kind: 'implements', name: 'a:b/c' }, { kind: 'versionsuffix', suffix: '.1' }, { kind: 'external-id', id: 'z' }] }, type: { kind: 'value', bound: { kind: 'type', type: 'u8' } } },
          { kind: 'export', name: { name: 'y', form: 0, attributes: [] }, type: { kind: 'value', bound: { kind: 'eq', value: 0 } } },
          { kind: 'export', name: { name: 'm', form: 0, attributes: [] }, type: { kind: 'module', type: 0 } },
          { kind: 'export', name: { name: 't', form: 0, attributes: [] }, type: { kind: 'type', bound: { kind: 'eq', type: 0 } } },
        ] },
      ] },
      { kind: 'component', component: inner },
      { kind: 'instance', items: [
        { kind: 'instantiate', component: 0, args: [{ name: 'f', sort: 'func', index: 0 }, { name: 'm', sort: 'core module', index: 0 }] },
        { kind: 'exports', exports: [{ name: { name: 'g', form: 0, attributes: [] }, sort: 'instance', index: 0 }] },
      ] },
      { kind: 'alias', items: [
        { sort: 'func', target: { kind: 'export', instance: 0, name: 'f' } },
        { sort: 'core memory', target: { kind: 'core-export', instance: 0, name: 'm' } },
        { sort: 'component', target: { kind: 'outer', count: 1, index: 0 } },
      ] },
      canons,
      { kind: 'start', start: { func: 0, args: [1, 2], results: 1 } },
      { kind: 'import', items: [{ name: { name: '[method]r.m', form: 0, attributes: [] }, type: { kind: 'func', type: 1 } }] },
      { kind: 'export', items: [
        { name: { name: 'e', form: 0, attributes: [] }, sort: 'func', index: 0 },
        { name: { name: 'e2', form: 0, attributes: [] }, sort: 'func', index: 0, type: { kind: 'func', type: 1 } },
      ] },
      { kind: 'value', items: [{ type: 'u8', bytes: Uint8Array.of(7) }] },
    ],
  };
}

test('a hand-built component with every section, type and built-in: encode, decode, equal', () => {
  const c = handBuilt();
  const bytes = encodeComponent(c);
  const back = decodeComponent(bytes);
  assert.deepEqual(shape(back), shape(c));
  assert.ok(equal(encodeComponent(back), bytes));
  assert.ok(equal(encodeComponent(back, { canonical: true }), bytes));
});

test('a jco-built component re-encodes byte for byte, and canonically to a fixpoint', () => {
  const c = decodeComponent(HELLO);
  assert.ok(equal(encodeComponent(c), HELLO));
  const canonical = encodeComponent(c, { canonical: true });
  assert.ok(equal(encodeComponent(decodeComponent(canonical), { canonical: true }), canonical));
  assert.deepEqual(shape(decodeComponent(canonical)), shape(c));
});

test('an edit shows in the output; untouched sections keep their bytes', () => {
  const c = decodeComponent(HELLO);
  const exp = c.sections.find((s) => s.kind === 'export');
  assert.ok(exp && exp.kind === 'export');
  exp.items[0].name.name = 'renamed';
  const out = decodeComponent(encodeComponent(c));
  const back = out.sections.find((s) => s.kind === 'export');
  assert.ok(back && back.kind === 'export');
  assert.equal(back.items[0].name.name, 'renamed');
});

test('padded LEB128s in a section survive when the section is unchanged', () => {
  const bytes = Uint8Array.of(...PREAMBLE, 0x07, 0x06, 0x81, 0x80, 0x80, 0x80, 0x00, 0x73);
  const c = decodeComponent(bytes);
  assert.ok(equal(encodeComponent(c), bytes));
  assert.ok(equal(encodeComponent(c, { canonical: true }), Uint8Array.of(...PREAMBLE, 0x07, 0x02, 0x01, 0x73)));
});

test('nested core modules keep absolute offsets, in the AST and in errors', () => {
  const c = decodeComponent(HELLO);
  const s = c.sections.find((s) => s.kind === 'core-module');
  assert.ok(s && s.kind === 'core-module');
  const span = s.module.source?.sections[0];
  assert.ok(span && span.start > 8);
  // A broken module: its section id is not one; the offset counts from the component's start.
  const module = encodeModule(emptyModule());
  const broken = Uint8Array.of(...module, 0x0e, 0x00);
  const outer = Uint8Array.of(...PREAMBLE, 0x01, broken.length, ...broken);
  assert.throws(() => decodeComponent(outer), (e: unknown) => e instanceof DecodeError && e.offset === 10 + module.length);
});

test('decodeAny tells modules from components by the layer field', () => {
  assert.equal(decodeAny(HELLO).kind, 'component');
  assert.equal(decodeAny(encodeModule(emptyModule())).kind, 'module');
});

test('hostile input: huge counts and sizes fail before allocating', () => {
  const huge = [0xff, 0xff, 0xff, 0xff, 0x0f];
  for (const bytes of [
    [...PREAMBLE, 0x07, 0x05, ...huge],
    [...PREAMBLE, 0x07, ...huge],
    [...PREAMBLE, 0x07, 0x07, 0x01, 0x72, ...huge],
  ]) assert.throws(() => decodeComponent(Uint8Array.from(bytes)), DecodeError);
});

test('deep nesting: components and types nested past the limit give a DecodeError', () => {
  let inner: number[] = [...PREAMBLE];
  for (let i = 0; i < 200; i++) inner = [...PREAMBLE, ...section(4, inner)];
  assert.throws(() => decodeComponent(Uint8Array.from(inner)), (e: unknown) => e instanceof DecodeError && /nesting too deep/.test(e.message));
  // Instance types inside instance types: 0x42 count 1, decl 0x01 (type) ...
  let t: number[] = [0x42, 0x00];
  for (let i = 0; i < 5000; i++) t = [0x42, 0x01, 0x01, ...t];
  assert.throws(() => decodeComponent(Uint8Array.from([...PREAMBLE, ...section(7, [0x01, ...t])])), (e: unknown) => e instanceof DecodeError && /nesting too deep/.test(e.message));
});

function section(id: number, content: number[]): number[] {
  const size: number[] = [];
  let n = content.length;
  do {
    const b = n & 0x7f;
    n >>>= 7;
    size.push(n ? b | 0x80 : b);
  } while (n);
  return [id, ...size, ...content];
}

test('fuzz: mutated components never crash, they decode or throw DecodeError', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const inputs = [HELLO, encodeComponent(handBuilt())];
  for (let round = 0; round < 1000; round++) {
    const base = inputs[round % inputs.length];
    const bytes = base.slice(0, rand(4) === 0 ? rand(base.length) : base.length);
    for (let k = 1 + rand(4); k > 0; k--) bytes[rand(bytes.length)] = rand(256);
    try {
      const c = decodeComponent(bytes, { core: { lazy: false } });
      encodeComponent(c);
      encodeComponent(c, { canonical: true });
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
  }
});
