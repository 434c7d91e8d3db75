// Numeric literals (https://webassembly.github.io/spec/core/text/values.html): integers in
// decimal or hex with `_` separators, floats in decimal or hex, inf, nan and nan:0x payloads.
// Floats become their IEEE bits, rounded once and exactly (round to nearest, ties to even):
// an f32 literal is never rounded through an f64 first, which would round twice.

/** `syntax`: not a numeral of the expected kind; `range`: a numeral that does not fit. */
export class NumberError extends Error {
  readonly kind: 'syntax' | 'range';
  constructor(kind: 'syntax' | 'range') {
    super(kind === 'syntax' ? 'unknown operator' : 'constant out of range');
    this.kind = kind;
  }
}

const SYNTAX = new NumberError('syntax');
const RANGE = new NumberError('range');

const TWO53 = 2 ** 53;

function digitValue(c: number, hex: boolean): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (hex) {
    if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
    if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  }
  return -1;
}

/**
 * Reads `digit ('_'? digit)*` from `p`; returns the index after it. Accumulates into
 * `acc` (number until 2^53, then bigint) through the shared `state`.
 */
interface Acc { n: number; big: bigint | undefined; digits: number }

function scanDigits(text: string, p: number, end: number, hex: boolean, acc: Acc): number {
  const base = hex ? 16 : 10;
  let prevDigit = false;
  for (; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c === 0x5f) {
      if (!prevDigit) throw SYNTAX;
      prevDigit = false;
      continue;
    }
    const d = digitValue(c, hex);
    if (d < 0) break;
    prevDigit = true;
    acc.digits++;
    if (acc.big !== undefined) acc.big = acc.big * BigInt(base) + BigInt(d);
    else {
      const n = acc.n * base + d;
      if (n >= TWO53) acc.big = BigInt(acc.n) * BigInt(base) + BigInt(d);
      else acc.n = n;
    }
  }
  if (!prevDigit) throw SYNTAX;
  return p;
}

/**
 * An integer literal `sign? (num | 0x hexnum)`: its value (a number when |v| <= 2^53) and
 * whether it had a sign. Throws NumberError('syntax') for anything else.
 */
export function scanInt(text: string, start: number, end: number): { value: number | bigint; signed: boolean } {
  let p = start;
  let neg = false;
  let signed = false;
  const c0 = text.charCodeAt(p);
  if (c0 === 0x2b || c0 === 0x2d) { neg = c0 === 0x2d; signed = true; p++; }
  let hex = false;
  if (text.charCodeAt(p) === 0x30 && text.charCodeAt(p + 1) === 0x78) { hex = true; p += 2; }
  const acc: Acc = { n: 0, big: undefined, digits: 0 };
  p = scanDigits(text, p, end, hex, acc);
  if (p !== end) throw SYNTAX;
  if (acc.big !== undefined) return { value: neg ? -acc.big : acc.big, signed };
  return { value: neg ? -acc.n : acc.n, signed };
}

/** A fast path for the common plain decimal natural; -1 if the token is not one. */
function plainNat(text: string, start: number, end: number): number {
  if (end - start > 15) return -1;
  let n = 0;
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p) - 0x30;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return end > start ? n : -1;
}

/** An unsigned 32-bit natural (an index, a lane, a count): no sign allowed. */
export function parseU32(text: string, start: number, end: number): number {
  const fast = plainNat(text, start, end);
  if (fast >= 0) {
    if (fast > 0xffff_ffff) throw RANGE;
    return fast;
  }
  const { value, signed } = scanInt(text, start, end);
  if (signed) throw SYNTAX;
  if (typeof value === 'bigint' || value > 0xffff_ffff) throw RANGE;
  return value;
}

/** An unsigned 64-bit natural, a number when it is a safe integer. */
export function parseU64(text: string, start: number, end: number): number | bigint {
  const fast = plainNat(text, start, end);
  if (fast >= 0) return fast;
  const { value, signed } = scanInt(text, start, end);
  if (signed) throw SYNTAX;
  if (typeof value === 'bigint') {
    if (value >= 1n << 64n) throw RANGE;
    return value;
  }
  return value;
}

/**
 * An `N`-bit integer literal (N <= 32), signed or unsigned: -2^(N-1) .. 2^N - 1, returned
 * wrapped to its signed value.
 */
export function parseIntN(text: string, start: number, end: number, bits: number): number {
  const fast = plainNat(text, start, end);
  const limit = 2 ** bits;
  let v: number;
  if (fast >= 0) v = fast;
  else {
    const { value } = scanInt(text, start, end);
    if (typeof value === 'bigint') throw RANGE;
    v = value;
  }
  if (v >= limit || v < -(limit / 2)) throw RANGE;
  if (bits === 32) return v | 0;
  return v >= limit / 2 ? v - limit : v;
}

/** A 64-bit integer literal, signed or unsigned, as its signed value. */
export function parseI64(text: string, start: number, end: number): bigint {
  const fast = plainNat(text, start, end);
  if (fast >= 0) return BigInt(fast);
  const { value } = scanInt(text, start, end);
  const v = BigInt(value);
  if (v >= 1n << 64n || v < -(1n << 63n)) throw RANGE;
  return BigInt.asIntN(64, v);
}

