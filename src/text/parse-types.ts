// Types in the text format (https://webassembly.github.io/spec/core/text/types.html):
// value, heap and reference types with their shorthands, composite and sub types, recursion
// groups, limits and the types of tables, memories and globals.
import type {
  AbsHeapType, AddrType, CompType, FieldType, GlobalType, HeapType, Limits, MemoryType, RefType,
  StorageType, SubType, TableType, ValType,
} from '../core/types.ts';
import type { ModuleContext } from './context.ts';
import { type Cursor, T_KEYWORD, T_LPAREN, T_RPAREN } from './cursor.ts';

const ref = (nullable: boolean, heap: HeapType): RefType => Object.freeze({ nullable, heap });

const ABS_HEAP: ReadonlySet<string> = new Set<AbsHeapType>([
  'func', 'nofunc', 'extern', 'noextern', 'any', 'eq', 'i31', 'struct', 'array', 'none', 'exn', 'noexn',
]);

/** Value type keywords: numbers, vectors and the reference shorthands (`funcref` = `(ref null func)`). */
const VALTYPE_KEYWORDS: ReadonlyMap<string, ValType> = new Map<string, ValType>([
  ['i32', 'i32'], ['i64', 'i64'], ['f32', 'f32'], ['f64', 'f64'], ['v128', 'v128'],
  ['funcref', ref(true, 'func')], ['externref', ref(true, 'extern')], ['anyref', ref(true, 'any')],
  ['eqref', ref(true, 'eq')], ['i31ref', ref(true, 'i31')], ['structref', ref(true, 'struct')],
  ['arrayref', ref(true, 'array')], ['nullref', ref(true, 'none')], ['nullfuncref', ref(true, 'nofunc')],
  ['nullexternref', ref(true, 'noextern')], ['exnref', ref(true, 'exn')], ['nullexnref', ref(true, 'noexn')],
]);

/** True if the cursor is at a value type (keyword or `(ref ...)`). */
export function atValType(ctx: ModuleContext): boolean {
  const c: Cursor = ctx.c;
  if (c.kind[c.pos] === T_KEYWORD) return VALTYPE_KEYWORDS.has(c.textOf(c.pos));
  return c.atParen('ref');
}

export function heapType(ctx: ModuleContext): HeapType {
  const c: Cursor = ctx.c;
  if (c.kind[c.pos] === T_KEYWORD) {
    const k = c.textOf(c.pos);
    if (!ABS_HEAP.has(k)) c.unexpected();
    c.pos++;
    return k as AbsHeapType;
  }
  return ctx.index('type');
}

/** `(ref null? ht)` or a shorthand keyword. */
export function refType(ctx: ModuleContext): RefType {
  const c: Cursor = ctx.c;
  if (c.kind[c.pos] === T_KEYWORD) {
    const t = VALTYPE_KEYWORDS.get(c.textOf(c.pos));
    if (t === undefined || typeof t === 'string') c.unexpected();
    c.pos++;
    return t;
  }
  c.lparen();
  c.keyword('ref');
  const nullable = c.eatKw('null');
  const heap = heapType(ctx);
  c.rparen();
  return ref(nullable, heap);
}

export function valType(ctx: ModuleContext): ValType {
  const c: Cursor = ctx.c;
  if (c.kind[c.pos] === T_KEYWORD) {
    const t = VALTYPE_KEYWORDS.get(c.textOf(c.pos));
    if (t === undefined) c.unexpected();
    c.pos++;
    return t;
  }
  if (!c.atParen('ref')) c.unexpected();
  return refType(ctx);
}

function storageType(ctx: ModuleContext): StorageType {
  const c: Cursor = ctx.c;
  if (c.eatKw('i8')) return 'i8';
  if (c.eatKw('i16')) return 'i16';
  return valType(ctx);
}

function fieldType(ctx: ModuleContext): FieldType {
  const c: Cursor = ctx.c;
  if (c.eatParen('mut')) {
    const storage = storageType(ctx);
    c.rparen();
    return { storage, mutable: true };
  }
  return { storage: storageType(ctx), mutable: false };
}

export function globalType(ctx: ModuleContext): GlobalType {
  const c: Cursor = ctx.c;
  if (c.eatParen('mut')) {
    const type = valType(ctx);
    c.rparen();
    return { type, mutable: true };
  }
  return { type: valType(ctx), mutable: false };
}

/**
 * `(param t*)` / `(param $id t)` groups; pushes the types, and each one's identifier (or
 * undefined) when `ids` is given. `allowIds` false makes an identifier an error.
 */
export function params(
  ctx: ModuleContext, out: ValType[], ids: (string | undefined)[] | undefined, notes?: Map<number, string>,
): void {
  const c: Cursor = ctx.c;
  while (c.atParen('param')) {
    c.pos += 2;
    const at = c.pos;
    const id = c.id();
    const note = c.nameAnnotation(c.pos);
    if (note !== undefined) notes?.set(out.length, note);
    if (id !== undefined) {
      if (!ids) c.fail(at, 'unexpected token');
      out.push(valType(ctx));
      ids.push(id);
    } else {
      while (c.kind[c.pos] !== T_RPAREN) {
        out.push(valType(ctx));
        ids?.push(undefined);
      }
    }
    c.rparen();
  }
}

