// Golden tests for printWat: hand-built modules and the exact text expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Instr, Module, Names } from '../core/ast.ts';
import { emptyModule } from '../core/ast.ts';
import { FUNCREF, REF_FUNC } from '../core/types.ts';
import { decodeModule } from '../binary/decode.ts';
import { encodeModule } from '../binary/encode.ts';
import { emptyNames } from '../binary/names-codes.ts';
import { parseWat } from './parse.ts';
import { printWat } from './print.ts';

/** The expected text; `TESSERA_UPDATE_GOLDEN=1` rewrites it from the actual output instead. */
function golden(name: string, actual: string): string {
  const url = new URL(`../../test/golden/${name}`, import.meta.url);
  if (process.env.TESSERA_UPDATE_GOLDEN) writeFileSync(url, actual);
  return readFileSync(url, 'utf8');
}

function assertGolden(name: string, actual: string): void {
  assert.equal(actual, golden(name, actual));
}

function names(fill: (n: Names) => void): Names {
  const n = emptyNames();
  fill(n);
  return n;
}

const f32 = (x: number) => new Uint32Array(new Float32Array([x]).buffer)[0];
const f64 = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];

/** Control flow, memory, constants and names of every kind. */
function mvpModule(): Module {
  const m = emptyModule();
  m.types = [{ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: ['i32', 'i32'], results: ['i32'] } }] },
    { types: [{ final: true, supertypes: [], comp: { kind: 'func', params: [], results: [] } }] }];
  m.imports = [{ module: 'env', name: 'log', desc: { kind: 'func', type: 1 } },
    { module: 'env', name: 'mem', desc: { kind: 'memory', type: { addr: 'i32', limits: { min: 1 }, shared: false } } }];
  m.globals = [{ type: { type: 'i64', mutable: true }, init: [{ op: 'i64.const', value: -5n }] }];
  m.tables = [{ type: { addr: 'i32', limits: { min: 2, max: 10 }, ref: FUNCREF } }];
  const body: Instr[] = [
    { op: 'block', blockType: { kind: 'value', type: 'i32' } },
    { op: 'loop', blockType: { kind: 'empty' } },
    { op: 'local.get', local: 0 },
    { op: 'br_if', label: 0 },
    { op: 'local.get', local: 1 },
    { op: 'br_if', label: 1 },
    { op: 'end' },
    { op: 'local.get', local: 0 },
    { op: 'i32.load8_u', memarg: { align: 0, offset: 16, memory: 0 } },
    { op: 'i32.load', memarg: { align: 1, offset: 0, memory: 0 } },
    { op: 'if', blockType: { kind: 'value', type: 'i32' } },
    { op: 'i32.const', value: -1 },
    { op: 'else' },
    { op: 'f32.const', bits: f32(0.1) },
    { op: 'drop' },
    { op: 'f64.const', bits: f64(-0) },
    { op: 'drop' },
    { op: 'call', func: 0 },
    { op: 'i32.const', value: 7 },
    { op: 'end' },
    { op: 'br_table', labels: [0, 1], default: 0 },
    { op: 'end' },
  ];
  m.funcs = [{ type: 0, locals: [{ count: 2, type: 'f64' }, { count: 1, type: 'i32' }], body }];
  m.exports = [{ name: 'run', kind: 'func', index: 1 }];
  m.elems = [{ type: REF_FUNC, init: [[{ op: 'ref.func', func: 1 }]], mode: { kind: 'active', table: 0, offset: [{ op: 'i32.const', value: 0 }] } }];
  m.datas = [{ init: new TextEncoder().encode('hi "there"\n\u00e9'), mode: { kind: 'active', memory: 0, offset: [{ op: 'i32.const', value: 8 }] } }];
  m.names = names((n) => {
    n.module = 'demo';
    n.funcs.set(0, 'log').set(1, 'run');
    n.locals.set(1, new Map([[0, 'a'], [1, 'two words'], [3, 'a']]));
    n.labels.set(1, new Map([[0, 'out'], [1, '']]));
    n.globals.set(0, 'counter');
    n.memories.set(0, 'mem');
  });
  return m;
}

test('prints an MVP module with names, flat', () => {
  assertGolden('print-mvp.wat', printWat(mvpModule()));
});

test('prints an MVP module folded', () => {
  assertGolden('print-mvp-folded.wat', printWat(mvpModule(), { folded: true }));
});

