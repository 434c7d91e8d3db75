// Encoding types, always in their shortest form (shorthands for nullable abstract references).
import type {
  BlockType, CompType, FieldType, GlobalType, HeapType, MemoryType, RecGroup, RefType,
  StorageType, SubType, TableType, ValType,
} from '../core/types.ts';
import {
  COMP_ARRAY, COMP_FUNC, COMP_STRUCT, EMPTY_BLOCK, HEAP_CODE, LIMITS_64, LIMITS_HAS_MAX,
  LIMITS_PAGE_SIZE, LIMITS_SHARED, PACKED_CODE, REC, REF, REF_NULL, SUB, SUB_FINAL, VALTYPE_CODE,
} from './types-codes.ts';
import type { Writer } from './writer.ts';

export function writeHeapType(w: Writer, h: HeapType): void {
  if (typeof h === 'number') w.sleb(h);
  else w.u8(HEAP_CODE[h]);
}

export function writeRefType(w: Writer, t: RefType): void {
  if (t.nullable && typeof t.heap === 'string') {
    w.u8(HEAP_CODE[t.heap]);
    return;
  }
  w.u8(t.nullable ? REF_NULL : REF);
  writeHeapType(w, t.heap);
}

export function writeValType(w: Writer, t: ValType): void {
  if (typeof t === 'string') w.u8(VALTYPE_CODE[t]);
  else writeRefType(w, t);
}

function writeStorageType(w: Writer, t: StorageType): void {
  if (t === 'i8' || t === 'i16') w.u8(PACKED_CODE[t]);
  else writeValType(w, t);
}

function writeFieldType(w: Writer, f: FieldType): void {
  writeStorageType(w, f.storage);
  w.u8(f.mutable ? 1 : 0);
}

export function writeValTypes(w: Writer, ts: readonly ValType[]): void {
  w.u32(ts.length);
  for (const t of ts) writeValType(w, t);
}

function writeCompType(w: Writer, c: CompType): void {
  switch (c.kind) {
    case 'func':
      w.u8(COMP_FUNC);
      writeValTypes(w, c.params);
      writeValTypes(w, c.results);
      break;
    case 'struct':
      w.u8(COMP_STRUCT);
      w.u32(c.fields.length);
      for (const f of c.fields) writeFieldType(w, f);
      break;
    case 'array':
      w.u8(COMP_ARRAY);
      writeFieldType(w, c.element);
      break;
  }
}

function writeSubType(w: Writer, t: SubType): void {
  if (!t.final || t.supertypes.length > 0) {
    w.u8(t.final ? SUB_FINAL : SUB);
    w.u32(t.supertypes.length);
    for (const s of t.supertypes) w.u32(s);
  }
  writeCompType(w, t.comp);
}

export function writeRecGroup(w: Writer, g: RecGroup): void {
  if (g.types.length === 1) {
    writeSubType(w, g.types[0]);
    return;
  }
  w.u8(REC);
  w.u32(g.types.length);
  for (const t of g.types) writeSubType(w, t);
}

function writeLimits(w: Writer, t: TableType | MemoryType, shared: boolean, pageSizeLog2?: number): void {
  const { min, max } = t.limits;
  const is64 = t.addr === 'i64';
  w.u8(
    (max !== undefined ? LIMITS_HAS_MAX : 0) | (shared ? LIMITS_SHARED : 0) | (is64 ? LIMITS_64 : 0)
    | (pageSizeLog2 !== undefined ? LIMITS_PAGE_SIZE : 0),
  );
  w.u64(min);
  if (max !== undefined) w.u64(max);
  if (pageSizeLog2 !== undefined) w.u32(pageSizeLog2);
}

export function writeTableType(w: Writer, t: TableType): void {
  writeRefType(w, t.ref);
  writeLimits(w, t, false);
}

export function writeMemoryType(w: Writer, t: MemoryType): void {
  writeLimits(w, t, t.shared, t.pageSizeLog2);
}

export function writeGlobalType(w: Writer, t: GlobalType): void {
  writeValType(w, t.type);
  w.u8(t.mutable ? 1 : 0);
}

export function writeBlockType(w: Writer, b: BlockType): void {
  switch (b.kind) {
    case 'empty': w.u8(EMPTY_BLOCK); break;
    case 'value': writeValType(w, b.type); break;
    case 'index': w.sleb(b.type); break;
  }
}
