// Byte offsets of a decoded function's instructions, for `printWat(m, { offsets: true })`.
// The decoder does not record them (that would slow every decode for a rare use). They are
// recomputed here by encoding the body again: when that encoding equals the original bytes
// (no padded LEB128s), each instruction's offset is where its encoding starts.
import type { Func } from '../core/ast.ts';
import { writeInstr, writeLocals } from '../binary/encode-instr.ts';
import { DecodedFunc } from '../binary/func-body.ts';
import { Reader } from '../binary/reader.ts';
import { Writer } from '../binary/writer.ts';

/** Offsets of `f.body[k]` in the decoded bytes, or undefined when they cannot be known. */
export function instrOffsets(f: Func): number[] | undefined {
  if (!(f instanceof DecodedFunc)) return undefined;
  const original = f.original;
  const header = new Reader(original);
  header.u32();
  const bodyStart = f.offset + header.pos;
  const expected = original.subarray(header.pos);
  const w = new Writer(expected.length + 16);
  writeLocals(w, f.locals);
  const body = f.body;
  const offsets: number[] = new Array(body.length);
  for (let k = 0; k < body.length; k++) {
    offsets[k] = bodyStart + w.length;
    writeInstr(w, body[k]);
  }
  w.u8(0x0b);
  const bytes = w.finish();
  if (bytes.length !== expected.length) return undefined;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== expected[i]) return undefined;
  return offsets;
}
