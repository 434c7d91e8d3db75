// 🔀 `canon lift` of an async-typed function (CanonicalABI.md, "canon lift"; Concurrency.md,
// "Async Export ABI"). Each call is a task with an implicit thread that waits for backpressure,
// lowers the arguments into the component and runs its core code on its own JSPI stack
// (jspi-trampolines.ts), in one of three ways:
// - without `async` ("sync lift"): the core function returns the result; it may block meanwhile;
// - `async` without `callback` (stackful): the core function calls `task.return` and may block
//   anywhere;
// - `async` with `callback` (stackless): the core function and then the callback return a code
//   (EXIT, YIELD, or WAIT on a waitable set) and the event loop below calls the callback with
//   each event, holding the instance's exclusive lock only while core code runs.
// The call returns to its caller as soon as the task returns a value or blocks (the result then
// arrives through OnResolve), which is what lets async calls run concurrently.
import { CalleeTrap } from '../../core/errors.ts';
import type { AddrType } from '../../core/types.ts';
import type { FuncT, VT } from '../validate/model.ts';
import {
  type FlatValues, flattenType, flatValues, type HandleTable, isResultType, type JsShape, MAX_FLAT_PARAMS, MAX_FLAT_RESULTS,
} from '../link/abi.ts';
import type { RuntimeInstance } from '../link/runtime-instance.ts';
import {
  asyncTrap, CALLBACK_EXIT, CALLBACK_WAIT, CALLBACK_YIELD, CANCELLED_EVENT, type EventTuple, NO_EVENT,
} from './codes.ts';
import { type CoreType, entryOf } from './jspi-trampolines.ts';
import { type HostCall, store } from './store.ts';
import { type AsyncFunc, type LiftDef, type OnCancel, Task } from './task.ts';
import { Thread } from './thread.ts';
import { WaitableSet } from './waitable.ts';

type Core = number | bigint;
type CoreFn = (...args: never[]) => unknown;

const paramTypes = new WeakMap<FuncT, VT[]>();
const resultTypes = new WeakMap<FuncT, VT[]>();

/** A function type's parameter types as one array (cached: the ABI caches plans on it). */
export function paramTypesOf(ft: FuncT): VT[] {
  let t = paramTypes.get(ft);
  if (t === undefined) paramTypes.set(ft, t = ft.params.map(([, p]) => p));
  return t;
}

/** A function type's result as a one-element tuple (none: empty). */
export function resultTypesOf(ft: FuncT): VT[] {
  let t = resultTypes.get(ft);
  if (t === undefined) resultTypes.set(ft, t = ft.result === undefined ? [] : [ft.result]);
  return t;
}

/** The flat core types of a tuple, or one pointer past `max` (🐘 an i64 with a 64-bit memory). */
export function flatCoreTypes(types: readonly VT[], max: number, addr: AddrType = 'i32'): CoreType[] {
  const flat = types.flatMap((t) => flattenType(t, addr));
  return flat.length > max ? [addr] : flat;
}

export interface AsyncLift {
  readonly inst: RuntimeInstance;
  readonly ft: FuncT;
  readonly core: CoreFn;
  readonly memory: WebAssembly.Memory | undefined;
  /** 🐘 The memory's address type (default i32). */
  readonly addrType?: AddrType;
  readonly realloc: ((a: number, b: number, c: number, d: number) => number) | undefined;
  readonly encoding: 'utf8' | 'utf16' | 'latin1+utf16';
  readonly postReturn: ((...flat: Core[]) => void) | undefined;
  readonly async: boolean;
  readonly callback: CoreFn | undefined;
  readonly handles: HandleTable;
  readonly shape: JsShape;
}

