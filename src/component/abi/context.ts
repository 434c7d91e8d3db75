// The lifting and lowering context (CanonicalABI.md, "Lifting and Lowering Context"): one per
// bound function (a `canon lift` or `canon lower` with its options), reused by every call.
// It holds the views of linear memory, refreshed only when the memory's buffer changed, the
// realloc option, the instance's handle table and the borrow scope of the current call.
//
// 🐘 With a 64-bit memory (`ptr_type()` i64) pointers and lengths cross core code as bigints
// (the JS API's i64) and are stored as u64s. Inside the ABI they are numbers all the same: a
// memory's buffer is an ArrayBuffer, far below 2^52 bytes, so `index64` maps every u64 to a
// number that compares the same against any real memory length and keeps the low bits the
// alignment checks look at; a u64 past 2^52 becomes 2^52 plus its low 16 bits, out of bounds
// of every memory and past every length limit, as it is in the spec.
import { Trap, type TrapKind } from '../../core/errors.ts';
import type { AddrType } from '../../core/types.ts';
import type { CallScope, HandleTable } from './api.ts';
import { UTF16_TAG } from './layout.ts';
import type { HintLog } from './string-hints.ts';
import { markWritten, writtenMapOf } from './written.ts';

export type Core = number | bigint;
/** The realloc option as core code exports it: numbers with a 32-bit memory, 🐘 bigints with a 64-bit one. */
export type Realloc = (ptr: Core, oldSize: Core, align: Core, newSize: Core) => Core;

const HUGE = 2 ** 52;
const HUGE_BIG = 2n ** 52n;
const TAG64 = 1n << 63n;

/** 🐘 A u64 pointer or length (a core i64, signed or not) as a number; see above. */
export function index64(x: Core): number {
  const u = BigInt.asUintN(64, x as bigint);
  return u < HUGE_BIG ? Number(u) : HUGE + Number(u & 0xffffn);
}

/**
 * 🐘 A latin1+utf16 length of a 64-bit memory (tag in bit 63, CanonicalABI.md `utf16_tag`) in
 * the ABI's 32-bit tagged form; a count past 2^31 - 1 is clamped there, past every limit.
 */
export function tagged64(x: Core): number {
  let u = BigInt.asUintN(64, x as bigint);
  const wide = u >= TAG64;
  if (wide) u -= TAG64;
  const n = u < 0x7fff_ffffn ? Number(u) : 0x7fff_ffff;
  return wide ? (n | UTF16_TAG) >>> 0 : n;
}

/** 🐘 A 32-bit tagged latin1+utf16 length as the u64 a 64-bit memory holds (tag in bit 63). */
export function untagged64(n: number): bigint {
  return (n & UTF16_TAG) !== 0 ? BigInt(n & 0x7fff_ffff) | TAG64 : BigInt(n);
}

const EMPTY = new Uint8Array(0);

export function trap(kind: TrapKind, detail?: string): never {
  throw new Trap(kind, detail);
}

/**
 * How pointers and lengths of one address type move (CanonicalABI.md, `ptr_type`,
 * `ptr_size`): between core values and numbers, and in and out of memory.
 */
export interface PtrOps {
  readonly size: 4 | 8;
  /** A core pointer or length (an i32 number, or 🐘 an i64 bigint) as a number. */
  readonly lift: (x: Core) => number;
  /** A number as the core value of a pointer or length. */
  readonly lower: (n: number) => Core;
  /** A pointer or length stored in memory at `p` (in bounds). */
  readonly load: (cx: Cx, p: number) => number;
  readonly store: (cx: Cx, p: number, n: number) => void;
}

const PTR32: PtrOps = {
  size: 4,
  lift: (x) => (x as number) >>> 0,
  lower: (n) => n,
  load: (cx, p) => cx.dv.getUint32(p, true),
  store: (cx, p, n) => { cx.dv.setUint32(p, n, true); },
};

const PTR64: PtrOps = {
  size: 8,
  lift: index64,
  lower: (n) => BigInt(n),
  load: (cx, p) => index64(cx.dv.getBigUint64(p, true)),
  store: (cx, p, n) => { cx.dv.setBigUint64(p, BigInt(n), true); },
};

/** 🐘 latin1+utf16 lengths of a 64-bit memory carry their tag in bit 63. */
const TAGGED64: PtrOps = {
  size: 8,
  lift: tagged64,
  lower: untagged64,
  load: (cx, p) => tagged64(cx.dv.getBigUint64(p, true)),
  store: (cx, p, n) => { cx.dv.setBigUint64(p, untagged64(n), true); },
};

export function ptrOps(addr: AddrType): PtrOps {
  return addr === 'i64' ? PTR64 : PTR32;
}

