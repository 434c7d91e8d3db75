// Host imports: the JavaScript values given to instantiateComponent, checked against the
// component's import types and turned into runtime items. Keys follow the `names` option (a
// plain name may also be given as written in WIT; an interface name without its version). A
// func import is a function; an instance import an object of its exports; a resource type a
// class (a host class, or the class of another instance's guest resource); a component a
// CompiledComponent; a core module a WebAssembly.Module. A `[constructor]r`, `[method]r.m`
// or `[static]r.s` func not given by name comes from the class given for `r`. Anything
// missing or of the wrong kind is a LinkError naming the import path, the expected type and
// what was given.
import { LinkError } from '../../core/errors.ts';
import type { EntityT, InstanceT } from '../validate/model.ts';
import { entityMismatch } from '../validate/subtype.ts';
import { CompiledComponent } from './compile.ts';
import { describeEntity, describeJs } from './describe.ts';
import type { AnyFn, RtInstance, RtItem } from './frame.ts';
import { checkFuncImport, isTypedFunc } from './func-type.ts';
import type { NameKeys } from './names.ts';
import { importOrder } from './prelink.ts';
import { classResourceType } from './resource-object.ts';
import { type HostClass, hostResourceType, type ResourceType } from './resource-type.ts';
import { isSuspending, suspendingHost } from './jspi.ts';

type Obj = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Obj {
  return (typeof v === 'object' || typeof v === 'function') && v !== null;
}

function isResourceType(e: EntityT): boolean {
  return e.kind === 'type' && e.type.def.kind === 'resource';
}

/** The value given in `obj` under the first of `keys` it has (a name's keys: NameKeys). */
function lookup(obj: Obj, keys: readonly string[]): unknown {
  for (const k of keys) if (Object.hasOwn(obj, k)) return obj[k];
  return undefined;
}

/** The path of member `name` of the import at `parent` (undefined: a top-level import). */
function pathOf(parent: string | undefined, name: string): string {
  return parent === undefined ? name : `${parent}.${name}`;
}

function mistyped(path: string, e: EntityT, given: unknown, why?: string): LinkError {
  const what = given === undefined ? 'missing import' : 'import';
  return new LinkError(`${what} \`${path}\`: expected ${describeEntity(e)}, got ${describeJs(given)}${why ? ` (${why})` : ''}`);
}

export class HostImports {
  readonly #names: NameKeys;
  /** Resource types already bound by rid (an `eq` bound names one bound before): the instance's. */
  readonly #bound: ReadonlyMap<number, ResourceType>;
  /**
   * Those bound by this object's imports so far (an instance's types bind only once it is
   * whole); made on first use, since most imports bind none.
   */
  #local: Map<number, ResourceType> | undefined;

  constructor(names: NameKeys, bound: ReadonlyMap<number, ResourceType>) {
    this.#names = names;
    this.#bound = bound;
  }