/** The function a `canon lift` of an async-typed function makes (Store.lift + canon_lift). */
export function liftAsync(x: AsyncLift): AsyncFunc {
  const { inst, ft, handles } = x;
  const addr = x.addrType ?? 'i32';
  const opts = { encoding: x.encoding, addrType: addr, ...(x.memory ? { memory: x.memory } : {}), ...(x.realloc ? { realloc: x.realloc } : {}) };
  const params = flatValues(paramTypesOf(ft), opts, handles, x.shape);
  const result = ft.result === undefined ? null : flatValues(resultTypesOf(ft), opts, handles, x.shape);
  const coreParams = flatCoreTypes(paramTypesOf(ft), MAX_FLAT_PARAMS, addr);
  const coreResults: CoreType[] = !x.async ? flatCoreTypes(resultTypesOf(ft), MAX_FLAT_RESULTS, addr) : x.callback ? ['i32'] : [];
  const entry = entryOf(x.core, coreParams, coreResults);
  const callbackEntry = x.callback === undefined ? null : entryOf(x.callback, ['i32', 'i32', 'i32'], ['i32']);
  const def: LiftDef = { inst, ft, async: x.async, callback: x.callback !== undefined, memory: x.memory, encoding: x.encoding };

  return (onStart, onResolve, caller, call): OnCancel => {
    const task = new Task(def, onStart, onResolve, call);
    const thread = new Thread(task);
    thread.beginSegment(caller);
    try {
      task.enterImplicitThread(thread, (entered) => {
        if (!entered) {
          thread.exit();
          return;
        }
        run(x, task, thread, params, result, entry, callbackEntry);
      });
    } catch (e) {
      thread.abort(e);
      throw e;
    }
    return (c) => task.requestCancellation(c);
  };
}

function run(
  x: AsyncLift, task: Task, thread: Thread, params: FlatValues, result: FlatValues | null,
  entry: (...a: Core[]) => Promise<unknown>, callbackEntry: ((...a: Core[]) => Promise<unknown>) | null,
): void {
  const handles = x.handles;
  const args = task.start();
  const scope = handles.beginCall();
  task.scope = scope;
  const endBorrows = (): void => handles.endCall(scope);
  const flat = params.lower(args, MAX_FLAT_PARAMS, scope);
  if (!x.async) {
    // Sync lift of an async-typed function: the core result is the task's.
    const after = (res: Core[]): void => {
      const v = result === null ? [] : result.lift(res, 0, MAX_FLAT_RESULTS, scope);
      task.return_(v, endBorrows);
      x.postReturn?.(...res);
      task.exitImplicitThread();
      thread.exit();
    };
    const r = thread.callCore(entry, flat, after);
    if (r !== undefined) after(r);
    return;
  }
  if (callbackEntry === null) {
    const after = (): void => {
      task.exitImplicitThread();
      thread.exit();
    };
    const r = thread.callCore(entry, flat, after);
    if (r !== undefined) after();
    return;
  }
  const loop = eventLoop(x.inst, task, thread, callbackEntry);
  const r = thread.callCore(entry, flat, (res) => loop(res[0] as number));
  if (r !== undefined) loop(r[0] as number);
}

/**
 * The `callback` event loop: interprets each returned code, waits without the exclusive lock,
 * and calls the callback with the event (or TASK_CANCELLED) holding it again.
 */
function eventLoop(inst: RuntimeInstance, task: Task, thread: Thread, callbackEntry: (...a: Core[]) => Promise<unknown>): (packed: number) => void {
  /** Calls the callback; its next code, or undefined if it blocked (the loop then continues later). */
  const callback = (ev: EventTuple): number | undefined => {
    inst.exclusiveThread = thread;
    const r = thread.callCore(callbackEntry, ev, (res) => loop(res[0] as number));
    return r === undefined ? undefined : (r[0] as number);
  };
  const next = (ev: EventTuple): void => {
    const p = callback(ev);
    if (p !== undefined) loop(p);
  };
  const loop = (packed: number): void => {
    for (;;) {
      const code = packed & 0xf;
      if (code > CALLBACK_WAIT) asyncTrap('unsupported callback code', `unsupported callback code: ${code}`);
      if (code === CALLBACK_EXIT) {
        task.exitImplicitThread();
        thread.exit();
        return;
      }
      let wset: WaitableSet | null = null;
      if (code === CALLBACK_WAIT) {
        const w = inst.handles.get(packed >>> 4);
        if (!(w instanceof WaitableSet)) asyncTrap('invalid waitable operation', `handle index ${packed >>> 4} is not a waitable set`);
        wset = w;
      }
      inst.exclusiveThread = null;
      store.schedule();
      if (task.deliverPendingCancel(true)) {
        const p = callback(CANCELLED_EVENT);
        if (p === undefined) return;
        packed = p;
        continue;
      }
      if (wset !== null) {
        const ws = wset;
        ws.numWaiting++;
        thread.blockJs(() => inst.exclusiveThread === null && ws.hasPendingEvent(), true, (cancelled) => {
          ws.numWaiting--;
          next(cancelled ? CANCELLED_EVENT : ws.getPendingEvent());
        });
        return;
      }
      void CALLBACK_YIELD;
      thread.blockJs(() => inst.exclusiveThread === null, true, (cancelled) => next(cancelled ? CANCELLED_EVENT : NO_EVENT), true);
      return;
    }
  };
  return loop;
}