// --- Floats -------------------------------------------------------------------------------

interface FloatFormat {
  /** Explicit mantissa bits (23, 52). */
  readonly mant: number;
  /** Exponent bits (8, 11). */
  readonly exp: number;
}
const F32: FloatFormat = { mant: 23, exp: 8 };
const F64: FloatFormat = { mant: 52, exp: 11 };

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/**
 * The bits (without sign) of num / den * 2^exp2 rounded to nearest, ties to even; throws
 * NumberError('range') when the result would be infinite.
 */
function roundExact(num: bigint, den: bigint, exp2: number, f: FloatFormat): bigint {
  if (num === 0n) return 0n;
  const p = f.mant + 1;
  const bias = (1 << (f.exp - 1)) - 1;
  const emin = 1 - bias;
  const emax = bias;
  // e = floor(log2(value)).
  let e = bitLength(num) - bitLength(den) + exp2;
  const shift = e - exp2;
  const ge = shift >= 0 ? num >= den << BigInt(shift) : num << BigInt(-shift) >= den;
  if (!ge) e--;
  if (e > emax + 1) throw RANGE;
  const eUsed = Math.max(e, emin);
  // q = floor(value * 2^(p - 1 - eUsed)), with remainder r / den.
  const k = p - 1 - eUsed + exp2;
  let n = num;
  let d = den;
  if (k >= 0) n <<= BigInt(k);
  else d <<= BigInt(-k);
  let q = n / d;
  const r2 = (n - q * d) * 2n;
  if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
  let biased: number;
  if (q >= 1n << BigInt(p)) { // rounding carried into a new bit
    q >>= 1n;
    biased = eUsed + 1 + bias;
  } else if (q >= 1n << BigInt(p - 1)) biased = eUsed + bias;
  else biased = 0; // subnormal (or zero)
  if (biased >= 2 * bias + 1) throw RANGE;
  const mantissa = q & ((1n << BigInt(f.mant)) - 1n);
  return (BigInt(biased) << BigInt(f.mant)) | mantissa;
}

const f64Buf = new Float64Array(1);
const f64Bits = new BigUint64Array(f64Buf.buffer);
const f32Buf = new Float32Array(1);
const f32Bits = new Uint32Array(f32Buf.buffer);

function bitsOfF64(x: number): bigint {
  f64Buf[0] = x;
  return f64Bits[0];
}
function bitsOfF32(x: number): number {
  f32Buf[0] = x;
  return f32Bits[0];
}

/** A float literal, parsed into sign and value parts. */
type FloatParts =
  | { kind: 'inf'; neg: boolean }
  | { kind: 'nan'; neg: boolean; payload: bigint | undefined }
  | { kind: 'dec'; neg: boolean; clean: string; digits: string; exp10: number }
  | { kind: 'hex'; neg: boolean; mant: bigint; exp2: number };

function scanFloat(text: string, start: number, end: number): FloatParts {
  let p = start;
  let neg = false;
  const c0 = text.charCodeAt(p);
  if (c0 === 0x2b || c0 === 0x2d) { neg = c0 === 0x2d; p++; }
  if (text.startsWith('inf', p) && end - p === 3) return { kind: 'inf', neg };
  if (text.startsWith('nan', p)) {
    if (end - p === 3) return { kind: 'nan', neg, payload: undefined };
    if (text.startsWith(':0x', p + 3)) {
      const acc: Acc = { n: 0, big: undefined, digits: 0 };
      if (scanDigits(text, p + 6, end, true, acc) !== end) throw SYNTAX;
      return { kind: 'nan', neg, payload: acc.big ?? BigInt(acc.n) };
    }
    throw SYNTAX;
  }
  const hex = text.charCodeAt(p) === 0x30 && text.charCodeAt(p + 1) === 0x78;
  if (hex) p += 2;
  // Digits before and after the point, collected as one integer mantissa.
  let digits = '';
  let fracDigits = 0;
  const collect = (from: number): number => {
    let prevDigit = false;
    let q = from;
    for (; q < end; q++) {
      const c = text.charCodeAt(q);
      if (c === 0x5f) {
        if (!prevDigit) throw SYNTAX;
        prevDigit = false;
        continue;
      }
      if (digitValue(c, hex) < 0) break;
      prevDigit = true;
    }
    if (q > from && !prevDigit) throw SYNTAX;
    return q;
  };
  const intEnd = collect(p);
  if (intEnd === p) throw SYNTAX;
  digits = text.slice(p, intEnd).replaceAll('_', '');
  p = intEnd;
  if (text.charCodeAt(p) === 0x2e) {
    const fracEnd = collect(p + 1);
    const frac = text.slice(p + 1, fracEnd).replaceAll('_', '');
    digits += frac;
    fracDigits = frac.length;
    p = fracEnd;
  }
  let exp = 0;
  const e = text.charCodeAt(p);
  if (hex ? e === 0x70 || e === 0x50 : e === 0x65 || e === 0x45) {
    p++;
    let eneg = false;
    const s = text.charCodeAt(p);
    if (s === 0x2b || s === 0x2d) { eneg = s === 0x2d; p++; }
    const acc: Acc = { n: 0, big: undefined, digits: 0 };
    p = scanDigits(text, p, end, false, acc);
    // Exponents beyond this only matter as overflow or underflow, decided below.
    const big = acc.big !== undefined || acc.n > 1e9;
    exp = big ? 1e9 : acc.n;
    if (eneg) exp = -exp;
  }
  if (p !== end) throw SYNTAX;
  if (hex) {
    return { kind: 'hex', neg, mant: BigInt(`0x${digits}`), exp2: exp - 4 * fracDigits };
  }
  const clean = text.slice(start, end).replaceAll('_', '');
  return { kind: 'dec', neg, clean, digits, exp10: exp - fracDigits };
}

