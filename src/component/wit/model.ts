// The resolved WIT model: every package, interface, world and type of a set of WIT sources,
// with names resolved to ids. It is arena-shaped (as wasm-tools' `Resolve`) so that an encoder
// can walk it in order: each arena lists items after everything they depend on.
import type { Primitive } from './ast.ts';

export type { Primitive };
export type TypeId = number;
export type InterfaceId = number;
export type WorldId = number;
export type PackageId = number;

/** A type reference: a primitive by name, or a TypeDef by id (named or anonymous). */
export type Type = Primitive | TypeId;

export interface Stability {
  readonly since?: string;
  readonly unstable?: string;
  readonly deprecated?: string;
}

export interface PackageName {
  readonly namespace: string;
  readonly name: string;
  readonly version?: string;
}

export type TypeDefKind =
  | { readonly tag: 'record'; readonly fields: { name: string; type: Type; docs?: string }[] }
  | { readonly tag: 'resource' }
  | { readonly tag: 'handle'; readonly handle: 'own' | 'borrow'; readonly resource: TypeId }
  | { readonly tag: 'flags'; readonly flags: { name: string; docs?: string }[] }
  | { readonly tag: 'tuple'; readonly types: Type[] }
  | { readonly tag: 'variant'; readonly cases: { name: string; type?: Type; docs?: string }[] }
  | { readonly tag: 'enum'; readonly cases: { name: string; docs?: string }[] }
  | { readonly tag: 'option'; readonly type: Type }
  | { readonly tag: 'result'; readonly ok?: Type; readonly err?: Type }
  | { readonly tag: 'list'; readonly element: Type; readonly size?: number }
  | { readonly tag: 'map'; readonly key: Type; readonly value: Type }
  | { readonly tag: 'future' | 'stream'; readonly payload?: Type }
  /** `type a = b` and `use i.{b as a}`: a new name for another type. */
  | { readonly tag: 'type'; readonly type: Type };

export type TypeOwner = { readonly interface: InterfaceId } | { readonly world: WorldId } | undefined;

export interface TypeDef {
  /** Undefined for anonymous types (`list<u8>` written inline). */
  name: string | undefined;
  kind: TypeDefKind;
  owner: TypeOwner;
  docs?: string;
  stability: Stability;
}

export type FunctionKind =
  | { readonly tag: 'freestanding' }
  | { readonly tag: 'method' | 'static' | 'constructor'; readonly resource: TypeId };

export interface Func {
  /** As in the component: `f`, `[method]r.f`, `[static]r.f`, `[constructor]r`. */
  name: string;
  kind: FunctionKind;
  async: boolean;
  params: { name: string; type: Type }[];
  result?: Type;
  docs?: string;
  stability: Stability;
}

export interface Interface {
  /** Undefined for an interface written inline in a world (`import x: interface { }`). */
  name: string | undefined;
  package: PackageId | undefined;
  types: Map<string, TypeId>;
  functions: Map<string, Func>;
  docs?: string;
  stability: Stability;
}

export type WorldItem =
  | { readonly tag: 'interface'; readonly id: InterfaceId; readonly stability: Stability; readonly docs?: string; readonly externalId?: string }
  | { readonly tag: 'function'; readonly func: Func; readonly externalId?: string }
  | { readonly tag: 'type'; readonly id: TypeId };

/**
 * Imports and exports are keyed by their component name: a plain name (`run`, `host`) or,
 * for an interface imported by its name, its qualified name (`wasi:cli/stdout@0.2.0`).
 * A key is an interface name exactly when it contains `:`.
 */
export interface World {
  name: string;
  package: PackageId | undefined;
  imports: Map<string, WorldItem>;
  exports: Map<string, WorldItem>;
  docs?: string;
  stability: Stability;
}

export interface Package {
  name: PackageName;
  docs?: string;
  interfaces: Map<string, InterfaceId>;
  worlds: Map<string, WorldId>;
}

export interface Resolve {
  packages: Package[];
  interfaces: Interface[];
  worlds: World[];
  types: TypeDef[];
  /** `ns:name@version` to package. */
  packageNames: Map<string, PackageId>;
}

export function emptyResolve(): Resolve {
  return { packages: [], interfaces: [], worlds: [], types: [], packageNames: new Map() };
}

export function packageNameText(name: PackageName): string {
  return `${name.namespace}:${name.name}${name.version ? `@${name.version}` : ''}`;
}

/** `ns:pkg/iface@version`, the name an interface is imported and exported by. */
export function interfaceName(resolve: Resolve, id: InterfaceId): string | undefined {
  const iface = resolve.interfaces[id];
  if (iface.name === undefined || iface.package === undefined) return undefined;
  const p = resolve.packages[iface.package].name;
  return `${p.namespace}:${p.name}/${iface.name}${p.version ? `@${p.version}` : ''}`;
}

export function isInterfaceKey(key: string): boolean {
  return key.includes(':');
}

/** The interfaces whose types an interface uses (`use other.{t}`), in first-use order. */
export function interfaceDeps(resolve: Resolve, id: InterfaceId): InterfaceId[] {
  const deps: InterfaceId[] = [];
  for (const t of resolve.interfaces[id].types.values()) {
    const dep = typeInterfaceDep(resolve, t);
    if (dep !== undefined && dep !== id && !deps.includes(dep)) deps.push(dep);
  }
  return deps;
}

/** For a `use`d type: the interface it comes from. */
export function typeInterfaceDep(resolve: Resolve, id: TypeId): InterfaceId | undefined {
  const def = resolve.types[id];
  if (def.kind.tag !== 'type' || typeof def.kind.type !== 'number') return undefined;
  const target = resolve.types[def.kind.type].owner;
  if (target && 'interface' in target && !(def.owner && 'interface' in def.owner && def.owner.interface === target.interface)) {
    return target.interface;
  }
  return undefined;
}
