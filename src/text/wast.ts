// Scripts (.wast): the spec testsuite's format, a sequence of modules, actions and
// assertions (WebAssembly/spec interpreter/README.md, "Scripts"). Text modules are parsed
// only when asked (`parse()`), so a malformed or invalid module in an assertion never
// stops the script from being read; quoted modules keep their bytes for the runner.
import type { Module } from '../core/ast.ts';
import { ParseError } from '../core/errors.ts';
import { Cursor, T_EOF, T_KEYWORD, T_LPAREN, T_RESERVED, T_RPAREN } from './cursor.ts';
import { concat, lex, lineColumn } from './lexer.ts';
import { parseModuleFields } from './parse-module.ts';

export type LaneShape = 'i8x16' | 'i16x8' | 'i32x4' | 'i64x2' | 'f32x4' | 'f64x2';

/** An argument value. Floats are bits, so NaN payloads survive. */
export type Value =
  | { readonly type: 'i32'; readonly value: number }
  | { readonly type: 'i64'; readonly value: bigint }
  | { readonly type: 'f32'; readonly bits: number }
  | { readonly type: 'f64'; readonly bits: bigint }
  | { readonly type: 'v128'; readonly shape: LaneShape; readonly bytes: Uint8Array }
  /** `(ref.null ht)`: the heap type as written (`func`, `extern`, `any`, a type index, ...). */
  | { readonly type: 'ref.null'; readonly heap: string }
  /** `(ref.extern n)` / `(ref.host n)`: a host reference the runner makes for `n`. */
  | { readonly type: 'ref.extern' | 'ref.host'; readonly value: number };

export type NanPattern = 'nan:canonical' | 'nan:arithmetic';

/** One lane of a v128 result: an integer lane, float bits, or a NaN pattern. */
export type LanePattern = number | bigint | NanPattern;

/** What `assert_return` expects of one result. */
export type ResultPattern =
  | { readonly type: 'i32'; readonly value: number }
  | { readonly type: 'i64'; readonly value: bigint }
  | { readonly type: 'f32'; readonly bits: number }
  | { readonly type: 'f64'; readonly bits: bigint }
  | { readonly type: 'f32' | 'f64'; readonly nan: NanPattern }
  /**
   * Lanes: i8/i16/i32 lanes as numbers (signed), i64 lanes as bigints, f32 lanes as bits
   * (numbers), f64 lanes as bits (bigints), or a NaN pattern.
   */
  | { readonly type: 'v128'; readonly shape: LaneShape; readonly lanes: readonly LanePattern[] }
  /** `(ref.null)` any null; `(ref.null ht)` a null of that heap type. */
  | { readonly type: 'ref.null'; readonly heap?: string }
  /**
   * A non-null reference of a kind: `(ref.func)`, `(ref.extern n?)`, `(ref.host n)`,
   * `(ref.struct)`, `(ref.array)`, `(ref.i31)`, `(ref.eq)`, `(ref.any)`, `(ref.exn)`, `(ref)`...
   * `value` is the number of `(ref.extern n)` / `(ref.host n)` / `(ref.func n)` if given.
   */
  | { readonly type: 'ref'; readonly kind: string; readonly value?: number }
  | { readonly type: 'either'; readonly options: readonly ResultPattern[] };

interface Located {
  /** 1-based line and column of the command's `(`. */
  readonly line: number;
  readonly column: number;
}

interface ModuleBase extends Located {
  /** The script name (`$m`), without the `$`. */
  readonly id?: string;
  /** `(module definition ...)`: defined, not instantiated. */
  readonly definition: boolean;
}

export type ScriptModule =
  | (ModuleBase & {
    readonly kind: 'text';
    /** The module's source, `(module ...)` included. */
    readonly text: string;
    /** Parses the module (throws ParseError); the result is not cached. */
    parse(): Module;
  })
  | (ModuleBase & { readonly kind: 'binary'; readonly bytes: Uint8Array })
  /** `(module quote ...)`: text to parse (with parseWat, which takes bytes). */
  | (ModuleBase & { readonly kind: 'quote'; readonly source: Uint8Array });

export type Action =
  | (Located & { readonly kind: 'invoke'; readonly module?: string; readonly name: string; readonly args: readonly Value[] })
  | (Located & { readonly kind: 'get'; readonly module?: string; readonly name: string });