/** GC types, exceptions (both kinds), SIMD, atomics, memory64, multi-memory, customs. */
function v3Module(): Module {
  const m = emptyModule();
  const fn = (params: ('i32' | 'i64')[], results: ('i32' | 'i64')[]) =>
    ({ final: true, supertypes: [], comp: { kind: 'func' as const, params, results } });
  m.types = [
    { types: [fn([], []), fn(['i32'], [])] },
    { types: [] },
    { types: [
      { final: false, supertypes: [], comp: { kind: 'struct', fields: [{ storage: 'i32', mutable: true }, { storage: 'i8', mutable: false }] } },
      { final: true, supertypes: [2], comp: { kind: 'struct', fields: [{ storage: 'i32', mutable: true }, { storage: 'i8', mutable: false }, { storage: { nullable: true, heap: 3 }, mutable: false }] } },
    ] },
    { types: [{ final: true, supertypes: [], comp: { kind: 'array', element: { storage: 'i16', mutable: true } } }] },
  ];
  m.imports = [{ module: 'env', name: 'shared', desc: { kind: 'memory', type: { addr: 'i64', limits: { min: 1, max: 2n ** 60n }, shared: true } } }];
  m.memories = [{ type: { addr: 'i32', limits: { min: 0 }, shared: false, pageSizeLog2: 0 } }];
  m.tables = [{ type: { addr: 'i64', limits: { min: 1 }, ref: { nullable: false, heap: 0 } }, init: [{ op: 'ref.func', func: 0 }] }];
  m.tags = [{ type: 1 }];
  m.globals = [{ type: { type: { nullable: true, heap: 'any' }, mutable: false }, init: [{ op: 'i32.const', value: 1 }, { op: 'ref.i31' }] }];
  const body: Instr[] = [
    { op: 'try_table', blockType: { kind: 'empty' }, catches: [{ kind: 'catch', tag: 0, label: 0 }, { kind: 'catch_all_ref', label: 0 }] },
    { op: 'i32.const', value: 1 },
    { op: 'throw', tag: 0 },
    { op: 'end' },
    { op: 'try', blockType: { kind: 'index', type: 0 } },
    { op: 'call', func: 0 },
    { op: 'catch', tag: 0 },
    { op: 'drop' },
    { op: 'catch_all' },
    { op: 'rethrow', label: 0 },
    { op: 'end' },
    { op: 'try', blockType: { kind: 'empty' } },
    { op: 'nop' },
    { op: 'delegate', label: 0 },
    { op: 'i64.const', value: 0n },
    { op: 'v128.load32_lane', memarg: { align: 1, offset: 2n ** 40n, memory: 0 }, lane: 3 },
    { op: 'i8x16.shuffle', lanes: Uint8Array.from({ length: 16 }, (_, i) => 15 - i) },
    { op: 'f32x4.extract_lane', lane: 2 },
    { op: 'drop' },
    { op: 'v128.const', bytes: Uint8Array.from({ length: 16 }, (_, i) => i * 17) },
    { op: 'drop' },
    { op: 'i32.const', value: 0 },
    { op: 'i32.atomic.rmw8.add_u', memarg: { align: 0, offset: 0, memory: 1 } },
    { op: 'drop' },
    { op: 'atomic.fence' },
    { op: 'f32.const', bits: 0x7fa00000 },
    { op: 'f64.const', bits: 0xfff8000000000000n },
    { op: 'f64.const', bits: 0x7ff0000000000000n },
    { op: 'select', types: ['f64'] },
    { op: 'drop' },
    { op: 'drop' },
    { op: 'ref.null', heap: 'none' },
    { op: 'br_on_cast', label: 0, from: { nullable: true, heap: 'any' }, to: { nullable: false, heap: 2 } },
    { op: 'ref.cast', ref: { nullable: true, heap: 3 } },
    { op: 'struct.get', type: 3, field: 0 },
    { op: 'array.new_fixed', type: 4, length: 1 },
    { op: 'drop' },
    { op: 'memory.copy', memory: 1, srcMemory: 0 },
    { op: 'data.drop', data: 0 },
    { op: 'elem.drop', elem: 1 },
  ];
  m.funcs = [{ type: 0, locals: [], body }];
  m.start = 0;
  m.elems = [
    { type: FUNCREF, init: [[{ op: 'ref.func', func: 0 }], [{ op: 'ref.null', heap: 'func' }]], mode: { kind: 'passive' } },
    { type: REF_FUNC, init: [[{ op: 'ref.func', func: 0 }]], mode: { kind: 'declarative' } },
    { type: FUNCREF, init: [], mode: { kind: 'active', table: 0, offset: [{ op: 'i64.const', value: 0n }, { op: 'i64.const', value: 1n }, { op: 'i64.add' }] } },
  ];
  m.datas = [{ init: Uint8Array.of(0, 1, 0x5c, 0xff), mode: { kind: 'passive' } },
    { init: new Uint8Array(0), mode: { kind: 'active', memory: 1, offset: [{ op: 'i32.const', value: 0 }] } }];
  m.dataCount = 2;
  m.customs = [
    { name: 'first', data: Uint8Array.of(1), after: null },
    { name: 'after "tag"', data: new Uint8Array(0), after: 'tag' },
    { name: 'name', data: new Uint8Array(0), after: 'data' },
  ];
  m.names = names((n) => {
    n.types.set(2, 'point').set(3, 'point3').set(4, 'chars');
    n.fields.set(2, new Map([[0, 'x'], [1, 'tag']]));
    n.funcs.set(0, 'main');
    n.tags.set(0, 'oops');
    n.memories.set(1, 'small');
  });
  return m;
}

