// A scanner for WAST scripts (the spec interpreter's S-expression script format, see
// WebAssembly/spec interpreter/README.md, "Scripts") that extracts every binary module:
// `(module $id? binary "..."*)`, `(module definition $id? binary "..."*)`, at top level
// or as the module of an assertion. Text and quoted modules are counted, not parsed: the
// text parser covers them. This is test tooling, not the WAST parser of src/text.
//
// The tokeniser follows the text format's lexical rules
// (https://webassembly.github.io/spec/core/text/lexical.html): strings are byte strings
// (`\hh` is one byte, other characters stand for their UTF-8 bytes), `;;` comments run to
// the end of the line, `(; ;)` comments nest. It works on the source's bytes so strings
// need no re-encoding, and it rejects what the spec rejects (unclosed strings and
// comments, bad escapes, control characters in strings, malformed UTF-8) rather than
// guessing, so a tokeniser bug cannot silently swallow commands.

import { ParseError } from '../src/core/errors.ts';

export type WastBinaryKind =
  | 'module'
  | 'assert_malformed'
  | 'assert_invalid'
  | 'assert_unlinkable'
  | 'assert_trap'
  | 'assert_uninstantiable'
  // From the custom-section tests (test/custom): errors reported for a custom section.
  | 'assert_malformed_custom'
  | 'assert_invalid_custom';

/** One binary module form with the command around it. */
export interface WastBinaryModule {
  readonly file: string;
  /** 1-based line of the command: the assertion, or the module itself at top level. */
  readonly line: number;
  readonly kind: WastBinaryKind;
  /** The assertion's failure string; absent for `module`. */
  readonly expected?: string;
  /** The module's `$id`, when it has one. */
  readonly id?: string;
  /** `(module definition ...)`: defined, not instantiated. */
  readonly definition: boolean;
  /** The concatenation of the form's strings. */
  readonly bytes: Uint8Array<ArrayBuffer>;
}

/** A module form the scanner does not extract: text `(module ...)` or `(module quote ...)`. */
export interface WastSkippedModule {
  readonly file: string;
  readonly line: number;
  readonly kind: WastBinaryKind;
  readonly form: 'text' | 'quote';
}

export interface WastBinaryScan {
  readonly modules: WastBinaryModule[];
  readonly skipped: WastSkippedModule[];
}

const MODULE_ASSERTIONS: ReadonlySet<string> = new Set<WastBinaryKind>([
  'assert_malformed', 'assert_invalid', 'assert_unlinkable', 'assert_trap',
  'assert_uninstantiable', 'assert_malformed_custom', 'assert_invalid_custom',
]);

/** Extracts the binary modules of a WAST script; `source` is its bytes (UTF-8) or text. */
export function scanWastBinary(source: Uint8Array | string, file = '<input>'): WastBinaryScan {
  const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  const out: WastBinaryScan = { modules: [], skipped: [] };
  walkCommands(parseSExprs(bytes, file), out, file);
  return out;
}

// ---------------------------------------------------------------------------------------
// S-expressions

interface Atom {
  readonly type: 'atom';
  readonly text: string;
  readonly line: number;
  readonly column: number;
}
interface Str {
  readonly type: 'string';
  readonly bytes: Uint8Array;
  readonly line: number;
  readonly column: number;
}
interface List {
  readonly type: 'list';
  readonly items: SExpr[];
  readonly line: number;
  readonly column: number;
}
type SExpr = Atom | Str | List;

