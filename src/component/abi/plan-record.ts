// Records and tuples (CanonicalABI.md, `load_record`, `store_record`, `lift_flat_record`,
// `lower_flat_record`; a tuple is a record whose labels are its indices): fields in order,
// each at its aligned offset in memory and its position among the flat values.
import type { VT } from '../validate/model.ts';
import type { Core, Cx } from './context.ts';
import { fieldOffsets } from './layout.ts';
import { base, compilePlan, describe, type Plan, type PlanOptions } from './plan.ts';
import { toCamelCase } from './names.ts';

export function recordPlan(t: VT, fields: readonly (readonly [string, VT])[], tuple: boolean, o: PlanOptions): Plan {
  const b = base(t, o.addr);
  const plans = fields.map(([, f]) => compilePlan(f, o));
  const keys = fields.map(([name]) => o.camel && !tuple ? toCamelCase(name) : name);
  const offsets = fieldOffsets(fields, o.addr);
  const flatOffsets: number[] = [];
  let fo = 0;
  for (const p of plans) {
    flatOffsets.push(fo);
    fo += p.flat.length;
  }
  const n = plans.length;
  const what = tuple ? 'an array (tuple)' : 'an object (record)';
  const check = (v: unknown): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null) throw new TypeError(`expected ${what}, got ${describe(v)}`);
    return v as Record<string, unknown>;
  };
  if (tuple) {
    return {
      ...b,
      liftFlat: (cx: Cx, f: ArrayLike<Core>, i: number) => {
        const a = new Array<unknown>(n);
        for (let k = 0; k < n; k++) a[k] = plans[k].liftFlat(cx, f, i + flatOffsets[k]);
        return a;
      },
      lowerFlat: (cx, v, out, i) => {
        const a = check(v);
        for (let k = 0; k < n; k++) plans[k].lowerFlat(cx, a[k], out, i + flatOffsets[k]);
      },
      load: (cx, p) => {
        const a = new Array<unknown>(n);
        for (let k = 0; k < n; k++) a[k] = plans[k].load(cx, p + offsets[k]);
        return a;
      },
      store: (cx, v, p) => {
        const a = check(v);
        for (let k = 0; k < n; k++) plans[k].store(cx, a[k], p + offsets[k]);
      },
    };
  }
  return {
    ...b,
    liftFlat: (cx, f, i) => {
      const r: Record<string, unknown> = {};
      for (let k = 0; k < n; k++) r[keys[k]] = plans[k].liftFlat(cx, f, i + flatOffsets[k]);
      return r;
    },
    lowerFlat: (cx, v, out, i) => {
      const r = check(v);
      for (let k = 0; k < n; k++) plans[k].lowerFlat(cx, r[keys[k]], out, i + flatOffsets[k]);
    },
    load: (cx, p) => {
      const r: Record<string, unknown> = {};
      for (let k = 0; k < n; k++) r[keys[k]] = plans[k].load(cx, p + offsets[k]);
      return r;
    },
    store: (cx, v, p) => {
      const r = check(v);
      for (let k = 0; k < n; k++) plans[k].store(cx, r[keys[k]], p + offsets[k]);
    },
  };
}
