// The types a component's imports and exports have, with the identity WIT needs
// (Explainer.md, "Type Definitions", "Instance Definitions", "External visibility of
// types"): decode.ts reads WIT from these. A type is an object; its identity is the
// object. Importing or exporting a type by `(eq T)` makes an alias node (a new name for T,
// as `use` and `type a = b` are in WIT), `(sub resource)` a fresh resource, and aliasing
// an instance's type export gives that export's node itself, so a type reached two ways
// is the same object. Instantiating a component substitutes its arguments for its
// imports and gives its exported types fresh identities.
//
// This walk trusts its input's validity (validateComponent runs first): it only follows
// indices. Core definitions play no part in WIT and are skipped.
import type {
  AliasTarget, Component, ComponentDecl, ExternName, ExternType, PrimValType, Sort, TypeDef, ValType,
} from '../ast.ts';

export type VType = PrimValType | TypeNode;

export type ValueDef =
  | { readonly kind: 'prim'; readonly type: PrimValType }
  | { readonly kind: 'record'; readonly fields: readonly { name: string; type: VType }[] }
  | { readonly kind: 'variant'; readonly cases: readonly { name: string; type?: VType }[] }
  | { readonly kind: 'list'; readonly element: VType; readonly length?: number }
  | { readonly kind: 'tuple'; readonly types: readonly VType[] }
  | { readonly kind: 'flags' | 'enum'; readonly names: readonly string[] }
  | { readonly kind: 'option'; readonly type: VType }
  | { readonly kind: 'result'; readonly ok?: VType; readonly error?: VType }
  | { readonly kind: 'own' | 'borrow'; readonly resource: TypeNode }
  | { readonly kind: 'stream' | 'future'; readonly element?: VType }
  | { readonly kind: 'map'; readonly key: VType; readonly value: VType };

export interface FuncNode {
  readonly async: boolean;
  readonly params: readonly { name: string; type: VType }[];
  readonly result?: VType;
}

export interface InstanceNode {
  readonly exports: ReadonlyMap<string, Item>;
}

export interface ComponentNode {
  readonly imports: ReadonlyMap<string, Item>;
  readonly exports: ReadonlyMap<string, Item>;
  /** Resources a concrete component defines: fresh in each of its instances. */
  readonly defined: readonly TypeNode[];
}

export type TypeNode =
  | { readonly kind: 'value'; readonly def: ValueDef }
  | { readonly kind: 'resource' }
  | { readonly kind: 'func'; readonly func: FuncNode }
  | { readonly kind: 'instance'; readonly instance: InstanceNode }
  | { readonly kind: 'component'; readonly component: ComponentNode }
  /** A new name for a type (an import, export or alias of it). */
  | { readonly kind: 'alias'; readonly of: TypeNode };

/**
 * What an import or export is. A type's `created` node is what the name stands for from
 * now on; `referenced` is what it was declared equal to (the same node for resources).
 */
export type Entity =
  | { readonly kind: 'type'; readonly created: TypeNode; readonly referenced: TypeNode }
  | { readonly kind: 'func'; readonly func: FuncNode }
  | { readonly kind: 'instance'; readonly instance: InstanceNode }
  | { readonly kind: 'component'; readonly component: ComponentNode }
  | { readonly kind: 'module' }
  | { readonly kind: 'value' };

export interface Item {
  readonly name: ExternName;
  readonly entity: Entity;
}

/** The imports and exports of the outermost component, in section order. */
export interface Extern extends Item {
  readonly dir: 'import' | 'export';
}

/** A node with its aliases looked through: the definition it names. */
export function peel(t: TypeNode): TypeNode {
  let n = t;
  while (n.kind === 'alias') n = n.of;
  return n;
}

/** The imports and exports of `component`, with their types. */
export function componentExterns(component: Component): Extern[] {
  const s = new Scope(undefined);
  walkComponent(component, s);
  return s.externs;
}

class Scope {
  readonly parent: Scope | undefined;
  readonly types: TypeNode[] = [];
  readonly funcs: FuncNode[] = [];
  readonly instances: InstanceNode[] = [];
  readonly components: ComponentNode[] = [];
  values = 0;
  readonly imports = new Map<string, Item>();
  readonly exports = new Map<string, Item>();
  readonly externs: Extern[] = [];
  readonly defined: TypeNode[] = [];
  constructor(parent: Scope | undefined) {
    this.parent = parent;
  }
}

