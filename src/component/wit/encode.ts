// WIT in the component binary format: a resolved package as a component whose exports are
// component types, one per interface and world (the encoding wasm-tools' wit-component
// writes for `wasm-tools component wit --wasm`, decoded by decode.ts), and a world as the
// component type a component targeting it has (Explainer.md, "Component Definitions";
// WIT.md, "Package format"). Docs and feature gates have no place in the binary format, so
// they travel in the `package-docs` custom section (package-docs.ts).
//
// The layout follows wit-component so the bytes are the same, which the tests check
// against jco's bundled wasm-tools: each interface becomes
//   (type (component (import "dep:pkg/iface" (instance ...types only...))*
//                    (export "ns:pkg/iface" (instance ...types and functions...))))
// and each world (type (component (type (component ...imports and exports...))
//                                 (export "ns:pkg/world" (component 0)))).
// Inside one instance or component type a type is defined once: named types by id,
// anonymous ones (`list<u8>`) by structure, function types by signature.
import type {
  Component, ComponentDecl, ComponentType, DefValType, ExternName, ExternType, FuncType, InstanceDecl, InstanceType, Section, TypeDef, ValType,
} from '../ast.ts';
import { encodePackageDocs, PACKAGE_DOCS_SECTION } from './package-docs.ts';
import {
  type Func, type InterfaceId, interfaceDeps, interfaceName, isInterfaceKey, type PackageId, packageNameText, type Resolve,
  type Type, type TypeId, type WorldId, type WorldItem,
} from './model.ts';

export interface EncodeWitOptions {
  /** Leave out the `package-docs` section (wasm-tools always writes it, `{}` when empty). */
  readonly docs?: boolean;
}

/** The component encoding `packageId` of `resolve` as a WIT package (encodeComponent gives the bytes). */
export function encodeWitPackage(resolve: Resolve, packageId: PackageId, options: EncodeWitOptions = {}): Component {
  const pkg = resolve.packages[packageId];
  const sections: Section[] = [];
  let types = 0;
  // One type and one export section per item: wasm-encoder's builder starts a new section
  // whenever the kind changes, and the export adds a type index of its own.
  const add = (name: string, type: ComponentType) => {
    sections.push({ kind: 'type', items: [type] });
    sections.push({ kind: 'export', items: [{ name: plainName(name), sort: 'type', index: types }] });
    types += 2;
  };
  for (const [name, id] of pkg.interfaces) add(name, encodeInterface(resolve, id));
  for (const [name, id] of pkg.worlds) add(name, worldWrapper(resolve, id, `${packageNameText({ ...pkg.name, version: undefined })}/${name}${pkg.name.version ? `@${pkg.name.version}` : ''}`));
  if (options.docs !== false) sections.push({ kind: 'custom', name: PACKAGE_DOCS_SECTION, data: encodePackageDocs(resolve, packageId) });
  return { sections };
}

/**
 * A world wrapped as wit-component wraps it, for a package and for the `component-type`
 * custom section of a module: a component type exporting the world's component type
 * under the world's full name.
 */
export function worldWrapper(resolve: Resolve, world: WorldId, fullName: string): ComponentType {
  return {
    kind: 'component',
    decls: [
      { kind: 'type', type: encodeWorld(resolve, world) },
      { kind: 'export', name: plainName(fullName), type: { kind: 'component', type: 0 } },
    ],
  };
}

/** The component type of a world: what a component targeting it imports and exports. */
export function encodeWorld(resolve: Resolve, worldId: WorldId): ComponentType {
  const e = new TypeEncoder(resolve);
  const world = resolve.worlds[worldId];
  for (const [dir, items] of [['import', world.imports], ['export', world.exports]] as const) {
    for (const [key, item] of items) {
      let type: ExternType;
      if (item.tag === 'interface') {
        e.iface = item.id;
        type = { kind: 'instance', type: e.instance(item.id) };
      } else if (item.tag === 'function') {
        e.iface = undefined;
        type = { kind: 'func', type: e.funcType(item.func) };
      } else {
        // World types are imported: defining them names them through an import.
        e.iface = undefined;
        e.importTypes = true;
        e.valtype(item.id);
        e.importTypes = false;
        continue;
      }
      e.outer.declare(dir, worldItemName(resolve, key, item), type);
    }
  }
  return { kind: 'component', decls: e.outer.decls };
}

