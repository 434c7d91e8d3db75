// Instructions in the text format (https://webassembly.github.io/spec/core/text/instructions.html):
// plain and folded forms, block types, labels, and each immediate kind of the opcode table.
// Instructions are built directly into the flat list the AST keeps (a folded instruction's
// operands first, then the instruction; a block's body, then its `end`). Instructions
// without immediates are the one shared frozen object per mnemonic, as the decoder makes.
import type { Catch, Instr, MemArg } from '../core/ast.ts';
import { OPCODES, type OpDef } from '../core/opcodes.ts';
import {
  IMM_BLOCKTYPE, IMM_BR_ON_CAST, IMM_BR_TABLE, IMM_CALL_INDIRECT, IMM_CODE, IMM_DATA, IMM_ELEM, IMM_F32,
  IMM_F64, IMM_FENCE, IMM_FUNC, IMM_GLOBAL, IMM_HEAPTYPE, IMM_I32, IMM_I64, IMM_LABEL, IMM_LANE, IMM_LOCAL,
  IMM_MEMARG, IMM_MEMARG_LANE, IMM_MEMORY, IMM_MEMORY_COPY, IMM_MEMORY_INIT, IMM_NONE, IMM_REFTYPE,
  IMM_SELECT, IMM_SHUFFLE, IMM_TABLE, IMM_TABLE_COPY, IMM_TABLE_INIT, IMM_TAG, IMM_TRY_TABLE, IMM_TYPE,
  IMM_TYPE_DATA, IMM_TYPE_ELEM, IMM_TYPE_FIELD, IMM_TYPE_LEN, IMM_TYPE_TYPE, IMM_V128,
} from '../core/opcodes/def.ts';
import type { BlockType, RefType, ValType } from '../core/types.ts';
import type { ModuleContext } from './context.ts';
import { type Cursor, T_ID, T_ID_STRING, T_KEYWORD, T_LPAREN, T_RESERVED } from './cursor.ts';
import { keywordHash } from './lexer.ts';
import { naturalAlignment } from './memarg.ts';
import { NumberError, parseU64 } from './numbers.ts';
import { heapType, params, refType, results, valType } from './parse-types.ts';

const PLAIN = 0;
const BLOCK = 1; // block, loop
const IF = 2;
const TRY = 3;
const TRY_TABLE = 4;
const END = 5;
const ELSE = 6;
const CATCH = 7;
const CATCH_ALL = 8;
const DELEGATE = 9;

const ROLES: Readonly<Record<string, number>> = {
  block: BLOCK, loop: BLOCK, if: IF, try: TRY, try_table: TRY_TABLE, end: END, else: ELSE,
  catch: CATCH, catch_all: CATCH_ALL, delegate: DELEGATE,
};

interface TextOp {
  readonly def: OpDef;
  /** Shared frozen instances for small immediates (see `shared`), made on first use. */
  cache: (Instr | undefined)[] | undefined;
  readonly role: number;
  /** log2 of the natural alignment of a memory instruction, else 0. */
  readonly align: number;
  /** The shared instance of an instruction without immediates. */
  readonly bare: Instr | undefined;
  /** IMM_CODE of the immediate kind: `immediates` switches on numbers, a jump table. */
  readonly imm: number;
}

const OPS = new Map<string, TextOp>();
for (const def of OPCODES) {
  const bare = def.imm === 'none' ? Object.freeze({ op: def.name }) as Instr : undefined;
  const memory = def.imm === 'memarg' || def.imm === 'memarg_lane';
  OPS.set(def.name, {
    def, role: ROLES[def.name] ?? PLAIN, bare, align: memory ? naturalAlignment(def.name) : 0, cache: undefined,
    imm: IMM_CODE[def.imm],
  });
}
const END_INSTR = (OPS.get('end') as TextOp).bare as Instr;
const ELSE_INSTR = (OPS.get('else') as TextOp).bare as Instr;
const UNTYPED_SELECT = Object.freeze({ op: 'select' }) as Instr;

/** The state of one function body (or constant expression) being parsed. */
export class Body {
  /** Local identifiers; undefined in constant expressions. */
  readonly locals: Map<string, number> | undefined;
  /** Open blocks: label identifier and role, innermost last. */
  readonly labels: (string | undefined)[] = [];
  readonly roles: number[] = [];
  /** Label names for the name section, by block ordinal in the body. */
  labelNames: Map<number, string> | undefined;
  private blocks = 0;

