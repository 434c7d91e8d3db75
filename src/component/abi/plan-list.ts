// Lists (CanonicalABI.md, `load_list`, `store_list`, `lift_flat_list`, `lower_flat_list`):
// a (pointer, length) pair to elements laid out at `elem_size` strides, or, for a fixed-size
// list, the elements inline like a tuple's. Numeric elements cross as typed arrays, copied
// in one operation; a map is a list of (key, value) tuples.
import type { VT } from '../validate/model.ts';
import { ptrOps, trap, type Core, type Cx, type PtrOps } from './context.ts';
import { MAX_LIST_BYTE_LENGTH, shapeOf } from './layout.ts';
import { base, compilePlan, describe, type Plan, type PlanOptions } from './plan.ts';

type TypedArray =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
  | BigUint64Array | BigInt64Array | Float32Array | Float64Array;
type TypedArrayClass = { new(n: number): TypedArray; new(b: ArrayBufferLike, off: number, n: number): TypedArray; readonly BYTES_PER_ELEMENT: number };

const TYPED: Partial<Record<string, TypedArrayClass>> = {
  u8: Uint8Array, s8: Int8Array, u16: Uint16Array, s16: Int16Array, u32: Uint32Array, s32: Int32Array,
  u64: BigUint64Array, s64: BigInt64Array, f32: Float32Array, f64: Float64Array,
};

function typedClass(element: VT): TypedArrayClass | undefined {
  const s = shapeOf(element);
  return s.kind === 'prim' ? TYPED[s.type] : undefined;
}

/** A list value as an indexable sequence (a Map or other iterable is spread once). */
function items(v: unknown, map: boolean): ArrayLike<unknown> {
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return v as unknown as ArrayLike<unknown>;
  if (typeof v === 'object' && v !== null) {
    if (Symbol.iterator in v) return Array.from(v as Iterable<unknown>);
    if (typeof (v as { length?: unknown }).length === 'number') return v as ArrayLike<unknown>;
  }
  throw new TypeError(`expected ${map ? 'a Map or an array of [key, value] pairs (map)' : 'an array (list)'}, got ${describe(v)}`);
}

/**
 * A copy of `bytes` bytes of memory as a typed array. `slice` allocates without zeroing and
 * copies in one step (cheaper than `new Typed(n)` and `set`, which also zero-fills).
 */
function copyOut(cx: Cx, Typed: TypedArrayClass, ptr: number, bytes: number): TypedArray {
  const copy = cx.u8.slice(ptr, ptr + bytes);
  return Typed === Uint8Array ? copy : new Typed(copy.buffer, 0, bytes / Typed.BYTES_PER_ELEMENT);
}

export function listPlan(t: VT, element: VT, length: number | undefined, map: boolean, o: PlanOptions): Plan {
  const b = base(t, o.addr);
  const elem = compilePlan(element, o);
  const size = elem.size;
  const align = elem.align;
  const Typed = typedClass(element);
  return length === undefined ? dynamicList(b, elem, size, align, Typed, map, ptrOps(o.addr)) : fixedList(b, elem, length, Typed);
}

