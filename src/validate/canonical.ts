// Canonical types: WebAssembly 3.0 compares defined types iso-recursively
// (https://webassembly.github.io/spec/core/valid/conventions.html#rolling-and-unrolling).
// Two types are equal when they sit at the same position of structurally equal recursion
// groups, where references inside a group are compared by position and references out of it
// by (already canonical) identity. So each group gets a key built that way; the first group
// with a key allocates consecutive canonical ids, and every equal group, in this module or
// any other, gets the same ids. Equality of defined types is then equality of numbers.
//
// The registry lives as long as the process, like an engine's type canonicaliser: ids must
// stay stable for the modules (and instances) that hold them.
import type { CompType, RecGroup, StorageType, SubType } from '../core/types.ts';
import { storageCode } from './type-codes.ts';

export const KIND_FUNC = 0;
export const KIND_STRUCT = 1;
export const KIND_ARRAY = 2;

/** A canonical defined type; value types in it are encoded (type-codes.ts). */
export interface CanonType {
  readonly kind: number;
  readonly final: boolean;
  /** The canonical id of the declared supertype, or -1. */
  readonly super: number;
  /** func: parameters; struct: field storage types; array: [element storage type]. */
  readonly params: Int32Array;
  /** func: results; struct and array: 1 for each mutable field. */
  readonly results: Int32Array;
}

const types: CanonType[] = [];
const groups = new Map<string, number>();

export function canonType(id: number): CanonType {
  return types[id];
}

const KINDS: Readonly<Record<CompType['kind'], number>> = { func: KIND_FUNC, struct: KIND_STRUCT, array: KIND_ARRAY };

/**
 * Canonicalises the recursion group whose first type has module index `base`. `canon` holds
 * the canonical ids of the module's earlier types. A type index that is not defined before
 * the end of the group returns its index in `unknown` instead (the caller reports it).
 */
export function canonicalizeGroup(group: RecGroup, base: number, canon: Int32Array): { first: number } | { unknown: number } {
  const n = group.types.length;
  let unknown = -1;
  // In the key, a reference into the group is `r<position>`, out of it `c<canonical id>`.
  const ref = (index: number): string => {
    if (index >= base && index < base + n) return `r${index - base}`;
    if (index < base) return `c${canon[index]}`;
    if (unknown < 0) unknown = index;
    return '?';
  };
  const storage = (t: StorageType): string => {
    if (typeof t === 'string') return t;
    const heap = typeof t.heap === 'number' ? ref(t.heap) : t.heap;
    return t.nullable ? `N${heap}` : `R${heap}`;
  };
  const parts: string[] = [];
  for (const sub of group.types) {
    parts.push(sub.final ? 'F' : 'S', sub.supertypes.map(ref).join(','), ':');
    const c = sub.comp;
    if (c.kind === 'func') parts.push('f', c.params.map(storage).join(','), '>', c.results.map(storage).join(','));
    else if (c.kind === 'struct') parts.push('s', c.fields.map((f) => (f.mutable ? 'm' : '') + storage(f.storage)).join(','));
    else parts.push('a', (c.element.mutable ? 'm' : '') + storage(c.element.storage));
    parts.push(';');
  }
  if (unknown >= 0) return { unknown };
  const key = parts.join(' ');
  const known = groups.get(key);
  if (known !== undefined) return { first: known };

  const first = types.length;
  groups.set(key, first);
  const idOf = (index: number): number => (index >= base ? first + index - base : canon[index]);
  for (let i = 0; i < n; i++) types.push(build(group.types[i], idOf));
  return { first };
}

function build(sub: SubType, idOf: (index: number) => number): CanonType {
  const code = (t: StorageType) => storageCode(t, idOf);
  const superId = sub.supertypes.length > 0 ? idOf(sub.supertypes[0]) : -1;
  const c = sub.comp;
  let params: Int32Array;
  let results: Int32Array;
  if (c.kind === 'func') {
    params = Int32Array.from(c.params, code);
    results = Int32Array.from(c.results, code);
  } else if (c.kind === 'struct') {
    params = Int32Array.from(c.fields, (f) => code(f.storage));
    results = Int32Array.from(c.fields, (f) => (f.mutable ? 1 : 0));
  } else {
    params = Int32Array.of(code(c.element.storage));
    results = Int32Array.of(c.element.mutable ? 1 : 0);
  }
  return { kind: KINDS[c.kind], final: sub.final, super: superId, params, results };
}
