// Component validation (Explainer.md, "Component Definitions" through "Instantiation",
// with the validation rules spread through it; Binary.md for the sections). One pass over
// the sections in order, as the index spaces grow, the way the spec defines them.
import { ValidationError } from '../../core/errors.ts';
import type { FeatureSet } from '../../core/features.ts';
import type { MemoryType } from '../../core/types.ts';
import type { Module } from '../../core/ast.ts';
import { lineColumn } from '../../text/lexer.ts';
import { validateModule } from '../../validate/module.ts';
import { COMPONENT_TEXT, ITEM_OFFSETS, ITEM_TEXT_POSITIONS } from '../positions.ts';
import type {
  Alias, Component, ComponentDecl, CoreExternType, CoreInstance, CoreModuleDecl, CoreType, Export, ExternName, ExternType,
  Import, Instance, Sort, TypeDef,
} from '../ast.ts';
import { validateCanon } from './canon.ts';
import { coreExternMismatch, moduleFuncTypes, moduleTypeOf } from './core-types.ts';
import { containsBorrow, defValType, funcType } from './deftypes.ts';
import {
  type ComponentT, type CoreExternT, type CoreFuncT, type Def, type EntityT, freshRid,
  type InstanceT, type ModuleT, type TypeEntry, type VT,
} from './model.ts';
import { NameSpace } from './names.ts';
import { at, Scope, type ScopeKind } from './scope.ts';
import { checkTypeSize, defSize, entitySize, instanceSize } from './size.ts';
import { mentionsResource, Substituter } from './subst.ts';
import { defMismatch, entityMismatch, type RidMap } from './subtype.ts';
import { checkVisible, exportNames } from './visibility.ts';

export interface ValidateComponentOptions {
  /** Features for embedded core modules (default: all Tessera knows). */
  features?: FeatureSet;
  /**
   * Receives the index spaces of the component and of every nested component once each is
   * checked: the runtime instantiates from these resolved types instead of resolving again.
   */
  scopes?: Map<Component, Scope>;
  /** Validate core function bodies (default true); see ValidateOptions.bodies. */
  coreBodies?: boolean;
}

/** Validates a component; throws ValidationError (the first problem found). Returns it. */
export function validateComponent(component: Component, options: ValidateComponentOptions = {}): Component {
  new Validator(options, COMPONENT_TEXT.get(component)).component(component, undefined);
  return component;
}

class Validator {
  readonly options: ValidateComponentOptions;
  readonly #sizes = new Map<Scope, number>();
  /** The source text, for a component parsed from text. */
  readonly text: string | undefined;
  constructor(options: ValidateComponentOptions, text: string | undefined) {
    this.options = options;
    this.text = text;
  }

  component(c: Component, parent: Scope | undefined): ComponentT {
    const s = new Scope('component', parent);
    // The entry that defined each value, for the error about a value never used.
    const valueFrom: object[] = [];
    const defines = (x: object): void => { while (valueFrom.length < s.values.length) valueFrom.push(x); };
    for (const section of c.sections) {
      // The entry being checked, for the error's position (positions.ts).
      let item: object = section;
      try {
        switch (section.kind) {
          case 'custom': break;
          case 'core-module': this.coreModule(s, section.module); break;
          case 'core-instance': for (const i of section.items) { item = i; s.coreInstances.push(this.coreInstance(s, i)); } break;
          case 'core-type': for (const t of section.items) { item = t; this.coreType(s, t); } break;
          case 'component': s.components.push(this.component(section.component, s)); break;
          case 'instance': for (const i of section.items) { item = i; s.instances.push(this.instance(s, i)); } break;
          case 'alias': for (const a of section.items) { item = a; this.alias(s, a); defines(a); } break;
          case 'type': for (const t of section.items) { item = t; s.types.push({ def: this.typeDef(s, t) }); } break;
          case 'canon': for (const x of section.items) { item = x; validateCanon(s, x); } break;
          case 'start': this.start(s, section.start); defines(section); break;
          case 'import': for (const i of section.items) { item = i; this.import(s, i); defines(i); } break;
          case 'export': for (const e of section.items) { item = e; this.export(s, e); } break;
          case 'value': for (const v of section.items) { item = v; s.values.push({ type: this.valueType(s, v.type), used: false }); defines(v); } break;
        }
      } catch (e) {
        throw this.locate(e, item, section);
      }
    }
    // 🪙 Explainer.md, "Value Definitions": every value is consumed exactly once.
    s.values.forEach((v, i) => {
      if (v.used) return;
      const e = new ValidationError(`value index ${i} was not used as part of an instantiation, start function, or export`);
      const from = valueFrom[i] ?? c;
      throw this.locate(e, from, from);
    });
    this.options.scopes?.set(c, s);
    return { imports: s.imports, exports: s.exports, defined: s.defined };
  }

