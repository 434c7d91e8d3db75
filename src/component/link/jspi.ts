// Host functions that wait, through JSPI (https://github.com/WebAssembly/js-promise-integration;
// src/runtime/jspi.ts): a host function marked with `suspendingHost` may return a promise. With
// the `jspi` instantiation option, its `canon lower` becomes a `WebAssembly.Suspending` import,
// so the guest's stack suspends until the promise settles while the event loop runs (WASI's
// `pollable.block`, `blocking-read`, socket and HTTP waits: issue 9), and every `canon lift`
// runs its core function through `WebAssembly.promising`, so exports return promises.
//
// Both are built from the ABI's synchronous liftFunc/lowerFunc in two halves, around the
// wait: the parameters (lowering: lifted from the core values, then the host is called and
// awaited; lifting: lowered into core values, then the core function is awaited), then the
// result. Each half is a FuncT of its own (the parameters alone, the result alone), made once
// per function type, so the ABI compiles and caches them as any other. A borrowed handle in
// the parameters is lent for the first half only: fine for host resources (the object is the
// resource) and for lowering (the suspended guest cannot drop anything), not for lending a
// guest's borrow to a host function across a wait.
import { flatten, MAX_FLAT_RESULTS } from '../validate/abi.ts';
import type { FuncT } from '../validate/model.ts';
import { promising, suspending } from '../../runtime/jspi.ts';
import { type HandleTable, type JsShape, type LiftLowerOptions, liftFunc, lowerFunc } from './abi.ts';

type AnyFn = (...args: unknown[]) => unknown;
type Core = number | bigint;

const SUSPENDS: unique symbol = Symbol('tessera.suspends');

/** Marks a host function (or a resource method) as one that may return a promise to wait on. */
export function suspendingHost<F extends (...args: never[]) => unknown>(f: F): F {
  (f as unknown as Record<symbol, boolean>)[SUSPENDS] = true;
  return f;
}

export function isSuspending(f: unknown): boolean {
  return typeof f === 'function' && (f as unknown as Record<symbol, unknown>)[SUSPENDS] === true;
}

interface Halves {
  readonly params: FuncT;
  readonly result: FuncT;
  /** Whether the result goes through a return area (its pointer is the last core argument). */
  readonly spilledResult: boolean;
}

const halvesOf = new WeakMap<FuncT, Halves>();

function halves(t: FuncT): Halves {
  let h = halvesOf.get(t);
  if (h === undefined) {
    const flat = t.result === undefined ? 0 : flatten(t.result).length;
    h = {
      params: { async: false, params: t.params },
      result: t.result === undefined ? { async: false, params: [] } : { async: false, params: [], result: t.result },
      spilledResult: flat > MAX_FLAT_RESULTS,
    };
    halvesOf.set(t, h);
  }
  return h;
}

/** `canon lower` of a host function that may wait: a Suspending import. */
export function suspendingLower(type: FuncT, callee: AnyFn, opts: LiftLowerOptions, handles: HandleTable, shape: JsShape): WebAssembly.ImportValue {
  const h = halves(type);
  let args: unknown[] = [];
  const liftArgs = lowerFunc(h.params, (...a: unknown[]) => { args = a; }, opts, handles, shape);
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown } = { ok: true, value: undefined };
  const lowerResult = lowerFunc(h.result, () => {
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }, opts, handles, shape);
  const spilled = h.spilledResult;
  return suspending(async (...flat: Core[]) => {
    const n = spilled ? flat.length - 1 : flat.length;
    liftArgs(...(n === flat.length ? flat : flat.slice(0, n)));
    const a = args;
    args = [];
    let o: typeof outcome;
    try {
      o = { ok: true, value: await callee(...a) };
    } catch (error) {
      o = { ok: false, error };
    }
    // Synchronous from here on: the result is lowered with this call's outcome.
    outcome = o;
    try {
      return lowerResult(...(spilled ? [flat[n]] : []));
    } finally {
      outcome = { ok: true, value: undefined };
    }
  });
}

/** `canon lift` under JSPI: the core function runs through `promising`; the result is a promise. */
export function promisingLift(type: FuncT, core: (...a: Core[]) => unknown, opts: LiftLowerOptions, handles: HandleTable, shape: JsShape): AnyFn {
  const h = halves(type);
  let captured: Core[] = [];
  // Post-return runs once, after the result is lifted.
  const paramOpts: LiftLowerOptions = {
    encoding: opts.encoding, ...(opts.memory ? { memory: opts.memory, addrType: opts.addrType } : {}), ...(opts.realloc ? { realloc: opts.realloc } : {}),
  };
  const lowerArgs = liftFunc(h.params, (...flat: Core[]) => { captured = flat; }, paramOpts, handles, shape);
  let ret: unknown;
  const liftResult = liftFunc(h.result, () => ret, opts, handles, shape);
  const run = promising(core);
  return async (...values: unknown[]) => {
    lowerArgs(...values);
    const flat = captured;
    captured = [];
    const r = await run(...flat);
    ret = r;
    try {
      return liftResult();
    } finally {
      ret = undefined;
    }
  };
}
