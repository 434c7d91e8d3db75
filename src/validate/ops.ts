// What the validator needs to know of each row of THE opcode table, derived from it once:
// the stack signature as encoded types, and for memory and lane instructions the natural
// alignment and the number of lanes. Rows without a signature get a handler number; the
// function validator checks those by hand.
import { type DecodeEntry, decodeTables } from '../binary/decode-instr.ts';
import type { FeatureSet } from '../core/features.ts';
import { OPCODES, type OpDef } from '../core/opcodes.ts';
import { F32, F64, I32, I64, V128 } from './type-codes.ts';

/** In a signature, the address type of the instruction's memory (i32 or i64). */
const ADDR = -1;

export interface ValidatorOp {
  readonly def: OpDef;
  /** 0 for instructions checked by their signature; otherwise one of the H_* numbers. */
  readonly handler: number;
  /** The signature with `addr` as i32 (also the signature of instructions without one)... */
  readonly params: Int32Array;
  readonly results: Int32Array;
  /** ...and with `addr` as i64, for 64-bit memories. */
  readonly params64: Int32Array;
  readonly results64: Int32Array;
  /** log2 of the natural alignment of a memory access, or -1. */
  readonly naturalAlign: number;
  /** Atomic accesses must be aligned exactly, not just at most naturally. */
  readonly exactAlign: boolean;
  /** How many lanes a lane index may address (lane and memarg_lane immediates), or 0. */
  readonly lanes: number;
  /** Which immediate a signature-checked instruction needs checked (the I_* numbers). */
  readonly immCheck: number;
  /** memory.init and data.drop: the binary format requires a data count section for them. */
  readonly needsDataCount: boolean;
}

// Immediates of signature-checked instructions that refer to the module or must be in range.
export const I_NONE = 0;
export const I_MEMARG = 1;
export const I_MEMORY = 2;
export const I_LANE = 3;
export const I_SHUFFLE = 4;
export const I_DATA = 5;
export const I_ELEM = 6;
const IMM_CHECKS: Partial<Record<string, number>> = {
  memarg: I_MEMARG, memarg_lane: I_MEMARG, memory: I_MEMORY, lane: I_LANE, shuffle: I_SHUFFLE, data: I_DATA, elem: I_ELEM,
};

// The hand-checked instructions, each with its handler number. FuncValidator.op spells them
// as literal cases (a jump table); validate.test.ts checks the two agree.
export const H_UNREACHABLE = 1;
export const H_BLOCK = 2;
export const H_LOOP = 3;
export const H_IF = 4;
export const H_ELSE = 5;
export const H_END = 6;
export const H_BR = 7;
export const H_BR_IF = 8;
export const H_BR_TABLE = 9;
export const H_RETURN = 10;
export const H_CALL = 11;
export const H_CALL_INDIRECT = 12;
export const H_RETURN_CALL = 13;
export const H_RETURN_CALL_INDIRECT = 14;
export const H_CALL_REF = 15;
export const H_RETURN_CALL_REF = 16;
export const H_DROP = 17;
export const H_SELECT = 18;
export const H_LOCAL_GET = 19;
export const H_LOCAL_SET = 20;
export const H_LOCAL_TEE = 21;
export const H_GLOBAL_GET = 22;
export const H_GLOBAL_SET = 23;
export const H_TABLE_GET = 24;
export const H_TABLE_SET = 25;
export const H_TABLE_SIZE = 26;
export const H_TABLE_GROW = 27;
export const H_TABLE_FILL = 28;
export const H_TABLE_COPY = 29;
export const H_TABLE_INIT = 30;
export const H_MEMORY_INIT = 31;
export const H_MEMORY_COPY = 32;
export const H_REF_NULL = 33;
export const H_REF_IS_NULL = 34;
export const H_REF_FUNC = 35;
export const H_REF_EQ = 36;
export const H_REF_AS_NON_NULL = 37;
export const H_BR_ON_NULL = 38;
export const H_BR_ON_NON_NULL = 39;
export const H_TRY = 40;
export const H_CATCH = 41;
export const H_CATCH_ALL = 42;
export const H_DELEGATE = 43;
export const H_THROW = 44;
export const H_RETHROW = 45;
export const H_THROW_REF = 46;
export const H_TRY_TABLE = 47;
export const H_STRUCT_NEW = 48;
export const H_STRUCT_NEW_DEFAULT = 49;
export const H_STRUCT_GET = 50;
export const H_STRUCT_GET_PACKED = 51;
export const H_STRUCT_SET = 52;
export const H_ARRAY_NEW = 53;
export const H_ARRAY_NEW_DEFAULT = 54;
export const H_ARRAY_NEW_FIXED = 55;
export const H_ARRAY_NEW_DATA = 56;
export const H_ARRAY_NEW_ELEM = 57;
export const H_ARRAY_GET = 58;
export const H_ARRAY_GET_PACKED = 59;
export const H_ARRAY_SET = 60;
export const H_ARRAY_LEN = 61;
export const H_ARRAY_FILL = 62;
export const H_ARRAY_COPY = 63;
export const H_ARRAY_INIT_DATA = 64;
export const H_ARRAY_INIT_ELEM = 65;
export const H_REF_TEST = 66;
export const H_REF_CAST = 67;
export const H_BR_ON_CAST = 68;
export const H_BR_ON_CAST_FAIL = 69;
export const H_ANY_CONVERT_EXTERN = 70;
export const H_EXTERN_CONVERT_ANY = 71;
export const H_REF_I31 = 72;
export const H_I31_GET = 73;

