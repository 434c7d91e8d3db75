// The static facts of the Canonical ABI about a value type (CanonicalABI.md,
// "Despecialization", "Alignment", "Element Size", "Flattening"): what the type
// despecializes to, its size and alignment in linear memory, and its flat core types. Sizes,
// alignments and flat types of strings and lists depend on the memory's address type
// (`ptr_type`: i32, or 🐘 i64 for a 64-bit memory), so those functions take it.
// Everything here runs once per type, when a function type is compiled.
import { LinkError } from '../../core/errors.ts';
import type { AddrType } from '../../core/types.ts';
import type { PrimValType } from '../codes.ts';
import type { TypeEntry, ValDef, VT } from '../validate/model.ts';

export type Flat = 'i32' | 'i64' | 'f32' | 'f64';

export type { AddrType };

/** `ptr_size(ptr_type)`: 4 bytes, or 8 with a 64-bit memory. */
export function ptrSize(addr: AddrType): 4 | 8 {
  return addr === 'i64' ? 8 : 4;
}

/**
 * CanonicalABI.md, "Loading": lengths past these trap, so every transcoded size fits in 32
 * bits, whatever the address type (a string from a 64-bit memory can be stored in a 32-bit one).
 */
export const MAX_STRING_BYTE_LENGTH = 2 ** 28 - 1;
export const MAX_LIST_BYTE_LENGTH = 2 ** 28 - 1;
/**
 * `utf16_tag(i32)`: the latin1+utf16 tag bit of a 32-bit length. Inside the ABI a tagged
 * length is always kept in this form (the count itself is below 2^28); 🐘 64-bit memories
 * carry the tag in bit 63 instead, converted where lengths cross memory or core values.
 */
export const UTF16_TAG = 0x8000_0000;
export const MAX_FLAT_PARAMS = 16;
export const MAX_FLAT_RESULTS = 1;

/** A case of a despecialized variant: a label and an optional payload type. */
export interface Case { readonly label: string; readonly type: VT | undefined }

/**
 * A value type after `despecialize` (tuple → record, enum/option/result → variant, map →
 * list of tuples), keeping what the JavaScript shape needs to tell the specialized types apart.
 */
export type Shape =
  | { readonly kind: 'prim'; readonly type: PrimValType }
  | { readonly kind: 'record'; readonly fields: readonly (readonly [string, VT])[]; readonly tuple: boolean }
  | { readonly kind: 'variant'; readonly cases: readonly Case[]; readonly as: 'variant' | 'enum' | 'option' | 'result' }
  | { readonly kind: 'list'; readonly element: VT; readonly length: number | undefined; readonly map: boolean }
  | { readonly kind: 'flags'; readonly names: readonly string[] }
  | { readonly kind: 'own' | 'borrow'; readonly resource: TypeEntry }
  /** 🔀 The readable end of a stream or future: an i32 handle (CanonicalABI.md, "lift_stream"). */
  | { readonly kind: 'stream' | 'future'; readonly type: TypeEntry; readonly element: VT | undefined };

/** Follows `def` (aliases and exports of a type entry share its definition). */
export function shapeOf(t: VT): Shape {
  if (typeof t === 'string') return { kind: 'prim', type: t };
  const d = t.def as ValDef;
  switch (d.kind) {
    case 'prim': return { kind: 'prim', type: d.type };
    case 'record': return { kind: 'record', fields: d.fields, tuple: false };
    case 'tuple': return { kind: 'record', fields: d.types.map((ty, i) => [String(i), ty] as const), tuple: true };
    case 'variant': return { kind: 'variant', cases: d.cases.map(([label, type]) => ({ label, type })), as: 'variant' };
    case 'enum': return { kind: 'variant', cases: d.names.map((label) => ({ label, type: undefined })), as: 'enum' };
    case 'option': return { kind: 'variant', cases: [{ label: 'none', type: undefined }, { label: 'some', type: d.type }], as: 'option' };
    case 'result': return { kind: 'variant', cases: [{ label: 'ok', type: d.ok }, { label: 'err', type: d.error }], as: 'result' };
    case 'list': return { kind: 'list', element: d.element, length: d.length, map: false };
    case 'map': return { kind: 'list', element: { def: { kind: 'tuple', types: [d.key, d.value] } }, length: undefined, map: true };
    case 'flags': return { kind: 'flags', names: d.names };
    case 'own': case 'borrow': return { kind: d.kind, resource: d.resource };
    case 'stream': case 'future': return { kind: d.kind, type: t as TypeEntry, element: d.element };
    default:
      throw new LinkError(`not a value type: ${(d as { kind: string }).kind}`);
  }
}

