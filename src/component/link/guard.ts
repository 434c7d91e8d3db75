// Entering and leaving component instances (CanonicalABI.md, "Component Instances" and
// "Embedding": Store.lift / Store.lower, may_enter_from / enter_from / leave_to; "canon lift"
// for post-return, "Lifting and Lowering Context" for realloc).
//
// `current` is the instance whose core code is running (null: the host). A lifted function
// is entered from `current`: it traps if its caller may not leave (post-return, realloc),
// then enters every instance in its chain of ancestors that the caller is not already
// inside, trapping if one of them is already entered. A trap (or a wasm exception escaping,
// which is one) leaves the entered instances marked, so they stay unenterable ("poisoned"), as
// wasmtime does. Other JavaScript errors leave normally: a ComponentError is an `err` result,
// and a host's mistake (a TypeError for an argument of the wrong shape, an error thrown by a
// host function) is reported to the host without condemning the instance (jco's behaviour).
//
// A call from one component instance into itself, an ancestor or a descendant traps "cannot
// enter component instance" whatever the flags say: the Component Model tests
// (async/trap-on-reenter.wast, "for now, trap on parent-to-child" and child-to-parent) expect
// wasmtime's conservative rule, which rejects every such adapter so that no recursive
// reentrance can be built by donut wrapping. A resource destructor is not such a call: an
// instance may drop its own resources ("canon resource.drop").
import { ComponentTrap, Trap, UncaughtException } from '../../core/errors.ts';
import { translateError } from '../../runtime/traps.ts';
import type { RuntimeInstance } from './runtime-instance.ts';
import { endSyncTask } from '../async/sync-task.ts';
import { releaseEnds } from '../async/values.ts';

type Fn = (...args: never[]) => unknown;
type AnyFn = (...args: unknown[]) => unknown;

/** The instance whose core code runs now (null when the host runs). */
let current: RuntimeInstance | null = null;

export function leaveTrap(): ComponentTrap {
  return new ComponentTrap('cannot leave component instance', 'cannot leave component instance');
}

function enterTrap(): ComponentTrap {
  return new ComponentTrap('cannot enter component instance', 'cannot enter component instance');
}

/**
 * Marks functions made by `guardLifted`: guest functions, entered through their guard. A
 * property of the function, not a WeakSet: instantiation makes one per lifted function, and
 * a weak collection's insertion (and its ephemeron work in the collector) cost ~1 µs each,
 * a tenth of instantiating a small component.
 */
const GUEST: unique symbol = Symbol('tessera.guest');

function markGuest(g: AnyFn): void {
  (g as unknown as Record<symbol, boolean>)[GUEST] = true;
}

export function isGuestFunction(f: unknown): boolean {
  return typeof f === 'function' && Object.hasOwn(f, GUEST);
}

function isAncestorOrSelf(x: RuntimeInstance, y: RuntimeInstance): boolean {
  for (let z: RuntimeInstance | null = y; z !== null; z = z.parent) if (z === x) return true;
  return false;
}

/** The instance whose core code runs now (null: the host). */
export function currentInstance(): RuntimeInstance | null {
  return current;
}

/** Sets the running instance (the async machinery switches threads). */
export function setCurrentInstance(inst: RuntimeInstance | null): void {
  current = inst;
}

/** Whether a call from `caller` into `callee` is one wasmtime refuses (same, ancestor or descendant). */
export function related(callee: RuntimeInstance, caller: RuntimeInstance): boolean {
  return isAncestorOrSelf(callee, caller) || isAncestorOrSelf(caller, callee);
}

/**
 * Checks and enters `inst` from `caller`; returns how many instances of inst's ancestor chain
 * were entered (the chain up to the first one the caller is already inside).
 */
function enter(inst: RuntimeInstance, caller: RuntimeInstance | null): number {
  if (caller !== null) {
    if (!caller.mayLeave) throw leaveTrap();
    if (related(inst, caller)) throw enterTrap();
  }
  return enterChain(inst, caller);
}