const HANDLERS: Readonly<Record<string, number>> = {
  unreachable: H_UNREACHABLE, block: H_BLOCK, loop: H_LOOP, if: H_IF, else: H_ELSE, end: H_END,
  br: H_BR, br_if: H_BR_IF, br_table: H_BR_TABLE, return: H_RETURN, call: H_CALL,
  call_indirect: H_CALL_INDIRECT, return_call: H_RETURN_CALL,
  return_call_indirect: H_RETURN_CALL_INDIRECT, call_ref: H_CALL_REF,
  return_call_ref: H_RETURN_CALL_REF, drop: H_DROP, select: H_SELECT,
  'local.get': H_LOCAL_GET, 'local.set': H_LOCAL_SET, 'local.tee': H_LOCAL_TEE,
  'global.get': H_GLOBAL_GET, 'global.set': H_GLOBAL_SET, 'table.get': H_TABLE_GET,
  'table.set': H_TABLE_SET, 'table.size': H_TABLE_SIZE, 'table.grow': H_TABLE_GROW,
  'table.fill': H_TABLE_FILL, 'table.copy': H_TABLE_COPY, 'table.init': H_TABLE_INIT,
  'memory.init': H_MEMORY_INIT, 'memory.copy': H_MEMORY_COPY, 'ref.null': H_REF_NULL,
  'ref.is_null': H_REF_IS_NULL, 'ref.func': H_REF_FUNC, 'ref.eq': H_REF_EQ,
  'ref.as_non_null': H_REF_AS_NON_NULL, br_on_null: H_BR_ON_NULL, br_on_non_null: H_BR_ON_NON_NULL,
  try: H_TRY, catch: H_CATCH, catch_all: H_CATCH_ALL, delegate: H_DELEGATE, throw: H_THROW,
  rethrow: H_RETHROW, throw_ref: H_THROW_REF, try_table: H_TRY_TABLE,
  'struct.new': H_STRUCT_NEW, 'struct.new_default': H_STRUCT_NEW_DEFAULT,
  'struct.get': H_STRUCT_GET, 'struct.get_s': H_STRUCT_GET_PACKED, 'struct.get_u': H_STRUCT_GET_PACKED,
  'struct.set': H_STRUCT_SET, 'array.new': H_ARRAY_NEW, 'array.new_default': H_ARRAY_NEW_DEFAULT,
  'array.new_fixed': H_ARRAY_NEW_FIXED, 'array.new_data': H_ARRAY_NEW_DATA,
  'array.new_elem': H_ARRAY_NEW_ELEM, 'array.get': H_ARRAY_GET, 'array.get_s': H_ARRAY_GET_PACKED,
  'array.get_u': H_ARRAY_GET_PACKED, 'array.set': H_ARRAY_SET, 'array.len': H_ARRAY_LEN,
  'array.fill': H_ARRAY_FILL, 'array.copy': H_ARRAY_COPY, 'array.init_data': H_ARRAY_INIT_DATA,
  'array.init_elem': H_ARRAY_INIT_ELEM, 'ref.test': H_REF_TEST, 'ref.cast': H_REF_CAST,
  br_on_cast: H_BR_ON_CAST, br_on_cast_fail: H_BR_ON_CAST_FAIL,
  'any.convert_extern': H_ANY_CONVERT_EXTERN, 'extern.convert_any': H_EXTERN_CONVERT_ANY,
  'ref.i31': H_REF_I31, 'i31.get_s': H_I31_GET, 'i31.get_u': H_I31_GET,
};