function dynamicList(b: ReturnType<typeof base>, elem: Plan, size: number, align: number, Typed: TypedArrayClass | undefined, map: boolean, ptr: PtrOps): Plan {
  /** `load_list_from_range`. */
  const loadRange = (cx: Cx, ptr: number, len: number): unknown => {
    const bytes = len * size;
    if (bytes > MAX_LIST_BYTE_LENGTH) trap('list content out-of-bounds', `list byte length ${bytes} exceeds 2^28 - 1`);
    if ((ptr & (align - 1)) !== 0) trap('unaligned pointer', 'list pointer not aligned');
    if (ptr + bytes > cx.u8.length && !cx.inBounds(ptr, bytes)) trap('list content out-of-bounds', 'list pointer/length out of bounds of memory');
    if (Typed !== undefined) return copyOut(cx, Typed, ptr, bytes);
    const a = new Array<unknown>(len);
    for (let k = 0; k < len; k++) a[k] = elem.load(cx, ptr + k * size);
    return a;
  };

  /** `store_list_into_range`: returns the pointer; the length is left in `cx.listLen`. */
  const storeRange = (cx: Cx, v: unknown): number => {
    if (Typed !== undefined && v instanceof Typed) {
      const n = v.length;
      const bytes = n * size;
      const ptr = cx.alloc(align, bytes, 'list content out-of-bounds');
      cx.u8.set(v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, bytes), ptr);
      cx.listLen = n;
      return ptr;
    }
    const a = items(v, map);
    const n = a.length;
    const ptr = cx.alloc(align, n * size, 'list content out-of-bounds');
    for (let k = 0; k < n; k++) elem.store(cx, a[k], ptr + k * size);
    cx.listLen = n;
    return ptr;
  };

  if (ptr.size === 8) {
    // 🐘 A 64-bit memory: the (pointer, length) pair is two u64s, i64 core values when flat.
    return {
      ...b,
      range: { load: loadRange, store: storeRange },
      liftFlat: (cx, f, i) => loadRange(cx, ptr.lift(f[i]), ptr.lift(f[i + 1])),
      lowerFlat: (cx, v, out, i) => {
        out[i] = ptr.lower(storeRange(cx, v));
        out[i + 1] = ptr.lower(cx.listLen);
      },
      load: (cx, p) => loadRange(cx, ptr.load(cx, p), ptr.load(cx, p + 8)),
      store: (cx, v, p) => {
        const at = storeRange(cx, v);
        ptr.store(cx, p, at);
        ptr.store(cx, p + 8, cx.listLen);
      },
    };
  }
  return {
    ...b,
    range: { load: loadRange, store: storeRange },
    liftFlat: (cx, f, i) => loadRange(cx, (f[i] as number) >>> 0, (f[i + 1] as number) >>> 0),
    lowerFlat: (cx, v, out, i) => {
      out[i] = storeRange(cx, v);
      out[i + 1] = cx.listLen;
    },
    load: (cx, p) => loadRange(cx, cx.dv.getUint32(p, true), cx.dv.getUint32(p + 4, true)),
    store: (cx, v, p) => {
      const at = storeRange(cx, v);
      cx.dv.setUint32(p, at, true);
      cx.dv.setUint32(p + 4, cx.listLen, true);
    },
  };
}

function fixedList(b: ReturnType<typeof base>, elem: Plan, length: number, Typed: TypedArrayClass | undefined): Plan {
  const size = elem.size;
  const ef = elem.flat.length;
  const check = (v: unknown): ArrayLike<unknown> => {
    const a = items(v, false);
    if (a.length !== length) throw new TypeError(`expected a list of exactly ${length} elements, got ${a.length}`);
    return a;
  };
  const fresh = (): { [k: number]: unknown } => Typed !== undefined ? new Typed(length) : new Array<unknown>(length);
  return {
    ...b,
    liftFlat: (cx: Cx, f: ArrayLike<Core>, i: number) => {
      const a = fresh();
      for (let k = 0; k < length; k++) a[k] = elem.liftFlat(cx, f, i + k * ef);
      return a;
    },
    lowerFlat: (cx, v, out, i) => {
      const a = check(v);
      for (let k = 0; k < length; k++) elem.lowerFlat(cx, a[k], out, i + k * ef);
    },
    load: (cx, p) => {
      if (Typed !== undefined) return copyOut(cx, Typed, p, length * size);
      const a = new Array<unknown>(length);
      for (let k = 0; k < length; k++) a[k] = elem.load(cx, p + k * size);
      return a;
    },
    store: (cx, v, p) => {
      if (Typed !== undefined && v instanceof Typed && v.length === length) {
        cx.u8.set(new Uint8Array(v.buffer, v.byteOffset, length * size), p);
        return;
      }
      const a = check(v);
      for (let k = 0; k < length; k++) elem.store(cx, a[k], p + k * size);
    },
  };
}
