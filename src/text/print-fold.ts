// Function bodies in folded form (https://webassembly.github.io/spec/core/text/instructions.html#folded-instructions):
// `(i32.add (local.get 0) (i32.const 1))`. Folding is only regrouping: `(op a b)` is `a b op`,
// so any grouping reads back to the same instructions. Operands are folded into an
// instruction when its operand count is known (from the opcode table's signature, or from
// the types for calls, GC and control instructions) and the instructions just before it
// each leave exactly one value; everything else stays a statement of its own.
import type { AnyImmFields, Expr, Instr } from '../core/ast.ts';
import type { BlockType, FuncType, SubType } from '../core/types.ts';
import {
  type InstrContext, type LabelScope, type OpInfo, ROLE_CATCH, ROLE_DELEGATE, ROLE_ELSE, ROLE_END,
  ROLE_OPENS, immText, opInfo,
} from './print-instr.ts';
import type { TextOut } from './print-out.ts';

export interface FoldContext {
  /** Result count of the function. */
  readonly results: number;
  funcType(func: number): FuncType | undefined;
  typeAt(type: number): SubType | undefined;
  tagType(tag: number): FuncType | undefined;
}

interface Clause {
  /** `then`, `else`, `do`, `catch $e`, `catch_all`; null for a block's plain body. */
  readonly head: string | null;
  readonly body: Node[];
}

interface Node {
  readonly text: string;
  readonly children: Node[];
  /** Values it leaves on the stack; -1 when unknown (then it is never folded into another). */
  readonly results: number;
  readonly clauses?: Clause[];
  /** `(delegate l)` that closes a legacy `try`. */
  readonly tail?: string;
}

/** Operand and result counts of instructions the table gives no signature for. */
const FIXED: Readonly<Record<string, readonly [number, number]>> = {
  unreachable: [0, 0], nop: [0, 0], drop: [1, 0], select: [3, 1],
  'local.get': [0, 1], 'local.set': [1, 0], 'local.tee': [1, 1], 'global.get': [0, 1], 'global.set': [1, 0],
  'ref.null': [0, 1], 'ref.func': [0, 1], 'ref.is_null': [1, 1], 'ref.as_non_null': [1, 1], 'ref.eq': [2, 1],
  'ref.test': [1, 1], 'ref.cast': [1, 1], 'ref.i31': [1, 1], 'i31.get_s': [1, 1], 'i31.get_u': [1, 1],
  'any.convert_extern': [1, 1], 'extern.convert_any': [1, 1],
  'table.get': [1, 1], 'table.set': [2, 0], 'table.size': [0, 1], 'table.grow': [2, 1], 'table.fill': [3, 0],
  'table.copy': [3, 0], 'table.init': [3, 0], 'elem.drop': [0, 0], 'memory.init': [3, 0], 'memory.copy': [3, 0],
  'struct.new_default': [0, 1], 'struct.get': [1, 1], 'struct.get_s': [1, 1], 'struct.get_u': [1, 1],
  'struct.set': [2, 0], 'array.new': [2, 1], 'array.new_default': [1, 1], 'array.new_data': [2, 1],
  'array.new_elem': [2, 1], 'array.get': [2, 1], 'array.get_s': [2, 1], 'array.get_u': [2, 1],
  'array.set': [3, 0], 'array.len': [1, 1], 'array.fill': [4, 0], 'array.copy': [5, 0],
  'array.init_data': [4, 0], 'array.init_elem': [4, 0], throw_ref: [1, 0], rethrow: [0, 0],
};

const UNKNOWN: readonly [number, number] = [-1, -1];

function blockArity(bt: BlockType, fold: FoldContext): [number, number] {
  switch (bt.kind) {
    case 'empty': return [0, 0];
    case 'value': return [0, 1];
    case 'index': {
      const t = fold.typeAt(bt.type);
      return t?.comp.kind === 'func' ? [t.comp.params.length, t.comp.results.length] : [-1, -1];
    }
  }
}

class Folder {
  k = 0;
  readonly body: Expr;
  readonly ctx: InstrContext;
  readonly labels: LabelScope;
  readonly fold: FoldContext;
  /** Branch arity of each enclosing label, innermost last (the function's is first). */
  readonly arities: number[];

  constructor(body: Expr, ctx: InstrContext, labels: LabelScope, fold: FoldContext) {
    this.body = body;
    this.ctx = ctx;
    this.labels = labels;
    this.fold = fold;
    this.arities = [fold.results];
  }

  labelArity(depth: number): number {
    const a = this.arities;
    return depth < a.length ? a[a.length - 1 - depth] : -1;
  }

  arity(instr: Instr, info: OpInfo): readonly [number, number] {
    if (info.pops >= 0) return [info.pops, info.pushes];
    const fixed = FIXED[info.name];
    if (fixed) return fixed;
    const i = instr as AnyImmFields;
    const f = this.fold;
    switch (info.name) {
      case 'call': case 'return_call': {
        const t = f.funcType(i.func);
        if (!t) return UNKNOWN;
        return [t.params.length, info.name === 'call' ? t.results.length : 0];
      }
      case 'call_indirect': case 'return_call_indirect': case 'call_ref': case 'return_call_ref': {
        const s = f.typeAt(i.type);
        if (s?.comp.kind !== 'func') return UNKNOWN;
        return [s.comp.params.length + 1, info.name.startsWith('return') ? 0 : s.comp.results.length];
      }
      case 'return': return [f.results, 0];
      case 'br': {
        const a = this.labelArity(i.label);
        return a < 0 ? UNKNOWN : [a, 0];
      }
      case 'br_if': {
        const a = this.labelArity(i.label);
        return a < 0 ? UNKNOWN : [a + 1, a];
      }
      case 'br_table': {
        const a = this.labelArity(i.default);
        return a < 0 ? UNKNOWN : [a + 1, 0];
      }
      case 'throw': {
        const t = f.tagType(i.tag);
        return t ? [t.params.length, 0] : UNKNOWN;
      }
      case 'struct.new': {
        const s = f.typeAt(i.type);
        return s?.comp.kind === 'struct' ? [s.comp.fields.length, 1] : UNKNOWN;
      }
      case 'array.new_fixed': return [i.length, 1];
      default: return UNKNOWN;
    }
  }

