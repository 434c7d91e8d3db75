// Variants and what despecializes to them: enum, option, result (CanonicalABI.md,
// `load_variant`, `store_variant`, `lift_flat_variant`, `lower_flat_variant`). The
// discriminant is the smallest unsigned integer that numbers the cases; flat payloads share
// slots whose core type is the `join` of the cases' types, so a case whose own flat type
// differs is bit-cast or wrapped on the way (the CoerceValueIter of the spec), and unused slots
// are zero.
import type { VT } from '../validate/model.ts';
import { trap, type Core, type Cx } from './context.ts';
import { alignTo, discriminantSize, flatten, maxCaseAlignment, shapeOf, variantPayloadFlat, type Case, type Flat } from './layout.ts';
import { base, compilePlan, describe, type Plan, type PlanOptions } from './plan.ts';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** A conversion between a case's flat type and the joined slot type, both directions. */
type Coerce = (x: Core) => Core;

// `have` (slot) → `want` (case), when lifting.
function liftCoercion(have: Flat, want: Flat): Coerce | undefined {
  if (have === want) return undefined;
  if (have === 'i32' && want === 'f32') return (x) => { u32[0] = x as number; return f32[0]; };
  if (have === 'i64' && want === 'i32') return (x) => Number(BigInt.asIntN(32, x as bigint));
  if (have === 'i64' && want === 'f32') return (x) => { u32[0] = Number(BigInt.asUintN(32, x as bigint)); return f32[0]; };
  if (have === 'i64' && want === 'f64') return (x) => { i64[0] = x as bigint; return f64[0]; };
  throw new Error(`no coercion from ${have} to ${want}`);
}

// case (`have`) → slot (`want`), when lowering.
function lowerCoercion(have: Flat, want: Flat): Coerce | undefined {
  if (have === want) return undefined;
  if (have === 'f32' && want === 'i32') return (x) => { f32[0] = x as number; return u32[0]; };
  if (have === 'i32' && want === 'i64') return (x) => BigInt((x as number) >>> 0);
  if (have === 'f32' && want === 'i64') return (x) => { f32[0] = x as number; return BigInt(u32[0]); };
  if (have === 'f64' && want === 'i64') return (x) => { f64[0] = x as number; return i64[0]; };
  throw new Error(`no coercion from ${have} to ${want}`);
}

type As = 'variant' | 'enum' | 'option' | 'result';

interface CasePlan {
  readonly label: string;
  readonly plan: Plan | undefined;
  /** Per flat position of the case's payload, when any differs from its slot. */
  readonly liftCo: readonly (Coerce | undefined)[] | undefined;
  readonly lowerCo: readonly (Coerce | undefined)[] | undefined;
}

