import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyModule, type Expr, type Module } from '../core/ast.ts';
import { LinkError, Trap } from '../core/errors.ts';
import type { SubType, ValType } from '../core/types.ts';
import type { FuncExtern, GlobalExtern, Instance, MemoryExtern } from './engine.ts';
import { UncaughtException } from '../core/errors.ts';
import { Linker } from './linker.ts';
import { NativeEngine } from './native.ts';
import { spectest } from './spectest.ts';
import { f32Bits, f64Bits, HostRef, i32, i64, ref, type Value, WasmRef } from './values.ts';

// Modules are built as ASTs and encoded by Tessera.

function funcType(params: ValType[], results: ValType[]): { types: SubType[] } {
  return { types: [{ final: true, supertypes: [], comp: { kind: 'func', params, results } }] };
}

/** A module of one exported function per entry, each with its own type. */
function funcs(defs: Record<string, { params: ValType[]; results: ValType[]; body: Expr; locals?: ValType[] }>, m: Module = emptyModule()): Module {
  for (const [name, d] of Object.entries(defs)) {
    let base = 0;
    for (const g of m.types) base += g.types.length;
    m.types.push(funcType(d.params, d.results));
    const imported = m.imports.filter((i) => i.desc.kind === 'func').length;
    m.exports.push({ name, kind: 'func', index: imported + m.funcs.length });
    m.funcs.push({ type: base, locals: (d.locals ?? []).map((type) => ({ count: 1, type })), body: d.body });
  }
  return m;
}

const engine = new NativeEngine();

function instantiate(m: Module, linker = new Linker()): Instance {
  return linker.instantiate(engine, engine.compile(m));
}

function fn(inst: Instance, name: string): FuncExtern {
  const e = inst.exports.get(name);
  assert.ok(e && e.kind === 'func', `${name} is a function export`);
  return e;
}

function trapKind(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Trap, `expected a Trap, got ${e}`);
    return e.kind;
  }
  assert.fail('did not trap');
}

const get = (local: number) => ({ op: 'local.get' as const, local });

test('integers cross directly, floats by their bits with NaN payloads intact', () => {
  const inst = instantiate(funcs({
    add: { params: ['i32', 'i32'], results: ['i32'], body: [get(0), get(1), { op: 'i32.add' }] },
    add64: { params: ['i64', 'i64'], results: ['i64'], body: [get(0), get(1), { op: 'i64.add' }] },
    id32: { params: ['f32'], results: ['f32'], body: [get(0)] },
    id64: { params: ['f64'], results: ['f64'], body: [get(0)] },
    swap: { params: ['f32', 'f64'], results: ['f64', 'f32'], body: [get(1), get(0)] },
  }));
  assert.deepEqual(fn(inst, 'add').call([i32(0x7fffffff), i32(1)]), [i32(-0x80000000)]);
  assert.deepEqual(fn(inst, 'add64').call([i64(2n ** 63n - 1n), i64(1n)]), [i64(-(2n ** 63n))]);
  // A signalling f32 NaN with a payload: converting through a JS number would quiet it.
  assert.deepEqual(fn(inst, 'id32').call([f32Bits(0x7fa00001)]), [f32Bits(0x7fa00001)]);
  assert.deepEqual(fn(inst, 'id64').call([f64Bits(0xfff0000000000001n)]), [f64Bits(0xfff0000000000001n)]);
  assert.deepEqual(fn(inst, 'swap').call([f32Bits(0xff800001), f64Bits(0x7ff4000000000000n)]),
    [f64Bits(0x7ff4000000000000n), f32Bits(0xff800001)]);
  assert.throws(() => fn(inst, 'add').call([i32(1)]), TypeError);
  assert.throws(() => fn(inst, 'add').call([i32(1), i64(1n)]), TypeError);
});

test('v128 crosses as 16 bytes', () => {
  const bytes = Uint8Array.from({ length: 16 }, (_, k) => k * 17);
  const inst = instantiate(funcs({
    id: { params: ['v128'], results: ['v128'], body: [get(0)] },
    add: { params: ['v128', 'v128'], results: ['v128', 'i32'], body: [get(0), get(1), { op: 'i8x16.add' }, { op: 'i32.const', value: 7 }] },
  }));
  assert.deepEqual(fn(inst, 'id').call([{ type: 'v128', bytes }]), [{ type: 'v128', bytes }]);
  const [sum, seven] = fn(inst, 'add').call([{ type: 'v128', bytes }, { type: 'v128', bytes }]);
  assert.deepEqual(sum, { type: 'v128', bytes: bytes.map((b) => (b * 2) & 0xff) });
  assert.deepEqual(seven, i32(7));
});