export function alignTo(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** `discriminant_type`: the smallest unsigned integer (in bytes) that numbers all the cases. */
export function discriminantSize(n: number): 1 | 2 | 4 {
  return n <= 0x100 ? 1 : n <= 0x10000 ? 2 : 4;
}

export function flagsSize(n: number): 0 | 1 | 2 | 4 {
  return n === 0 ? 0 : n <= 8 ? 1 : n <= 16 ? 2 : 4;
}

function primSizeAlign(t: PrimValType, addr: AddrType): number {
  switch (t) {
    case 'bool': case 's8': case 'u8': return 1;
    case 's16': case 'u16': return 2;
    case 's64': case 'u64': case 'f64': return 8;
    case 'string': return ptrSize(addr);
    default: return 4; // char, 32-bit numbers, error-context (an i32 handle)
  }
}

/** `alignment(t, ptr_type)`. */
export function alignment(t: VT, addr: AddrType): number {
  const s = shapeOf(t);
  switch (s.kind) {
    case 'prim': return primSizeAlign(s.type, addr);
    case 'record': return s.fields.reduce((a, [, f]) => Math.max(a, alignment(f, addr)), 1);
    case 'variant': return Math.max(discriminantSize(s.cases.length), maxCaseAlignment(s.cases, addr));
    case 'list': return s.length === undefined ? ptrSize(addr) : alignment(s.element, addr);
    case 'flags': return Math.max(1, flagsSize(s.names.length));
    case 'own': case 'borrow': case 'stream': case 'future': return 4;
  }
}

export function maxCaseAlignment(cases: readonly Case[], addr: AddrType): number {
  let a = 1;
  for (const c of cases) if (c.type !== undefined) a = Math.max(a, alignment(c.type, addr));
  return a;
}

/** `elem_size(t, ptr_type)`: the bytes a value takes in memory (as a list element, with padding). */
export function elemSize(t: VT, addr: AddrType): number {
  const s = shapeOf(t);
  switch (s.kind) {
    case 'prim': return s.type === 'string' ? 2 * ptrSize(addr) : primSizeAlign(s.type, addr);
    case 'record': {
      let size = 0;
      for (const [, f] of s.fields) size = alignTo(size, alignment(f, addr)) + elemSize(f, addr);
      return alignTo(size, alignment(t, addr));
    }
    case 'variant': {
      let size = alignTo(discriminantSize(s.cases.length), maxCaseAlignment(s.cases, addr));
      let payload = 0;
      for (const c of s.cases) if (c.type !== undefined) payload = Math.max(payload, elemSize(c.type, addr));
      size += payload;
      return alignTo(size, alignment(t, addr));
    }
    case 'list': return s.length === undefined ? 2 * ptrSize(addr) : s.length * elemSize(s.element, addr);
    case 'flags': return flagsSize(s.names.length);
    case 'own': case 'borrow': case 'stream': case 'future': return 4;
  }
}

/** The byte offset of each field of a record (or tuple) inside it. */
export function fieldOffsets(fields: readonly (readonly [string, VT])[], addr: AddrType): number[] {
  const out: number[] = [];
  let off = 0;
  for (const [, f] of fields) {
    off = alignTo(off, alignment(f, addr));
    out.push(off);
    off += elemSize(f, addr);
  }
  return out;
}

/** `join`: the core type that can carry both (CanonicalABI.md, "Flattening"). */
export function join(a: Flat, b: Flat): Flat {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

/** `flatten_type(t)`: pointers and lengths are `ptr_type` values (i64 with a 64-bit memory). */
export function flatten(t: VT, addr: AddrType): Flat[] {
  const s = shapeOf(t);
  switch (s.kind) {
    case 'prim':
      switch (s.type) {
        case 's64': case 'u64': return ['i64'];
        case 'f32': return ['f32'];
        case 'f64': return ['f64'];
        case 'string': return [addr, addr];
        default: return ['i32'];
      }
    case 'record': return s.fields.flatMap(([, f]) => flatten(f, addr));
    case 'variant': return ['i32', ...variantPayloadFlat(s.cases, addr)];
    case 'list': {
      if (s.length === undefined) return [addr, addr];
      const e = flatten(s.element, addr);
      const out: Flat[] = [];
      for (let i = 0; i < s.length; i++) out.push(...e);
      return out;
    }
    case 'flags': return s.names.length === 0 ? [] : ['i32'];
    case 'own': case 'borrow': case 'stream': case 'future': return ['i32'];
  }
}

/** The joined payload slots of a variant (its flat types after the discriminant). */
export function variantPayloadFlat(cases: readonly Case[], addr: AddrType): Flat[] {
  const flat: Flat[] = [];
  for (const c of cases) {
    if (c.type === undefined) continue;
    flatten(c.type, addr).forEach((ft, i) => { flat[i] = i < flat.length ? join(flat[i], ft) : ft; });
  }
  return flat;
}

/** True if lifting or lowering a value of `t` touches linear memory. */
export function usesMemory(t: VT | undefined): boolean {
  if (t === undefined) return false;
  const s = shapeOf(t);
  switch (s.kind) {
    case 'prim': return s.type === 'string';
    case 'record': return s.fields.some(([, f]) => usesMemory(f));
    case 'variant': return s.cases.some((c) => usesMemory(c.type));
    case 'list': return s.length === undefined || usesMemory(s.element);
    default: return false;
  }
}

/** True if values of `t` contain resource handles (the call then needs a borrow scope). */
export function hasHandles(t: VT | undefined): boolean {
  if (t === undefined) return false;
  const s = shapeOf(t);
  switch (s.kind) {
    case 'own': case 'borrow': return true;
    case 'record': return s.fields.some(([, f]) => hasHandles(f));
    case 'variant': return s.cases.some((c) => hasHandles(c.type));
    case 'list': return hasHandles(s.element);
    default: return false;
  }
}