  /**
   * The runtime item for import `name` of type `e`, from the object of imports `obj`; `parent`
   * is the path of the instance import `obj` is (undefined: the top-level imports). Paths are
   * made only for errors: instantiation reads hundreds of members of a WASI host.
   */
  item(obj: Obj, name: string, e: EntityT, parent: string | undefined): RtItem {
    const info = this.#names.of(name);
    let v = lookup(obj, isResourceType(e) ? info.typeLookup : info.lookup);
    if (v === undefined && e.kind === 'func') v = this.#member(obj, name, parent);
    switch (e.kind) {
      case 'func':
        if (typeof v !== 'function') throw mistyped(pathOf(parent, name), e, v);
        if (isTypedFunc(v as AnyFn)) checkFuncImport(v as AnyFn, e.type, pathOf(parent, name));
        return { sort: 'func', value: v as AnyFn };
      case 'instance': {
        const path = pathOf(parent, name);
        if (!isObject(v)) throw mistyped(path, e, v);
        return { sort: 'instance', value: this.instance(v, e.type, path) };
      }
      case 'type': {
        const d = e.type.def;
        if (d.kind !== 'resource') return { sort: 'type', value: undefined };
        const bound = this.#local?.get(d.rid) ?? this.#bound.get(d.rid);
        if (bound !== undefined) return { sort: 'type', value: bound };
        if (typeof v !== 'function') throw mistyped(pathOf(parent, name), e, v);
        const rt = classResourceType(v as HostClass, name, hostResourceType);
        (this.#local ??= new Map()).set(d.rid, rt);
        return { sort: 'type', value: rt };
      }
      case 'component': {
        if (!(v instanceof CompiledComponent)) throw mistyped(pathOf(parent, name), e, v);
        const m = entityMismatch({ kind: 'component', type: { imports: v.imports, exports: v.exports, defined: v.scope.defined } }, e, new Map());
        if (m) throw mistyped(pathOf(parent, name), e, v, m);
        return { sort: 'component', value: v };
      }
      case 'module': {
        if (!(v instanceof WebAssembly.Module)) throw mistyped(pathOf(parent, name), e, v);
        const m = moduleMismatch(v, e);
        if (m) throw mistyped(pathOf(parent, name), e, v, m);
        return { sort: 'core module', value: v };
      }
      case 'value':
        if (v === undefined) throw mistyped(pathOf(parent, name), e, v);
        return { sort: 'value', value: v };
    }
  }

  instance(obj: Obj, t: InstanceT, path: string): RtInstance {
    const out = new Map<string, RtItem>();
    // Types first: funcs of the instance may come from the classes given for them (the order
    // is worked out once per instance type: link/prelink.ts).
    for (const x of importOrder(t)) out.set(x.name, this.item(obj, x.name, x.entity, path));
    return out;
  }

  /** A `[constructor]r`, `[method]r.m` or `[static]r.s` func from the class given for `r`. */
  #member(obj: Obj, name: string, parent: string | undefined): AnyFn | undefined {
    const info = this.#names.of(name);
    const v = info.view;
    if (v.kind !== 'constructor' && v.kind !== 'method' && v.kind !== 'static') return undefined;
    const cls = lookup(obj, this.#names.of(v.resource).typeLookup);
    if (typeof cls !== 'function') return undefined;
    const C = cls as (new (...args: unknown[]) => object) & Record<string, unknown>;
    if (v.kind === 'constructor') return (...args: unknown[]) => new C(...args);
    const key = info.member as string;
    if (v.kind === 'static') {
      const f = C[key];
      if (typeof f !== 'function') throw new LinkError(`missing import \`${pathOf(parent, name)}\`: class ${C.name || v.resource} has no static method \`${key}\``);
      const s = (...args: unknown[]) => (f as AnyFn).apply(C, args);
      return isSuspending(f) ? suspendingHost(s) : s;
    }
    const proto = C.prototype as Record<string, unknown>;
    if (typeof proto[key] !== 'function') throw new LinkError(`missing import \`${pathOf(parent, name)}\`: class ${C.name || v.resource} has no method \`${key}\``);
    const m = (self: unknown, ...args: unknown[]) => ((self as Record<string, AnyFn>)[key] as AnyFn).apply(self, args);
    // A method that may wait (link/jspi.ts) keeps its mark.
    return isSuspending(proto[key]) ? suspendingHost(m) : m;
  }
}

/** A module given for a module import: it must export what the type exports and import no more. */
function moduleMismatch(m: WebAssembly.Module, e: EntityT): string | undefined {
  if (e.kind !== 'module') return undefined;
  const exports = new Map(WebAssembly.Module.exports(m).map((x) => [x.name, x.kind]));
  for (const [name, t] of e.type.exports) {
    const kind = exports.get(name);
    if (kind === undefined) return `module does not export \`${name}\``;
    if (kind !== t.kind) return `module export \`${name}\` is a ${kind}, expected a ${t.kind}`;
  }
  const allowed = new Set(e.type.imports.map((i) => `${i.module}\0${i.name}`));
  for (const i of WebAssembly.Module.imports(m)) {
    if (!allowed.has(`${i.module}\0${i.name}`)) return `module imports \`${i.module}\` \`${i.name}\`, which the type does not`;
  }
  return undefined;
}