const SIG_TYPES: Readonly<Record<string, number>> = { i32: I32, i64: I64, f32: F32, f64: F64, v128: V128, addr: ADDR };
const EMPTY = new Int32Array(0);

function sigTypes(list: string): Int32Array {
  const names = list.trim().split(/\s+/).filter((s) => s !== '');
  return names.length === 0 ? EMPTY : Int32Array.from(names, (n) => {
    const t = SIG_TYPES[n];
    if (t === undefined) throw new Error(`opcode table: unknown type ${n} in a signature`);
    return t;
  });
}

function withAddr(types: Int32Array, addr: number): Int32Array {
  return types.map((t) => (t === ADDR ? addr : t));
}

const WIDTH: Readonly<Record<string, number>> = { i32: 32, i64: 64, f32: 32, f64: 64, v128: 128, memory: 32 };

/**
 * The bits one memory access touches, from the mnemonic: `i64.load32_u` 32,
 * `v128.load8x8_s` 64, `i32.atomic.rmw16.add_u` 16, `memory.atomic.wait64` 64; otherwise the
 * width of the type that prefixes it (`memory.atomic.notify` waits on an i32).
 */
function accessBits(name: string): number {
  const m = /(?:load|store|rmw|wait)(\d+)(?:x(\d+))?/.exec(name);
  if (m) return Number(m[1]) * (m[2] ? Number(m[2]) : 1);
  return WIDTH[name.slice(0, name.indexOf('.'))];
}

function build(def: OpDef): ValidatorOp {
  const handler = def.sig === null ? HANDLERS[def.name] : 0;
  if (handler === undefined) throw new Error(`validator: no handler for ${def.name}`);
  const [params, results] = def.sig === null ? ['', ''] : def.sig.split('->');
  const memory = def.imm === 'memarg' || def.imm === 'memarg_lane';
  const bits = memory ? accessBits(def.name) : 0;
  let lanes = 0;
  if (def.imm === 'memarg_lane') lanes = 128 / bits;
  else if (def.imm === 'lane') lanes = Number(/^[if]\d+x(\d+)\./.exec(def.name)?.[1]);
  return {
    def,
    handler,
    params: withAddr(sigTypes(params), I32),
    results: withAddr(sigTypes(results), I32),
    params64: withAddr(sigTypes(params), I64),
    results64: withAddr(sigTypes(results), I64),
    naturalAlign: memory ? Math.log2(bits / 8) : -1,
    exactAlign: memory && def.name.includes('atomic'),
    lanes,
    immCheck: IMM_CHECKS[def.imm] ?? I_NONE,
    needsDataCount: def.name === 'memory.init' || def.name === 'data.drop',
  };
}

/** Indexed like OPCODES (a DecodeEntry's `row`). */
export const VALIDATOR_OPS: readonly ValidatorOp[] = OPCODES.map(build);

const byName = new Map<string, ValidatorOp>(VALIDATOR_OPS.map((v) => [v.def.name, v]));

export function validatorOp(name: string): ValidatorOp | undefined {
  return byName.get(name);
}

// ---- the streaming validator's dispatch table ----

// How FuncValidator.stream handles an opcode. The frequent instructions (most of
// any body) are decoded and checked in place; everything else takes the general path:
// readImmediates into the scratch object, then op(). The numbers are spelled as literals in
// stream's switch, so that V8 compiles it to a jump table (it does so only for literal cases);
// validate.test.ts checks they agree.
export const S_GENERAL = 0;
/** No immediates, checked by the signature (i32.add, i32.eqz, ...). */
export const S_SIG = 1;
// Instructions with one u32 index, which the loop reads before the switch.
export const S_LOCAL_GET = 2;
export const S_LOCAL_SET = 3;
export const S_LOCAL_TEE = 4;
export const S_GLOBAL_GET = 5;
export const S_GLOBAL_SET = 6;
export const S_CALL = 7;
export const S_BR = 8;
export const S_BR_IF = 9;
export const S_FIRST_INDEX = S_LOCAL_GET;
export const S_LAST_INDEX = S_BR_IF;
/** i32.const (the value does not matter to validation, only that it decodes). */
export const S_I32_CONST = 10;
/** Loads and stores: a memarg, checked by the signature. */
export const S_MEMARG = 11;
export const S_BLOCK = 12;
export const S_LOOP = 13;
export const S_IF = 14;
export const S_END = 15;
export const S_DROP = 16;
/** select without types. */
export const S_SELECT = 17;
export const S_UNREACHABLE = 18;
export const S_RETURN = 19;
export const S_ELSE = 20;
/** Constants other than i32: i64's LEB128 and the floats' fixed bytes, read but not kept. */
export const S_I64_CONST = 21;
export const S_F32_CONST = 22;
export const S_F64_CONST = 23;
export const S_V128_CONST = 24;
export const S_CALL_INDIRECT = 25;
export const S_THROW_REF = 26;

