// A value type compiled once into the four operations of the Canonical ABI (CanonicalABI.md,
// "Loading", "Storing", "Flat Lifting", "Flat Lowering"), as closures specialised to the type:
// the type tree is walked here, never during a call. Plans are memoised per type entry and
// per (encoding, names, address type), so a type shared by many functions compiles once.
import type { VT } from '../validate/model.ts';
import type { Core, Cx } from './context.ts';
import { type AddrType, alignment, alignTo, elemSize, flatten, shapeOf, type Flat } from './layout.ts';
import { asyncHandlePlan, flagsPlan, handlePlan, primPlan } from './plan-prim.ts';
import { listPlan } from './plan-list.ts';
import { recordPlan } from './plan-record.ts';
import { variantPlan } from './plan-variant.ts';
import type { Encoding } from './string.ts';

export interface Plan {
  readonly flat: readonly Flat[];
  readonly size: number;
  readonly align: number;
  /** `lift_flat`: the value whose flat core values start at `f[i]`. */
  readonly liftFlat: (cx: Cx, f: ArrayLike<Core>, i: number) => unknown;
  /** `lower_flat`: writes the value's flat core values to `out[i..]`. */
  readonly lowerFlat: (cx: Cx, v: unknown, out: Core[], i: number) => void;
  /** `load`: `ptr` is aligned and the value lies in bounds (the caller checked). */
  readonly load: (cx: Cx, ptr: number) => unknown;
  /** `store`: `ptr` is aligned and in bounds (the caller checked). */
  readonly store: (cx: Cx, v: unknown, ptr: number) => void;
  /** Lists: `load_list_from_range` and `store_list_into_range` (the length goes to `cx.listLen`). */
  readonly range?: {
    readonly load: (cx: Cx, ptr: number, len: number) => unknown;
    readonly store: (cx: Cx, v: unknown) => number;
  };
}

export interface PlanOptions {
  readonly encoding: Encoding;
  /** Record fields and flags members in lowerCamelCase. */
  readonly camel: boolean;
  /** 🐘 The memory's address type: pointers and lengths are i64 (bigints) and 8 bytes with 'i64'. */
  readonly addr: AddrType;
}

/** The parts every plan shares, computed from the type. */
export interface PlanBase {
  readonly flat: readonly Flat[];
  readonly size: number;
  readonly align: number;
}

export function base(t: VT, addr: AddrType): PlanBase {
  return { flat: flatten(t, addr), size: elemSize(t, addr), align: alignment(t, addr) };
}

const memo = new WeakMap<object, Map<string, Plan>>();
const primMemo = new Map<string, Plan>();

export function compilePlan(t: VT, o: PlanOptions): Plan {
  const key = `${o.encoding}|${o.camel}|${o.addr}`;
  if (typeof t === 'string') {
    const k = `${t}|${key}`;
    let p = primMemo.get(k);
    if (p === undefined) primMemo.set(k, p = primPlan(t, o));
    return p;
  }
  let byKey = memo.get(t);
  if (byKey === undefined) memo.set(t, byKey = new Map());
  let p = byKey.get(key);
  if (p === undefined) {
    p = build(t, o);
    byKey.set(key, p);
  }
  return p;
}

function build(t: VT, o: PlanOptions): Plan {
  const s = shapeOf(t);
  switch (s.kind) {
    case 'prim': return compilePlan(s.type, o);
    case 'record': return recordPlan(t, s.fields, s.tuple, o);
    case 'variant': return variantPlan(t, s.cases, s.as, o);
    case 'list': return listPlan(t, s.element, s.length, s.map, o);
    case 'flags': return flagsPlan(t, s.names, o);
    case 'own': case 'borrow': return handlePlan(t, s.kind, s.resource);
    case 'stream': case 'future': return asyncHandlePlan(t, s.kind, s.type);
  }
}

/** For messages about a JavaScript value that does not fit a type. */
/**
 * Where each of a tuple's values goes (a function's parameters, an async half): its first
 * flat slot, its offset in memory, and the tuple's flat types, size and alignment
 * (CanonicalABI.md, tuples as records).
 */
export interface TupleLayout {
  readonly flat: readonly Flat[];
  readonly flatOffsets: readonly number[];
  readonly memOffsets: readonly number[];
  readonly size: number;
  readonly align: number;
}

export function tupleLayout(plans: readonly Plan[]): TupleLayout {
  const flat: Flat[] = [];
  const flatOffsets: number[] = [];
  const memOffsets: number[] = [];
  let size = 0;
  let align = 1;
  for (const q of plans) {
    flatOffsets.push(flat.length);
    flat.push(...q.flat);
    size = alignTo(size, q.align);
    memOffsets.push(size);
    size += q.size;
    align = Math.max(align, q.align);
  }
  return { flat, flatOffsets, memOffsets, size: alignTo(size, align), align };
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : (v.constructor?.name ?? 'an object');
  return String(v);
}
