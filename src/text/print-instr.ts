// Instructions in the text format (https://webassembly.github.io/spec/core/text/instructions.html).
// Mnemonics and immediate kinds come from THE opcode table; this file only knows how each
// immediate kind is written. Shared by the flat printer (print-body.ts) and the folded one
// (print-fold.ts).
import type { AnyImmFields, Catch, Instr } from '../core/ast.ts';
import type { BlockType } from '../core/types.ts';
import { type ImmKind, OPCODES } from '../core/opcodes.ts';
import type { PrintNames, Space } from './print-names.ts';
import { defId } from './print-names.ts';
import { heapText, refText, typeIdx, valText, valTexts } from './print-types.ts';
import { type TextOut, ascii } from './print-out.ts';
import { f32Text, f64Text, u64Text } from './print-values.ts';

/** What the printer needs to know about one opcode, looked up once per instruction. */
export interface OpInfo {
  readonly name: string;
  /** The mnemonic's bytes, copied into the output as they are. */
  readonly bytes: Uint8Array;
  readonly imm: ImmKind;
  /** log2 of the natural alignment, for memarg instructions. */
  readonly align: number;
  /** What the instruction does to the block structure (ROLE_*). */
  readonly role: number;
  /** The stack signature's operand and result counts, when the table gives one. */
  readonly pops: number;
  readonly pushes: number;
}

/** log2 of an access's natural alignment, read off its mnemonic. */
function naturalAlign(name: string): number {
  let bits: number;
  const lanes = /load(\d+)x(\d+)/.exec(name);
  const sized = /(?:load|store|rmw|wait)(\d+)/.exec(name);
  if (lanes) bits = Number(lanes[1]) * Number(lanes[2]);
  else if (sized) bits = Number(sized[1]);
  else if (name === 'memory.atomic.notify') bits = 32;
  else bits = name.startsWith('v128') ? 128 : Number(name.slice(1, 3));
  return Math.log2(bits / 8);
}

function sigCounts(sig: string | null): [number, number] {
  if (sig === null) return [-1, -1];
  const [params, results] = sig.split('->');
  const count = (s: string) => s.trim() === '' ? 0 : s.trim().split(/\s+/).length;
  return [count(params), count(results)];
}

export const ROLE_PLAIN = 0;
export const ROLE_OPENS = 1;
export const ROLE_END = 2;
export const ROLE_ELSE = 3;
/** `catch` and `catch_all` of a legacy `try`. */
export const ROLE_CATCH = 4;
export const ROLE_DELEGATE = 5;

const ROLES: Readonly<Record<string, number>> = {
  block: ROLE_OPENS, loop: ROLE_OPENS, if: ROLE_OPENS, try: ROLE_OPENS, try_table: ROLE_OPENS,
  end: ROLE_END, else: ROLE_ELSE, catch: ROLE_CATCH, catch_all: ROLE_CATCH, delegate: ROLE_DELEGATE,
};

export const OP_INFO: ReadonlyMap<string, OpInfo> = new Map(OPCODES.map((def) => {
  const [pops, pushes] = sigCounts(def.sig);
  const memory = def.imm === 'memarg' || def.imm === 'memarg_lane';
  return [def.name, {
    name: def.name, bytes: ascii(def.name), imm: def.imm, align: memory ? naturalAlign(def.name) : 0,
    role: ROLES[def.name] ?? ROLE_PLAIN, pops, pushes,
  }];
}));

export function opInfo(instr: Instr): OpInfo {
  const info = OP_INFO.get(instr.op);
  if (!info) throw new TypeError(`unknown instruction: ${instr.op}`);
  return info;
}

/**
 * The labels in scope while printing a body. A branch prints its target's `$id` when it has
 * one that no inner label shadows; otherwise the relative depth.
 */
export class LabelScope {
  readonly #ids: (string | undefined)[] = [];
  readonly #space: Space | undefined;
  /** Label index of the next block instruction (the name section counts them in order). */
  #next = 0;

  constructor(space: Space | undefined) {
    this.#space = space;
  }

