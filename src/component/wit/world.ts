// World elaboration (WIT.md "Union of Worlds with `include`", "Transitive imports and
// worlds"): `include` copies another world's items in, and every interface a world's
// interfaces `use` becomes an import of its own, before its users.
import {
  type Func, type InterfaceId, interfaceDeps, interfaceName, isInterfaceKey, type Resolve,
  type Type, type TypeId, typeInterfaceDep, type WorldId, type WorldItem,
} from './model.ts';

type Fail = (message: string) => Error;

/** Merges world `from` into world `into`, renaming plain names as `with` says. */
export function includeWorld(
  resolve: Resolve, into: WorldId, from: WorldId, renames: readonly { from: string; to: string }[], fail: Fail,
): void {
  const source = resolve.worlds[from];
  const target = resolve.worlds[into];
  for (const r of renames) {
    if (!source.imports.has(r.from) && !source.exports.has(r.from)) {
      throw fail(`no import or export kebab-name \`${r.from}\`. Note that an ID does not support renaming`);
    }
  }
  // Types owned by the included world are copied so the new world owns its own.
  const copies = new Map<TypeId, TypeId>();
  const copy = (t: Type): Type => {
    if (typeof t !== 'number') return t;
    const mapped = copies.get(t);
    if (mapped !== undefined) return mapped;
    const def = resolve.types[t];
    if (def.owner && 'world' in def.owner && def.owner.world === from) {
      const id = resolve.types.length;
      copies.set(t, id);
      resolve.types.push({ ...def, owner: { world: into }, kind: def.kind });
      resolve.types[id].kind = copyKind(def.kind, copy);
      return id;
    }
    if (def.owner === undefined && def.name === undefined) {
      const kind = copyKind(def.kind, copy);
      if (JSON.stringify(kind) === JSON.stringify(def.kind)) return t;
      const id = resolve.types.length;
      resolve.types.push({ ...def, kind });
      return id;
    }
    return t;
  };
  const copyFunc = (f: Func, name: string): Func => ({
    ...f, name, params: f.params.map((p) => ({ name: p.name, type: copy(p.type) })), result: f.result === undefined ? undefined : copy(f.result),
    kind: f.kind.tag === 'freestanding' ? f.kind : { tag: f.kind.tag, resource: copy(f.kind.resource) as TypeId },
  });
  const merge = (items: Map<string, WorldItem>, into: Map<string, WorldItem>, what: string) => {
    for (const [key, item] of items) {
      if (isInterfaceKey(key)) {
        if (!into.has(key)) into.set(key, item);
        continue;
      }
      let name = renames.find((r) => r.from === key)?.to ?? key;
      if (item.tag === 'function' && item.func.kind.tag !== 'freestanding') {
        // A resource's functions follow the resource's (possibly renamed) name.
        const resource = resolve.types[copy(item.func.kind.resource) as TypeId].name ?? '';
        const rest = key.slice(key.indexOf('.') + 1);
        name = item.func.kind.tag === 'constructor' ? `[constructor]${resource}` : `[${item.func.kind.tag}]${resource}.${rest}`;
      }
      if (into.has(name)) throw fail(`${what} of \`${name}\` shadows previously ${what}ed items`);
      let copied: WorldItem = item;
      if (item.tag === 'function') copied = { ...item, func: copyFunc(item.func, name) };
      else if (item.tag === 'type') {
        const id = copy(item.id) as TypeId;
        resolve.types[id].name = name;
        copied = { tag: 'type', id };
      }
      into.set(name, copied);
    }
  };
  merge(source.imports, target.imports, 'import');
  merge(source.exports, target.exports, 'export');
}

function copyKind(kind: Resolve['types'][number]['kind'], copy: (t: Type) => Type): Resolve['types'][number]['kind'] {
  const opt = (t: Type | undefined) => (t === undefined ? undefined : copy(t));
  switch (kind.tag) {
    case 'record': return { tag: 'record', fields: kind.fields.map((f) => ({ ...f, type: copy(f.type) })) };
    case 'variant': return { tag: 'variant', cases: kind.cases.map((c) => ({ ...c, type: opt(c.type) })) };
    case 'handle': return { tag: 'handle', handle: kind.handle, resource: copy(kind.resource) as TypeId };
    case 'tuple': return { tag: 'tuple', types: kind.types.map(copy) };
    case 'option': return { tag: 'option', type: copy(kind.type) };
    case 'result': return { tag: 'result', ok: opt(kind.ok), err: opt(kind.err) };
    case 'list': return { tag: 'list', element: copy(kind.element), size: kind.size };
    case 'map': return { tag: 'map', key: copy(kind.key), value: copy(kind.value) };
    case 'future': case 'stream': return { tag: kind.tag, payload: opt(kind.payload) };
    case 'type': return { tag: 'type', type: copy(kind.type) };
    default: return kind;
  }
}

