// The WIT resolver (WIT.md "Name resolution", "WIT Packages and `use`", "Feature Gates"):
// packages to the arena model of model.ts. Packages are resolved in dependency order, and
// inside a package interfaces and worlds, and inside those types, in the order their
// references need (the first in source order among those ready, as wasm-tools does), so
// every arena lists an item after what it depends on.
import type {
  FuncType, Gate, Id, InterfaceMember, TopItem, TypeDecl, TypeExpr, UseDecl, UsePath, WorldDecl, WorldMember,
} from './ast.ts';
import type { Source, Span } from './lexer.ts';
import {
  emptyResolve, type Func, type InterfaceId, interfaceName, type PackageId, type Resolve,
  type Stability, type Type, type TypeDef, type TypeDefKind, type TypeId, type TypeOwner, type World,
  type WorldId, type WorldItem,
} from './model.ts';
import { packageKey, type UnresolvedPackage } from './packages.ts';
import { elaborateWorld, includeWorld } from './world.ts';

export interface ResolveOptions {
  /** `@unstable(feature = name)` items are kept only for these names. */
  readonly features?: readonly string[];
}

/** Where an error points: a file and a span in it. */
interface Site {
  readonly source: Source;
  readonly span: Span;
}

function fail(site: Site, message: string): Error {
  return site.source.error(message, site.span.start);
}

/**
 * Resolves `packages` (in any order) into `resolve` (a new one by default) and returns it
 * with the ids given to each package, in the order of `packages`.
 */
export function resolvePackages(
  packages: readonly UnresolvedPackage[],
  options: ResolveOptions = {},
  resolve: Resolve = emptyResolve(),
): { resolve: Resolve; ids: PackageId[] } {
  const byKey = new Map<string, UnresolvedPackage>();
  for (const p of packages) {
    const key = packageKey(p.name);
    const prev = byKey.get(key);
    if (prev || resolve.packageNames.has(key)) {
      const at = (u: UnresolvedPackage) => { const { line, column } = u.source.position(u.name.span.start); return `${u.source.name}:${line}:${column}`; };
      throw p.source.error(`package \`${key}\` is defined in two different locations:${prev ? `\n  * ${at(p)}\n  * ${at(prev)}` : ''}`, p.name.span.start);
    }
    byKey.set(key, p);
  }
  // Packages in dependency order: a depth-first walk over foreign `use-path`s.
  const state = new Map<string, 'visiting' | 'done'>();
  const order: UnresolvedPackage[] = [];
  const visit = (p: UnresolvedPackage) => {
    const key = packageKey(p.name);
    state.set(key, 'visiting');
    for (const { path, source } of foreignPaths(p)) {
      const depKey = packageKey(path.package);
      const dep = byKey.get(depKey);
      if (!dep) continue; // reported when the path is resolved, with the known packages
      const s = state.get(depKey);
      if (s === 'visiting') throw fail({ source, span: path.package.span }, `package \`${depKey}\` creates a dependency cycle`);
      if (s === undefined) visit(dep);
    }
    state.set(key, 'done');
    order.push(p);
  };
  // Dependencies are walked from the last given, as wasm-tools does, so a cycle is reported
  // at the same reference; the root (last) package comes last.
  const walk = [...packages.slice(0, -1).reverse(), ...packages.slice(-1)];
  for (const p of walk) if (!state.has(packageKey(p.name))) visit(p);
  const idOf = new Map<string, PackageId>();
  for (const p of order) idOf.set(packageKey(p.name), new PackageResolver(resolve, p, options).run());
  return { resolve, ids: packages.map((p) => idOf.get(packageKey(p.name)) ?? -1) };
}

function* foreignPaths(p: UnresolvedPackage): Generator<{ path: Extract<UsePath, { kind: 'package' }>; source: Source }> {
  for (const file of p.files) {
    for (const item of file.items) {
      for (const path of itemPaths(item)) if (path.kind === 'package') yield { path, source: file.source };
    }
  }
}

/** Each use-path of an item with the kind of item it must name. */
function* itemRefs(item: TopItem): Generator<{ path: UsePath; want: 'interface' | 'world' }> {
  if (item.kind !== 'world') {
    for (const path of itemPaths(item)) yield { path, want: 'interface' };
    return;
  }
  for (const m of item.items) {
    if (m.kind === 'include') yield { path: m.path, want: 'world' };
    else if (m.kind === 'use') yield { path: m.path, want: 'interface' };
    else if (m.kind === 'import' || m.kind === 'export') {
      const t = m.target;
      if (t.kind === 'path' || t.kind === 'named-path') yield { path: t.path, want: 'interface' };
      else if (t.kind === 'interface') for (const path of memberPaths(t.items)) yield { path, want: 'interface' };
    }
  }
}