/**
 * An interface of the package: every interface it depends on (transitively, all their
 * types so everyone's view of a foreign interface agrees) imported as an instance, then
 * the interface itself exported.
 */
function encodeInterface(resolve: Resolve, id: InterfaceId): ComponentType {
  const live: InterfaceId[] = [];
  const visit = (i: InterfaceId) => {
    if (live.includes(i)) return;
    for (const dep of interfaceDeps(resolve, i)) visit(dep);
    live.push(i);
  };
  visit(id);
  const e = new TypeEncoder(resolve);
  for (const i of live) {
    e.iface = i;
    const name = interfaceName(resolve, i) ?? '';
    if (i === id) {
      e.outer.declare('export', plainName(name), { kind: 'instance', type: e.instance(i) });
      continue;
    }
    e.pushInstance();
    for (const t of resolve.interfaces[i].types.values()) e.valtype(t);
    const inst = e.popInstance();
    const index = e.outer.define({ kind: 'instance', decls: instanceDecls(inst.decls) } satisfies InstanceType);
    e.importMap.set(i, e.instances++);
    e.outer.declare('import', plainName(name), { kind: 'instance', type: index });
  }
  return { kind: 'component', decls: e.outer.decls };
}

function plainName(name: string, externalId?: string): ExternName {
  return externalId === undefined ? { name, form: 0, attributes: [] } : { name, form: 2, attributes: [{ kind: 'external-id', id: externalId }] };
}

/** A world item's import or export name with its `implements` and `external-id` attributes. */
function worldItemName(resolve: Resolve, key: string, item: WorldItem): ExternName {
  const attributes: ExternName['attributes'] = [];
  // `import x: ns:pkg/iface;` names an interface of its own under a plain name (🏷️).
  if (!isInterfaceKey(key) && item.tag === 'interface' && resolve.interfaces[item.id].name !== undefined) {
    attributes.push({ kind: 'implements', name: interfaceName(resolve, item.id) ?? '' });
  }
  const externalId = item.tag === 'type' ? undefined : item.externalId;
  if (externalId !== undefined) attributes.push({ kind: 'external-id', id: externalId });
  return { name: key, form: attributes.length ? 2 : 0, attributes };
}

/** Declarators of an instance type: never imports (only component types import). */
function instanceDecls(decls: readonly ComponentDecl[]): InstanceDecl[] {
  return decls.map((d) => {
    if (d.kind === 'import') throw new Error('encodeWit: an instance type cannot import');
    return d;
  });
}

/** The declarators of a component or instance type being built, with its type count. */
class Decls {
  readonly decls: ComponentDecl[] = [];
  types = 0;

  define(type: TypeDef): number {
    this.decls.push({ kind: 'type', type });
    return this.types++;
  }

  /** Imports and exports of types add a type index; other sorts are not tracked here. */
  declare(dir: 'import' | 'export', name: ExternName, type: ExternType): number {
    this.decls.push({ kind: dir, name, type });
    return type.kind === 'type' ? this.types++ : -1;
  }

  alias(target: { kind: 'outer'; count: number; index: number } | { kind: 'export'; instance: number; name: string }): number {
    this.decls.push({ kind: 'alias', alias: { sort: 'type', target } });
    return this.types++;
  }
}

/** Where types were defined in the current scope, so each is defined once. */
interface Maps {
  readonly ids: Map<TypeId, number>;
  /** Anonymous types by structure. */
  readonly anon: Map<string, number>;
  readonly funcs: Map<string, number>;
}

const newMaps = (): Maps => ({ ids: new Map(), anon: new Map(), funcs: new Map() });

/** Encodes WIT types into an outer component type and, while one is open, an instance type in it. */
class TypeEncoder {
  readonly resolve: Resolve;
  readonly outer = new Decls();
  inner: Decls | undefined;
  maps: Maps = newMaps();
  saved: Maps | undefined;
  /** Interfaces imported (or exported) as instances of the outer type: instance index. */
  readonly importMap = new Map<InterfaceId, number>();
  /** Types aliased out of those instances into the outer type. */
  readonly outerTypes = new Map<TypeId, number>();
  instances = 0;
  /** World types are declared by imports rather than exports. */
  importTypes = false;
  /** The interface whose own types are being defined (others' are aliased in). */
  iface: InterfaceId | undefined;
  readonly keys = new Map<TypeId, string>();