function walkComponent(c: Component, s: Scope): ComponentNode {
  for (const section of c.sections) {
    switch (section.kind) {
      case 'component': s.components.push(walkComponent(section.component, new Scope(s))); break;
      case 'instance':
        for (const i of section.items) {
          if (i.kind === 'exports') {
            const exports = new Map<string, Item>();
            for (const e of i.exports) exports.set(e.name.name, { name: e.name, entity: named(entityAt(s, e.sort, e.index)) });
            s.instances.push({ exports });
          } else {
            const args = new Map<string, Entity>();
            for (const a of i.args) args.set(a.name, entityAt(s, a.sort, a.index));
            s.instances.push(instantiate(s.components[i.component], args));
          }
        }
        break;
      case 'alias': for (const a of section.items) alias(s, a.sort, a.target); break;
      case 'type': for (const t of section.items) s.types.push(typeDef(s, t)); break;
      case 'canon':
        for (const x of section.items) if (x.op === 'lift') s.funcs.push(funcOf(s.types[x.type]));
        break;
      case 'start': s.values += section.start.results; break;
      case 'value': s.values += section.items.length; break;
      case 'import':
        for (const i of section.items) {
          const entity = externType(s, i.type, true);
          declare(s, 'import', i.name, entity);
        }
        break;
      case 'export':
        for (const x of section.items) {
          let entity = named(entityAt(s, x.sort, x.index));
          if (x.type !== undefined) entity = ascribe(entity, externType(s, x.type, false));
          declare(s, 'export', x.name, entity);
        }
        break;
      default: break; // core modules, instances and types, custom sections
    }
  }
  return { imports: s.imports, exports: s.exports, defined: s.defined };
}

function declare(s: Scope, dir: 'import' | 'export', name: ExternName, entity: Entity): void {
  (dir === 'import' ? s.imports : s.exports).set(name.name, { name, entity });
  s.externs.push({ dir, name, entity });
  push(s, entity);
}

function push(s: Scope, e: Entity): void {
  switch (e.kind) {
    case 'type': s.types.push(e.created); break;
    case 'func': s.funcs.push(e.func); break;
    case 'instance': s.instances.push(e.instance); break;
    case 'component': s.components.push(e.component); break;
    case 'value': s.values++; break;
    case 'module': break;
  }
}

/** An item of an index space as an entity (a type as it is: `named` gives it a new name). */
function entityAt(s: Scope, sort: Sort, index: number): Entity {
  switch (sort) {
    case 'type': {
      const t = s.types[index];
      return { kind: 'type', created: t, referenced: t };
    }
    case 'func': return { kind: 'func', func: s.funcs[index] };
    case 'instance': return { kind: 'instance', instance: s.instances[index] };
    case 'component': return { kind: 'component', component: s.components[index] };
    case 'value': return { kind: 'value' };
    default: return { kind: 'module' };
  }
}

/** Exporting a type names it anew. */
function named(e: Entity): Entity {
  return e.kind === 'type' ? { kind: 'type', created: { kind: 'alias', of: e.referenced }, referenced: e.referenced } : e;
}

function alias(s: Scope, sort: Sort, target: AliasTarget): void {
  if (sort.startsWith('core ')) return;
  if (target.kind === 'core-export') return;
  if (target.kind === 'export') {
    const e = s.instances[target.instance].exports.get(target.name);
    if (e !== undefined) push(s, e.entity);
    return;
  }
  let outer: Scope = s;
  for (let i = 0; i < target.count && outer.parent; i++) outer = outer.parent;
  if (sort === 'type') s.types.push(outer.types[target.index]);
  else if (sort === 'component') s.components.push(outer.components[target.index]);
}

function valtype(s: Scope, t: ValType): VType {
  return typeof t === 'string' ? t : s.types[t];
}

function funcOf(t: TypeNode): FuncNode {
  const n = peel(t);
  if (n.kind !== 'func') throw new Error('component-types: not a function type');
  return n.func;
}

