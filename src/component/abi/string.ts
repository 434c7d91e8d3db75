// Strings (CanonicalABI.md, "Loading" `load_string_from_range` and "Storing"
// `store_string_into_range`): lifting decodes one of the three encodings out of linear memory,
// lowering transcodes into the destination encoding with exactly the spec's allocation
// sequence: an optimistic or exact first `realloc`, a grow to the worst case when the optimism
// fails, and a shrink to the final size. The source encoding and code-unit count that drive the
// choices are a JavaScript string's own (UTF-16, `s.length`) unless a hint from a
// component-to-component call says otherwise (string-hints.ts).
import { MAX_STRING_BYTE_LENGTH, UTF16_TAG } from './layout.ts';
import { trap, type Cx } from './context.ts';
import { SRC_LATIN1, SRC_TAGGED_UTF16, SRC_UTF16, SRC_UTF8 } from './string-hints.ts';

export type Encoding = 'utf8' | 'utf16' | 'latin1+utf16';
/** Lifts the string at `ptr` with the (tagged) code-unit count `units`. */
export type StringLift = (cx: Cx, ptr: number, units: number) => string;
/** Lowers a string: returns its pointer and leaves its (tagged) code-unit count in `cx.strLen`. */
export type StringLower = (cx: Cx, v: unknown) => number;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16Decoder = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

// Below these lengths a JavaScript loop beats calling into TextDecoder / TextEncoder
// (measured on Node 24: ~40 ASCII bytes to decode eight at a time, ~24 code units to encode).
const SHORT_DECODE = 40;
const SHORT_UTF16 = 12;
const SHORT_ENCODE = 24;

export function stringLift(encoding: Encoding): StringLift {
  switch (encoding) {
    case 'utf8': return liftUtf8;
    case 'utf16': return liftUtf16;
    case 'latin1+utf16': return liftLatin1Utf16;
  }
}

export function stringLower(encoding: Encoding): StringLower {
  switch (encoding) {
    case 'utf8': return lowerUtf8;
    case 'utf16': return lowerUtf16;
    case 'latin1+utf16': return lowerLatin1Utf16;
  }
}

// ---- lifting ----

function tooLong(bytes: number): never {
  trap('string content out-of-bounds', `string byte length ${bytes} exceeds 2^28 - 1`);
}

function outOfBounds(): never {
  trap('string content out-of-bounds', 'string pointer/length out of bounds of memory');
}

function liftUtf8(cx: Cx, ptr: number, len: number): string {
  if (len > MAX_STRING_BYTE_LENGTH) tooLong(len);
  if (ptr + len > cx.u8.length && !cx.inBounds(ptr, len)) outOfBounds();
  const s = len === 0 ? '' : decodeUtf8(cx, ptr, len);
  if (cx.hints !== undefined) cx.hints.add(s, SRC_UTF8, len);
  return s;
}

function decodeUtf8(cx: Cx, ptr: number, len: number): string {
  const u8 = cx.u8;
  if (len <= SHORT_DECODE) {
    const s = shortAscii(u8, ptr, ptr + len);
    if (s !== undefined) return s;
  }
  const bytes = cx.shared ? u8.slice(ptr, ptr + len) : u8.subarray(ptr, ptr + len);
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return utf8Error(bytes);
  }
}

/** An ASCII string, eight bytes per String.fromCharCode; undefined if a byte is not ASCII. */
function shortAscii(u8: Uint8Array, i: number, end: number): string | undefined {
  let s = '';
  for (; i + 8 <= end; i += 8) {
    const a = u8[i], b = u8[i + 1], c = u8[i + 2], d = u8[i + 3], e = u8[i + 4], f = u8[i + 5], g = u8[i + 6], h = u8[i + 7];
    if ((a | b | c | d | e | f | g | h) >= 0x80) return undefined;
    s += String.fromCharCode(a, b, c, d, e, f, g, h);
  }
  for (; i < end; i++) {
    const b = u8[i];
    if (b >= 0x80) return undefined;
    s += String.fromCharCode(b);
  }
  return s;
}

/** Names the first bad sequence as Rust's `Utf8Error` does (the tests match its words). */
function utf8Error(b: Uint8Array): never {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) { need = 2; if (c === 0xe0) lo = 0xa0; else if (c === 0xed) hi = 0x9f; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; if (c === 0xf0) lo = 0x90; else if (c === 0xf4) hi = 0x8f; }
    else trap('invalid utf-8', `sequence of 1 bytes from index ${i}`);
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) trap('incomplete utf-8 byte sequence', `from index ${i}`);
      const d = b[i + k];
      if (d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) trap('invalid utf-8', `sequence of ${k} bytes from index ${i}`);
    }
    i += need + 1;
  }
  trap('invalid utf-8');
}

function liftUtf16(cx: Cx, ptr: number, units: number): string {
  const s = liftUtf16Range(cx, ptr, units);
  if (cx.hints !== undefined) cx.hints.add(s, SRC_UTF16, units);
  return s;
}

