// Plans for the scalar types, strings, flags and handles (CanonicalABI.md, "Loading",
// "Storing", "Flat Lifting", "Flat Lowering"). Integers narrower than 32 bits ignore the high
// bits of their core i32 when lifted (lift_flat_signed/unsigned); floats lift with one NaN
// (JavaScript has only one); a char is checked to be a Unicode scalar value.
import { LinkError } from '../../core/errors.ts';
import type { PrimValType } from '../codes.ts';
import type { TypeEntry, VT } from '../validate/model.ts';
import { ptrOps, stringLengthOps, trap, type Core, type Cx } from './context.ts';
import { flagsSize } from './layout.ts';
import { base, describe, type Plan, type PlanOptions } from './plan.ts';
import { stringLift, stringLower } from './string.ts';
import { toCamelCase } from './names.ts';

function bad(type: string, v: unknown): never {
  throw new TypeError(`expected ${type}, got ${describe(v)}`);
}

export function toBool(v: unknown): number {
  if (typeof v !== 'boolean') bad('a boolean (bool)', v);
  return v ? 1 : 0;
}

function intIn(v: unknown, lo: number, hi: number, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) bad(`an integer in ${lo}..${hi} (${name})`, v);
  return v;
}

export function toU8(v: unknown): number { return intIn(v, 0, 0xff, 'u8'); }
export function toS8(v: unknown): number { return intIn(v, -0x80, 0x7f, 's8'); }
export function toU16(v: unknown): number { return intIn(v, 0, 0xffff, 'u16'); }
export function toS16(v: unknown): number { return intIn(v, -0x8000, 0x7fff, 's16'); }

export function toU32(v: unknown): number {
  if (typeof v === 'number' && v >>> 0 === v) return v;
  return bad('an integer in 0..4294967295 (u32)', v);
}

export function toS32(v: unknown): number {
  if (typeof v === 'number' && (v | 0) === v) return v;
  return bad('an integer in -2147483648..2147483647 (s32)', v);
}

export function toU64(v: unknown): bigint {
  if (typeof v === 'bigint') {
    if (v >= 0n && v <= 0xffff_ffff_ffff_ffffn) return v;
  } else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) {
    return BigInt(v);
  }
  return bad('a bigint in 0..2^64-1 (u64)', v);
}

export function toS64(v: unknown): bigint {
  if (typeof v === 'bigint') {
    if (v >= -0x8000_0000_0000_0000n && v <= 0x7fff_ffff_ffff_ffffn) return v;
  } else if (typeof v === 'number' && Number.isSafeInteger(v)) {
    return BigInt(v);
  }
  return bad('a bigint in -2^63..2^63-1 (s64)', v);
}

export function toFloat(v: unknown): number {
  if (typeof v !== 'number') bad('a number (f32/f64)', v);
  return v;
}

export function toChar(v: unknown): number {
  if (typeof v === 'string') {
    const c = v.codePointAt(0);
    if (c !== undefined && v.length === (c > 0xffff ? 2 : 1) && (c < 0xd800 || c > 0xdfff)) return c;
  }
  return bad('a string of one Unicode scalar value (char)', v);
}

/** `convert_i32_to_char`. */
export function liftChar(i: number): string {
  const c = i >>> 0;
  if (c >= 0x110000 || (c >= 0xd800 && c <= 0xdfff)) trap('invalid `char` bit pattern', `0x${c.toString(16)}`);
  return String.fromCodePoint(c);
}

const U64 = (x: Core): bigint => BigInt.asUintN(64, x as bigint);