  constructor(locals?: Map<string, number>) {
    this.locals = locals;
  }

  /** Opens a block; `name` (from `@name`) overrides the label's identifier in the name section. */
  open(label: string | undefined, role: number, name?: string): void {
    const n = name ?? label;
    if (n !== undefined) (this.labelNames ??= new Map()).set(this.blocks, n);
    this.blocks++;
    this.labels.push(label);
    this.roles.push(role);
  }

  close(): void {
    this.labels.pop();
    this.roles.pop();
  }
}

/** A label at the cursor: a natural, or an identifier of an enclosing block. */
function labelIndex(ctx: ModuleContext, body: Body): number {
  const c: Cursor = ctx.c;
  const k = c.kind[c.pos];
  if (k === T_ID || k === T_ID_STRING) {
    const at = c.pos;
    const id = c.id() as string;
    const labels = body.labels;
    for (let i = labels.length - 1; i >= 0; i--) if (labels[i] === id) return labels.length - 1 - i;
    c.fail(at, `unknown label ${id}`);
  }
  if (!c.atNat()) c.unexpected();
  return c.u32();
}

function localIndex(ctx: ModuleContext, body: Body): number {
  const c: Cursor = ctx.c;
  const k = c.kind[c.pos];
  if (k === T_ID || k === T_ID_STRING) {
    const at = c.pos;
    const id = c.id() as string;
    const i = body.locals?.get(id);
    if (i === undefined) c.fail(at, `unknown local ${id}`);
    return i;
  }
  if (!c.atNat()) c.unexpected();
  return c.u32();
}

/**
 * A type use: `(type x)?` then `(param ...)*` `(result ...)*`. With both, they must agree
 * ("inline function type"); with only the inline part, the type is found or appended.
 * `ids` collects parameter identifiers for functions; elsewhere parameters have none.
 */
export function typeUse(ctx: ModuleContext, ids?: (string | undefined)[], notes?: Map<number, string>): number {
  const c: Cursor = ctx.c;
  let index = -1;
  const at = c.pos;
  if (c.eatParen('type')) {
    index = ctx.index('type');
    c.rparen();
  }
  const ps: ValType[] = [];
  const rs: ValType[] = [];
  params(ctx, ps, ids, notes);
  results(ctx, rs);
  if (c.atParen('param')) c.unexpected(c.pos + 1);
  if (index < 0) return ctx.typeFor(ps, rs);
  if (ps.length > 0 || rs.length > 0) {
    if (index >= ctx.defs.length) c.fail(at, `unknown type ${index}`);
    const ft = ctx.funcType(index);
    if (!ft || !sameTypes(ft.params, ps) || !sameTypes(ft.results, rs)) c.fail(at, 'inline function type');
  } else if (ids) {
    // Parameters of a named type have no identifiers, but they are locals all the same.
    const n = ctx.funcType(index)?.params.length ?? 0;
    for (let i = 0; i < n; i++) ids.push(undefined);
  }
  return index;
}

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'string' || typeof y === 'string') return false;
    if (x.nullable !== y.nullable || x.heap !== y.heap) return false;
  }
  return true;
}

const EMPTY_BLOCK: BlockType = Object.freeze({ kind: 'empty' });
const VALUE_BLOCKS = new Map<ValType, BlockType>();

/** A block type: empty, one result, or a type use (https://webassembly.github.io/spec/core/text/instructions.html#control-instructions). */
function blockType(ctx: ModuleContext): BlockType {
  const c: Cursor = ctx.c;
  if (c.kind[c.pos] !== T_LPAREN) return EMPTY_BLOCK;
  if (c.isKw(c.pos + 1, 'type')) return { kind: 'index', type: typeUse(ctx) };
  const ps: ValType[] = [];
  const rs: ValType[] = [];
  params(ctx, ps, undefined);
  results(ctx, rs);
  if (c.atParen('param')) c.unexpected(c.pos + 1);
  if (ps.length === 0 && rs.length === 0) return EMPTY_BLOCK;
  if (ps.length === 0 && rs.length === 1) {
    const t = rs[0];
    if (typeof t === 'string') {
      let b = VALUE_BLOCKS.get(t);
      if (!b) VALUE_BLOCKS.set(t, (b = Object.freeze({ kind: 'value', type: t })));
      return b;
    }
    return { kind: 'value', type: t };
  }
  return { kind: 'index', type: ctx.typeFor(ps, rs) };
}

