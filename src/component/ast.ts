// The component IR: the hub that decodeComponent and parseComponent produce and that
// encodeComponent (and later validation and instantiation) consume. It mirrors the
// Explainer's abstract syntax (Explainer.md, "Component Definitions") and keeps the binary
// format's section structure, so an unchanged component re-encodes byte for byte.
import type { Module } from '../core/ast.ts';
import type { RecGroup, ValType as CoreValType, GlobalType, MemoryType, TableType, TagType } from '../core/types.ts';
import type {
  CanonImm, CanonOf, CanonOptName, ComponentSort, CoreSort, ExternKind, PrimValType,
} from './codes.ts';

export type { CoreSort, ComponentSort, PrimValType, ExternKind, CanonName } from './codes.ts';

/** A `sort`: a component sort, or a core one written `core func`, `core module`, ... */
export type Sort = ComponentSort | `core ${CoreSort}`;

// ---- core instances, instances, aliases (Binary.md, "Instance/Alias Definitions") ----

export type CoreInstance =
  | { kind: 'instantiate'; module: number; args: { name: string; instance: number }[] }
  | { kind: 'exports'; exports: { name: string; sort: CoreSort; index: number }[] };

export type Instance =
  | { kind: 'instantiate'; component: number; args: { name: string; sort: Sort; index: number }[] }
  | { kind: 'exports'; exports: { name: ExternName; sort: Sort; index: number }[] };

export type AliasTarget =
  | { kind: 'export'; instance: number; name: string }
  | { kind: 'core-export'; instance: number; name: string }
  | { kind: 'outer'; count: number; index: number };

export interface Alias {
  sort: Sort;
  target: AliasTarget;
}

// ---- core types (Binary.md, "core:type") ----

export type CoreExternType =
  | { kind: 'func'; type: number }
  | { kind: 'table'; type: TableType }
  | { kind: 'memory'; type: MemoryType }
  | { kind: 'global'; type: GlobalType }
  | { kind: 'tag'; type: TagType };

export type CoreModuleDecl =
  | { kind: 'import'; module: string; name: string; type: CoreExternType }
  | { kind: 'type'; type: CoreType }
  | { kind: 'alias'; count: number; index: number }
  | { kind: 'export'; name: string; type: CoreExternType };

export type CoreType =
  | { kind: 'rec'; group: RecGroup }
  | { kind: 'module'; decls: CoreModuleDecl[] };

// ---- component types (Binary.md, "Type Definitions") ----

/** A value type: a primitive, or the index of a defined value type. */
export type ValType = PrimValType | number;

export interface Field {
  name: string;
  type: ValType;
}

export interface Case {
  name: string;
  type?: ValType;
}

export type DefValType =
  | { kind: 'prim'; type: PrimValType }
  | { kind: 'record'; fields: Field[] }
  | { kind: 'variant'; cases: Case[] }
  /** `length` present: a fixed-size list (🔧). */
  | { kind: 'list'; element: ValType; length?: number }
  | { kind: 'tuple'; types: ValType[] }
  | { kind: 'flags'; names: string[] }
  | { kind: 'enum'; names: string[] }
  | { kind: 'option'; type: ValType }
  | { kind: 'result'; ok?: ValType; error?: ValType }
  | { kind: 'own' | 'borrow'; type: number }
  | { kind: 'stream' | 'future'; element?: ValType }
  | { kind: 'map'; key: ValType; value: ValType };

export interface FuncType {
  kind: 'func';
  async: boolean;
  params: Field[];
  result?: ValType;
}

export type TypeBound = { kind: 'eq'; type: number } | { kind: 'sub-resource' };
export type ValueBound = { kind: 'eq'; value: number } | { kind: 'type'; type: ValType };

export type ExternType =
  | { kind: 'module'; type: number }
  | { kind: 'func' | 'component' | 'instance'; type: number }
  | { kind: 'value'; bound: ValueBound }
  | { kind: 'type'; bound: TypeBound };

export type InstanceDecl =
  | { kind: 'core-type'; type: CoreType }
  | { kind: 'type'; type: TypeDef }
  | { kind: 'alias'; alias: Alias }
  | { kind: 'export'; name: ExternName; type: ExternType };

export type ComponentDecl = InstanceDecl | { kind: 'import'; name: ExternName; type: ExternType };

export interface ComponentType {
  kind: 'component';
  decls: ComponentDecl[];
}

export interface InstanceType {
  kind: 'instance';
  decls: InstanceDecl[];
}

export interface ResourceType {
  kind: 'resource';
  rep: CoreValType;
  dtor?: number;
}

export type TypeDef = DefValType | FuncType | ComponentType | InstanceType | ResourceType;

