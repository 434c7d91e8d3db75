// 🔀 The built-ins about tasks, subtasks and threads (CanonicalABI.md, "canon task.return",
// "task.cancel", "context.get/set", "backpressure.inc/dec", "subtask.cancel", "subtask.drop",
// and the 🧵 "thread.*" built-ins). Each checks `may_leave` where the spec does; those that may
// block are blocking trampolines (jspi-trampolines.ts) and trap "cannot block a synchronous
// task before returning" in a task that may not block, as wasmtime does before looking further.
import type { AnyCanonFields } from '../ast.ts';
import { usesMemory } from '../validate/abi.ts';
import { valType } from '../validate/deftypes.ts';
import type { FuncT } from '../validate/model.ts';
import { flatValues, MAX_FLAT_PARAMS } from '../link/abi.ts';
import type { AnyFn, Frame } from '../link/frame.ts';
import { currentInstance, leaveTrap } from '../link/guard.ts';
import type { RuntimeInstance } from '../link/runtime-instance.ts';
import { asyncTrap, BLOCKED, syncAndAsync } from './codes.ts';
import { blockingImport, entryOf } from './jspi-trampolines.ts';
import { asyncOptions, liftLowerOptions } from './options.ts';
import { store } from './store.ts';
import { Subtask } from './subtask.ts';
import { syncTaskCannotBlock, syncThreadOf } from './sync-task.ts';
import { currentThreadOf, Thread } from './thread.ts';
import { typeKey } from './type-key.ts';

type Core = number | bigint;

function taskReturnInvalid(why: string): never {
  asyncTrap('invalid task operation', `invalid \`task.return\` signature and/or options for current task (${why})`);
}

const resultKeys = new WeakMap<FuncT, string>();

/** `canon task.return`: lifts the result from core arguments and resolves the current task. */
export function taskReturn(frame: Frame, x: AnyCanonFields): AnyFn {
  const inst = frame.inst;
  const handles = inst.handles;
  const t = x.result === undefined ? undefined : valType(frame.scope, x.result);
  const o = asyncOptions(frame, x.options);
  const values = flatValues(t === undefined ? [] : [t], liftLowerOptions(o), handles, inst.root.shape);
  const bind = (rid: number): object | undefined => handles.types.get(rid);
  const key = typeKey(t, bind);
  // LiftOptions.equal, as wasmtime applies it: the options must agree where the result uses
  // them (the tests return through a memory-less task.return from lifts that have a memory).
  const needsMemory = t !== undefined && (usesMemory(t) || values.flatCount > MAX_FLAT_PARAMS);
  const needsEncoding = t !== undefined && usesMemory(t);
  return ((...flat: Core[]) => {
    if (!inst.mayLeave) throw leaveTrap();
    const thread = currentThreadOf(inst);
    if (thread === null) taskReturnInvalid('a synchronous task returns from its core function');
    const task = thread.task;
    const d = task.def;
    if (!d.async) taskReturnInvalid('the task was lifted without `async`');
    let k = resultKeys.get(d.ft);
    if (k === undefined) resultKeys.set(d.ft, k = typeKey(d.ft.result, bind));
    if (k !== key) taskReturnInvalid(`result type ${key} is not the task's ${k}`);
    if (needsMemory && d.memory !== o.memory) taskReturnInvalid('the `memory` option differs from the lift\'s');
    if (needsEncoding && d.encoding !== o.encoding) taskReturnInvalid('the string encoding differs from the lift\'s');
    const scope = task.scope ?? undefined;
    const v = values.lift(flat, 0, MAX_FLAT_PARAMS, scope);
    task.return_(v, () => { if (scope !== undefined) handles.endCall(scope); });
  }) as AnyFn;
}

/** `canon task.cancel`: confirms a delivered cancellation. */
export function taskCancel(frame: Frame): AnyFn {
  const inst = frame.inst;
  return () => {
    if (!inst.mayLeave) throw leaveTrap();
    const thread = currentThreadOf(inst);
    if (thread === null || !thread.task.def.async) asyncTrap('invalid task operation', '`task.cancel` called by task which has not been cancelled');
    const task = thread.task;
    const scope = task.scope;
    task.cancel(() => { if (scope !== null) inst.handles.endCall(scope); });
  };
}

/** The running thread's storage, or the instance's for a synchronous task. */
function storageOf(inst: RuntimeInstance): Core[] {
  return currentThreadOf(inst)?.storage ?? inst.context;
}