/** Parses instructions until a `)` or the end of input (not consumed). */
export function instrList(ctx: ModuleContext, body: Body, out: Instr[]): void {
  const c: Cursor = ctx.c;
  for (;;) {
    const k = c.kind[c.pos];
    if (k === T_LPAREN) folded(ctx, body, out);
    else if (k === T_KEYWORD || k === T_RESERVED) plain(ctx, body, out);
    else return;
  }
}

/**
 * Mnemonics by the lexer's keyword hash, open addressing: finding an instruction compares
 * characters in place instead of slicing the token into a string.
 */
const OP_LIST = [...OPS.values()];
const HASH_BITS = 12;
const HASH_MASK = (1 << HASH_BITS) - 1;
const OP_TABLE = new Int32Array(1 << HASH_BITS);
/** The full hash of the mnemonic in each slot. */
const OP_HASH = new Int32Array(1 << HASH_BITS);
for (let k = 0; k < OP_LIST.length; k++) {
  const h = keywordHash(OP_LIST[k].def.name);
  let slot = h & HASH_MASK;
  while (OP_TABLE[slot] !== 0) slot = (slot + 1) & HASH_MASK;
  OP_TABLE[slot] = k + 1;
  OP_HASH[slot] = h;
}

function lookup(ctx: ModuleContext): TextOp {
  const c: Cursor = ctx.c;
  const i = c.pos;
  if (c.kind[i] !== T_KEYWORD) c.unexpected(i);
  const start = c.start[i];
  const len = c.end[i] - start;
  const text = c.text;
  const h = c.tokens.hash[i];
  for (let slot = h & HASH_MASK; ; slot = (slot + 1) & HASH_MASK) {
    const e = OP_TABLE[slot];
    if (e === 0) return c.unexpected(i);
    const op = OP_LIST[e - 1];
    const name = op.def.name;
    // The whole hash first: the chain's other entries fail it without reading characters.
    if (OP_HASH[slot] === h && name.length === len && text.startsWith(name, start)) {
      c.pos++;
      return op;
    }
  }
}

/** Checks an optional label after `end`/`else` against the open block's. */
function closingLabel(ctx: ModuleContext, body: Body): void {
  const c: Cursor = ctx.c;
  const at = c.pos;
  const id = c.id();
  if (id !== undefined && id !== body.labels[body.labels.length - 1]) c.fail(at, `mismatching label ${id}`);
}

function plain(ctx: ModuleContext, body: Body, out: Instr[]): void {
  const c: Cursor = ctx.c;
  const at = c.pos;
  const op = lookup(ctx);
  switch (op.role) {
    case PLAIN:
      out.push(op.bare ?? immediates(ctx, body, op));
      return;
    case BLOCK: case IF: case TRY: {
      const label = c.id();
      const note = c.nameAnnotation(c.pos);
      out.push({ op: op.def.name, blockType: blockType(ctx) } as Instr);
      body.open(label, op.role, note);
      return;
    }
    case TRY_TABLE: {
      const label = c.id();
      const note = c.nameAnnotation(c.pos);
      out.push(tryTable(ctx, body));
      body.open(label, op.role, note);
      return;
    }
    case END:
      if (body.labels.length === 0) c.fail(at, 'unexpected token');
      closingLabel(ctx, body);
      body.close();
      out.push(END_INSTR);
      return;
    case ELSE:
      if (body.roles[body.roles.length - 1] !== IF) c.fail(at, 'unexpected token');
      closingLabel(ctx, body);
      body.roles[body.roles.length - 1] = PLAIN;
      out.push(ELSE_INSTR);
      return;
    case CATCH:
      if (body.roles[body.roles.length - 1] !== TRY) c.fail(at, 'unexpected token');
      out.push({ op: 'catch', tag: ctx.index('tag') });
      return;
    case CATCH_ALL:
      if (body.roles[body.roles.length - 1] !== TRY) c.fail(at, 'unexpected token');
      out.push(op.bare as Instr);
      return;
    case DELEGATE:
      if (body.roles[body.roles.length - 1] !== TRY) c.fail(at, 'unexpected token');
      body.close();
      out.push({ op: 'delegate', label: labelIndex(ctx, body) });
      return;
  }
}