/** The operations of a string's (tagged) code-unit count. */
export function stringLengthOps(addr: AddrType, encoding: string): PtrOps {
  return addr === 'i32' ? PTR32 : encoding === 'latin1+utf16' ? TAGGED64 : PTR64;
}

export class Cx {
  readonly memory: WebAssembly.Memory | undefined;
  readonly reallocFn: Realloc | undefined;
  readonly handles: HandleTable;
  /** 🐘 The memory is 64-bit: realloc takes and returns bigints. */
  readonly wide: boolean;
  /**
   * The memory's written-block map when its host tracks writes (written.ts): every area the
   * ABI writes into is marked, as realloc'd (strings, lists, spilled tuples) or as a result
   * area checked by checkPtr.
   */
  readonly written: Uint8Array | undefined;
  u8: Uint8Array = EMPTY;
  dv: DataView = new DataView(EMPTY.buffer);
  /** TextDecoder refuses views of a SharedArrayBuffer in browsers: decode a copy then. */
  shared = false;
  /** The borrow scope of the call in progress (only for types with handles). */
  scope: CallScope | undefined = undefined;
  /** Strings lifted or lowered in this step record or consume transcoding hints here. */
  hints: HintLog | undefined = undefined;
  /** The tagged length of the string `storeString` just wrote (its pointer is returned). */
  strLen = 0;
  /** The length of the list `store_list_into_range` just wrote. */
  listLen = 0;

  constructor(memory: WebAssembly.Memory | undefined, realloc: Realloc | undefined, handles: HandleTable, addr: AddrType = 'i32') {
    this.memory = memory;
    this.reallocFn = realloc;
    this.handles = handles;
    this.wide = addr === 'i64';
    this.written = writtenMapOf(memory);
    if (memory !== undefined) this.refresh();
  }

  /**
   * Re-reads the memory's buffer. A non-shared buffer is detached when the memory grows, and a
   * detached view has length 0, which `fresh` tests cheaply; a shared memory keeps old views
   * valid but short, which `inBounds` catches before reporting a trap.
   */
  refresh(): void {
    const b = this.memory!.buffer;
    if (b !== this.u8.buffer) {
      this.u8 = new Uint8Array(b);
      this.dv = new DataView(b);
      this.shared = !(b instanceof ArrayBuffer);
    }
  }

  fresh(): void {
    if (this.u8.length === 0 && this.memory !== undefined) this.refresh();
  }

  /** True if `[ptr, ptr + len)` lies in memory; pointers and lengths are unsigned. */
  inBounds(ptr: number, len: number): boolean {
    if (ptr + len <= this.u8.length) return true;
    if (this.memory === undefined) return false;
    this.refresh();
    return ptr + len <= this.u8.length;
  }

  /**
   * Calls the realloc option (CanonicalABI.md, "LiftLowerContext.reallocate": its core type
   * is `(func (param T T T T) (result T))`, T the memory's `ptr_type`).
   */
  realloc(old: number, oldSize: number, align: number, newSize: number): number {
    const f = this.reallocFn;
    if (f === undefined) throw new TypeError('this function needs the realloc canonical option');
    const p = this.wide
      ? index64(f(BigInt(old), BigInt(oldSize), BigInt(align), BigInt(newSize)))
      : (f(old, oldSize, align, newSize) as number) >>> 0;
    this.fresh();
    // Whatever the ABI writes next, it writes inside [p, p + newSize).
    if (this.written !== undefined) markWritten(this.written, p, newSize);
    return p;
  }

  /**
   * Allocates `size` bytes for a list or a spilled tuple and checks the result as the spec's
   * `trap_if`s do. The messages carry both wasmtime phrasings: its host path names the
   * realloc return, its fused adapters name the content.
   */
  alloc(align: number, size: number, what: 'list content out-of-bounds' | 'string content out-of-bounds' | 'pointer out of bounds of memory'): number {
    const p = this.realloc(0, 0, align, size);
    if ((p & (align - 1)) !== 0) trap('unaligned pointer', 'realloc return: result not aligned');
    if (!this.inBounds(p, size)) trap(what, 'realloc return: beyond end of memory');
    return p;
  }

  /**
   * Checks a pointer to a spilled tuple (params or results) that core code handed over. The
   * area is marked written: results are stored there (marking an area only read costs a
   * block copy at the next reset, nothing else).
   */
  checkPtr(ptr: number, align: number, size: number): void {
    if ((ptr & (align - 1)) !== 0) trap('unaligned pointer');
    if (!this.inBounds(ptr, size)) trap('pointer out of bounds of memory');
    if (this.written !== undefined) markWritten(this.written, ptr, size);
  }
}
