// THE table of component-model binary codes (Binary.md), as plain data: sorts, type
// constructors, extern kinds, canonical options and canonical built-ins. The decoder, the
// encoder and the text parser derive their lookups from these rows and nowhere else.

/** `core:sort` (Binary.md, "Instance Definitions"); the codes match core:externtype. */
export const CORE_SORT_CODE = {
  func: 0x00, table: 0x01, memory: 0x02, global: 0x03, tag: 0x04, type: 0x10, module: 0x11,
  instance: 0x12,
} as const;
export type CoreSort = keyof typeof CORE_SORT_CODE;

/** `sort`, without its `core` case (0x00, followed by a core:sort). */
export const SORT_CODE = { func: 0x01, value: 0x02, type: 0x03, component: 0x04, instance: 0x05 } as const;
export type ComponentSort = keyof typeof SORT_CODE;

/** `primvaltype` (Binary.md, "Type Definitions"): negative SLEB128 codes from 0x7f down. */
export const PRIM_CODE = {
  bool: 0x7f, s8: 0x7e, u8: 0x7d, s16: 0x7c, u16: 0x7b, s32: 0x7a, u32: 0x79, s64: 0x78,
  u64: 0x77, f32: 0x76, f64: 0x75, char: 0x74, string: 0x73, 'error-context': 0x64,
} as const;
export type PrimValType = keyof typeof PRIM_CODE;

/** The leading byte of each `defvaltype` constructor and of the other `deftype`s. */
export const TYPE_CODE = {
  record: 0x72, variant: 0x71, list: 0x70, 'fixed-list': 0x67, tuple: 0x6f, flags: 0x6e,
  enum: 0x6d, option: 0x6b, result: 0x6a, own: 0x69, borrow: 0x68, stream: 0x66, future: 0x65,
  map: 0x63, resource: 0x3f, func: 0x40, 'func-async': 0x43, component: 0x41, instance: 0x42,
} as const;

/** `externtype` kinds (Binary.md, "Type Definitions"). */
export const EXTERN_CODE = { module: 0x00, func: 0x01, value: 0x02, type: 0x03, component: 0x04, instance: 0x05 } as const;
export type ExternKind = keyof typeof EXTERN_CODE;

/** `canonopt` (Binary.md, "Canonical Definitions"). */
export const CANON_OPT_CODE = {
  utf8: 0x00, utf16: 0x01, 'latin1+utf16': 0x02, memory: 0x03, realloc: 0x04, 'post-return': 0x05,
  async: 0x06, callback: 0x07,
} as const;
export type CanonOptName = keyof typeof CANON_OPT_CODE;

/**
 * The immediates of a canonical built-in, in binary order:
 * - lift: `0x00 core:funcidx opts typeidx`; lower: `0x00 funcidx opts`
 * - type: `typeidx`; type_opts: `typeidx opts`; type_async: `typeidx async?`
 * - opts: `opts`; async: `async?`; cancel: `cancel?`; cancel_memory: `cancel? core:memidx`
 * - task_return: `resultlist opts`; context: `core:valtype u32`
 * - core_type_table: `core:typeidx core:tableidx`; shared*: `sh?` then the same
 */
export type CanonImm =
  | 'lift' | 'lower' | 'none' | 'type' | 'type_opts' | 'type_async' | 'opts' | 'async' | 'cancel'
  | 'cancel_memory' | 'task_return' | 'context' | 'core_type_table' | 'shared' | 'shared_core_type'
  | 'shared_core_type_table';

export interface CanonDef {
  readonly name: string;
  readonly code: number;
  readonly imm: CanonImm;
  /** Kept for binaries from older toolchains; Binary.md no longer lists it. */
  readonly legacy?: true;
}

