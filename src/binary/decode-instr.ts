// Decoding instructions (https://webassembly.github.io/spec/core/binary/instructions.html).
// The opcode table drives it: one dense lookup per prefix, one switch over immediate kinds.
import type { AnyImmFields, Catch, Expr, Instr, Locals, MemArg, Mnemonic } from '../core/ast.ts';
import type { FeatureSet } from '../core/features.ts';
import { OPCODES, type OpDef, TWO_CODE_KINDS, opcodeTables } from '../core/opcodes.ts';
import type { ValType } from '../core/types.ts';
import { readBlockType, readHeapType, readValType } from './decode-types.ts';
import type { Reader } from './reader.ts';

/** Bit 6 of a memarg's flags says a memory index follows (multi-memory). */
export const MEMARG_HAS_MEMORY = 0x40;
const MAX_LOCALS = 0xffff_ffff;

/** What an instruction means for the block structure of a body. */
const PLAIN = 0;
const OPENS = 1;
const END = 2;
const ELSE = 3;
const CATCH = 4;
const DELEGATE = 5;
const NEEDS_DATA_COUNT = 6;

const ROLES: Readonly<Record<string, number>> = {
  block: OPENS, loop: OPENS, if: OPENS, try: OPENS, try_table: OPENS, end: END, else: ELSE,
  catch: CATCH, catch_all: CATCH, delegate: DELEGATE, 'memory.init': NEEDS_DATA_COUNT,
  'data.drop': NEEDS_DATA_COUNT,
};

/**
 * One decodable code: its row, whether it is the row's second code (TWO_CODE_KINDS), its
 * structural role, and, for instructions without immediates, the one shared instance.
 * Those are frozen: decoding a body allocates only for instructions that carry data.
 * Replace them rather than mutating them.
 */
export interface DecodeEntry {
  readonly def: OpDef;
  readonly variant: boolean;
  readonly role: number;
  readonly bare: Instr | undefined;
  /** The row's index in OPCODES, for consumers that keep their own facts per row. */
  readonly row: number;
}

export interface DecodeTables {
  readonly single: readonly (DecodeEntry | undefined)[];
  /** Indexed by prefix byte. */
  readonly prefixed: readonly (readonly (DecodeEntry | undefined)[] | undefined)[];
}

const decodeTablesCache = new WeakMap<FeatureSet, DecodeTables>();

export function decodeTables(features: FeatureSet): DecodeTables {
  let tables = decodeTablesCache.get(features);
  if (tables) return tables;
  const rows = opcodeTables(features);
  const entries = new Map<OpDef, DecodeEntry>();
  const entry = (def: OpDef | undefined, code: number): DecodeEntry | undefined => {
    if (!def) return undefined;
    const variant = TWO_CODE_KINDS.has(def.imm) && code !== def.code;
    const key = variant ? undefined : entries.get(def);
    if (key) return key;
    const bare = def.imm === 'none' || (def.imm === 'select' && !variant)
      ? Object.freeze({ op: def.name }) as Instr : undefined;
    const made: DecodeEntry = { def, variant, role: ROLES[def.name] ?? PLAIN, bare, row: (OPCODES as readonly OpDef[]).indexOf(def) };
    if (!variant) entries.set(def, made);
    return made;
  };
  const prefixed: ((DecodeEntry | undefined)[] | undefined)[] = new Array(256).fill(undefined);
  for (const [prefix, table] of rows.prefixed) prefixed[prefix] = table.map((def, code) => entry(def, code));
  tables = { single: rows.single.map((def, code) => entry(def, code)), prefixed };
  decodeTablesCache.set(features, tables);
  return tables;
}

const hex = (n: number) => n.toString(16).padStart(2, '0');

/** Reads one opcode (with its prefix), or fails with "illegal opcode". */
export function readOpcode(r: Reader, tables: DecodeTables): DecodeEntry {
  const at = r.pos;
  const b = r.u8();
  const table = tables.prefixed[b];
  if (table) {
    const code = r.u32();
    const e = table[code];
    if (!e) return r.fail(`illegal opcode ${hex(b)} ${hex(code)}`, at);
    return e;
  }
  const e = tables.single[b];
  if (!e) return r.fail(`illegal opcode ${hex(b)}`, at);
  return e;
}

