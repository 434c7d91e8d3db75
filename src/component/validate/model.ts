// The semantic types the component validator works with (Explainer.md, "Type Checking"):
// index spaces hold these, not AST nodes. A type index is a `TypeEntry`, whose object
// identity is what "named" means for external visibility (Explainer.md, "External
// visibility of types"): exporting or importing a type makes a new entry for the same
// definition. Resource types carry a resource id (`rid`); two resource types are the same
// type exactly when their rids are equal (Explainer.md, "Resource types": generativity).
import type { GlobalType, MemoryType, TableType, ValType as CoreValType } from '../../core/types.ts';
import type { PrimValType } from '../codes.ts';

export interface CoreFuncT {
  readonly params: readonly CoreValType[];
  readonly results: readonly CoreValType[];
  /** A built-in whose core signature this validator does not model: matches any. */
  readonly unknown?: true;
}

export type CoreExternT =
  | { readonly kind: 'func'; readonly type: CoreFuncT }
  | { readonly kind: 'table'; readonly type: TableType }
  | { readonly kind: 'memory'; readonly type: MemoryType }
  | { readonly kind: 'global'; readonly type: GlobalType }
  | { readonly kind: 'tag'; readonly type: CoreFuncT };

export interface ModuleT {
  readonly imports: readonly { module: string; name: string; type: CoreExternT }[];
  readonly exports: ReadonlyMap<string, CoreExternT>;
}

export interface CoreInstanceT {
  readonly exports: ReadonlyMap<string, CoreExternT>;
}

/** A core type index: a function type, a module type, or a GC struct/array type. */
export type CoreTypeT =
  | { readonly kind: 'func'; readonly type: CoreFuncT }
  | { readonly kind: 'module'; readonly type: ModuleT }
  | { readonly kind: 'gc' };

/** A component value type: a primitive, or a type entry whose definition is a value type. */
export type VT = PrimValType | TypeEntry;

export type ValDef =
  | { readonly kind: 'prim'; readonly type: PrimValType }
  | { readonly kind: 'record'; readonly fields: readonly (readonly [string, VT])[] }
  | { readonly kind: 'variant'; readonly cases: readonly (readonly [string, VT | undefined])[] }
  | { readonly kind: 'list'; readonly element: VT; readonly length?: number }
  | { readonly kind: 'tuple'; readonly types: readonly VT[] }
  | { readonly kind: 'flags' | 'enum'; readonly names: readonly string[] }
  | { readonly kind: 'option'; readonly type: VT }
  | { readonly kind: 'result'; readonly ok?: VT; readonly error?: VT }
  | { readonly kind: 'own' | 'borrow'; readonly resource: TypeEntry }
  | { readonly kind: 'stream' | 'future'; readonly element?: VT }
  | { readonly kind: 'map'; readonly key: VT; readonly value: VT };

export interface FuncT {
  readonly async: boolean;
  readonly params: readonly (readonly [string, VT])[];
  readonly result?: VT;
}

export interface ResourceDef {
  readonly kind: 'resource';
  readonly rid: number;
  /** Set for a resource defined by this component (`(type (resource ...))`). */
  readonly rep?: CoreValType;
  readonly dtor?: number;
}

export type Def =
  | ValDef
  | ResourceDef
  | { readonly kind: 'func'; readonly type: FuncT }
  | { readonly kind: 'component'; readonly type: ComponentT }
  | { readonly kind: 'instance'; readonly type: InstanceT };

/** One entry of the type index space. */
export interface TypeEntry {
  readonly def: Def;
  /** The entry this one re-exports (an instance's export names what it stands for). */
  readonly origin?: TypeEntry;
  /** The instance export this entry was aliased from. */
  readonly aliasOf?: TypeEntry;
}

export type EntityT =
  | { readonly kind: 'func'; readonly type: FuncT }
  | { readonly kind: 'value'; readonly type: VT }
  | { readonly kind: 'type'; readonly type: TypeEntry }
  | { readonly kind: 'instance'; readonly type: InstanceT }
  | { readonly kind: 'component'; readonly type: ComponentT }
  | { readonly kind: 'module'; readonly type: ModuleT };

export interface InstanceT {
  readonly exports: ReadonlyMap<string, EntityT>;
  /** Resources this instance type introduces (abstract exports): fresh for each instance. */
  readonly defined: readonly number[];
}

export interface ComponentT {
  readonly imports: ReadonlyMap<string, EntityT>;
  readonly exports: ReadonlyMap<string, EntityT>;
  /** Resources created inside (defined or exported abstractly): fresh per instantiation. */
  readonly defined: readonly number[];
}

let nextRid = 0;
/** A new resource identity (Explainer.md, "Resource types": each definition is generative). */
export function freshRid(): number {
  return nextRid++;
}

export function entry(def: Def): TypeEntry {
  return { def };
}

/** The value definition behind a value type, or undefined for a primitive. */
export function valDef(t: VT): ValDef | undefined {
  return typeof t === 'string' ? undefined : (t.def as ValDef);
}

export function defDescription(d: Def): string {
  switch (d.kind) {
    case 'prim': return d.type;
    case 'resource': return 'resource';
    case 'func': return 'func';
    case 'component': return 'component';
    case 'instance': return 'instance';
    default: return d.kind;
  }
}
