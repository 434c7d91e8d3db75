// The types of WebAssembly 3.0 (https://webassembly.github.io/spec/core/syntax/types.html).
// Plain data: strings for the fixed types, small objects for reference and composite types.

export type NumType = 'i32' | 'i64' | 'f32' | 'f64';
export type VecType = 'v128';

/** Abstract heap types; each has a one-byte shorthand in the binary format. */
export type AbsHeapType =
  | 'func' | 'nofunc'
  | 'extern' | 'noextern'
  | 'any' | 'eq' | 'i31' | 'struct' | 'array' | 'none'
  | 'exn' | 'noexn';

/** A heap type is abstract, or a type index (concrete). */
export type HeapType = AbsHeapType | number;

export interface RefType {
  readonly nullable: boolean;
  readonly heap: HeapType;
}

export type ValType = NumType | VecType | RefType;
export type PackedType = 'i8' | 'i16';
export type StorageType = ValType | PackedType;

export interface FieldType {
  readonly storage: StorageType;
  readonly mutable: boolean;
}

export interface FuncType {
  readonly kind: 'func';
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}
export interface StructType {
  readonly kind: 'struct';
  readonly fields: readonly FieldType[];
}
export interface ArrayType {
  readonly kind: 'array';
  readonly element: FieldType;
}
export type CompType = FuncType | StructType | ArrayType;

/** `sub final? supertypes comptype`; a plain comptype is `sub final () comptype`. */
export interface SubType {
  readonly final: boolean;
  readonly supertypes: readonly number[];
  readonly comp: CompType;
}

/** A recursion group; a type outside any `rec` is a group of one. */
export interface RecGroup {
  readonly types: readonly SubType[];
}

/**
 * An unsigned integer of up to 64 bits: a number when it is a safe integer, a bigint
 * otherwise. 64-bit limits and memarg offsets can exceed 2^53, and losing their
 * precision would change the module; both forms compare correctly with `<` and `>`.
 */
export type U64 = number | bigint;

export type AddrType = 'i32' | 'i64';

export interface Limits {
  readonly min: U64;
  readonly max?: U64;
}

export interface TableType {
  readonly addr: AddrType;
  readonly limits: Limits;
  readonly ref: RefType;
}

export interface MemoryType {
  readonly addr: AddrType;
  readonly limits: Limits;
  readonly shared: boolean;
  /** log2 of the page size (custom-page-sizes); absent for the default 64 KiB. */
  readonly pageSizeLog2?: number;
}

export interface GlobalType {
  readonly type: ValType;
  readonly mutable: boolean;
}

/** A tag's type: its attribute (always 0, "exception") and a function type index. */
export interface TagType {
  readonly type: number;
}

export type BlockType =
  | { readonly kind: 'empty' }
  | { readonly kind: 'value'; readonly type: ValType }
  | { readonly kind: 'index'; readonly type: number };

// Shorthands in common use.
export const FUNCREF: RefType = Object.freeze({ nullable: true, heap: 'func' });
export const EXTERNREF: RefType = Object.freeze({ nullable: true, heap: 'extern' });
export const REF_FUNC: RefType = Object.freeze({ nullable: false, heap: 'func' });

export function isRefType(t: StorageType): t is RefType {
  return typeof t === 'object';
}

export function valTypeEquals(a: ValType, b: ValType): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.nullable === b.nullable && a.heap === b.heap;
}

const REF_SHORTHAND: Record<AbsHeapType, string> = {
  func: 'funcref', nofunc: 'nullfuncref', extern: 'externref', noextern: 'nullexternref',
  any: 'anyref', eq: 'eqref', i31: 'i31ref', struct: 'structref', array: 'arrayref',
  none: 'nullref', exn: 'exnref', noexn: 'nullexnref',
};

/** The text form of a value type, as the text format writes it. */
export function valTypeToString(t: StorageType): string {
  if (typeof t === 'string') return t;
  const heap = typeof t.heap === 'number' ? String(t.heap) : t.heap;
  if (t.nullable && typeof t.heap === 'string') return REF_SHORTHAND[t.heap];
  return t.nullable ? `(ref null ${heap})` : `(ref ${heap})`;
}