function typeDef(s: Scope, t: TypeDef): TypeNode {
  const v = (x: ValType) => valtype(s, x);
  const opt = (x: ValType | undefined) => (x === undefined ? undefined : v(x));
  switch (t.kind) {
    case 'func': return { kind: 'func', func: { async: t.async, params: t.params.map((p) => ({ name: p.name, type: v(p.type) })), result: opt(t.result) } };
    case 'component': return { kind: 'component', component: typeScope(s, t.decls) };
    case 'instance': return { kind: 'instance', instance: { exports: typeScope(s, t.decls).exports } };
    case 'resource': {
      const r: TypeNode = { kind: 'resource' };
      s.defined.push(r);
      return r;
    }
    case 'prim': return { kind: 'value', def: { kind: 'prim', type: t.type } };
    case 'record': return { kind: 'value', def: { kind: 'record', fields: t.fields.map((f) => ({ name: f.name, type: v(f.type) })) } };
    case 'variant': return { kind: 'value', def: { kind: 'variant', cases: t.cases.map((c) => ({ name: c.name, type: opt(c.type) })) } };
    case 'list': return { kind: 'value', def: { kind: 'list', element: v(t.element), length: t.length } };
    case 'tuple': return { kind: 'value', def: { kind: 'tuple', types: t.types.map(v) } };
    case 'flags': case 'enum': return { kind: 'value', def: { kind: t.kind, names: t.names } };
    case 'option': return { kind: 'value', def: { kind: 'option', type: v(t.type) } };
    case 'result': return { kind: 'value', def: { kind: 'result', ok: opt(t.ok), error: opt(t.error) } };
    case 'own': case 'borrow': return { kind: 'value', def: { kind: t.kind, resource: s.types[t.type] } };
    case 'stream': case 'future': return { kind: 'value', def: { kind: t.kind, element: opt(t.element) } };
    case 'map': return { kind: 'value', def: { kind: 'map', key: v(t.key), value: v(t.value) } };
  }
}

/** The declarators of a component or instance type. */
function typeScope(parent: Scope, decls: readonly ComponentDecl[]): ComponentNode {
  const s = new Scope(parent);
  for (const d of decls) {
    switch (d.kind) {
      case 'type': s.types.push(typeDef(s, d.type)); break;
      case 'alias': alias(s, d.alias.sort, d.alias.target); break;
      case 'import': {
        const e = externType(s, d.type, true);
        s.imports.set(d.name.name, { name: d.name, entity: e });
        push(s, e);
        break;
      }
      case 'export': {
        const e = externType(s, d.type, false);
        s.exports.set(d.name.name, { name: d.name, entity: e });
        push(s, e);
        break;
      }
      default: break;
    }
  }
  return { imports: s.imports, exports: s.exports, defined: s.defined };
}

/** The entity an import or export declarator describes; imported instances are fresh copies. */
function externType(s: Scope, t: ExternType, imported: boolean): Entity {
  switch (t.kind) {
    case 'module': return { kind: 'module' };
    case 'value': return { kind: 'value' };
    case 'func': return { kind: 'func', func: funcOf(s.types[t.type]) };
    case 'component': {
      const n = peel(s.types[t.type]);
      if (n.kind !== 'component') throw new Error('component-types: not a component type');
      return { kind: 'component', component: n.component };
    }
    case 'instance': {
      const n = peel(s.types[t.type]);
      if (n.kind !== 'instance') throw new Error('component-types: not an instance type');
      return { kind: 'instance', instance: imported ? freshInstance(n.instance) : n.instance };
    }
    case 'type': {
      if (t.bound.kind === 'sub-resource') {
        const r: TypeNode = { kind: 'resource' };
        return { kind: 'type', created: r, referenced: r };
      }
      const referenced = s.types[t.bound.type];
      return { kind: 'type', created: { kind: 'alias', of: referenced }, referenced };
    }
  }
}

// ---- substitution ----

/** Copies type structures, replacing the nodes `map` names (and whatever refers to them). */
class Substituter {
  readonly map: Map<TypeNode, TypeNode>;
  readonly memo = new Map<object, object>();
  constructor(map: Map<TypeNode, TypeNode>) {
    this.map = map;
  }

