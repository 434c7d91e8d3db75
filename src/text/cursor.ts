// A cursor over the lexer's tokens with the small reads every part of the parser shares:
// keywords, parentheses, identifiers, indices, numbers and strings. Errors carry the line
// and column of the token at fault and start with the reference interpreter's phrase.
import { ParseError } from '../core/errors.ts';
import {
  T_EOF, T_ID, T_ID_STRING, T_KEYWORD, T_LPAREN, T_RESERVED, T_RPAREN, T_STRING, type Tokens,
  lineColumn,
} from './lexer.ts';
import { NumberError, parseF32, parseF64, parseI64, parseIntN, parseU32, parseU64 } from './numbers.ts';
import { stringBytes, stringUtf8 } from './strings.ts';
import { isKnownKeyword } from './keywords.ts';

export class Cursor {
  readonly tokens: Tokens;
  readonly text: string;
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  pos: number;

  constructor(tokens: Tokens, pos = 0) {
    this.tokens = tokens;
    this.text = tokens.text;
    this.kind = tokens.kind;
    this.start = tokens.start;
    this.end = tokens.end;
    this.pos = pos;
  }

  fail(i: number, message: string): never {
    const { line, column } = lineColumn(this.text, this.start[i]);
    throw new ParseError(message, line, column);
  }

  /**
   * The error for a token that does not fit: the reference lexer calls any keyword or
   * reserved token it does not know an "unknown operator"; a known one in the wrong place
   * is an "unexpected token".
   */
  unexpected(i: number = this.pos): never {
    const k = this.kind[i];
    if (k === T_EOF) this.fail(i, 'unexpected end of input');
    if ((k === T_KEYWORD || k === T_RESERVED) && !isKnownKeyword(this.textOf(i))) {
      this.fail(i, `unknown operator ${this.text.slice(this.start[i], this.end[i])}`);
    }
    this.fail(i, 'unexpected token');
  }

  /** True if token `i` is the keyword `s`. */
  isKw(i: number, s: string): boolean {
    const start = this.start[i];
    return this.kind[i] === T_KEYWORD && this.end[i] - start === s.length && this.text.startsWith(s, start);
  }

  /** True if the cursor is at `(` followed by the keyword `s`. */
  atParen(s: string): boolean {
    return this.kind[this.pos] === T_LPAREN && this.isKw(this.pos + 1, s);
  }

  at(kind: number): boolean {
    return this.kind[this.pos] === kind;
  }

  /** The text of token `i`. */
  textOf(i: number): string {
    return this.text.slice(this.start[i], this.end[i]);
  }

  /** The keyword at the cursor, or undefined (not consumed). */
  peekKeyword(i: number = this.pos): string | undefined {
    return this.kind[i] === T_KEYWORD ? this.text.slice(this.start[i], this.end[i]) : undefined;
  }

  lparen(): void {
    if (this.kind[this.pos] !== T_LPAREN) this.unexpected();
    this.pos++;
  }

  rparen(): void {
    if (this.kind[this.pos] !== T_RPAREN) this.unexpected();
    this.pos++;
  }

  keyword(s: string): void {
    if (!this.isKw(this.pos, s)) this.unexpected();
    this.pos++;
  }

  /** Consumes the keyword `s` if it is next. */
  eatKw(s: string): boolean {
    if (!this.isKw(this.pos, s)) return false;
    this.pos++;
    return true;
  }

  /** `(` keyword: consumes both if they are next. */
  eatParen(s: string): boolean {
    if (!this.atParen(s)) return false;
    this.pos += 2;
    return true;
  }

  /** An identifier's name if one is next (consumed), else undefined. */
  id(): string | undefined {
    const k = this.kind[this.pos];
    if (k === T_ID) {
      const i = this.pos++;
      return this.text.slice(this.start[i] + 1, this.end[i]);
    }
    if (k === T_ID_STRING) {
      const i = this.pos++;
      return stringUtf8(this.text, this.start[i] + 1, this.end[i]) as string;
    }
    return undefined;
  }