function liftUtf16Range(cx: Cx, ptr: number, units: number): string {
  const bytes = units * 2;
  if (bytes > MAX_STRING_BYTE_LENGTH) tooLong(bytes);
  if ((ptr & 1) !== 0) trap('unaligned pointer', 'utf-16 string pointer not 2-aligned');
  if (ptr + bytes > cx.u8.length && !cx.inBounds(ptr, bytes)) outOfBounds();
  if (units === 0) return '';
  const u8 = cx.u8;
  if (units <= SHORT_UTF16) {
    let s = '';
    for (let i = ptr, end = ptr + bytes; i < end; i += 2) {
      const c = u8[i] | (u8[i + 1] << 8);
      if (c >= 0xd800 && c <= 0xdfff) return decodeUtf16(u8, ptr, bytes, cx.shared);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decodeUtf16(u8, ptr, bytes, cx.shared);
}

function decodeUtf16(u8: Uint8Array, ptr: number, bytes: number, shared: boolean): string {
  try {
    return utf16Decoder.decode(shared ? u8.slice(ptr, ptr + bytes) : u8.subarray(ptr, ptr + bytes));
  } catch {
    return trap('invalid utf-16', 'unpaired surrogate');
  }
}

function liftLatin1Utf16(cx: Cx, ptr: number, tagged: number): string {
  if ((tagged & UTF16_TAG) !== 0) {
    const units = (tagged & ~UTF16_TAG) >>> 0;
    const s = liftUtf16Range(cx, ptr, units);
    if (cx.hints !== undefined) cx.hints.add(s, SRC_TAGGED_UTF16, units);
    return s;
  }
  if (tagged > MAX_STRING_BYTE_LENGTH) tooLong(tagged);
  if ((ptr & 1) !== 0) trap('unaligned pointer', 'latin1+utf16 string pointer not 2-aligned');
  if (ptr + tagged > cx.u8.length && !cx.inBounds(ptr, tagged)) outOfBounds();
  const s = decodeLatin1(cx.u8, ptr, tagged);
  if (cx.hints !== undefined) cx.hints.add(s, SRC_LATIN1, tagged);
  return s;
}

// Not TextDecoder('latin1'): the Encoding Standard maps that label to windows-1252.
function decodeLatin1(u8: Uint8Array, ptr: number, len: number): string {
  let s = '';
  const CHUNK = 4096;
  for (let i = 0; i < len; i += CHUNK) {
    s += String.fromCharCode.apply(null, u8.subarray(ptr + i, ptr + Math.min(len, i + CHUNK)) as unknown as number[]);
  }
  return s;
}

// ---- lowering ----

function checkString(v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`expected a string, got ${typeof v}`);
  if (!v.isWellFormed()) throw new TypeError('string contains a lone surrogate (not a sequence of Unicode scalar values)');
  return v;
}

function allocated(cx: Cx, ptr: number, align: number, size: number): number {
  if ((ptr & (align - 1)) !== 0) trap('unaligned pointer', 'realloc return: result not aligned');
  if (ptr + size > cx.u8.length && !cx.inBounds(ptr, size)) trap('string content out-of-bounds', 'realloc return: beyond end of memory');
  return ptr;
}

/** The source's encoding and code units: a JavaScript string's own, unless hinted. */
function source(cx: Cx, s: string): number {
  const h = cx.hints;
  if (h !== undefined && h.take(s)) {
    cx.strLen = h.units;
    return h.kind;
  }
  cx.strLen = s.length;
  return SRC_UTF16;
}

function lowerUtf8(cx: Cx, v: unknown): number {
  const s = checkString(v);
  const kind = source(cx, s);
  const units = cx.strLen;
  switch (kind) {
    case SRC_UTF8: {
      // store_string_copy: the hint is the exact UTF-8 length.
      const ptr = allocated(cx, cx.realloc(0, 0, 1, units), 1, units);
      encoder.encodeInto(s, cx.u8.subarray(ptr, ptr + units));
      cx.strLen = units;
      return ptr;
    }
    case SRC_LATIN1: return toUtf8(cx, s, units, 2 * units);
    default: return toUtf8(cx, s, units, 3 * units);
  }
}

/** `store_string_to_utf8`: optimistic (one byte per code unit), then worst case, then shrink. */
function toUtf8(cx: Cx, s: string, units: number, worst: number): number {
  // `units` is s.length here (the source is UTF-16 or Latin-1).
  let ptr = allocated(cx, cx.realloc(0, 0, 1, units), 1, units);
  let read: number;
  let written: number;
  if (units <= SHORT_ENCODE) {
    const u8 = cx.u8;
    let i = 0;
    for (; i < units; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      u8[ptr + i] = c;
    }
    read = written = i;
  } else {
    const first = encoder.encodeInto(s, cx.u8.subarray(ptr, ptr + units));
    read = first.read;
    written = first.written;
  }
  // All of `s` fit in `units` bytes only if it is ASCII (UTF-8 never takes fewer bytes).
  if (read === s.length) {
    cx.strLen = written;
    return ptr;
  }
  ptr = allocated(cx, cx.realloc(ptr, units, 1, worst), 1, worst);
  const rest = encoder.encodeInto(read === 0 ? s : s.slice(read), cx.u8.subarray(ptr + written, ptr + worst));
  const len = written + rest.written;
  if (worst > len) ptr = allocated(cx, cx.realloc(ptr, worst, 1, len), 1, len);
  cx.strLen = len;
  return ptr;
}

function writeUtf16(cx: Cx, s: string, ptr: number, from: number): void {
  const n = s.length;
  if (n - from < 16) {
    const dv = cx.dv;
    for (let i = from; i < n; i++) dv.setUint16(ptr + 2 * i, s.charCodeAt(i), true);
    return;
  }
  const a = new Uint16Array(cx.u8.buffer, cx.u8.byteOffset + ptr, n);
  for (let i = from; i < n; i++) a[i] = s.charCodeAt(i);
}

function lowerUtf16(cx: Cx, v: unknown): number {
  const s = checkString(v);
  const kind = source(cx, s);
  const units = cx.strLen;
  if (kind === SRC_UTF8) {
    // store_utf8_to_utf16: worst case of one UTF-16 unit per UTF-8 byte, then shrink.
    const worst = 2 * units;
    let ptr = allocated(cx, cx.realloc(0, 0, 2, worst), 2, worst);
    writeUtf16(cx, s, ptr, 0);
    const len = 2 * s.length;
    if (len < worst) ptr = allocated(cx, cx.realloc(ptr, worst, 2, len), 2, len);
    cx.strLen = s.length;
    return ptr;
  }
  // store_string_copy from UTF-16 or Latin-1: two bytes per source code unit.
  const size = 2 * units;
  const ptr = allocated(cx, cx.realloc(0, 0, 2, size), 2, size);
  writeUtf16(cx, s, ptr, 0);
  cx.strLen = units;
  return ptr;
}

function lowerLatin1Utf16(cx: Cx, v: unknown): number {
  const s = checkString(v);
  const kind = source(cx, s);
  const units = cx.strLen;
  switch (kind) {
    case SRC_LATIN1: {
      // store_string_copy to Latin-1: one byte per code unit, 2-aligned.
      const ptr = allocated(cx, cx.realloc(0, 0, 2, units), 2, units);
      const u8 = cx.u8;
      for (let i = 0; i < units; i++) u8[ptr + i] = s.charCodeAt(i);
      cx.strLen = units;
      return ptr;
    }
    case SRC_TAGGED_UTF16: return probablyUtf16(cx, s, units);
    default: return latin1OrUtf16(cx, s, units);
  }
}

/** `store_string_to_latin1_or_utf16`: Latin-1 until a code point says otherwise, inflated in place. */
function latin1OrUtf16(cx: Cx, s: string, units: number): number {
  let ptr = allocated(cx, cx.realloc(0, 0, 2, units), 2, units);
  const n = s.length;
  let u8 = cx.u8;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x100) break;
    u8[ptr + i] = c;
  }
  if (i < n) {
    const worst = 2 * units;
    ptr = allocated(cx, cx.realloc(ptr, units, 2, worst), 2, worst);
    u8 = cx.u8;
    for (let j = i - 1; j >= 0; j--) {
      u8[ptr + 2 * j] = u8[ptr + j];
      u8[ptr + 2 * j + 1] = 0;
    }
    writeUtf16(cx, s, ptr, i);
    const len = 2 * n;
    if (worst > len) ptr = allocated(cx, cx.realloc(ptr, worst, 2, len), 2, len);
    cx.strLen = (n | UTF16_TAG) >>> 0;
    return ptr;
  }
  if (n < units) ptr = allocated(cx, cx.realloc(ptr, units, 2, n), 2, n);
  cx.strLen = n;
  return ptr;
}

/** `store_probably_utf16_to_latin1_or_utf16`: UTF-16 first, deflated if it was all Latin-1. */
function probablyUtf16(cx: Cx, s: string, units: number): number {
  const size = 2 * units;
  let ptr = allocated(cx, cx.realloc(0, 0, 2, size), 2, size);
  writeUtf16(cx, s, ptr, 0);
  let wide = false;
  for (let i = 0; i < units; i++) {
    if (s.charCodeAt(i) >= 0x100) { wide = true; break; }
  }
  if (wide) {
    cx.strLen = (units | UTF16_TAG) >>> 0;
    return ptr;
  }
  const u8 = cx.u8;
  for (let i = 0; i < units; i++) u8[ptr + i] = u8[ptr + 2 * i];
  ptr = cx.realloc(ptr, size, 1, units);
  if (ptr + units > cx.u8.length && !cx.inBounds(ptr, units)) trap('string content out-of-bounds', 'realloc return: beyond end of memory');
  cx.strLen = units;
  return ptr;
}