function* memberPaths(items: readonly InterfaceMember[]): Generator<UsePath> {
  for (const m of items) if (m.kind === 'use') yield m.path;
}

function* itemPaths(item: TopItem): Generator<UsePath> {
  if (item.kind === 'use') yield item.path;
  else if (item.kind === 'interface') yield* memberPaths(item.items);
  else {
    for (const m of item.items) {
      if (m.kind === 'use' || m.kind === 'include') yield m.path;
      else if (m.kind === 'import' || m.kind === 'export') {
        const t = m.target;
        if (t.kind === 'path' || t.kind === 'named-path') yield t.path;
        else if (t.kind === 'interface') yield* memberPaths(t.items);
      }
    }
  }
}

function stabilityOf(gate: Gate): Stability {
  const s: { since?: string; unstable?: string; deprecated?: string } = {};
  if (gate.since) s.since = gate.since.version;
  if (gate.unstable) s.unstable = gate.unstable.feature;
  if (gate.deprecated) s.deprecated = gate.deprecated.version;
  return s;
}

/** Compares two semver versions by precedence (build metadata ignored). */
function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.split('+')[0].split(/-(.*)/s);
    return { nums: core.split('.').map(Number), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i] - y.nums[i];
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** A name in a package: an interface or world declaration. */
interface PackageItem {
  readonly kind: 'interface' | 'world';
  readonly decl: TopItem & { kind: 'interface' | 'world' };
  readonly source: Source;
  id?: number;
  excluded: boolean;
}

/** What a name means in an interface's or world's scope. */
type ScopeEntry =
  | { readonly kind: 'type'; readonly id: TypeId }
  | { readonly kind: 'func' }
  | { readonly kind: 'excluded' };

/** A reference to an interface from a file: in this package or another. */
type InterfaceRef = { kind: 'interface'; id: InterfaceId } | { kind: 'world'; id: WorldId };

class PackageResolver {
  readonly resolve: Resolve;
  readonly pkg: UnresolvedPackage;
  readonly features: ReadonlySet<string>;
  readonly items = new Map<string, PackageItem>();
  id = -1;

  constructor(resolve: Resolve, pkg: UnresolvedPackage, options: ResolveOptions) {
    this.resolve = resolve;
    this.pkg = pkg;
    this.features = new Set(options.features ?? []);
  }

  excluded(gate: Gate): boolean {
    return gate.unstable !== undefined && !this.features.has(gate.unstable.feature);
  }

  checkSince(gate: Gate, site: Site): void {
    const version = this.pkg.name.version;
    if (gate.since && version === undefined) {
      throw fail(site, `package [${packageKey(this.pkg.name)}] contains a feature gate with a version specifier, so it must have a version`);
    }
    if (gate.since && version && compareVersions(gate.since.version, version) > 0) {
      throw fail(site, `feature gate cannot reference unreleased version ${gate.since.version} of package [${packageKey(this.pkg.name)}] (current version ${version})`);
    }
  }

