// The lifting and lowering context (CanonicalABI.md, "Lifting and Lowering Context"): one per
// bound function (a `canon lift` or `canon lower` with its options), reused by every call.
// It holds the views of linear memory, refreshed only when the memory's buffer changed, the
// realloc option, the instance's handle table and the borrow scope of the current call.
import { Trap, type TrapKind } from '../../core/errors.ts';
import type { CallScope, HandleTable } from './api.ts';
import type { HintLog } from './string-hints.ts';

export type Core = number | bigint;
export type Realloc = (ptr: number, oldSize: number, align: number, newSize: number) => number;

const EMPTY = new Uint8Array(0);

export function trap(kind: TrapKind, detail?: string): never {
  throw new Trap(kind, detail);
}

export class Cx {
  readonly memory: WebAssembly.Memory | undefined;
  readonly reallocFn: Realloc | undefined;
  readonly handles: HandleTable;
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

  constructor(memory: WebAssembly.Memory | undefined, realloc: Realloc | undefined, handles: HandleTable) {
    this.memory = memory;
    this.reallocFn = realloc;
    this.handles = handles;
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

  /** Calls the realloc option (CanonicalABI.md, "LiftLowerContext.reallocate"). */
  realloc(old: number, oldSize: number, align: number, newSize: number): number {
    const f = this.reallocFn;
    if (f === undefined) throw new TypeError('this function needs the realloc canonical option');
    const p = f(old, oldSize, align, newSize) >>> 0;
    this.fresh();
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

  /** Checks a pointer to a spilled tuple (params or results) that core code handed over. */
  checkPtr(ptr: number, align: number, size: number): void {
    if ((ptr & (align - 1)) !== 0) trap('unaligned pointer');
    if (!this.inBounds(ptr, size)) trap('pointer out of bounds of memory');
  }
}
