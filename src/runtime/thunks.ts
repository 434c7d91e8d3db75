// Thunk modules: small modules Tessera writes with its own encoder so that values cross the
// JavaScript boundary without loss. The JS API converts f32 and f64 through JS numbers
// (which may quiet a signalling NaN or drop an f32 payload), and cannot pass v128 or exnref
// at all (https://webassembly.github.io/spec/js-api/#tojsvalue). A thunk imports the real
// function (or global) with its exact type and exposes a version whose parameters and
// results are integers: f32 as its i32 bits, f64 as i64 bits, v128 as four i32 lanes, an
// exnref as an index into a table of exceptions. The call between thunk and function is
// WebAssembly to WebAssembly, so nothing is converted there.
//
// A thunk module copies the owner module's type section, so concrete reference types in the
// signature mean the same canonical types; the thunk's own type goes after them.
import { emptyModule, type Expr, type Instr, type Module } from '../core/ast.ts';
import type { FuncType, GlobalType, RefType, ValType } from '../core/types.ts';

/** How a value of some type crosses the boundary. */
export type Crossing = 'plain' | 'f32' | 'f64' | 'v128' | 'exn';

export function crossingOf(t: ValType): Crossing {
  if (t === 'f32' || t === 'f64' || t === 'v128') return t;
  if (typeof t === 'object' && (t.heap === 'exn' || t.heap === 'noexn')) return 'exn';
  return 'plain';
}

export function needsThunk(types: readonly ValType[]): boolean {
  return types.some((t) => crossingOf(t) !== 'plain');
}

/** The thunk-side types standing for `t`. */
export function loweredTypes(t: ValType): ValType[] {
  switch (crossingOf(t)) {
    case 'plain': return [t];
    case 'f32': return ['i32'];
    case 'f64': return ['i64'];
    case 'v128': return ['i32', 'i32', 'i32', 'i32'];
    case 'exn': return ['i32'];
  }
}

const EXN_TABLE = 0;
/** The exception table: index 0 stays null, so a null exnref crosses as 0. */
const EXNREF: RefType = { nullable: true, heap: 'exn' };

function funcTypeGroup(params: ValType[], results: ValType[]) {
  return { types: [{ final: true, supertypes: [], comp: { kind: 'func' as const, params, results } }] };
}

function typeCount(m: Module): number {
  let n = 0;
  for (const g of m.types) n += g.types.length;
  return n;
}

/** Copies the owner's types and adds `params -> results`; returns the new type's index. */
function withOwnerTypes(m: Module, owner: Module, params: ValType[], results: ValType[]): number {
  m.types = owner.types.slice();
  const index = typeCount(m);
  m.types.push(funcTypeGroup(params, results));
  return index;
}

function importsExnTable(m: Module, types: readonly ValType[]): void {
  if (types.some((t) => crossingOf(t) === 'exn')) {
    m.imports.push({ module: 't', name: 'exn', desc: { kind: 'table', type: { addr: 'i32', limits: { min: 1 }, ref: EXNREF } } });
  }
}

/** Instructions turning the thunk parameters from `first` on back into a value of type `t`. */
function raise(t: ValType, first: number, body: Expr): number {
  const get = (i: number): Instr => ({ op: 'local.get', local: i });
  switch (crossingOf(t)) {
    case 'plain': body.push(get(first)); return 1;
    case 'f32': body.push(get(first), { op: 'f32.reinterpret_i32' }); return 1;
    case 'f64': body.push(get(first), { op: 'f64.reinterpret_i64' }); return 1;
    case 'v128':
      body.push({ op: 'v128.const', bytes: new Uint8Array(16) });
      for (let k = 0; k < 4; k++) body.push(get(first + k), { op: 'i32x4.replace_lane', lane: k });
      return 4;
    case 'exn':
      body.push(get(first), { op: 'table.get', table: EXN_TABLE });
      if (typeof t === 'object' && !t.nullable) body.push({ op: 'ref.as_non_null' });
      return 1;
  }
}

/** Instructions pushing the lowered form of local `local` (of type `t`). */
function lower(t: ValType, local: number, body: Expr): void {
  const get: Instr = { op: 'local.get', local };
  switch (crossingOf(t)) {
    case 'plain': body.push(get); return;
    case 'f32': body.push(get, { op: 'i32.reinterpret_f32' }); return;
    case 'f64': body.push(get, { op: 'i64.reinterpret_f64' }); return;
    case 'v128':
      for (let k = 0; k < 4; k++) body.push(get, { op: 'i32x4.extract_lane', lane: k });
      return;
    case 'exn':
      // null → 0; otherwise append it to the table and pass its index.
      body.push(
        get, { op: 'ref.is_null' },
        { op: 'if', blockType: { kind: 'value', type: 'i32' } },
        { op: 'i32.const', value: 0 },
        { op: 'else' },
        get, { op: 'i32.const', value: 1 }, { op: 'table.grow', table: EXN_TABLE },
        { op: 'end' },
      );
  }
}

