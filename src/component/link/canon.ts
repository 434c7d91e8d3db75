// Canonical definitions at instantiation (Explainer.md, "Canonical Definitions";
// CanonicalABI.md, "Canonical Definitions"): `canon lift` makes a component function of a
// core function (through the ABI's liftFunc, entered through the instance's guard), `canon
// lower` a core function of a component function (through lowerFunc; a host callee leaves
// the instance through guardHost), and the resource built-ins work on the instance's handle
// table. 🔀 Async-typed functions and the async built-ins (tasks, waitables, streams,
// futures, error contexts, threads) are ../async's: a lifted async function is a task
// (async/canon-lift.ts) that JavaScript calls for a promise, and lowering one gives core code
// a subtask (async/canon-lower.ts).
import { ComponentError } from '../../core/errors.ts';
import type { AnyCanonFields, Canon, CanonOpt } from '../ast.ts';
import type { FuncT } from '../validate/model.ts';
import { asyncExport, asyncFuncOf, hostAsyncFunc, liftAsync } from '../async/canon-lift.ts';
import { lowerAsync } from '../async/canon-lower.ts';
import {
  backpressure, contextGet, contextSet, subtaskCancel, subtaskDrop, taskCancel, taskReturn, threadIndex, threadNewIndirect,
  threadResumeLater, threadSwitch,
} from '../async/builtins-task.ts';
import { waitableJoin, waitableSetDrop, waitableSetNew, waitableSetPoll, waitableSetWait } from '../async/builtins-waitable.ts';
import {
  cancelCopy, copy, copyNew, dropEnd, errorContextDebugMessage, errorContextDrop, errorContextNew,
} from '../async/builtins-stream.ts';
import { asyncOptions } from '../async/options.ts';
import { type LiftLowerOptions, liftFunc, lowerFunc } from './abi.ts';
import { typedFunc } from './func-type.ts';
import { type AnyFn, type Frame } from './frame.ts';
import {
  currentInstance, guardHost, guardHostAsync, guardLifted, guardLiftedAsync, isGuestFunction, leaveTrap, noLeave, noLeaveRealloc,
  setCurrentInstance,
} from './guard.ts';
import { isSuspending, promisingLift, suspendingHost, suspendingLower } from './jspi.ts';
import type { ResourceType } from './resource-type.ts';
import { store } from '../async/store.ts';

function options(frame: Frame, opts: readonly CanonOpt[]): LiftLowerOptions {
  let encoding: LiftLowerOptions['encoding'] = 'utf8';
  let memory: WebAssembly.Memory | undefined;
  let addrType: LiftLowerOptions['addrType'];
  let realloc: LiftLowerOptions['realloc'];
  let postReturn: LiftLowerOptions['postReturn'];
  for (const o of opts) {
    switch (o.kind) {
      case 'utf8': case 'utf16': case 'latin1+utf16': encoding = o.kind; break;
      // 🐘 The validated memory type says whether pointers are i64 (the JS API cannot tell).
      case 'memory': memory = frame.coreMemories[o.index]; addrType = frame.scope.coreMemories[o.index].addr; break;
      case 'realloc': realloc = noLeaveRealloc(frame.inst, frame.coreFuncs[o.index] as (a: number, b: number, c: number, d: number) => unknown); break;
      case 'post-return': postReturn = noLeave(frame.inst, frame.coreFuncs[o.index] as (...flat: (number | bigint)[]) => unknown); break;
      // `async` and `callback` validate only for async-typed functions (handled apart).
      default: break;
    }
  }
  // Absent options are absent keys; built without spreads (one per canon per instantiation).
  const out: { -readonly [K in keyof LiftLowerOptions]: LiftLowerOptions[K] } = { encoding };
  if (memory !== undefined) {
    out.memory = memory;
    out.addrType = addrType;
  }
  if (realloc !== undefined) out.realloc = realloc;
  if (postReturn !== undefined) out.postReturn = postReturn;
  return out;
}

function resource(frame: Frame, index: number): ResourceType {
  const rt = frame.types[index];
  if (rt === undefined) throw new Error(`internal: type ${index} is not a resource type at run time`);
  return rt;
}

/** 🔀 `canon lift` of an async-typed function: a task per call; JavaScript gets a promise. */
function liftAsyncTyped(frame: Frame, x: AnyCanonFields, type: FuncT): AnyFn {
  const inst = frame.inst;
  const o = asyncOptions(frame, x.options);
  const func = liftAsync({
    inst, ft: type, core: frame.coreFuncs[x.func], memory: o.memory, addrType: o.addrType, realloc: o.realloc, encoding: o.encoding,
    postReturn: o.postReturn, async: o.async, callback: o.callback, handles: inst.handles, shape: inst.root.shape,
  });
  return asyncExport(func, type, inst.root.shape, (payload) => new ComponentError(payload), inst.root.deadlock === 'trap') as AnyFn;
}

/** 🔀 `canon lower` of an async-typed function (a guest's async function or a host function). */
function lowerAsyncTyped(frame: Frame, x: AnyCanonFields, type: FuncT, callee: AnyFn): AnyFn {
  const inst = frame.inst;
  const o = asyncOptions(frame, x.options);
  const func = asyncFuncOf(callee) ?? hostAsyncFunc(callee, type, inst.root.shape, (f) => {
    // The host runs as the host: calls it makes into components are entered from the host.
    if (!inst.mayLeave) throw leaveTrap();
    const savedInst = currentInstance();
    const savedThread = store.currentThread;
    setCurrentInstance(null);
    store.currentThread = null;
    try {
      return f();
    } finally {
      setCurrentInstance(savedInst);
      store.currentThread = savedThread;
    }
  });
  return lowerAsync({
    inst, ft: type, callee: func, memory: o.memory, addrType: o.addrType, realloc: o.realloc, encoding: o.encoding, async: o.async,
    handles: inst.handles, shape: inst.root.shape,
  }) as AnyFn;
}