  run(): PackageId {
    const { resolve, pkg } = this;
    this.id = resolve.packages.length;
    resolve.packages.push({
      name: { namespace: pkg.name.namespace, name: pkg.name.name, version: pkg.name.version },
      docs: pkg.docs,
      interfaces: new Map(),
      worlds: new Map(),
    });
    resolve.packageNames.set(packageKey(pkg.name), this.id);

    // Package namespace: interfaces and worlds share it.
    for (const file of pkg.files) {
      for (const item of file.items) {
        if (item.kind === 'use') continue;
        if (this.items.has(item.name.name)) throw fail({ source: file.source, span: item.name.span }, `duplicate item named \`${item.name.name}\``);
        this.items.set(item.name.name, { kind: item.kind, decl: item, source: file.source, excluded: this.excluded(item.gate) });
      }
    }
    // File namespaces: top-level `use` names plus the file's own items.
    const fileScopes = new Map<Source, Map<string, { path: UsePath; alias: boolean; span: Span }>>();
    for (const file of pkg.files) {
      const scope = new Map<string, { path: UsePath; alias: boolean; span: Span }>();
      for (const item of file.items) {
        const name = item.kind === 'use' ? (item.as ?? item.path.name) : item.name;
        if (scope.has(name.name)) throw fail({ source: file.source, span: name.span }, `duplicate name \`${name.name}\` in this file`);
        const path: UsePath = item.kind === 'use' ? item.path : { kind: 'local', name: item.name };
        scope.set(name.name, { path, alias: item.kind === 'use', span: name.span });
      }
      fileScopes.set(file.source, scope);
    }
    this.fileScopes = fileScopes;
    // A top-level `use` of another package must name one of its interfaces.
    for (const file of pkg.files) {
      for (const item of file.items) if (item.kind === 'use' && item.path.kind === 'package') this.item(item.path, file.source, 'interface');
    }

    // Order interfaces and worlds by the local items they name.
    const nodes: { name: string; source: Source; decl: TopItem & { kind: 'interface' | 'world' } }[] = [];
    const edges = new Map<string, (Site & { name: string })[]>();
    for (const file of pkg.files) {
      for (const item of file.items) {
        if (item.kind === 'use') {
          if (item.path.kind === 'local') this.localTarget(item.path.name, file.source);
          continue;
        }
        nodes.push({ name: item.name.name, source: file.source, decl: item });
        const out: (Site & { name: string })[] = [];
        for (const { path, want } of itemRefs(item)) {
          if (path.kind !== 'local') continue;
          const target = this.localTarget(path.name, file.source);
          // A reference to the wrong kind of item is reported when it is resolved.
          if (target && this.items.get(target.name)?.kind === want) out.push(target);
        }
        edges.set(item.name.name, out);
      }
    }
    for (const node of toposort(nodes.map((n) => n.name), edges, 'interface or world')) {
      const item = this.items.get(node);
      if (!item) continue;
      if (item.kind === 'interface') this.interfaceItem(item);
      else this.worldItem(item);
    }
    return this.id;
  }

  fileScopes = new Map<Source, Map<string, { path: UsePath; alias: boolean; span: Span }>>();

  /** The package item a local name in a file stands for (following top-level `use`s). */
  localTarget(name: Id, source: Source): (Site & { name: string }) | undefined {
    const entry = this.fileScopes.get(source)?.get(name.name);
    if (entry) {
      if (entry.path.kind === 'package') return undefined;
      if (!entry.alias) return { name: name.name, source, span: entry.span };
      // A top-level `use` names an item of the package, never another file-level name.
      const target = entry.path.name;
      if (this.items.has(target.name)) return { name: target.name, source, span: target.span };
      throw fail({ source, span: target.span }, `interface or world \`${target.name}\` does not exist`);
    }
    if (this.items.has(name.name)) return { name: name.name, source, span: name.span };
    throw fail({ source, span: name.span }, `interface or world \`${name.name}\` does not exist`);
  }

  /** Resolves a use-path to an interface or world id. */
  item(path: UsePath, source: Source, want: 'interface' | 'world'): InterfaceRef {
    const site = { source, span: path.name.span };
    if (path.kind === 'local') {
      const entry = this.fileScopes.get(source)?.get(path.name.name);
      if (entry?.path.kind === 'package') return this.item(entry.path, source, want);
      const target = entry?.alias && entry.path.kind === 'local' ? entry.path.name.name : path.name.name;
      if (entry?.alias && !this.items.has(target)) throw fail(site, `interface or world \`${target}\` does not exist`);
      const item = this.items.get(target);
      if (!item) throw fail(site, `interface or world \`${path.name.name}\` does not exist`);
      if (item.excluded) throw fail(site, `found a reference to a ${item.kind} which is excluded due to its feature not being activated`);
      if (item.kind !== want) throw fail(site, `name \`${path.name.name}\` is defined as ${item.kind === 'world' ? 'a world' : 'an interface'}, not ${want === 'world' ? 'a world' : 'an interface'}`);
      if (item.id === undefined) throw fail(site, `interface or world \`${path.name.name}\` depends on itself`);
      return { kind: item.kind, id: item.id };
    }
    const key = packageKey(path.package);
    const pkgId = this.resolve.packageNames.get(key);
    if (pkgId === undefined) {
      const known = [...this.resolve.packageNames.keys()].filter((k) => k !== packageKey(this.pkg.name)).sort();
      throw fail({ source, span: path.package.span }, `package '${key}' not found. known packages:${known.map((k) => `\n    ${k}`).join('')}`);
    }
    const pkg = this.resolve.packages[pkgId];
    const name = path.name.name;
    if (want === 'interface') {
      const id = pkg.interfaces.get(name);
      if (id === undefined) throw fail(site, `interface '${name}' not found in package '${key}'`);
      return { kind: 'interface', id };
    }
    const id = pkg.worlds.get(name);
    if (id === undefined) {
      throw fail(site, `world '${name}' not found in package '${key}'`);
    }
    return { kind: 'world', id };
  }

