// Import matching (https://webassembly.github.io/spec/core/valid/matching.html#external-types):
// does an extern (with its current type) fit what an import declares? Types of the two
// modules are compared by canonical id (src/validate/type-context.ts), so iso-recursive
// type equivalence across modules comes for free.
import type { ImportDesc } from '../core/ast.ts';
import type { Limits, U64 } from '../core/types.ts';
import { isHeapSubtype, isSubtype } from '../validate/subtype.ts';
import type { Extern, TypeSpace } from './engine.ts';

/**
 * Why `ext` does not match the import `desc` of a module with types `space`; undefined if it
 * matches. The reason completes the spec's phrase "incompatible import type".
 */
export function mismatch(desc: ImportDesc, space: TypeSpace, ext: Extern): string | undefined {
  if (desc.kind !== ext.kind) return `expected ${desc.kind}, got ${ext.kind}`;
  const want = space.context;
  const have = ext.space.context;
  switch (ext.kind) {
    case 'func': {
      if (desc.kind !== 'func') return undefined;
      // A function's type must be a subtype of the declared one (declared supertypes count).
      const ok = isHeapSubtype(have.heapType(ext.type), want.heapType(desc.type));
      return ok ? undefined : `function type ${have.typeName(have.valType({ nullable: false, heap: ext.type }))} does not match ${want.typeName(want.valType({ nullable: false, heap: desc.type }))}`;
    }
    case 'table': {
      if (desc.kind !== 'table') return undefined;
      const d = desc.type;
      const e = ext.type;
      if (d.addr !== e.addr) return `expected an ${d.addr} table, got ${e.addr}`;
      // Table element types are invariant: a table can be written through either view.
      if (want.valType(d.ref) !== have.valType(e.ref)) return 'element type mismatch';
      return limitsMismatch(d.limits, e.limits);
    }
    case 'memory': {
      if (desc.kind !== 'memory') return undefined;
      const d = desc.type;
      const e = ext.type;
      if (d.addr !== e.addr) return `expected an ${d.addr} memory, got ${e.addr}`;
      if (d.shared !== e.shared) return d.shared ? 'expected a shared memory' : 'expected an unshared memory';
      if ((d.pageSizeLog2 ?? 16) !== (e.pageSizeLog2 ?? 16)) return 'page size mismatch';
      return limitsMismatch(d.limits, e.limits);
    }
    case 'global': {
      if (desc.kind !== 'global') return undefined;
      const d = desc.type;
      const e = ext.type;
      if (d.mutable !== e.mutable) return d.mutable ? 'expected a mutable global' : 'expected an immutable global';
      const a = have.valType(e.type);
      const b = want.valType(d.type);
      // A mutable global is read and written through both views, so its type is invariant.
      const ok = d.mutable ? a === b : isSubtype(a, b);
      return ok ? undefined : `global type ${have.typeName(a)} does not match ${want.typeName(b)}`;
    }
    case 'tag': {
      if (desc.kind !== 'tag') return undefined;
      // Tag types must be equivalent: payloads flow both ways (throw and catch).
      const ok = have.heapType(ext.type.type) === want.heapType(desc.type.type);
      return ok ? undefined : 'tag type mismatch';
    }
  }
}

/**
 * Limits subsumption: the extern has at least the declared minimum, and if the import
 * declares a maximum, the extern has one no larger.
 */
function limitsMismatch(want: Limits, have: Limits): string | undefined {
  if (lt(have.min, want.min)) return `minimum ${have.min} is less than ${want.min}`;
  if (want.max === undefined) return undefined;
  if (have.max === undefined) return `expected a maximum of at most ${want.max}, got none`;
  if (lt(want.max, have.max)) return `maximum ${have.max} is greater than ${want.max}`;
  return undefined;
}

// JavaScript compares a number with a bigint exactly.
function lt(a: U64, b: U64): boolean {
  return a < b;
}
