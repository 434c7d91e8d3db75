// Pre-linking (wasmtime's `InstancePre`): what instantiating a compiled component decides the
// same way every time is worked out once and kept with the component's validated scope, so
// that each instantiation does only what depends on the instance: core instances, handle
// tables, flags, and the closures that bind them. Nothing here depends on the imports object
// a caller gives (a host makes a new one per instance, with per-request functions): each is
// still looked up and checked as before, only the names' parsing and mapping is kept.
//
// Kept per component scope: its sections in runs, those that instantiate core modules or
// components apart from the rest (instantiate.ts walks the first in its generator and defines
// the others in a plain loop). Kept per (component scope, name style): the keys each import
// and export name is looked up and exported under, and resource class names (link/names.ts,
// NameKeys). Kept per instance type: which of its exports bind resource types
// (Frame.bindInstance), and the order a host's instance is read in (HostImports.instance).
import type { Section } from '../ast.ts';
import type { EntityT, InstanceT, TypeEntry } from '../validate/model.ts';
import type { Scope } from '../validate/scope.ts';
import type { CompiledComponent } from './compile.ts';
import { NameKeys, type NameStyle } from './names.ts';

export interface LinkPlan {
  /** The component's import and export names, parsed and mapped in the plan's style. */
  readonly names: NameKeys;
}

/** Keyed by the validator's scope: nested components are new CompiledComponents per instance. */
const plans = new WeakMap<Scope, Partial<Record<NameStyle, LinkPlan>>>();

/** The plan of `def` in `style`, made on first use. */
export function linkPlan(def: CompiledComponent, style: NameStyle): LinkPlan {
  let byStyle = plans.get(def.scope);
  if (byStyle === undefined) plans.set(def.scope, byStyle = {});
  return byStyle[style] ??= { names: new NameKeys(style) };
}

/** An export of an instance type that binds resource types: a resource type, or an instance with some. */
export type ResourceExport =
  | { readonly name: string; readonly type: TypeEntry; readonly instance?: undefined }
  | { readonly name: string; readonly type?: undefined; readonly instance: InstanceT };

const resourceExportsOf = new WeakMap<InstanceT, readonly ResourceExport[]>();

/** The exports of `t` that bind resource types, in export order (nested instances without any left out). */
export function resourceExports(t: InstanceT): readonly ResourceExport[] {
  let out = resourceExportsOf.get(t);
  if (out === undefined) {
    const list: ResourceExport[] = [];
    for (const [name, e] of t.exports) {
      if (e.kind === 'type' && e.type.def.kind === 'resource') list.push({ name, type: e.type });
      else if (e.kind === 'instance' && resourceExports(e.type).length > 0) list.push({ name, instance: e.type });
    }
    resourceExportsOf.set(t, out = list);
  }
  return out;
}

const importOrderOf = new WeakMap<InstanceT, readonly { readonly name: string; readonly entity: EntityT }[]>();

/** The exports of `t` in the order a host's instance is read: types first, then the rest, each in export order. */
export function importOrder(t: InstanceT): readonly { readonly name: string; readonly entity: EntityT }[] {
  let out = importOrderOf.get(t);
  if (out === undefined) {
    const all = [...t.exports].map(([name, entity]) => ({ name, entity }));
    out = [...all.filter((x) => x.entity.kind === 'type'), ...all.filter((x) => x.entity.kind !== 'type')];
    importOrderOf.set(t, out);
  }
  return out;
}

/** A section that instantiates (walked by the generator), or a run of sections that do not. */
export type Step =
  | { readonly instantiates: true; readonly section: Section & { kind: 'core-instance' | 'instance' } }
  | { readonly instantiates: false; readonly sections: readonly Section[] };

const stepsOf = new WeakMap<Scope, readonly Step[]>();

/** `def`'s sections as steps, in order. */
export function steps(def: CompiledComponent): readonly Step[] {
  let out = stepsOf.get(def.scope);
  if (out === undefined) {
    const list: Step[] = [];
    let run: Section[] = [];
    for (const section of def.component.sections) {
      if (section.kind === 'core-instance' || section.kind === 'instance') {
        if (run.length > 0) list.push({ instantiates: false, sections: run });
        run = [];
        list.push({ instantiates: true, section });
      } else {
        run.push(section);
      }
    }
    if (run.length > 0) list.push({ instantiates: false, sections: run });
    stepsOf.set(def.scope, out = list);
  }
  return out;
}