export function variantPlan(t: VT, cases: readonly Case[], as: As, o: PlanOptions): Plan {
  const b = base(t, o.addr);
  const n = cases.length;
  const slots = variantPayloadFlat(cases, o.addr);
  const casePlans: CasePlan[] = cases.map((c) => {
    if (c.type === undefined) return { label: c.label, plan: undefined, liftCo: undefined, lowerCo: undefined };
    const plan = compilePlan(c.type, o);
    const own = flatten(c.type, o.addr);
    const liftCo = own.map((ft, j) => liftCoercion(slots[j], ft));
    const lowerCo = own.map((ft, j) => lowerCoercion(ft, slots[j]));
    return {
      label: c.label,
      plan,
      liftCo: liftCo.some((x) => x !== undefined) ? liftCo : undefined,
      lowerCo: lowerCo.some((x) => x !== undefined) ? lowerCo : undefined,
    };
  });
  const zeros: Core[] = slots.map((s) => s === 'i64' ? 0n : 0);
  const index = new Map(cases.map((c, i) => [c.label, i]));
  const discSize = discriminantSize(n);
  const payloadOffset = alignTo(discSize, maxCaseAlignment(cases, o.addr));
  // An option of an option is tagged, or `some(none)` and `none` would both be undefined.
  const taggedOption = as === 'option' && (() => {
    const inner = cases[1].type!;
    const s = shapeOf(inner);
    return s.kind === 'variant' && s.as === 'option';
  })();

  // The JavaScript value of case `d` with payload `val`.
  const make: (d: number, val: unknown) => unknown =
    as === 'enum' ? (d) => cases[d].label
    : as === 'option' ? (taggedOption ? (d, val) => d === 0 ? { tag: 'none' } : { tag: 'some', val } : (d, val) => d === 0 ? undefined : val)
    : as === 'result' ? (d, val) => ({ tag: d === 0 ? 'ok' : 'err', val })
    : (d, val) => casePlans[d].plan === undefined ? { tag: cases[d].label } : { tag: cases[d].label, val };

  // The case index of a JavaScript value; its payload is left in `payload`.
  let payload: unknown;
  const caseOf = (v: unknown): number => {
    if (as === 'enum') {
      const d = typeof v === 'string' ? index.get(v) : undefined;
      if (d === undefined) throw new TypeError(`expected one of ${cases.map((c) => JSON.stringify(c.label)).join(', ')} (enum), got ${describe(v)}`);
      return d;
    }
    if (as === 'option' && !taggedOption) {
      if (v === undefined || v === null) return 0;
      payload = v;
      return 1;
    }
    if (typeof v !== 'object' || v === null) throw new TypeError(`expected { tag, val } (${as}), got ${describe(v)}`);
    const tag = (v as { tag?: unknown }).tag;
    const d = typeof tag === 'string' ? index.get(tag) : undefined;
    if (d === undefined) throw new TypeError(`expected a tag in ${cases.map((c) => JSON.stringify(c.label)).join(', ')} (${as}), got ${describe(tag)}`);
    payload = (v as { val?: unknown }).val;
    return d;
  };

  const badDisc = (d: number): never => trap('invalid variant discriminant', `${d} (the type has ${n} cases)`);

  const liftFlat = (cx: Cx, f: ArrayLike<Core>, i: number): unknown => {
    const d = (f[i] as number) >>> 0;
    if (d >= n) badDisc(d);
    const c = casePlans[d];
    if (c.plan === undefined) return make(d, undefined);
    if (c.liftCo === undefined) return make(d, c.plan.liftFlat(cx, f, i + 1));
    const co = c.liftCo;
    const g = new Array<Core>(co.length);
    for (let j = 0; j < co.length; j++) {
      const x = f[i + 1 + j];
      const k = co[j];
      g[j] = k === undefined ? x : k(x);
    }
    return make(d, c.plan.liftFlat(cx, g, 0));
  };

  const lowerFlat = (cx: Cx, v: unknown, out: Core[], i: number): void => {
    payload = undefined;
    const d = caseOf(v);
    const val = payload;
    out[i] = d;
    const c = casePlans[d];
    let j = 0;
    if (c.plan !== undefined) {
      c.plan.lowerFlat(cx, val, out, i + 1);
      j = c.plan.flat.length;
      const co = c.lowerCo;
      if (co !== undefined) {
        for (let k = 0; k < j; k++) {
          const conv = co[k];
          if (conv !== undefined) out[i + 1 + k] = conv(out[i + 1 + k]);
        }
      }
    }
    for (; j < zeros.length; j++) out[i + 1 + j] = zeros[j];
  };

  const readDisc = discSize === 1 ? (cx: Cx, p: number) => cx.u8[p]
    : discSize === 2 ? (cx: Cx, p: number) => cx.dv.getUint16(p, true)
    : (cx: Cx, p: number) => cx.dv.getUint32(p, true);
  const writeDisc = discSize === 1 ? (cx: Cx, p: number, d: number) => { cx.u8[p] = d; }
    : discSize === 2 ? (cx: Cx, p: number, d: number) => { cx.dv.setUint16(p, d, true); }
    : (cx: Cx, p: number, d: number) => { cx.dv.setUint32(p, d, true); };

  const load = (cx: Cx, p: number): unknown => {
    const d = readDisc(cx, p);
    if (d >= n) badDisc(d);
    const c = casePlans[d];
    return make(d, c.plan === undefined ? undefined : c.plan.load(cx, p + payloadOffset));
  };

  const store = (cx: Cx, v: unknown, p: number): void => {
    payload = undefined;
    const d = caseOf(v);
    const val = payload;
    writeDisc(cx, p, d);
    const c = casePlans[d];
    if (c.plan !== undefined) c.plan.store(cx, val, p + payloadOffset);
  };

  return { ...b, liftFlat, lowerFlat, load, store };
}