  coreModule(s: Scope, module: Module): void {
    validateModule(module, { features: this.options.features, bodies: this.options.coreBodies });
    // Explainer.md, "Import and Export Definitions": core imports inside components are
    // named by module and name together, which must be unique.
    const keys = new Set<string>();
    for (const imp of module.imports) {
      const key = `${imp.module}:${imp.name}`;
      if (keys.has(key)) throw new ValidationError(`duplicate import name \`${key}\``);
      keys.add(key);
    }
    s.coreModules.push(moduleTypeOf(module));
  }

  /**
   * A ValidationError without a position gets the position of the entry it is about: its
   * byte offset when the component was decoded, its line and column when it was parsed
   * (and then only that: offsets of a `binary` component inside text would mislead).
   */
  locate(e: unknown, item: object, section: object): unknown {
    if (!(e instanceof ValidationError) || e.offset !== undefined || e.line !== undefined) return e;
    if (this.text !== undefined) {
      const pos = ITEM_TEXT_POSITIONS.get(item) ?? ITEM_TEXT_POSITIONS.get(section);
      return pos === undefined ? e : new ValidationError(e.phrase, undefined, lineColumn(this.text, pos));
    }
    const offset = ITEM_OFFSETS.get(item) ?? ITEM_OFFSETS.get(section);
    return offset === undefined ? e : new ValidationError(e.phrase, offset);
  }

  valueType(s: Scope, t: number | VT): VT {
    if (typeof t === 'string') return t;
    const e = at(s.types, t as number, 'type');
    if (e.def.kind === 'resource' || e.def.kind === 'func' || e.def.kind === 'component' || e.def.kind === 'instance') {
      throw new ValidationError(`type index ${t as number} is not a defined type`);
    }
    return e;
  }

  // ---- core definitions ----

  coreInstance(s: Scope, i: CoreInstance): { exports: Map<string, CoreExternT> } {
    if (i.kind === 'exports') {
      const exports = new Map<string, CoreExternT>();
      for (const e of i.exports) {
        if (exports.has(e.name)) throw new ValidationError(`export name \`${e.name}\` already defined`);
        exports.set(e.name, coreItem(s, e.sort, e.index));
      }
      return { exports };
    }
    const m = at(s.coreModules, i.module, 'core module');
    const args = new Map<string, { exports: ReadonlyMap<string, CoreExternT> }>();
    for (const a of i.args) {
      if (args.has(a.name)) throw new ValidationError(`duplicate module instantiation argument named \`${a.name}\``);
      args.set(a.name, at(s.coreInstances, a.instance, 'core instance'));
    }
    // Explainer.md, "Instance Definitions": each import is resolved by name from the
    // argument instances and must match the module's import type.
    for (const imp of m.imports) {
      const arg = args.get(imp.module);
      if (arg === undefined) throw new ValidationError(`missing module instantiation argument named \`${imp.module}\``);
      const t = arg.exports.get(imp.name);
      if (t === undefined) throw new ValidationError(`module instantiation argument \`${imp.module}\` does not export an item named \`${imp.name}\``);
      const m2 = coreExternMismatch(t, imp.type);
      if (m2) throw new ValidationError(`type mismatch for export \`${imp.name}\` of module instantiation argument \`${imp.module}\`: ${m2}`);
    }
    return { exports: new Map(m.exports) };
  }

