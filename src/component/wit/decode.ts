// WIT from components (WIT.md, "Package format"; the reading side of encode.ts): a
// component whose exports are all component types is a WIT package encoded as a component
// and reads back as that package; any other component reads as the world it implements —
// its imports and exports — in a package `root:component`, world `root`, as wasm-tools'
// `component wit` prints it. Interfaces of other packages that the component names come
// back as partial packages holding just what it uses.
//
// Types are matched by identity (component-types.ts): a type export that names a type
// already seen becomes `type x = y` (a `use` when y is another interface's), a new
// definition otherwise; anonymous types (`list<u8>`) are shared where the binary shares them.
import { ValidationError } from '../../core/errors.ts';
import type { Component, ExternName } from '../ast.ts';
import { SECTION_SPANS } from '../binary/decode.ts';
import { externNameView } from '../names.ts';
import { validateComponent } from '../validate/component.ts';
import {
  componentExterns, type ComponentNode, type Entity, type Extern, type FuncNode, type Item, peel, type TypeNode,
  type ValueDef, type VType,
} from './component-types.ts';
import {
  emptyResolve, type Func, type InterfaceId, interfaceDeps, type PackageId, type PackageName, type Resolve, type Type,
  type TypeDefKind, type TypeId, type TypeOwner, type WorldId, type WorldItem,
} from './model.ts';
import { injectPackageDocs, PACKAGE_DOCS_SECTION } from './package-docs.ts';
import { packageKey } from './packages.ts';

export type DecodedWit =
  /** A WIT package encoded as a component. */
  | { readonly kind: 'package'; readonly resolve: Resolve; readonly package: PackageId }
  /** An ordinary component: the world of its imports and exports. */
  | { readonly kind: 'component'; readonly resolve: Resolve; readonly package: PackageId; readonly world: WorldId };

export interface DecodeWitOptions {
  /** Validate the component first (default true); decoding trusts a valid component. */
  readonly validate?: boolean;
}

function fail(message: string): ValidationError {
  return new ValidationError(message);
}

/** Reads the WIT of a component: the package it encodes, or the world it implements. */
export function decodeWit(component: Component, options: DecodeWitOptions = {}): DecodedWit {
  if (options.validate !== false) validateComponent(component);
  const externs = componentExterns(component);
  const docs = packageDocs(component);
  const version = witPackageVersion(externs);
  const d = new Decoder();
  if (version === undefined) {
    const { pkg, world } = d.component(externs);
    const id = d.finish(pkg);
    if (docs) injectPackageDocs(d.resolve, id, docs.data, docs.offset);
    return { kind: 'component', resolve: d.resolve, package: id, world: d.resolve.packages[id].worlds.get(world) as WorldId };
  }
  const pkg = version === 1 ? d.packageV1(externs) : d.packageV2(externs);
  const id = d.finish(pkg);
  if (docs) injectPackageDocs(d.resolve, id, docs.data, docs.offset);
  return { kind: 'package', resolve: d.resolve, package: id };
}

function packageDocs(c: Component): { data: Uint8Array; offset: number } | undefined {
  let found: { data: Uint8Array; offset: number } | undefined;
  for (const s of c.sections) {
    if (s.kind !== 'custom' || s.name !== PACKAGE_DOCS_SECTION) continue;
    if (found) throw fail(`multiple "${PACKAGE_DOCS_SECTION}" sections`);
    found = { data: s.data, offset: SECTION_SPANS.get(s)?.contentStart ?? 0 };
  }
  return found;
}

/**
 * Whether the externs are those of a WIT package: only exports, all of component types. The
 * first name says the format: `ns:pkg/wit` (the first) or a plain name (the current).
 */
function witPackageVersion(externs: readonly Extern[]): 1 | 2 | undefined {
  if (externs.length === 0) return undefined;
  for (const e of externs) {
    if (e.dir !== 'export' || e.entity.kind !== 'type' || peel(e.entity.created).kind !== 'component') return undefined;
  }
  const view = externNameView(externs[0].name.name);
  if (view.kind === 'interface' && view.projections.join('/') === 'wit') return 1;
  return view.kind === 'plain' ? 2 : undefined;
}

