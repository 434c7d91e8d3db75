// The JavaScript face of an instance's exports: functions (the lifted functions
// themselves), nested objects for instances, a class per guest resource type (with its
// `[constructor]`, `[method]` and `[static]` exports as constructor, methods and statics),
// the host's class for a re-exported host resource, CompiledComponents and
// WebAssembly.Modules. Keys follow the `names` option; the annotated names of resource
// functions stay reachable as non-enumerable keys.
import { externNameView } from '../names.ts';
import type { CompiledComponent } from './compile.ts';
import type { AnyFn, RtInstance } from './frame.ts';
import { keyOf, memberKey, type NameStyle } from './names.ts';
import { CONSTRUCTOR, type GuestClass, type ResourceClasses } from './resource-object.ts';
import type { HostClass } from './resource-type.ts';

/** A function export: call it with the function's parameters in their JavaScript shapes. */
export type ComponentFunction = (...args: unknown[]) => unknown;

/** The exports of a component instance (or of an instance it exports). */
export interface ComponentExports {
  readonly [key: string]: ComponentFunction | ComponentExports | GuestClass | HostClass | CompiledComponent | WebAssembly.Module | unknown;
}

export function exportsObject(inst: RtInstance, style: NameStyle, classes: ResourceClasses): ComponentExports {
  const out: Record<string, unknown> = {};
  const classOf = new Map<string, GuestClass | undefined>();
  for (const [name, item] of inst) {
    switch (item.sort) {
      case 'type': {
        const rt = item.value;
        if (rt === undefined) break;
        if (rt.impl === null) {
          out[keyOf(name, style, true)] = rt.hostClass;
          classOf.set(name, undefined);
        } else {
          const cls = classes.get(rt);
          if (rt.name === 'resource') rt.name = name;
          out[keyOf(name, style, true)] = cls;
          classOf.set(name, cls);
        }
        break;
      }
      case 'instance': out[keyOf(name, style)] = exportsObject(item.value, style, classes); break;
      case 'component': case 'core module': case 'value': out[keyOf(name, style)] = item.value; break;
      case 'func': break;
    }
  }
  for (const [name, item] of inst) {
    if (item.sort !== 'func') continue;
    const v = externNameView(name);
    if (v.kind !== 'constructor' && v.kind !== 'method' && v.kind !== 'static') {
      out[keyOf(name, style)] = item.value;
      continue;
    }
    Object.defineProperty(out, name, { value: item.value, enumerable: false, configurable: true, writable: true });
    const cls = classOf.get(v.resource);
    if (cls !== undefined) attach(cls, v, item.value, style);
  }
  return out;
}

function attach(cls: GuestClass, v: { kind: 'constructor' } | { kind: 'method' | 'static'; name: string }, f: AnyFn, style: NameStyle): void {
  if (v.kind === 'constructor') {
    cls[CONSTRUCTOR] = f;
    return;
  }
  const key = memberKey(v.name, style);
  if (v.kind === 'static') {
    Object.defineProperty(cls, key, { value: f, enumerable: false, configurable: true, writable: true });
    return;
  }
  const method = function (this: unknown, ...args: unknown[]): unknown {
    return f(this, ...args);
  };
  Object.defineProperty(method, 'name', { value: key });
  Object.defineProperty(cls.prototype, key, { value: method, enumerable: false, configurable: true, writable: true });
}
