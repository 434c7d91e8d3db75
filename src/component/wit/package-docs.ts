// The `package-docs` custom section: doc comments and feature gates of a WIT package
// encoded as a component, which the binary format has no place for. Its content is a
// version byte (1) and JSON in the shape wasm-tools' wit-parser (metadata.rs) writes and
// reads, field for field and in the same order, so both tools read each other's sections:
//   { docs?, worlds?: { name: World }, interfaces?: { name: Interface } }
//   Interface = { docs?, stability?, funcs?: { name: Func }, types?: { name: Type } }
//   Type = { docs?, stability?, items?: { field-or-case: docs } }   Func = { docs?, stability? }
//   World = { docs?, stability?, interfaces?, types?, funcs?, interface_exports?, func_exports?,
//             interface_import_stability?, interface_export_stability?,
//             interface_import_docs?, interface_export_docs? }
// Empty members are left out; items with nothing to say are left out of their maps.
import { DecodeError } from '../../core/errors.ts';
import {
  type Func, type InterfaceId, isInterfaceKey, type PackageId, type Resolve, type Stability, type TypeId,
  type WorldId, type WorldItem,
} from './model.ts';

export const PACKAGE_DOCS_SECTION = 'package-docs';
const VERSION = 1;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

/** Adds `key: value` unless the value is empty (undefined, or an object with no members). */
function put(o: Obj, key: string, value: Json | undefined): void {
  if (value === undefined) return;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0) return;
  o[key] = value;
}

function stabilityJson(s: Stability): Json | undefined {
  let inner: Obj;
  let tag: string;
  if (s.unstable !== undefined) [tag, inner] = ['unstable', { feature: s.unstable }];
  else if (s.since !== undefined) [tag, inner] = ['stable', { since: s.since }];
  else return undefined;
  put(inner, 'deprecated', s.deprecated);
  return { [tag]: inner };
}

function docsAndStability(docs: string | undefined, s: Stability): Obj {
  const o: Obj = {};
  put(o, 'docs', docs);
  put(o, 'stability', stabilityJson(s));
  return o;
}

function typeJson(resolve: Resolve, id: TypeId): Obj {
  const t = resolve.types[id];
  const o = docsAndStability(t.docs, t.stability);
  const k = t.kind;
  const items: Obj = {};
  const members = k.tag === 'record' ? k.fields : k.tag === 'variant' || k.tag === 'enum' ? k.cases : k.tag === 'flags' ? k.flags : [];
  for (const m of members) if (m.docs !== undefined) items[m.name] = m.docs;
  put(o, 'items', items);
  return o;
}

function funcJson(f: Func): Obj {
  return docsAndStability(f.docs, f.stability);
}

function interfaceJson(resolve: Resolve, id: InterfaceId): Obj {
  const iface = resolve.interfaces[id];
  const o = docsAndStability(iface.docs, iface.stability);
  const funcs: Obj = {};
  for (const [name, f] of iface.functions) put(funcs, name, funcJson(f));
  const types: Obj = {};
  for (const [name, t] of iface.types) put(types, name, typeJson(resolve, t));
  put(o, 'funcs', funcs);
  put(o, 'types', types);
  return o;
}

function worldJson(resolve: Resolve, id: WorldId): Obj {
  const world = resolve.worlds[id];
  const m = {
    interfaces: {} as Obj, types: {} as Obj, funcs: {} as Obj, interface_exports: {} as Obj, func_exports: {} as Obj,
    interface_import_stability: {} as Obj, interface_export_stability: {} as Obj,
    interface_import_docs: {} as Obj, interface_export_docs: {} as Obj,
  };
  // Interfaces named by reference keep their item's docs and gate by the item's name.
  const byReference = (key: string, item: WorldItem & { tag: 'interface' }, isImport: boolean) => {
    put(isImport ? m.interface_import_stability : m.interface_export_stability, key, stabilityJson(item.stability));
    put(isImport ? m.interface_import_docs : m.interface_export_docs, key, item.docs);
  };
  for (const [items, isImport] of [[world.imports, true], [world.exports, false]] as const) {
    for (const [key, item] of items) {
      if (isInterfaceKey(key)) {
        if (item.tag === 'interface') byReference(key, item, isImport);
        continue;
      }
      if (item.tag === 'interface') {
        if (resolve.interfaces[item.id].name !== undefined) byReference(key, item, isImport);
        else put(isImport ? m.interfaces : m.interface_exports, key, interfaceJson(resolve, item.id));
      } else if (item.tag === 'type') put(m.types, key, typeJson(resolve, item.id));
      else put(isImport ? m.funcs : m.func_exports, key, funcJson(item.func));
    }
  }
  const o = docsAndStability(world.docs, world.stability);
  for (const [k, v] of Object.entries(m)) put(o, k, v);
  return o;
}

