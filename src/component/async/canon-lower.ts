// 🔀 `canon lower` of an async-typed function (CanonicalABI.md, "canon lower"; Concurrency.md,
// "Async Import ABI"). The caller keeps a subtask for the call.
// - With `async`, the call never blocks the caller: the arguments are read (at most 4 flat
//   values, else a pointer) when the callee starts, the result is written through the
//   out-pointer when it returns, and the core function returns RETURNED, or the subtask's
//   state and its new handle index, for the caller to wait on.
// - Without `async`, the caller waits until the callee returns: its task must be allowed to
//   block (wasmtime traps "cannot block a synchronous task before returning" before the call
//   otherwise), and its stack suspends through a blocking trampoline (jspi-trampolines.ts).
import type { AddrType } from '../../core/types.ts';
import type { FuncT } from '../validate/model.ts';
import { flattenType, flatValues, type HandleTable, type JsShape, MAX_FLAT_PARAMS } from '../link/abi.ts';
import { leaveTrap } from '../link/guard.ts';
import type { HandleTableImpl } from '../link/handle-table.ts';
import type { RuntimeInstance } from '../link/runtime-instance.ts';
import { flatCoreTypes, paramTypesOf, resultTypesOf } from './canon-lift.ts';
import { EVENT_SUBTASK, SUBTASK_RETURNED } from './codes.ts';
import { blockingImport, type CoreType } from './jspi-trampolines.ts';
import { type HostCall, store } from './store.ts';
import { Subtask } from './subtask.ts';
import type { AsyncFunc } from './task.ts';
import { currentThreadOf } from './thread.ts';
import { syncTaskCannotBlock } from './sync-task.ts';

type Core = number | bigint;

/** Canonical ABI: MAX_FLAT_ASYNC_PARAMS. */
const MAX_FLAT_ASYNC_PARAMS = 4;

export interface AsyncLower {
  readonly inst: RuntimeInstance;
  readonly ft: FuncT;
  readonly callee: AsyncFunc;
  readonly memory: WebAssembly.Memory | undefined;
  /** 🐘 The memory's address type (default i32): pointers in the core signature are i64 then. */
  readonly addrType?: AddrType;
  readonly realloc: ((a: number, b: number, c: number, d: number) => number) | undefined;
  readonly encoding: 'utf8' | 'utf16' | 'latin1+utf16';
  readonly async: boolean;
  readonly handles: HandleTableImpl;
  readonly shape: JsShape;
}

/** The host call the current thread's tree of tasks began from. */
function hostCallNow(): HostCall | null {
  return store.currentThread?.task.hostCall ?? null;
}

/**
 * A call from a guest first lets the threads whose events have arrived run, when the caller
 * can wait: wasmtime queues the callee's start behind them (its `start_call`), and the tests
 * observe it (async/sync-streams.wast: a synchronous write woken by the caller's read finishes
 * before the caller's next call into the same instance, so that call is not held back).
 */
function afterReadyThreads(inst: RuntimeInstance, call: () => unknown): unknown {
  const thread = currentThreadOf(inst);
  if (thread === null || !thread.mayBlock || !store.hasReadyEventWaiter()) return call();
  return thread.blockStack(() => true, false, call);
}