export function primPlan(t: PrimValType, o: PlanOptions): Plan {
  const b = base(t, o.addr);
  switch (t) {
    case 'bool': return {
      ...b,
      liftFlat: (_cx, f, i) => f[i] !== 0,
      lowerFlat: (_cx, v, out, i) => { out[i] = toBool(v); },
      load: (cx, p) => cx.u8[p] !== 0,
      store: (cx, v, p) => { cx.u8[p] = toBool(v); },
    };
    case 'u8': return {
      ...b,
      liftFlat: (_cx, f, i) => (f[i] as number) & 0xff,
      lowerFlat: (_cx, v, out, i) => { out[i] = toU8(v); },
      load: (cx, p) => cx.u8[p],
      store: (cx, v, p) => { cx.u8[p] = toU8(v); },
    };
    case 's8': return {
      ...b,
      liftFlat: (_cx, f, i) => ((f[i] as number) << 24) >> 24,
      lowerFlat: (_cx, v, out, i) => { out[i] = toS8(v); },
      load: (cx, p) => cx.dv.getInt8(p),
      store: (cx, v, p) => { cx.dv.setInt8(p, toS8(v)); },
    };
    case 'u16': return {
      ...b,
      liftFlat: (_cx, f, i) => (f[i] as number) & 0xffff,
      lowerFlat: (_cx, v, out, i) => { out[i] = toU16(v); },
      load: (cx, p) => cx.dv.getUint16(p, true),
      store: (cx, v, p) => { cx.dv.setUint16(p, toU16(v), true); },
    };
    case 's16': return {
      ...b,
      liftFlat: (_cx, f, i) => ((f[i] as number) << 16) >> 16,
      lowerFlat: (_cx, v, out, i) => { out[i] = toS16(v); },
      load: (cx, p) => cx.dv.getInt16(p, true),
      store: (cx, v, p) => { cx.dv.setInt16(p, toS16(v), true); },
    };
    case 'u32': return {
      ...b,
      liftFlat: (_cx, f, i) => (f[i] as number) >>> 0,
      lowerFlat: (_cx, v, out, i) => { out[i] = toU32(v); },
      load: (cx, p) => cx.dv.getUint32(p, true),
      store: (cx, v, p) => { cx.dv.setUint32(p, toU32(v), true); },
    };
    case 's32': return {
      ...b,
      liftFlat: (_cx, f, i) => (f[i] as number) | 0,
      lowerFlat: (_cx, v, out, i) => { out[i] = toS32(v); },
      load: (cx, p) => cx.dv.getInt32(p, true),
      store: (cx, v, p) => { cx.dv.setInt32(p, toS32(v), true); },
    };
    case 'u64': return {
      ...b,
      liftFlat: (_cx, f, i) => U64(f[i]),
      lowerFlat: (_cx, v, out, i) => { out[i] = toU64(v); },
      load: (cx, p) => cx.dv.getBigUint64(p, true),
      store: (cx, v, p) => { cx.dv.setBigUint64(p, toU64(v), true); },
    };
    case 's64': return {
      ...b,
      liftFlat: (_cx, f, i) => BigInt.asIntN(64, f[i] as bigint),
      lowerFlat: (_cx, v, out, i) => { out[i] = toS64(v); },
      load: (cx, p) => cx.dv.getBigInt64(p, true),
      store: (cx, v, p) => { cx.dv.setBigInt64(p, toS64(v), true); },
    };
    case 'f32': return {
      ...b,
      liftFlat: (_cx, f, i) => f[i] as number,
      lowerFlat: (_cx, v, out, i) => { out[i] = toFloat(v); },
      load: (cx, p) => cx.dv.getFloat32(p, true),
      store: (cx, v, p) => { cx.dv.setFloat32(p, toFloat(v), true); },
    };
    case 'f64': return {
      ...b,
      liftFlat: (_cx, f, i) => f[i] as number,
      lowerFlat: (_cx, v, out, i) => { out[i] = toFloat(v); },
      load: (cx, p) => cx.dv.getFloat64(p, true),
      store: (cx, v, p) => { cx.dv.setFloat64(p, toFloat(v), true); },
    };
    case 'char': return {
      ...b,
      liftFlat: (_cx, f, i) => liftChar(f[i] as number),
      lowerFlat: (_cx, v, out, i) => { out[i] = toChar(v); },
      load: (cx, p) => liftChar(cx.dv.getUint32(p, true)),
      store: (cx, v, p) => { cx.dv.setUint32(p, toChar(v), true); },
    };
    case 'string': {
      const lift = stringLift(o.encoding);
      const lower = stringLower(o.encoding);
      if (o.addr === 'i64') {
        // 🐘 `load_string` / `store_string` with 8-byte pointers and lengths (bigints when flat).
        const ptr = ptrOps('i64');
        const len = stringLengthOps('i64', o.encoding);
        return {
          ...b,
          liftFlat: (cx, f, i) => lift(cx, ptr.lift(f[i]), len.lift(f[i + 1])),
          lowerFlat: (cx, v, out, i) => { out[i] = ptr.lower(lower(cx, v)); out[i + 1] = len.lower(cx.strLen); },
          load: (cx, p) => lift(cx, ptr.load(cx, p), len.load(cx, p + 8)),
          store: (cx, v, p) => {
            const at = lower(cx, v);
            ptr.store(cx, p, at);
            len.store(cx, p + 8, cx.strLen);
          },
        };
      }
      return {
        ...b,
        liftFlat: (cx, f, i) => lift(cx, (f[i] as number) >>> 0, (f[i + 1] as number) >>> 0),
        lowerFlat: (cx, v, out, i) => { out[i] = lower(cx, v); out[i + 1] = cx.strLen; },
        load: (cx, p) => lift(cx, cx.dv.getUint32(p, true), cx.dv.getUint32(p + 4, true)),
        store: (cx, v, p) => {
          const at = lower(cx, v);
          cx.dv.setUint32(p, at, true);
          cx.dv.setUint32(p + 4, cx.strLen, true);
        },
      };
    }
    case 'error-context': return {
      ...b,
      liftFlat: (cx, f, i) => cx.handles.liftErrorContext((f[i] as number) >>> 0),
      lowerFlat: (cx, v, out, i) => { out[i] = cx.handles.lowerErrorContext(v); },
      load: (cx, p) => cx.handles.liftErrorContext(cx.dv.getUint32(p, true)),
      store: (cx, v, p) => { cx.dv.setUint32(p, cx.handles.lowerErrorContext(v), true); },
    };
  }
}