  constructor(resolve: Resolve) {
    this.resolve = resolve;
  }

  get current(): Decls {
    return this.inner ?? this.outer;
  }

  pushInstance(): void {
    this.saved = this.maps;
    this.maps = newMaps();
    this.inner = new Decls();
  }

  popInstance(): Decls {
    const inner = this.inner as Decls;
    this.maps = this.saved as Maps;
    this.saved = undefined;
    this.inner = undefined;
    return inner;
  }

  /** An interface as an instance type of the outer type: its types, then its functions. */
  instance(id: InterfaceId): number {
    this.pushInstance();
    const iface = this.resolve.interfaces[id];
    const order: TypeId[] = [];
    for (const t of iface.types.values()) {
      this.valtype(t);
      order.push(t);
    }
    // Resource functions first, in their resource's order, then freestanding ones: the
    // order printing WIT and reading it back gives (a stable sort, as wit-component's).
    const rank = (f: Func) => (f.kind.tag === 'freestanding' ? order.length : order.indexOf(f.kind.resource));
    const funcs = [...iface.functions].map((e, i) => ({ e, i })).sort((a, b) => rank(a.e[1]) - rank(b.e[1]) || a.i - b.i).map((x) => x.e);
    for (const [name, f] of funcs) {
      const type = this.funcType(f);
      (this.inner as Decls).declare('export', plainName(name), { kind: 'func', type });
    }
    const inst = this.popInstance();
    const index = this.outer.define({ kind: 'instance', decls: instanceDecls(inst.decls) } satisfies InstanceType);
    this.importMap.set(id, this.instances++);
    return index;
  }

  /** A structural key: primitives by name, named types by id, anonymous ones spelled out. */
  key(t: Type): string {
    if (typeof t === 'string') return t;
    const def = this.resolve.types[t];
    if (def.name !== undefined) return `#${t}`;
    const known = this.keys.get(t);
    if (known !== undefined) return known;
    const k = def.kind;
    const o = (x: Type | undefined) => (x === undefined ? '_' : this.key(x));
    let s: string;
    switch (k.tag) {
      case 'handle': s = `${k.handle}<#${k.resource}>`; break;
      case 'list': s = `list<${o(k.element)}${k.size === undefined ? '' : `;${k.size}`}>`; break;
      case 'option': s = `option<${o(k.type)}>`; break;
      case 'result': s = `result<${o(k.ok)},${o(k.err)}>`; break;
      case 'tuple': s = `tuple<${k.types.map(o).join(',')}>`; break;
      case 'map': s = `map<${o(k.key)},${o(k.value)}>`; break;
      case 'future': case 'stream': s = `${k.tag}<${o(k.payload)}>`; break;
      case 'type': s = `=${o(k.type)}`; break;
      default: s = `#${t}`;
    }
    this.keys.set(t, s);
    return s;
  }

  lookup(id: TypeId): number | undefined {
    const found = this.maps.ids.get(id);
    if (found !== undefined) return found;
    return this.resolve.types[id].name === undefined ? this.maps.anon.get(this.key(id)) : undefined;
  }

  insert(id: TypeId, index: number): void {
    this.maps.ids.set(id, index);
    if (this.resolve.types[id].name === undefined) this.maps.anon.set(this.key(id), index);
  }

  define(def: DefValType): number {
    return this.current.define(def);
  }

  /** A function type, defined once per signature in the current scope. */
  funcType(f: Func): number {
    const key = `${f.async ? 'async ' : ''}(${f.params.map((p) => `${p.name}:${this.key(p.type)}`).join(',')})->${f.result === undefined ? '' : this.key(f.result)}`;
    const found = this.maps.funcs.get(key);
    if (found !== undefined) return found;
    const params = f.params.map((p) => ({ name: p.name, type: this.valtype(p.type) }));
    const result = f.result === undefined ? undefined : this.valtype(f.result);
    const type: FuncType = result === undefined ? { kind: 'func', async: f.async, params } : { kind: 'func', async: f.async, params, result };
    const index = this.current.define(type);
    this.maps.funcs.set(key, index);
    return index;
  }