  /** Opens a block's label; returns its definition text (` $id`, maybe annotated) or ''. */
  push(): string {
    const index = this.#next++;
    if (!this.#space) {
      this.#ids.push(undefined);
      return '';
    }
    this.#ids.push(this.#space.ids.get(index));
    return defId(this.#space, index);
  }

  pop(): void {
    this.#ids.pop();
  }

  get depth(): number {
    return this.#ids.length;
  }

  /** True when no label has an id: references are plain depths. */
  get plain(): boolean {
    return this.#space === undefined;
  }

  ref(depth: number): string {
    if (!this.#space) return String(depth);
    const ids = this.#ids;
    const at = ids.length - 1 - depth;
    const id = at >= 0 ? ids[at] : undefined;
    if (id === undefined) return String(depth);
    for (let i = at + 1; i < ids.length; i++) if (ids[i] === id) return String(depth);
    return id;
  }
}

/** The module-wide context of a function body. */
export interface InstrContext {
  readonly names: PrintNames;
  /** The current function's local ids. */
  readonly locals: Space | undefined;
}

function idx(space: Space, index: number): string {
  return space.ids.get(index) ?? String(index);
}

export function blockTypeText(bt: BlockType, ctx: InstrContext): string {
  switch (bt.kind) {
    case 'empty': return '';
    case 'value': return ` (result ${valText(bt.type, ctx.names.types.ids)})`;
    case 'index': return ` (type ${typeIdx(bt.type, ctx.names.types.ids)})`;
  }
}

function memargText(i: AnyImmFields, info: OpInfo, ctx: InstrContext): string {
  const m = i.memarg;
  let out = m.memory === 0 ? '' : ` ${idx(ctx.names.memories, m.memory)}`;
  if (m.offset !== 0 && m.offset !== 0n) out += ` offset=${u64Text(m.offset)}`;
  if (m.align !== info.align) out += ` align=${m.align < 53 ? 2 ** m.align : (1n << BigInt(m.align)).toString()}`;
  return out;
}

function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

function catchText(c: Catch, ctx: InstrContext, labels: LabelScope): string {
  const label = labels.ref(c.label);
  return 'tag' in c ? ` (${c.kind} ${idx(ctx.names.tags, c.tag)} ${label})` : ` (${c.kind} ${label})`;
}

/**
 * The immediates of an instruction, with a leading space. Block instructions open their
 * label here (after their catch clauses, whose labels are resolved outside the block).
 */
export function immText(instr: Instr, info: OpInfo, ctx: InstrContext, labels: LabelScope): string {
  const i = instr as AnyImmFields;
  const names = ctx.names;
  switch (info.imm) {
    case 'none': return '';
    case 'blocktype': return labels.push() + blockTypeText(i.blockType, ctx);
    case 'label': return ` ${labels.ref(i.label)}`;
    case 'br_table': {
      let out = '';
      for (const l of i.labels) out += ` ${labels.ref(l)}`;
      return `${out} ${labels.ref(i.default)}`;
    }
    case 'func': return ` ${idx(names.funcs, i.func)}`;
    case 'call_indirect': {
      const table = i.table === 0 ? '' : ` ${idx(names.tables, i.table)}`;
      return `${table} (type ${typeIdx(i.type, names.types.ids)})`;
    }
    case 'local': {
      const id = ctx.locals?.ids.get(i.local);
      return id === undefined ? ` ${i.local}` : ` ${id}`;
    }
    case 'global': return ` ${idx(names.globals, i.global)}`;
    case 'table': return ` ${idx(names.tables, i.table)}`;
    case 'memory': return i.memory === 0 ? '' : ` ${idx(names.memories, i.memory)}`;
    case 'memarg': return memargText(i, info, ctx);
    case 'memarg_lane': return `${memargText(i, info, ctx)} ${i.lane}`;
    case 'i32': return ` ${i.value}`;
    case 'i64': return ` ${i.value}`;
    case 'f32': return ` ${f32Text(i.bits)}`;
    case 'f64': return ` ${f64Text(i.bits)}`;
    case 'v128': {
      const b = i.bytes;
      let out = ' i32x4';
      for (let k = 0; k < 16; k += 4) out += ` ${hex32(b[k] | (b[k + 1] << 8) | (b[k + 2] << 16) | (b[k + 3] << 24))}`;
      return out;
    }
    case 'lane': return ` ${i.lane}`;
    case 'shuffle': {
      let out = '';
      for (const l of i.lanes) out += ` ${l}`;
      return out;
    }
    case 'select': {
      if (i.types === undefined) return '';
      return i.types.length === 0 ? ' (result)' : ` (result ${valTexts(i.types, names.types.ids)})`;
    }
    case 'heaptype': return ` ${heapText(i.heap, names.types.ids)}`;
    case 'reftype': return ` ${refText(i.ref, names.types.ids)}`;
    case 'type': return ` ${typeIdx(i.type, names.types.ids)}`;
    case 'type_field': {
      const field = names.fields.get(i.type)?.ids.get(i.field);
      return ` ${typeIdx(i.type, names.types.ids)} ${field ?? i.field}`;
    }
    case 'type_len': return ` ${typeIdx(i.type, names.types.ids)} ${i.length}`;
    case 'type_data': return ` ${typeIdx(i.type, names.types.ids)} ${idx(names.datas, i.data)}`;
    case 'type_elem': return ` ${typeIdx(i.type, names.types.ids)} ${idx(names.elems, i.elem)}`;
    case 'type_type': return ` ${typeIdx(i.type, names.types.ids)} ${typeIdx(i.srcType, names.types.ids)}`;
    case 'tag': return ` ${idx(names.tags, i.tag)}`;
    case 'try_table': {
      let out = blockTypeText(i.blockType, ctx);
      for (const c of i.catches) out += catchText(c, ctx, labels);
      return labels.push() + out;
    }
    case 'br_on_cast': {
      const t = names.types.ids;
      return ` ${labels.ref(i.label)} ${refText(i.from, t)} ${refText(i.to, t)}`;
    }
    case 'data': return ` ${idx(names.datas, i.data)}`;
    case 'elem': return ` ${idx(names.elems, i.elem)}`;
    case 'memory_init': {
      const mem = i.memory === 0 ? '' : ` ${idx(names.memories, i.memory)}`;
      return `${mem} ${idx(names.datas, i.data)}`;
    }
    case 'memory_copy':
      return i.memory === 0 && i.srcMemory === 0 ? ''
        : ` ${idx(names.memories, i.memory)} ${idx(names.memories, i.srcMemory)}`;
    case 'table_init': {
      const table = i.table === 0 ? '' : ` ${idx(names.tables, i.table)}`;
      return `${table} ${idx(names.elems, i.elem)}`;
    }
    case 'table_copy':
      return i.table === 0 && i.srcTable === 0 ? ''
        : ` ${idx(names.tables, i.table)} ${idx(names.tables, i.srcTable)}`;
    case 'fence': return '';
  }
}

const SPACE = 0x20;

function writeIdx(out: TextOut, space: Space, index: number): void {
  const id = space.ids.size === 0 ? undefined : space.ids.get(index);
  if (id === undefined) out.spaceUint(index);
  else {
    out.byte(SPACE);
    out.str(id);
  }
}

/**
 * Writes an instruction's immediates (as immText would return them) straight into the
 * output: the common kinds without making a string, the rest through immText.
 */
export function writeImm(out: TextOut, instr: Instr, info: OpInfo, ctx: InstrContext, labels: LabelScope): void {
  const i = instr as AnyImmFields;
  switch (info.imm) {
    case 'none': return;
    case 'local': {
      const id = ctx.locals?.ids.get(i.local);
      if (id === undefined) out.spaceUint(i.local);
      else {
        out.byte(SPACE);
        out.str(id);
      }
      return;
    }
    case 'i32': out.spaceInt(i.value); return;
    case 'global': writeIdx(out, ctx.names.globals, i.global); return;
    case 'func': writeIdx(out, ctx.names.funcs, i.func); return;
    case 'label':
      if (labels.plain) out.spaceUint(i.label);
      else out.str(` ${labels.ref(i.label)}`);
      return;
    case 'memarg': {
      const m = i.memarg;
      if (m.memory === 0 && m.offset === 0 && m.align === info.align) return;
      if (m.memory === 0 && typeof m.offset === 'number' && m.align === info.align) {
        out.str(' offset=');
        out.uint(m.offset);
        return;
      }
      out.str(memargText(i, info, ctx));
      return;
    }
    case 'blocktype':
      if (labels.plain && i.blockType.kind === 'empty') {
        labels.push();
        return;
      }
      out.str(immText(instr, info, ctx, labels));
      return;
    default: out.str(immText(instr, info, ctx, labels));
  }
}