function componentOf(e: Entity): ComponentNode {
  const n = e.kind === 'type' ? peel(e.created) : undefined;
  if (n?.kind !== 'component') throw fail('expected a component type');
  return n.component;
}

/** A package under construction: its name and items, not yet in the resolve. */
interface PackageDraft {
  name: PackageName;
  readonly interfaces: Map<string, InterfaceId>;
  readonly worlds: Map<string, WorldId>;
}

/** `ns:pkg/name@version` read as a package name and an item name. */
function splitName(name: ExternName): { pkg: PackageName; item: string } | undefined {
  const v = externNameView(name.name);
  if (v.kind !== 'interface' || v.namespaces.length !== 1 || v.projections.length !== 1) return undefined;
  let version = v.version;
  const suffix = name.attributes.find((a) => a.kind === 'versionsuffix');
  if (suffix && suffix.kind === 'versionsuffix') version = `${version ?? ''}${suffix.suffix}`;
  return { pkg: { namespace: v.namespaces[0], name: v.package, ...(version === undefined ? {} : { version }) }, item: v.projections[0] };
}

function attribute(name: ExternName, kind: 'implements' | 'external-id'): string | undefined {
  for (const a of name.attributes) {
    if (a.kind === 'implements' && kind === 'implements') return a.name;
    if (a.kind === 'external-id' && kind === 'external-id') return a.id;
  }
  return undefined;
}

type OwnerKey = string;
const ownerKey = (o: TypeOwner): OwnerKey => (o === undefined ? '-' : 'interface' in o ? `i${o.interface}` : `w${o.world}`);

class Decoder {
  readonly resolve: Resolve = emptyResolve();
  /** Other packages, created as their interfaces are first named, by `ns:name@version`. */
  readonly foreign = new Map<string, PackageDraft>();
  readonly foreignOf = new Map<InterfaceId, string>();
  /** This package's interfaces by their full name. */
  readonly named = new Map<string, InterfaceId>();
  /** Resources by owner and name, for the functions of resources. */
  readonly resources = new Map<OwnerKey, Map<string, TypeId>>();
  /** What each type node was read as. */
  readonly typeMap = new Map<TypeNode, TypeId>();

  // ---- the three shapes ----

  packageV2(externs: readonly Extern[]): PackageDraft {
    let draft: PackageDraft | undefined;
    const fields = { interfaces: new Map<string, InterfaceId>(), worlds: new Map<string, WorldId>() };
    for (const e of externs) {
      const c = componentOf(e.entity);
      // An interface is a component type exporting one instance; a world, one component.
      if (c.exports.size !== 1) throw fail(`Expected a single export, but found ${c.exports.size} instead`);
      const [item] = c.exports.values();
      const split = splitName(item.name);
      if (!split) throw fail(`expected world name to be fully qualified: ${item.name.name}`);
      if (item.entity.kind === 'component') this.world(item.name.name, item.entity.component, fields);
      else if (item.entity.kind === 'instance') {
        for (const imp of c.imports.values()) this.importInterface(imp.name.name, imp);
        this.interface(item.name.name, item, fields);
      } else throw fail(`export \`${item.name.name}\` is not an instance or component`);
      if (draft === undefined) draft = { name: split.pkg, ...fields };
      else if (packageKey(draft.name) !== packageKey(split.pkg)) throw fail('item defined with mismatched package name');
    }
    if (!draft) throw fail('no exported component type found');
    return draft;
  }

  packageV1(externs: readonly Extern[]): PackageDraft {
    if (externs.length !== 1) throw fail('more than one top-level exported component type found');
    const e = externs[0];
    const split = splitName(e.name);
    if (!split) throw fail(`package name is not a valid id: ${e.name.name}`);
    const c = componentOf(e.entity);
    for (const imp of c.imports.values()) this.importInterface(imp.name.name, imp);
    const draft: PackageDraft = { name: split.pkg, interfaces: new Map(), worlds: new Map() };
    for (const item of c.exports.values()) {
      if (item.entity.kind === 'instance') this.interface(item.name.name, item, draft);
      else if (item.entity.kind === 'component') this.world(item.name.name, item.entity.component, draft);
      else throw fail(`component export \`${item.name.name}\` is not an instance or component`);
    }
    return draft;
  }

