// The guest's linear memory as the host functions see it. A memory that grows gets a new
// buffer, so views are refreshed at the start of each call (a cheap identity check). Every
// pointer and length the guest passes is checked; out of range is EFAULT, as wasmtime's
// wiggle reports `PtrOutOfBounds` (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md
// leaves it to the host).
import { EFAULT, EILSEQ, type Errno } from '../vfs/errno.ts';

/** Anything with the memory's current buffer: a Tessera MemoryExtern or a WebAssembly.Memory. */
export interface MemorySource {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

export class GuestMemory {
  #source: MemorySource | undefined;
  #buffer: ArrayBuffer | SharedArrayBuffer | undefined;
  u8: Uint8Array = new Uint8Array(0);
  dv: DataView = new DataView(new ArrayBuffer(0));

  bind(source: MemorySource): void {
    this.#source = source;
    this.#buffer = undefined;
    this.refresh();
  }

  get bound(): boolean {
    return this.#source !== undefined;
  }

  /** Re-reads the buffer if the memory grew. Call at the start of every host function. */
  refresh(): this {
    const b = this.#source?.buffer;
    if (b !== this.#buffer && b !== undefined) {
      this.#buffer = b;
      this.u8 = new Uint8Array(b);
      this.dv = new DataView(b);
    }
    return this;
  }

  /** True if `[ptr, ptr + len)` lies inside memory (both as unsigned 32-bit numbers). */
  ok(ptr: number, len: number): boolean {
    return (ptr >>> 0) + (len >>> 0) <= this.u8.length;
  }

  /** The bytes at `[ptr, ptr + len)`, or EFAULT. */
  bytes(ptr: number, len: number): Uint8Array | Errno {
    const p = ptr >>> 0;
    const n = len >>> 0;
    if (p + n > this.u8.length) return EFAULT;
    return this.u8.subarray(p, p + n);
  }

  /** A UTF-8 string at `[ptr, ptr + len)`, or EFAULT / EILSEQ. */
  string(ptr: number, len: number): string | Errno {
    const b = this.bytes(ptr, len);
    if (typeof b === 'number') return b;
    try {
      return utf8.decode(b);
    } catch {
      return EILSEQ;
    }
  }

  u32(ptr: number): number {
    return this.dv.getUint32(ptr >>> 0, true);
  }

  /** Stores a u32; false if out of bounds. */
  setU32(ptr: number, v: number): boolean {
    if (!this.ok(ptr, 4)) return false;
    this.dv.setUint32(ptr >>> 0, v, true);
    return true;
  }

  setU64(ptr: number, v: bigint): boolean {
    if (!this.ok(ptr, 8)) return false;
    this.dv.setBigUint64(ptr >>> 0, BigInt.asUintN(64, v), true);
    return true;
  }

  /**
   * The buffers of an iovec array (`{ buf: u32, buf_len: u32 }` each), or EFAULT. The views
   * alias guest memory; they are valid until the memory grows.
   */
  iovecs(ptr: number, count: number): Uint8Array[] | Errno {
    const p = ptr >>> 0;
    const n = count >>> 0;
    if (!this.ok(p, n * 8) || n * 8 > 0xffffffff) return EFAULT;
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const b = this.bytes(this.dv.getUint32(p + i * 8, true), this.dv.getUint32(p + i * 8 + 4, true));
      if (typeof b === 'number') return b;
      out.push(b);
    }
    return out;
  }
}

export function encodeUtf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}