  coreType(s: Scope, t: CoreType): void {
    if (t.kind === 'rec') {
      for (const sub of t.group.types) {
        s.coreTypes.push(sub.comp.kind === 'func' ? { kind: 'func', type: { params: sub.comp.params, results: sub.comp.results } } : { kind: 'gc' });
      }
      return;
    }
    s.coreTypes.push({ kind: 'module', type: this.moduleType(s, t.decls) });
  }

  /** Explainer.md, "Type Definitions": core:moduletype, with its own core type index space. */
  moduleType(s: Scope, decls: readonly CoreModuleDecl[]): ModuleT {
    const types: (CoreFuncT | undefined)[] = [];
    const imports: { module: string; name: string; type: CoreExternT }[] = [];
    const exports = new Map<string, CoreExternT>();
    const importKeys = new Set<string>();
    const extern = (t: CoreExternType): CoreExternT => {
      switch (t.kind) {
        case 'func': case 'tag': {
          const index = t.kind === 'func' ? t.type : t.type.type;
          if (index >= types.length) throw new ValidationError(`unknown type ${index}: type index out of bounds`);
          const f = types[index];
          if (f === undefined) throw new ValidationError(`type index ${index} is not a function type`);
          return { kind: t.kind, type: f };
        }
        case 'table': return { kind: 'table', type: t.type };
        case 'memory': checkMemoryType(t.type); return { kind: 'memory', type: t.type };
        case 'global': return { kind: 'global', type: t.type };
      }
    };
    for (const d of decls) {
      switch (d.kind) {
        case 'type':
          if (d.type.kind === 'module') throw new ValidationError('invalid leading byte: module types cannot be nested in module types');
          types.push(...moduleFuncTypes(d.type.group.types));
          break;
        case 'alias': {
          // Only outer aliases of core types are allowed here (Binary.md, "core:moduledecl").
          const target = outerScope(s, d.count - 1);
          const ct = at(target.coreTypes, d.index, 'core type');
          types.push(ct.kind === 'func' ? ct.type : undefined);
          break;
        }
        case 'import': {
          const key = `${d.module}:${d.name}`;
          if (importKeys.has(key)) throw new ValidationError(`duplicate import name \`${key}\``);
          importKeys.add(key);
          imports.push({ module: d.module, name: d.name, type: extern(d.type) });
          break;
        }
        case 'export':
          if (exports.has(d.name)) throw new ValidationError(`export name \`${d.name}\` already defined`);
          exports.set(d.name, extern(d.type));
          break;
      }
    }
    return { imports, exports };
  }

  // ---- types ----

  typeDef(s: Scope, t: TypeDef): Def {
    const d = this.#typeDef(s, t);
    checkTypeSize(defSize(d));
    return d;
  }

