// The WIT syntax tree: what one file says, before names are resolved (WIT.md "Top-level
// items"). Every node that can be named in an error keeps a span into its Source.
import type { Source, Span } from './lexer.ts';

export interface Id {
  readonly name: string;
  readonly span: Span;
}

/** `@since`, `@unstable`, `@deprecated` and `@external-id` before an item. */
export interface Gate {
  since?: { version: string; span: Span };
  unstable?: { feature: string; span: Span };
  deprecated?: { version: string; span: Span };
  externalId?: string;
}

export interface PackageName {
  readonly namespace: string;
  readonly name: string;
  readonly version?: string;
  readonly span: Span;
}

/** A file, its `package ...;` header (if any), its items and its `package x { }` blocks. */
export interface WitFile {
  readonly source: Source;
  readonly package?: PackageName;
  readonly packageDocs?: string;
  /** The span of the docs on the package header, for "found doc comments on multiple". */
  readonly packageDocsSpan?: Span;
  readonly items: TopItem[];
  readonly nested: NestedPackage[];
}

export interface NestedPackage {
  readonly name: PackageName;
  readonly docs?: string;
  readonly items: TopItem[];
}

export type TopItem = ToplevelUse | InterfaceDecl | WorldDecl;

/** `use-path`: a bare interface name, or `ns:pkg/iface@version`. */
export type UsePath =
  | { readonly kind: 'local'; readonly name: Id }
  | { readonly kind: 'package'; readonly package: PackageName; readonly name: Id; readonly span: Span };

export interface ToplevelUse {
  readonly kind: 'use';
  readonly path: UsePath;
  readonly as?: Id;
  readonly gate: Gate;
}

export interface InterfaceDecl {
  readonly kind: 'interface';
  readonly name: Id;
  readonly docs?: string;
  readonly gate: Gate;
  readonly items: InterfaceMember[];
}

export interface WorldDecl {
  readonly kind: 'world';
  readonly name: Id;
  readonly docs?: string;
  readonly gate: Gate;
  readonly items: WorldMember[];
}

export type InterfaceMember = UseDecl | TypeDecl | FuncDecl;
export type WorldMember = UseDecl | TypeDecl | ImportExport | IncludeDecl;

export interface UseDecl {
  readonly kind: 'use';
  readonly path: UsePath;
  readonly names: { readonly name: Id; readonly as?: Id }[];
  readonly gate: Gate;
  readonly docs?: string;
}

export interface FuncDecl {
  readonly kind: 'func';
  readonly name: Id;
  readonly docs?: string;
  readonly gate: Gate;
  readonly func: FuncType;
}

export interface FuncType {
  readonly async: boolean;
  readonly params: { readonly name: Id; readonly type: TypeExpr }[];
  readonly result?: TypeExpr;
}

export interface ResourceFunc {
  readonly kind: 'method' | 'static' | 'constructor';
  /** For a constructor, the `constructor` keyword's span with the name `constructor`. */
  readonly name: Id;
  readonly docs?: string;
  readonly gate: Gate;
  readonly func: FuncType;
}

export interface Field {
  readonly name: Id;
  readonly type: TypeExpr;
  readonly docs?: string;
}

export interface Case {
  readonly name: Id;
  readonly type?: TypeExpr;
  readonly docs?: string;
}

interface TypeDeclBase {
  readonly name: Id;
  readonly docs?: string;
  readonly gate: Gate;
}

export type TypeDecl = TypeDeclBase & (
  | { readonly kind: 'resource'; readonly funcs?: ResourceFunc[] }
  | { readonly kind: 'record'; readonly fields: Field[] }
  | { readonly kind: 'variant'; readonly cases: Case[] }
  | { readonly kind: 'enum'; readonly cases: Case[] }
  | { readonly kind: 'flags'; readonly cases: Case[] }
  | { readonly kind: 'type'; readonly type: TypeExpr });

export const PRIMITIVES = [
  'bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'string',
  'error-context',
] as const;
export type Primitive = (typeof PRIMITIVES)[number];

/** A type as written. */
export type TypeExpr = { readonly span: Span } & (
  | { readonly kind: 'primitive'; readonly name: Primitive }
  | { readonly kind: 'name'; readonly name: Id }
  | { readonly kind: 'own' | 'borrow'; readonly resource: Id }
  | { readonly kind: 'list'; readonly element: TypeExpr; readonly size?: number }
  | { readonly kind: 'option'; readonly type: TypeExpr }
  | { readonly kind: 'result'; readonly ok?: TypeExpr; readonly err?: TypeExpr }
  | { readonly kind: 'tuple'; readonly types: TypeExpr[] }
  | { readonly kind: 'map'; readonly key: TypeExpr; readonly value: TypeExpr }
  | { readonly kind: 'future' | 'stream'; readonly payload?: TypeExpr });

/** The thing after `import`/`export`. */
export type ExternTarget =
  | { readonly kind: 'path'; readonly path: UsePath }
  | { readonly kind: 'func'; readonly name: Id; readonly func: FuncType }
  | { readonly kind: 'interface'; readonly name: Id; readonly items: InterfaceMember[] }
  | { readonly kind: 'named-path'; readonly name: Id; readonly path: UsePath };

export interface ImportExport {
  readonly kind: 'import' | 'export';
  readonly target: ExternTarget;
  readonly docs?: string;
  readonly gate: Gate;
}

export interface IncludeDecl {
  readonly kind: 'include';
  readonly path: UsePath;
  readonly with: { readonly from: Id; readonly to: Id }[];
  readonly gate: Gate;
}

/** The span an error about a use-path points at (the interface name, as wasm-tools does). */
export function pathSpan(path: UsePath): Span {
  return path.name.span;
}
