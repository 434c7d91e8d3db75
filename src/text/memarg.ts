// The natural alignment of each memory instruction: the text format's default `align=`
// (https://webassembly.github.io/spec/core/text/instructions.html#memory-instructions) and
// what a printer leaves out. Derived from the mnemonics of the opcode table: the access
// width is the number after load/store/rmw (`i64.load8_s`, `i32.atomic.rmw16.add_u`,
// `v128.load32_zero`), 64 bits for the `NxM` extending loads, else the value type's width.
import { OPCODES } from '../core/opcodes.ts';

const TYPE_LOG2: Readonly<Record<string, number>> = { i32: 2, i64: 3, f32: 2, f64: 3, v128: 4 };
const SPECIAL: Readonly<Record<string, number>> = {
  'memory.atomic.notify': 2, 'memory.atomic.wait32': 2, 'memory.atomic.wait64': 3,
};

const NATURAL = new Map<string, number>();
for (const row of OPCODES) {
  if (row.imm !== 'memarg' && row.imm !== 'memarg_lane') continue;
  const special = SPECIAL[row.name];
  if (special !== undefined) { NATURAL.set(row.name, special); continue; }
  const m = /(?:load|store|rmw)(\d+)(x\d+)?/.exec(row.name);
  if (m) NATURAL.set(row.name, m[2] ? 3 : Math.log2(Number(m[1]) / 8));
  else NATURAL.set(row.name, TYPE_LOG2[row.name.slice(0, row.name.indexOf('.'))]);
}

/** log2 of the natural alignment of a memory instruction, in bytes. */
export function naturalAlignment(op: string): number {
  const a = NATURAL.get(op);
  if (a === undefined) throw new TypeError(`not a memory instruction: ${op}`);
  return a;
}