  // --- interfaces ---

  interfaceItem(item: PackageItem): void {
    const decl = item.decl as TopItem & { kind: 'interface' };
    const site = { source: item.source, span: decl.name.span };
    if (item.excluded) {
      for (const m of decl.items) {
        if (!m.gate.unstable) {
          const span = m.kind === 'use' ? m.path.name.span : m.name.span;
          throw fail({ source: item.source, span }, 'found a reference to a interface which is excluded due to its feature not being activated; this type is not gated by a feature but its interface is');
        }
      }
      return;
    }
    this.checkSince(decl.gate, site);
    const id = this.newInterface(decl.name.name, decl.docs, stabilityOf(decl.gate));
    item.id = id;
    this.resolve.packages[this.id].interfaces.set(decl.name.name, id);
    this.interfaceBody(id, decl.items, item.source);
  }

  newInterface(name: string | undefined, docs: string | undefined, stability: Stability): InterfaceId {
    const id = this.resolve.interfaces.length;
    this.resolve.interfaces.push({ name, package: this.id, types: new Map(), functions: new Map(), docs, stability });
    return id;
  }

  interfaceBody(id: InterfaceId, members: readonly InterfaceMember[], source: Source): void {
    const iface = this.resolve.interfaces[id];
    const scope = new Map<string, ScopeEntry>();
    const owner: TypeOwner = { interface: id };
    const define = (name: Id, entry: ScopeEntry) => {
      if (scope.has(name.name)) throw fail({ source, span: name.span }, `name \`${name.name}\` is defined more than once`);
      scope.set(name.name, entry);
    };
    const types: TypeDecl[] = [];
    for (const m of members) {
      if (m.kind === 'use') {
        for (const { name, as, id: t } of this.useTypes(m, source, owner)) {
          define(as ?? name, t === undefined ? { kind: 'excluded' } : { kind: 'type', id: t });
          if (t !== undefined) iface.types.set((as ?? name).name, t);
        }
      } else if (m.kind === 'func') {
        define(m.name, this.excluded(m.gate) ? { kind: 'excluded' } : { kind: 'func' });
      } else {
        types.push(m);
        if (this.excluded(m.gate)) define(m.name, { kind: 'excluded' });
      }
    }
    this.typeDecls(types, scope, source, owner, (name, t) => iface.types.set(name, t), define);
    for (const m of members) {
      if (m.kind === 'func' && !this.excluded(m.gate)) {
        this.checkSince(m.gate, { source, span: m.name.span });
        iface.functions.set(m.name.name, this.func(m.name, m.name.name, { tag: 'freestanding' }, m.func, scope, source, m.docs, m.gate));
      }
    }
    this.resourceFuncs(types, scope, source, (f) => iface.functions.set(f.name, f));
  }

  /** The types a `use` brings in: new alias types owned by `owner` (undefined: excluded). */
  useTypes(use: UseDecl, source: Source, owner: TypeOwner): { name: Id; as?: Id; id: TypeId | undefined }[] {
    if (this.excluded(use.gate)) return use.names.map((n) => ({ ...n, id: undefined }));
    const target = this.item(use.path, source, 'interface').id;
    const iface = this.resolve.interfaces[target];
    const local = use.path.kind === 'local' && this.fileScopes.get(source)?.get(use.path.name.name)?.path.kind !== 'package';
    return use.names.map(({ name, as }) => {
      const t = iface.types.get(name.name);
      if (t === undefined) {
        const site = { source, span: name.span };
        if (local && iface.functions.has(name.name)) throw fail(site, `cannot import function \`${name.name}\``);
        throw fail(site, local ? `name \`${name.name}\` does not exist` : `type \`${name.name}\` not defined in interface`);
      }
      return { name, as, id: this.newType((as ?? name).name, { tag: 'type', type: t }, owner, use.docs, stabilityOf(use.gate)) };
    });
  }

  newType(name: string | undefined, kind: TypeDefKind, owner: TypeOwner, docs?: string, stability: Stability = {}): TypeId {
    const id = this.resolve.types.length;
    this.resolve.types.push({ name, kind, owner, docs, stability });
    return id;
  }

