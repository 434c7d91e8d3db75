// Encoding instructions, driven by the opcode table like the decoder.
import type { AnyImmFields, Catch, Expr, Instr, Locals, MemArg } from '../core/ast.ts';
import { type OpDef, PREFIX_NONE, opcodeByName } from '../core/opcodes.ts';
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

function writeOpcode(w: Writer, def: OpDef, variant: boolean): void {
  const code = def.code + (variant ? 1 : 0);
  if (def.prefix === PREFIX_NONE) w.u8(code);
  else {
    w.u8(def.prefix);
    w.u32(code);
  }
}

export function writeInstr(w: Writer, instr: Instr): void {
  const def = opcodeByName(instr.op);
  if (!def) throw new TypeError(`unknown instruction: ${instr.op}`);
  const i = instr as AnyImmFields;
  switch (def.imm) {
    case 'select': writeOpcode(w, def, i.types !== undefined); break;
    case 'reftype': writeOpcode(w, def, i.ref.nullable); break;
    default: writeOpcode(w, def, false);
  }
  switch (def.imm) {
    case 'none': break;
    case 'blocktype': writeBlockType(w, i.blockType); break;
    case 'label': w.u32(i.label); break;
    case 'br_table':
      w.u32(i.labels.length);
      for (const l of i.labels) w.u32(l);
      w.u32(i.default);
      break;
    case 'func': w.u32(i.func); break;
    case 'call_indirect': w.u32(i.type); w.u32(i.table); break;
    case 'local': w.u32(i.local); break;
    case 'global': w.u32(i.global); break;
    case 'table': w.u32(i.table); break;
    case 'memory': w.u32(i.memory); break;
    case 'memarg': writeMemArg(w, i.memarg); break;
    case 'memarg_lane': writeMemArg(w, i.memarg); w.u8(i.lane); break;
    case 'i32': w.sleb(i.value); break;
    case 'i64': w.s64(i.value); break;
    case 'f32': w.fixed32(i.bits); break;
    case 'f64': w.fixed64(i.bits); break;
    case 'v128': w.bytes(i.bytes); break;
    case 'lane': w.u8(i.lane); break;
    case 'shuffle': w.bytes(i.lanes); break;
    case 'select':
      if (i.types) {
        w.u32(i.types.length);
        for (const t of i.types) writeValType(w, t);
      }
      break;
    case 'heaptype': writeHeapType(w, i.heap); break;
    case 'reftype': writeHeapType(w, i.ref.heap); break;
    case 'type': w.u32(i.type); break;
    case 'type_field': w.u32(i.type); w.u32(i.field); break;
    case 'type_len': w.u32(i.type); w.u32(i.length); break;
    case 'type_data': w.u32(i.type); w.u32(i.data); break;
    case 'type_elem': w.u32(i.type); w.u32(i.elem); break;
    case 'type_type': w.u32(i.type); w.u32(i.srcType); break;
    case 'tag': w.u32(i.tag); break;
    case 'try_table':
      writeBlockType(w, i.blockType);
      w.u32(i.catches.length);
      for (const c of i.catches) {
        w.u8(CATCH_CODE[c.kind]);
        if ('tag' in c) w.u32(c.tag);
        w.u32(c.label);
      }
      break;
    case 'br_on_cast':
      w.u8((i.from.nullable ? 1 : 0) | (i.to.nullable ? 2 : 0));
      w.u32(i.label);
      writeHeapType(w, i.from.heap);
      writeHeapType(w, i.to.heap);
      break;
    case 'data': w.u32(i.data); break;
    case 'elem': w.u32(i.elem); break;
    case 'memory_init': w.u32(i.data); w.u32(i.memory); break;
    case 'memory_copy': w.u32(i.memory); w.u32(i.srcMemory); break;
    case 'table_init': w.u32(i.elem); w.u32(i.table); break;
    case 'table_copy': w.u32(i.table); w.u32(i.srcTable); break;
    case 'fence': w.u8(0); break;
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
