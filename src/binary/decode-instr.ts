// Decoding instructions (https://webassembly.github.io/spec/core/binary/instructions.html).
// The opcode table drives it: one dense lookup per prefix, one switch over immediate kinds.
import type { Catch, Expr, Instr, Locals, MemArg } from '../core/ast.ts';
import { type OpDef, type OpcodeTables } from '../core/opcodes.ts';
import type { ValType } from '../core/types.ts';
import { readBlockType, readHeapType, readValType } from './decode-types.ts';
import type { Reader } from './reader.ts';

/** Bit 6 of a memarg's flags says a memory index follows (multi-memory). */
const MEMARG_HAS_MEMORY = 0x40;
const MAX_LOCALS = 0xffff_ffff;

// Instructions without immediates are shared, frozen objects: decoding a body allocates only
// for instructions that carry data. Replace them rather than mutating them.
const BARE = new Map<OpDef, Instr>();
function bare(def: OpDef): Instr {
  let instr = BARE.get(def);
  if (!instr) {
    instr = Object.freeze({ op: def.name }) as Instr;
    BARE.set(def, instr);
  }
  return instr;
}

const hex = (n: number) => n.toString(16).padStart(2, '0');

/** The code (without prefix) of the opcode readOpcode read last; avoids a result object. */
export let lastCode = 0;

/** Reads one opcode (with its prefix) and returns its row, or fails with "illegal opcode". */
export function readOpcode(r: Reader, tables: OpcodeTables): OpDef {
  const at = r.pos;
  const b = r.u8();
  const table = tables.prefixed.get(b);
  if (table) {
    const code = r.u32();
    const def = table[code];
    if (!def) return r.fail(`illegal opcode ${hex(b)} ${hex(code)}`, at);
    lastCode = code;
    return def;
  }
  const def = tables.single[b];
  if (!def) return r.fail(`illegal opcode ${hex(b)}`, at);
  lastCode = b;
  return def;
}

