// Guest resources as JavaScript objects. A handle that leaves the component model for
// JavaScript (an `own` or `borrow` result or argument) becomes an object of a class made per
// (top-level instance, resource type): its methods, statics and constructor come from the
// `[method]r.m`, `[static]r.s` and `[constructor]r` exports next to the type. The object
// holds the representation, never a handle index: handles live in component instances'
// tables only (CanonicalABI.md, "lift_own": the lifted value is the representation).
//
// An owned object owns the resource: passing it back as `own` moves it out (the object is
// dead afterwards), `Symbol.dispose` drops it (running the destructor), and a
// FinalizationRegistry drops it if it is collected first. A borrowed object lives for the
// call that lent it.
import { className } from './names.ts';
import { type HostClass, ResourceType } from './resource-type.ts';

const INTERNAL: unique symbol = Symbol('tessera.resource');
/** The `[constructor]r` export behind a resource class, set once its exports are known. */
export const CONSTRUCTOR: unique symbol = Symbol('tessera.resource.constructor');

const OWN = 0;
const BORROWED = 1;
const DEAD = 2;

type AnyFn = (...args: unknown[]) => unknown;

let rtOf!: (o: GuestResource) => ResourceType;
let repOf!: (o: GuestResource) => number;
let stateOf!: (o: GuestResource) => number;
let setState!: (o: GuestResource, s: number) => void;
let isGuest!: (o: unknown) => o is GuestResource;

interface Held {
  readonly rt: ResourceType;
  readonly rep: number;
}

// A leaked owned object is dropped when collected. The destructor enters the defining
// instance from the host; if that instance is poisoned or busy it traps, and there is no one
// to report a trap to in a finalizer.
const registry = new FinalizationRegistry<Held>((held) => {
  try {
    held.rt.dtor?.(held.rep);
  } catch {
    // see above
  }
});

/** The base of every guest resource class. */
export class GuestResource {
  #rt: ResourceType;
  #rep: number;
  #state: number;

  constructor(token: symbol, rep: number, state: number, rt: ResourceType) {
    if (token !== INTERNAL) throw new TypeError('guest resources are made by components');
    this.#rt = rt;
    this.#rep = rep;
    this.#state = state;
  }

  /** Drops an owned resource now (its destructor runs); borrowed or dead: nothing. */
  [Symbol.dispose](): void {
    if (this.#state !== OWN) return;
    this.#state = DEAD;
    registry.unregister(this);
    this.#rt.dtor?.(this.#rep);
  }

  static {
    rtOf = (o) => o.#rt;
    repOf = (o) => o.#rep;
    stateOf = (o) => o.#state;
    setState = (o, s) => { o.#state = s; };
    isGuest = (o): o is GuestResource => typeof o === 'object' && o !== null && #rt in o;
  }
}

export type GuestClass = (new (...args: unknown[]) => GuestResource) & { [CONSTRUCTOR]?: AnyFn };

/**
 * A guest class's resource type, as a hidden own property of the class (not a WeakMap entry:
 * every instantiation makes its classes, and a weak insertion costs ~1 µs). Own only: a class
 * extending a guest class is the host's.
 */
const CLASS_TYPE: unique symbol = Symbol('tessera.resource.type');

/** The classes of one top-level instance, made on first use. */
export class ResourceClasses {
  readonly #classes = new Map<ResourceType, GuestClass>();
  /** A type name's class name (link/names.ts: the component's names keep theirs). */
  readonly #className: (name: string) => string;

  constructor(name: (name: string) => string = className) {
    this.#className = name;
  }

  get(rt: ResourceType): GuestClass {
    let cls = this.#classes.get(rt);
    if (cls === undefined) {
      cls = makeClass(rt, this.#className(rt.name));
      this.#classes.set(rt, cls);
    }
    return cls;
  }
}

function makeClass(rt: ResourceType, name: string): GuestClass {
  // Named by a computed key and typed by a static field as it is made: defining `name` and
  // the type afterwards took longer than making the class (~3 µs against ~1.5 µs).
  const cls = ({
    [name]: class extends GuestResource {
      static [CLASS_TYPE] = rt;

      constructor(...args: unknown[]) {
        if (args[0] === INTERNAL) {
          super(INTERNAL, args[1] as number, args[2] as number, rt);
          return;
        }
        const ctor = (cls as GuestClass)[CONSTRUCTOR];
        if (ctor === undefined) throw new TypeError(`resource ${rt.name} has no constructor`);
        // The lifted `[constructor]r` returns the new object: it becomes the result of `new`.
        return ctor(...args) as GuestResource;
      }
    },
  })[name];
  return cls as GuestClass;
}

/**
 * The resource type a class given for a resource import stands for: a guest class (exported
 * by another instance) is that guest type; any other class is a host resource type.
 */
export function classResourceType(cls: HostClass, name: string, host: (cls: HostClass, name: string) => ResourceType): ResourceType {
  const rt = Object.hasOwn(cls, CLASS_TYPE) ? (cls as unknown as Record<symbol, ResourceType>)[CLASS_TYPE] : undefined;
  return rt ?? host(cls, name);
}

// ---- moving representations between objects and handle tables ----

function describe(v: unknown): string {
  if (isGuest(v)) return `a ${rtOf(v).name} resource`;
  if (v === null) return 'null';
  if (typeof v === 'object' || typeof v === 'function') return `${typeof v === 'function' ? 'a function' : `an object`}${(v as { constructor?: { name?: string } }).constructor?.name ? ` (${(v as { constructor: { name: string } }).constructor.name})` : ''}`;
  return `${typeof v} ${String(v)}`;
}

function wrongValue(rt: ResourceType, v: unknown): TypeError {
  return new TypeError(`expected a ${rt.name} resource, got ${describe(v)}`);
}

/** An owned guest object's representation, moved out of it (the object dies). */
export function takeOwned(rt: ResourceType, v: unknown): number {
  if (!isGuest(v) || rtOf(v) !== rt) throw wrongValue(rt, v);
  const s = stateOf(v);
  if (s !== OWN) throw new TypeError(s === DEAD ? `${rt.name} resource used after it was dropped or moved` : `a borrowed ${rt.name} resource cannot be passed as owned`);
  setState(v, DEAD);
  registry.unregister(v);
  return repOf(v);
}

/** A live guest object's representation, for a borrow. */
export function borrowRep(rt: ResourceType, v: unknown): number {
  if (!isGuest(v) || rtOf(v) !== rt) throw wrongValue(rt, v);
  if (stateOf(v) === DEAD) throw new TypeError(`${rt.name} resource used after it was dropped or moved`);
  return repOf(v);
}

/** A host object of a host resource type (the object is the representation). */
export function hostRep(rt: ResourceType, v: unknown): object {
  const cls = rt.hostClass as HostClass;
  if (!(v instanceof cls)) throw wrongValue(rt, v);
  return v;
}

/** A new object owning `rep`; collected without being dropped, it is dropped then. */
export function ownedObject(cls: GuestClass, rt: ResourceType, rep: number): GuestResource {
  const o = new cls(INTERNAL, rep, OWN);
  if (rt.dtor !== undefined) registry.register(o, { rt, rep }, o);
  return o;
}

/** A new object lending `rep` for the current call; `expire` ends it. */
export function borrowedObject(cls: GuestClass, rep: number): GuestResource {
  return new cls(INTERNAL, rep, BORROWED);
}

export function expire(o: GuestResource): void {
  setState(o, DEAD);
}