  /** An ordinary component: its imports and exports as world `root` of `root:component`. */
  component(externs: readonly Extern[]): { pkg: PackageDraft; world: string } {
    const pkg: PackageDraft = { name: { namespace: 'root', name: 'component' }, interfaces: new Map(), worlds: new Map() };
    const id = this.newWorld('root');
    pkg.worlds.set('root', id);
    const world = this.resolve.worlds[id];
    const owner: TypeOwner = { world: id };
    for (const e of externs) {
      const name = e.name.name;
      const ent = e.entity;
      const context = `failed to decode WIT from ${e.dir} \`${name}\``;
      try {
        if (e.dir === 'import') {
          if (ent.kind === 'instance') world.imports.set(...this.worldInstance(e, pkg));
          else if (ent.kind === 'func') world.imports.set(name, { tag: 'function', func: this.func(name, ent.func, owner), ...externalId(e.name) });
          else if (ent.kind === 'type') world.imports.set(name, { tag: 'type', id: this.typeExport(name, ent, owner) });
          // Other imports (modules, components, values) have no place in a world.
        } else if (ent.kind === 'instance') world.exports.set(...this.worldInstance(e, pkg));
        else if (ent.kind === 'func') world.exports.set(name, { tag: 'function', func: this.func(name, ent.func, owner), ...externalId(e.name) });
        else throw fail(`component export \`${name}\` was not a function or instance`);
      } catch (err) {
        if (err instanceof ValidationError && !err.message.startsWith('failed to decode')) throw fail(`${context}: ${err.message}`);
        throw err;
      }
    }
    return { pkg, world: 'root' };
  }

  // ---- interfaces ----

  newInterface(name: string | undefined): InterfaceId {
    const id = this.resolve.interfaces.length;
    this.resolve.interfaces.push({ name, package: undefined, types: new Map(), functions: new Map(), stability: {} });
    return id;
  }

  newWorld(name: string): WorldId {
    const id = this.resolve.worlds.length;
    this.resolve.worlds.push({ name, package: undefined, imports: new Map(), exports: new Map(), stability: {} });
    return id;
  }

  /**
   * An interface named `name` that is imported (from another package, filled in as far as
   * this component uses it) or one of this package's, whose definition this must agree with.
   */
  importInterface(name: string, item: Item): InterfaceId {
    if (item.entity.kind !== 'instance') throw fail(`import \`${name}\` is not an instance`);
    const local = this.named.get(name);
    const id = local ?? this.foreignInterface(name, item);
    const iface = this.resolve.interfaces[id];
    const owner: TypeOwner = { interface: id };
    for (const [n, x] of item.entity.instance.exports) {
      const e = x.entity;
      if (e.kind === 'type') {
        const existing = iface.types.get(n);
        if (existing !== undefined) {
          // Known already: line the binary's anonymous types up with the known ones.
          const ref = peel(e.referenced);
          if (ref.kind === 'value') this.register(existing, ref.def);
          this.typeMap.set(e.created, existing);
        } else {
          if (local !== undefined) throw fail(`instance type export \`${n}\` not defined in interface`);
          iface.types.set(n, this.typeExport(n, e, owner));
        }
      } else if (e.kind === 'func') {
        if (iface.functions.has(n)) continue;
        if (local !== undefined) throw fail(`instance function export \`${n}\` not defined in interface`);
        iface.functions.set(n, this.func(n, e.func, owner));
      } else throw fail(`instance type export \`${n}\` is not a type`);
    }
    return id;
  }

  foreignInterface(name: string, item: Item): InterfaceId {
    const split = splitName({ ...item.name, name });
    if (!split) throw fail(`package name is not a valid id: ${name}`);
    const key = packageKey(split.pkg);
    let pkg = this.foreign.get(key);
    if (!pkg) {
      pkg = { name: split.pkg, interfaces: new Map(), worlds: new Map() };
      this.foreign.set(key, pkg);
    }
    let id = pkg.interfaces.get(split.item);
    if (id === undefined) {
      id = this.newInterface(split.item);
      pkg.interfaces.set(split.item, id);
    }
    this.foreignOf.set(id, key);
    return id;
  }

