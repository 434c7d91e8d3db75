// What the Canonical ABI needs from a value type (CanonicalABI.md, "Flattening" and
// "Element Size"): its flat core types, whether it travels through linear memory, and its
// byte size (bounded, Explainer.md "Type Definitions": fixed-size lists may not describe
// values larger than MAX). canon-options.ts builds core signatures from these.
import type { AddrType } from '../../core/types.ts';
import type { VT } from './model.ts';

export const MAX_FLAT_PARAMS = 16;
export const MAX_FLAT_ASYNC_PARAMS = 4;
export const MAX_FLAT_RESULTS = 1;
/** The largest value size wasm-tools accepts, in bytes (2^28 - 1), with 64-bit pointers. */
export const MAX_VALUE_SIZE = 2 ** 28 - 1;

type Flat = 'i32' | 'i64' | 'f32' | 'f64';

function join(a: Flat, b: Flat): Flat {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

function flattenVariant(cases: readonly (VT | undefined)[], ptr: AddrType): Flat[] {
  const out: Flat[] = [];
  for (const c of cases) {
    if (c === undefined) continue;
    flatten(c, ptr).forEach((t, i) => { out[i] = i < out.length ? join(out[i], t) : t; });
  }
  return ['i32', ...out];
}

/**
 * CanonicalABI.md, "flatten_type": the core values a value type travels as; pointers and
 * lengths have the memory's address type `ptr` (🐘). Fixed-size lists are flattened up to
 * past any flat limit only: callers compare the length with MAX_FLAT_PARAMS at most.
 */
export function flatten(t: VT, ptr: AddrType = 'i32'): Flat[] {
  if (typeof t === 'string') {
    switch (t) {
      case 's64': case 'u64': return ['i64'];
      case 'f32': return ['f32'];
      case 'f64': return ['f64'];
      case 'string': return [ptr, ptr];
      default: return ['i32'];
    }
  }
  const d = t.def;
  switch (d.kind) {
    case 'prim': return flatten(d.type, ptr);
    case 'record': return d.fields.flatMap(([, f]) => flatten(f, ptr));
    case 'tuple': return d.types.flatMap((x) => flatten(x, ptr));
    case 'list': {
      if (d.length === undefined) return [ptr, ptr];
      const one = flatten(d.element, ptr);
      if (one.length === 0) return [];
      const out: Flat[] = [];
      for (let i = 0; i < d.length && out.length <= MAX_FLAT_PARAMS; i++) out.push(...one);
      return out;
    }
    case 'map': return [ptr, ptr];
    case 'variant': return flattenVariant(d.cases.map(([, c]) => c), ptr);
    case 'option': return flattenVariant([undefined, d.type], ptr);
    case 'result': return flattenVariant([d.ok, d.error], ptr);
    case 'flags': return d.names.length === 0 ? [] : ['i32'];
    default: return ['i32'];
  }
}

/** True if lifting or lowering `t` reads or writes linear memory (strings and lists). */
export function usesMemory(t: VT | undefined): boolean {
  if (t === undefined || typeof t === 'string') return t === 'string';
  const d = t.def;
  switch (d.kind) {
    case 'list': return d.length === undefined || usesMemory(d.element);
    case 'map': return true;
    case 'record': return d.fields.some(([, f]) => usesMemory(f));
    case 'tuple': return d.types.some(usesMemory);
    case 'variant': return d.cases.some(([, c]) => usesMemory(c));
    case 'option': return usesMemory(d.type);
    case 'result': return usesMemory(d.ok) || usesMemory(d.error);
    case 'prim': return usesMemory(d.type);
    default: return false;
  }
}

function alignTo(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** CanonicalABI.md, "Alignment" and "Element Size", with 8-byte pointers (the stricter case). */
export function sizeAlign(t: VT): [number, number] {
  if (typeof t === 'string') {
    switch (t) {
      case 'bool': case 's8': case 'u8': return [1, 1];
      case 's16': case 'u16': return [2, 2];
      case 's64': case 'u64': case 'f64': return [8, 8];
      case 'string': return [16, 8];
      default: return [4, 4];
    }
  }
  const d = t.def;
  const fields = (ts: readonly VT[]): [number, number] => {
    let size = 0;
    let align = 1;
    for (const f of ts) {
      const [s, a] = sizeAlign(f);
      size = alignTo(size, a) + s;
      align = Math.max(align, a);
    }
    return [alignTo(size, align), align];
  };
  const variant = (cs: readonly (VT | undefined)[]): [number, number] => {
    const disc = cs.length <= 256 ? 1 : cs.length <= 65536 ? 2 : 4;
    let size = 0;
    let align = disc;
    for (const c of cs) {
      if (c === undefined) continue;
      const [s, a] = sizeAlign(c);
      size = Math.max(size, s);
      align = Math.max(align, a);
    }
    return [alignTo(alignTo(disc, align) + size, align), align];
  };
  switch (d.kind) {
    case 'prim': return sizeAlign(d.type);
    case 'record': return fields(d.fields.map(([, f]) => f));
    case 'tuple': return fields(d.types);
    case 'list': {
      if (d.length === undefined) return [16, 8];
      const [s, a] = sizeAlign(d.element);
      return [s * d.length, a];
    }
    case 'map': return [16, 8];
    case 'variant': return variant(d.cases.map(([, c]) => c));
    case 'option': return variant([undefined, d.type]);
    case 'result': return variant([d.ok, d.error]);
    case 'enum': return variant(d.names.map(() => undefined));
    case 'flags': return d.names.length <= 8 ? [1, 1] : d.names.length <= 16 ? [2, 2] : [4, 4];
    default: return [4, 4];
  }
}