// ---- canonical definitions (Binary.md, "Canonical Definitions") ----

export type CanonOpt =
  | { kind: 'utf8' | 'utf16' | 'latin1+utf16' | 'async' }
  | { kind: 'memory' | 'realloc' | 'post-return' | 'callback'; index: number };
export type CanonOptKind = CanonOptName;

/** The fields each immediate kind of the canon table (codes.ts) adds to a built-in. */
interface CanonFields {
  none: object;
  lift: { func: number; options: CanonOpt[]; type: number };
  lower: { func: number; options: CanonOpt[] };
  type: { type: number };
  type_opts: { type: number; options: CanonOpt[] };
  type_async: { type: number; async: boolean };
  opts: { options: CanonOpt[] };
  async: { async: boolean };
  cancel: { cancellable: boolean };
  cancel_memory: { cancellable: boolean; memory: number };
  task_return: { result?: ValType; options: CanonOpt[] };
  context: { valtype: CoreValType; index: number };
  core_type_table: { type: number; table: number };
  shared: { shared: boolean };
  shared_core_type: { shared: boolean; type: number };
  shared_core_type_table: { shared: boolean; type: number; table: number };
}

/** One canonical definition; `op` names the row of the canon table. */
export type Canon = { [K in CanonImm]: { op: CanonOf<K> } & CanonFields[K] }[CanonImm];

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Every canon field at once, for code that switches on the table row's immediate kind. */
export type AnyCanonFields = { op: Canon['op'] } & UnionToIntersection<CanonFields[CanonImm]>;

// ---- start, imports, exports, values ----

/** 🪙 `(start f (value arg)* (result (value))ʳ)`. */
export interface Start {
  func: number;
  args: number[];
  results: number;
}

/** A name attribute (Binary.md, `attribute`). */
export type NameAttribute =
  | { kind: 'implements'; name: string }
  | { kind: 'versionsuffix'; suffix: string }
  | { kind: 'external-id'; id: string };

/**
 * An import or export name as the binary format writes it. `form` is the leading byte of
 * `nameattributes` (0x00 and 0x01 are redundant forms of a plain name, Binary.md "warts"),
 * kept so a decoded name re-encodes as it was. `externNameView` (names.ts) parses `name`.
 */
export interface ExternName {
  name: string;
  form: 0 | 1 | 2;
  attributes: NameAttribute[];
}

export interface Import {
  name: ExternName;
  type: ExternType;
}

export interface Export {
  name: ExternName;
  sort: Sort;
  index: number;
  type?: ExternType;
}

/** 🪙 A value definition: its type and the bytes of `val(t)` (decoded against the type later). */
export interface Value {
  type: ValType;
  bytes: Uint8Array;
}

// ---- sections ----

export type Section =
  | { kind: 'custom'; name: string; data: Uint8Array }
  | { kind: 'core-module'; module: Module }
  | { kind: 'core-instance'; items: CoreInstance[] }
  | { kind: 'core-type'; items: CoreType[] }
  | { kind: 'component'; component: Component }
  | { kind: 'instance'; items: Instance[] }
  | { kind: 'alias'; items: Alias[] }
  | { kind: 'type'; items: TypeDef[] }
  | { kind: 'canon'; items: Canon[] }
  | { kind: 'start'; start: Start }
  | { kind: 'import'; items: Import[] }
  | { kind: 'export'; items: Export[] }
  | { kind: 'value'; items: Value[] };

export type SectionKind = Section['kind'];

/** Where a decoded section lay in the input (absolute offsets). */
export interface ComponentSectionSpan {
  readonly id: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/**
 * The `component-name` custom section (Binary.md, "Name Section"): the component's own name
 * and a name map per sort. Sorts keep the order they were written in, so a decoded section
 * re-encodes as it was; the text parser writes them in wasm-tools' order.
 */
export interface ComponentNames {
  component?: string;
  sorts: { sort: Sort; names: Map<number, string> }[];
  /** Subsections Tessera does not know, kept as they were. */
  unknown: { id: number; data: Uint8Array }[];
}

export interface Component {
  /** Sections in order; the binary format allows any order and repetition. */
  sections: Section[];
  /**
   * The decoded form of the first `component-name` custom section (or the text's `$id`s).
   * The encoder writes that section from it when it changed, appending one if there is none.
   */
  names?: ComponentNames;
  /** The text format's `$id`, if any (not encoded). */
  id?: string;
  /** The bytes this component was decoded from; delete it to force a canonical encoding. */
  source?: { readonly bytes: Uint8Array; readonly start: number; readonly end: number };
}

export function emptyComponent(): Component {
  return { sections: [] };
}
