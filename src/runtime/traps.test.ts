// Triggers each engine trap the table in traps.ts names, so a new engine version that words
// one differently fails here rather than in the middle of the testsuite.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeModule } from '../binary/encode.ts';
import { emptyModule, type Expr } from '../core/ast.ts';
import type { TrapKind } from '../core/errors.ts';
import { NativeTrap, trapFromEngine, trapKindOfMessage } from './traps.ts';

const i32c = (value: number) => ({ op: 'i32.const' as const, value });
const mem = { align: 2, offset: 0, memory: 0 };

/** Each body (type [] -> []) and the kinds its trap must report, most likely first. */
const CASES: Record<string, [Expr, TrapKind[]]> = {
  unreachable: [[{ op: 'unreachable' }], ['unreachable']],
  div: [[i32c(1), i32c(0), { op: 'i32.div_s' }, { op: 'drop' }], ['integer divide by zero']],
  rem: [[{ op: 'i64.const', value: 1n }, { op: 'i64.const', value: 0n }, { op: 'i64.rem_u' }, { op: 'drop' }], ['integer divide by zero']],
  overflow: [[i32c(-0x80000000), i32c(-1), { op: 'i32.div_s' }, { op: 'drop' }], ['integer overflow']],
  conversion: [[{ op: 'f32.const', bits: 0x7fc00000 }, { op: 'i32.trunc_f32_s' }, { op: 'drop' }], ['invalid conversion to integer', 'integer overflow']],
  memory: [[i32c(70000), { op: 'i32.load', memarg: mem }, { op: 'drop' }], ['out of bounds memory access']],
  table: [[i32c(5), { op: 'call_indirect', type: 0, table: 0 }], ['out of bounds table access', 'undefined element']],
  uninitialized: [[i32c(1), { op: 'call_indirect', type: 0, table: 0 }], ['uninitialized element', 'indirect call type mismatch']],
  nullStruct: [[{ op: 'ref.null', heap: 1 }, { op: 'struct.get', type: 1, field: 0 }, { op: 'drop' }], ['null reference']],
  cast: [[{ op: 'ref.null', heap: 'any' }, { op: 'ref.cast', ref: { nullable: false, heap: 1 } }, { op: 'drop' }], ['cast failure']],
  array: [[i32c(1), { op: 'array.new_default', type: 2 }, i32c(5), { op: 'array.get', type: 2 }, { op: 'drop' }], ['out of bounds array access']],
  dataSegment: [[i32c(0), i32c(50), { op: 'array.new_data', type: 2, data: 0 }, { op: 'drop' }], ['out of bounds memory access']],
  unaligned: [[i32c(1), { op: 'i32.atomic.load', memarg: { ...mem, memory: 1 } }, { op: 'drop' }], ['unaligned atomic']],
  nullExn: [[{ op: 'ref.null', heap: 'exn' }, { op: 'throw_ref' }], ['null reference']],
  exhaustion: [[{ op: 'call', func: 0 }], ['call stack exhausted']],
};

test('every engine trap maps to its spec kinds', () => {
  const m = emptyModule();
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: [], results: [] } }] });
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'struct', fields: [{ storage: 'i32', mutable: false }] } }] });
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'array', element: { storage: 'i32', mutable: true } } }] });
  m.memories.push({ type: { addr: 'i32', limits: { min: 1 }, shared: false } });
  m.memories.push({ type: { addr: 'i32', limits: { min: 1, max: 1 }, shared: true } });
  m.tables.push({ type: { addr: 'i32', limits: { min: 2 }, ref: { nullable: true, heap: 'func' } } });
  m.datas.push({ init: new Uint8Array(4), mode: { kind: 'passive' } });
  m.dataCount = 1;
  const names = Object.keys(CASES);
  // Function 0 is the recursion of `exhaustion`; the cases follow.
  m.funcs.push({ type: 0, locals: [], body: [{ op: 'call', func: 0 }] });
  names.forEach((name, i) => {
    m.funcs.push({ type: 0, locals: [], body: CASES[name][0] });
    m.exports.push({ name, kind: 'func', index: i + 1 });
  });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(encodeModule(m)), {}).exports;
  for (const name of names) {
    let trap: unknown;
    try {
      (exports[name] as () => void)();
    } catch (e) {
      trap = trapFromEngine(e);
      assert.ok(trap instanceof NativeTrap, `${name}: unmapped engine error ${e}`);
    }
    assert.ok(trap instanceof NativeTrap, `${name} did not trap`);
    assert.deepEqual(trap.kinds, CASES[name][1], name);
  }
});

test('the spec\'s trap messages name their kinds', () => {
  assert.equal(trapKindOfMessage('integer divide by zero'), 'integer divide by zero');
  assert.equal(trapKindOfMessage('null structure reference'), 'null reference');
  assert.equal(trapKindOfMessage('out of bounds table access'), 'out of bounds table access');
  assert.equal(trapKindOfMessage('something else'), undefined);
});