  #typeDef(s: Scope, t: TypeDef): Def {
    switch (t.kind) {
      case 'func': return { kind: 'func', type: funcType(s, t) };
      case 'component': return { kind: 'component', type: this.typeScope(s, 'component-type', t.decls) as ComponentT };
      case 'instance': return { kind: 'instance', type: this.typeScope(s, 'instance-type', t.decls) as InstanceT };
      case 'resource': {
        // Explainer.md, "Resource types": defined only by concrete components, represented by i32.
        if (s.kind !== 'component') throw new ValidationError('resources can only be defined within a concrete component');
        // 🐘 `rep` may also be `i64` (CanonicalABI.md, "canon resource.new").
        if (t.rep !== 'i32' && t.rep !== 'i64') throw new ValidationError('resources can only be represented by `i32` or `i64`');
        if (t.dtor !== undefined) {
          const f = at(s.coreFuncs, t.dtor, 'core func');
          if (f.params.length !== 1 || f.params[0] !== t.rep || f.results.length !== 0) {
            throw new ValidationError(`core function ${t.dtor} has wrong signature for a destructor`);
          }
        }
        const rid = freshRid();
        s.defined.push(rid);
        s.local.add(rid);
        s.localRep.set(rid, t.rep);
        return t.dtor === undefined ? { kind: 'resource', rid, rep: t.rep } : { kind: 'resource', rid, rep: t.rep, dtor: t.dtor };
      }
      default: return defValType(s, t);
    }
  }

  /** A component type or instance type: its declarators in a scope of their own. */
  typeScope(parent: Scope, kind: ScopeKind, decls: readonly ComponentDecl[]): ComponentT | InstanceT {
    const s = new Scope(kind, parent);
    for (const d of decls) {
      switch (d.kind) {
        case 'core-type': this.coreType(s, d.type); break;
        case 'type': s.types.push({ def: this.typeDef(s, d.type) }); break;
        case 'alias': this.alias(s, d.alias); break;
        case 'import': this.declareImport(s, d.name, this.externType(s, d.type, false)); break;
        case 'export': this.declareExport(s, d.name, this.externType(s, d.type, true)); break;
      }
    }
    return kind === 'component-type' ? { imports: s.imports, exports: s.exports, defined: s.defined } : { exports: s.exports, defined: s.defined };
  }

  /** The entity an import or export declarator describes (Explainer.md, "Type Definitions": externdesc). */
  externType(s: Scope, t: ExternType, exported: boolean): EntityT {
    switch (t.kind) {
      case 'module': {
        const ct = at(s.coreTypes, t.type, 'core type');
        if (ct.kind !== 'module') throw new ValidationError(`core type index ${t.type} is not a module type`);
        return { kind: 'module', type: ct.type };
      }
      case 'func': {
        const e = at(s.types, t.type, 'type');
        if (e.def.kind !== 'func') throw new ValidationError(`type index ${t.type} is not a function type`);
        return { kind: 'func', type: e.def.type };
      }
      case 'component': {
        const e = at(s.types, t.type, 'type');
        if (e.def.kind !== 'component') throw new ValidationError(`type index ${t.type} is not a component type`);
        return { kind: 'component', type: e.def.type };
      }
      case 'instance': {
        const e = at(s.types, t.type, 'type');
        if (e.def.kind !== 'instance') throw new ValidationError(`type index ${t.type} is not an instance type`);
        // Each instance of an instance type has resources of its own.
        return { kind: 'instance', type: freshen(e.def.type) };
      }
      case 'value': {
        if (t.bound.kind === 'eq') {
          const v = at(s.values, t.bound.value, 'value');
          return { kind: 'value', type: v.type };
        }
        return { kind: 'value', type: this.valueType(s, t.bound.type) };
      }
      case 'type': {
        if (t.bound.kind === 'eq') return { kind: 'type', type: { def: at(s.types, t.bound.type, 'type').def } };
        const rid = freshRid();
        if (exported) s.defined.push(rid);
        return { kind: 'type', type: { def: { kind: 'resource', rid } } };
      }
    }
  }

  /** Adds an imported, exported or aliased entity to its index space. */
  push(s: Scope, e: EntityT): void {
    switch (e.kind) {
      case 'func': s.funcs.push(e.type); break;
      case 'value': s.values.push({ type: e.type, used: false }); break;
      case 'type': s.types.push(e.type); break;
      case 'instance': s.instances.push(e.type); break;
      case 'component': s.components.push(e.type); break;
      case 'module': s.coreModules.push(e.type); break;
    }
  }

  // ---- instances ----

  instance(s: Scope, i: Instance): InstanceT {
    if (i.kind === 'exports') {
      const names = new NameSpace('export');
      const exports = new Map<string, EntityT>();
      for (const e of i.exports) {
        let ent = this.item(s, e.sort, e.index, true);
        if (ent.kind === 'type') ent = { kind: 'type', type: { def: ent.type.def, origin: ent.type } };
        names.add(e.name, ent);
        exports.set(e.name.name, ent);
      }
      const inst: InstanceT = { exports, defined: [] };
      checkTypeSize(instanceSize(inst));
      return inst;
    }
    const c = at(s.components, i.component, 'component');
    const args = new Map<string, EntityT>();
    for (const a of i.args) {
      // Argument names follow import names; only their uniqueness is checked here.
      const key = a.name.toLowerCase();
      for (const k of args.keys()) {
        if (k.toLowerCase() === key) throw new ValidationError(`instantiation argument \`${a.name}\` conflicts with previous argument \`${k}\``);
      }
      args.set(a.name, this.item(s, a.sort, a.index, true));
    }
    return instantiate(c, args);
  }

  /** The entity at `index` of `sort`; values are consumed (🪙 used once). */
  item(s: Scope, sort: Sort, index: number, consume: boolean): EntityT {
    switch (sort) {
      case 'func': return { kind: 'func', type: at(s.funcs, index, 'func') };
      case 'value': {
        const v = at(s.values, index, 'value');
        if (consume) {
          if (v.used) throw new ValidationError(`cannot use value index ${index} more than once`);
          v.used = true;
        }
        return { kind: 'value', type: v.type };
      }
      case 'type': return { kind: 'type', type: at(s.types, index, 'type') };
      case 'component': return { kind: 'component', type: at(s.components, index, 'component') };
      case 'instance': return { kind: 'instance', type: at(s.instances, index, 'instance') };
      case 'core module': return { kind: 'module', type: at(s.coreModules, index, 'core module') };
      default: throw new ValidationError(`${sort} is not a valid sort here`);
    }
  }

  // ---- aliases ----

  alias(s: Scope, a: Alias): void {
    const t = a.target;
    // Explainer.md, "Type Definitions": declarators of component and instance types
    // describe types and instances only.
    if (s.kind !== 'component' && a.sort !== 'type' && a.sort !== 'instance' && a.sort !== 'core type') {
      throw new ValidationError(`aliases in ${s.kind === 'component-type' ? 'component' : 'instance'} types may only refer to types or instances`);
    }
    if (t.kind === 'export') {
      const inst = at(s.instances, t.instance, 'instance');
      const e = inst.exports.get(t.name);
      if (e === undefined) throw new ValidationError(`instance ${t.instance} has no export named \`${t.name}\``);
      if (sortOf(e) !== a.sort) throw new ValidationError(`export \`${t.name}\` for instance ${t.instance} is not a ${a.sort === 'core module' ? 'module' : a.sort}`);
      if (e.kind === 'type') {
        // A type reached through an imported or exported instance is named by that
        // instance's export (Explainer.md, "Import and Export Definitions").
        const entry: TypeEntry = { def: e.type.def, aliasOf: e.type };
        if (s.namedInstances.has(inst)) {
          s.importedTypes.add(entry);
          s.exportedTypes.add(entry);
        }
        s.types.push(entry);
      } else {
        // Instances nested in a named instance are named too.
        if (e.kind === 'instance' && s.namedInstances.has(inst)) s.namedInstances.add(e.type);
        this.push(s, e);
      }
      return;
    }
    if (t.kind === 'core-export') {
      const inst = at(s.coreInstances, t.instance, 'core instance');
      const e = inst.exports.get(t.name);
      if (e === undefined) throw new ValidationError(`core instance ${t.instance} has no export named \`${t.name}\``);
      if (`core ${e.kind}` !== a.sort) {
        throw new ValidationError(`export \`${t.name}\` for core instance ${t.instance} is not a ${a.sort === 'core func' ? 'function' : a.sort.slice(5)}`);
      }
      pushCore(s, e);
      return;
    }
    // Explainer.md, "Alias Definitions": outer aliases reach enclosing components only for
    // modules, components and types; types may not capture resources across a component.
    let target: Scope = s;
    let crossesComponent = false;
    for (let i = 0; i < t.count; i++) {
      if (target.kind === 'component') crossesComponent = true;
      if (target.parent === undefined) throw new ValidationError(`invalid outer alias count of ${t.count}`);
      target = target.parent;
    }
    switch (a.sort) {
      case 'type': {
        const e = at(target.types, t.index, 'type');
        if (crossesComponent && mentionsResource(e.def)) {
          throw new ValidationError('cannot alias outer type which transitively refers to resources not defined in the current component');
        }
        s.types.push(e);
        break;
      }
      case 'core type': s.coreTypes.push(at(target.coreTypes, t.index, 'core type')); break;
      case 'core module': s.coreModules.push(at(target.coreModules, t.index, 'core module')); break;
      case 'component': s.components.push(at(target.components, t.index, 'component')); break;
      default: throw new ValidationError(`outer item of sort ${a.sort} is not a module, type, or component`);
    }
  }

  // ---- start, imports, exports ----

  start(s: Scope, st: { func: number; args: number[]; results: number }): void {
    const f = at(s.funcs, st.func, 'func');
    if (f.params.length !== st.args.length) throw new ValidationError(`component start function requires ${f.params.length} arguments but was given ${st.args.length}`);
    f.params.forEach(([, t], i) => {
      const v = this.item(s, 'value', st.args[i], true);
      const m = entityMismatch(v, { kind: 'value', type: t }, new Map());
      if (m) throw new ValidationError(`type mismatch for start function argument ${i}: ${m}`);
    });
    const n = f.result === undefined ? 0 : 1;
    if (st.results !== n) throw new ValidationError(`component start function has a result count of ${n} but the function type has a result count of ${st.results}`);
    if (f.result !== undefined) s.values.push({ type: f.result, used: false });
  }

  import(s: Scope, i: Import): void {
    this.declareImport(s, i.name, this.externType(s, i.type, false));
  }

  /** A component's (type's) imports and exports add up to its type's size. */
  #grow(s: Scope, e: EntityT): void {
    this.#sizes.set(s, checkTypeSize((this.#sizes.get(s) ?? 1) + entitySize(e)));
  }

  declareImport(s: Scope, name: ExternName, e: EntityT): void {
    this.#grow(s, e);
    if (s.kind !== 'instance-type') checkVisible(e, s.importedTypes, 'import');
    s.importNames.add(name, e);
    s.imports.set(name.name, e);
    if (e.kind === 'type') s.importedTypes.add(e.type);
    if (e.kind === 'instance') {
      s.namedInstances.add(e.type);
      // The types an imported instance exports are named by it, as for exports (below).
      for (const x of e.type.exports.values()) if (x.kind === 'type') for (const t of exportNames(x.type)) s.importedTypes.add(t);
    }
    this.push(s, e);
  }

  declareExport(s: Scope, name: ExternName, e: EntityT): void {
    this.#grow(s, e);
    if (e.kind === 'type') e = { kind: 'type', type: { def: e.type.def, origin: e.type } };
    if (e.kind === 'instance') e = { kind: 'instance', type: { ...e.type } };
    if (s.kind !== 'instance-type') {
      checkVisible(e, new Set([...s.importedTypes, ...s.exportedTypes]), 'export');
      // Binary.md, "Type Definitions": no transitive `borrow` in an exported value type.
      const exported = e.kind === 'value' ? e.type : e.kind === 'type' && isValDef(e.type.def) ? e.type : undefined;
      if (exported !== undefined && containsBorrow(exported)) throw new ValidationError(`${e.kind} not valid to be used as export: it contains a \`borrow\` type`);
    }
    s.exportNames.add(name, e);
    s.exports.set(name.name, e);
    if (e.kind === 'type') for (const t of exportNames(e.type)) s.exportedTypes.add(t);
    if (e.kind === 'instance') {
      s.namedInstances.add(e.type);
      // The types an exported instance exports are named by it.
      for (const x of e.type.exports.values()) if (x.kind === 'type') for (const t of exportNames(x.type)) s.exportedTypes.add(t);
    }
    this.push(s, e);
  }

  export(s: Scope, x: Export): void {
    let e = this.item(s, x.sort, x.index, true);
    if (x.type !== undefined) {
      const ascribed = this.externType(s, x.type, false);
      const m = entityMismatch(e, ascribed, new Map());
      if (m) throw new ValidationError(`ascribed type of export is not compatible with item's type: ${m}`);
      e = ascribed;
    }
    this.declareExport(s, x.name, e);
  }
}