  /** A value type, defining (and naming) whatever it needs that this scope lacks. */
  valtype(t: Type): ValType {
    if (typeof t === 'string') return t;
    const found = this.lookup(t);
    if (found !== undefined) return found;
    const def = this.resolve.types[t];
    const owner = def.owner;
    // Another interface's type is aliased from that interface's instance.
    if (owner && 'interface' in owner && owner.interface !== this.iface) {
      const index = this.importType(owner.interface, t);
      this.insert(t, index);
      return index;
    }
    const k = def.kind;
    const opt = (x: Type | undefined) => (x === undefined ? undefined : this.valtype(x));
    let encoded: ValType;
    switch (k.tag) {
      case 'record': {
        const fields = k.fields.map((f) => ({ name: f.name, type: this.valtype(f.type) }));
        encoded = this.define({ kind: 'record', fields });
        break;
      }
      case 'tuple': {
        const types = k.types.map((x) => this.valtype(x));
        encoded = this.define({ kind: 'tuple', types });
        break;
      }
      case 'flags': encoded = this.define({ kind: 'flags', names: k.flags.map((f) => f.name) }); break;
      case 'enum': encoded = this.define({ kind: 'enum', names: k.cases.map((c) => c.name) }); break;
      case 'variant': {
        const cases = k.cases.map((c) => {
          const type = opt(c.type);
          return type === undefined ? { name: c.name } : { name: c.name, type };
        });
        encoded = this.define({ kind: 'variant', cases });
        break;
      }
      case 'option': {
        const type = this.valtype(k.type);
        encoded = this.define({ kind: 'option', type });
        break;
      }
      case 'result': {
        const ok = opt(k.ok);
        const error = opt(k.err);
        encoded = this.define({ kind: 'result', ...(ok === undefined ? {} : { ok }), ...(error === undefined ? {} : { error }) });
        break;
      }
      case 'list': {
        const element = this.valtype(k.element);
        encoded = this.define(k.size === undefined ? { kind: 'list', element } : { kind: 'list', element, length: k.size });
        break;
      }
      case 'map': {
        const key = this.valtype(k.key);
        const value = this.valtype(k.value);
        encoded = this.define({ kind: 'map', key, value });
        break;
      }
      case 'future': case 'stream': {
        const element = opt(k.payload);
        encoded = this.define(element === undefined ? { kind: k.tag } : { kind: k.tag, element });
        break;
      }
      case 'type': encoded = this.valtype(k.type); break;
      case 'resource': {
        const index = this.exportResource(def.name ?? '');
        this.maps.ids.set(t, index);
        return index;
      }
      case 'handle': {
        const resource = this.valtype(k.resource) as number;
        encoded = this.define({ kind: k.handle, type: resource });
        break;
      }
    }
    if (def.name !== undefined) {
      // A name needs a type index of its own: even a primitive gets a definition.
      const index = typeof encoded === 'number' ? encoded : this.define({ kind: 'prim', type: encoded });
      encoded = this.exportType(index, def.name);
    }
    if (typeof encoded === 'number') this.insert(t, encoded);
    return encoded;
  }

  exportType(index: number, name: string): number {
    const bound: ExternType = { kind: 'type', bound: { kind: 'eq', type: index } };
    if (this.inner) return this.inner.declare('export', plainName(name), bound);
    return this.outer.declare(this.importTypes ? 'import' : 'export', plainName(name), bound);
  }

  exportResource(name: string): number {
    const bound: ExternType = { kind: 'type', bound: { kind: 'sub-resource' } };
    if (this.inner) return this.inner.declare('export', plainName(name), bound);
    return this.outer.declare(this.importTypes ? 'import' : 'export', plainName(name), bound);
  }

  /** A type of interface `owner` (an instance of the outer type), aliased into the current scope. */
  importType(owner: InterfaceId, id: TypeId): number {
    let outerIndex = this.outerTypes.get(id);
    if (outerIndex === undefined) {
      const instance = this.importMap.get(owner);
      if (instance === undefined) throw new Error(`encodeWit: interface ${interfaceName(this.resolve, owner) ?? owner} is used before it is imported`);
      outerIndex = this.outer.alias({ kind: 'export', instance, name: this.resolve.types[id].name ?? '' });
      this.outerTypes.set(id, outerIndex);
    }
    if (!this.inner) return outerIndex;
    return this.inner.alias({ kind: 'outer', count: 1, index: outerIndex });
  }
}