// ---- the JavaScript faces of async functions ----

const ASYNC_FUNC: unique symbol = Symbol('tessera.asyncFunc');

/** The FuncInst behind a function made by `asyncExport` (a guest's async function). */
export function asyncFuncOf(f: unknown): AsyncFunc | undefined {
  return typeof f === 'function' ? (f as unknown as { [ASYNC_FUNC]?: AsyncFunc })[ASYNC_FUNC] : undefined;
}

function hasPayload(e: unknown): e is { payload: unknown } {
  return typeof e === 'object' && e !== null && 'payload' in e;
}

/**
 * An async-typed function as JavaScript calls it: it returns a promise of the result (a
 * `result` result with `results: 'throw'`: its ok payload, or a rejection with a ComponentError).
 * A trap rejects the promise; so does a call that can never finish (a deadlock).
 */
export function asyncExport(func: AsyncFunc, ft: FuncT, shape: JsShape, makeError: (payload: unknown) => Error, trapsOnDeadlock = false): (...args: unknown[]) => Promise<unknown> {
  const throws = shape.results === 'throw' && isResultType(ft.result);
  const n = ft.params.length;
  const f = (...args: unknown[]): Promise<unknown> => new Promise<unknown>((resolve, reject) => {
    if (args.length < n) {
      reject(new TypeError(`expected ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`));
      return;
    }
    // The settling functions are dropped once used: tasks that outlive the call (they keep a
    // reference to it) must not keep the promise, and so its result, reachable.
    let settle: { resolve: (v: unknown) => void; reject: (e: unknown) => void } | null = { resolve, reject };
    const call: HostCall = {
      settled: false,
      trapsOnDeadlock,
      fail: (e: unknown) => {
        const s = settle;
        if (s === null) return;
        settle = null;
        call.settled = true;
        store.hostCalls.delete(call);
        s.reject(e);
      },
    };
    store.hostCalls.add(call);
    store.schedule();
    const onResolve = (r: readonly unknown[] | null): void => {
      const s = settle;
      if (s === null) return;
      settle = null;
      call.settled = true;
      store.hostCalls.delete(call);
      if (r === null) {
        s.reject(new Error('the call was cancelled'));
        return;
      }
      const v = r[0];
      if (throws && (v as { tag: string }).tag === 'err') s.reject(makeError((v as { val: unknown }).val));
      else s.resolve(throws ? (v as { val: unknown }).val : v);
    };
    try {
      func(() => args, onResolve, null, call);
    } catch (e) {
      if (e instanceof CalleeTrap) {
        void e.trap.then((t) => call.fail(t ?? e));
      } else {
        call.fail(e);
      }
    }
  });
  (f as unknown as { [ASYNC_FUNC]: AsyncFunc })[ASYNC_FUNC] = func;
  return f;
}

/**
 * A JavaScript function implementing an async-typed import (FuncInst of the host): it may
 * return a promise; the caller's task blocks until it settles. A ComponentError (or any
 * error with a `payload`) is an `err` result; another error fails the host call the caller's
 * tree began from, like a trap.
 */
export function hostAsyncFunc(fn: (...args: unknown[]) => unknown, ft: FuncT, shape: JsShape, around: (f: () => unknown) => unknown): AsyncFunc {
  const throws = shape.results === 'throw' && isResultType(ft.result);
  const none = ft.result === undefined;
  return (onStart, onResolve, _caller, call) => {
    const args = onStart();
    const ok = (v: unknown): void => {
      onResolve(none ? [] : [throws ? { tag: 'ok', val: v } : v]);
    };
    const failed = (e: unknown): boolean => {
      if (!throws || !hasPayload(e)) return false;
      onResolve([{ tag: 'err', val: e.payload }]);
      return true;
    };
    let r: unknown;
    try {
      r = around(() => fn(...args));
    } catch (e) {
      if (failed(e)) return () => undefined;
      throw e;
    }
    if (typeof r === 'object' && r !== null && typeof (r as PromiseLike<unknown>).then === 'function') {
      store.hostBegin();
      (r as PromiseLike<unknown>).then((v) => {
        store.hostEnd();
        ok(v);
      }, (e: unknown) => {
        store.hostEnd();
        if (!failed(e)) store.reportTrap(call, e);
      });
      // A host call cannot be cancelled: the request waits for its result.
      return () => undefined;
    }
    ok(r);
    return () => undefined;
  };
}