export type Command = Located & (
  | { readonly kind: 'module'; readonly module: ScriptModule }
  /** `(module instance $i? $m?)`: instantiate a module definition. */
  | { readonly kind: 'instance'; readonly id?: string; readonly module?: string }
  | { readonly kind: 'register'; readonly name: string; readonly module?: string }
  | { readonly kind: 'action'; readonly action: Action }
  | { readonly kind: 'assert_return'; readonly action: Action; readonly results: readonly ResultPattern[] }
  | { readonly kind: 'assert_trap'; readonly action: Action; readonly message: string }
  /** `assert_trap` with a module: instantiation must trap (the start function). */
  | { readonly kind: 'assert_uninstantiable'; readonly module: ScriptModule; readonly message: string }
  | { readonly kind: 'assert_exhaustion'; readonly action: Action; readonly message: string }
  | { readonly kind: 'assert_exception'; readonly action: Action }
  | {
    readonly kind: 'assert_invalid' | 'assert_malformed' | 'assert_unlinkable' | 'assert_invalid_custom' |
      'assert_malformed_custom';
    readonly module: ScriptModule;
    readonly message: string;
  }
);

export interface Script {
  readonly commands: readonly Command[];
}

const SHAPES: Readonly<Record<string, { lanes: number; bits: number; float: boolean }>> = {
  i8x16: { lanes: 16, bits: 8, float: false }, i16x8: { lanes: 8, bits: 16, float: false },
  i32x4: { lanes: 4, bits: 32, float: false }, i64x2: { lanes: 2, bits: 64, float: false },
  f32x4: { lanes: 4, bits: 32, float: true }, f64x2: { lanes: 2, bits: 64, float: true },
};

class ScriptParser {
  readonly c: Cursor;
  constructor(c: Cursor) {
    this.c = c;
  }

  located(i: number): Located {
    return lineColumn(this.c.text, this.c.start[i]);
  }

  string(): string {
    return this.c.name();
  }

  /** A script name `$m`, if next. */
  scriptId(): string | undefined {
    return this.c.id();
  }

  command(): Command {
    const c = this.c;
    const open = c.pos;
    const at = this.located(open);
    const kw = c.peekKeyword(open + 1);
    switch (kw) {
      case 'module': {
        if (c.isKw(open + 2, 'instance')) {
          c.pos = open + 3;
          const id = this.scriptId();
          const module = this.scriptId();
          c.rparen();
          return { kind: 'instance', ...at, id, module };
        }
        return { kind: 'module', ...at, module: this.module() };
      }
      case 'register': {
        c.pos = open + 2;
        const name = this.string();
        const module = this.scriptId();
        c.rparen();
        return { kind: 'register', ...at, name, module };
      }
      case 'invoke': case 'get':
        return { kind: 'action', ...at, action: this.action() };
      case 'assert_return': {
        c.pos = open + 2;
        const action = this.action();
        const results: ResultPattern[] = [];
        while (c.kind[c.pos] === T_LPAREN) results.push(this.result());
        c.rparen();
        return { kind: 'assert_return', ...at, action, results };
      }
      case 'assert_trap': {
        c.pos = open + 2;
        if (c.atParen('module')) {
          const module = this.module();
          const message = this.string();
          c.rparen();
          return { kind: 'assert_uninstantiable', ...at, module, message };
        }
        const action = this.action();
        const message = this.string();
        c.rparen();
        return { kind: 'assert_trap', ...at, action, message };
      }
      case 'assert_exhaustion': {
        c.pos = open + 2;
        const action = this.action();
        const message = this.string();
        c.rparen();
        return { kind: 'assert_exhaustion', ...at, action, message };
      }
      case 'assert_exception': {
        c.pos = open + 2;
        const action = this.action();
        c.rparen();
        return { kind: 'assert_exception', ...at, action };
      }
      case 'assert_uninstantiable': {
        c.pos = open + 2;
        const module = this.module();
        const message = this.string();
        c.rparen();
        return { kind: 'assert_uninstantiable', ...at, module, message };
      }
      case 'assert_invalid': case 'assert_malformed': case 'assert_unlinkable':
      case 'assert_invalid_custom': case 'assert_malformed_custom': {
        c.pos = open + 2;
        const module = this.module();
        const message = this.string();
        c.rparen();
        return { kind: kw, ...at, module, message };
      }
      default:
        return c.unexpected(open + 1);
    }
  }

