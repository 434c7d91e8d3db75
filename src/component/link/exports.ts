// The JavaScript face of an instance's exports: functions (the lifted functions
// themselves), nested objects for instances, a class per guest resource type (with its
// `[constructor]`, `[method]` and `[static]` exports as constructor, methods and statics),
// the host's class for a re-exported host resource, CompiledComponents and
// WebAssembly.Modules. Keys follow the `names` option; the annotated names of resource
// functions stay reachable as non-enumerable keys.
import type { CompiledComponent } from './compile.ts';
import type { AnyFn, RtInstance } from './frame.ts';
import type { NameKeys } from './names.ts';
import { CONSTRUCTOR, type GuestClass, type ResourceClasses } from './resource-object.ts';
import type { HostClass } from './resource-type.ts';

/** A function export: call it with the function's parameters in their JavaScript shapes. */
export type ComponentFunction = (...args: unknown[]) => unknown;

/** The exports of a component instance (or of an instance it exports). */
export interface ComponentExports {
  readonly [key: string]: ComponentFunction | ComponentExports | GuestClass | HostClass | CompiledComponent | WebAssembly.Module | unknown;
}

/** The exports object of `inst`; `names` maps its names to keys (the component's, kept across instantiations). */
export function exportsObject(inst: RtInstance, names: NameKeys, classes: ResourceClasses): ComponentExports {
  const out: Record<string, unknown> = {};
  const classOf = new Map<string, GuestClass | undefined>();
  // forEach, not for-of: no entry array per export.
  inst.forEach((item, name) => {
    switch (item.sort) {
      case 'type': {
        const rt = item.value;
        if (rt === undefined) break;
        if (rt.impl === null) {
          out[names.of(name).typeKey] = rt.hostClass;
          classOf.set(name, undefined);
        } else {
          const cls = classes.get(rt);
          if (rt.name === 'resource') rt.name = name;
          out[names.of(name).typeKey] = cls;
          classOf.set(name, cls);
        }
        break;
      }
      case 'instance': out[names.of(name).key] = exportsObject(item.value, names, classes); break;
      case 'component': case 'core module': case 'value': out[names.of(name).key] = item.value; break;
      case 'func': break;
    }
  });
  inst.forEach((item, name) => {
    if (item.sort !== 'func') return;
    const info = names.of(name);
    const v = info.view;
    if (v.kind !== 'constructor' && v.kind !== 'method' && v.kind !== 'static') {
      out[info.key] = item.value;
      return;
    }
    Object.defineProperty(out, name, { value: item.value, enumerable: false, configurable: true, writable: true });
    const cls = classOf.get(v.resource);
    if (cls === undefined) return;
    if (v.kind === 'constructor') cls[CONSTRUCTOR] = item.value;
    else attach(cls, v.kind, info.member as string, item.value);
  });
  return out;
}

function attach(cls: GuestClass, kind: 'method' | 'static', key: string, f: AnyFn): void {
  if (kind === 'static') {
    Object.defineProperty(cls, key, { value: f, enumerable: false, configurable: true, writable: true });
    return;
  }
  // Named by a computed key as it is made: setting `name` afterwards costs twice the function.
  const method = ({
    [key](this: unknown, ...args: unknown[]): unknown {
      return f(this, ...args);
    },
  })[key];
  Object.defineProperty(cls.prototype, key, { value: method, enumerable: false, configurable: true, writable: true });
}