  /**
   * An interface this package defines (`ns:pkg/name`) or a world's inline one (a plain
   * name): its types and functions. Returns its world key and id.
   */
  interface(name: string, item: Item, fields: { interfaces: Map<string, InterfaceId> }): [string, InterfaceId] {
    if (item.entity.kind !== 'instance') throw fail(`\`${name}\` is not an instance`);
    if (this.named.has(name)) return [name, this.importInterface(name, item)];
    const split = splitName({ ...item.name, name });
    const view = externNameView(name);
    if (!split && view.kind !== 'plain') throw fail(`cannot extract item name from: ${name}`);
    const id = this.newInterface(split?.item);
    const iface = this.resolve.interfaces[id];
    const owner: TypeOwner = { interface: id };
    for (const [n, x] of item.entity.instance.exports) {
      const e = x.entity;
      if (e.kind === 'type') iface.types.set(n, this.typeExport(n, e, owner));
      else if (e.kind === 'func') iface.functions.set(n, this.func(n, e.func, owner));
      else throw fail(`instance type export \`${n}\` is not a type or function`);
    }
    if (split) {
      if (fields.interfaces.has(split.item)) throw fail(`duplicate interface added for ${JSON.stringify(name)}`);
      fields.interfaces.set(split.item, id);
      this.named.set(name, id);
    }
    return [name, id];
  }

  /** A world's instance import or export: by interface name, by `implements`, or inline. */
  worldInstance(x: Item, fields: { interfaces: Map<string, InterfaceId> }): [string, WorldItem] {
    const name = x.name.name;
    const implemented = attribute(x.name, 'implements');
    let id: InterfaceId;
    if (implemented !== undefined) id = this.importInterface(implemented, x);
    else if (externNameView(name).kind === 'interface') id = this.importInterface(name, x);
    else [, id] = this.interface(name, x, fields);
    return [name, { tag: 'interface', id, stability: {}, ...externalId(x.name) }];
  }

  // ---- worlds ----

  world(name: string, c: ComponentNode, fields: { interfaces: Map<string, InterfaceId>; worlds: Map<string, WorldId> }): WorldId {
    const split = splitName({ name, form: 0, attributes: [] });
    if (!split) throw fail(`expected world name to have an ID form: ${name}`);
    const id = this.newWorld(split.item);
    const world = this.resolve.worlds[id];
    const owner: TypeOwner = { world: id };
    for (const [n, x] of c.imports) {
      const e = x.entity;
      if (e.kind === 'instance') world.imports.set(...this.worldInstance(x, fields));
      else if (e.kind === 'type') world.imports.set(n, { tag: 'type', id: this.typeExport(n, e, owner) });
      else if (e.kind === 'func') world.imports.set(n, { tag: 'function', func: this.func(n, e.func, owner), ...externalId(x.name) });
      else throw fail(`component import \`${n}\` is not an instance, func, or type`);
    }
    for (const [n, x] of c.exports) {
      const e = x.entity;
      if (e.kind === 'instance') world.exports.set(...this.worldInstance(x, fields));
      else if (e.kind === 'func') world.exports.set(n, { tag: 'function', func: this.func(n, e.func, owner), ...externalId(x.name) });
      else throw fail(`component export \`${n}\` is not an instance or function`);
    }
    if (fields.worlds.has(split.item)) throw fail(`duplicate world ${split.item}`);
    fields.worlds.set(split.item, id);
    return id;
  }

  // ---- types ----

