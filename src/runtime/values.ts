// Tessera's representation of WebAssembly values at run time
// (https://webassembly.github.io/spec/core/exec/runtime.html#values).
//
// Every value is exact: i64 is a bigint, floats are held by their bits (a JS number would
// quiet a signalling NaN or lose an f32 payload on the way through f64), v128 is 16 bytes.
// The shapes mirror the constant instructions of the AST (`i32.const` has `value`,
// `f32.const` has `bits`), so a constant expression and a value read alike.

/** A host reference: an opaque value the embedder passes in as `externref` (or `anyref`). */
export class HostRef {
  /** What the embedder attached; the spec's scripts use numbers (`ref.extern 1`). */
  readonly id: unknown;
  private constructor(id: unknown) {
    this.id = id;
  }

  static readonly #interned = new Map<unknown, HostRef>();

  /**
   * The host reference for `id`, the same object each time: equal host references are the
   * same reference in the spec, and `ref.eq` after `any.convert_extern` must see that.
   */
  static of(id: unknown): HostRef {
    let r = HostRef.#interned.get(id);
    if (r === undefined) {
      r = new HostRef(id);
      HostRef.#interned.set(id, r);
    }
    return r;
  }
}

/** What a non-null reference produced by WebAssembly code is. */
export type WasmRefKind = 'func' | 'i31' | 'struct' | 'array' | 'exn' | 'extern';

/**
 * A reference made by WebAssembly code, held for the engine that made it: a function, an
 * i31, a struct or array, an exception, or an externalised internal reference. `handle` is
 * the engine's own value; only that engine can pass it back in.
 */
export class WasmRef {
  readonly kind: WasmRefKind;
  readonly handle: unknown;
  constructor(kind: WasmRefKind, handle: unknown) {
    this.kind = kind;
    this.handle = handle;
  }
}

export type Ref = null | HostRef | WasmRef;

export type Value =
  | { readonly type: 'i32'; readonly value: number }
  | { readonly type: 'i64'; readonly value: bigint }
  /** The IEEE 754 bits as an unsigned 32-bit integer. */
  | { readonly type: 'f32'; readonly bits: number }
  /** The IEEE 754 bits as an unsigned 64-bit integer. */
  | { readonly type: 'f64'; readonly bits: bigint }
  | { readonly type: 'v128'; readonly bytes: Uint8Array }
  | { readonly type: 'ref'; readonly ref: Ref };

export const i32 = (value: number): Value => ({ type: 'i32', value: value | 0 });
export const i64 = (value: bigint): Value => ({ type: 'i64', value: BigInt.asIntN(64, value) });
export const f32Bits = (bits: number): Value => ({ type: 'f32', bits: bits >>> 0 });
export const f64Bits = (bits: bigint): Value => ({ type: 'f64', bits: BigInt.asUintN(64, bits) });
export const v128 = (bytes: Uint8Array): Value => ({ type: 'v128', bytes });
export const ref = (r: Ref): Value => ({ type: 'ref', ref: r });

const scratch = new DataView(new ArrayBuffer(8));

/** An f32 from a JS number (rounded to single precision). */
export function f32(n: number): Value {
  scratch.setFloat32(0, n, true);
  return f32Bits(scratch.getUint32(0, true));
}

export function f64(n: number): Value {
  scratch.setFloat64(0, n, true);
  return f64Bits(scratch.getBigUint64(0, true));
}

/** The number an f32's bits stand for (a NaN payload is not kept). */
export function f32ToNumber(bits: number): number {
  scratch.setUint32(0, bits, true);
  return scratch.getFloat32(0, true);
}

export function f64ToNumber(bits: bigint): number {
  scratch.setBigUint64(0, BigInt.asUintN(64, bits), true);
  return scratch.getFloat64(0, true);
}

/** A value as text, for messages: `i32:42`, `f32:0x7fc00000 (nan)`, `v128:00 01 ...`. */
export function formatValue(v: Value): string {
  switch (v.type) {
    case 'i32': return `i32:${v.value}`;
    case 'i64': return `i64:${v.value}`;
    case 'f32': return `f32:0x${v.bits.toString(16).padStart(8, '0')} (${f32ToNumber(v.bits)})`;
    case 'f64': return `f64:0x${v.bits.toString(16).padStart(16, '0')} (${f64ToNumber(v.bits)})`;
    case 'v128': return `v128:${[...v.bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
    case 'ref': return `ref:${formatRef(v.ref)}`;
  }
}

function formatRef(r: Ref): string {
  if (r === null) return 'null';
  if (r instanceof HostRef) return `host ${String(r.id)}`;
  return r.kind;
}
