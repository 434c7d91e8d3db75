// The module IR: the hub that decode and parse produce and that encode, print, validate and
// instantiate consume (https://webassembly.github.io/spec/core/syntax/modules.html).
import type { OPCODES } from './opcodes.ts';
import type { ImmKind } from './opcodes/def.ts';
import type {
  BlockType, GlobalType, HeapType, MemoryType, RecGroup, RefType, TableType, TagType, U64,
  ValType,
} from './types.ts';

type AnyOp = (typeof OPCODES)[number];
/** Every instruction mnemonic, as the text format writes it. */
export type Mnemonic = AnyOp['name'];
type OpsWith<K extends ImmKind> = Extract<AnyOp, { imm: K }>['name'];

export interface MemArg {
  /** log2 of the alignment. */
  align: number;
  offset: U64;
  memory: number;
}

export type Catch =
  | { kind: 'catch' | 'catch_ref'; tag: number; label: number }
  | { kind: 'catch_all' | 'catch_all_ref'; label: number };

/** The fields each immediate kind adds to an instruction (see opcodes/def.ts). */
interface ImmFields {
  none: object;
  blocktype: { blockType: BlockType };
  label: { label: number };
  br_table: { labels: number[]; default: number };
  func: { func: number };
  call_indirect: { type: number; table: number };
  local: { local: number };
  global: { global: number };
  table: { table: number };
  memory: { memory: number };
  memarg: { memarg: MemArg };
  memarg_lane: { memarg: MemArg; lane: number };
  i32: { value: number };
  i64: { value: bigint };
  f32: { bits: number };
  f64: { bits: bigint };
  v128: { bytes: Uint8Array };
  lane: { lane: number };
  shuffle: { lanes: Uint8Array };
  select: { types?: ValType[] };
  heaptype: { heap: HeapType };
  reftype: { ref: RefType };
  type: { type: number };
  type_field: { type: number; field: number };
  type_len: { type: number; length: number };
  type_data: { type: number; data: number };
  type_elem: { type: number; elem: number };
  type_type: { type: number; srcType: number };
  tag: { tag: number };
  try_table: { blockType: BlockType; catches: Catch[] };
  br_on_cast: { label: number; from: RefType; to: RefType };
  data: { data: number };
  elem: { elem: number };
  memory_init: { data: number; memory: number };
  memory_copy: { memory: number; srcMemory: number };
  table_init: { elem: number; table: number };
  table_copy: { table: number; srcTable: number };
  fence: object;
}

/**
 * One instruction. Bodies are flat, as in the binary format: `block`, `loop`, `if`, `try`
 * and `try_table` are closed by their own `end` (or `delegate`) instruction; the final `end`
 * of a function body or constant expression is implicit.
 */
export type Instr = { [K in ImmKind]: { op: OpsWith<K> } & ImmFields[K] }[ImmKind];

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * Every immediate field at once. Code that switches on an opcode row's immediate kind (the
 * encoder, the printer) reads fields through this view, since the row, not the mnemonic's
 * literal type, tells which fields are there.
 */
export type AnyImmFields = { op: Mnemonic } & UnionToIntersection<ImmFields[ImmKind]>;

/** An instruction sequence: a function body or a constant expression. */
export type Expr = Instr[];

export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export type ImportDesc =
  | { kind: 'func'; type: number }
  | { kind: 'table'; type: TableType }
  | { kind: 'memory'; type: MemoryType }
  | { kind: 'global'; type: GlobalType }
  | { kind: 'tag'; type: TagType };

export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
}

export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
}

/** A run of locals of one type, as the binary format groups them. */
export interface Locals {
  count: number;
  type: ValType;
}

export interface Func {
  type: number;
  locals: Locals[];
  body: Expr;
  /** Absolute offset of the body (its size field) in the decoded bytes, if decoded. */
  readonly offset?: number;
}

export interface Table {
  type: TableType;
  /** An explicit initialiser (`0x40 0x00` form); absent means null references. */
  init?: Expr;
}

export interface Memory {
  type: MemoryType;
}

export interface Global {
  type: GlobalType;
  init: Expr;
}

export type ElemMode =
  | { kind: 'passive' }
  | { kind: 'declarative' }
  | { kind: 'active'; table: number; offset: Expr };

export interface Elem {
  type: RefType;
  /** One constant expression per element (`ref.func x` for function indices). */
  init: Expr[];
  mode: ElemMode;
}

export type DataMode = { kind: 'passive' } | { kind: 'active'; memory: number; offset: Expr };

export interface Data {
  init: Uint8Array;
  mode: DataMode;
}

/** Section names, in the order the binary format requires. */
export const SECTION_ORDER = [
  'type', 'import', 'func', 'table', 'memory', 'tag', 'global', 'export', 'start', 'elem',
  'datacount', 'code', 'data',
] as const;
export type SectionName = (typeof SECTION_ORDER)[number];

export const SECTION_ID: Readonly<Record<SectionName, number>> = {
  type: 1, import: 2, func: 3, table: 4, memory: 5, global: 6, export: 7, start: 8, elem: 9,
  code: 10, data: 11, datacount: 12, tag: 13,
};

export interface CustomSection {
  name: string;
  data: Uint8Array;
  /** The known section this one follows; `null` places it before all of them. */
  after: SectionName | null;
}

export type NameMap = Map<number, string>;
export type IndirectNameMap = Map<number, NameMap>;

/** The `name` custom section (https://webassembly.github.io/spec/core/appendix/custom.html). */
export interface Names {
  module?: string;
  funcs: NameMap;
  locals: IndirectNameMap;
  labels: IndirectNameMap;
  types: NameMap;
  tables: NameMap;
  memories: NameMap;
  globals: NameMap;
  elems: NameMap;
  datas: NameMap;
  fields: IndirectNameMap;
  tags: NameMap;
  /** Subsections Tessera does not know, kept as they were. */
  unknown: { id: number; data: Uint8Array }[];
}

/** Where each section of a decoded module lies in its bytes; lets encode reuse them. */
export interface ModuleSource {
  readonly bytes: Uint8Array;
  readonly sections: readonly SectionSpan[];
}

export interface SectionSpan {
  /** The section id byte. */
  readonly id: number;
  /** Offset of the id byte. */
  readonly start: number;
  /** Offset of the contents (after the size). */
  readonly contentStart: number;
  readonly end: number;
}

export interface Module {
  types: RecGroup[];
  imports: Import[];
  funcs: Func[];
  tables: Table[];
  memories: Memory[];
  globals: Global[];
  exports: Export[];
  start?: number;
  elems: Elem[];
  /** Present when the module has a data count section. */
  dataCount?: number;
  datas: Data[];
  tags: TagType[];
  /** Custom sections in order, `name` included (its decoded form is `names`). */
  customs: CustomSection[];
  names?: Names;
  /** The bytes this module was decoded from; delete it to force a canonical encoding. */
  source?: ModuleSource;
}

export function emptyModule(): Module {
  return {
    types: [], imports: [], funcs: [], tables: [], memories: [], globals: [], exports: [],
    elems: [], datas: [], tags: [], customs: [],
  };
}