/** `try_table blocktype catch*`, after the label. Catch labels are outside the block. */
function tryTable(ctx: ModuleContext, body: Body): Instr {
  const c: Cursor = ctx.c;
  const bt = blockType(ctx);
  const catches: Catch[] = [];
  for (;;) {
    if (c.eatParen('catch')) {
      const tag = ctx.index('tag');
      catches.push({ kind: 'catch', tag, label: labelIndex(ctx, body) });
    } else if (c.eatParen('catch_ref')) {
      const tag = ctx.index('tag');
      catches.push({ kind: 'catch_ref', tag, label: labelIndex(ctx, body) });
    } else if (c.eatParen('catch_all')) {
      catches.push({ kind: 'catch_all', label: labelIndex(ctx, body) });
    } else if (c.eatParen('catch_all_ref')) {
      catches.push({ kind: 'catch_all_ref', label: labelIndex(ctx, body) });
    } else break;
    c.rparen();
  }
  return { op: 'try_table', blockType: bt, catches };
}

/** Instructions up to the `)` closing a folded block, which must leave no block open. */
function nested(ctx: ModuleContext, body: Body, out: Instr[]): void {
  const depth = body.labels.length;
  instrList(ctx, body, out);
  if (body.labels.length !== depth) ctx.c.unexpected();
  ctx.c.rparen();
}

/**
 * Folded instructions are read recursively; past this depth the parser stops with a
 * ParseError rather than exhausting the JavaScript stack (about 3000 levels). Flat
 * instructions (`block ... end`) nest without limit.
 */
export const MAX_FOLDED_DEPTH = 1000;

/** A folded instruction at `(`. */
export function folded(ctx: ModuleContext, body: Body, out: Instr[]): void {
  if (ctx.foldDepth >= MAX_FOLDED_DEPTH) {
    ctx.c.fail(ctx.c.pos, `folded instructions nested too deeply: more than ${MAX_FOLDED_DEPTH} levels (write them flat)`);
  }
  ctx.foldDepth++;
  try {
    foldedInstr(ctx, body, out);
  } finally {
    ctx.foldDepth--;
  }
}

function foldedInstr(ctx: ModuleContext, body: Body, out: Instr[]): void {
  const c: Cursor = ctx.c;
  c.pos++;
  const at = c.pos;
  const op = lookup(ctx);
  switch (op.role) {
    case PLAIN: {
      const instr = op.bare ?? immediates(ctx, body, op);
      while (c.kind[c.pos] === T_LPAREN) folded(ctx, body, out);
      c.rparen();
      out.push(instr);
      return;
    }
    case BLOCK: {
      const label = c.id();
      const note = c.nameAnnotation(c.pos);
      out.push({ op: op.def.name, blockType: blockType(ctx) } as Instr);
      body.open(label, op.role, note);
      nested(ctx, body, out);
      body.close();
      out.push(END_INSTR);
      return;
    }
    case IF: {
      const label = c.id();
      const note = c.nameAnnotation(c.pos);
      const instr = { op: 'if', blockType: blockType(ctx) } as Instr;
      while (c.kind[c.pos] === T_LPAREN && !c.isKw(c.pos + 1, 'then')) folded(ctx, body, out);
      out.push(instr);
      body.open(label, op.role, note);
      if (!c.eatParen('then')) c.unexpected();
      nested(ctx, body, out);
      if (c.eatParen('else')) {
        out.push(ELSE_INSTR);
        nested(ctx, body, out);
      }
      c.rparen();
      body.close();
      out.push(END_INSTR);
      return;
    }
    case TRY: {
      const label = c.id();
      const note = c.nameAnnotation(c.pos);
      out.push({ op: 'try', blockType: blockType(ctx) } as Instr);
      body.open(label, op.role, note);
      if (!c.eatParen('do')) c.unexpected();
      nested(ctx, body, out);
      if (c.eatParen('delegate')) {
        body.close();
        out.push({ op: 'delegate', label: labelIndex(ctx, body) });
        c.rparen();
        c.rparen();
        return;
      }
      while (c.eatParen('catch')) {
        out.push({ op: 'catch', tag: ctx.index('tag') });
        nested(ctx, body, out);
      }
      if (c.eatParen('catch_all')) {
        out.push((OPS.get('catch_all') as TextOp).bare as Instr);
        nested(ctx, body, out);
      }
      c.rparen();
      body.close();
      out.push(END_INSTR);
      return;
    }
    case TRY_TABLE: {
      const label = c.id();
      const note = c.nameAnnotation(c.pos);
      out.push(tryTable(ctx, body));
      body.open(label, op.role, note);
      nested(ctx, body, out);
      body.close();
      out.push(END_INSTR);
      return;
    }
    default:
      c.unexpected(at);
  }
}