/**
 * Adds the interfaces that imported and exported interfaces depend on as imports (an
 * exported interface's dependency stays an export when the world exports it too), in
 * dependency order; fails when an export would see one interface both imported and exported.
 */
export function elaborateWorld(resolve: Resolve, id: WorldId, fail: Fail): void {
  const world = resolve.worlds[id];
  const rank = (item: WorldItem): number => {
    if (item.tag === 'interface') return 0;
    if (item.tag === 'type') {
      const def = resolve.types[item.id];
      return typeInterfaceDep(resolve, item.id) !== undefined || (def.kind.tag === 'type' && typeof def.kind.type === 'number' && resolve.types[def.kind.type].owner !== def.owner) ? 1 : 2;
    }
    return item.func.kind.tag === 'freestanding' ? 3 : 4;
  };
  const key = (iface: InterfaceId) => interfaceName(resolve, iface) ?? `#${iface}`;
  const imports = new Map<string, WorldItem>();
  const addImport = (k: string, iface: InterfaceId, item: WorldItem) => {
    if (imports.has(k)) return;
    for (const dep of interfaceDeps(resolve, iface)) addImport(key(dep), dep, { tag: 'interface', id: dep, stability: item.tag === 'interface' ? item.stability : {} });
    imports.set(k, item);
  };
  const sorted = [...world.imports].map((e, i) => ({ e, i })).sort((a, b) => rank(a.e[1]) - rank(b.e[1]) || a.i - b.i).map((x) => x.e);
  for (const [k, item] of sorted) {
    if (item.tag === 'interface') addImport(k, item.id, item);
    else {
      if (item.tag === 'type') {
        const dep = typeInterfaceDep(resolve, item.id);
        if (dep !== undefined) addImport(key(dep), dep, { tag: 'interface', id: dep, stability: resolve.types[item.id].stability });
      }
      imports.set(k, item);
    }
  }

  const exports = new Map<string, WorldItem>();
  const exportInterfaces = new Map<string, WorldItem>();
  for (const [k, item] of world.exports) {
    if (item.tag === 'interface') exportInterfaces.set(k, item);
    else exports.set(k, item);
  }
  const required = new Set<InterfaceId>();
  const add = (k: string, item: WorldItem & { tag: 'interface' }, asExport: boolean): boolean => {
    if (exports.has(k)) return asExport;
    if (!asExport && required.has(item.id)) return true;
    for (const dep of interfaceDeps(resolve, item.id)) {
      const dk = key(dep);
      const ok = add(dk, { tag: 'interface', id: dep, stability: item.stability }, asExport && exportInterfaces.has(dk));
      if (!ok) return false;
    }
    if (asExport) {
      if (required.has(item.id)) return false;
      exports.set(k, item);
    } else {
      required.add(item.id);
      if (!imports.has(k)) imports.set(k, item);
    }
    return true;
  };
  for (const [k, item] of exportInterfaces) {
    if (item.tag !== 'interface') continue;
    if (!add(k, item, true)) throw fail(`interface \`${isInterfaceKey(k) ? k : k}\` transitively depends on an interface in incompatible ways`);
  }
  world.imports = new Map([...imports].map((e, i) => ({ e, i })).sort((a, b) => rank(a.e[1]) - rank(b.e[1]) || a.i - b.i).map((x) => x.e));
  world.exports = exports;
  checkCaseInsensitive(world.name, world.imports, 'import', fail);
  checkCaseInsensitive(world.name, world.exports, 'export', fail);
}

function checkCaseInsensitive(world: string, items: Map<string, WorldItem>, what: string, fail: Fail): void {
  const seen = new Map<string, string>();
  for (const k of items.keys()) {
    if (isInterfaceKey(k)) continue;
    const lower = k.toLowerCase();
    const prev = seen.get(lower);
    if (prev !== undefined) throw fail(`${what} \`${k}\` in world \`${world}\` conflicts with ${what} \`${prev}\` (kebab-case identifiers are case-insensitive)`);
    seen.set(lower, k);
  }
}