/** `enter` without the adapter rule: a destructor run by `resource.drop`. */
function enterDtor(inst: RuntimeInstance, caller: RuntimeInstance | null): number {
  if (caller !== null && !caller.mayLeave) throw leaveTrap();
  return enterChain(inst, caller);
}

function enterChain(inst: RuntimeInstance, caller: RuntimeInstance | null): number {
  let n = 0;
  for (let x: RuntimeInstance | null = inst; x !== null; x = x.parent) {
    if (caller !== null && isAncestorOrSelf(x, caller)) break;
    if (!x.mayEnter) throw enterTrap();
    n++;
  }
  let x: RuntimeInstance | null = inst;
  for (let i = 0; i < n && x !== null; i++, x = x.parent) x.mayEnter = false;
  current = inst;
  return n;
}

/** `may_enter_from` without entering: whether `enterFrom` would succeed. */
export function mayEnterFrom(inst: RuntimeInstance, caller: RuntimeInstance | null): boolean {
  if (caller !== null && (!caller.mayLeave || related(inst, caller))) return false;
  for (let x: RuntimeInstance | null = inst; x !== null; x = x.parent) {
    if (caller !== null && isAncestorOrSelf(x, caller)) break;
    if (!x.mayEnter) return false;
  }
  return true;
}

/**
 * `Store.lift`'s check and `enter_from` for the async machinery: enters `inst` from `caller`
 * (null: the host) and makes it current; returns the count `leaveTo` takes.
 */
export function enterFrom(inst: RuntimeInstance, caller: RuntimeInstance | null): number {
  return enter(inst, caller);
}

/** `leave_to`: the instances `enterFrom` entered may be entered again; `caller` runs. */
export function leaveTo(inst: RuntimeInstance, caller: RuntimeInstance | null, n: number): void {
  leave(inst, caller, n);
}

function leave(inst: RuntimeInstance, caller: RuntimeInstance | null, n: number): void {
  // 🔀 A synchronous task that used threads (async/sync-task.ts) resolves as it returns.
  if (inst.syncThread !== null) endSyncTask(inst);
  current = caller;
  let x: RuntimeInstance | null = inst;
  for (let i = 0; i < n && x !== null; i++, x = x.parent) x.mayEnter = true;
}

/**
 * The exception path. Engine errors become Tessera's (Trap; UncaughtException, since an
 * exception escaping a component is a trap, CanonicalABI.md "call_and_trap_on_throw"); those
 * poison, anything else leaves normally.
 */
function fail(inst: RuntimeInstance, caller: RuntimeInstance | null, n: number, e: unknown): never {
  const t = translateError(e);
  if (t instanceof Trap || t instanceof UncaughtException) {
    current = caller;
    releaseEnds(inst);
  } else {
    leave(inst, caller, n);
  }
  throw t;
}

/**
 * Store.lift's wrapper around a lifted function of `inst`, specialised by arity so the
 * common calls pass their arguments without an array.
 */
export function guardLifted(inst: RuntimeInstance, f: AnyFn, arity: number): AnyFn {
  let g: AnyFn;
  if (arity < 0) {
    // A destructor (arity 1, `resource.drop` rules).
    g = (a: unknown) => {
      const caller = current;
      const n = enterDtor(inst, caller);
      try {
        const r = f(a);
        leave(inst, caller, n);
        return r;
      } catch (e) { return fail(inst, caller, n, e); }
    };
    markGuest(g);
    return g;
  }
  switch (arity) {
    case 0:
      g = () => {
        const caller = current;
        const n = enter(inst, caller);
        try {
          const r = f();
          leave(inst, caller, n);
          return r;
        } catch (e) { return fail(inst, caller, n, e); }
      };
      break;
    case 1:
      g = (a: unknown) => {
        const caller = current;
        const n = enter(inst, caller);
        try {
          const r = f(a);
          leave(inst, caller, n);
          return r;
        } catch (e) { return fail(inst, caller, n, e); }
      };
      break;
    case 2:
      g = (a: unknown, b: unknown) => {
        const caller = current;
        const n = enter(inst, caller);
        try {
          const r = f(a, b);
          leave(inst, caller, n);
          return r;
        } catch (e) { return fail(inst, caller, n, e); }
      };
      break;
    case 3:
      g = (a: unknown, b: unknown, c: unknown) => {
        const caller = current;
        const n = enter(inst, caller);
        try {
          const r = f(a, b, c);
          leave(inst, caller, n);
          return r;
        } catch (e) { return fail(inst, caller, n, e); }
      };
      break;
    default:
      g = (...args: unknown[]) => {
        const caller = current;
        const n = enter(inst, caller);
        try {
          const r = f(...args);
          leave(inst, caller, n);
          return r;
        } catch (e) { return fail(inst, caller, n, e); }
      };
  }
  markGuest(g);
  return g;
}

