// The text format's lexer (https://webassembly.github.io/spec/core/text/lexical.html).
// A hand-rolled scanner over char codes: it fills typed arrays with each token's kind and
// source span, so the parser allocates nothing per token until it needs a token's value.
// Annotations are handled here, out of the parser's way: `(@name ...)` and `(@custom ...)`
// are recorded beside the token stream (keyed by the index of the token that follows them),
// and every other annotation is checked lexically and dropped
// (https://github.com/WebAssembly/annotations/blob/main/proposals/annotations/Overview.md).
import { ParseError } from '../core/errors.ts';
import { stringBytes, stringUtf8 } from './strings.ts';

export const T_EOF = 0;
export const T_LPAREN = 1;
export const T_RPAREN = 2;
/** Starts with a lowercase letter, all idchars: `func`, `i32.add`, `offset=4`, `nan:0x1`. */
export const T_KEYWORD = 3;
/** `$` then idchars; the name is the text after `$`. */
export const T_ID = 4;
/** `$"..."`: an identifier written as a string. */
export const T_ID_STRING = 5;
export const T_STRING = 6;
/** Any other run of idchars (numbers among them) or of idchars and strings. */
export const T_RESERVED = 7;

/** What an `@custom` annotation says, checked by the lexer. */
export interface CustomAnnotation {
  /** Index of the token that follows the annotation. */
  readonly at: number;
  readonly name: string;
  readonly data: Uint8Array;
  /** `before`/`after` a section kind (`first` and `last` allowed), or undefined. */
  readonly place?: { readonly where: 'before' | 'after'; readonly section: string };
  readonly line: number;
  readonly column: number;
}

export interface NameAnnotation {
  readonly name: string;
  readonly pos: number;
}

export interface Tokens {
  readonly text: string;
  readonly count: number;
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** For a `(` token, the index of its `)`; -1 if unclosed. */
  readonly match: Int32Array;
  /** For a keyword made of idchars only, a hash of its text (see `keywordHash`); else 0. */
  readonly hash: Int32Array;
  readonly customs: readonly CustomAnnotation[];
  /** `(@name "...")` annotations by the index of the token that follows them. */
  readonly names: ReadonlyMap<number, NameAnnotation>;
  /**
   * `(@datacount)` annotations, by the index of the token that follows them: the module has a
   * data count section though no instruction needs one (text has no other way to say so;
   * Tessera's printer writes it).
   */
  readonly dataCounts: readonly number[];
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: pos - lineStart + 1 };
}

export function errorAt(text: string, pos: number, message: string): ParseError {
  const { line, column } = lineColumn(text, pos);
  return new ParseError(message, line, column);
}

// idchar (spec 6.3.5): 0-9 A-Z a-z and ! # $ % & ' * + - . / : < = > ? @ \ ^ _ ` | ~
const IDCHAR = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) IDCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) IDCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) IDCHAR[c] = 1;
for (const ch of "!#$%&'*+-./:<=>?@\\^_`|~") IDCHAR[ch.charCodeAt(0)] = 1;
/** Characters that continue a reserved token besides idchars and strings (spec 3.0 `reserved`). */
const RESERVED_EXTRA = new Uint8Array(128);
for (const ch of ',;[]{}') RESERVED_EXTRA[ch.charCodeAt(0)] = 1;

const isIdChar = (c: number): boolean => c < 128 && IDCHAR[c] === 1;

/** A run of spaces (or none: then lastIndex is left where it was set). */
const INDENT = / */y;

class Lexer {
  readonly text: string;
  readonly len: number;
  pos = 0;
  count = 0;
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  match: Int32Array;
  hash: Int32Array;
  readonly customs: CustomAnnotation[] = [];
  readonly names = new Map<number, NameAnnotation>();
  readonly dataCounts: number[] = [];
  readonly open: number[] = [];

  constructor(text: string, reuse: boolean) {
    this.text = text;
    this.len = text.length;
    const cap = (text.length >> 4) + 16;
    const arrays = reuse ? spare : undefined;
    if (arrays && arrays.kind.length >= cap) {
      // Every slot below `count` is written before it is read (a `(`'s match included), so
      // arrays another text left behind need no clearing.
      spare = undefined;
      this.kind = arrays.kind;
      this.start = arrays.start;
      this.end = arrays.end;
      this.match = arrays.match;
      this.hash = arrays.hash;
      return;
    }
    this.kind = new Uint8Array(cap);
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
    this.match = new Int32Array(cap);
    this.hash = new Int32Array(cap);
  }