test('engine traps become Trap with the spec kind', () => {
  const m = funcs({
    div: { params: ['i32', 'i32'], results: ['i32'], body: [get(0), get(1), { op: 'i32.div_s' }] },
    unreachable: { params: [], results: [], body: [{ op: 'unreachable' }] },
    load: { params: ['i32'], results: ['i32'], body: [get(0), { op: 'i32.load', memarg: { align: 2, offset: 0, memory: 0 } }] },
    trunc: { params: ['f32'], results: ['i32'], body: [get(0), { op: 'i32.trunc_f32_s' }] },
    recurse: { params: [], results: [], body: [{ op: 'call', func: 4 }] },
  });
  m.memories.push({ type: { addr: 'i32', limits: { min: 1 }, shared: false } });
  const inst = instantiate(m);
  assert.equal(trapKind(() => fn(inst, 'div').call([i32(1), i32(0)])), 'integer divide by zero');
  assert.equal(trapKind(() => fn(inst, 'div').call([i32(-0x80000000), i32(-1)])), 'integer overflow');
  assert.equal(trapKind(() => fn(inst, 'unreachable').call([])), 'unreachable');
  assert.equal(trapKind(() => fn(inst, 'load').call([i32(65535)])), 'out of bounds memory access');
  assert.equal(trapKind(() => fn(inst, 'trunc').call([f32Bits(0x7fc00000)])), 'invalid conversion to integer');
  assert.equal(trapKind(() => fn(inst, 'recurse').call([])), 'call stack exhausted');
  // The engine is usable after exhausting the stack.
  assert.deepEqual(fn(inst, 'div').call([i32(7), i32(2)]), [i32(3)]);
});

test('a trap in a start function or segment initialisation fails instantiation', () => {
  const m = funcs({ boom: { params: [], results: [], body: [{ op: 'unreachable' }] } });
  m.start = 0;
  assert.equal(trapKind(() => instantiate(m)), 'unreachable');
  const d = emptyModule();
  d.memories.push({ type: { addr: 'i32', limits: { min: 1 }, shared: false } });
  d.datas.push({ init: new Uint8Array(4), mode: { kind: 'active', memory: 0, offset: [{ op: 'i32.const', value: 65534 }] } });
  assert.equal(trapKind(() => instantiate(d)), 'out of bounds memory access');
});

test('an uncaught exception, and exnref values that cross through the exception table', () => {
  const m = emptyModule();
  m.types.push(funcType([], []));
  m.tags.push({ type: 0 });
  const exnref: ValType = { nullable: true, heap: 'exn' };
  funcs({
    throw: { params: [], results: [], body: [{ op: 'throw', tag: 0 }] },
    // Catches the tag's exception and returns it as an exnref.
    catch: {
      params: [], results: [exnref], body: [
        { op: 'block', blockType: { kind: 'value', type: { nullable: false, heap: 'exn' } } },
        { op: 'try_table', blockType: { kind: 'empty' }, catches: [{ kind: 'catch_all_ref', label: 0 }] },
        { op: 'throw', tag: 0 },
        { op: 'end' },
        { op: 'unreachable' },
        { op: 'end' },
      ],
    },
    rethrow: { params: [exnref], results: [], body: [get(0), { op: 'throw_ref' }] },
    null: { params: [], results: [exnref], body: [{ op: 'ref.null', heap: 'exn' }] },
  }, m);
  const inst = instantiate(m);
  assert.throws(() => fn(inst, 'throw').call([]), UncaughtException);
  const [exn] = fn(inst, 'catch').call([]);
  assert.ok(exn.type === 'ref' && exn.ref instanceof WasmRef && exn.ref.kind === 'exn');
  assert.throws(() => fn(inst, 'rethrow').call([exn]), UncaughtException);
  assert.deepEqual(fn(inst, 'null').call([]), [ref(null)]);
  assert.equal(trapKind(() => fn(inst, 'rethrow').call([ref(null)])), 'null reference');
});