/** A local can hold any value of `t` only if nullable (locals start as null). */
function localType(t: ValType): ValType {
  return typeof t === 'object' ? { nullable: true, heap: t.heap } : t;
}

/**
 * A module importing `t.f` of type `type` (an index into `owner`'s types) and exporting
 * `call`, the same function with lowered parameters and results.
 */
export function funcThunk(owner: Module, type: number, ft: FuncType): Module {
  const m = emptyModule();
  const params = ft.params.flatMap(loweredTypes);
  const results = ft.results.flatMap(loweredTypes);
  const thunkType = withOwnerTypes(m, owner, params, results);
  m.imports.push({ module: 't', name: 'f', desc: { kind: 'func', type } });
  importsExnTable(m, [...ft.params, ...ft.results]);
  const body: Expr = [];
  let p = 0;
  for (const t of ft.params) p += raise(t, p, body);
  body.push({ op: 'call', func: 0 });
  // Results are on the stack in order; park them in locals, then push each lowered.
  const first = params.length;
  for (let i = ft.results.length - 1; i >= 0; i--) body.push({ op: 'local.set', local: first + i });
  for (let i = 0; i < ft.results.length; i++) lower(ft.results[i], first + i, body);
  m.funcs.push({ type: thunkType, locals: ft.results.map((t) => ({ count: 1, type: localType(t) })), body });
  m.exports.push({ name: 'call', kind: 'func', index: 1 });
  return m;
}

/**
 * A module importing the global `t.g` and exporting `get` (its value, lowered) and, for a
 * mutable global, `set`.
 */
export function globalThunk(owner: Module, type: GlobalType): Module {
  const m = emptyModule();
  const lowered = loweredTypes(type.type);
  const getType = withOwnerTypes(m, owner, [], lowered);
  const setIndex = typeCount(m);
  m.types.push(funcTypeGroup(lowered, []));
  m.imports.push({ module: 't', name: 'g', desc: { kind: 'global', type } });
  importsExnTable(m, [type.type]);
  const get: Expr = [{ op: 'global.get', global: 0 }, { op: 'local.set', local: 0 }];
  lower(type.type, 0, get);
  m.funcs.push({ type: getType, locals: [{ count: 1, type: localType(type.type) }], body: get });
  m.exports.push({ name: 'get', kind: 'func', index: 0 });
  if (type.mutable) {
    const set: Expr = [];
    raise(type.type, 0, set);
    set.push({ op: 'global.set', global: 0 });
    m.funcs.push({ type: setIndex, locals: [], body: set });
    m.exports.push({ name: 'set', kind: 'func', index: 1 });
  }
  return m;
}

/** The table that holds exceptions crossing the boundary; exported as `table`. */
export function exnStore(): Module {
  const m = emptyModule();
  m.tables.push({ type: { addr: 'i32', limits: { min: 1 }, ref: EXNREF } });
  m.exports.push({ name: 'table', kind: 'table', index: 0 });
  return m;
}

/** Bits for what a non-null internal reference is: */
export const CLASS_STRUCT = 1;
export const CLASS_ARRAY = 2;
export const CLASS_I31 = 4;

/**
 * `classify(anyref) -> i32`: the JS API shows structs and arrays as opaque objects, and a
 * spec script tells them apart (`ref.struct`, `ref.array`), so ask WebAssembly with ref.test.
 */
export function classifier(): Module {
  const m = emptyModule();
  m.types.push(funcTypeGroup([{ nullable: true, heap: 'any' }], ['i32']));
  const test = (heap: 'struct' | 'array' | 'i31', bit: number): Instr[] => [
    { op: 'local.get', local: 0 }, { op: 'ref.test', ref: { nullable: false, heap } },
    { op: 'i32.const', value: bit }, { op: 'i32.mul' },
  ];
  const body: Expr = [...test('struct', CLASS_STRUCT), ...test('array', CLASS_ARRAY), { op: 'i32.or' }, ...test('i31', CLASS_I31), { op: 'i32.or' }];
  m.funcs.push({ type: 0, locals: [], body });
  m.exports.push({ name: 'classify', kind: 'func', index: 0 });
  return m;
}
