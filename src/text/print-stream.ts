// Flat printing straight from a body's bytes. A decoded function whose body nobody has read
// yet is printed while it is decoded, one instruction at a time into one reused object (the
// decoder's streaming interface, as the validator uses it): no instruction objects are
// built, so printing a freshly decoded module costs about what printing its AST does.
// Byte offsets come for free here. Malformed bytes throw the decoder's DecodeError.
import type { Locals } from '../core/ast.ts';
import {
  type DecodeEntry, type DecodeTables, decodeTables, immScratch, readImmediates, readLocals, readOpcode,
} from '../binary/decode-instr.ts';
import type { DecodedFunc } from '../binary/func-body.ts';
import { Reader } from '../binary/reader.ts';
import {
  type InstrContext, type LabelScope, OP_INFO, type OpInfo, ROLE_CATCH, ROLE_DELEGATE, ROLE_ELSE,
  ROLE_END, ROLE_OPENS, writeImm,
} from './print-instr.ts';
import type { Instr } from '../core/ast.ts';
import type { TextOut } from './print-out.ts';

/** The decode tables with each entry's OpInfo beside it, so the loop looks up nothing. */
interface Tables {
  readonly decode: DecodeTables;
  readonly single: readonly (Pair | undefined)[];
  readonly prefixed: readonly (readonly (Pair | undefined)[] | undefined)[];
}

interface Pair {
  readonly entry: DecodeEntry;
  readonly info: OpInfo;
}

const TABLES = new WeakMap<DecodeTables, Tables>();

function tablesFor(decode: DecodeTables): Tables {
  let t = TABLES.get(decode);
  if (!t) {
    const pair = (entry: DecodeEntry | undefined): Pair | undefined =>
      entry && { entry, info: OP_INFO.get(entry.def.name) as OpInfo };
    t = {
      decode,
      single: decode.single.map(pair),
      prefixed: decode.prefixed.map((table) => table?.map(pair)),
    };
    TABLES.set(decode, t);
  }
  return t;
}

/** The next opcode's entry and info; an unknown one fails as the decoder reports it. */
function readPair(r: Reader, t: Tables): Pair {
  const at = r.pos;
  const b = r.u8();
  const prefixed = t.prefixed[b];
  const p = prefixed ? prefixed[r.u32()] : t.single[b];
  if (p) return p;
  r.pos = at;
  readOpcode(r, t.decode); // throws "illegal opcode"
  throw new Error('unreachable: the decoder accepted an opcode the printer does not know');
}

/** A body positioned after its locals, ready to stream. */
export interface BodyStream {
  readonly locals: Locals[];
  readonly reader: Reader;
  readonly end: number;
}

/** Reads the size and locals of an unread body; its instructions follow. */
export function openBody(f: DecodedFunc): BodyStream {
  const end = f.offset + f.original.length;
  const r = new Reader(f.source, f.offset, f.source.length);
  r.u32();
  return { locals: readLocals(r), reader: r, end };
}

/** Prints the instructions of `body` at `depth`, as printFlatBody prints an AST. */
export function printStreamedBody(
  out: TextOut, body: BodyStream, ctx: InstrContext, labels: LabelScope, base: number, offsets: boolean,
): void {
  const r = body.reader;
  const tables = tablesFor(decodeTables(r.features));
  const scratch = immScratch();
  const instr = scratch as unknown as Instr;
  let depth = base;
  for (;;) {
    const at = r.pos;
    const { entry, info } = readPair(r, tables);
    readImmediates(r, entry, scratch, true);
    const offset = offsets ? at : undefined;
    let line = depth;
    switch (info.role) {
      case ROLE_END:
        if (depth === base) {
          if (r.pos !== body.end) r.fail('section size mismatch');
          return;
        }
        labels.pop();
        line = --depth;
        break;
      case ROLE_ELSE:
      case ROLE_CATCH:
        if (depth === base) r.fail('END opcode expected', at);
        line = depth - 1;
        break;
      case ROLE_DELEGATE:
        if (depth === base) r.fail('END opcode expected', at);
        // `delegate` closes its `try`; its label is resolved outside of it.
        labels.pop();
        line = --depth;
        break;
      case ROLE_OPENS:
        depth++;
        break;
    }
    out.start(line, offset);
    out.bytes(info.bytes);
    writeImm(out, instr, info, ctx, labels);
    out.end();
  }
}
