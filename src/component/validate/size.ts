// The effective size of a type: how many nodes it would have written out as a tree. Types
// share their parts, so a few hundred bytes can describe a type of 10^10 nodes (component
// types importing ten of the previous one, nested ten deep); every walk over a type
// (subtyping, substitution, visibility) is bounded by its effective size, so like
// wasm-tools (`MAX_WASM_TYPE_SIZE`) a type, and the imports and exports of one component,
// may add up to at most a million. Sizes are memoized per object, so computing one costs
// only the parts not seen before.
import { ValidationError } from '../../core/errors.ts';
import type { ComponentT, Def, EntityT, FuncT, InstanceT, ModuleT, VT } from './model.ts';

export const MAX_TYPE_SIZE = 1_000_000;

const memo = new WeakMap<object, number>();

/** Throws "effective type size exceeds the limit" for a size at or past the limit. */
export function checkTypeSize(n: number): number {
  if (n >= MAX_TYPE_SIZE) throw new ValidationError(`effective type size exceeds the limit of ${MAX_TYPE_SIZE}`);
  return n;
}

function cached<T extends object>(x: T, compute: (x: T) => number): number {
  let n = memo.get(x);
  if (n === undefined) {
    // Capped so sums stay exact small integers however large the tree.
    n = Math.min(compute(x), MAX_TYPE_SIZE);
    memo.set(x, n);
  }
  return n;
}

export function vtSize(t: VT | undefined): number {
  return t === undefined || typeof t === 'string' ? 1 : defSize(t.def);
}

export function defSize(d: Def): number {
  return cached(d, computeDef);
}

function computeDef(d: Def): number {
  switch (d.kind) {
    case 'prim': case 'resource': case 'own': case 'borrow': return 1;
    case 'flags': case 'enum': return 1 + d.names.length;
    case 'record': { let n = 1; for (const [, t] of d.fields) n += vtSize(t); return n; }
    case 'variant': { let n = 1; for (const [, t] of d.cases) n += t === undefined ? 1 : vtSize(t); return n; }
    case 'tuple': { let n = 1; for (const t of d.types) n += vtSize(t); return n; }
    case 'list': return 1 + vtSize(d.element);
    case 'option': return 1 + vtSize(d.type);
    case 'result': return 1 + vtSize(d.ok) + vtSize(d.error);
    case 'stream': case 'future': return 1 + vtSize(d.element);
    case 'map': return 1 + vtSize(d.key) + vtSize(d.value);
    case 'func': return funcSize(d.type);
    case 'instance': return instanceSize(d.type);
    case 'component': return componentSize(d.type);
  }
}

export function funcSize(f: FuncT): number {
  return cached(f, (x) => {
    let n = 1 + (x.result === undefined ? 0 : vtSize(x.result));
    for (const [, t] of x.params) n += vtSize(t);
    return n;
  });
}

function entitiesSize(m: ReadonlyMap<string, EntityT>): number {
  let n = 0;
  for (const e of m.values()) n += entitySize(e);
  return n;
}

export function instanceSize(i: InstanceT): number {
  return cached(i, (x) => 1 + entitiesSize(x.exports));
}

export function componentSize(c: ComponentT): number {
  return cached(c, (x) => 1 + entitiesSize(x.imports) + entitiesSize(x.exports));
}

function moduleSize(m: ModuleT): number {
  return cached(m, (x) => 1 + x.imports.length + x.exports.size);
}

export function entitySize(e: EntityT): number {
  switch (e.kind) {
    case 'func': return funcSize(e.type);
    case 'value': return vtSize(e.type);
    case 'type': return defSize(e.type.def);
    case 'instance': return instanceSize(e.type);
    case 'component': return componentSize(e.type);
    case 'module': return moduleSize(e.type);
  }
}
