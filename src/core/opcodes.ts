// THE opcode table: every instruction Tessera knows, as plain data, in one list. The rows
// live in small files by prefix (opcodes/*.ts); everything else (decoder, encoder, printer,
// parser, validator) derives its lookups from OPCODES here and nowhere else.
import { ALL_FEATURES, type FeatureSet } from './features.ts';
import { ATOMIC_OPS } from './opcodes/atomics.ts';
import { CORE_OPS } from './opcodes/core.ts';
import { type OpDef, PREFIX_NONE, TWO_CODE_KINDS } from './opcodes/def.ts';
import { GC_OPS } from './opcodes/gc.ts';
import { MISC_OPS } from './opcodes/misc.ts';
import { SIMD_OPS } from './opcodes/simd.ts';

export type { ImmKind, OpDef } from './opcodes/def.ts';
export { PREFIX_ATOMIC, PREFIX_GC, PREFIX_MISC, PREFIX_NONE, PREFIX_SIMD, TWO_CODE_KINDS } from './opcodes/def.ts';

export const OPCODES = [...CORE_OPS, ...MISC_OPS, ...GC_OPS, ...SIMD_OPS, ...ATOMIC_OPS];

const byName = new Map<string, OpDef>();
for (const row of OPCODES) {
  if (byName.has(row.name)) throw new Error(`opcode table: duplicate mnemonic ${row.name}`);
  byName.set(row.name, row);
}

/** The row of a mnemonic, or undefined. */
export function opcodeByName(name: string): OpDef | undefined {
  return byName.get(name);
}

/**
 * Whether an instruction writes linear memory: a memory instruction with no results (the
 * stores, `v128.storeN_lane`, atomic stores, `memory.fill`), an atomic read-modify-write
 * (`*.atomic.rmw*`, cmpxchg included), or `memory.copy` / `memory.init` (checked by hand, so
 * without a signature). Loads, `memory.size`/`grow`, `memory.atomic.notify`/`wait*` write
 * nothing a guest can read back (grow changes the size, not the bytes). `tessera serve` marks
 * the blocks these write (src/serve/write-marks.ts).
 */
export function writesMemory(row: OpDef): boolean {
  switch (row.imm) {
    case 'memarg': case 'memarg_lane': return noResults(row.sig) || row.name.includes('.atomic.rmw');
    case 'memory': return noResults(row.sig);
    case 'memory_copy': case 'memory_init': return true;
    default: return false;
  }
}

/**
 * Whether an instruction changes a table's elements or size: every table instruction but the
 * two that only read (`table.get`, `table.size`). Table signatures are checked by hand (no
 * `sig`), so the rule is by immediate kind and name. `tessera serve` skips comparing tables
 * no instruction of a component can change (src/serve/reset.ts).
 */
export function writesTable(row: OpDef): boolean {
  switch (row.imm) {
    case 'table': return row.name !== 'table.get' && row.name !== 'table.size';
    case 'table_init': case 'table_copy': return true;
    default: return false;
  }
}

function noResults(sig: string | null): boolean {
  return sig !== null && sig.split('->')[1].trim() === '';
}

/**
 * Dense decode tables for one feature set: `single[code]` for single-byte opcodes, and one
 * array per prefix for prefixed ones. A two-code instruction (TWO_CODE_KINDS) is found under
 * both codes. Built once per feature set, so decoding pays no per-instruction feature check.
 */
export interface OpcodeTables {
  readonly single: readonly (OpDef | undefined)[];
  readonly prefixed: ReadonlyMap<number, readonly (OpDef | undefined)[]>;
}

const tablesCache = new WeakMap<FeatureSet, OpcodeTables>();

export function opcodeTables(features: FeatureSet = ALL_FEATURES): OpcodeTables {
  let tables = tablesCache.get(features);
  if (!tables) {
    const rows = OPCODES.filter((r) => features.has(r.feature));
    tables = {
      single: denseTable(rows, PREFIX_NONE),
      prefixed: new Map(
        [...new Set(OPCODES.map((r) => r.prefix))]
          .filter((p) => p !== PREFIX_NONE)
          .map((p) => [p, denseTable(rows, p)] as const),
      ),
    };
    tablesCache.set(features, tables);
  }
  return tables;
}

function denseTable(all: readonly OpDef[], prefix: number): (OpDef | undefined)[] {
  const rows = all.filter((r) => r.prefix === prefix);
  const size = prefix === PREFIX_NONE ? 256 : Math.max(0, ...rows.map((r) => r.code)) + 2;
  const table: (OpDef | undefined)[] = new Array(size).fill(undefined);
  const place = (code: number, row: OpDef) => {
    if (table[code]) throw new Error(`opcode table: ${row.name} and ${table[code].name} share a code`);
    table[code] = row;
  };
  for (const row of rows) {
    place(row.code, row);
    if (TWO_CODE_KINDS.has(row.imm)) place(row.code + 1, row);
  }
  return table;
}
