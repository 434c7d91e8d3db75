// Function bodies and constant expressions in flat form: one instruction per line, blocks
// indented, `else`/`catch` at the level of their block, as `wasm-tools print` writes them.
import type { Expr } from '../core/ast.ts';
import {
  type InstrContext, LabelScope, ROLE_CATCH, ROLE_DELEGATE, ROLE_ELSE, ROLE_END, ROLE_OPENS,
  type OpInfo, immText, opInfo, writeImm,
} from './print-instr.ts';
import type { Instr } from '../core/ast.ts';
import type { TextOut } from './print-out.ts';

function writeLine(
  out: TextOut, depth: number, instr: Instr, info: OpInfo, ctx: InstrContext, labels: LabelScope, at: number | undefined,
): void {
  out.start(depth, at);
  out.bytes(info.bytes);
  writeImm(out, instr, info, ctx, labels);
  out.end();
}

/**
 * Prints a body's instructions at `depth` (the final `end` of a function is implicit).
 * `offsets[k]`, when given, is the byte offset of instruction k.
 */
export function printFlatBody(
  out: TextOut, body: Expr, ctx: InstrContext, labels: LabelScope, depth: number, offsets?: readonly number[],
): void {
  const base = depth;
  for (let k = 0; k < body.length; k++) {
    const instr = body[k];
    const info = opInfo(instr);
    const at = offsets?.[k];
    switch (info.role) {
      case ROLE_END:
        if (depth > base) {
          labels.pop();
          depth--;
        }
        out.line(depth, 'end', at);
        continue;
      case ROLE_ELSE:
        out.line(depth > base ? depth - 1 : depth, 'else', at);
        continue;
      case ROLE_CATCH:
        writeLine(out, depth > base ? depth - 1 : depth, instr, info, ctx, labels, at);
        continue;
      case ROLE_DELEGATE:
        // `delegate` closes its `try`, and its label is resolved outside of it.
        if (depth > base) {
          labels.pop();
          depth--;
        }
        writeLine(out, depth, instr, info, ctx, labels, at);
        continue;
      case ROLE_OPENS:
        writeLine(out, depth, instr, info, ctx, labels, at);
        depth++;
        continue;
      default:
        writeLine(out, depth, instr, info, ctx, labels, at);
    }
  }
}

/** A constant expression on one line, instructions separated by spaces. */
export function inlineExpr(expr: Expr, ctx: InstrContext): string {
  let out = '';
  const labels = new LabelScope(undefined);
  for (let k = 0; k < expr.length; k++) {
    const instr = expr[k];
    const info = opInfo(instr);
    out += (k === 0 ? '' : ' ') + info.name + immText(instr, info, ctx, labels);
  }
  return out;
}

/**
 * A constant expression where the text format wants one parenthesised expression (offsets,
 * element items): a single instruction folds to `(i32.const 0)`, anything else is wrapped in
 * `(keyword ...)`.
 */
export function wrappedExpr(expr: Expr, keyword: string, ctx: InstrContext): string {
  if (expr.length === 1) {
    const info = opInfo(expr[0]);
    if (info.role === 0) return `(${inlineExpr(expr, ctx)})`;
  }
  return expr.length === 0 ? `(${keyword})` : `(${keyword} ${inlineExpr(expr, ctx)})`;
}