  /** Defines `types` in dependency order in `scope`. */
  typeDecls(
    types: readonly TypeDecl[], scope: Map<string, ScopeEntry>, source: Source, owner: TypeOwner,
    add: (name: string, id: TypeId) => void, define: (name: Id, entry: ScopeEntry) => void,
  ): void {
    const live = types.filter((t) => !this.excluded(t.gate));
    const byName = new Map(live.map((t) => [t.name.name, t]));
    for (const t of live) {
      if (byName.get(t.name.name) !== t || scope.has(t.name.name)) throw fail({ source, span: t.name.span }, `name \`${t.name.name}\` is defined more than once`);
    }
    const edges = new Map<string, (Site & { name: string })[]>();
    for (const t of live) {
      const out: (Site & { name: string })[] = [];
      for (const ref of typeRefs(t)) {
        if (byName.has(ref.name)) out.push({ name: ref.name, source, span: ref.span });
        else if (!scope.has(ref.name)) throw this.unknownType(ref, source);
      }
      edges.set(t.name.name, out);
    }
    for (const name of toposort(live.map((t) => t.name.name), edges, 'type')) {
      const t = byName.get(name);
      if (!t) continue;
      this.checkSince(t.gate, { source, span: t.name.span });
      const id = this.newType(name, { tag: 'resource' }, owner, t.docs, stabilityOf(t.gate));
      this.resolve.types[id].kind = this.typeDeclKind(t, scope, source, id);
      define(t.name, { kind: 'type', id });
      add(name, id);
    }
  }

  unknownType(ref: Id, source: Source): Error {
    const renamed: Record<string, string> = { float32: 'f32', float64: 'f64' };
    const site = { source, span: ref.span };
    const err = fail(site, `type \`${ref.name}\` does not exist`);
    if (renamed[ref.name]) err.message += `\nthe \`${ref.name}\` type has been renamed to \`${renamed[ref.name]}\` and is no longer accepted`;
    return err;
  }

  typeDeclKind(t: TypeDecl, scope: Map<string, ScopeEntry>, source: Source, self: TypeId): TypeDefKind {
    const ty = (e: TypeExpr, at: Id) => this.type(e, scope, source, at, 'type');
    switch (t.kind) {
      case 'resource': return { tag: 'resource' };
      case 'type': {
        const type = this.type(t.type, scope, source, t.name, 'type', self);
        // `type t = list<u8>` is itself the list type (as in wasm-tools): take the anonymous
        // type's kind rather than aliasing it.
        if (t.type.kind !== 'name' && t.type.kind !== 'primitive' && typeof type === 'number' && type === this.resolve.types.length - 1) {
          const kind = this.resolve.types[type].kind;
          this.resolve.types.pop();
          return kind;
        }
        return { tag: 'type', type };
      }
      case 'record': {
        const seen = new Set<string>();
        return {
          tag: 'record',
          fields: t.fields.map((f) => {
            if (seen.has(f.name.name)) throw fail({ source, span: f.name.span }, `field \`${f.name.name}\` is defined more than once`);
            seen.add(f.name.name);
            return { name: f.name.name, type: ty(f.type, f.name), docs: f.docs };
          }),
        };
      }
      case 'variant': return { tag: 'variant', cases: t.cases.map((c) => ({ name: c.name.name, type: c.type ? ty(c.type, c.name) : undefined, docs: c.docs })) };
      case 'enum': return { tag: 'enum', cases: t.cases.map((c) => ({ name: c.name.name, docs: c.docs })) };
      case 'flags': return { tag: 'flags', flags: t.cases.map((c) => ({ name: c.name.name, docs: c.docs })) };
    }
  }