function isValDef(d: Def): boolean {
  return d.kind !== 'resource' && d.kind !== 'func' && d.kind !== 'component' && d.kind !== 'instance';
}

export function sortOf(e: EntityT): Sort {
  return e.kind === 'module' ? 'core module' : e.kind;
}

function outerScope(s: Scope, count: number): Scope {
  let t = s;
  for (let i = 0; i < count; i++) {
    if (t.parent === undefined) throw new ValidationError(`invalid outer alias count of ${count + 1}`);
    t = t.parent;
  }
  return t;
}

function coreItem(s: Scope, sort: string, index: number): CoreExternT {
  switch (sort) {
    case 'func': return { kind: 'func', type: at(s.coreFuncs, index, 'core func') };
    case 'table': return { kind: 'table', type: at(s.coreTables, index, 'core table') };
    case 'memory': return { kind: 'memory', type: at(s.coreMemories, index, 'core memory') };
    case 'global': return { kind: 'global', type: at(s.coreGlobals, index, 'core global') };
    case 'tag': return { kind: 'tag', type: at(s.coreTags, index, 'core tag') };
    default: throw new ValidationError(`core instance export of sort ${sort} is not supported`);
  }
}

function pushCore(s: Scope, e: CoreExternT): void {
  switch (e.kind) {
    case 'func': s.coreFuncs.push(e.type); break;
    case 'table': s.coreTables.push(e.type); break;
    case 'memory': s.coreMemories.push(e.type); break;
    case 'global': s.coreGlobals.push(e.type); break;
    case 'tag': s.coreTags.push(e.type); break;
  }
}

