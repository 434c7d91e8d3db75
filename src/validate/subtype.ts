// Subtyping on encoded types (https://webassembly.github.io/spec/core/valid/matching.html).
// Heap types form three hierarchies plus exceptions:
//   any ⊇ eq ⊇ {i31, struct ⊇ concrete structs, array ⊇ concrete arrays} ⊇ none
//   func ⊇ concrete funcs ⊇ nofunc      extern ⊇ noextern      exn ⊇ noexn
// Defined types are subtypes along their declared supertype chains (canonical ids).
import { canonType, KIND_ARRAY, KIND_FUNC, KIND_STRUCT } from './canonical.ts';
import {
  ANY, ARRAY, BOT, CONCRETE, EQ, EXN, EXTERN, FUNC, HEAP_BOT, heapOf, I31, isNullable, isRef, NOEXN,
  NOEXTERN, NOFUNC, NONE, STRUCT,
} from './type-codes.ts';

export function isSubtype(a: number, b: number): boolean {
  if (a === b || a === BOT) return true;
  if (!isRef(a) || !isRef(b)) return false;
  if (isNullable(a) && !isNullable(b)) return false;
  return isHeapSubtype(heapOf(a), heapOf(b));
}

export function isHeapSubtype(a: number, b: number): boolean {
  if (a === b || a === HEAP_BOT) return true;
  if (b >= CONCRETE) {
    if (a >= CONCRETE) {
      const target = b - CONCRETE;
      for (let t = canonType(a - CONCRETE).super; t >= 0; t = canonType(t).super) if (t === target) return true;
      return false;
    }
    return a === (canonType(b - CONCRETE).kind === KIND_FUNC ? NOFUNC : NONE);
  }
  if (a >= CONCRETE) {
    const kind = canonType(a - CONCRETE).kind;
    switch (b) {
      case FUNC: return kind === KIND_FUNC;
      case STRUCT: return kind === KIND_STRUCT;
      case ARRAY: return kind === KIND_ARRAY;
      case EQ: case ANY: return kind !== KIND_FUNC;
      default: return false;
    }
  }
  switch (b) {
    case ANY: return a === EQ || a === I31 || a === STRUCT || a === ARRAY || a === NONE;
    case EQ: return a === I31 || a === STRUCT || a === ARRAY || a === NONE;
    case I31: case STRUCT: case ARRAY: return a === NONE;
    case FUNC: return a === NOFUNC;
    case EXTERN: return a === NOEXTERN;
    case EXN: return a === NOEXN;
    default: return false;
  }
}

/** The top of a heap type's hierarchy (any, func, extern or exn); HEAP_BOT for HEAP_BOT. */
export function topHeap(h: number): number {
  if (h >= CONCRETE) return canonType(h - CONCRETE).kind === KIND_FUNC ? FUNC : ANY;
  switch (h) {
    case FUNC: case NOFUNC: return FUNC;
    case EXTERN: case NOEXTERN: return EXTERN;
    case EXN: case NOEXN: return EXN;
    case HEAP_BOT: return HEAP_BOT;
    default: return ANY;
  }
}

/**
 * Whether canonical type `sub` may declare `sup` as its supertype: same kind, `sup` not
 * final, and the composite types match (https://webassembly.github.io/spec/core/valid/types.html#rec-types):
 * functions contravariant in parameters and covariant in results; structs may add fields
 * and refine immutable ones (mutable fields are invariant); arrays likewise.
 */
export function matchesSupertype(sub: number, sup: number): boolean {
  const a = canonType(sub);
  const b = canonType(sup);
  if (b.final || a.kind !== b.kind) return false;
  if (a.kind === KIND_FUNC) {
    return a.params.length === b.params.length && a.results.length === b.results.length
      && a.params.every((t, i) => isSubtype(b.params[i], t))
      && a.results.every((t, i) => isSubtype(t, b.results[i]));
  }
  if (a.params.length < b.params.length) return false;
  for (let i = 0; i < b.params.length; i++) {
    if (a.results[i] !== b.results[i]) return false;
    const ok = b.results[i] === 1 ? a.params[i] === b.params[i] : isSubtype(a.params[i], b.params[i]);
    if (!ok) return false;
  }
  return true;
}