/** `offset=` and `align=` (https://webassembly.github.io/spec/core/text/instructions.html#memory-instructions). */
function memArg(ctx: ModuleContext, entry: TextOp, memory: number): MemArg {
  const c: Cursor = ctx.c;
  let offset: number | bigint = 0;
  let align = -1;
  // Most memory instructions have neither: the first character rules them out cheaply.
  if (c.kind[c.pos] === T_KEYWORD && c.text.charCodeAt(c.start[c.pos]) === 0x6f && c.text.startsWith('offset=', c.start[c.pos])) {
    const i = c.pos++;
    try {
      offset = parseU64(c.text, c.start[i] + 7, c.end[i]);
    } catch (e) {
      c.numberError(i, e, 'i64 constant out of range');
    }
  }
  if (c.kind[c.pos] === T_KEYWORD && c.text.charCodeAt(c.start[c.pos]) === 0x61 && c.text.startsWith('align=', c.start[c.pos])) {
    const i = c.pos++;
    let n: number | bigint = 0;
    try {
      n = parseU64(c.text, c.start[i] + 6, c.end[i]);
    } catch (e) {
      if (!(e instanceof NumberError)) throw e;
      c.unexpected(i);
    }
    const big = BigInt(n);
    if (big === 0n || (big & (big - 1n)) !== 0n) c.fail(i, 'alignment must be a power of two');
    align = big.toString(2).length - 1;
  }
  if (align < 0) align = entry.align;
  return { align, offset, memory };
}

function isMemArgKeyword(ctx: ModuleContext, i: number): boolean {
  const c: Cursor = ctx.c;
  if (c.kind[i] !== T_KEYWORD) return false;
  const s = c.start[i];
  return c.text.startsWith('offset=', s) || c.text.startsWith('align=', s);
}

/** A lane index: a u8 ("i8 constant out of range" past 255). */
function lane(ctx: ModuleContext): number {
  const c: Cursor = ctx.c;
  const at = c.pos;
  const n = c.u32('i8 constant out of range');
  if (n > 255) c.fail(at, 'i8 constant out of range');
  return n;
}

const SHAPES: Readonly<Record<string, number>> = {
  i8x16: 16, i16x8: 8, i32x4: 4, i64x2: 2, f32x4: 4, f64x2: 2,
};

/** True if token `i` can only be a numeral (a lane literal). */
function atNumeral(ctx: ModuleContext, i: number): boolean {
  const c: Cursor = ctx.c;
  if (c.kind[i] === T_RESERVED) return true;
  if (c.kind[i] !== T_KEYWORD) return false;
  const s = c.start[i];
  return c.text.startsWith('inf', s) || c.text.startsWith('nan', s);
}

/** How many numeral tokens follow the cursor. */
function numerals(ctx: ModuleContext): number {
  let n = 0;
  while (atNumeral(ctx, ctx.c.pos + n)) n++;
  return n;
}

/** `v128.const shape lane+` as 16 little-endian bytes. */
export function v128Const(ctx: ModuleContext): Uint8Array {
  const c: Cursor = ctx.c;
  const at = c.pos;
  const shape = c.peekKeyword();
  const n = shape === undefined ? undefined : SHAPES[shape];
  if (n === undefined) c.unexpected();
  c.pos++;
  if (numerals(ctx) !== n) c.fail(at, 'wrong number of lane literals');
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < n; k++) {
    switch (shape) {
      case 'i8x16': bytes[k] = ctx.c.intN(8); break;
      case 'i16x8': view.setInt16(k * 2, c.intN(16), true); break;
      case 'i32x4': view.setInt32(k * 4, c.intN(32), true); break;
      case 'i64x2': view.setBigInt64(k * 8, c.i64(), true); break;
      case 'f32x4': view.setUint32(k * 4, c.f32(), true); break;
      case 'f64x2': view.setBigUint64(k * 8, c.f64(), true); break;
    }
  }
  return bytes;
}