/** https://webassembly.github.io/spec/core/valid/types.html#memory-types */
function checkMemoryType(t: MemoryType): void {
  const limit = t.addr === 'i64' ? 2n ** 48n : 65536n;
  if (BigInt(t.limits.min) > limit || (t.limits.max !== undefined && BigInt(t.limits.max) > limit)) {
    throw new ValidationError(t.addr === 'i64' ? 'memory size must be at most 2**48 pages' : 'memory size must be at most 65536 pages (4GiB)');
  }
}

function freshen(t: InstanceT): InstanceT {
  if (t.defined.length === 0) return t;
  return new Substituter(new Map(t.defined.map((r) => [r, freshRid()]))).instance(t);
}

/**
 * Explainer.md, "Instance Definitions" and "Type Checking": each import of the component
 * is matched by the argument of its name; imported resources are bound to the arguments',
 * then the component's own resources become fresh ones in the resulting instance.
 */
export function instantiate(c: ComponentT, args: ReadonlyMap<string, EntityT>): InstanceT {
  const map: RidMap = new Map();
  const entries = new Map<TypeEntry, TypeEntry>();
  for (const [name, imp] of c.imports) {
    const arg = args.get(name);
    if (arg === undefined) throw new ValidationError(`missing import named \`${name}\``);
    let m: string | undefined;
    if (imp.kind === 'type' && arg.kind === 'type') {
      // The instance's types refer to the argument's (and its name) in place of the import.
      entries.set(imp.type, arg.type);
      const d = imp.type.def;
      if (d.kind === 'resource' && !map.has(d.rid) && !c.defined.includes(d.rid)) {
        if (arg.type.def.kind !== 'resource') m = 'expected resource, found defined type';
        else map.set(d.rid, arg.type.def.rid);
      } else m = defMismatch(arg.type.def, d, map);
    } else m = entityMismatch(arg, imp, map);
    if (m) throw new ValidationError(`type mismatch for component instantiation argument \`${name}\`: ${m}`);
  }
  for (const r of c.defined) map.set(r, freshRid());
  const sub = new Substituter(map, entries);
  const exports = new Map<string, EntityT>();
  for (const [name, e] of c.exports) exports.set(name, sub.entity(e));
  return { exports, defined: c.defined.map((r) => map.get(r) as number) };
}

