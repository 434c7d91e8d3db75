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