/** Immediates from CACHE_MIN up to CACHE_MIN + CACHE_SIZE get shared instances. */
const CACHE_MIN = -16;
const CACHE_SIZE = 256;

/**
 * The instruction `entry` with one small integer immediate. Like instructions without
 * immediates, the commonest ones (`local.get 0`, `i32.const 1`, `br 0`, ...) are shared
 * frozen objects: most of a body, and no allocation each. Replace, never mutate, them.
 */
function shared(entry: TextOp, n: number, field: 'label' | 'local' | 'global' | 'value'): Instr {
  const k = n - CACHE_MIN;
  if (k < 0 || k >= CACHE_SIZE) return make(entry.def.name, field, n);
  const cache = (entry.cache ??= new Array<Instr | undefined>(CACHE_SIZE).fill(undefined));
  let instr = cache[k];
  if (instr === undefined) cache[k] = instr = Object.freeze(make(entry.def.name, field, n));
  return instr;
}

function make(op: string, field: 'label' | 'local' | 'global' | 'value', n: number): Instr {
  switch (field) {
    case 'label': return { op, label: n } as Instr;
    case 'local': return { op, local: n } as Instr;
    case 'global': return { op, global: n } as Instr;
    case 'value': return { op, value: n } as Instr;
  }
}

/** The instruction for `def` with its immediates, read after the mnemonic. */
function immediates(ctx: ModuleContext, body: Body, entry: TextOp): Instr {
  const c: Cursor = ctx.c;
  const def = entry.def;
  const op = def.name;
  let instr: object;
  switch (entry.imm) {
    case IMM_NONE: case IMM_BLOCKTYPE: case IMM_TRY_TABLE:
      throw new Error(`parser: ${op} is handled as a block or bare instruction`);
    case IMM_LABEL: return shared(entry, labelIndex(ctx, body), 'label');
    case IMM_BR_TABLE: {
      const labels: number[] = [];
      while (c.atIndex()) labels.push(labelIndex(ctx, body));
      if (labels.length === 0) c.unexpected();
      const dflt = labels.pop() as number;
      instr = { op, labels, default: dflt };
      break;
    }
    case IMM_FUNC: instr = { op, func: ctx.index('func') }; break;
    case IMM_CALL_INDIRECT: {
      const table = c.atIndex() ? ctx.index('table') : 0;
      instr = { op, type: typeUse(ctx), table };
      break;
    }
    case IMM_LOCAL: return shared(entry, localIndex(ctx, body), 'local');
    case IMM_GLOBAL: return shared(entry, ctx.index('global'), 'global');
    case IMM_TABLE: instr = { op, table: c.atIndex() ? ctx.index('table') : 0 }; break;
    case IMM_MEMORY: instr = { op, memory: c.atIndex() ? ctx.index('memory') : 0 }; break;
    case IMM_MEMARG: {
      const memory = c.atIndex() ? ctx.index('memory') : 0;
      instr = { op, memarg: memArg(ctx, entry, memory) };
      break;
    }
    case IMM_MEMARG_LANE: {
      // A memory index comes first only if a memarg or the lane follows it.
      const memory = c.atIndex() && (c.kind[c.pos] !== T_RESERVED || c.atNat(c.pos + 1) || isMemArgKeyword(ctx, c.pos + 1))
        ? ctx.index('memory') : 0;
      const memarg = memArg(ctx, entry, memory);
      instr = { op, memarg, lane: lane(ctx) };
      break;
    }
    case IMM_I32: return shared(entry, c.intN(32), 'value');
    case IMM_I64: instr = { op, value: c.i64() }; break;
    case IMM_F32: instr = { op, bits: c.f32() }; break;
    case IMM_F64: instr = { op, bits: c.f64() }; break;
    case IMM_V128: instr = { op, bytes: v128Const(ctx) }; break;
    case IMM_LANE: instr = { op, lane: lane(ctx) }; break;
    case IMM_SHUFFLE: {
      const lanes = new Uint8Array(16);
      const at = c.pos;
      if (numerals(ctx) !== 16) c.fail(at, 'invalid lane length');
      for (let k = 0; k < 16; k++) {
        const i = c.pos++;
        let n = 256;
        try {
          n = parseU64(c.text, c.start[i], c.end[i]) as number;
        } catch (e) {
          if (!(e instanceof NumberError)) throw e;
        }
        if (typeof n !== 'number' || n > 255) c.fail(i, 'i8 constant out of range');
        lanes[k] = n;
      }
      instr = { op, lanes };
      break;
    }
    case IMM_SELECT: {
      if (!c.atParen('result')) return UNTYPED_SELECT;
      const types: ValType[] = [];
      results(ctx, types);
      instr = { op, types };
      break;
    }
    case IMM_HEAPTYPE: instr = { op, heap: heapType(ctx) }; break;
    case IMM_REFTYPE: instr = { op, ref: refType(ctx) }; break;
    case IMM_TYPE: instr = { op, type: ctx.index('type') }; break;
    case IMM_TYPE_FIELD: {
      const type = ctx.index('type');
      instr = { op, type, field: fieldIndex(ctx, type) };
      break;
    }
    case IMM_TYPE_LEN: {
      const type = ctx.index('type');
      instr = { op, type, length: c.u32() };
      break;
    }
    case IMM_TYPE_DATA: {
      ctx.needsDataCount = true;
      const type = ctx.index('type');
      instr = { op, type, data: ctx.index('data') };
      break;
    }
    case IMM_TYPE_ELEM: {
      const type = ctx.index('type');
      instr = { op, type, elem: ctx.index('elem') };
      break;
    }
    case IMM_TYPE_TYPE: {
      const type = ctx.index('type');
      instr = { op, type, srcType: ctx.index('type') };
      break;
    }
    case IMM_TAG: instr = { op, tag: ctx.index('tag') }; break;
    case IMM_BR_ON_CAST: {
      const label = labelIndex(ctx, body);
      const from: RefType = refType(ctx);
      instr = { op, label, from, to: refType(ctx) };
      break;
    }
    case IMM_DATA:
      ctx.needsDataCount = true;
      instr = { op, data: ctx.index('data') };
      break;
    case IMM_ELEM: instr = { op, elem: ctx.index('elem') }; break;
    case IMM_MEMORY_INIT: {
      ctx.needsDataCount = true;
      const memory = c.atIndex(c.pos + 1) ? ctx.index('memory') : 0;
      instr = { op, data: ctx.index('data'), memory };
      break;
    }
    case IMM_MEMORY_COPY: {
      if (!c.atIndex()) instr = { op, memory: 0, srcMemory: 0 };
      else {
        const memory = ctx.index('memory');
        instr = { op, memory, srcMemory: ctx.index('memory') };
      }
      break;
    }
    case IMM_TABLE_INIT: {
      const table = c.atIndex(c.pos + 1) ? ctx.index('table') : 0;
      instr = { op, elem: ctx.index('elem'), table };
      break;
    }
    case IMM_TABLE_COPY: {
      if (!c.atIndex()) instr = { op, table: 0, srcTable: 0 };
      else {
        const table = ctx.index('table');
        instr = { op, table, srcTable: ctx.index('table') };
      }
      break;
    }
    case IMM_FENCE: instr = { op }; break;
    default: throw new Error(`parser: ${op} has an immediate kind it does not know`);
  }
  return instr as Instr;
}

/** A struct field of type `type`: a natural, or one of the type's field identifiers. */
function fieldIndex(ctx: ModuleContext, type: number): number {
  const c: Cursor = ctx.c;
  const k = c.kind[c.pos];
  if (k === T_ID || k === T_ID_STRING) {
    const at = c.pos;
    const id = c.id() as string;
    const i = ctx.fieldIds[type]?.get(id);
    if (i === undefined) c.fail(at, `unknown field ${id}`);
    return i;
  }
  return c.u32();
}

/** Parses a whole expression up to `)`: a function body or a constant expression. */
export function expr(ctx: ModuleContext, body: Body): Instr[] {
  const out: Instr[] = [];
  instrList(ctx, body, out);
  if (body.labels.length !== 0) ctx.c.unexpected();
  return out;
}

export { valType };