const STREAM_KINDS: Readonly<Record<string, number>> = {
  'local.get': S_LOCAL_GET, 'local.set': S_LOCAL_SET, 'local.tee': S_LOCAL_TEE,
  'global.get': S_GLOBAL_GET, 'global.set': S_GLOBAL_SET, 'i32.const': S_I32_CONST, call: S_CALL,
  br: S_BR, br_if: S_BR_IF, block: S_BLOCK, loop: S_LOOP, if: S_IF, end: S_END, drop: S_DROP,
  select: S_SELECT, unreachable: S_UNREACHABLE, return: S_RETURN, else: S_ELSE, 'i64.const': S_I64_CONST,
  'f32.const': S_F32_CONST, 'f64.const': S_F64_CONST, 'v128.const': S_V128_CONST,
  call_indirect: S_CALL_INDIRECT, throw_ref: S_THROW_REF,
};

/** One opcode for the streaming validator: how to decode it, what to check. */
export interface StreamEntry {
  readonly decode: DecodeEntry;
  readonly op: ValidatorOp;
  /** One of the S_* numbers. */
  readonly kind: number;
  /**
   * A small signature (32-bit memory for memory accesses): one or two parameters and at most
   * one result, spelled out so that the common case needs no loop. `np` is 0 otherwise.
   */
  readonly np: number;
  readonly p0: number;
  readonly p1: number;
  readonly nr: number;
  readonly r0: number;
}

function streamKind(e: DecodeEntry, op: ValidatorOp): number {
  if (e.variant) return S_GENERAL; // typed select
  const kind = STREAM_KINDS[e.def.name];
  if (kind !== undefined) return kind;
  if (op.handler === 0 && e.def.imm === 'none') return S_SIG;
  if (op.handler === 0 && e.def.imm === 'memarg' && op.immCheck === I_MEMARG) return S_MEMARG;
  return S_GENERAL;
}

/** The streaming validator's view of the decode tables (see DecodeTables). */
export interface StreamTable {
  readonly single: readonly (StreamEntry | undefined)[];
  /** Indexed by prefix byte, then by the code that follows it. */
  readonly prefixed: readonly (readonly (StreamEntry | undefined)[] | undefined)[];
}

const streamCache = new WeakMap<FeatureSet, WeakMap<FeatureSet, StreamTable>>();

/**
 * The stream table for bytes decoded with `decoding` and validated with `validating`:
 * undefined for illegal codes (the general path reads and reports them). An opcode the
 * validating features lack always takes the general path, which names the feature.
 */
export function streamTable(decoding: FeatureSet, validating: FeatureSet): StreamTable {
  let byValidating = streamCache.get(decoding);
  if (!byValidating) {
    byValidating = new WeakMap();
    streamCache.set(decoding, byValidating);
  }
  let table = byValidating.get(validating);
  if (!table) {
    const entry = (e: DecodeEntry | undefined): StreamEntry | undefined => {
      if (!e) return undefined;
      const op = VALIDATOR_OPS[e.row];
      const small = op.params.length >= 1 && op.params.length <= 2 && op.results.length <= 1;
      return {
        decode: e, op, kind: validating.has(op.def.feature) ? streamKind(e, op) : S_GENERAL,
        np: small ? op.params.length : 0, p0: op.params[0] ?? 0, p1: op.params[1] ?? 0,
        nr: op.results.length, r0: op.results[0] ?? 0,
      };
    };
    const tables = decodeTables(decoding);
    table = { single: tables.single.map(entry), prefixed: tables.prefixed.map((codes) => codes?.map(entry)) };
    byValidating.set(validating, table);
  }
  return table;
}
