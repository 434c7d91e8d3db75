// Resource substitution (Explainer.md, "Type Checking": instantiating a component type
// replaces its imported resources by the arguments' and its defined resources by fresh
// ones). A substitution maps rids to rids; types are copied only where a rid changes.
import type { ComponentT, Def, EntityT, FuncT, InstanceT, TypeEntry, VT } from './model.ts';

export type Subst = ReadonlyMap<number, number>;

export class Substituter {
  readonly map: Subst;
  readonly #memo = new Map<TypeEntry, TypeEntry>();
  readonly #objects = new Map<object, object>();
  /** `entries` maps type entries to their replacements (type imports to the arguments). */
  constructor(map: Subst, entries?: ReadonlyMap<TypeEntry, TypeEntry>) {
    this.map = map;
    if (entries) for (const [k, v] of entries) this.#memo.set(k, v);
  }

  entity(e: EntityT): EntityT {
    switch (e.kind) {
      case 'func': { const t = this.func(e.type); return t === e.type ? e : { kind: 'func', type: t }; }
      case 'value': { const t = this.vt(e.type); return t === e.type ? e : { kind: 'value', type: t }; }
      case 'type': { const t = this.entry(e.type); return t === e.type ? e : { kind: 'type', type: t }; }
      case 'instance': { const t = this.instance(e.type); return t === e.type ? e : { kind: 'instance', type: t }; }
      case 'component': { const t = this.component(e.type); return t === e.type ? e : { kind: 'component', type: t }; }
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

  // Functions, instances and components are rebuilt only where a part changes, once per
  // object: types share their parts, and copying each use would cost the type's effective
  // size (size.ts) instead of its written size.

  func(f: FuncT): FuncT {
    return this.#once(f, () => {
      let changed = false;
      const params = f.params.map((p) => {
        const t = this.vt(p[1]);
        if (t === p[1]) return p;
        changed = true;
        return [p[0], t] as const;
      });
      const result = f.result === undefined ? undefined : this.vt(f.result);
      if (!changed && result === f.result) return f;
      return result === undefined ? { async: f.async, params } : { async: f.async, params, result };
    });
  }

  instance(i: InstanceT): InstanceT {
    return this.#once(i, () => {
      const exports = this.#entities(i.exports);
      const defined = this.#rids(i.defined);
      return exports === i.exports && defined === i.defined ? i : { exports, defined };
    });
  }

  component(c: ComponentT): ComponentT {
    return this.#once(c, () => {
      const imports = this.#entities(c.imports);
      const exports = this.#entities(c.exports);
      const defined = this.#rids(c.defined);
      return imports === c.imports && exports === c.exports && defined === c.defined ? c : { imports, exports, defined };
    });
  }

  #once<T extends object>(x: T, build: () => T): T {
    let out = this.#objects.get(x) as T | undefined;
    if (out === undefined) {
      out = build();
      this.#objects.set(x, out);
    }
    return out;
  }

  #rids(rs: readonly number[]): readonly number[] {
    return rs.some((r) => this.map.has(r)) ? rs.map((r) => this.map.get(r) ?? r) : rs;
  }

  /** The same map when no entity changes, else a new one. */
  #entities(m: ReadonlyMap<string, EntityT>): ReadonlyMap<string, EntityT> {
    let out: Map<string, EntityT> | undefined;
    for (const [k, v] of m) {
      const w = this.entity(v);
      if (w !== v && out === undefined) {
        out = new Map();
        for (const [k2, v2] of m) {
          if (k2 === k) break;
          out.set(k2, v2);
        }
      }
      out?.set(k, w);
    }
    return out ?? m;
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
      case 'func': { const t = this.func(d.type); return t === d.type ? d : { kind: 'func', type: t }; }
      case 'instance': { const t = this.instance(d.type); return t === d.type ? d : { kind: 'instance', type: t }; }
      case 'component': { const t = this.component(d.type); return t === d.type ? d : { kind: 'component', type: t }; }
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
export function mentionsResource(d: Def, seen = new Set<object>()): boolean {
  if (seen.has(d)) return false;
  seen.add(d);
  const vt = (t: VT | undefined): boolean => t !== undefined && typeof t !== 'string' && mentionsResource(t.def, seen);
  const func = (f: FuncT): boolean => {
    if (seen.has(f)) return false;
    seen.add(f);
    return f.params.some(([, t]) => vt(t)) || vt(f.result);
  };
  // Each instance and component type is looked into once: they share their parts.
  const map = (m: ReadonlyMap<string, EntityT>): boolean => {
    if (seen.has(m)) return false;
    seen.add(m);
    for (const e of m.values()) if (ent(e)) return true;
    return false;
  };
  const ent = (e: EntityT): boolean => {
    switch (e.kind) {
      case 'func': return func(e.type);
      case 'value': return vt(e.type);
      case 'type': return mentionsResource(e.type.def, seen);
      case 'instance': return map(e.type.exports);
      case 'component': return map(e.type.imports) || map(e.type.exports);
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
    case 'func': return func(d.type);
    case 'instance': return map(d.type.exports);
    case 'component': return map(d.type.imports) || map(d.type.exports);
  }
}
