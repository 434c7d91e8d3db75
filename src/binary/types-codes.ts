// The binary codes of types (https://webassembly.github.io/spec/core/binary/types.html),
// shared by the decoder and the encoder.
import type { AbsHeapType, NumType, PackedType, VecType } from '../core/types.ts';

export const VALTYPE_CODE: Readonly<Record<NumType | VecType, number>> = {
  i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b,
};

export const PACKED_CODE: Readonly<Record<PackedType, number>> = { i8: 0x78, i16: 0x77 };

/** Abstract heap types; the same byte is the nullable reference shorthand (0x70 funcref). */
export const HEAP_CODE: Readonly<Record<AbsHeapType, number>> = {
  exn: 0x69, array: 0x6a, struct: 0x6b, i31: 0x6c, eq: 0x6d, any: 0x6e, extern: 0x6f,
  func: 0x70, none: 0x71, noextern: 0x72, nofunc: 0x73, noexn: 0x74,
};

export const REF_NULL = 0x63;
export const REF = 0x64;
export const EMPTY_BLOCK = 0x40;

export const COMP_FUNC = 0x60;
export const COMP_STRUCT = 0x5f;
export const COMP_ARRAY = 0x5e;
export const SUB = 0x50;
export const SUB_FINAL = 0x4f;
export const REC = 0x4e;

/** Limits flag bits (memory64, threads, custom-page-sizes). */
export const LIMITS_HAS_MAX = 0x01;
export const LIMITS_SHARED = 0x02;
export const LIMITS_64 = 0x04;
export const LIMITS_PAGE_SIZE = 0x08;

export const BY_CODE = {
  valtype: invert(VALTYPE_CODE),
  packed: invert(PACKED_CODE),
  heap: invert(HEAP_CODE),
};

function invert<K extends string>(map: Readonly<Record<K, number>>): (K | undefined)[] {
  const out: (K | undefined)[] = new Array(128).fill(undefined);
  for (const [k, v] of Object.entries(map) as [K, number][]) out[v] = k;
  return out;
}