/**
 * A host function as the callee of `canon lower` in `inst`: the call leaves the instance
 * (trapping during post-return or realloc) and runs with the host as the current instance,
 * so calls the host makes back into components are entered from the host.
 */
export function guardHost(inst: RuntimeInstance, f: AnyFn): AnyFn {
  return (...args: unknown[]) => {
    if (!inst.mayLeave) throw leaveTrap();
    const saved = current;
    current = null;
    try {
      return f(...args);
    } finally {
      current = saved;
    }
  };
}

/**
 * `guardLifted` for a lifted function that returns a promise (under JSPI, link/jspi.ts): the
 * instance stays entered until the promise settles (no reentrance while its stack is
 * suspended), and the host is the current instance while the guest waits.
 */
export function guardLiftedAsync(inst: RuntimeInstance, f: AnyFn): AnyFn {
  const g = (...args: unknown[]): Promise<unknown> => {
    const caller = current;
    let n: number;
    try {
      n = enter(inst, caller);
    } catch (e) {
      return Promise.reject(e); // a promise either way: callers of an async export await it
    }
    let p: Promise<unknown>;
    try {
      p = f(...args) as Promise<unknown>;
    } catch (e) {
      return Promise.reject(failed(inst, caller, n, e));
    }
    current = caller;
    return p.then((r) => {
      leave(inst, caller, n);
      return r;
    }, (e: unknown) => fail(inst, caller, n, e));
  };
  markGuest(g);
  return g;
}

/** `fail`, as a value to reject with. */
function failed(inst: RuntimeInstance, caller: RuntimeInstance | null, n: number, e: unknown): unknown {
  try {
    return fail(inst, caller, n, e);
  } catch (t) {
    return t;
  }
}

/**
 * `guardHost` for a host function that may return a promise (under JSPI): the host is the
 * current instance until it settles, and `inst` again when the guest resumes.
 */
export function guardHostAsync(inst: RuntimeInstance, f: AnyFn): AnyFn {
  return (...args: unknown[]) => {
    if (!inst.mayLeave) throw leaveTrap();
    const saved = current;
    current = null;
    let r: unknown;
    try {
      r = f(...args);
    } catch (e) {
      current = saved;
      throw e;
    }
    if (!(r instanceof Promise)) {
      current = saved;
      return r;
    }
    return r.finally(() => { current = saved; });
  };
}

/**
 * A post-return function run with may_leave cleared: the instance may not call out
 * meanwhile ("canon lift"). A trap leaves it cleared; the instance is poisoned anyway.
 */
export function noLeave(inst: RuntimeInstance, f: (...flat: (number | bigint)[]) => unknown): (...flat: (number | bigint)[]) => void {
  return (...flat: (number | bigint)[]): void => {
    inst.mayLeave = false;
    f(...flat);
    inst.mayLeave = true;
  };
}

/** `realloc` with may_leave cleared ("Lifting and Lowering Context": LiftLowerContext.reallocate). */
export function noLeaveRealloc(inst: RuntimeInstance, f: (a: number, b: number, c: number, d: number) => unknown): (a: number, b: number, c: number, d: number) => number {
  return (a: number, b: number, c: number, d: number): number => {
    inst.mayLeave = false;
    const r = f(a, b, c, d) as number;
    inst.mayLeave = true;
    return r;
  };
}