  /** `(module definition? $id? ...)` at `(`. */
  module(): ScriptModule {
    const c = this.c;
    const open = c.pos;
    const at = this.located(open);
    c.lparen();
    c.keyword('module');
    const definition = c.eatKw('definition');
    const id = this.scriptId();
    const close = c.tokens.match[open];
    if (close < 0) c.fail(c.tokens.count, 'unexpected end of input');
    if (c.eatKw('binary') || c.isKw(c.pos, 'quote')) {
      const quote = c.isKw(c.pos - 1, 'binary') ? false : (c.pos++, true);
      const parts: Uint8Array[] = [];
      while (c.atString()) parts.push(c.bytes());
      c.rparen();
      const bytes = concat(parts);
      // A quoted module is text; its pieces are separated as if by white space.
      if (quote) return { kind: 'quote', ...at, id, definition, source: joinQuoted(parts) };
      return { kind: 'binary', ...at, id, definition, bytes };
    }
    const first = c.pos;
    const name = c.nameAnnotation(first) ?? c.nameAnnotation(open + 2);
    const tokens = c.tokens;
    c.pos = close + 1;
    const text = c.text.slice(c.start[open], c.end[close]);
    return {
      kind: 'text', ...at, id, definition, text,
      parse: () => parseModuleFields(new Cursor(tokens, first), first, close, id, name),
    };
  }

  action(): Action {
    const c = this.c;
    const open = c.pos;
    const at = this.located(open);
    c.lparen();
    if (c.eatKw('invoke')) {
      const module = this.scriptId();
      const name = this.string();
      const args: Value[] = [];
      while (c.kind[c.pos] === T_LPAREN) args.push(this.value());
      c.rparen();
      return { kind: 'invoke', ...at, module, name, args };
    }
    if (c.eatKw('get')) {
      const module = this.scriptId();
      const name = this.string();
      c.rparen();
      return { kind: 'get', ...at, module, name };
    }
    return c.unexpected();
  }

  /** The heap type of `ref.null` as written. */
  heapText(): string {
    const c = this.c;
    const i = c.pos++;
    if (c.kind[i] === T_RPAREN || c.kind[i] === T_EOF) c.unexpected(i);
    return c.textOf(i);
  }

  value(): Value {
    const c = this.c;
    c.lparen();
    const kw = c.peekKeyword();
    c.pos++;
    let v: Value;
    switch (kw) {
      case 'i32.const': v = { type: 'i32', value: c.intN(32) }; break;
      case 'i64.const': v = { type: 'i64', value: c.i64() }; break;
      case 'f32.const': v = { type: 'f32', bits: c.f32() }; break;
      case 'f64.const': v = { type: 'f64', bits: c.f64() }; break;
      case 'v128.const': {
        const { shape, lanes } = this.lanes(false);
        v = { type: 'v128', shape, bytes: laneBytes(shape, lanes) };
        break;
      }
      case 'ref.null': v = { type: 'ref.null', heap: this.heapText() }; break;
      case 'ref.extern': case 'ref.host': v = { type: kw, value: c.u32() }; break;
      default: return c.unexpected(c.pos - 1);
    }
    c.rparen();
    return v;
  }

  isNanPattern(): NanPattern | undefined {
    const c = this.c;
    if (c.isKw(c.pos, 'nan:canonical')) { c.pos++; return 'nan:canonical'; }
    if (c.isKw(c.pos, 'nan:arithmetic')) { c.pos++; return 'nan:arithmetic'; }
    return undefined;
  }

  /** `shape lane*` of a v128 constant or pattern. */
  lanes(patterns: boolean): { shape: LaneShape; lanes: LanePattern[] } {
    const c = this.c;
    const at = c.pos;
    const shapeName = c.peekKeyword() ?? '';
    const shape = SHAPES[shapeName];
    if (!shape) c.unexpected();
    c.pos++;
    const lanes: LanePattern[] = [];
    for (let k = 0; k < shape.lanes; k++) {
      if (c.kind[c.pos] !== T_RESERVED && c.kind[c.pos] !== T_KEYWORD) c.fail(at, 'wrong number of lane literals');
      const nan = patterns && shape.float ? this.isNanPattern() : undefined;
      if (nan) lanes.push(nan);
      else if (shape.float) lanes.push(shape.bits === 32 ? c.f32() : c.f64());
      else if (shape.bits === 64) lanes.push(c.i64());
      else lanes.push(c.intN(shape.bits));
    }
    return { shape: shapeName as LaneShape, lanes };
  }