/** The exact value of decimal or hex parts as num / den * 2^exp2, with hopeless extremes cut. */
function exactRatio(parts: { mant?: bigint; digits?: string; exp10?: number; exp2?: number }, f: FloatFormat):
  { num: bigint; den: bigint; exp2: number } | 'zero' | 'overflow' {
  // The decimal mantissa becomes a bigint only here, on the slow path.
  const m = parts.mant ?? BigInt(parts.digits ?? '0');
  if (m === 0n) return 'zero';
  const limit = (1 << (f.exp - 1)) + f.mant + 8; // well past the largest and smallest exponents
  if (parts.exp10 !== undefined) {
    const e10 = parts.exp10;
    const digits = m.toString().length;
    if ((digits + e10) * 3.33 > limit) return 'overflow';
    if ((digits + e10) * 3.32 < -limit) return 'zero';
    return e10 >= 0 ? { num: m * 10n ** BigInt(e10), den: 1n, exp2: 0 } : { num: m, den: 10n ** BigInt(-e10), exp2: 0 };
  }
  const e2 = parts.exp2 ?? 0;
  const bits = bitLength(m);
  if (bits + e2 > limit) return 'overflow';
  if (bits + e2 < -limit) return 'zero';
  return { num: m, den: 1n, exp2: e2 };
}

/** An f64 literal's bits. */
export function parseF64(text: string, start: number, end: number): bigint {
  const parts = scanFloat(text, start, end);
  const sign = parts.neg ? 1n << 63n : 0n;
  switch (parts.kind) {
    case 'inf': return sign | 0x7ff0_0000_0000_0000n;
    case 'nan': {
      const payload = parts.payload ?? 1n << 51n;
      if (payload === 0n || payload >= 1n << 52n) throw RANGE;
      return sign | 0x7ff0_0000_0000_0000n | payload;
    }
    case 'dec': {
      // JavaScript's decimal conversion is correctly rounded to f64.
      const x = Number(parts.clean);
      if (!Number.isFinite(x)) throw RANGE;
      return bitsOfF64(x) | sign;
    }
    case 'hex': {
      const r = exactRatio(parts, F64);
      if (r === 'overflow') throw RANGE;
      if (r === 'zero') return sign;
      return sign | roundExact(r.num, r.den, r.exp2, F64);
    }
  }
}

/** An f32 literal's bits. */
export function parseF32(text: string, start: number, end: number): number {
  const parts = scanFloat(text, start, end);
  const sign = parts.neg ? 0x8000_0000 : 0;
  switch (parts.kind) {
    case 'inf': return (sign | 0x7f80_0000) >>> 0;
    case 'nan': {
      const payload = parts.payload ?? 1n << 22n;
      if (payload === 0n || payload >= 1n << 23n) throw RANGE;
      return (sign | 0x7f80_0000 | Number(payload)) >>> 0;
    }
    case 'dec': {
      const fast = f32ViaF64(Number(parts.clean));
      if (fast !== undefined) return fast;
      break;
    }
    case 'hex': break;
  }
  const r = exactRatio(parts, F32);
  if (r === 'overflow') throw RANGE;
  if (r === 'zero') return sign >>> 0;
  return (sign | Number(roundExact(r.num, r.den, r.exp2, F32))) >>> 0;
}

/**
 * Rounding the correctly rounded f64 `d` to f32 gives the correctly rounded f32 of the
 * literal unless `d` is exactly halfway between two f32s (every such midpoint is an f64,
 * so the literal cannot lie on the other side of one); undefined then, and for overflow.
 */
function f32ViaF64(d: number): number | undefined {
  if (!Number.isFinite(d)) throw RANGE;
  const f = Math.fround(d);
  if (f === d) return bitsOfF32(f);
  if (!Number.isFinite(f)) {
    // Overflowed: d is at or past the midpoint between the largest f32 and 2^128.
    const mid = Math.sign(d) * (3.4028234663852886e38 + 2 ** 103);
    if (d === mid) return undefined;
    throw RANGE;
  }
  // The f32 neighbour of f on d's side; d is a midpoint iff it is their average.
  const bits = bitsOfF32(f);
  const towardZero = Math.abs(d) < Math.abs(f);
  f32Bits[0] = towardZero ? bits - 1 : bits + 1;
  const other = f32Buf[0];
  if ((f + other) / 2 === d) return undefined;
  return bits;
}
