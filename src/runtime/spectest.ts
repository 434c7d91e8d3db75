// The `spectest` host module the spec testsuite imports from (the reference interpreter's
// interpreter/host/spectest.ml; `shared_memory` is the threads proposal's). Tessera builds
// it as an ordinary module with its own encoder, so its externs have exact types for the
// linker and run on whatever engine instantiates it. The print functions print nothing: the
// testsuite checks no output, and a runner has better uses for its console.
import { emptyModule, type Instr, type Module } from '../core/ast.ts';
import type { ValType } from '../core/types.ts';
import { FUNCREF } from '../core/types.ts';
import type { Engine, Instance } from './engine.ts';

const PRINTS: readonly (readonly [string, ValType[]])[] = [
  ['print', []],
  ['print_i32', ['i32']],
  ['print_i64', ['i64']],
  ['print_f32', ['f32']],
  ['print_f64', ['f64']],
  ['print_i32_f32', ['i32', 'f32']],
  ['print_f64_f64', ['f64', 'f64']],
];

/** 666.6 as the nearest f32 and f64, by their bits. */
const F32_666_6 = 0x4426a666;
const F64_666_6 = 0x4084d4cccccccccdn;

export function spectestModule(): Module {
  const m = emptyModule();
  PRINTS.forEach(([name, params], i) => {
    m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params, results: [] } }] });
    m.funcs.push({ type: i, locals: [], body: [] });
    m.exports.push({ name, kind: 'func', index: i });
  });
  const globals: [string, ValType, Instr][] = [
    ['global_i32', 'i32', { op: 'i32.const', value: 666 }],
    ['global_i64', 'i64', { op: 'i64.const', value: 666n }],
    ['global_f32', 'f32', { op: 'f32.const', bits: F32_666_6 }],
    ['global_f64', 'f64', { op: 'f64.const', bits: F64_666_6 }],
  ];
  globals.forEach(([name, type, init], i) => {
    m.globals.push({ type: { type, mutable: false }, init: [init] });
    m.exports.push({ name, kind: 'global', index: i });
  });
  m.tables.push({ type: { addr: 'i32', limits: { min: 10, max: 20 }, ref: FUNCREF } });
  m.tables.push({ type: { addr: 'i64', limits: { min: 10, max: 20 }, ref: FUNCREF } });
  m.exports.push({ name: 'table', kind: 'table', index: 0 });
  m.exports.push({ name: 'table64', kind: 'table', index: 1 });
  m.memories.push({ type: { addr: 'i32', limits: { min: 1, max: 2 }, shared: false } });
  m.memories.push({ type: { addr: 'i32', limits: { min: 1, max: 2 }, shared: true } });
  m.exports.push({ name: 'memory', kind: 'memory', index: 0 });
  m.exports.push({ name: 'shared_memory', kind: 'memory', index: 1 });
  return m;
}

/** A fresh `spectest` instance on `engine`. */
export function spectest(engine: Engine): Instance {
  return engine.instantiate(engine.compile(spectestModule()), []);
}