  node(t: TypeNode): TypeNode {
    const m = this.map.get(t);
    if (m !== undefined) return m;
    const known = this.memo.get(t);
    if (known !== undefined) return known as TypeNode;
    let out: TypeNode;
    switch (t.kind) {
      case 'resource': out = t; break;
      case 'alias': {
        const of = this.node(t.of);
        out = of === t.of ? t : { kind: 'alias', of };
        break;
      }
      case 'value': {
        const def = this.def(t.def);
        out = def === t.def ? t : { kind: 'value', def };
        break;
      }
      case 'func': {
        const func = this.func(t.func);
        out = func === t.func ? t : { kind: 'func', func };
        break;
      }
      case 'instance': {
        const instance = this.instance(t.instance);
        out = instance === t.instance ? t : { kind: 'instance', instance };
        break;
      }
      case 'component': {
        const component = this.component(t.component);
        out = component === t.component ? t : { kind: 'component', component };
        break;
      }
    }
    this.memo.set(t, out);
    return out;
  }

  vt(t: VType): VType {
    return typeof t === 'string' ? t : this.node(t);
  }

  opt(t: VType | undefined): VType | undefined {
    return t === undefined ? undefined : this.vt(t);
  }

  def(d: ValueDef): ValueDef {
    let out: ValueDef;
    switch (d.kind) {
      case 'prim': case 'flags': case 'enum': return d;
      case 'record': out = { kind: 'record', fields: d.fields.map((f) => ({ name: f.name, type: this.vt(f.type) })) }; break;
      case 'variant': out = { kind: 'variant', cases: d.cases.map((c) => ({ name: c.name, type: this.opt(c.type) })) }; break;
      case 'list': out = { kind: 'list', element: this.vt(d.element), length: d.length }; break;
      case 'tuple': out = { kind: 'tuple', types: d.types.map((x) => this.vt(x)) }; break;
      case 'option': out = { kind: 'option', type: this.vt(d.type) }; break;
      case 'result': out = { kind: 'result', ok: this.opt(d.ok), error: this.opt(d.error) }; break;
      case 'own': case 'borrow': out = { kind: d.kind, resource: this.node(d.resource) }; break;
      case 'stream': case 'future': out = { kind: d.kind, element: this.opt(d.element) }; break;
      case 'map': out = { kind: 'map', key: this.vt(d.key), value: this.vt(d.value) }; break;
    }
    return sameDef(d, out) ? d : out;
  }

  func(f: FuncNode): FuncNode {
    const known = this.memo.get(f);
    if (known !== undefined) return known as FuncNode;
    const params = f.params.map((p) => ({ name: p.name, type: this.vt(p.type) }));
    const result = this.opt(f.result);
    const changed = result !== f.result || params.some((p, i) => p.type !== f.params[i].type);
    const out = changed ? { async: f.async, params, result } : f;
    this.memo.set(f, out);
    return out;
  }

  entity(e: Entity): Entity {
    switch (e.kind) {
      case 'type': {
        const created = this.node(e.created);
        const referenced = e.referenced === e.created ? created : this.node(e.referenced);
        return created === e.created && referenced === e.referenced ? e : { kind: 'type', created, referenced };
      }
      case 'func': {
        const func = this.func(e.func);
        return func === e.func ? e : { kind: 'func', func };
      }
      case 'instance': {
        const instance = this.instance(e.instance);
        return instance === e.instance ? e : { kind: 'instance', instance };
      }
      case 'component': {
        const component = this.component(e.component);
        return component === e.component ? e : { kind: 'component', component };
      }
      default: return e;
    }
  }

  items(items: ReadonlyMap<string, Item>): ReadonlyMap<string, Item> {
    let changed = false;
    const out = new Map<string, Item>();
    for (const [k, item] of items) {
      const entity = this.entity(item.entity);
      if (entity !== item.entity) changed = true;
      out.set(k, entity === item.entity ? item : { name: item.name, entity });
    }
    return changed ? out : items;
  }

  instance(i: InstanceNode): InstanceNode {
    const known = this.memo.get(i);
    if (known !== undefined) return known as InstanceNode;
    const exports = this.items(i.exports);
    const out = exports === i.exports ? i : { exports };
    this.memo.set(i, out);
    return out;
  }

  component(c: ComponentNode): ComponentNode {
    const known = this.memo.get(c);
    if (known !== undefined) return known as ComponentNode;
    const imports = this.items(c.imports);
    const exports = this.items(c.exports);
    const out = imports === c.imports && exports === c.exports ? c : { imports, exports, defined: c.defined.map((r) => this.node(r)) };
    this.memo.set(c, out);
    return out;
  }
}

