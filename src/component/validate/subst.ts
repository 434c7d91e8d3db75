// Resource substitution (Explainer.md, "Type Checking": instantiating a component type
// replaces its imported resources by the arguments' and its defined resources by fresh
// ones). A substitution maps rids to rids; types are copied only where a rid changes.
import type { ComponentT, Def, EntityT, FuncT, InstanceT, TypeEntry, VT } from './model.ts';

export type Subst = ReadonlyMap<number, number>;

export class Substituter {
  readonly map: Subst;
  readonly #memo = new Map<TypeEntry, TypeEntry>();
  /** `entries` maps type entries to their replacements (type imports to the arguments). */
  constructor(map: Subst, entries?: ReadonlyMap<TypeEntry, TypeEntry>) {
    this.map = map;
    if (entries) for (const [k, v] of entries) this.#memo.set(k, v);
  }

  entity(e: EntityT): EntityT {
    switch (e.kind) {
      case 'func': return { kind: 'func', type: this.func(e.type) };
      case 'value': return { kind: 'value', type: this.vt(e.type) };
      case 'type': return { kind: 'type', type: this.entry(e.type) };
      case 'instance': return { kind: 'instance', type: this.instance(e.type) };
      case 'component': return { kind: 'component', type: this.component(e.type) };
      case 'module': return e;
    }
  }

  vt(t: VT): VT {
    return typeof t === 'string' ? t : this.entry(t);
  }

  entry(t: TypeEntry): TypeEntry {
    let out = this.#memo.get(t);
    if (out === undefined) {
      // A definition whose parts all stay the same keeps its entry: the identity of an entry
      // is what names it (visibility.ts) wherever the type is reused.
      const def = this.def(t.def);
      out = def === t.def || sameParts(def, t.def) ? t : { def };
      this.#memo.set(t, out);
    }
    return out;
  }

  func(f: FuncT): FuncT {
    const params = f.params.map(([n, t]) => [n, this.vt(t)] as const);
    return f.result === undefined ? { async: f.async, params } : { async: f.async, params, result: this.vt(f.result) };
  }

  instance(i: InstanceT): InstanceT {
    return { exports: this.#entities(i.exports), defined: i.defined.map((r) => this.map.get(r) ?? r) };
  }

  component(c: ComponentT): ComponentT {
    return {
      imports: this.#entities(c.imports), exports: this.#entities(c.exports),
      defined: c.defined.map((r) => this.map.get(r) ?? r),
    };
  }

  #entities(m: ReadonlyMap<string, EntityT>): Map<string, EntityT> {
    return new Map([...m].map(([k, v]) => [k, this.entity(v)]));
  }

  def(d: Def): Def {
    const o = (t: VT | undefined): VT | undefined => (t === undefined ? undefined : this.vt(t));
    switch (d.kind) {
      case 'resource': {
        const rid = this.map.get(d.rid);
        return rid === undefined ? d : { ...d, rid };
      }
      case 'prim': case 'flags': case 'enum': return d;
      case 'record': return { kind: 'record', fields: d.fields.map(([n, t]) => [n, this.vt(t)] as const) };
      case 'variant': return { kind: 'variant', cases: d.cases.map(([n, t]) => [n, o(t)] as const) };
      case 'list': return { ...d, element: this.vt(d.element) };
      case 'tuple': return { kind: 'tuple', types: d.types.map((t) => this.vt(t)) };
      case 'option': return { kind: 'option', type: this.vt(d.type) };
      case 'result': return { kind: 'result', ok: o(d.ok), error: o(d.error) };
      case 'own': case 'borrow': return { kind: d.kind, resource: this.entry(d.resource) };
      case 'stream': case 'future': return { kind: d.kind, element: o(d.element) };
      case 'map': return { kind: 'map', key: this.vt(d.key), value: this.vt(d.value) };
      case 'func': return { kind: 'func', type: this.func(d.type) };
      case 'instance': return { kind: 'instance', type: this.instance(d.type) };
      case 'component': return { kind: 'component', type: this.component(d.type) };
    }
  }
}

/** Whether a rebuilt value-type definition refers to exactly the types the original does. */
function sameParts(a: Def, b: Def): boolean {
  const same = (x: VT | undefined, y: VT | undefined) => x === y;
  switch (a.kind) {
    case 'record': return b.kind === 'record' && a.fields.every(([, t], i) => same(t, b.fields[i][1]));
    case 'variant': return b.kind === 'variant' && a.cases.every(([, t], i) => same(t, b.cases[i][1]));
    case 'tuple': return b.kind === 'tuple' && a.types.every((t, i) => same(t, b.types[i]));
    case 'list': return b.kind === 'list' && same(a.element, b.element) && a.length === b.length;
    case 'option': return b.kind === 'option' && same(a.type, b.type);
    case 'result': return b.kind === 'result' && same(a.ok, b.ok) && same(a.error, b.error);
    case 'own': case 'borrow': return b.kind === a.kind && a.resource === b.resource;
    case 'stream': case 'future': return b.kind === a.kind && same(a.element, b.element);
    case 'map': return b.kind === 'map' && same(a.key, b.key) && same(a.value, b.value);
    default: return false;
  }
}

/** The rids a definition mentions, transitively (for the outer-alias resource rule). */
export function mentionsResource(d: Def, seen = new Set<Def>()): boolean {
  if (seen.has(d)) return false;
  seen.add(d);
  const vt = (t: VT | undefined): boolean => t !== undefined && typeof t !== 'string' && mentionsResource(t.def, seen);
  const ent = (e: EntityT): boolean => {
    switch (e.kind) {
      case 'func': return mentionsResource({ kind: 'func', type: e.type }, seen);
      case 'value': return vt(e.type);
      case 'type': return mentionsResource(e.type.def, seen);
      case 'instance': return [...e.type.exports.values()].some(ent);
      case 'component': return [...e.type.imports.values(), ...e.type.exports.values()].some(ent);
      case 'module': return false;
    }
  };
  switch (d.kind) {
    case 'resource': case 'own': case 'borrow': return true;
    case 'prim': case 'flags': case 'enum': return false;
    case 'record': return d.fields.some(([, t]) => vt(t));
    case 'variant': return d.cases.some(([, t]) => vt(t));
    case 'list': return vt(d.element);
    case 'tuple': return d.types.some(vt);
    case 'option': return vt(d.type);
    case 'result': return vt(d.ok) || vt(d.error);
    case 'stream': case 'future': return vt(d.element);
    case 'map': return vt(d.key) || vt(d.value);
    case 'func': return d.type.params.some(([, t]) => vt(t)) || vt(d.type.result);
    case 'instance': return [...d.type.exports.values()].some(ent);
    case 'component': return [...d.type.imports.values(), ...d.type.exports.values()].some(ent);
  }
}
