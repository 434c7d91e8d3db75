// Merging one resolve into another, as wasm-tools' `Resolve::merge` does when a WIT
// package decoded from a component joins packages read from text (a `deps/` entry that is
// a `.wasm` or `.wat` file, WIT.md "Filesystem structure"). Packages, interfaces, worlds
// and types already present by name are kept and the incoming ones mapped onto them (a
// decoded package often holds only the part of another package it uses); everything
// else is copied in, ids remapped.
import type {
  Func, InterfaceId, PackageId, Resolve, Type, TypeDefKind, TypeId, TypeOwner, WorldId, WorldItem,
} from './model.ts';
import { packageKey } from './packages.ts';

/** Adds `from`'s packages to `into`; returns where each package of `from` now is. */
export function mergeResolve(into: Resolve, from: Resolve): PackageId[] {
  const pkgs = from.packages.map((p) => {
    const key = packageKey(p.name);
    let id = into.packageNames.get(key);
    if (id === undefined) {
      id = into.packages.length;
      into.packages.push({ name: p.name, docs: p.docs, interfaces: new Map(), worlds: new Map() });
      into.packageNames.set(key, id);
    }
    return id;
  });

  // Interfaces and worlds: the existing one of the same name, or a new empty one.
  const existingIfaces = new Set<InterfaceId>();
  const ifaces = from.interfaces.map((i, fromId) => {
    const pkg = i.package === undefined ? undefined : pkgs[i.package];
    const known = pkg !== undefined && i.name !== undefined ? into.packages[pkg].interfaces.get(i.name) : undefined;
    if (known !== undefined && from.packages[i.package as number].interfaces.get(i.name as string) === fromId) {
      existingIfaces.add(known);
      return known;
    }
    const id = into.interfaces.length;
    into.interfaces.push({ name: i.name, package: pkg, types: new Map(), functions: new Map(), docs: i.docs, stability: i.stability });
    if (pkg !== undefined && i.name !== undefined) into.packages[pkg].interfaces.set(i.name, id);
    return id;
  });
  const newWorlds = new Set<WorldId>();
  const worlds = from.worlds.map((w) => {
    const pkg = w.package === undefined ? undefined : pkgs[w.package];
    const known = pkg === undefined ? undefined : into.packages[pkg].worlds.get(w.name);
    if (known !== undefined) return known;
    const id = into.worlds.length;
    into.worlds.push({ name: w.name, package: pkg, imports: new Map(), exports: new Map(), docs: w.docs, stability: w.stability });
    if (pkg !== undefined) into.packages[pkg].worlds.set(w.name, id);
    newWorlds.add(id);
    return id;
  });

  const owner = (o: TypeOwner): TypeOwner => (o === undefined ? undefined : 'interface' in o ? { interface: ifaces[o.interface] } : { world: worlds[o.world] });
  // Types in arena order: each comes after what it refers to.
  const types: TypeId[] = [];
  const ty = (t: Type): Type => (typeof t === 'string' ? t : types[t]);
  from.types.forEach((def, fromId) => {
    const o = owner(def.owner);
    if (o && 'interface' in o && existingIfaces.has(o.interface) && def.name !== undefined) {
      const known = into.interfaces[o.interface].types.get(def.name);
      if (known !== undefined) {
        types[fromId] = known;
        return;
      }
    }
    const id = into.types.length;
    into.types.push({ name: def.name, kind: kind(def.kind, ty), owner: o, docs: def.docs, stability: def.stability });
    types[fromId] = id;
    if (o && 'interface' in o && def.name !== undefined && from.interfaces[(def.owner as { interface: InterfaceId }).interface].types.get(def.name) === fromId) {
      into.interfaces[o.interface].types.set(def.name, id);
    }
  });

  const func = (f: Func): Func => ({
    ...f,
    kind: f.kind.tag === 'freestanding' ? f.kind : { tag: f.kind.tag, resource: types[f.kind.resource] },
    params: f.params.map((p) => ({ name: p.name, type: ty(p.type) })),
    result: f.result === undefined ? undefined : ty(f.result),
  });
  from.interfaces.forEach((i, fromId) => {
    const target = into.interfaces[ifaces[fromId]];
    for (const [name, f] of i.functions) if (!target.functions.has(name)) target.functions.set(name, func(f));
  });
  const item = (x: WorldItem): WorldItem => {
    switch (x.tag) {
      case 'interface': return { ...x, id: ifaces[x.id] };
      case 'function': return { ...x, func: func(x.func) };
      case 'type': return { tag: 'type', id: types[x.id] };
    }
  };
  from.worlds.forEach((w, fromId) => {
    const id = worlds[fromId];
    if (!newWorlds.has(id)) return;
    const target = into.worlds[id];
    for (const [k, x] of w.imports) target.imports.set(k, item(x));
    for (const [k, x] of w.exports) target.exports.set(k, item(x));
  });
  return pkgs;
}

function kind(k: TypeDefKind, ty: (t: Type) => Type): TypeDefKind {
  const opt = (t: Type | undefined) => (t === undefined ? undefined : ty(t));
  switch (k.tag) {
    case 'record': return { tag: 'record', fields: k.fields.map((f) => ({ ...f, type: ty(f.type) })) };
    case 'variant': return { tag: 'variant', cases: k.cases.map((c) => ({ ...c, type: opt(c.type) })) };
    case 'handle': return { tag: 'handle', handle: k.handle, resource: ty(k.resource) as TypeId };
    case 'tuple': return { tag: 'tuple', types: k.types.map(ty) };
    case 'option': return { tag: 'option', type: ty(k.type) };
    case 'result': return { tag: 'result', ok: opt(k.ok), err: opt(k.err) };
    case 'list': return { tag: 'list', element: ty(k.element), size: k.size };
    case 'map': return { tag: 'map', key: ty(k.key), value: ty(k.value) };
    case 'future': case 'stream': return { tag: k.tag, payload: opt(k.payload) };
    case 'type': return { tag: 'type', type: ty(k.type) };
    default: return k;
  }
}