  /** Instructions up to (not including) the next end, else, catch or delegate at this level. */
  seq(): Node[] {
    const stack: Node[] = [];
    const body = this.body;
    while (this.k < body.length) {
      const instr = body[this.k];
      const info = opInfo(instr);
      if (info.role !== 0 && info.role !== ROLE_OPENS) break;
      this.k++;
      let node: Node;
      let pops: number;
      if (info.role === ROLE_OPENS) {
        [pops, node] = this.block(instr, info);
      } else {
        const [p, r] = this.arity(instr, info);
        pops = p;
        node = { text: info.name + immText(instr, info, this.ctx, this.labels), children: [], results: r };
      }
      if (pops > 0 && pops <= stack.length) {
        let ok = true;
        for (let j = stack.length - pops; j < stack.length; j++) if (stack[j].results !== 1) ok = false;
        if (ok) node.children.push(...stack.splice(stack.length - pops, pops));
      }
      stack.push(node);
    }
    return stack;
  }

  /** A block instruction through its `end` (or `delegate`); returns its foldable operand count. */
  block(instr: Instr, info: OpInfo): [number, Node] {
    const i = instr as AnyImmFields;
    const [params, results] = blockArity(i.blockType, this.fold);
    const text = info.name + immText(instr, info, this.ctx, this.labels);
    const clauses: Clause[] = [];
    let tail: string | undefined;
    this.arities.push(info.name === 'loop' ? params : results);
    const name = info.name;
    if (name === 'if') {
      clauses.push({ head: 'then', body: this.seq() });
      if (this.peekRole() === ROLE_ELSE) {
        this.k++;
        clauses.push({ head: 'else', body: this.seq() });
      }
    } else if (name === 'try') {
      clauses.push({ head: 'do', body: this.seq() });
      while (this.peekRole() === ROLE_CATCH) {
        const c = this.body[this.k++];
        const ci = opInfo(c);
        clauses.push({ head: ci.name + immText(c, ci, this.ctx, this.labels), body: this.seq() });
      }
    } else clauses.push({ head: null, body: this.seq() });
    this.arities.pop();
    const role = this.peekRole();
    if (role === ROLE_END || role === ROLE_DELEGATE) {
      const closer = this.body[this.k++];
      this.labels.pop();
      if (role === ROLE_DELEGATE) {
        const ci = opInfo(closer);
        tail = `(${ci.name}${immText(closer, ci, this.ctx, this.labels)})`;
      }
    } else this.labels.pop();
    // Only `if` takes operands in folded form (its condition, after any block parameters).
    const pops = name === 'if' && params >= 0 ? params + 1 : 0;
    return [pops, { text, children: [], results: params < 0 ? -1 : results, clauses, tail }];
  }

  peekRole(): number {
    return this.k < this.body.length ? opInfo(this.body[this.k]).role : -1;
  }
}

const INLINE_WIDTH = 100;

/** The node on one line, or undefined when it holds a block or is too long. */
function inline(node: Node): string | undefined {
  if (node.clauses) return undefined;
  if (node.children.length === 0) return `(${node.text})`;
  let out = `(${node.text}`;
  for (const c of node.children) {
    const s = inline(c);
    if (s === undefined) return undefined;
    out += ` ${s}`;
    if (out.length > INLINE_WIDTH) return undefined;
  }
  return `${out})`;
}

function render(out: TextOut, node: Node, depth: number): void {
  const one = inline(node);
  if (one !== undefined) {
    out.line(depth, one);
    return;
  }
  out.line(depth, `(${node.text}`);
  for (const c of node.children) render(out, c, depth + 1);
  for (const clause of node.clauses ?? []) {
    if (clause.head === null) {
      for (const n of clause.body) render(out, n, depth + 1);
      continue;
    }
    if (clause.body.length === 0) {
      out.line(depth + 1, `(${clause.head})`);
      continue;
    }
    out.line(depth + 1, `(${clause.head}`);
    for (const n of clause.body) render(out, n, depth + 2);
    out.line(depth + 1, ')');
  }
  if (node.tail) out.line(depth + 1, node.tail);
  out.line(depth, ')');
}

/** Prints a function body folded, at `depth`. */
export function printFoldedBody(
  out: TextOut, body: Expr, ctx: InstrContext, labels: LabelScope, depth: number, fold: FoldContext,
): void {
  const folder = new Folder(body, ctx, labels, fold);
  for (;;) {
    for (const node of folder.seq()) render(out, node, depth);
    if (folder.k >= body.length) return;
    // A stray end/else/catch/delegate outside any block: print it flat, as it is.
    const instr = body[folder.k++];
    const info = opInfo(instr);
    out.line(depth, info.name + immText(instr, info, ctx, labels));
  }
}