test('prints Wasm 3.0 features, custom sections and proposals', () => {
  assertGolden('print-v3.wat', printWat(v3Module()));
});

test('prints Wasm 3.0 features folded', () => {
  assertGolden('print-v3-folded.wat', printWat(v3Module(), { folded: true }));
});

test('a name section the text cannot carry is printed as bytes, and no ids', () => {
  const m = v3Module();
  m.names?.funcs.set(7, 'missing');
  const text = printWat(m);
  assert.doesNotMatch(text, /\$main/);
  assert.match(text, /\(@custom "name" \(after data\) "/);
});

function assertRoundTrip(m: Module, what: string): void {
  for (const folded of [false, true]) {
    const again = parseWat(printWat(m, { folded }));
    assert.deepEqual(encodeModule(again), encodeModule(m, { canonical: true }), `${what} folded=${folded}`);
  }
}

test('the golden modules read back to the same module, flat and folded', () => {
  assertRoundTrip(mvpModule(), 'mvp');
  assertRoundTrip(v3Module(), 'v3');
});

test('duplicate field names read back through (@name ...)', () => {
  const m = v3Module();
  m.names?.fields.set(3, new Map([[0, 'x'], [1, 'x'], [2, '']]));
  assert.match(printWat(m), /\(field \$"#field1 x" \(@name "x"\) i8\)/);
  assertRoundTrip(m, 'v3 with duplicate field names');
});

test('floats print exactly: NaN payloads, signed zeros, infinities, subnormals', () => {
  const f32s = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x00000001, 0x7f7fffff, 0x3dcccccd, 0x4b800001];
  const f64s = [0n, 1n << 63n, 0x7ff0000000000000n, 0x7ff8000000000001n, 1n, 0x7fefffffffffffffn, 0x3fb999999999999an];
  const m = emptyModule();
  m.types = [{ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: [], results: [] } }] }];
  const body: Instr[] = [];
  for (const bits of f32s) body.push({ op: 'f32.const', bits }, { op: 'drop' });
  for (const bits of f64s) body.push({ op: 'f64.const', bits }, { op: 'drop' });
  m.funcs = [{ type: 0, locals: [], body }];
  const text = printWat(m);
  assert.match(text, /f32\.const -nan:0x400001\n/);
  assert.match(text, /f32\.const 1e-45\n/);
  assert.match(text, /f64\.const -0\n/);
  assert.deepEqual(parseWat(text).funcs[0].body, body);
});

test('offsets: each instruction of a decoded body is commented with its byte offset', () => {
  const m = decodeModule(encodeModule(mvpModule()));
  const text = printWat(m, { offsets: true });
  const bytes = encodeModule(m);
  // The first instruction of the body is `block`, opcode 0x02, at the offset printed.
  const at = /\(;@ *([0-9a-f]+);\) +block \$out/.exec(text);
  assert.ok(at, text);
  assert.equal(bytes[parseInt(at[1], 16)], 0x02);
});