const LPAREN = 0x28;
const RPAREN = 0x29;
const SEMI = 0x3b;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === NEWLINE || c === 0x0d;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a whole script into its top-level S-expressions. */
function parseSExprs(src: Uint8Array, file: string): SExpr[] {
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (message: string, at: number, atLine: number, atLineStart: number): never => {
    throw new ParseError(`${message}: ${file}`, atLine, at - atLineStart + 1);
  };

  // The script must be UTF-8 (https://webassembly.github.io/spec/core/text/conventions.html).
  try {
    utf8.decode(src);
  } catch {
    fail('malformed UTF-8 encoding', 0, 1, 0);
  }

  /** Skips white space and comments. */
  const skipBlank = (): void => {
    while (pos < src.length) {
      const c = src[pos];
      if (c === NEWLINE) {
        pos++;
        line++;
        lineStart = pos;
      } else if (isSpace(c)) {
        pos++;
      } else if (c === SEMI && src[pos + 1] === SEMI) {
        while (pos < src.length && src[pos] !== NEWLINE) pos++;
      } else if (c === LPAREN && src[pos + 1] === SEMI) {
        skipBlockComment();
      } else {
        return;
      }
    }
  };

  const skipBlockComment = (): void => {
    const start = pos;
    const startLine = line;
    const startLineStart = lineStart;
    let depth = 0;
    while (pos < src.length) {
      const c = src[pos];
      if (c === LPAREN && src[pos + 1] === SEMI) {
        depth++;
        pos += 2;
      } else if (c === SEMI && src[pos + 1] === RPAREN) {
        depth--;
        pos += 2;
        if (depth === 0) return;
      } else {
        if (c === NEWLINE) {
          line++;
          lineStart = pos + 1;
        }
        pos++;
      }
    }
    fail('unclosed comment', start, startLine, startLineStart);
  };

  /** Reads a string literal at `pos` (on its opening quote) into bytes. */
  const readString = (): Uint8Array => {
    const start = pos;
    const out: number[] = [];
    pos++;
    for (;;) {
      if (pos >= src.length) fail('unclosed string literal', start, line, lineStart);
      const c = src[pos];
      if (c === QUOTE) {
        pos++;
        return Uint8Array.from(out);
      }
      if (c === NEWLINE) fail('unclosed string literal', start, line, lineStart);
      if (c < 0x20 || c === 0x7f) {
        fail('illegal control character in string literal', pos, line, lineStart);
      }
      if (c !== BACKSLASH) {
        out.push(c);
        pos++;
        continue;
      }
      const e = src[pos + 1];
      switch (e) {
        case 0x6e: out.push(0x0a); pos += 2; break; // \n
        case 0x72: out.push(0x0d); pos += 2; break; // \r
        case 0x74: out.push(0x09); pos += 2; break; // \t
        case BACKSLASH: case QUOTE: case 0x27: out.push(e); pos += 2; break; // \\ \" \'
        case 0x75: pos = readUnicodeEscape(out); break; // \u{...}
        default: {
          const hi = hexValue(e);
          const lo = hexValue(src[pos + 2]);
          if (hi < 0 || lo < 0) fail('illegal escape', pos, line, lineStart);
          out.push(hi * 16 + lo);
          pos += 3;
        }
      }
    }
  };

  /** `\u{hexnum}`: a Unicode scalar value, appended as UTF-8; returns the position after. */
  const readUnicodeEscape = (out: number[]): number => {
    const start = pos;
    let p = pos + 2;
    if (src[p] !== 0x7b) fail('illegal escape', start, line, lineStart);
    p++;
    let value = 0;
    let digits = 0;
    let underscoreOk = false;
    while (p < src.length && src[p] !== 0x7d) {
      const c = src[p];
      if (c === 0x5f && underscoreOk) {
        underscoreOk = false; // `_` only between digits
      } else {
        const d = hexValue(c);
        if (d < 0) fail('illegal escape', start, line, lineStart);
        value = value * 16 + d;
        if (value > 0x10ffff) fail('illegal escape', start, line, lineStart);
        digits++;
        underscoreOk = true;
      }
      p++;
    }
    if (p >= src.length || digits === 0 || !underscoreOk) fail('illegal escape', start, line, lineStart);
    if (value >= 0xd800 && value < 0xe000) fail('illegal escape', start, line, lineStart);
    for (const b of new TextEncoder().encode(String.fromCodePoint(value))) out.push(b);
    return p + 1;
  };

  /**
   * Reads an atom (keyword, number, `$id`, reserved token). A string glued to other token
   * characters belongs to the atom, as in `$"quoted id"`; its raw text is kept.
   */
  const readAtom = (): string => {
    const start = pos;
    while (pos < src.length) {
      const c = src[pos];
      if (isSpace(c) || c === LPAREN || c === RPAREN) break;
      if (c === SEMI && src[pos + 1] === SEMI) break;
      if (c === QUOTE) readString();
      else pos++;
    }
    return utf8.decode(src.subarray(start, pos));
  };

  const isTokenEnd = (p: number): boolean =>
    p >= src.length || isSpace(src[p]) || src[p] === LPAREN || src[p] === RPAREN ||
    (src[p] === SEMI && src[p + 1] === SEMI);

  const top: SExpr[] = [];
  const stack: { items: SExpr[]; line: number; column: number; lineStart: number; pos: number }[] = [];
  let items = top;
  for (;;) {
    skipBlank();
    if (pos >= src.length) break;
    const c = src[pos];
    const tokLine = line;
    const column = pos - lineStart + 1;
    if (c === LPAREN) {
      stack.push({ items, line: tokLine, column, lineStart, pos });
      items = [];
      pos++;
    } else if (c === RPAREN) {
      const open = stack.pop();
      if (open === undefined) fail('unexpected ")"', pos, line, lineStart);
      else {
        open.items.push({ type: 'list', items, line: open.line, column: open.column });
        items = open.items;
      }
      pos++;
    } else if (c === QUOTE) {
      const start = pos;
      const bytes = readString();
      if (isTokenEnd(pos)) {
        items.push({ type: 'string', bytes, line: tokLine, column });
      } else {
        pos = start; // a string glued to more token characters: one reserved token
        items.push({ type: 'atom', text: readAtom(), line: tokLine, column });
      }
    } else {
      items.push({ type: 'atom', text: readAtom(), line: tokLine, column });
    }
  }
  const open = stack.pop();
  if (open !== undefined) fail('unclosed "("', open.pos, open.line, open.lineStart);
  return top;
}