/** Reads a memarg into a new object, or into `out` when given. */
export function readMemArg(r: Reader, out?: MemArg): MemArg {
  const at = r.pos;
  let align = r.u32();
  let memory = 0;
  if (align >= 0x80) r.fail('malformed memop flags', at);
  if (align & MEMARG_HAS_MEMORY) {
    align &= ~MEMARG_HAS_MEMORY;
    memory = r.u32();
  }
  const offset = r.u64();
  if (!out) return { align, offset, memory };
  out.align = align;
  out.offset = offset;
  out.memory = memory;
  return out;
}

function readCatch(r: Reader): Catch {
  const at = r.pos;
  const kind = r.u8();
  switch (kind) {
    case 0x00: return { kind: 'catch', tag: r.u32(), label: r.u32() };
    case 0x01: return { kind: 'catch_ref', tag: r.u32(), label: r.u32() };
    case 0x02: return { kind: 'catch_all', label: r.u32() };
    case 0x03: return { kind: 'catch_all_ref', label: r.u32() };
    default: return r.fail('malformed catch clause', at);
  }
}

function readIndices(r: Reader): number[] {
  const n = r.count();
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = r.u32();
  return out;
}

/** One instruction's immediates, after its opcode. */
function readInstr(r: Reader, e: DecodeEntry): Instr {
  if (e.bare) return e.bare;
  const instr: ImmTarget = { op: e.def.name as Mnemonic };
  readImmediates(r, e, instr, false);
  return instr as Instr;
}

/** The immediate fields of an instruction under construction (or a reused scratch object). */
export type ImmTarget = { -readonly [K in Exclude<keyof AnyImmFields, 'value' | 'bits'>]?: AnyImmFields[K] } & {
  // i32/f32 immediates are numbers, i64/f64 ones bigints.
  value?: number | bigint;
  bits?: number | bigint;
};

/**
 * A reusable target for readImmediates with every field present from the start, so that its
 * shape never changes while a streaming consumer reuses it (a growing object would degrade
 * to a slow dictionary).
 */
export function immScratch(): ImmTarget {
  return {
    op: 'nop', blockType: { kind: 'empty' }, label: 0, labels: [], default: 0, func: 0, type: 0, table: 0,
    local: 0, global: 0, memory: 0, memarg: { align: 0, offset: 0, memory: 0 }, lane: 0, value: 0, bits: 0,
    bytes: new Uint8Array(0), lanes: new Uint8Array(0), types: undefined, heap: 'func',
    ref: { nullable: true, heap: 'func' }, field: 0, length: 0, data: 0, elem: 0, srcType: 0, tag: 0,
    catches: [], from: { nullable: true, heap: 'func' }, to: { nullable: true, heap: 'func' }, srcMemory: 0,
    srcTable: 0,
  };
}

/**
 * Reads an instruction's immediates into `into`. With `reuse`, `into.memarg` is overwritten
 * in place and byte immediates are views, so a streaming consumer (the validator) reads
 * most instructions without allocating.
 */