/** The section's content for package `id`: the version byte and the JSON. */
export function encodePackageDocs(resolve: Resolve, id: PackageId): Uint8Array {
  const pkg = resolve.packages[id];
  const o: Obj = {};
  put(o, 'docs', pkg.docs);
  const worlds: Obj = {};
  for (const [name, w] of pkg.worlds) put(worlds, name, worldJson(resolve, w));
  const interfaces: Obj = {};
  for (const [name, i] of pkg.interfaces) put(interfaces, name, interfaceJson(resolve, i));
  put(o, 'worlds', worlds);
  put(o, 'interfaces', interfaces);
  const json = new TextEncoder().encode(JSON.stringify(o));
  const out = new Uint8Array(json.length + 1);
  out[0] = VERSION;
  out.set(json, 1);
  return out;
}

// ---- reading ----

/** A problem with the section's JSON; reported as a DecodeError at the section. */
class Malformed extends Error {}

const obj = (j: Json | undefined, what: string): Obj => {
  if (j === undefined) return {};
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new Malformed(`${what} is not an object`);
  return j;
};
const str = (j: Json | undefined, what: string): string | undefined => {
  if (j === undefined) return undefined;
  if (typeof j !== 'string') throw new Malformed(`${what} is not a string`);
  return j;
};

function readStability(j: Json | undefined): Stability {
  if (j === undefined || j === 'unknown') return {};
  const o = obj(j, 'stability');
  const u = o.unstable;
  if (u !== undefined) {
    const x = obj(u, 'stability');
    const deprecated = str(x.deprecated, 'deprecated');
    return { unstable: str(x.feature, 'feature'), ...(deprecated === undefined ? {} : { deprecated }) };
  }
  const x = obj(o.stable, 'stability');
  const deprecated = str(x.deprecated, 'deprecated');
  return { since: str(x.since, 'since'), ...(deprecated === undefined ? {} : { deprecated }) };
}

function missing(what: string, name: string): Malformed {
  return new Malformed(`missing ${what} ${JSON.stringify(name)}`);
}

function injectType(resolve: Resolve, id: TypeId, j: Json): void {
  const o = obj(j, 'type');
  const t = resolve.types[id];
  const items = obj(o.items, 'items');
  if (Object.keys(items).length) {
    const k = t.kind;
    const members: { name: string; docs?: string }[] = k.tag === 'record' ? k.fields : k.tag === 'variant' || k.tag === 'enum' ? k.cases : k.tag === 'flags' ? k.flags : [];
    let unused = Object.keys(items).length;
    for (const m of members) {
      const d = str(items[m.name], 'item docs');
      if (d !== undefined) {
        m.docs = d;
        unused--;
      }
    }
    if (unused > 0) throw new Malformed(`not all 'items' match the items of type \`${t.name ?? ''}\``);
  }
  const docs = str(o.docs, 'docs');
  if (docs !== undefined) t.docs = docs;
  t.stability = readStability(o.stability);
}

function injectFunc(f: Func, j: Json): void {
  // The first version of the format held a function's docs as a bare string.
  if (typeof j === 'string' || j === null) {
    f.docs = j ?? undefined;
    return;
  }
  const o = obj(j, 'function');
  f.docs = str(o.docs, 'docs');
  f.stability = readStability(o.stability);
}

function injectInterface(resolve: Resolve, id: InterfaceId, j: Json): void {
  const o = obj(j, 'interface');
  const iface = resolve.interfaces[id];
  for (const [name, t] of Object.entries(obj(o.types, 'types'))) {
    const tid = iface.types.get(name);
    if (tid === undefined) throw missing('type', name);
    injectType(resolve, tid, t);
  }
  for (const [name, f] of Object.entries(obj(o.funcs, 'funcs'))) {
    const func = iface.functions.get(name);
    if (func === undefined) throw missing('func', name);
    injectFunc(func, f);
  }
  const docs = str(o.docs, 'docs');
  if (docs !== undefined) iface.docs = docs;
  iface.stability = readStability(o.stability);
}

