// Encoding instructions, driven by the opcode table like the decoder.
import type { AnyImmFields, Catch, Expr, Instr, Locals, MemArg } from '../core/ast.ts';
import { OPCODES, type OpDef, PREFIX_NONE } from '../core/opcodes.ts';
import {
  IMM_BLOCKTYPE, IMM_BR_ON_CAST, IMM_BR_TABLE, IMM_CALL_INDIRECT, IMM_CODE, IMM_DATA, IMM_ELEM, IMM_F32,
  IMM_F64, IMM_FENCE, IMM_FUNC, IMM_GLOBAL, IMM_HEAPTYPE, IMM_I32, IMM_I64, IMM_LABEL, IMM_LANE, IMM_LOCAL,
  IMM_MEMARG, IMM_MEMARG_LANE, IMM_MEMORY, IMM_MEMORY_COPY, IMM_MEMORY_INIT, IMM_NONE, IMM_REFTYPE,
  IMM_SELECT, IMM_SHUFFLE, IMM_TABLE, IMM_TABLE_COPY, IMM_TABLE_INIT, IMM_TAG, IMM_TRY_TABLE, IMM_TYPE,
  IMM_TYPE_DATA, IMM_TYPE_ELEM, IMM_TYPE_FIELD, IMM_TYPE_LEN, IMM_TYPE_TYPE, IMM_V128,
} from '../core/opcodes/def.ts';
import { writeBlockType, writeHeapType, writeValType } from './encode-types.ts';
import type { Writer } from './writer.ts';

const END = 0x0b;
const CATCH_CODE: Readonly<Record<Catch['kind'], number>> = {
  catch: 0x00, catch_ref: 0x01, catch_all: 0x02, catch_all_ref: 0x03,
};

function writeMemArg(w: Writer, m: MemArg): void {
  if (m.memory === 0) w.u32(m.align);
  else {
    w.u32(m.align | 0x40);
    w.u32(m.memory);
  }
  w.u64(m.offset);
}

/** What the encoder needs of one opcode, found with one lookup per instruction. */
interface EncodeOp {
  readonly def: OpDef;
  /** IMM_CODE of the immediate kind. */
  readonly imm: number;
}

const ENCODE_OPS = new Map<string, EncodeOp>(OPCODES.map((def) => [def.name, { def, imm: IMM_CODE[def.imm] }]));

function writeOpcode(w: Writer, def: OpDef, variant: boolean): void {
  const code = def.code + (variant ? 1 : 0);
  if (def.prefix === PREFIX_NONE) w.u8(code);
  else {
    w.u8(def.prefix);
    w.u32(code);
  }
}

export function writeInstr(w: Writer, instr: Instr): void {
  const e = ENCODE_OPS.get(instr.op);
  if (!e) throw new TypeError(`unknown instruction: ${instr.op}`);
  const def = e.def;
  const i = instr as AnyImmFields;
  switch (e.imm) {
    case IMM_NONE:
      // Most instructions: one byte and no immediates.
      if (def.prefix === PREFIX_NONE) {
        w.u8(def.code);
        return;
      }
      writeOpcode(w, def, false);
      return;
    case IMM_SELECT: writeOpcode(w, def, i.types !== undefined); break;
    case IMM_REFTYPE: writeOpcode(w, def, i.ref.nullable); break;
    default: writeOpcode(w, def, false);
  }
  switch (e.imm) {
    case IMM_BLOCKTYPE: writeBlockType(w, i.blockType); break;
    case IMM_LABEL: w.u32(i.label); break;
    case IMM_BR_TABLE:
      w.u32(i.labels.length);
      for (const l of i.labels) w.u32(l);
      w.u32(i.default);
      break;
    case IMM_FUNC: w.u32(i.func); break;
    case IMM_CALL_INDIRECT: w.u32(i.type); w.u32(i.table); break;
    case IMM_LOCAL: w.u32(i.local); break;
    case IMM_GLOBAL: w.u32(i.global); break;
    case IMM_TABLE: w.u32(i.table); break;
    case IMM_MEMORY: w.u32(i.memory); break;
    case IMM_MEMARG: writeMemArg(w, i.memarg); break;
    case IMM_MEMARG_LANE: writeMemArg(w, i.memarg); w.u8(i.lane); break;
    case IMM_I32: w.sleb(i.value); break;
    case IMM_I64: w.s64(i.value); break;
    case IMM_F32: w.fixed32(i.bits); break;
    case IMM_F64: w.fixed64(i.bits); break;
    case IMM_V128: w.bytes(i.bytes); break;
    case IMM_LANE: w.u8(i.lane); break;
    case IMM_SHUFFLE: w.bytes(i.lanes); break;
    case IMM_SELECT:
      if (i.types) {
        w.u32(i.types.length);
        for (const t of i.types) writeValType(w, t);
      }
      break;
    case IMM_HEAPTYPE: writeHeapType(w, i.heap); break;
    case IMM_REFTYPE: writeHeapType(w, i.ref.heap); break;
    case IMM_TYPE: w.u32(i.type); break;
    case IMM_TYPE_FIELD: w.u32(i.type); w.u32(i.field); break;
    case IMM_TYPE_LEN: w.u32(i.type); w.u32(i.length); break;
    case IMM_TYPE_DATA: w.u32(i.type); w.u32(i.data); break;
    case IMM_TYPE_ELEM: w.u32(i.type); w.u32(i.elem); break;
    case IMM_TYPE_TYPE: w.u32(i.type); w.u32(i.srcType); break;
    case IMM_TAG: w.u32(i.tag); break;
    case IMM_TRY_TABLE:
      writeBlockType(w, i.blockType);
      w.u32(i.catches.length);
      for (const c of i.catches) {
        w.u8(CATCH_CODE[c.kind]);
        if ('tag' in c) w.u32(c.tag);
        w.u32(c.label);
      }
      break;
    case IMM_BR_ON_CAST:
      w.u8((i.from.nullable ? 1 : 0) | (i.to.nullable ? 2 : 0));
      w.u32(i.label);
      writeHeapType(w, i.from.heap);
      writeHeapType(w, i.to.heap);
      break;
    case IMM_DATA: w.u32(i.data); break;
    case IMM_ELEM: w.u32(i.elem); break;
    case IMM_MEMORY_INIT: w.u32(i.data); w.u32(i.memory); break;
    case IMM_MEMORY_COPY: w.u32(i.memory); w.u32(i.srcMemory); break;
    case IMM_TABLE_INIT: w.u32(i.elem); w.u32(i.table); break;
    case IMM_TABLE_COPY: w.u32(i.table); w.u32(i.srcTable); break;
    case IMM_FENCE: w.u8(0); break;
  }
}

/** An expression with its closing `end`. */
export function writeExpr(w: Writer, body: Expr): void {
  for (const instr of body) writeInstr(w, instr);
  w.u8(END);
}

export function writeLocals(w: Writer, locals: readonly Locals[]): void {
  w.u32(locals.length);
  for (const l of locals) {
    w.u32(l.count);
    writeValType(w, l.type);
  }
}
