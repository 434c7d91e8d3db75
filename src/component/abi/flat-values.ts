// 🔀 `lift_flat_values` and `lower_flat_values` (CanonicalABI.md, "Lifting and Lowering
// Values") over a tuple of value types, for the async ABI: there the parameters and the result
// of one function cross at different times (a task's arguments when it starts, its result when
// it calls `task.return`), with other flattening limits (MAX_FLAT_ASYNC_PARAMS = 4 when an
// import is lowered `async`, results always through an out-pointer), so each half is compiled
// on its own. Built from the same closure plans as the synchronous adapters, once per tuple of
// types (cached on the array), then bound to one canonical definition's options.
import type { VT } from '../validate/model.ts';
import type { CallScope, HandleTable, JsShape, LiftLowerOptions } from './api.ts';
import { Cx, ptrOps, type Core } from './context.ts';
import type { AddrType } from './layout.ts';
import { compilePlan, type Plan, type TupleLayout, tupleLayout } from './plan.ts';

interface TuplePlan extends TupleLayout {
  readonly plans: readonly Plan[];
}

const cache = new WeakMap<readonly VT[], Map<string, TuplePlan>>();

function tuplePlan(types: readonly VT[], encoding: LiftLowerOptions['encoding'], camel: boolean, addr: AddrType): TuplePlan {
  const key = `${encoding}|${camel}|${addr}`;
  let byKey = cache.get(types);
  if (byKey === undefined) cache.set(types, byKey = new Map());
  let p = byKey.get(key);
  if (p !== undefined) return p;
  const plans = types.map((t) => compilePlan(t, { encoding, camel, addr }));
  p = { plans, ...tupleLayout(plans) };
  byKey.set(key, p);
  return p;
}

/** A tuple of value types bound to one canonical definition's memory, realloc and encoding. */
export interface FlatValues {
  /** The number of flat core values of the tuple (before spilling). */
  readonly flatCount: number;
  /** `lift_flat_values`: the values whose core values start at `flat[start]`. */
  lift(flat: ArrayLike<Core>, start: number, maxFlat: number, scope?: CallScope): unknown[];
  /** `lower_flat_values` without an out-parameter: spills through `realloc` past `maxFlat`. */
  lower(values: ArrayLike<unknown>, maxFlat: number, scope?: CallScope): Core[];
  /**
   * `lower_flat_values` with an out-parameter: the tuple is stored at `ptr` (checked), the
   * core pointer (🐘 a bigint with a 64-bit memory).
   */
  store(values: ArrayLike<unknown>, ptr: Core, scope?: CallScope): void;
}

/**
 * The values of `types` (a function's parameter types, or its result as a one-element tuple)
 * with the given options. `handles` is the instance's table (own, borrow, streams, futures).
 */
export function flatValues(types: readonly VT[], opts: LiftLowerOptions, handles: HandleTable, shape: JsShape): FlatValues {
  const addr = opts.addrType ?? 'i32';
  const t = tuplePlan(types, opts.encoding, shape.names === 'camel', addr);
  const cx = new Cx(opts.memory, opts.realloc, handles, addr);
  const P = ptrOps(addr);
  const { plans, flatOffsets, memOffsets } = t;
  const n = plans.length;
  const nflat = t.flat.length;

  const withScope = <R>(scope: CallScope | undefined, f: () => R): R => {
    const saved = cx.scope;
    cx.scope = scope;
    try {
      return f();
    } finally {
      cx.scope = saved;
    }
  };

  const loadAt = (ptr: number): unknown[] => {
    cx.checkPtr(ptr, t.align, t.size);
    const out = new Array<unknown>(n);
    for (let k = 0; k < n; k++) out[k] = plans[k].load(cx, ptr + memOffsets[k]);
    return out;
  };

  const storeAt = (values: ArrayLike<unknown>, ptr: number): void => {
    for (let k = 0; k < n; k++) plans[k].store(cx, values[k], ptr + memOffsets[k]);
  };

  return {
    flatCount: nflat,
    lift(flat, start, maxFlat, scope) {
      return withScope(scope, () => {
        cx.fresh();
        if (nflat > maxFlat) return loadAt(P.lift(flat[start]));
        const out = new Array<unknown>(n);
        for (let k = 0; k < n; k++) out[k] = plans[k].liftFlat(cx, flat, start + flatOffsets[k]);
        return out;
      });
    },
    lower(values, maxFlat, scope) {
      return withScope(scope, () => {
        cx.fresh();
        if (nflat > maxFlat) {
          const ptr = cx.alloc(t.align, t.size, 'pointer out of bounds of memory');
          storeAt(values, ptr);
          return [P.lower(ptr)];
        }
        const out = new Array<Core>(nflat);
        for (let k = 0; k < n; k++) plans[k].lowerFlat(cx, values[k], out, flatOffsets[k]);
        return out;
      });
    },
    store(values, ptr, scope) {
      withScope(scope, () => {
        cx.fresh();
        const at = P.lift(ptr);
        cx.checkPtr(at, t.align, t.size);
        storeAt(values, at);
      });
    },
  };
}