function injectWorld(resolve: Resolve, id: WorldId, j: Json): void {
  const o = obj(j, 'world');
  const world = resolve.worlds[id];
  const setItem = (items: Map<string, WorldItem>, key: string, item: WorldItem) => items.set(key, item);
  const inline = (entries: Obj, onlyExport: boolean) => {
    for (const [name, data] of Object.entries(entries)) {
      const map = onlyExport ? world.exports : world.imports.has(name) ? world.imports : world.exports;
      const item = map.get(name);
      if (item?.tag !== 'interface') throw missing('interface', name);
      const d = obj(data, 'interface');
      const stability = readStability(d.stability);
      injectInterface(resolve, item.id, data);
      setItem(map, name, { ...item, stability, docs: resolve.interfaces[item.id].docs });
    }
  };
  inline(obj(o.interfaces, 'interfaces'), false);
  inline(obj(o.interface_exports, 'interface_exports'), true);
  for (const [name, data] of Object.entries(obj(o.types, 'types'))) {
    const item = world.imports.get(name);
    if (item?.tag !== 'type') throw missing('type', name);
    injectType(resolve, item.id, data);
  }
  const byReference = (entries: Obj, isImport: boolean, field: 'stability' | 'docs') => {
    const map = isImport ? world.imports : world.exports;
    for (const [name, data] of Object.entries(entries)) {
      const item = map.get(name);
      if (item?.tag !== 'interface') throw missing('interface', name);
      setItem(map, name, field === 'stability' ? { ...item, stability: readStability(data) } : { ...item, docs: str(data, 'docs') });
    }
  };
  byReference(obj(o.interface_import_stability, 'interface_import_stability'), true, 'stability');
  byReference(obj(o.interface_export_stability, 'interface_export_stability'), false, 'stability');
  byReference(obj(o.interface_import_docs, 'interface_import_docs'), true, 'docs');
  byReference(obj(o.interface_export_docs, 'interface_export_docs'), false, 'docs');
  const funcs = (entries: Obj, onlyExport: boolean) => {
    for (const [name, data] of Object.entries(entries)) {
      const map = onlyExport ? world.exports : world.imports.has(name) ? world.imports : world.exports;
      const item = map.get(name);
      if (item?.tag !== 'function') throw missing('func', name);
      injectFunc(item.func, data);
    }
  };
  funcs(obj(o.funcs, 'funcs'), false);
  funcs(obj(o.func_exports, 'func_exports'), true);
  const docs = str(o.docs, 'docs');
  if (docs !== undefined) world.docs = docs;
  world.stability = readStability(o.stability);
}

/**
 * Applies a `package-docs` section's content to package `id` of a decoded resolve;
 * `offset` (of the section's content) places errors.
 */
export function injectPackageDocs(resolve: Resolve, id: PackageId, data: Uint8Array, offset = 0): void {
  if (data[0] !== 0 && data[0] !== VERSION) throw new DecodeError(`expected package-docs version ${VERSION}, got ${data.length ? data[0] : 'none'}`, offset);
  try {
    inject(resolve, id, JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(1))) as Json);
  } catch (e) {
    if (e instanceof Malformed || e instanceof SyntaxError || e instanceof TypeError) throw new DecodeError(`package-docs: ${e.message}`, offset);
    throw e;
  }
}

function inject(resolve: Resolve, id: PackageId, j: Json): void {
  const o = obj(j, 'package-docs');
  const pkg = resolve.packages[id];
  for (const [name, w] of Object.entries(obj(o.worlds, 'worlds'))) {
    const wid = pkg.worlds.get(name);
    if (wid === undefined) throw missing('world', name);
    injectWorld(resolve, wid, w);
  }
  for (const [name, i] of Object.entries(obj(o.interfaces, 'interfaces'))) {
    const iid = pkg.interfaces.get(name);
    if (iid === undefined) throw missing('interface', name);
    injectInterface(resolve, iid, i);
  }
  const docs = str(o.docs, 'docs');
  if (docs !== undefined) pkg.docs = docs;
}
