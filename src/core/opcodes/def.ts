// The shape of one row of THE opcode table (see ../opcodes.ts). Rows are plain data.
import type { Feature } from '../features.ts';

/**
 * The kinds of immediate an instruction carries. The instruction object (ast.ts) has the
 * fields listed beside each kind; the decoder, encoder, printer and parser switch on it.
 */
export type ImmKind =
  | 'none'
  | 'blocktype' //     blockType                    block loop if try
  | 'label' //         label                        br br_if br_on_null rethrow delegate
  | 'br_table' //      labels, default
  | 'func' //          func                         call return_call ref.func
  | 'call_indirect' // type, table                  call_indirect return_call_indirect
  | 'local' //         local
  | 'global' //        global
  | 'table' //         table                        table.get/set/size/grow/fill
  | 'memory' //        memory                       memory.size/grow/fill
  | 'memarg' //        memarg                       loads, stores, atomics
  | 'memarg_lane' //   memarg, lane                 v128.load8_lane ...
  | 'i32' //           value: number (signed)
  | 'i64' //           value: bigint (signed)
  | 'f32' //           bits: number (u32, so NaN payloads survive)
  | 'f64' //           bits: bigint (u64)
  | 'v128' //          bytes: Uint8Array(16)
  | 'lane' //          lane                         extract_lane / replace_lane
  | 'shuffle' //       lanes: Uint8Array(16)        i8x16.shuffle
  | 'select' //        types?                       select; two codes: code untyped,
  //                                                code + 1 with a vector of value types
  | 'heaptype' //      heap                         ref.null
  | 'reftype' //       ref                          ref.test ref.cast; two codes: code for
  //                                                (ref ht), code + 1 for (ref null ht)
  | 'type' //          type                         call_ref struct.new array.get ...
  | 'type_field' //    type, field                  struct.get/set
  | 'type_len' //      type, length                 array.new_fixed
  | 'type_data' //     type, data                   array.new_data array.init_data
  | 'type_elem' //     type, elem                   array.new_elem array.init_elem
  | 'type_type' //     type, srcType                array.copy
  | 'tag' //           tag                          throw catch
  | 'try_table' //     blockType, catches
  | 'br_on_cast' //    label, from, to              br_on_cast br_on_cast_fail
  | 'data' //          data                         data.drop
  | 'elem' //          elem                         elem.drop
  | 'memory_init' //   data, memory
  | 'memory_copy' //   memory, srcMemory
  | 'table_init' //    elem, table
  | 'table_copy' //    table, srcTable
  | 'fence'; //        (a reserved zero byte)       atomic.fence

/** Opcode prefixes; 0 means a single-byte opcode. Prefixed sub-opcodes are LEB128 u32. */
export const PREFIX_NONE = 0;
export const PREFIX_GC = 0xfb;
export const PREFIX_MISC = 0xfc;
export const PREFIX_SIMD = 0xfd;
export const PREFIX_ATOMIC = 0xfe;

/**
 * Immediate kinds whose instruction takes two consecutive codes: the spec's AST has one
 * instruction, and the binary format spends code + 1 on its variant (nullable reference
 * type, typed select).
 */
export const TWO_CODE_KINDS: ReadonlySet<ImmKind> = new Set<ImmKind>(['reftype', 'select']);

export interface OpDef<N extends string = string, I extends ImmKind = ImmKind> {
  /** The text format mnemonic. */
  readonly name: N;
  readonly prefix: number;
  readonly code: number;
  readonly imm: I;
  /**
   * The stack signature for instructions the validator can check generically, as
   * `params -> results` with value types, `addr` for the memory's address type; `null` for
   * instructions checked by hand (control, locals, calls, references, ...).
   */
  readonly sig: string | null;
  readonly feature: Feature;
}

/** One row. `const` type parameters keep the mnemonic literal, so the AST can be typed by it. */
export function op<const N extends string, const I extends ImmKind>(
  name: N, prefix: number, code: number, imm: I, sig: string | null, feature: Feature,
): OpDef<N, I> {
  return { name, prefix, code, imm, sig, feature };
}

// Immediate kinds as small integers, for the loops that switch on the kind once per
// instruction (encoder, parser): a switch over small numbers compiles to a jump table, one
// over strings to a chain of comparisons. IMM_CODE ties each to its ImmKind.
export const IMM_NONE = 0;
export const IMM_BLOCKTYPE = 1;
export const IMM_LABEL = 2;
export const IMM_BR_TABLE = 3;
export const IMM_FUNC = 4;
export const IMM_CALL_INDIRECT = 5;
export const IMM_LOCAL = 6;
export const IMM_GLOBAL = 7;
export const IMM_TABLE = 8;
export const IMM_MEMORY = 9;
export const IMM_MEMARG = 10;
export const IMM_MEMARG_LANE = 11;
export const IMM_I32 = 12;
export const IMM_I64 = 13;
export const IMM_F32 = 14;
export const IMM_F64 = 15;
export const IMM_V128 = 16;
export const IMM_LANE = 17;
export const IMM_SHUFFLE = 18;
export const IMM_SELECT = 19;
export const IMM_HEAPTYPE = 20;
export const IMM_REFTYPE = 21;
export const IMM_TYPE = 22;
export const IMM_TYPE_FIELD = 23;
export const IMM_TYPE_LEN = 24;
export const IMM_TYPE_DATA = 25;
export const IMM_TYPE_ELEM = 26;
export const IMM_TYPE_TYPE = 27;
export const IMM_TAG = 28;
export const IMM_TRY_TABLE = 29;
export const IMM_BR_ON_CAST = 30;
export const IMM_DATA = 31;
export const IMM_ELEM = 32;
export const IMM_MEMORY_INIT = 33;
export const IMM_MEMORY_COPY = 34;
export const IMM_TABLE_INIT = 35;
export const IMM_TABLE_COPY = 36;
export const IMM_FENCE = 37;

export const IMM_CODE: Readonly<Record<ImmKind, number>> = {
  none: IMM_NONE, blocktype: IMM_BLOCKTYPE, label: IMM_LABEL, br_table: IMM_BR_TABLE, func: IMM_FUNC,
  call_indirect: IMM_CALL_INDIRECT, local: IMM_LOCAL, global: IMM_GLOBAL, table: IMM_TABLE,
  memory: IMM_MEMORY, memarg: IMM_MEMARG, memarg_lane: IMM_MEMARG_LANE, i32: IMM_I32, i64: IMM_I64,
  f32: IMM_F32, f64: IMM_F64, v128: IMM_V128, lane: IMM_LANE, shuffle: IMM_SHUFFLE, select: IMM_SELECT,
  heaptype: IMM_HEAPTYPE, reftype: IMM_REFTYPE, type: IMM_TYPE, type_field: IMM_TYPE_FIELD,
  type_len: IMM_TYPE_LEN, type_data: IMM_TYPE_DATA, type_elem: IMM_TYPE_ELEM, type_type: IMM_TYPE_TYPE,
  tag: IMM_TAG, try_table: IMM_TRY_TABLE, br_on_cast: IMM_BR_ON_CAST, data: IMM_DATA, elem: IMM_ELEM,
  memory_init: IMM_MEMORY_INIT, memory_copy: IMM_MEMORY_COPY, table_init: IMM_TABLE_INIT,
  table_copy: IMM_TABLE_COPY, fence: IMM_FENCE,
};