  atId(): boolean {
    const k = this.kind[this.pos];
    return k === T_ID || k === T_ID_STRING;
  }

  /** True if the next token is an unsigned decimal or hex natural (an index, say). */
  atNat(i: number = this.pos): boolean {
    if (this.kind[i] !== T_RESERVED) return false;
    const c = this.text.charCodeAt(this.start[i]);
    return c >= 0x30 && c <= 0x39;
  }

  /** True if the next token is a symbolic or numeric index. */
  atIndex(i: number = this.pos): boolean {
    const k = this.kind[i];
    return k === T_ID || k === T_ID_STRING || this.atNat(i);
  }

  numberError(i: number, e: unknown, range: string): never {
    if (!(e instanceof NumberError)) throw e;
    if (e.kind === 'range') this.fail(i, range);
    this.unexpected(i);
  }

  /** A token that can be a number: reserved, or a keyword such as inf/nan. */
  numberToken(): number {
    const k = this.kind[this.pos];
    if (k !== T_RESERVED && k !== T_KEYWORD) this.unexpected();
    return this.pos++;
  }

  u32(range = 'i32 constant out of range'): number {
    const i = this.numberToken();
    try {
      return parseU32(this.text, this.start[i], this.end[i]);
    } catch (e) {
      return this.numberError(i, e, range);
    }
  }

  u64(range = 'i64 constant out of range'): number | bigint {
    const i = this.numberToken();
    try {
      return parseU64(this.text, this.start[i], this.end[i]);
    } catch (e) {
      return this.numberError(i, e, range);
    }
  }

  intN(bits: number, range = 'constant out of range'): number {
    const i = this.numberToken();
    try {
      return parseIntN(this.text, this.start[i], this.end[i], bits);
    } catch (e) {
      return this.numberError(i, e, range);
    }
  }

  i64(range = 'constant out of range'): bigint {
    const i = this.numberToken();
    try {
      return parseI64(this.text, this.start[i], this.end[i]);
    } catch (e) {
      return this.numberError(i, e, range);
    }
  }

  f32(): number {
    const i = this.numberToken();
    try {
      return parseF32(this.text, this.start[i], this.end[i]);
    } catch (e) {
      return this.numberError(i, e, 'constant out of range');
    }
  }

  f64(): bigint {
    const i = this.numberToken();
    try {
      return parseF64(this.text, this.start[i], this.end[i]);
    } catch (e) {
      return this.numberError(i, e, 'constant out of range');
    }
  }

  atString(): boolean {
    return this.kind[this.pos] === T_STRING;
  }

  /** A string's bytes. */
  bytes(): Uint8Array {
    if (this.kind[this.pos] !== T_STRING) this.unexpected();
    const i = this.pos++;
    return stringBytes(this.text, this.start[i], this.end[i]);
  }

  /** A string that must be UTF-8: a name. */
  name(): string {
    if (this.kind[this.pos] !== T_STRING) this.unexpected();
    const i = this.pos++;
    const s = stringUtf8(this.text, this.start[i], this.end[i]);
    if (s === undefined) this.fail(i, 'malformed UTF-8 encoding');
    return s;
  }

  /** Skips a parenthesised group starting at the cursor's `(`. */
  skipGroup(): void {
    const close = this.tokens.match[this.pos];
    if (close < 0) this.fail(this.pos, 'unexpected end of input');
    this.pos = close + 1;
  }

  /** The `@name` annotation attached before token `i`, if any. */
  nameAnnotation(i: number = this.pos): string | undefined {
    return this.tokens.names.get(i)?.name;
  }
}

export { T_EOF, T_ID, T_ID_STRING, T_KEYWORD, T_LPAREN, T_RESERVED, T_RPAREN, T_STRING };