  /**
   * A type expression to a Type. `at` names the item errors about excluded types point at
   * (wasm-tools points at the item, not the reference). `self` is the alias being defined.
   */
  type(e: TypeExpr, scope: Map<string, ScopeEntry>, source: Source, at: Id, missing: 'type' | 'name', self?: TypeId): Type {
    const anon = (kind: TypeDefKind) => this.newType(undefined, kind, undefined);
    const sub = (x: TypeExpr) => this.type(x, scope, source, at, missing);
    switch (e.kind) {
      case 'primitive': return e.name;
      case 'name': case 'own': case 'borrow': {
        const ref = e.kind === 'name' ? e.name : e.resource;
        const entry = scope.get(ref.name);
        const site = { source, span: ref.span };
        if (!entry) {
          if (missing === 'type' || e.kind !== 'name') throw this.unknownType(ref, source);
          throw fail(site, `name \`${ref.name}\` does not exist`);
        }
        if (entry.kind === 'excluded') throw fail({ source, span: at.span }, 'found a reference to a type which is excluded due to its feature not being activated');
        if (entry.kind === 'func') {
          if (missing === 'type') throw this.unknownType(ref, source);
          throw fail(site, `cannot use function \`${ref.name}\` as a type`);
        }
        if (e.kind === 'name') {
          // A name that leads to a resource is an owned handle to it, except as the whole
          // of an alias (`type t = r` names the resource itself).
          if (self === undefined && this.resourceOf(entry.id) !== undefined) return anon({ tag: 'handle', handle: 'own', resource: entry.id });
          return entry.id;
        }
        const resource = this.resourceOf(entry.id);
        if (resource === undefined) {
          const def = this.resolve.types[entry.id];
          const foreign = def.owner && 'interface' in def.owner && def.kind.tag === 'type';
          throw fail(site, foreign && scope !== undefined && this.isForeignAlias(entry.id) ? 'type used in a handle must be a resource' : `type \`${ref.name}\` used in a handle must be a resource`);
        }
        return anon({ tag: 'handle', handle: e.kind, resource: entry.id });
      }
      case 'list': return anon({ tag: 'list', element: sub(e.element), size: e.size });
      case 'option': return anon({ tag: 'option', type: sub(e.type) });
      case 'result': return anon({ tag: 'result', ok: e.ok && sub(e.ok), err: e.err && sub(e.err) });
      case 'tuple': return anon({ tag: 'tuple', types: e.types.map(sub) });
      case 'map': {
        const key = sub(e.key);
        if (typeof key !== 'string' || key === 'f32' || key === 'f64' || key === 'error-context') {
          throw fail({ source, span: e.span }, 'invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string');
        }
        return anon({ tag: 'map', key, value: sub(e.value) });
      }
      case 'future': case 'stream': return anon({ tag: e.kind, payload: e.payload && sub(e.payload) });
    }
  }

  /** Whether an alias leads to a type of another interface (then wasm-tools names no type). */
  isForeignAlias(id: TypeId): boolean {
    const def = this.resolve.types[id];
    if (def.kind.tag !== 'type' || typeof def.kind.type !== 'number') return false;
    const target = this.resolve.types[def.kind.type];
    return target.owner !== undefined && 'interface' in target.owner && (def.owner === undefined || !('interface' in def.owner) || def.owner.interface !== target.owner.interface);
  }

  /** The resource an id names, through aliases. */
  resourceOf(id: TypeId): TypeId | undefined {
    for (let t: Type = id, n = 0; n < 1000; n++) {
      if (typeof t !== 'number') return undefined;
      const def: TypeDef = this.resolve.types[t];
      if (def.kind.tag === 'resource') return t;
      if (def.kind.tag === 'handle' && def.kind.handle === 'own' && def.name === undefined) t = def.kind.resource;
      else if (def.kind.tag === 'type') t = def.kind.type;
      else return undefined;
    }
    return undefined;
  }

  func(
    at: Id, name: string, kind: Func['kind'], ft: FuncType, scope: Map<string, ScopeEntry>, source: Source,
    docs: string | undefined, gate: Gate, self?: { resource: TypeId; name: string },
  ): Func {
    const params: Func['params'] = [];
    const seen = new Set<string>();
    if (kind.tag === 'method' && self) {
      params.push({ name: 'self', type: this.newType(undefined, { tag: 'handle', handle: 'borrow', resource: self.resource }, undefined) });
      seen.add('self');
    }
    for (const p of ft.params) {
      if (seen.has(p.name.name)) throw fail({ source, span: p.name.span }, `param \`${p.name.name}\` is defined more than once`);
      seen.add(p.name.name);
      params.push({ name: p.name.name, type: this.type(p.type, scope, source, at, 'name') });
    }
    let result: Type | undefined;
    if (kind.tag === 'constructor' && self) {
      if (ft.result === undefined) result = this.newType(undefined, { tag: 'handle', handle: 'own', resource: self.resource }, undefined);
      else {
        const r = ft.result;
        if (r.kind !== 'result') throw fail({ source, span: r.span }, 'if a constructor return type is declared it must be a `result`');
        const ok = r.ok;
        if (!ok || ok.kind !== 'name' || ok.name.name !== self.name) throw fail({ source, span: ok ? ok.span : r.span }, 'the `ok` type must be the resource being constructed');
        result = this.type(r, scope, source, at, 'name');
      }
    } else if (ft.result) {
      result = this.type(ft.result, scope, source, at, 'name');
      if (this.containsBorrow(result)) throw fail({ source, span: at.span }, `function \`${name}\` returns a type which contains a \`borrow<T>\` which is not supported`);
    }
    return { name, kind, async: ft.async, params, result, docs, stability: stabilityOf(gate) };
  }