/** 🔀 The async built-ins. */
function asyncBuiltin(frame: Frame, x: AnyCanonFields): AnyFn | undefined {
  switch (x.op) {
    case 'task.return': return taskReturn(frame, x);
    case 'task.cancel': return taskCancel(frame);
    case 'context.get': return contextGet(frame, x.index);
    case 'context.set': return contextSet(frame, x.index);
    case 'backpressure.inc': return backpressure(frame, 'inc');
    case 'backpressure.dec': return backpressure(frame, 'dec');
    case 'backpressure.set': return backpressure(frame, 'set');
    case 'subtask.cancel': return subtaskCancel(frame, x.async);
    case 'subtask.drop': return subtaskDrop(frame);
    case 'waitable-set.new': return waitableSetNew(frame);
    case 'waitable-set.wait': return waitableSetWait(frame, x);
    case 'waitable-set.poll': return waitableSetPoll(frame, x);
    case 'waitable-set.drop': return waitableSetDrop(frame);
    case 'waitable.join': return waitableJoin(frame);
    case 'stream.new': return copyNew(frame, 'stream', x.type);
    case 'future.new': return copyNew(frame, 'future', x.type);
    case 'stream.read': return copy(frame, 'stream', true, x);
    case 'stream.write': return copy(frame, 'stream', false, x);
    case 'future.read': return copy(frame, 'future', true, x);
    case 'future.write': return copy(frame, 'future', false, x);
    case 'stream.cancel-read': return cancelCopy(frame, 'stream', true, x);
    case 'stream.cancel-write': return cancelCopy(frame, 'stream', false, x);
    case 'future.cancel-read': return cancelCopy(frame, 'future', true, x);
    case 'future.cancel-write': return cancelCopy(frame, 'future', false, x);
    case 'stream.drop-readable': return dropEnd(frame, 'stream', true, x.type);
    case 'stream.drop-writable': return dropEnd(frame, 'stream', false, x.type);
    case 'future.drop-readable': return dropEnd(frame, 'future', true, x.type);
    case 'future.drop-writable': return dropEnd(frame, 'future', false, x.type);
    case 'error-context.new': return errorContextNew(frame, x);
    case 'error-context.debug-message': return errorContextDebugMessage(frame, x);
    case 'error-context.drop': return errorContextDrop(frame);
    case 'thread.index': return threadIndex(frame);
    case 'thread.new-indirect': return threadNewIndirect(frame, x);
    case 'thread.resume-later': return threadResumeLater(frame);
    case 'thread.yield': case 'thread.suspend': case 'thread.suspend-then-resume': case 'thread.yield-then-resume':
    case 'thread.suspend-then-promote': case 'thread.yield-then-promote':
      return threadSwitch(frame, x.op, x.cancellable);
    default: return undefined;
  }
}

/** Adds the function a canonical definition makes to its index space. */
export function instantiateCanon(frame: Frame, canon: Canon): void {
  const x = canon as AnyCanonFields;
  const inst = frame.inst;
  const handles = inst.handles;
  const shape = inst.root.shape;
  switch (x.op) {
    case 'lift': {
      const type: FuncT = frame.scope.funcs[frame.funcs.length];
      if (type.async) {
        frame.funcs.push(typedFunc(liftAsyncTyped(frame, x, type), type));
        return;
      }
      const jspi = inst.root.jspi === true;
      const opts = options(frame, x.options);
      const core = frame.coreFuncs[x.func] as (...a: (number | bigint)[]) => unknown;
      const lifted = jspi ? promisingLift(type, core, opts, handles, shape) : liftFunc(type, core, opts, handles, shape);
      // Under JSPI the lifted function returns a promise; lowering it elsewhere suspends.
      frame.funcs.push(typedFunc(jspi ? suspendingHost(guardLiftedAsync(inst, lifted)) : guardLifted(inst, lifted, type.params.length), type));
      return;
    }
    case 'lower': {
      const type: FuncT = frame.scope.funcs[x.func];
      const callee = frame.funcs[x.func];
      if (type.async) {
        frame.coreFuncs.push(lowerAsyncTyped(frame, x, type, callee));
        return;
      }
      // A guest callee is entered through its own guard, which knows the caller; a host one
      // leaves this instance here.
      if (inst.root.jspi === true && isSuspending(callee)) {
        // A function that may wait: a Suspending import (link/jspi.ts).
        const waits = isGuestFunction(callee) ? callee : guardHostAsync(inst, callee);
        frame.coreFuncs.push(suspendingLower(type, waits, options(frame, x.options), handles, shape) as unknown as AnyFn);
        return;
      }
      const target = isGuestFunction(callee) ? callee : guardHost(inst, callee);
      frame.coreFuncs.push(lowerFunc(type, target, options(frame, x.options), handles, shape) as AnyFn);
      return;
    }
    case 'resource.new': {
      const rt = resource(frame, x.type);
      frame.coreFuncs.push(((rep: number) => handles.resourceNew(rt, rep)) as AnyFn);
      return;
    }
    case 'resource.drop': {
      const rt = resource(frame, x.type);
      frame.coreFuncs.push(((i: number) => { handles.resourceDrop(rt, i); }) as AnyFn);
      return;
    }
    case 'resource.rep': {
      const rt = resource(frame, x.type);
      frame.coreFuncs.push(((i: number) => handles.resourceRep(rt, i)) as AnyFn);
      return;
    }
    default: {
      const f = asyncBuiltin(frame, x);
      if (f === undefined) throw new Error(`internal: canon ${x.op} is not instantiable`);
      frame.coreFuncs.push(f);
    }
  }
}