  result(): ResultPattern {
    const c = this.c;
    c.lparen();
    const kw = c.peekKeyword();
    if (kw === undefined) return c.unexpected();
    c.pos++;
    let r: ResultPattern;
    switch (kw) {
      case 'i32.const': r = { type: 'i32', value: c.intN(32) }; break;
      case 'i64.const': r = { type: 'i64', value: c.i64() }; break;
      case 'f32.const': case 'f64.const': {
        const type = kw === 'f32.const' ? 'f32' : 'f64';
        const nan = this.isNanPattern();
        if (nan) r = { type, nan };
        else r = type === 'f32' ? { type, bits: c.f32() } : { type, bits: c.f64() };
        break;
      }
      case 'v128.const': {
        const { shape, lanes } = this.lanes(true);
        r = { type: 'v128', shape, lanes };
        break;
      }
      case 'ref.null':
        r = c.kind[c.pos] === T_RPAREN ? { type: 'ref.null' } : { type: 'ref.null', heap: this.heapText() };
        break;
      case 'either': {
        const options: ResultPattern[] = [];
        while (c.kind[c.pos] === T_LPAREN) options.push(this.result());
        r = { type: 'either', options };
        break;
      }
      default: {
        if (kw !== 'ref' && !kw.startsWith('ref.')) return c.unexpected(c.pos - 1);
        const kind = kw === 'ref' ? 'any' : kw.slice(4);
        r = c.atNat() ? { type: 'ref', kind, value: c.u32() } : { type: 'ref', kind };
      }
    }
    c.rparen();
    return r;
  }
}

/** The bytes of a quoted module: its strings, separated by spaces. */
function joinQuoted(parts: readonly Uint8Array[]): Uint8Array {
  const spaced: Uint8Array[] = [];
  for (const p of parts) {
    spaced.push(p);
    spaced.push(SPACE);
  }
  return concat(spaced);
}
const SPACE = Uint8Array.of(0x20);

/** A v128 constant's lanes as 16 little-endian bytes. */
function laneBytes(shape: LaneShape, lanes: readonly LanePattern[]): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  lanes.forEach((lane, k) => {
    switch (shape) {
      case 'i8x16': view.setInt8(k, lane as number); break;
      case 'i16x8': view.setInt16(k * 2, lane as number, true); break;
      case 'i32x4': view.setInt32(k * 4, lane as number, true); break;
      case 'f32x4': view.setUint32(k * 4, lane as number, true); break;
      case 'i64x2': view.setBigInt64(k * 8, lane as bigint, true); break;
      case 'f64x2': view.setBigUint64(k * 8, lane as bigint, true); break;
    }
  });
  return bytes;
}

/**
 * Parses a script. Throws ParseError if the script itself is malformed; modules inside it
 * are checked when parsed (`ScriptModule.parse`, or parseWat for quoted ones).
 */
export function parseWast(text: string): Script {
  const c = new Cursor(lex(text));
  const p = new ScriptParser(c);
  const commands: Command[] = [];
  // A script may also be a bare module's fields (a plain .wat file).
  if (c.kind[0] === T_LPAREN && !isCommandStart(c)) {
    const at = p.located(0);
    const first = 0;
    const last = c.tokens.count;
    const tokens = c.tokens;
    commands.push({
      kind: 'module', ...at, module: {
        kind: 'text', ...at, definition: false, text,
        parse: () => parseModuleFields(new Cursor(tokens, first), first, last, undefined),
      },
    });
    return { commands };
  }
  while (c.kind[c.pos] !== T_EOF) {
    if (c.kind[c.pos] !== T_LPAREN) c.unexpected();
    commands.push(p.command());
  }
  return { commands };
}

const COMMANDS = new Set([
  'module', 'register', 'invoke', 'get', 'assert_return', 'assert_trap', 'assert_exhaustion',
  'assert_exception', 'assert_invalid', 'assert_malformed', 'assert_unlinkable',
  'assert_uninstantiable', 'assert_invalid_custom', 'assert_malformed_custom',
]);

function isCommandStart(c: Cursor): boolean {
  const kw = c.peekKeyword(1);
  return kw !== undefined && COMMANDS.has(kw);
}

export { ParseError };