export function readImmediates(r: Reader, e: DecodeEntry, into: ImmTarget, reuse: boolean): void {
  // The most frequent kinds first: V8 tests string cases in order.
  switch (e.def.imm) {
    case 'local': into.local = r.u32(); break;
    case 'i32': into.value = r.s32(); break;
    case 'global': into.global = r.u32(); break;
    case 'func': into.func = r.u32(); break;
    case 'label': into.label = r.u32(); break;
    case 'memarg': into.memarg = readMemArg(r, reuse ? into.memarg : undefined); break;
    case 'none': break;
    case 'fence': {
      const at = r.pos;
      if (r.u8() !== 0) r.fail('zero byte expected', at);
      break;
    }
    case 'blocktype': into.blockType = readBlockType(r); break;
    case 'br_table': {
      into.labels = readIndices(r);
      into.default = r.u32();
      break;
    }
    case 'call_indirect': {
      into.type = r.u32();
      into.table = r.u32();
      break;
    }
    case 'table': into.table = r.u32(); break;
    case 'memory': into.memory = r.u32(); break;
    case 'memarg_lane': {
      into.memarg = readMemArg(r, reuse ? into.memarg : undefined);
      into.lane = r.u8();
      break;
    }
    case 'i64': into.value = r.s64(); break;
    case 'f32': into.bits = r.fixed32(); break;
    case 'f64': into.bits = r.fixed64(); break;
    case 'v128': into.bytes = reuse ? r.bytesView(16) : r.bytesView(16).slice(); break;
    case 'lane': into.lane = r.u8(); break;
    case 'shuffle': into.lanes = reuse ? r.bytesView(16) : r.bytesView(16).slice(); break;
    case 'select': {
      if (!e.variant) {
        into.types = undefined;
        break;
      }
      const n = r.count();
      const types: ValType[] = new Array(n);
      for (let i = 0; i < n; i++) types[i] = readValType(r);
      into.types = types;
      break;
    }
    case 'heaptype': into.heap = readHeapType(r); break;
    case 'reftype': into.ref = { nullable: e.variant, heap: readHeapType(r) }; break;
    case 'type': into.type = r.u32(); break;
    case 'type_field': {
      into.type = r.u32();
      into.field = r.u32();
      break;
    }
    case 'type_len': {
      into.type = r.u32();
      into.length = r.u32();
      break;
    }
    case 'type_data': {
      into.type = r.u32();
      into.data = r.u32();
      break;
    }
    case 'type_elem': {
      into.type = r.u32();
      into.elem = r.u32();
      break;
    }
    case 'type_type': {
      into.type = r.u32();
      into.srcType = r.u32();
      break;
    }
    case 'tag': into.tag = r.u32(); break;
    case 'try_table': {
      into.blockType = readBlockType(r);
      const n = r.count();
      const catches: Catch[] = new Array(n);
      for (let i = 0; i < n; i++) catches[i] = readCatch(r);
      into.catches = catches;
      break;
    }
    case 'br_on_cast': {
      const at = r.pos;
      const flags = r.u8();
      if (flags > 3) r.fail('malformed cast flags', at);
      into.label = r.u32();
      into.from = { nullable: (flags & 1) !== 0, heap: readHeapType(r) };
      into.to = { nullable: (flags & 2) !== 0, heap: readHeapType(r) };
      break;
    }
    case 'data': into.data = r.u32(); break;
    case 'elem': into.elem = r.u32(); break;
    case 'memory_init': {
      into.data = r.u32();
      into.memory = r.u32();
      break;
    }
    case 'memory_copy': {
      into.memory = r.u32();
      into.srcMemory = r.u32();
      break;
    }
    case 'table_init': {
      into.elem = r.u32();
      into.table = r.u32();
      break;
    }
    case 'table_copy': {
      into.table = r.u32();
      into.srcTable = r.u32();
      break;
    }
  }
}

/**
 * Reads instructions up to the `end` that closes the expression (consumed, not returned).
 * Nested blocks keep their own `end`s; legacy `delegate` closes a `try` instead of `end`.
 */
export function readExpr(r: Reader, hasDataCount = true): Expr {
  const tables = decodeTables(r.features);
  const out: Instr[] = [];
  // The opening instruction of each enclosing block: `else` belongs in an `if`, `catch`,
  // `catch_all` and `delegate` in a `try`; anywhere else the binary grammar is broken.
  const open: string[] = [];
  for (;;) {
    const at = r.pos;
    const e = readOpcode(r, tables);
    if (e.role !== PLAIN) {
      const top = open.length > 0 ? open[open.length - 1] : undefined;
      switch (e.role) {
        case END:
          if (top === undefined) return out;
          open.pop();
          break;
        case OPENS: open.push(e.def.name); break;
        case ELSE:
          if (top !== 'if') r.fail('END opcode expected', at);
          open[open.length - 1] = 'else';
          break;
        case CATCH:
          if (top !== 'try') r.fail('END opcode expected', at);
          break;
        case DELEGATE:
          if (top !== 'try') r.fail('END opcode expected', at);
          open.pop();
          break;
        case NEEDS_DATA_COUNT:
          if (!hasDataCount) r.fail('data count section required', at);
          break;
      }
    }
    out.push(readInstr(r, e));
  }
}

/** A function body's local declarations; their total must fit in a u32. */
export function readLocals(r: Reader): Locals[] {
  const at = r.pos;
  const n = r.count();
  const out: Locals[] = new Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const count = r.u32();
    total += count;
    if (total > MAX_LOCALS) r.fail('too many locals', at);
    out[i] = { count, type: readValType(r) };
  }
  return out;
}