function sameDef(a: ValueDef, b: ValueDef): boolean {
  const sameList = <T>(x: readonly T[], y: readonly T[], eq: (p: T, q: T) => boolean) => x.length === y.length && x.every((p, i) => eq(p, y[i]));
  switch (a.kind) {
    case 'record': return b.kind === 'record' && sameList(a.fields, b.fields, (p, q) => p.type === q.type);
    case 'variant': return b.kind === 'variant' && sameList(a.cases, b.cases, (p, q) => p.type === q.type);
    case 'list': return b.kind === 'list' && a.element === b.element;
    case 'tuple': return b.kind === 'tuple' && sameList(a.types, b.types, (p, q) => p === q);
    case 'option': return b.kind === 'option' && a.type === b.type;
    case 'result': return b.kind === 'result' && a.ok === b.ok && a.error === b.error;
    case 'own': case 'borrow': return b.kind === a.kind && a.resource === b.resource;
    case 'stream': case 'future': return b.kind === a.kind && a.element === b.element;
    case 'map': return b.kind === 'map' && a.key === b.key && a.value === b.value;
    default: return true;
  }
}

/** The nodes an instance's or component's own type exports created. */
function createdNodes(items: ReadonlyMap<string, Item>, out: TypeNode[]): TypeNode[] {
  for (const item of items.values()) {
    const e = item.entity;
    if (e.kind === 'type') out.push(e.created);
    else if (e.kind === 'instance') createdNodes(e.instance.exports, out);
  }
  return out;
}

/**
 * Gives fresh identities to `nodes` (created nodes, in declaration order, so an alias
 * among them to an earlier one points at its fresh copy) throughout `f`'s result.
 */
function freshen<T>(nodes: readonly TypeNode[], f: (s: Substituter) => T): T {
  const map = new Map<TypeNode, TypeNode>();
  const s = new Substituter(map);
  for (const n of nodes) map.set(n, n.kind === 'alias' ? { kind: 'alias', of: s.node(n.of) } : n.kind === 'resource' ? { kind: 'resource' } : n);
  return f(s);
}

/** An instance of an instance type: its types are its own, not shared with other imports of the type. */
function freshInstance(i: InstanceNode): InstanceNode {
  return freshen(createdNodes(i.exports, []), (s) => s.instance(i));
}

/**
 * The instance `instantiate` of component `c` gives: each import's types replaced by the
 * argument's, and the component's own resources and exported types fresh.
 */
function instantiate(c: ComponentNode, args: ReadonlyMap<string, Entity>): InstanceNode {
  const map = new Map<TypeNode, TypeNode>();
  const bind = (imp: Entity, arg: Entity) => {
    if (imp.kind === 'type' && arg.kind === 'type') map.set(imp.created, arg.created);
    else if (imp.kind === 'instance' && arg.kind === 'instance') {
      for (const [name, item] of imp.instance.exports) {
        const a = arg.instance.exports.get(name);
        if (a) bind(item.entity, a.entity);
      }
    }
  };
  for (const [name, item] of c.imports) {
    const arg = args.get(name);
    if (arg) bind(item.entity, arg);
  }
  const bound = new Substituter(map);
  const exports = bound.items(c.exports);
  return freshen([...c.defined.map((r) => bound.node(r)), ...createdNodes(exports, [])], (s) => ({ exports: s.items(exports) }));
}

/**
 * An export's item seen through its ascribed type: the ascribed shape, with the abstract
 * types of an ascribed instance standing for the item's own (matched by name).
 */
function ascribe(actual: Entity, ascribed: Entity): Entity {
  if (ascribed.kind === 'func') return ascribed;
  if (ascribed.kind !== 'instance' || actual.kind !== 'instance') return actual;
  const map = new Map<TypeNode, TypeNode>();
  for (const [name, item] of ascribed.instance.exports) {
    const a = actual.instance.exports.get(name);
    if (item.entity.kind === 'type' && a?.entity.kind === 'type') map.set(item.entity.created, a.entity.created);
  }
  return { kind: 'instance', instance: new Substituter(map).instance(ascribed.instance) };
}
