// Value types as small integers, so that the validator's operand stack is an Int32Array and
// comparing two types is comparing two numbers. Concrete heap types carry a *canonical* type
// id (canonical.ts): equal ids mean equal types under iso-recursive equivalence, across
// every module Tessera has seen, so encoded types from two modules compare directly.
//
//   0        BOT   the unknown type popped from a polymorphic (unreachable) stack
//   1..5     i32 i64 f32 f64 v128
//   6, 7     i8 i16 (packed storage types; only in struct and array fields)
//   8 + 2h + n    a reference type: heap type code h, nullable bit n

import type { AbsHeapType, HeapType, StorageType, ValType } from '../core/types.ts';

export const BOT = 0;
export const I32 = 1;
export const I64 = 2;
export const F32 = 3;
export const F64 = 4;
export const V128 = 5;
export const I8 = 6;
export const I16 = 7;
const REF_BASE = 8;

// Heap type codes. The abstract ones first, then HEAP_BOT (the heap type of a reference
// popped from a polymorphic stack), then canonical type ids from CONCRETE on.
export const FUNC = 0;
export const NOFUNC = 1;
export const EXTERN = 2;
export const NOEXTERN = 3;
export const ANY = 4;
export const EQ = 5;
export const I31 = 6;
export const STRUCT = 7;
export const ARRAY = 8;
export const NONE = 9;
export const EXN = 10;
export const NOEXN = 11;
export const HEAP_BOT = 12;
export const CONCRETE = 16;

const ABS_CODES: Readonly<Record<AbsHeapType, number>> = {
  func: FUNC, nofunc: NOFUNC, extern: EXTERN, noextern: NOEXTERN, any: ANY, eq: EQ, i31: I31,
  struct: STRUCT, array: ARRAY, none: NONE, exn: EXN, noexn: NOEXN,
};
const ABS_NAMES: readonly string[] = Object.keys(ABS_CODES);

const NUM_CODES: Readonly<Record<string, number>> = { i32: I32, i64: I64, f32: F32, f64: F64, v128: V128, i8: I8, i16: I16 };
const NUM_NAMES = ['bot', 'i32', 'i64', 'f32', 'f64', 'v128', 'i8', 'i16'];

export function refCode(heap: number, nullable: boolean): number {
  return REF_BASE + heap * 2 + (nullable ? 1 : 0);
}
export function isRef(t: number): boolean {
  return t >= REF_BASE;
}
export function heapOf(t: number): number {
  return (t - REF_BASE) >> 1;
}
export function isNullable(t: number): boolean {
  return ((t - REF_BASE) & 1) === 1;
}
/** A type's value type for the stack: packed storage reads as i32. */
export function unpacked(t: number): number {
  return t === I8 || t === I16 ? I32 : t;
}
/** Numeric and vector types, i.e. not references (and not BOT). */
export function isNumOrVec(t: number): boolean {
  return t >= I32 && t <= V128;
}

/** A type has a default value (zero or null): it can be a local without initialisation. */
export function isDefaultable(t: number): boolean {
  return !isRef(t) || isNullable(t);
}

/** Encodes an abstract heap type, or a type index through `canon` (index → canonical id). */
export function heapCode(h: HeapType, canon: (index: number) => number): number {
  return typeof h === 'number' ? CONCRETE + canon(h) : ABS_CODES[h];
}

export function storageCode(t: StorageType, canon: (index: number) => number): number {
  if (typeof t === 'string') return NUM_CODES[t];
  return refCode(heapCode(t.heap, canon), t.nullable);
}

export function valCode(t: ValType, canon: (index: number) => number): number {
  return storageCode(t, canon);
}

/** The text form of an encoded type, for error messages; concrete types by canonical id. */
export function typeName(t: number): string {
  if (!isRef(t)) return NUM_NAMES[t] ?? `?${t}`;
  const h = heapOf(t);
  const heap = h >= CONCRETE ? `$canon${h - CONCRETE}` : h === HEAP_BOT ? 'bot' : ABS_NAMES[h];
  return isNullable(t) ? `(ref null ${heap})` : `(ref ${heap})`;
}
