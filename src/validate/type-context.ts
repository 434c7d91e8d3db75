// A module's defined types, canonicalised and checked
// (https://webassembly.github.io/spec/core/valid/types.html). The validator encodes every
// value type through it; the linker uses it to compare types of different modules.
import type { Module } from '../core/ast.ts';
import { ValidationError } from '../core/errors.ts';
import type { HeapType, StorageType, ValType } from '../core/types.ts';
import { canonicalizeGroup, canonType, type CanonType, KIND_FUNC } from './canonical.ts';
import { matchesSupertype } from './subtype.ts';
import { CONCRETE, heapCode, heapOf, isNullable, isRef, storageCode, typeName } from './type-codes.ts';

const NO_INDEX = (index: number): number => {
  throw new Error(`type index ${index} where none can occur`);
};

export class TypeContext {
  /** Canonical id of each type index. */
  readonly canon: Int32Array;
  /** Module type index of each canonical id met here, for readable messages. */
  readonly #indexOf = new Map<number, number>();

  private constructor(canon: Int32Array) {
    this.canon = canon;
    for (let i = canon.length - 1; i >= 0; i--) this.#indexOf.set(canon[i], i);
  }

  /**
   * Canonicalises and checks the module's type section: every referenced type exists, each
   * supertype is declared earlier, is not final, and matches. Throws ValidationError.
   */
  static of(module: Module, offset?: number): TypeContext {
    let total = 0;
    for (const g of module.types) total += g.types.length;
    const canon = new Int32Array(total);
    let base = 0;
    for (const group of module.types) {
      const result = canonicalizeGroup(group, base, canon);
      if ('unknown' in result) throw new ValidationError(`unknown type ${result.unknown}`, offset);
      for (let i = 0; i < group.types.length; i++) canon[base + i] = result.first + i;
      for (let i = 0; i < group.types.length; i++) {
        const sub = group.types[i];
        const index = base + i;
        if (sub.supertypes.length > 1) throw new ValidationError(`multiple supertypes: type ${index} declares ${sub.supertypes.length}`, offset);
        if (sub.supertypes.length === 1) {
          const sup = sub.supertypes[0];
          if (sup >= index) throw new ValidationError(`unknown type ${sup}: a supertype must be defined before type ${index}`, offset);
          if (!matchesSupertype(canon[index], canon[sup])) {
            throw new ValidationError(`sub type ${index} does not match super type ${sup}`, offset);
          }
        }
      }
      base += group.types.length;
    }
    return new TypeContext(canon);
  }

  get length(): number {
    return this.canon.length;
  }

  /** The canonical id of a type index; "unknown type" if there is none. */
  id(index: number, offset?: number): number {
    if (index >= this.canon.length) throw new ValidationError(`unknown type ${index}`, offset);
    return this.canon[index];
  }

  type(index: number, offset?: number): CanonType {
    return canonType(this.id(index, offset));
  }

  /** The function type at a type index; "unknown type" if it is not one. */
  funcType(index: number, offset?: number): CanonType {
    const t = this.type(index, offset);
    if (t.kind !== KIND_FUNC) throw new ValidationError(`type mismatch: type ${index} is not a function type`, offset);
    return t;
  }

  valType(t: ValType, offset?: number): number {
    // Numeric types and abstract references name no type index: no closure to look one up.
    if (typeof t === 'string' || typeof t.heap === 'string') return storageCode(t, NO_INDEX);
    return storageCode(t, (i) => this.id(i, offset));
  }

  storageType(t: StorageType, offset?: number): number {
    return storageCode(t, (i) => this.id(i, offset));
  }

  heapType(h: HeapType, offset?: number): number {
    return heapCode(h, (i) => this.id(i, offset));
  }

  /** An encoded type as text, naming concrete types by this module's type indices. */
  typeName(t: number): string {
    if (!isRef(t) || heapOf(t) < CONCRETE) return typeName(t);
    const id = heapOf(t) - CONCRETE;
    const index = this.#indexOf.get(id);
    const heap = index === undefined ? `(;canonical ${id};)` : String(index);
    return isNullable(t) ? `(ref null ${heap})` : `(ref ${heap})`;
  }

  typeListName(ts: ArrayLike<number>, from = 0, to = ts.length): string {
    const out: string[] = [];
    for (let i = from; i < to; i++) out.push(this.typeName(ts[i]));
    return `[${out.join(' ')}]`;
  }
}