  containsBorrow(t: Type, depth = 0): boolean {
    if (typeof t !== 'number' || depth > 200) return false;
    const k = this.resolve.types[t].kind;
    const any = (ts: (Type | undefined)[]) => ts.some((x) => x !== undefined && this.containsBorrow(x, depth + 1));
    switch (k.tag) {
      case 'handle': return k.handle === 'borrow';
      case 'resource': case 'flags': case 'enum': return false;
      case 'record': return any(k.fields.map((f) => f.type));
      case 'variant': return any(k.cases.map((c) => c.type));
      case 'tuple': return any(k.types);
      case 'option': return any([k.type]);
      case 'result': return any([k.ok, k.err]);
      case 'list': return any([k.element]);
      case 'map': return any([k.key, k.value]);
      case 'future': case 'stream': return any([k.payload]);
      case 'type': return any([k.type]);
    }
  }

  /** Methods, statics and constructors of the resources among `types`. */
  resourceFuncs(types: readonly TypeDecl[], scope: Map<string, ScopeEntry>, source: Source, add: (f: Func) => void): void {
    for (const t of types) {
      if (t.kind !== 'resource' || !t.funcs) continue;
      const resourceExcluded = this.excluded(t.gate);
      const entry = scope.get(t.name.name);
      const names = new Set<string>();
      let constructors = 0;
      for (const f of t.funcs) {
        const site = { source, span: f.name.span };
        if (resourceExcluded) {
          if (!f.gate.unstable) throw fail(site, 'found a reference to a type which is excluded due to its feature not being activated');
          continue;
        }
        if (f.kind === 'constructor') {
          if (++constructors > 1) throw fail(site, 'duplicate constructors');
        } else {
          if (names.has(f.name.name)) throw fail(site, `duplicate function name \`${f.name.name}\``);
          names.add(f.name.name);
        }
        if (this.excluded(f.gate) || entry?.kind !== 'type') continue;
        this.checkSince(f.gate, site);
        const name = f.kind === 'constructor' ? `[constructor]${t.name.name}` : `[${f.kind}]${t.name.name}.${f.name.name}`;
        add(this.func(f.name, name, { tag: f.kind, resource: entry.id }, f.func, scope, source, f.docs, f.gate, { resource: entry.id, name: t.name.name }));
      }
    }
  }

  // --- worlds ---

  worldItem(item: PackageItem): void {
    const decl = item.decl as WorldDecl;
    const source = item.source;
    if (item.excluded) return;
    this.checkSince(decl.gate, { source, span: decl.name.span });
    const id = this.resolve.worlds.length;
    const world: World = { name: decl.name.name, package: this.id, imports: new Map(), exports: new Map(), docs: decl.docs, stability: stabilityOf(decl.gate) };
    this.resolve.worlds.push(world);
    item.id = id;
    this.resolve.packages[this.id].worlds.set(decl.name.name, id);

    // World types (and `use`s) first: imports and exports may refer to them.
    const scope = new Map<string, ScopeEntry>();
    const owner: TypeOwner = { world: id };
    const kinds = new Map<string, string>();
    const define = (name: Id, entry: ScopeEntry) => {
      if (scope.has(name.name)) throw fail({ source, span: name.span }, `name \`${name.name}\` is defined more than once`);
      scope.set(name.name, entry);
      if (entry.kind === 'type') {
        world.imports.set(name.name, { tag: 'type', id: entry.id });
        kinds.set(`import:${name.name}`, 'type');
      }
    };
    const types: TypeDecl[] = [];
    for (const m of decl.items) {
      if (m.kind === 'use') for (const u of this.useTypes(m, source, owner)) define(u.as ?? u.name, u.id === undefined ? { kind: 'excluded' } : { kind: 'type', id: u.id });
      else if (isTypeDecl(m)) {
        types.push(m);
        if (this.excluded(m.gate)) scope.set(m.name.name, { kind: 'excluded' });
      }
    }
    this.typeDecls(types, scope, source, owner, () => {}, define);
    this.resourceFuncs(types, scope, source, (f) => {
      world.imports.set(f.name, { tag: 'function', func: f });
      kinds.set(`import:${f.name}`, 'func');
    });

    for (const m of decl.items) {
      if (m.kind !== 'import' && m.kind !== 'export') continue;
      if (this.excluded(m.gate)) continue;
      const items = m.kind === 'import' ? world.imports : world.exports;
      const t = m.target;
      const nameSpan = t.kind === 'path' ? t.path.name.span : t.name.span;
      const site = { source, span: nameSpan };
      this.checkSince(m.gate, site);
      let key: string;
      let entry: WorldItem;
      let what: string;
      if (t.kind === 'path' || t.kind === 'named-path') {
        const iface = this.item(t.path, source, 'interface').id;
        key = t.kind === 'path' ? (interfaceName(this.resolve, iface) ?? t.path.name.name) : t.name.name;
        entry = { tag: 'interface', id: iface, stability: stabilityOf(m.gate), docs: m.docs, externalId: m.gate.externalId };
        what = 'interface';
        if (t.kind === 'path' && items.has(key)) throw fail(site, `interface cannot be ${m.kind}ed more than once`);
      } else if (t.kind === 'func') {
        key = t.name.name;
        entry = { tag: 'function', func: this.func(t.name, t.name.name, { tag: 'freestanding' }, t.func, scope, source, m.docs, m.gate), externalId: m.gate.externalId };
        what = 'func';
      } else {
        key = t.name.name;
        const iface = this.newInterface(undefined, m.docs, stabilityOf(m.gate));
        this.interfaceBody(iface, t.items, source);
        entry = { tag: 'interface', id: iface, stability: stabilityOf(m.gate), docs: m.docs, externalId: m.gate.externalId };
        what = 'interface';
      }
      const prev = kinds.get(`${m.kind}:${key}`);
      if (prev) throw fail(site, `${m.kind} \`${key}\` conflicts with prior ${prev} of same name`);
      kinds.set(`${m.kind}:${key}`, what);
      items.set(key, entry);
    }

    for (const m of decl.items) {
      if (m.kind !== 'include') continue;
      const site = { source, span: m.path.name.span };
      if (this.excluded(m.gate)) continue;
      this.checkSince(m.gate, site);
      const included = this.item(m.path, source, 'world').id;
      includeWorld(this.resolve, id, included, m.with.map((w) => ({ from: w.from.name, to: w.to.name })), (message) => fail(site, message));
    }
    elaborateWorld(this.resolve, id, (message) => fail({ source, span: decl.name.span }, message));
  }
}