export function contextGet(frame: Frame, i: number): AnyFn {
  const inst = frame.inst;
  return () => storageOf(inst)[i];
}

export function contextSet(frame: Frame, i: number): AnyFn {
  const inst = frame.inst;
  return ((v: Core) => { storageOf(inst)[i] = v; }) as AnyFn;
}

export function backpressure(frame: Frame, op: 'inc' | 'dec' | 'set'): AnyFn {
  const inst = frame.inst;
  return ((v: number) => {
    if (op === 'inc') {
      if (inst.backpressure + 1 >= 2 ** 16) asyncTrap('invalid task operation', 'backpressure counter overflow');
      inst.backpressure++;
    } else if (op === 'dec') {
      if (inst.backpressure === 0) asyncTrap('invalid task operation', 'backpressure counter underflow');
      inst.backpressure--;
    } else {
      inst.backpressure = v === 0 ? 0 : 1;
    }
    store.schedule();
  }) as AnyFn;
}

function subtaskAt(inst: RuntimeInstance, i: number): Subtask {
  const s = inst.handles.get(i);
  if (!(s instanceof Subtask)) asyncTrap('invalid task operation', `handle index ${i} is not a subtask`);
  return s;
}

/** `canon subtask.drop`. */
export function subtaskDrop(frame: Frame): AnyFn {
  const inst = frame.inst;
  return ((i: number) => {
    if (!inst.mayLeave) throw leaveTrap();
    const s = inst.handles.get(i);
    if (!(s instanceof Subtask)) asyncTrap('invalid task operation', `handle index ${i} is not a subtask`);
    s.drop();
    inst.handles.remove(i);
  }) as AnyFn;
}

/**
 * `canon subtask.cancel`: asks the callee to hurry up; returns the subtask's final state, or
 * BLOCKED (async) when it has not resolved yet. Delivering the request to a callee suspended
 * on its own stack takes the store's loop, so the caller waits for that first when it can.
 */
export function subtaskCancel(frame: Frame, async: boolean): AnyFn {
  const inst = frame.inst;
  const attempt = (i: number): unknown => {
    if (!inst.mayLeave) throw leaveTrap();
    const thread = currentThreadOf(inst);
    if (!async && (thread === null || !thread.mayBlock)) syncTaskCannotBlock(inst);
    const s = subtaskAt(inst, i);
    if (s.resolveDelivered()) asyncTrap('invalid task operation', '`subtask.cancel` called after terminal status delivered');
    if (s.cancellationRequested) asyncTrap('invalid task operation', '`subtask.cancel` called twice for the same subtask');
    if (s.wset !== null && !async) syncAndAsync();
    const deliver = (): number => {
      s.getPendingEvent();
      return s.state;
    };
    if (s.resolved()) return deliver();
    s.cancellationRequested = true;
    const sw = s.onCancel!(inst);
    const settle = (): unknown => {
      if (s.resolved() && s.hasPendingEvent()) return deliver();
      if (async) return BLOCKED;
      s.hasSyncWaiter = true;
      return thread!.blockStack(() => s.hasPendingEvent(), false, () => {
        s.hasSyncWaiter = false;
        return deliver();
      });
    };
    if (sw === undefined) return settle();
    if (thread === null || !thread.mayBlock) return BLOCKED;
    return thread.blockStack(() => sw.done, false, settle);
  };
  return blockingImport(attempt as (...a: Core[]) => unknown, ['i32'], ['i32']);
}

// ---- 🧵 threads ----

function threadAt(inst: RuntimeInstance, i: number): Thread {
  const t = inst.threads.get(i);
  if (t === undefined) asyncTrap('invalid thread operation', `unknown thread index ${i}`);
  return t;
}

/** The running thread of `inst`: an async task's, or the synchronous task's (made on demand). */
function threadFor(inst: RuntimeInstance): Thread | null {
  return currentThreadOf(inst) ?? (currentInstance() === inst ? syncThreadOf(inst) : null);
}

function notSuspended(): never {
  asyncTrap('invalid thread operation', 'cannot resume thread which is not suspended');
}

export function threadIndex(frame: Frame): AnyFn {
  const inst = frame.inst;
  return () => {
    if (!inst.mayLeave) throw leaveTrap();
    return threadFor(inst)?.index ?? 0;
  };
}

