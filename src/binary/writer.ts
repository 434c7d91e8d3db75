// A growable byte buffer with the primitive encoders of the binary format. Always writes
// the canonical (shortest) LEB128 forms.
import type { U64 } from '../core/types.ts';

const utf8 = new TextEncoder();
const SCRATCH = new DataView(new ArrayBuffer(8));

export class Writer {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  u32(v: number): void {
    this.reserve(5);
    v >>>= 0;
    while (v >= 0x80) {
      this.buf[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.length++] = v;
  }

  /** Signed LEB128 of a number up to 2^53 in magnitude (s32 and s33). */
  sleb(v: number): void {
    this.reserve(8);
    for (;;) {
      const b = v & 0x7f;
      v = Math.floor(v / 128);
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.buf[this.length++] = b;
        return;
      }
      this.buf[this.length++] = b | 0x80;
    }
  }

  s64(v: bigint): void {
    // One conversion instead of two bigint comparisons; rounding only touches values past
    // 2^53, far from the bounds, so the test is exact.
    const n = Number(v);
    if (n >= -0x8000_0000 && n < 0x8000_0000) {
      this.sleb(n);
      return;
    }
    this.reserve(10);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.buf[this.length++] = b;
        return;
      }
      this.buf[this.length++] = b | 0x80;
    }
  }

  u64(v: U64): void {
    if (typeof v === 'number' && v <= 0xffff_ffff) {
      this.u32(v);
      return;
    }
    let big = BigInt(v);
    this.reserve(10);
    while (big >= 0x80n) {
      this.buf[this.length++] = Number(big & 0x7fn) | 0x80;
      big >>= 7n;
    }
    this.buf[this.length++] = Number(big);
  }

  fixed32(bits: number): void {
    this.reserve(4);
    const b = this.buf;
    b[this.length++] = bits & 0xff;
    b[this.length++] = (bits >>> 8) & 0xff;
    b[this.length++] = (bits >>> 16) & 0xff;
    b[this.length++] = (bits >>> 24) & 0xff;
  }

  fixed64(bits: bigint): void {
    // Through a DataView rather than bigint arithmetic, which allocates a bigint per step.
    SCRATCH.setBigUint64(0, bits, true);
    this.fixed32(SCRATCH.getUint32(0, true));
    this.fixed32(SCRATCH.getUint32(4, true));
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  name(s: string): void {
    const data = utf8.encode(s);
    this.u32(data.length);
    this.bytes(data);
  }

  /** Writes `inner`'s bytes preceded by their length. */
  sized(inner: Writer): void {
    this.u32(inner.length);
    this.bytes(inner.finish());
  }

  /** The bytes written so far (a view; copy it if the writer is used again). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