  fail(pos: number, message: string): never {
    throw errorAt(this.text, pos, message);
  }

  grow(): void {
    const cap = this.kind.length * 2;
    const kind = new Uint8Array(cap); kind.set(this.kind); this.kind = kind;
    const start = new Int32Array(cap); start.set(this.start); this.start = start;
    const end = new Int32Array(cap); end.set(this.end); this.end = end;
    const match = new Int32Array(cap); match.set(this.match); this.match = match;
    const hash = new Int32Array(cap); hash.set(this.hash); this.hash = hash;
  }

  push(kind: number, start: number, end: number): void {
    if (this.count === this.kind.length) this.grow();
    const i = this.count++;
    this.kind[i] = kind;
    this.start[i] = start;
    this.end[i] = end;
    if (kind === T_LPAREN) {
      this.match[i] = -1;
      this.open.push(i);
    } else if (kind === T_RPAREN) {
      const o = this.open.pop();
      if (o !== undefined) this.match[o] = i;
    }
  }

  /** Skips whitespace and comments. */
  skipSpace(): void {
    const text = this.text;
    const len = this.len;
    let p = this.pos;
    while (p < len) {
      const c = text.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) { p++; continue; }
      if (c === 0x3b && text.charCodeAt(p + 1) === 0x3b) { // ;; line comment
        const nl = text.indexOf('\n', p);
        p = nl === -1 ? len : nl + 1;
        continue;
      }
      if (c === 0x28 && text.charCodeAt(p + 1) === 0x3b) { // (; block comment ;), nested
        p = this.blockComment(p);
        continue;
      }
      break;
    }
    this.pos = p;
  }

  blockComment(from: number): number {
    const text = this.text;
    let depth = 1;
    let p = from + 2;
    while (depth > 0) {
      if (p >= this.len) this.fail(from, 'unclosed comment');
      const c = text.charCodeAt(p);
      if (c === 0x28 && text.charCodeAt(p + 1) === 0x3b) { depth++; p += 2; }
      else if (c === 0x3b && text.charCodeAt(p + 1) === 0x29) { depth--; p += 2; }
      else p++;
    }
    return p;
  }

  /** Scans a string starting at its `"`; returns the offset after the closing quote. */
  scanString(from: number): number {
    const text = this.text;
    let p = from + 1;
    for (;;) {
      if (p >= this.len) this.fail(from, 'unclosed string');
      const c = text.charCodeAt(p);
      if (c === 0x22) return p + 1;
      if (c === 0x5c) {
        const e = text.charCodeAt(p + 1);
        if (e === 0x75) { // \u{...}
          if (text.charCodeAt(p + 2) !== 0x7b) this.fail(p, 'illegal escape');
          let q = p + 3;
          let cp = 0;
          while (q < this.len && isHexDigit(text.charCodeAt(q))) {
            cp = Math.min(cp * 16 + parseInt(text[q], 16), 0x110000);
            q++;
          }
          if (q === p + 3 || text.charCodeAt(q) !== 0x7d) this.fail(p, 'illegal escape');
          if (cp >= 0x110000 || (cp >= 0xd800 && cp < 0xe000)) this.fail(p, 'malformed UTF-8 encoding');
          p = q + 1;
        } else if (isHexDigit(e)) {
          if (!isHexDigit(text.charCodeAt(p + 2))) this.fail(p, 'illegal escape');
          p += 3;
        } else if (e === 0x74 || e === 0x6e || e === 0x72 || e === 0x22 || e === 0x27 || e === 0x5c) p += 2;
        else if (p + 1 >= this.len) this.fail(from, 'unclosed string');
        else this.fail(p, 'illegal escape');
        continue;
      }
      if (c < 0x20 || c === 0x7f) {
        if (c === 0x0a) this.fail(from, 'unclosed string');
        this.fail(p, 'illegal character');
      }
      p++;
    }
  }

  /**
   * Scans one token run starting at `p` (an idchar or `"`): a maximal sequence of idchars,
   * strings and reserved punctuation. Returns its kind.
   */
  scanAtom(p: number): number {
    const text = this.text;
    const from = p;
    const first = text.charCodeAt(from);
    let strings = 0;
    let others = 0;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c < 128 && IDCHAR[c] === 1) { p++; others++; }
      else if (c === 0x22) {
        if (p === from + 1 && first === 0x24) { // $"...": a malformed string leaves an empty id
          try { p = this.scanString(p); } catch { this.fail(from, 'empty identifier'); }
        } else p = this.scanString(p);
        strings++;
      }
      else if (c < 128 && RESERVED_EXTRA[c] === 1 && !(c === 0x3b && text.charCodeAt(p + 1) === 0x3b)) { p++; others++; }
      else break;
    }
    this.pos = p;
    if (strings === 0) {
      if (first === 0x24) { // $
        if (p === from + 1) this.fail(from, 'empty identifier');
        return T_ID;
      }
      if (first >= 0x61 && first <= 0x7a) return T_KEYWORD;
      return T_RESERVED;
    }
    if (strings === 1 && others === 0) return T_STRING;
    if (strings === 1 && others === 1 && first === 0x24 && text.charCodeAt(from + 1) === 0x22) {
      const name = stringUtf8(text, from + 1, p);
      if (name === undefined) this.fail(from, 'malformed UTF-8 encoding');
      if (name === '') this.fail(from, 'empty identifier');
      return T_ID_STRING;
    }
    if (first === 0x24 && text.charCodeAt(from + 1) === 0x22) this.fail(from, 'unknown operator');
    return T_RESERVED;
  }

  /** Lexes everything; `depth` > 0 inside an annotation, which ends at its `)`. */
  run(): void {
    const text = this.text;
    const len = this.len;
    // The hot loop keeps its state in locals; only the common token shapes are handled
    // inline (parentheses, and keywords, ids and numbers made of idchars alone).
    let p = this.pos;
    for (;;) {
      let c = 0;
      while (p < len) {
        c = text.charCodeAt(p);
        if (c === 0x20 || c === 0x09 || c === 0x0d) { p++; continue; }
        if (c === 0x0a) {
          // Indentation is most of a printed module (three quarters of wasm-tools' text);
          // a sticky regex skips a long run natively, about 3x faster than this loop.
          if (text.charCodeAt(p + 8) === 0x20) {
            INDENT.lastIndex = p + 1;
            INDENT.test(text);
            p = INDENT.lastIndex;
          } else p++;
          continue;
        }
        if (c === 0x3b && text.charCodeAt(p + 1) === 0x3b) { // ;; line comment
          const nl = text.indexOf('\n', p);
          p = nl === -1 ? len : nl + 1;
          continue;
        }
        if (c === 0x28 && text.charCodeAt(p + 1) === 0x3b) { // (; block comment ;)
          p = this.blockComment(p);
          continue;
        }
        break;
      }
      if (p >= len) break;
      let i = this.count;
      if (i === this.kind.length) this.grow();
      if (c === 0x28) { // (
        if (text.charCodeAt(p + 1) === 0x40) {
          this.pos = p;
          this.annotation(p);
          p = this.pos;
          continue;
        }
        this.kind[i] = T_LPAREN;
        this.start[i] = p;
        this.end[i] = p + 1;
        this.match[i] = -1;
        this.open.push(i);
        this.count = i + 1;
        p++;
      } else if (c === 0x29) {
        this.kind[i] = T_RPAREN;
        this.start[i] = p;
        this.end[i] = p + 1;
        const o = this.open.pop();
        if (o !== undefined) this.match[o] = i;
        this.count = i + 1;
        p++;
      } else if (c < 128 && IDCHAR[c] === 1) {
        const from = p;
        let h = 0;
        p++;
        h = c;
        for (;;) {
          const d = text.charCodeAt(p);
          if (d < 128 && IDCHAR[d] === 1) { h = (Math.imul(h, 31) + d) | 0; p++; }
          else break;
        }
        const d = text.charCodeAt(p);
        if (d === 0x22 || (d < 128 && RESERVED_EXTRA[d] === 1 && !(d === 0x3b && text.charCodeAt(p + 1) === 0x3b))) {
          // A run with strings or punctuation in it: the general scanner.
          const kind = this.scanAtom(from);
          p = this.pos;
          i = this.count;
          if (i === this.kind.length) this.grow();
          this.kind[i] = kind;
          this.start[i] = from;
          this.end[i] = p;
          this.hash[i] = 0;
          this.count = i + 1;
          continue;
        }
        let kind: number;
        if (c === 0x24) {
          if (p === from + 1) this.fail(from, 'empty identifier');
          kind = T_ID;
        } else kind = c >= 0x61 && c <= 0x7a ? T_KEYWORD : T_RESERVED;
        this.kind[i] = kind;
        this.start[i] = from;
        this.end[i] = p;
        this.hash[i] = h;
        this.count = i + 1;
      } else if (c === 0x22 || (c < 128 && RESERVED_EXTRA[c] === 1)) {
        const kind = this.scanAtom(p);
        this.kind[i] = kind;
        this.start[i] = p;
        this.end[i] = this.pos;
        this.hash[i] = 0;
        this.count = i + 1;
        p = this.pos;
      } else this.illegal(p);
    }
    this.pos = p;
  }

  illegal(p: number): never {
    const c = this.text.charCodeAt(p);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = this.text.charCodeAt(p + 1);
      if (!(c < 0xdc00 && next >= 0xdc00 && next <= 0xdfff)) this.fail(p, 'malformed UTF-8 encoding');
    }
    this.fail(p, 'illegal character');
  }

  /**
   * An annotation `(@id ...)` at `p`. Its tokens are lexed like any others (so lexical
   * errors inside are reported), then removed from the stream.
   */
  annotation(p: number): void {
    const text = this.text;
    const idStart = p + 2;
    const c = text.charCodeAt(idStart);
    let id: string | undefined;
    if (c === 0x22) {
      let end: number;
      try { end = this.scanString(idStart); } catch { this.fail(p, 'empty annotation id'); }
      id = stringUtf8(text, idStart, end);
      if (id === undefined) this.fail(p, 'malformed UTF-8 encoding');
      this.pos = end;
    } else {
      let q = idStart;
      while (q < this.len && isIdChar(text.charCodeAt(q))) q++;
      id = text.slice(idStart, q);
      this.pos = q;
    }
    if (id === '') this.fail(p, 'empty annotation id');
    const at = this.count;
    const openDepth = this.open.length;
    this.push(T_LPAREN, p, p + 1);
    // Lex until this annotation's `(` is closed.
    for (;;) {
      this.skipSpace();
      const q = this.pos;
      if (q >= this.len) this.fail(p, 'unclosed annotation');
      const ch = text.charCodeAt(q);
      if (ch === 0x28) {
        // Inside an annotation `(@` is just a parenthesis and a token: `(@a (@) x)` is fine.
        this.push(T_LPAREN, q, q + 1);
        this.pos = q + 1;
      } else if (ch === 0x29) {
        this.push(T_RPAREN, q, q + 1);
        this.pos = q + 1;
        if (this.open.length === openDepth) break;
      } else if (ch === 0x22 || isIdChar(ch) || (ch < 128 && RESERVED_EXTRA[ch] === 1)) {
        const kind = this.scanAtom(q);
        this.push(kind, q, this.pos);
      } else this.illegal(q);
    }
    if (id === 'custom') this.custom(p, at);
    else if (id === 'name') this.name(p, at);
    else if (id === 'datacount') {
      if (this.count !== at + 2) this.fail(p, '@datacount annotation: unexpected token');
      this.dataCounts.push(at);
    }
    this.count = at;
  }

  /** `(@custom "name" (before|after section)? "data"*)`, tokens at..count-1. */
  custom(p: number, at: number): void {
    const { kind, start, end, text } = this;
    const last = this.count - 1; // the closing `)`
    let i = at + 1;
    if (kind[i] !== T_STRING) this.fail(p, '@custom annotation: missing section name');
    const name = stringUtf8(text, start[i], end[i]);
    if (name === undefined) this.fail(start[i], '@custom annotation: malformed UTF-8 encoding');
    i++;
    let place: CustomAnnotation['place'];
    if (kind[i] === T_LPAREN) {
      const w = text.slice(start[i + 1], end[i + 1]);
      if (kind[i + 1] !== T_KEYWORD || (w !== 'before' && w !== 'after')) {
        this.fail(start[i], '@custom annotation: malformed placement');
      }
      const s = kind[i + 2] === T_KEYWORD ? text.slice(start[i + 2], end[i + 2]) : '';
      if (!CUSTOM_PLACES.has(s)) this.fail(start[i], '@custom annotation: malformed section kind');
      if (kind[i + 3] !== T_RPAREN) this.fail(start[i + 3], '@custom annotation: unexpected token');
      place = { where: w, section: s };
      i += 4;
    }
    const parts: Uint8Array[] = [];
    for (; i < last; i++) {
      if (kind[i] !== T_STRING) this.fail(start[i], '@custom annotation: unexpected token');
      parts.push(stringBytes(text, start[i], end[i]));
    }
    // Line and column are worked out when asked for: counting the lines up to each
    // annotation (near the end of a printed module) scanned the whole text each time.
    this.customs.push({
      at, name, data: concat(parts), place,
      get line() { return lineColumn(text, p).line; },
      get column() { return lineColumn(text, p).column; },
    });
  }

  /** `(@name "name")`. */
  name(p: number, at: number): void {
    const { kind, start, end, text } = this;
    if (this.count !== at + 3 || kind[at + 1] !== T_STRING) this.fail(p, '@name annotation: string expected');
    const name = stringUtf8(text, start[at + 1], end[at + 1]);
    if (name === undefined) this.fail(p, '@name annotation: malformed UTF-8 encoding');
    this.names.set(at, { name, pos: p });
  }
}