/** Every canonical built-in (Binary.md, "Canonical Definitions"), codes and all. */
export const CANONS = [
  { name: 'lift', code: 0x00, imm: 'lift' },
  { name: 'lower', code: 0x01, imm: 'lower' },
  { name: 'resource.new', code: 0x02, imm: 'type' },
  { name: 'resource.drop', code: 0x03, imm: 'type' },
  { name: 'resource.rep', code: 0x04, imm: 'type' },
  { name: 'task.cancel', code: 0x05, imm: 'none' },
  { name: 'subtask.cancel', code: 0x06, imm: 'async' },
  // wasm-tools still reads the pre-inc/dec form of backpressure.
  { name: 'backpressure.set', code: 0x08, imm: 'none', legacy: true },
  { name: 'task.return', code: 0x09, imm: 'task_return' },
  { name: 'context.get', code: 0x0a, imm: 'context' },
  { name: 'context.set', code: 0x0b, imm: 'context' },
  { name: 'thread.yield', code: 0x0c, imm: 'cancel' },
  { name: 'subtask.drop', code: 0x0d, imm: 'none' },
  { name: 'stream.new', code: 0x0e, imm: 'type' },
  { name: 'stream.read', code: 0x0f, imm: 'type_opts' },
  { name: 'stream.write', code: 0x10, imm: 'type_opts' },
  { name: 'stream.cancel-read', code: 0x11, imm: 'type_async' },
  { name: 'stream.cancel-write', code: 0x12, imm: 'type_async' },
  { name: 'stream.drop-readable', code: 0x13, imm: 'type' },
  { name: 'stream.drop-writable', code: 0x14, imm: 'type' },
  { name: 'future.new', code: 0x15, imm: 'type' },
  { name: 'future.read', code: 0x16, imm: 'type_opts' },
  { name: 'future.write', code: 0x17, imm: 'type_opts' },
  { name: 'future.cancel-read', code: 0x18, imm: 'type_async' },
  { name: 'future.cancel-write', code: 0x19, imm: 'type_async' },
  { name: 'future.drop-readable', code: 0x1a, imm: 'type' },
  { name: 'future.drop-writable', code: 0x1b, imm: 'type' },
  { name: 'error-context.new', code: 0x1c, imm: 'opts' },
  { name: 'error-context.debug-message', code: 0x1d, imm: 'opts' },
  { name: 'error-context.drop', code: 0x1e, imm: 'none' },
  { name: 'waitable-set.new', code: 0x1f, imm: 'none' },
  { name: 'waitable-set.wait', code: 0x20, imm: 'cancel_memory' },
  { name: 'waitable-set.poll', code: 0x21, imm: 'cancel_memory' },
  { name: 'waitable-set.drop', code: 0x22, imm: 'none' },
  { name: 'waitable.join', code: 0x23, imm: 'none' },
  { name: 'backpressure.inc', code: 0x24, imm: 'none' },
  { name: 'backpressure.dec', code: 0x25, imm: 'none' },
  { name: 'thread.index', code: 0x26, imm: 'none' },
  { name: 'thread.new-indirect', code: 0x27, imm: 'core_type_table' },
  { name: 'thread.resume-later', code: 0x28, imm: 'none' },
  { name: 'thread.suspend', code: 0x29, imm: 'cancel' },
  { name: 'thread.suspend-then-resume', code: 0x2a, imm: 'cancel' },
  { name: 'thread.yield-then-resume', code: 0x2b, imm: 'cancel' },
  { name: 'thread.suspend-then-promote', code: 0x2c, imm: 'cancel' },
  { name: 'thread.yield-then-promote', code: 0x2d, imm: 'cancel' },
  { name: 'thread.spawn-ref', code: 0x40, imm: 'shared_core_type' },
  { name: 'thread.spawn-indirect', code: 0x41, imm: 'shared_core_type_table' },
  { name: 'thread.available-parallelism', code: 0x42, imm: 'shared' },
] as const satisfies readonly CanonDef[];

export type CanonName = (typeof CANONS)[number]['name'];
export type CanonOf<K extends CanonImm> = Extract<(typeof CANONS)[number], { imm: K }>['name'];

export const CANON_BY_CODE: readonly (CanonDef | undefined)[] = (() => {
  const out: (CanonDef | undefined)[] = [];
  for (const row of CANONS) out[row.code] = row;
  return out;
})();
export const CANON_BY_NAME: ReadonlyMap<string, CanonDef> = new Map(CANONS.map((row) => [row.name, row]));

/** Reverse lookup of a code table: code → name (undefined for unknown codes). */
export function byCode<K extends string>(table: Readonly<Record<K, number>>): readonly (K | undefined)[] {
  const out: (K | undefined)[] = new Array(256).fill(undefined);
  for (const [k, v] of Object.entries(table) as [K, number][]) out[v] = k;
  return out;
}

/** Section ids (Binary.md, "Component Definitions"). */
export const COMPONENT_SECTION_ID = {
  custom: 0, 'core-module': 1, 'core-instance': 2, 'core-type': 3, component: 4, instance: 5,
  alias: 6, type: 7, canon: 8, start: 9, import: 10, export: 11, value: 12,
} as const;

/** The preamble's version and layer: 0x0d 0x00, then 0x01 0x00 (0x00 0x00 for core modules). */
export const COMPONENT_VERSION = [0x0d, 0x00, 0x01, 0x00] as const;
