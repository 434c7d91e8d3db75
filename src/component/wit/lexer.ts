// The WIT lexer (WIT.md "Lexical structure"). Tokens are produced on demand so the parser
// can re-read the source where the grammar is not token-shaped (semver versions).
import { ParseError } from '../../core/errors.ts';

/** Keywords of WIT.md, plus `_`, `error-context` and `from`, which wasm-tools reserves too. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'as', 'async', 'bool', 'borrow', 'char', 'constructor', 'enum', 'export', 'f32', 'f64', 'flags',
  'from', 'func', 'future', 'import', 'include', 'interface', 'list', 'map', 'option', 'own',
  'package', 'record', 'resource', 'result', 's16', 's32', 's64', 's8', 'static', 'stream',
  'string', 'tuple', 'type', 'u16', 'u32', 'u64', 'u8', 'use', 'variant', 'with', 'world',
  'error-context', '_',
]);

const OPERATORS = new Set(['=', ',', ':', ';', '(', ')', '{', '}', '<', '>', '*', '/', '.', '@', '+', '-', '->']);

/**
 * `kind` is the keyword or operator text itself, or one of `id`, `explicit-id` (`%name`),
 * `integer`, `string` and `eof`.
 */
export interface Token {
  readonly kind: string;
  readonly start: number;
  readonly end: number;
  /** `///` and `/** *\/` comments right before this token, raw. */
  readonly docs: readonly string[];
}

/** A position in a source: offsets become line:column only when an error is reported. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** One WIT source text with its name (used in error messages only). */
export class Source {
  readonly text: string;
  readonly name: string;
  #lineStarts: number[] | undefined;
  constructor(text: string, name: string) {
    this.text = text;
    this.name = name;
  }

  /** 1-based line and column (in UTF-16 units + 1) of an offset. */
  position(offset: number): { line: number; column: number } {
    if (!this.#lineStarts) {
      const starts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
      this.#lineStarts = starts;
    }
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }

  /** A ParseError at `offset`; its message names the file as well. */
  error(message: string, offset: number): ParseError {
    const { line, column } = this.position(offset);
    const error = new ParseError(message, line, column);
    // ParseError has no file field; the message carries it for people, `phrase` stays clean.
    error.message = `${message} (at ${this.name}:${line}:${column})`;
    return error;
  }
}

/** How a token is named in "expected X, found Y" messages, as wasm-tools names it. */
export function describe(token: Token): string {
  switch (token.kind) {
    case 'eof': return 'eof';
    case 'id': return 'an identifier';
    case 'explicit-id': return "an '%' identifier";
    case 'integer': return 'an integer';
    case 'string': return 'a string literal';
    case '->': case '*': case '@': case '/': case '+': case '-': return `\`${token.kind}\``;
    default: return KEYWORDS.has(token.kind) ? `keyword \`${token.kind}\`` : `'${token.kind}'`;
  }
}

const isDigit = (c: number) => c >= 48 && c <= 57;
// ASCII letters, digits, `_` and `-`, plus any non-ASCII letter: lexed as one identifier and
// checked afterwards (kebab-case), so the error names the bad character.
const isIdStart = (ch: string) => /[\p{XID_Start}_-]/u.test(ch);
const isIdContinue = (ch: string) => /[\p{XID_Continue}-]/u.test(ch);

// Codepoints WIT.md forbids: bidirectional overrides and control codes other than \t \n \r.
const FORBIDDEN = /[\u202a-\u202e\u2066-\u2069]/;

export class Lexer {
  readonly source: Source;
  pos = 0;
  constructor(source: Source) {
    this.source = source;
  }