/** Section kinds an `@custom` placement may name. */
const CUSTOM_PLACES = new Set([
  'first', 'last', 'type', 'import', 'func', 'table', 'memory', 'global', 'export', 'start', 'elem',
  'code', 'data', 'datacount', 'tag',
]);

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const b of parts) n += b.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const b of parts) { out.set(b, o); o += b.length; }
  return out;
}

/** The hash the lexer stores for a keyword: h = h * 31 + c over its char codes, in 32 bits. */
export function keywordHash(s: string): number {
  let h = s.charCodeAt(0);
  for (let i = 1; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The typed arrays of a token stream. */
type TokenArrays = Pick<Tokens, 'kind' | 'start' | 'end' | 'match' | 'hash'>;

/**
 * Arrays of a token stream whose reader is done with it (see `releaseTokens`), for the next
 * `lex(text, true)`: a multi-megabyte text needs tens of megabytes of them, and allocating
 * (and zeroing) them anew was a tenth of parsing it. Lexing is synchronous, so one will do.
 */
let spare: TokenArrays | undefined;

/** Token arrays past this many entries (17 bytes each) are not kept for reuse. */
const MAX_SPARE = 1 << 22;

/**
 * Lexes `text`. With `reuse`, the arrays may be ones an earlier stream gave back; the caller
 * then promises to call `releaseTokens` only once nothing reads this stream any more.
 */
export function lex(text: string, reuse = false): Tokens {
  const l = new Lexer(text, reuse);
  l.run();
  if (l.count === l.kind.length) l.grow();
  // A sentinel EOF token, so lookahead never reads past the end.
  l.kind[l.count] = T_EOF;
  l.start[l.count] = text.length;
  l.end[l.count] = text.length;
  l.match[l.count] = -1;
  return {
    text, count: l.count, kind: l.kind, start: l.start, end: l.end, match: l.match, hash: l.hash,
    customs: l.customs, names: l.names, dataCounts: l.dataCounts,
  };
}

/** Gives a stream's arrays back for the next `lex(text, true)`; the stream must not be read after. */
export function releaseTokens(tokens: Tokens): void {
  if (tokens.kind.length <= MAX_SPARE && (spare === undefined || spare.kind.length < tokens.kind.length)) {
    spare = { kind: tokens.kind, start: tokens.start, end: tokens.end, match: tokens.match, hash: tokens.hash };
  }
}
