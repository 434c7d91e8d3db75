// Decoding types (https://webassembly.github.io/spec/core/binary/types.html).
import type {
  AddrType, BlockType, CompType, FieldType, GlobalType, HeapType, Limits, MemoryType, RecGroup,
  RefType, StorageType, SubType, TableType, ValType,
} from '../core/types.ts';
import type { FeatureSet } from '../core/features.ts';
import type { Reader } from './reader.ts';
import {
  BY_CODE, COMP_ARRAY, COMP_FUNC, COMP_STRUCT, EMPTY_BLOCK, LIMITS_64, LIMITS_HAS_MAX,
  LIMITS_PAGE_SIZE, LIMITS_SHARED, REC, REF, REF_NULL, SUB, SUB_FINAL,
} from './types-codes.ts';

// Shorthand reference types are shared objects: decoding allocates nothing for them.
const NULLABLE_SHORTHAND = BY_CODE.heap.map((h) => (h ? Object.freeze<RefType>({ nullable: true, heap: h }) : undefined));

/** A one-byte type code; the format reads it as an s7 LEB128, so a continuation is too long. */
function typeByte(r: Reader): number {
  const b = r.u8();
  if (b & 0x80) r.fail('integer representation too long', r.pos);
  return b;
}

export function readHeapType(r: Reader): HeapType {
  const at = r.pos;
  const b = r.peek();
  const abs = BY_CODE.heap[b];
  if (abs) {
    r.pos++;
    return abs;
  }
  const index = r.s33();
  if (index < 0) r.fail('malformed heap type', at);
  return index;
}

/** A reference type, with `first` its already-read leading byte. */
function refTypeFrom(r: Reader, first: number, at: number, what: string): RefType {
  const shorthand = NULLABLE_SHORTHAND[first];
  if (shorthand) return shorthand;
  if (first === REF_NULL || first === REF) return { nullable: first === REF_NULL, heap: readHeapType(r) };
  return r.fail(what, at);
}

export function readRefType(r: Reader): RefType {
  const at = r.pos;
  return refTypeFrom(r, typeByte(r), at, 'malformed reference type');
}

export function readValType(r: Reader): ValType {
  const at = r.pos;
  const b = typeByte(r);
  return BY_CODE.valtype[b] ?? refTypeFrom(r, b, at, 'malformed value type');
}

function readStorageType(r: Reader): StorageType {
  const at = r.pos;
  const b = typeByte(r);
  return BY_CODE.valtype[b] ?? BY_CODE.packed[b] ?? refTypeFrom(r, b, at, 'malformed storage type');
}

function readMutability(r: Reader): boolean {
  const at = r.pos;
  const b = r.u8();
  if (b > 1) r.fail('malformed mutability', at);
  return b === 1;
}

function readFieldType(r: Reader): FieldType {
  const storage = readStorageType(r);
  return { storage, mutable: readMutability(r) };
}

function readValTypes(r: Reader): ValType[] {
  const n = r.count();
  const out: ValType[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readValType(r);
  return out;
}

function readCompType(r: Reader, form: number, at: number): CompType {
  switch (form) {
    case COMP_FUNC: {
      const params = readValTypes(r);
      return { kind: 'func', params, results: readValTypes(r) };
    }
    case COMP_STRUCT: {
      const n = r.count();
      const fields: FieldType[] = new Array(n);
      for (let i = 0; i < n; i++) fields[i] = readFieldType(r);
      return { kind: 'struct', fields };
    }
    case COMP_ARRAY:
      return { kind: 'array', element: readFieldType(r) };
    default:
      return r.fail('malformed definition type', at);
  }
}

function readSubType(r: Reader): SubType {
  const at = r.pos;
  const form = typeByte(r);
  if (form === SUB || form === SUB_FINAL) {
    const n = r.count();
    const supertypes: number[] = new Array(n);
    for (let i = 0; i < n; i++) supertypes[i] = r.u32();
    const compAt = r.pos;
    return { final: form === SUB_FINAL, supertypes, comp: readCompType(r, typeByte(r), compAt) };
  }
  return { final: true, supertypes: [], comp: readCompType(r, form, at) };
}

export function readRecGroup(r: Reader): RecGroup {
  if (r.peek() !== REC) return { types: [readSubType(r)] };
  r.pos++;
  const n = r.count();
  const types: SubType[] = new Array(n);
  for (let i = 0; i < n; i++) types[i] = readSubType(r);
  return { types };
}

/** The limits flag bits a feature set allows. */
function featureFlags(f: FeatureSet): number {
  return LIMITS_HAS_MAX | (f.has('threads') ? LIMITS_SHARED : 0) | (f.has('memory64') ? LIMITS_64 : 0)
    | (f.has('custom-page-sizes') ? LIMITS_PAGE_SIZE : 0);
}

interface RawLimits {
  limits: Limits;
  addr: AddrType;
  shared: boolean;
  pageSizeLog2?: number;
}

function readLimits(r: Reader, allowed: number): RawLimits {
  const at = r.pos;
  const flags = r.u8();
  if (flags & ~(allowed & featureFlags(r.features))) r.fail('malformed limits flags', at);
  const is64 = (flags & LIMITS_64) !== 0;
  // Wasm 3.0 reads both bounds as u64 for either address type; validation checks the range.
  const min = r.u64();
  const max = flags & LIMITS_HAS_MAX ? r.u64() : undefined;
  const out: RawLimits = {
    limits: max === undefined ? { min } : { min, max },
    addr: is64 ? 'i64' : 'i32',
    shared: (flags & LIMITS_SHARED) !== 0,
  };
  if (flags & LIMITS_PAGE_SIZE) {
    const pageAt = r.pos;
    const log2 = r.u32();
    // The proposal allows page sizes up to 64 KiB; anything at or past 2^64 is unrepresentable.
    if (log2 > 64) r.fail('invalid custom page size', pageAt);
    out.pageSizeLog2 = log2;
  }
  return out;
}

export function readTableType(r: Reader): TableType {
  const ref = readRefType(r);
  const { limits, addr } = readLimits(r, LIMITS_HAS_MAX | LIMITS_64);
  return { addr, limits, ref };
}

export function readMemoryType(r: Reader): MemoryType {
  const { limits, addr, shared, pageSizeLog2 } = readLimits(
    r, LIMITS_HAS_MAX | LIMITS_SHARED | LIMITS_64 | LIMITS_PAGE_SIZE,
  );
  return pageSizeLog2 === undefined ? { addr, limits, shared } : { addr, limits, shared, pageSizeLog2 };
}

export function readGlobalType(r: Reader): GlobalType {
  const type = readValType(r);
  return { type, mutable: readMutability(r) };
}

const EMPTY: BlockType = Object.freeze({ kind: 'empty' });

export function readBlockType(r: Reader): BlockType {
  const b = r.peek();
  if (b === EMPTY_BLOCK) {
    r.pos++;
    return EMPTY;
  }
  // Value types have a one-byte code in 0x40..0x7f (negative as s33); type indices are >= 0.
  if ((b & 0xc0) === 0x40) return { kind: 'value', type: readValType(r) };
  const at = r.pos;
  const index = r.s33();
  if (index < 0) r.fail('malformed block type', at);
  return { kind: 'index', type: index };
}