/** `canon thread.new-indirect`: a suspended thread of the current task calling `table[fi](c)`. */
export function threadNewIndirect(frame: Frame, x: AnyCanonFields): AnyFn {
  const inst = frame.inst;
  const table = frame.coreTables[x.table];
  const ct = frame.scope.coreTypes[x.type];
  const param = ct?.kind === 'func' && ct.type.params[0] === 'i64' ? 'i64' : 'i32';
  const entries = new WeakMap<object, (...a: Core[]) => Promise<unknown>>();
  return ((fi: number, c: Core) => {
    if (!inst.mayLeave) throw leaveTrap();
    const current = threadFor(inst);
    if (current === null) asyncTrap('invalid thread operation', 'no task to create a thread in');
    const task = current.task;
    let f: unknown;
    try {
      f = table.get(fi);
    } catch {
      asyncTrap('undefined element', 'undefined element: out of bounds table access');
    }
    if (typeof f !== 'function') asyncTrap('invalid thread operation', 'the start function index points to an uninitialized function');
    let entry = entries.get(f);
    if (entry === undefined) entries.set(f, entry = entryOf(f as AnyFn, [param], []));
    const e = entry;
    const t = new Thread(task);
    const end = (): void => {
      task.unregisterThread(t);
      t.exit();
    };
    t.suspendWith(() => {
      const r = t.callCore(e, [c], end);
      if (r !== undefined) end();
    });
    task.registerThread(t);
    return t.index;
  }) as AnyFn;
}

/**
 * A switch from a synchronous task's thread, which cannot suspend: the target runs nested on
 * this stack until it blocks or exits (it must be a thread not started yet, or waiting in
 * JavaScript); then this thread continues, if it yielded or was switched back to.
 */
function switchNested(thread: Thread, other: Thread | null, yielding: boolean): number {
  if (other === null || !other.resumesSynchronously) syncTaskCannotBlock(thread.inst);
  thread.running = false;
  thread.switchedBack = false;
  try {
    other.resumeSync(false, thread.inst, false);
  } finally {
    thread.running = true;
  }
  // Made ready meanwhile (`thread.resume-later`): the scheduler would pick it now.
  const resumed = thread.switchedBack || thread.readyFunc !== null;
  if (thread.readyFunc !== null) thread.stopWaiting();
  thread.switchedBack = false;
  if (!yielding && !resumed) syncTaskCannotBlock(thread.inst);
  return 0;
}

export function threadResumeLater(frame: Frame): AnyFn {
  const inst = frame.inst;
  return ((i: number) => {
    if (!inst.mayLeave) throw leaveTrap();
    const other = threadAt(inst, i);
    if (!other.suspended()) notSuspended();
    other.startWaiting(() => true, true);
  }) as AnyFn;
}

/**
 * `thread.suspend`, `thread.yield` and the switching built-ins: the current thread blocks
 * (suspended, or ready to run again for the yielding ones); a switch target runs first.
 */
export function threadSwitch(frame: Frame, op: string, cancellable: boolean): AnyFn {
  const inst = frame.inst;
  const yielding = op === 'thread.yield' || op.startsWith('thread.yield-then');
  const target = op.endsWith('-then-resume') ? 'resume' : op.endsWith('-then-promote') ? 'promote' : null;
  const attempt = (i: number): unknown => {
    if (!inst.mayLeave) throw leaveTrap();
    const thread = threadFor(inst);
    let other: Thread | null = null;
    if (target !== null) {
      other = threadAt(inst, i);
      if (target === 'resume' && !other.suspended()) notSuspended();
    }
    if (thread === null) syncTaskCannotBlock(inst);
    if (target === null && !thread.mayBlock) {
      // A yield where nothing may block is a no-op (Thread.yield_ with nothing else eligible).
      if (yielding) return 0;
      syncTaskCannotBlock(inst);
    }
    if (thread.task.deliverPendingCancel(cancellable)) return 1;
    if (other !== null) {
      if (target === 'promote' && !other.ready()) other = null;
      else if (other.readyFunc !== null) other.stopWaiting();
    }
    if (!thread.onStack) return switchNested(thread, other, yielding);
    if (other !== null && !other.onStack) {
      // Back to a synchronous task's thread, below on this very stack: suspending returns to it.
      other.switchedBack = true;
    } else if (other !== null) {
      store.switchTo(other, false);
    }
    return thread.blockStack(yielding ? () => true : null, cancellable, (cancelled) => (cancelled ? 1 : 0), yielding);
  };
  return blockingImport(attempt as (...a: Core[]) => unknown, target === null ? [] : ['i32'], ['i32']);
}