/** flags: a bit vector of 1, 2 or 4 bytes; bits past the members are ignored on lift. */
export function flagsPlan(t: VT, names: readonly string[], o: PlanOptions): Plan {
  const b = base(t, o.addr);
  const keys = names.map((n) => o.camel ? toCamelCase(n) : n);
  const n = keys.length;
  const size = flagsSize(n);
  const unpack = (bits: number): Record<string, boolean> => {
    const r: Record<string, boolean> = {};
    for (let k = 0; k < n; k++) r[keys[k]] = ((bits >>> k) & 1) === 1;
    return r;
  };
  const pack = (v: unknown): number => {
    if (typeof v !== 'object' || v === null) bad('an object of booleans (flags)', v);
    const r = v as Record<string, unknown>;
    let bits = 0;
    for (let k = 0; k < n; k++) if (r[keys[k]]) bits |= 1 << k;
    return bits >>> 0;
  };
  const read = size === 1 ? (cx: Cx, p: number) => cx.u8[p]
    : size === 2 ? (cx: Cx, p: number) => cx.dv.getUint16(p, true)
    : (cx: Cx, p: number) => cx.dv.getUint32(p, true);
  const write = size === 1 ? (cx: Cx, p: number, x: number) => { cx.u8[p] = x; }
    : size === 2 ? (cx: Cx, p: number, x: number) => { cx.dv.setUint16(p, x, true); }
    : (cx: Cx, p: number, x: number) => { cx.dv.setUint32(p, x, true); };
  return {
    ...b,
    liftFlat: (_cx, f, i) => unpack(f[i] as number),
    lowerFlat: (_cx, v, out, i) => { out[i] = pack(v); },
    load: (cx, p) => unpack(read(cx, p)),
    store: (cx, v, p) => write(cx, p, pack(v)),
  };
}

/** 🔀 stream and future: the readable end moves between the handle table and JavaScript. */
export function asyncHandlePlan(t: VT, kind: 'stream' | 'future', type: TypeEntry): Plan {
  const b = base(t, 'i32'); // an i32 handle whatever the memory
  const lift = kind === 'stream' ? (cx: Cx, h: number) => cx.handles.liftStream(type, h) : (cx: Cx, h: number) => cx.handles.liftFuture(type, h);
  const lower = kind === 'stream' ? (cx: Cx, v: unknown) => cx.handles.lowerStream(type, v) : (cx: Cx, v: unknown) => cx.handles.lowerFuture(type, v);
  return {
    ...b,
    liftFlat: (cx, f, i) => lift(cx, (f[i] as number) >>> 0),
    lowerFlat: (cx, v, out, i) => { out[i] = lower(cx, v); },
    load: (cx, p) => lift(cx, cx.dv.getUint32(p, true)),
    store: (cx, v, p) => { cx.dv.setUint32(p, lower(cx, v), true); },
  };
}

/** own and borrow: the instance's handle table turns handles into resource objects and back. */
export function handlePlan(t: VT, kind: 'own' | 'borrow', resource: TypeEntry): Plan {
  const b = base(t, 'i32'); // an i32 handle whatever the memory
  const lift = kind === 'own'
    ? (cx: Cx, h: number) => cx.handles.liftOwn(resource, h, cx.scope!)
    : (cx: Cx, h: number) => cx.handles.liftBorrow(resource, h, cx.scope!);
  const lower = kind === 'own'
    ? (cx: Cx, v: unknown) => cx.handles.lowerOwn(resource, v, cx.scope!)
    : (cx: Cx, v: unknown) => cx.handles.lowerBorrow(resource, v, cx.scope!);
  return {
    ...b,
    liftFlat: (cx, f, i) => lift(cx, (f[i] as number) >>> 0),
    lowerFlat: (cx, v, out, i) => { out[i] = lower(cx, v); },
    load: (cx, p) => lift(cx, cx.dv.getUint32(p, true)),
    store: (cx, v, p) => { cx.dv.setUint32(p, lower(cx, v), true); },
  };
}