  /** The first of `t` and what it aliases that was read already. */
  findAlias(t: TypeNode): TypeId | undefined {
    for (let n: TypeNode | undefined = t; n !== undefined; n = n.kind === 'alias' ? n.of : undefined) {
      const id = this.typeMap.get(n);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  newType(name: string | undefined, kind: TypeDefKind, owner: TypeOwner): TypeId {
    const id = this.resolve.types.length;
    this.resolve.types.push({ name, kind, owner, stability: {} });
    return id;
  }

  /** A named type: a new name for a type seen before, or a new definition. */
  typeExport(name: string, e: Entity & { kind: 'type' }, owner: TypeOwner): TypeId {
    const prev = this.findAlias(e.referenced);
    let kind: TypeDefKind;
    if (prev !== undefined) kind = { tag: 'type', type: prev };
    else {
      const def = peel(e.referenced);
      if (def.kind === 'resource') kind = { tag: 'resource' };
      else if (def.kind === 'value') kind = this.defined(def.def);
      else throw fail(`type \`${name}\` is not a value type or resource`);
    }
    const id = this.newType(name, kind, owner);
    if (kind.tag === 'resource') {
      const key = ownerKey(owner);
      const map = this.resources.get(key) ?? new Map<string, TypeId>();
      map.set(name, id);
      this.resources.set(key, map);
    }
    if (this.typeMap.has(e.created)) {
      throw fail(`cannot represent this component in WIT: the type \`${name}\` appears more than once (for example, when an imported instance is re-exported under a new name)`);
    }
    this.typeMap.set(e.created, id);
    return id;
  }

  func(name: string, f: FuncNode, owner: TypeOwner): Func {
    const params = f.params.map((p) => ({ name: p.name, type: this.valtype(p.type) }));
    const result = f.result === undefined ? undefined : this.valtype(f.result);
    const view = externNameView(name);
    const resource = (r: string) => {
      const id = this.resources.get(ownerKey(owner))?.get(r);
      if (id === undefined) throw fail(`function \`${name}\` names resource \`${r}\`, which is not defined here`);
      return id;
    };
    let kind: Func['kind'];
    switch (view.kind) {
      case 'plain': kind = { tag: 'freestanding' }; break;
      case 'constructor': kind = { tag: 'constructor', resource: resource(view.resource) }; break;
      case 'method': case 'static': kind = { tag: view.kind, resource: resource(view.resource) }; break;
      default: throw fail(`function name \`${name}\` is not a plain or resource function name`);
    }
    return { name, kind, async: f.async, params, result, stability: {} };
  }

  valtype(t: VType): Type {
    if (typeof t === 'string') return t;
    const known = this.typeMap.get(t);
    if (known !== undefined) return known;
    const def = peel(t);
    if (def.kind !== 'value') throw fail(`a ${def.kind} type is not a value type`);
    const kind = this.defined(def.def);
    switch (kind.tag) {
      case 'record': case 'variant': case 'enum': case 'flags': case 'resource':
        throw fail(`unexpected unnamed type of kind '${kind.tag}'`);
      default: break;
    }
    const id = this.newType(undefined, kind, undefined);
    this.typeMap.set(t, id);
    return id;
  }

  /** The resource a handle names (through aliases, to the first one read). */
  resourceRef(t: TypeNode): TypeId {
    const id = this.findAlias(t);
    if (id === undefined) throw fail('a handle names a resource that is not exported or imported by name');
    return id;
  }

  defined(d: ValueDef): TypeDefKind {
    const v = (t: VType) => this.valtype(t);
    const opt = (t: VType | undefined) => (t === undefined ? undefined : v(t));
    switch (d.kind) {
      case 'prim': return { tag: 'type', type: d.type };
      case 'list': return d.length === undefined ? { tag: 'list', element: v(d.element) } : { tag: 'list', element: v(d.element), size: d.length };
      case 'map': return { tag: 'map', key: v(d.key), value: v(d.value) };
      case 'tuple': return { tag: 'tuple', types: d.types.map(v) };
      case 'option': return { tag: 'option', type: v(d.type) };
      case 'result': return { tag: 'result', ok: opt(d.ok), err: opt(d.error) };
      case 'record': return { tag: 'record', fields: d.fields.map((f) => ({ name: f.name, type: v(f.type) })) };
      case 'variant': return { tag: 'variant', cases: d.cases.map((c) => ({ name: c.name, type: opt(c.type) })) };
      case 'flags': return { tag: 'flags', flags: d.names.map((name) => ({ name })) };
      case 'enum': return { tag: 'enum', cases: d.names.map((name) => ({ name })) };
      case 'own': case 'borrow': return { tag: 'handle', handle: d.kind, resource: this.resourceRef(d.resource) };
      case 'future': case 'stream': return { tag: d.kind, payload: opt(d.element) };
    }
  }

  /**
   * Lines the anonymous types inside a binary definition up with those of the known type
   * `id`, so a foreign interface seen twice does not grow a second `list<u8>`.
   */
  register(id: TypeId, d: ValueDef): void {
    const k = this.resolve.types[id].kind;
    if (k.tag === 'type' && typeof k.type === 'number') return;
    const pair = (wasm: VType | undefined, wit: Type | undefined) => {
      if (typeof wasm !== 'object' || typeof wit !== 'number') return;
      if (this.typeMap.has(wasm)) return;
      this.typeMap.set(wasm, wit);
      const def = peel(wasm);
      if (def.kind === 'value') this.register(wit, def.def);
    };
    switch (d.kind) {
      case 'list': if (k.tag === 'list') pair(d.element, k.element); break;
      case 'map': if (k.tag === 'map') { pair(d.key, k.key); pair(d.value, k.value); } break;
      case 'tuple': if (k.tag === 'tuple') d.types.forEach((t, i) => pair(t, k.types[i])); break;
      case 'option': if (k.tag === 'option') pair(d.type, k.type); break;
      case 'result': if (k.tag === 'result') { pair(d.ok, k.ok); pair(d.error, k.err); } break;
      case 'record': if (k.tag === 'record') d.fields.forEach((f, i) => pair(f.type, k.fields[i]?.type)); break;
      case 'variant': if (k.tag === 'variant') d.cases.forEach((c, i) => pair(c.type, k.cases[i]?.type)); break;
      case 'future': case 'stream': if (k.tag === d.kind) pair(d.element, k.payload); break;
      default: break;
    }
  }

  // ---- packages ----

  /** Puts the foreign packages (dependencies first) and then `main` into the resolve. */
  finish(main: PackageDraft): PackageId {
    const keys = [...this.foreign.keys()];
    const order: string[] = [];
    const visit = (key: string) => {
      if (order.includes(key)) return;
      const pkg = this.foreign.get(key) as PackageDraft;
      const ifaces = [...pkg.interfaces.values()];
      for (const w of pkg.worlds.values()) {
        const world = this.resolve.worlds[w];
        for (const item of [...world.imports.values(), ...world.exports.values()]) if (item.tag === 'interface') ifaces.push(item.id);
      }
      for (const i of ifaces) {
        for (const dep of interfaceDeps(this.resolve, i)) {
          const depKey = this.foreignOf.get(dep);
          if (depKey !== undefined && depKey !== key) visit(depKey);
        }
      }
      order.push(key);
    };
    for (const k of keys) visit(k);
    for (const k of order) this.insert(this.foreign.get(k) as PackageDraft);
    return this.insert(main);
  }

  insert(draft: PackageDraft): PackageId {
    const r = this.resolve;
    const key = packageKey(draft.name);
    let id = r.packageNames.get(key);
    if (id === undefined) {
      id = r.packages.length;
      r.packages.push({ name: draft.name, interfaces: new Map(), worlds: new Map() });
      r.packageNames.set(key, id);
    }
    const pkg = r.packages[id];
    for (const [name, i] of draft.interfaces) {
      pkg.interfaces.set(name, i);
      r.interfaces[i].package = id;
    }
    for (const [name, w] of draft.worlds) {
      pkg.worlds.set(name, w);
      const world = r.worlds[w];
      world.package = id;
      for (const [k, item] of [...world.imports, ...world.exports]) {
        if (item.tag === 'interface' && !k.includes(':') && r.interfaces[item.id].name === undefined) r.interfaces[item.id].package = id;
      }
    }
    return id;
  }
}

function externalId(name: ExternName): { externalId?: string } {
  const id = attribute(name, 'external-id');
  return id === undefined ? {} : { externalId: id };
}