function isTypeDecl(m: WorldMember): m is TypeDecl {
  return m.kind !== 'use' && m.kind !== 'import' && m.kind !== 'export' && m.kind !== 'include';
}

/** The names a type declaration refers to (its dependencies). */
function typeRefs(t: TypeDecl): Id[] {
  const out: Id[] = [];
  const walk = (e: TypeExpr | undefined) => {
    if (!e) return;
    switch (e.kind) {
      case 'name': out.push(e.name); break;
      case 'own': case 'borrow': out.push(e.resource); break;
      case 'list': walk(e.element); break;
      case 'option': walk(e.type); break;
      case 'result': walk(e.ok); walk(e.err); break;
      case 'tuple': e.types.forEach(walk); break;
      case 'map': walk(e.key); walk(e.value); break;
      case 'future': case 'stream': walk(e.payload); break;
      case 'primitive': break;
    }
  };
  switch (t.kind) {
    case 'type': walk(t.type); break;
    case 'record': t.fields.forEach((f) => walk(f.type)); break;
    case 'variant': t.cases.forEach((c) => walk(c.type)); break;
    default: break;
  }
  return out;
}

/**
 * Orders `nodes` so each comes after its edges' targets, choosing the earliest ready node in
 * source order; a cycle is reported at the first remaining edge into the cycle.
 */
function toposort(nodes: readonly string[], edges: ReadonlyMap<string, readonly (Site & { name: string })[]>, kind: string): string[] {
  const remaining = new Map<string, number>();
  const index = new Map(nodes.map((n, i) => [n, i]));
  const reverse = new Map<string, string[]>();
  for (const n of nodes) {
    const out = edges.get(n) ?? [];
    remaining.set(n, out.length);
    for (const e of out) {
      if (!index.has(e.name)) throw fail(e, `${kind} \`${e.name}\` does not exist`);
      const r = reverse.get(e.name) ?? [];
      r.push(n);
      reverse.set(e.name, r);
    }
  }
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < nodes.length) {
    let next: string | undefined;
    for (const n of nodes) {
      if (!done.has(n) && remaining.get(n) === 0) {
        next = n;
        break;
      }
    }
    if (next === undefined) break;
    done.add(next);
    order.push(next);
    for (const r of reverse.get(next) ?? []) remaining.set(r, (remaining.get(r) ?? 0) - 1);
  }
  if (order.length === nodes.length) return order;
  for (const n of nodes) {
    if (done.has(n)) continue;
    for (const e of edges.get(n) ?? []) {
      if (!done.has(e.name)) throw fail(e, `${kind} \`${e.name}\` depends on itself`);
    }
  }
  throw new Error('toposort: no cycle found');
}