export function readMemArg(r: Reader): MemArg {
  const at = r.pos;
  let align = r.u32();
  let memory = 0;
  if (align >= 0x80) r.fail('malformed memop flags', at);
  if (align & MEMARG_HAS_MEMORY) {
    align &= ~MEMARG_HAS_MEMORY;
    memory = r.u32();
  }
  return { align, offset: r.u64(), memory };
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
function readInstr(r: Reader, def: OpDef, code: number): Instr {
  const op = def.name;
  let instr: object;
  switch (def.imm) {
    case 'none': return bare(def);
    case 'blocktype': instr = { op, blockType: readBlockType(r) }; break;
    case 'label': instr = { op, label: r.u32() }; break;
    case 'br_table': {
      const labels = readIndices(r);
      instr = { op, labels, default: r.u32() };
      break;
    }
    case 'func': instr = { op, func: r.u32() }; break;
    case 'call_indirect': {
      const type = r.u32();
      instr = { op, type, table: r.u32() };
      break;
    }
    case 'local': instr = { op, local: r.u32() }; break;
    case 'global': instr = { op, global: r.u32() }; break;
    case 'table': instr = { op, table: r.u32() }; break;
    case 'memory': instr = { op, memory: r.u32() }; break;
    case 'memarg': instr = { op, memarg: readMemArg(r) }; break;
    case 'memarg_lane': {
      const memarg = readMemArg(r);
      instr = { op, memarg, lane: r.u8() };
      break;
    }
    case 'i32': instr = { op, value: r.s32() }; break;
    case 'i64': instr = { op, value: r.s64() }; break;
    case 'f32': instr = { op, bits: r.fixed32() }; break;
    case 'f64': instr = { op, bits: r.fixed64() }; break;
    case 'v128': instr = { op, bytes: r.bytesView(16).slice() }; break;
    case 'lane': instr = { op, lane: r.u8() }; break;
    case 'shuffle': instr = { op, lanes: r.bytesView(16).slice() }; break;
    case 'select': {
      if (code === def.code) return bare(def);
      const n = r.count();
      const types: ValType[] = new Array(n);
      for (let i = 0; i < n; i++) types[i] = readValType(r);
      instr = { op, types };
      break;
    }
    case 'heaptype': instr = { op, heap: readHeapType(r) }; break;
    case 'reftype': instr = { op, ref: { nullable: code !== def.code, heap: readHeapType(r) } }; break;
    case 'type': instr = { op, type: r.u32() }; break;
    case 'type_field': {
      const type = r.u32();
      instr = { op, type, field: r.u32() };
      break;
    }
    case 'type_len': {
      const type = r.u32();
      instr = { op, type, length: r.u32() };
      break;
    }
    case 'type_data': {
      const type = r.u32();
      instr = { op, type, data: r.u32() };
      break;
    }
    case 'type_elem': {
      const type = r.u32();
      instr = { op, type, elem: r.u32() };
      break;
    }
    case 'type_type': {
      const type = r.u32();
      instr = { op, type, srcType: r.u32() };
      break;
    }
    case 'tag': instr = { op, tag: r.u32() }; break;
    case 'try_table': {
      const blockType = readBlockType(r);
      const n = r.count();
      const catches: Catch[] = new Array(n);
      for (let i = 0; i < n; i++) catches[i] = readCatch(r);
      instr = { op, blockType, catches };
      break;
    }
    case 'br_on_cast': {
      const at = r.pos;
      const flags = r.u8();
      if (flags > 3) r.fail('malformed cast flags', at);
      const label = r.u32();
      const from = { nullable: (flags & 1) !== 0, heap: readHeapType(r) };
      instr = { op, label, from, to: { nullable: (flags & 2) !== 0, heap: readHeapType(r) } };
      break;
    }
    case 'data': instr = { op, data: r.u32() }; break;
    case 'elem': instr = { op, elem: r.u32() }; break;
    case 'memory_init': {
      const data = r.u32();
      instr = { op, data, memory: r.u32() };
      break;
    }
    case 'memory_copy': {
      const memory = r.u32();
      instr = { op, memory, srcMemory: r.u32() };
      break;
    }
    case 'table_init': {
      const elem = r.u32();
      instr = { op, elem, table: r.u32() };
      break;
    }
    case 'table_copy': {
      const table = r.u32();
      instr = { op, table, srcTable: r.u32() };
      break;
    }
    case 'fence': {
      const at = r.pos;
      if (r.u8() !== 0) r.fail('zero byte expected', at);
      return bare(def);
    }
  }
  return instr as Instr;
}

/**
 * Reads instructions up to the `end` that closes the expression (consumed, not returned).
 * Nested blocks keep their own `end`s; legacy `delegate` closes a `try` instead of `end`.
 */
export function readExpr(r: Reader, hasDataCount = true): Expr {
  const tables = r.opcodes;
  const out: Instr[] = [];
  // The opening instruction of each enclosing block: `else` belongs in an `if`, `catch`,
  // `catch_all` and `delegate` in a `try`; anywhere else the binary grammar is broken.
  const open: string[] = [];
  for (;;) {
    const at = r.pos;
    const def = readOpcode(r, tables);
    const code = lastCode;
    switch (def.name) {
      case 'end':
        if (open.length === 0) return out;
        open.pop();
        break;
      case 'block': case 'loop': case 'if': case 'try': case 'try_table':
        open.push(def.name);
        break;
      case 'else':
        if (open.at(-1) !== 'if') r.fail('END opcode expected', at);
        open[open.length - 1] = 'else';
        break;
      case 'catch': case 'catch_all':
        if (open.at(-1) !== 'try') r.fail('END opcode expected', at);
        break;
      case 'delegate':
        if (open.at(-1) !== 'try') r.fail('END opcode expected', at);
        open.pop();
        break;
      case 'memory.init': case 'data.drop':
        if (!hasDataCount) r.fail('data count section required', at);
        break;
    }
    out.push(readInstr(r, def, code));
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