/** The core function a `canon lower` of an async-typed function makes. */
export function lowerAsync(x: AsyncLower): (...flat: Core[]) => unknown {
  const { inst, ft, callee } = x;
  const handles: HandleTable = x.handles;
  const table = x.handles;
  const addr = x.addrType ?? 'i32';
  const opts = { encoding: x.encoding, addrType: addr, ...(x.memory ? { memory: x.memory } : {}), ...(x.realloc ? { realloc: x.realloc } : {}) };
  const params = flatValues(paramTypesOf(ft), opts, handles, x.shape);
  const result = ft.result === undefined ? null : flatValues(resultTypesOf(ft), opts, handles, x.shape);

  if (x.async) {
    const nparams = params.flatCount > MAX_FLAT_ASYNC_PARAMS ? 1 : params.flatCount;
    const call = (flat: Core[]): number => {
      const subtask = new Subtask(handles, handles.beginCall());
      let onProgress: (() => void) | null = null;
      const outPtr = result === null ? 0 : flat[nparams];
      const onStart = (): readonly unknown[] => {
        onProgress?.();
        subtask.started();
        return params.lift(flat, 0, MAX_FLAT_ASYNC_PARAMS, subtask.lenders ?? undefined);
      };
      const onResolve = (r: readonly unknown[] | null): void => {
        onProgress?.();
        if (r !== null && result !== null) result.store(r, outPtr);
        subtask.resolve(r !== null);
        store.schedule();
      };
      subtask.onCancel = callee(onStart, onResolve, inst, hostCallNow());
      if (subtask.resolved()) {
        subtask.deliverResolve();
        return SUBTASK_RETURNED;
      }
      const i = table.add(subtask);
      onProgress = () => subtask.setPendingEvent(() => {
        if (subtask.resolved() && !subtask.resolveDelivered()) subtask.deliverResolve();
        return [EVENT_SUBTASK, i, subtask.state];
      });
      return subtask.state | (i << 4);
    };
    const coreParams: CoreType[] = flatCoreTypes(paramTypesOf(ft), MAX_FLAT_ASYNC_PARAMS, addr);
    if (result !== null) coreParams.push(addr);
    const attempt = (...flat: Core[]): unknown => {
      if (!inst.mayLeave) throw leaveTrap();
      return afterReadyThreads(inst, () => call(flat));
    };
    return blockingImport(attempt, coreParams, ['i32']) as (...flat: Core[]) => unknown;
  }

  // Synchronous lowering: the caller waits for the result.
  const coreParams: CoreType[] = flatCoreTypes(paramTypesOf(ft), MAX_FLAT_PARAMS, addr);
  const resultFlat = ft.result === undefined ? [] : flattenType(ft.result, addr);
  const spilled = resultFlat.length > 1;
  if (spilled) coreParams.push(addr);
  const coreResults: CoreType[] = spilled ? [] : resultFlat;
  const call = (flat: Core[]): unknown => {
    const thread = currentThreadOf(inst);
    const subtask = new Subtask(handles, handles.beginCall());
    let ret: Core | undefined;
    const onStart = (): readonly unknown[] => {
      subtask.started();
      return params.lift(flat, 0, MAX_FLAT_PARAMS, subtask.lenders ?? undefined);
    };
    const onResolve = (r: readonly unknown[] | null): void => {
      if (r !== null && result !== null) {
        if (spilled) result.store(r, flat[flat.length - 1]);
        else ret = result.lower(r, 1)[0];
      }
      subtask.resolve(r !== null);
      store.schedule();
    };
    callee(onStart, onResolve, inst, hostCallNow());
    const finish = (): Core | undefined => {
      subtask.deliverResolve();
      return ret;
    };
    if (subtask.resolved()) return finish();
    if (thread === null || !thread.mayBlock) syncTaskCannotBlock(inst);
    return thread.blockStack(() => subtask.resolved(), false, finish);
  };
  const attempt = (...flat: Core[]): unknown => {
    if (!inst.mayLeave) throw leaveTrap();
    const thread = currentThreadOf(inst);
    if (thread === null || !thread.mayBlock) {
      // wasmtime traps before the call when the task may not block. Concurrency.md makes it
      // depend on whether other threads could run meanwhile: with one ready, the call goes
      // ahead, and traps only if the callee does block (it cannot run others on this stack).
      if (!inst.threads.some((t) => t !== thread && t.ready())) syncTaskCannotBlock(inst);
      return call(flat);
    }
    return afterReadyThreads(inst, () => call(flat));
  };
  return blockingImport(attempt, coreParams, coreResults) as (...flat: Core[]) => unknown;
}