// ---------------------------------------------------------------------------------------
// Commands

function headOf(list: List): string | undefined {
  const head = list.items[0];
  return head?.type === 'atom' ? head.text : undefined;
}

function isAnnotation(e: SExpr): boolean {
  return e.type === 'list' && (headOf(e)?.startsWith('@') ?? false);
}

function walkCommands(commands: readonly SExpr[], out: WastBinaryScan, file: string): void {
  for (const cmd of commands) {
    if (cmd.type !== 'list') {
      throw new ParseError(`unexpected token outside a command: ${file}`, cmd.line, cmd.column);
    }
    const head = headOf(cmd);
    if (head === 'module') {
      moduleForm(cmd, cmd.line, 'module', undefined, out, file);
    } else if (head !== undefined && MODULE_ASSERTIONS.has(head)) {
      // `(assert_trap <action> <failure>)` has an action, not a module: nothing to extract.
      const [, mod, failure] = cmd.items;
      if (mod?.type === 'list' && headOf(mod) === 'module') {
        const expected = failure?.type === 'string' ? utf8.decode(failure.bytes) : undefined;
        moduleForm(mod, cmd.line, head as WastBinaryKind, expected, out, file);
      }
    } else if (head === 'script') {
      // `(script $name? cmd*)`: a named sub-script.
      walkCommands(cmd.items.slice(1).filter((e) => e.type === 'list'), out, file);
    } else if (head === 'thread') {
      // `(thread $name (shared (module $m))* cmd*)` (threads proposal): `shared` names
      // modules defined elsewhere; the rest are commands.
      walkCommands(
        cmd.items.slice(1).filter((e) => e.type === 'list' && headOf(e) !== 'shared'), out, file);
    }
    // Everything else (register, invoke, get, assert_return, assert_exhaustion, wait,
    // input, output, ...) holds no module.
  }
}

function moduleForm(
  mod: List, line: number, kind: WastBinaryKind, expected: string | undefined,
  out: WastBinaryScan, file: string,
): void {
  const items = mod.items;
  let i = 1;
  let definition = false;
  let id: string | undefined;
  const atomAt = (k: number): string | undefined => {
    const e = items[k];
    return e?.type === 'atom' ? e.text : undefined;
  };
  if (atomAt(i) === 'instance') return; // `(module instance $i $m)`: instantiates, defines nothing
  if (atomAt(i) === 'definition') {
    definition = true;
    i++;
  }
  if (atomAt(i)?.startsWith('$')) {
    id = atomAt(i);
    i++;
  }
  const form = atomAt(i);
  if (form === 'quote') {
    out.skipped.push({ file, line, kind, form: 'quote' });
    return;
  }
  if (form !== 'binary') {
    out.skipped.push({ file, line, kind, form: 'text' });
    return;
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const e of items.slice(i + 1)) {
    if (e.type === 'string') {
      parts.push(e.bytes);
      size += e.bytes.length;
    } else if (!isAnnotation(e)) {
      throw new ParseError(`unexpected token in binary module: ${file}`, e.line, e.column);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  out.modules.push({
    file, line, kind, definition, bytes,
    ...(expected === undefined ? {} : { expected }),
    ...(id === undefined ? {} : { id }),
  });
}