  /** The next significant token, skipping whitespace and comments (doc comments are kept). */
  next(): Token {
    const text = this.source.text;
    const docs: string[] = [];
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        this.pos++;
        continue;
      }
      if (c === 47 && text.charCodeAt(this.pos + 1) === 47) {
        const start = this.pos;
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        this.pos = end;
        const comment = text.slice(start, end);
        if (comment.startsWith('///') && !comment.startsWith('////')) docs.push(comment);
        continue;
      }
      if (c === 47 && text.charCodeAt(this.pos + 1) === 42) {
        const start = this.pos;
        let depth = 1;
        let i = start + 2;
        while (depth > 0) {
          if (i >= text.length) throw this.source.error('unterminated block comment', start);
          if (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 42) { depth++; i += 2; }
          else if (text.charCodeAt(i) === 42 && text.charCodeAt(i + 1) === 47) { depth--; i += 2; }
          else i++;
        }
        this.pos = i;
        const comment = text.slice(start, i);
        if (comment.startsWith('/**') && comment !== '/**/' && !comment.startsWith('/***')) docs.push(comment);
        continue;
      }
      break;
    }
    const start = this.pos;
    if (start >= text.length) return { kind: 'eof', start, end: start, docs };
    const ch = String.fromCodePoint(text.codePointAt(start) ?? 0);
    const c = ch.charCodeAt(0);
    if (ch === '-' && text[start + 1] === '>') return this.#token('->', start, start + 2, docs);
    if (OPERATORS.has(ch)) return this.#token(ch, start, start + 1, docs);
    if (ch === '"') return this.#token('string', start, this.#string(start), docs);
    if (ch === '%') {
      let i = start + 1;
      if (i < text.length && isIdStart(text[i])) while (i < text.length && isIdContinue(text[i])) i++;
      return this.#token('explicit-id', start, i, docs);
    }
    if (isDigit(c)) {
      let i = start + 1;
      while (isDigit(text.charCodeAt(i))) i++;
      return this.#token('integer', start, i, docs);
    }
    if (isIdStart(ch)) {
      let i = start + ch.length;
      while (i < text.length) {
        const n = String.fromCodePoint(text.codePointAt(i) ?? 0);
        if (!isIdContinue(n)) break;
        i += n.length;
      }
      const word = text.slice(start, i);
      return this.#token(KEYWORDS.has(word) ? word : 'id', start, i, docs);
    }
    if (c < 32 || c === 127 || FORBIDDEN.test(ch)) {
      throw this.source.error(`Control code '\\u{${c.toString(16)}}'`, start);
    }
    throw this.source.error(`unexpected character '${ch}'`, start);
  }

  /** The token after the next one, without consuming anything. */
  peek(): Token {
    const save = this.pos;
    try {
      return this.next();
    } finally {
      this.pos = save;
    }
  }

  #token(kind: string, start: number, end: number, docs: string[]): Token {
    this.pos = end;
    return { kind, start, end, docs };
  }

  #string(start: number): number {
    const text = this.source.text;
    let i = start + 1;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') return i + 1;
      if (ch === '\\') i += 2;
      else if (ch === '\n') break;
      else i++;
    }
    throw this.source.error('unterminated string literal', start);
  }

  /** The text of a token. */
  text(token: Span): string {
    return this.source.text.slice(token.start, token.end);
  }
}

/**
 * The name of an `id` or `explicit-id` token, checked as a kebab-case label: words of ASCII
 * letters and digits joined by single `-`, each word all lowercase or all uppercase, the
 * first starting with a letter.
 */
export function identifierName(lexer: Lexer, token: Token): string {
  const raw = lexer.text(token);
  const name = token.kind === 'explicit-id' ? raw.slice(1) : raw;
  const problem = kebabProblem(name);
  if (problem) throw lexer.source.error(problem, token.start);
  return name;
}

/** Why `name` is not a kebab-case label, in wasm-tools' words, or undefined if it is one. */
export function kebabProblem(name: string): string | undefined {
  if (name === '') return "identifiers must have characters between '-'s";
  const parts = name.split('-');
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (part === '') return "identifiers must have characters between '-'s";
    if (p === 0 && !/^[A-Za-z]/.test(part)) return `invalid character in identifier '${String.fromCodePoint(part.codePointAt(0) ?? 0)}'`;
    let upper: boolean | undefined;
    for (const ch of part) {
      if (ch >= '0' && ch <= '9') continue;
      const isUpper = ch >= 'A' && ch <= 'Z';
      const isLower = ch >= 'a' && ch <= 'z';
      if (!isUpper && !isLower) return `invalid character in identifier '${ch}'`;
      if (upper === undefined) upper = isUpper;
      else if (upper !== isUpper) return `invalid character in identifier '${ch}'`;
    }
  }
  return undefined;
}
