// 🔀 The elements of stream and future buffers (CanonicalABI.md, "Buffer State":
// BufferGuestImpl, `load_list_from_valid_range`, `store_list_into_valid_range`). A buffer is a
// (pointer, length) region of one component's memory; values move between two buffers (or a
// buffer and JavaScript) as chunks. Numbers move as raw bytes (loading then storing a number
// is the identity, so a stream<u8> between components is one memory copy); other element types
// are lifted into JavaScript values and lowered again; a stream or future without an element
// type moves only a count.
import { Trap } from '../../core/errors.ts';
import type { VT } from '../validate/model.ts';
import type { HandleTable, JsShape, LiftLowerOptions } from './api.ts';
import { Cx } from './context.ts';
import { shapeOf } from './layout.ts';
import { compilePlan } from './plan.ts';
import { markWritten } from './written.ts';

/** Buffer.MAX_LENGTH. */
export const MAX_BUFFER_LENGTH = 2 ** 28 - 1;

/** A run of elements: raw bytes (numbers), JavaScript values (others), or a count (no type). */
export type Chunk = Uint8Array | unknown[] | number;

export function chunkLength(c: Chunk, size: number): number {
  if (typeof c === 'number') return c;
  if (c instanceof Uint8Array) return size === 0 ? 0 : c.length / size;
  return c.length;
}

type TypedClass = { new(b: ArrayBufferLike, off: number, n: number): ArrayBufferView; readonly BYTES_PER_ELEMENT: number };

const RAW: Partial<Record<string, TypedClass>> = {
  u8: Uint8Array, s8: Int8Array, u16: Uint16Array, s16: Int16Array, u32: Uint32Array, s32: Int32Array,
  u64: BigUint64Array, s64: BigInt64Array, f32: Float32Array, f64: Float64Array,
};

/** `none_or_number_type`: no element type, or a number type. */
export function noneOrNumber(t: VT | undefined): boolean {
  if (t === undefined) return true;
  const s = shapeOf(t);
  return s.kind === 'prim' && RAW[s.type] !== undefined;
}

/** The typed array class of a number element type, undefined for others. */
export function rawClass(t: VT | undefined): TypedClass | undefined {
  if (t === undefined) return undefined;
  const s = shapeOf(t);
  return s.kind === 'prim' ? RAW[s.type] : undefined;
}

/** Raw bytes as the JavaScript value of a chunk: a typed array of the element type (a copy). */
export function bytesToTyped(t: VT | undefined, bytes: Uint8Array): ArrayBufferView {
  const C = rawClass(t);
  if (C === undefined || C === Uint8Array) return bytes;
  const copy = bytes.byteOffset % C.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
  return new C(copy.buffer, copy.byteOffset, copy.length / C.BYTES_PER_ELEMENT);
}

/** A chunk given by JavaScript for a number element type, as raw bytes (no copy when it can). */
export function typedToBytes(t: VT | undefined, v: unknown): Uint8Array {
  const C = rawClass(t)!;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (Array.isArray(v)) {
    const a = new (C as unknown as { new(n: number): ArrayBufferView & { [i: number]: unknown } })(v.length);
    for (let i = 0; i < v.length; i++) a[i] = v[i];
    return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  }
  throw new TypeError('expected a typed array, an ArrayBuffer or an array of numbers as a stream chunk');
}

/** The elements of one stream or future type, bound to a canonical definition's options. */
export interface BufferValues {
  readonly type: VT | undefined;
  /** No element type: only counts move. */
  readonly unit: boolean;
  /** A number type: elements move as bytes. */
  readonly raw: boolean;
  readonly size: number;
  readonly align: number;
  /** BufferGuestImpl's constructor checks: length, alignment and bounds. */
  check(ptr: number, length: number): void;
  /** `n` elements at `ptr`: a view of memory for numbers (valid until wasm runs again), values otherwise. */
  load(ptr: number, n: number): Chunk;
  /** Stores a chunk's elements at `ptr` (the caller checked that they fit). */
  store(c: Chunk, ptr: number): void;
}

function bad(detail: string): never {
  throw new Trap('pointer out of bounds of memory', detail);
}

export function bufferValues(t: VT | undefined, opts: LiftLowerOptions, handles: HandleTable, shape: JsShape): BufferValues {
  const addr = opts.addrType ?? 'i32';
  const cx = new Cx(opts.memory, opts.realloc, handles, addr);
  if (t === undefined) {
    return {
      type: t, unit: true, raw: false, size: 0, align: 1,
      check(_ptr, length) { if (length > MAX_BUFFER_LENGTH) throw new Trap('list content out-of-bounds', 'stream read/write count too large'); },
      load: (_ptr, n) => n,
      store: () => {},
    };
  }
  const plan = compilePlan(t, { encoding: opts.encoding, camel: shape.names === 'camel', addr });
  const size = plan.size;
  const align = plan.align;
  const raw = rawClass(t) !== undefined;
  return {
    type: t, unit: false, raw, size, align,
    check(ptr, length) {
      if (length > MAX_BUFFER_LENGTH) throw new Trap('list content out-of-bounds', 'stream read/write count too large');
      if (length === 0) return;
      if (cx.memory === undefined) throw new TypeError('this stream or future built-in needs the memory canonical option');
      if ((ptr & (align - 1)) !== 0) throw new Trap('unaligned pointer', 'buffer pointer not aligned');
      cx.fresh();
      if (!cx.inBounds(ptr, length * size)) bad('buffer out of bounds of memory');
    },
    load(ptr, n) {
      cx.fresh();
      if (raw) return cx.u8.subarray(ptr, ptr + n * size);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = plan.load(cx, ptr + i * size);
      return out;
    },
    store(c, ptr) {
      cx.fresh();
      // A stream or future read lands in the reader's buffer: mark it (written.ts).
      if (cx.written !== undefined) markWritten(cx.written, ptr, chunkLength(c, size) * size);
      if (raw) {
        cx.u8.set(c as Uint8Array, ptr);
        return;
      }
      const vs = c as unknown[];
      for (let i = 0; i < vs.length; i++) {
        plan.store(cx, vs[i], ptr + i * size);
        cx.fresh();
      }
    },
  };
}