test('references: host references round-trip, internal ones are told apart', () => {
  const m = emptyModule();
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'struct', fields: [{ storage: 'i32', mutable: false }] } }] });
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'array', element: { storage: 'i8', mutable: true } } }] });
  const anyref: ValType = { nullable: true, heap: 'any' };
  const externref: ValType = { nullable: true, heap: 'extern' };
  funcs({
    extern: { params: [externref], results: [externref], body: [get(0)] },
    internalize: { params: [externref], results: [anyref], body: [get(0), { op: 'any.convert_extern' }] },
    struct: { params: [], results: [anyref], body: [{ op: 'i32.const', value: 1 }, { op: 'struct.new', type: 0 }] },
    array: { params: [], results: [anyref], body: [{ op: 'i32.const', value: 1 }, { op: 'array.new_default', type: 1 }] },
    i31: { params: [], results: [anyref], body: [{ op: 'i32.const', value: 5 }, { op: 'ref.i31' }] },
    func: { params: [], results: [{ nullable: true, heap: 'func' }], body: [{ op: 'ref.func', func: 0 }] },
    isStruct: { params: [anyref], results: ['i32'], body: [get(0), { op: 'ref.test', ref: { nullable: false, heap: 0 } }] },
  }, m);
  m.elems.push({ type: { nullable: false, heap: 'func' }, init: [[{ op: 'ref.func', func: 0 }]], mode: { kind: 'declarative' } });
  const inst = instantiate(m);
  const host = ref(HostRef.of(1));
  assert.deepEqual(fn(inst, 'extern').call([host]), [host]);
  const [back] = fn(inst, 'extern').call([host]);
  assert.ok(back.type === 'ref' && back.ref === HostRef.of(1), 'the same host reference');
  assert.deepEqual(fn(inst, 'internalize').call([host]), [host]);
  const kind = (v: Value[]) => (v[0].type === 'ref' && v[0].ref instanceof WasmRef ? v[0].ref.kind : String(v[0]));
  assert.equal(kind(fn(inst, 'struct').call([])), 'struct');
  assert.equal(kind(fn(inst, 'array').call([])), 'array');
  assert.equal(kind(fn(inst, 'i31').call([])), 'i31');
  assert.equal(kind(fn(inst, 'func').call([])), 'func');
  // An internal reference goes back in as itself.
  assert.deepEqual(fn(inst, 'isStruct').call(fn(inst, 'struct').call([])), [i32(1)]);
  assert.deepEqual(fn(inst, 'isStruct').call(fn(inst, 'array').call([])), [i32(0)]);
});

test('the linker resolves imports by name and checks their types first', () => {
  const linker = new Linker();
  linker.register('spectest', spectest(engine));
  const importer = (desc: Module['imports'][number]['desc'], name = 'print_i32'): Module => {
    const m = emptyModule();
    m.types.push(funcType(['i32'], []));
    m.imports.push({ module: 'spectest', name, desc });
    return m;
  };
  instantiate(importer({ kind: 'func', type: 0 }), linker);
  const link = (m: Module) => {
    try {
      instantiate(m, linker);
    } catch (e) {
      assert.ok(e instanceof LinkError, `expected a LinkError, got ${e}`);
      return e.message;
    }
    assert.fail('linked');
  };
  assert.match(link(importer({ kind: 'func', type: 0 }, 'nope')), /^unknown import/);
  assert.match(link(importer({ kind: 'func', type: 0 }, 'print_i64')), /^incompatible import type/);
  assert.match(link(importer({ kind: 'global', type: { type: 'i32', mutable: false } })), /^incompatible import type/);
  const memory = (min: number, max?: number) => ({ kind: 'memory' as const, type: { addr: 'i32' as const, limits: { min, max }, shared: false } });
  instantiate(importer(memory(1, 2), 'memory'), linker);
  instantiate(importer(memory(0), 'memory'), linker);
  assert.match(link(importer(memory(2), 'memory')), /^incompatible import type/);
  assert.match(link(importer(memory(1, 1), 'memory')), /^incompatible import type/);
  assert.match(link(importer({ kind: 'global', type: { type: 'i32', mutable: true } }, 'global_i32')), /^incompatible import type/);
  instantiate(importer({ kind: 'global', type: { type: 'i32', mutable: false } }, 'global_i32'), linker);
});

test('globals read exactly; exported imports keep their identity', () => {
  const st = spectest(engine);
  const g = (name: string) => st.exports.get(name) as GlobalExtern;
  assert.deepEqual(g('global_i32').get(), i32(666));
  assert.deepEqual(g('global_i64').get(), i64(666n));
  assert.deepEqual(g('global_f32').get(), f32Bits(0x4426a666));
  assert.deepEqual(g('global_f64').get(), f64Bits(0x4084d4cccccccccdn));
  assert.equal((st.exports.get('memory') as MemoryExtern).buffer.byteLength, 65536);

  const linker = new Linker();
  linker.register('spectest', st);
  const m = emptyModule();
  m.imports.push({ module: 'spectest', name: 'global_f32', desc: { kind: 'global', type: { type: 'f32', mutable: false } } });
  m.exports.push({ name: 'g', kind: 'global', index: 0 });
  m.globals.push({ type: { type: 'v128', mutable: true }, init: [{ op: 'v128.const', bytes: new Uint8Array(16).fill(0xab) }] });
  m.exports.push({ name: 'v', kind: 'global', index: 1 });
  const inst = instantiate(m, linker);
  assert.equal(inst.exports.get('g'), st.exports.get('global_f32'));
  const v = inst.exports.get('v') as GlobalExtern;
  assert.deepEqual(v.get(), { type: 'v128', bytes: new Uint8Array(16).fill(0xab) });
  v.set({ type: 'v128', bytes: new Uint8Array(16).fill(1) });
  assert.deepEqual(v.get(), { type: 'v128', bytes: new Uint8Array(16).fill(1) });
});
