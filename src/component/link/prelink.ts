// Pre-linking (wasmtime's `InstancePre`): what instantiating a compiled component decides the
// same way every time is worked out once and kept with the component's validated scope, so
// that each instantiation does only what depends on the instance: core instances, handle
// tables, flags, and the closures that bind them. Nothing here depends on the imports object
// a caller gives (a host makes a new one per instance, with per-request functions): each is
// still looked up and checked as before, only the names' parsing and mapping is kept.
//
// Kept per (component scope, name style): the keys each import and export name is looked up
// and exported under, and resource class names (link/names.ts, NameKeys).
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
