// Resource types at run time (CanonicalABI.md, "Resource State": ResourceType). Identity is
// object identity: each instance of a component that defines a resource makes a new one
// (Explainer.md, "Resource types": generativity); an imported resource type is whatever the
// importer supplied. A host resource type is a JavaScript class, one runtime type per class,
// whose instances are the values.
import type { RuntimeInstance } from './runtime-instance.ts';

/** A class given by the host for an imported resource type. */
export type HostClass = abstract new (...args: never[]) => object;

export class ResourceType {
  /** For messages and class names: the name the type is first exported under. */
  name: string;
  /** The instance that defined it; null for a host resource type. */
  readonly impl: RuntimeInstance | null;
  readonly hostClass: HostClass | undefined;
  /** The destructor, entered like a lifted function of `impl`; undefined: none. */
  dtor: ((rep: number) => unknown) | undefined;

  constructor(name: string, impl: RuntimeInstance | null, hostClass?: HostClass) {
    this.name = name;
    this.impl = impl;
    this.hostClass = hostClass;
  }

  /** wasmtime's words for the kind of resource, in handle-type mismatch traps. */
  get description(): string {
    return this.impl === null ? 'host-defined resource' : 'guest-defined resource';
  }
}

const HOST_TYPES = new WeakMap<HostClass, ResourceType>();

/** The runtime type of a host class: the same class is the same resource type everywhere. */
export function hostResourceType(cls: HostClass, name: string): ResourceType {
  let rt = HOST_TYPES.get(cls);
  if (rt === undefined) {
    rt = new ResourceType(cls.name || name, null, cls);
    HOST_TYPES.set(cls, rt);
  }
  return rt;
}
