// A cursor over binary bytes with the primitive decoders of the binary format
// (https://webassembly.github.io/spec/core/binary/values.html). Positions are absolute in
// the original buffer, so every DecodeError carries an absolute offset. `end` is the limit
// of the current scope (a section or a function body).
import { DecodeError } from '../core/errors.ts';
import { ALL_FEATURES, type FeatureSet } from '../core/features.ts';
import type { U64 } from '../core/types.ts';

// ignoreBOM keeps a leading U+FEFF: it is part of a name, not a marker to strip.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class Reader {
  readonly bytes: Uint8Array;
  pos: number;
  end: number;
  /** The features the input may use. */
  readonly features: FeatureSet;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length, features: FeatureSet = ALL_FEATURES) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
    this.features = features;
  }

  /** A reader over [pos, end) of the same bytes, with the same features. */
  sub(pos: number, end: number): Reader {
    return new Reader(this.bytes, pos, end, this.features);
  }

  fail(message: string, at = this.pos): never {
    throw new DecodeError(message, at);
  }

  /** Running past the end of a section or body; the spec's phrase for it. */
  unexpectedEnd(): never {
    throw new DecodeError('unexpected end of section or function', this.end);
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) this.unexpectedEnd();
    return this.bytes[this.pos++];
  }

  peek(): number {
    if (this.pos >= this.end) this.unexpectedEnd();
    return this.bytes[this.pos];
  }

  /** LEB128 u32; one-byte values take the fast path. */
  u32(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.bytes[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    return this.uleb32();
  }

  private uleb32(): number {
    let result = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const b = this.u8();
      result |= (b & 0x7f) << shift;
      if (b < 0x80) return result >>> 0;
    }
    const b = this.u8();
    if ((b & 0x7f) > 0x0f) this.fail('integer too large', this.pos - 1);
    if (b & 0x80) this.fail('integer representation too long');
    return (result | (b << 28)) >>> 0;
  }

  /** LEB128 s32. */
  s32(): number {
    let result = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const b = this.u8();
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        const unused = 32 - (shift + 7);
        return (result << unused) >> unused;
      }
    }
    const b = this.u8();
    const high = b & 0x78;
    if (high !== 0 && high !== 0x78) this.fail('integer too large', this.pos - 1);
    if (b & 0x80) this.fail('integer representation too long');
    return result | (b << 28);
  }

  /** LEB128 s33, as used by block types and heap types; returns a JS number. */
  s33(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) return b & 0x40 ? result - mul : result;
    }
    const b = this.u8();
    const high = b & 0x70;
    if (high !== 0 && high !== 0x70) this.fail('integer too large', this.pos - 1);
    if (b & 0x80) this.fail('integer representation too long');
    // The fifth byte holds bits 28-32; bit 32 is the sign.
    result += (b & 0x1f) * mul;
    return b & 0x10 ? result - mul * 32 : result;
  }

  /** LEB128 s64 as a bigint. */
  s64(): bigint {
    // Most constants are small: decode up to 4 bytes as a number.
    let small = 0;
    let shift = 0;
    const start = this.pos;
    for (; shift < 28; shift += 7) {
      const b = this.u8();
      small |= (b & 0x7f) << shift;
      if (b < 0x80) {
        const unused = 32 - (shift + 7);
        return BigInt((small << unused) >> unused);
      }
    }
    this.pos = start;
    let result = 0n;
    for (let i = 0; i < 9; i++) {
      const b = this.u8();
      result |= BigInt(b & 0x7f) << BigInt(i * 7);
      if (b < 0x80) return BigInt.asIntN(64, b & 0x40 ? result - (1n << BigInt(i * 7 + 7)) : result);
    }
    const b = this.u8();
    this.s64Last(b);
    return BigInt.asIntN(64, result | (BigInt(b & 1) << 63n));
  }

  /** Steps over an s64 with the checks of s64, without building its value (a bigint). */
  skipS64(): void {
    for (let i = 0; i < 9; i++) if (this.u8() < 0x80) return;
    this.s64Last(this.u8());
  }

  /** The tenth byte of an s64: only the sign bit, extended, and no continuation. */
  private s64Last(b: number): void {
    if ((b & 0x7f) !== 0 && (b & 0x7f) !== 0x7f) this.fail('integer too large', this.pos - 1);
    if (b & 0x80) this.fail('integer representation too long');
  }

  /** LEB128 u64: a number when it is a safe integer, a bigint otherwise. */
  u64(): U64 {
    // Up to 7 bytes (49 bits) are exact as a number; longer encodings take the bigint loop.
    const start = this.pos;
    let small = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      const b = this.u8();
      small += (b & 0x7f) * mul;
      if (b < 0x80) return small;
      mul *= 128;
    }
    this.pos = start;
    let result = 0n;
    for (let i = 0; i < 9; i++) {
      const b = this.u8();
      result |= BigInt(b & 0x7f) << BigInt(i * 7);
      if (b < 0x80) return toU64(result);
    }
    const b = this.u8();
    if ((b & 0x7f) > 1) this.fail('integer too large', this.pos - 1);
    if (b & 0x80) this.fail('integer representation too long');
    return toU64(result | (BigInt(b) << 63n));
  }

  /** A little-endian u32 (the bits of an f32). */
  fixed32(): number {
    if (this.pos + 4 > this.end) this.unexpectedEnd();
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** A little-endian u64 (the bits of an f64). */
  fixed64(): bigint {
    const lo = this.fixed32();
    const hi = this.fixed32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** `n` raw bytes, as a view into the input (no copy). */
  bytesView(n: number): Uint8Array {
    if (n > this.end - this.pos) this.unexpectedEnd();
    const view = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  /** Steps over `n` raw bytes (fixed-width immediates a consumer does not need). */
  skip(n: number): void {
    if (n > this.end - this.pos) this.unexpectedEnd();
    this.pos += n;
  }

  /** A vector length; it cannot exceed the bytes left, since no item is empty. */
  count(): number {
    const at = this.pos;
    const n = this.u32();
    if (n > this.end - this.pos) this.fail('unexpected end of section or function', at);
    return n;
  }

  /** A name: a length-prefixed UTF-8 string. */
  name(): string {
    const at = this.pos;
    const n = this.u32();
    if (n > this.end - this.pos) this.fail('length out of bounds', at);
    const b = this.bytes;
    const start = this.pos;
    const stop = start + n;
    this.pos = stop;
    if (n <= 64) {
      let s = '';
      let i = start;
      for (; i < stop; i++) {
        const c = b[i];
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === stop) return s;
    }
    try {
      return utf8.decode(b.subarray(start, stop));
    } catch {
      return this.fail('malformed UTF-8 encoding', at);
    }
  }
}

function toU64(v: bigint): U64 {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