export function results(ctx: ModuleContext, out: ValType[]): void {
  const c: Cursor = ctx.c;
  while (c.atParen('result')) {
    c.pos += 2;
    while (c.kind[c.pos] !== T_RPAREN) out.push(valType(ctx));
    c.rparen();
  }
}

/** A composite type at `(`: `(func ...)`, `(struct ...)` or `(array ...)`. */
function compType(ctx: ModuleContext, typeIndex: number): CompType {
  const c: Cursor = ctx.c;
  c.lparen();
  if (c.eatKw('func')) {
    const ps: ValType[] = [];
    params(ctx, ps, []);
    const rs: ValType[] = [];
    results(ctx, rs);
    c.rparen();
    return { kind: 'func', params: ps, results: rs };
  }
  if (c.eatKw('struct')) {
    const fields: FieldType[] = [];
    let ids: Map<string, number> | undefined;
    let names: Map<number, string> | undefined;
    while (c.eatParen('field')) {
      const at = c.pos;
      const id = c.id();
      // `(@name "...")` after the id is the field's real name (duplicates, empty names).
      const note = id === undefined ? undefined : c.nameAnnotation(c.pos);
      if (id !== undefined) {
        ids ??= new Map();
        names ??= new Map();
        if (ids.has(id)) c.fail(at, `duplicate field ${id}`);
        ids.set(id, fields.length);
        names.set(fields.length, note ?? id);
        fields.push(fieldType(ctx));
      } else {
        while (c.kind[c.pos] !== T_RPAREN) fields.push(fieldType(ctx));
      }
      c.rparen();
    }
    c.rparen();
    ctx.fieldIds[typeIndex] = ids;
    if (names) ctx.names.fields.set(typeIndex, names);
    return { kind: 'struct', fields };
  }
  if (c.eatKw('array')) {
    const element = fieldType(ctx);
    c.rparen();
    return { kind: 'array', element };
  }
  return c.unexpected();
}

/** `(type $id? subtype)` at `(`, whose index was assigned in the first pass. */
export function typeDef(ctx: ModuleContext, index: number): SubType {
  const c: Cursor = ctx.c;
  c.lparen();
  c.keyword('type');
  c.id();
  if (c.atParen('sub')) {
    c.pos += 2;
    const final = c.eatKw('final');
    const supertypes: number[] = [];
    while (c.kind[c.pos] !== T_LPAREN && c.kind[c.pos] !== T_RPAREN) supertypes.push(ctx.index('type'));
    const comp = compType(ctx, index);
    c.rparen();
    c.rparen();
    return { final, supertypes, comp };
  }
  const comp = compType(ctx, index);
  c.rparen();
  return { final: true, supertypes: [], comp };
}

/**
 * A limit bound. Wasm 3.0 reads u64 for both address types and leaves the range to
 * validation (core/memory.wast: `(memory 0x1_0000_0000)` is invalid, not malformed).
 */
function bound(ctx: ModuleContext, addr: AddrType): number | bigint {
  return ctx.c.u64(`${addr} constant out of range`);
}

export function addrType(ctx: ModuleContext): AddrType {
  const c: Cursor = ctx.c;
  if (c.eatKw('i64')) return 'i64';
  c.eatKw('i32');
  return 'i32';
}

export function limits(ctx: ModuleContext, addr: AddrType): Limits {
  const c: Cursor = ctx.c;
  const min = bound(ctx, addr);
  if (c.atNat()) return { min, max: bound(ctx, addr) };
  return { min };
}

/** `addrtype? limits reftype`. */
export function tableType(ctx: ModuleContext): TableType {
  const addr = addrType(ctx);
  const l = limits(ctx, addr);
  return { addr, limits: l, ref: refType(ctx) };
}

/** `addrtype? limits shared? (pagesize n)?`. */
export function memoryType(ctx: ModuleContext): MemoryType {
  const c: Cursor = ctx.c;
  const addr = addrType(ctx);
  const l = limits(ctx, addr);
  const shared = c.eatKw('shared');
  const pageSizeLog2 = pageSize(ctx);
  return pageSizeLog2 === undefined ? { addr, limits: l, shared } : { addr, limits: l, shared, pageSizeLog2 };
}

/** `(pagesize n)` (custom-page-sizes): n must be a power of two. */
export function pageSize(ctx: ModuleContext): number | undefined {
  const c: Cursor = ctx.c;
  if (!c.eatParen('pagesize')) return undefined;
  const at = c.pos;
  const n = c.u32();
  if (n === 0 || (n & (n - 1)) !== 0) c.fail(at, 'invalid custom page size');
  c.rparen();
  return 31 - Math.clz32(n);
}
