// 🔀 Waitable sets (CanonicalABI.md, "canon waitable-set.new / wait / poll / drop",
// "canon waitable.join"): the handles core wasm waits on. `wait` blocks the current thread
// until one of the set's waitables has an event (or, if cancellable, the task is cancelled)
// and writes the event's two payloads at `ptr`.
import { Trap } from '../../core/errors.ts';
import { markWritten, writtenMapOf } from '../abi/written.ts';
import type { AnyCanonFields } from '../ast.ts';
import { index64 } from '../link/abi.ts';
import type { AnyFn, Frame } from '../link/frame.ts';
import { leaveTrap } from '../link/guard.ts';
import type { RuntimeInstance } from '../link/runtime-instance.ts';
import { asyncTrap, CANCELLED_EVENT, type EventTuple, NO_EVENT, syncAndAsync } from './codes.ts';
import { blockingImport } from './jspi-trampolines.ts';
import { currentThreadOf } from './thread.ts';
import { syncTaskCannotBlock } from './sync-task.ts';
import { Waitable, WaitableSet } from './waitable.ts';

type Core = number | bigint;

export function waitableSetAt(inst: RuntimeInstance, i: number): WaitableSet {
  const w = inst.handles.get(i);
  if (!(w instanceof WaitableSet)) asyncTrap('invalid waitable operation', `handle index ${i} is not a waitable set`);
  return w;
}

/**
 * `unpack_event`: the payloads go to memory (two u32s whatever the address type), the code is
 * returned. 🐘 `ptr` is an i64 bigint with a 64-bit memory.
 */
function unpackEvent(memory: WebAssembly.Memory, written: Uint8Array | undefined, ptr: Core, e: EventTuple): number {
  const p = typeof ptr === 'bigint' ? index64(ptr) : ptr >>> 0;
  if ((p & 3) !== 0) throw new Trap('unaligned pointer', 'event pointer not aligned');
  if (p + 8 > memory.buffer.byteLength) throw new Trap('pointer out of bounds of memory', 'event pointer out of bounds of memory');
  // A host that tracks writes into this memory (abi/written.ts) sees these two words too.
  if (written !== undefined) markWritten(written, p, 8);
  const dv = new DataView(memory.buffer);
  dv.setUint32(p, e[1] >>> 0, true);
  dv.setUint32(p + 4, e[2] >>> 0, true);
  return e[0];
}

export function waitableSetNew(frame: Frame): AnyFn {
  const inst = frame.inst;
  return () => {
    if (!inst.mayLeave) throw leaveTrap();
    return inst.handles.add(new WaitableSet());
  };
}

/** `canon waitable-set.wait`. */
export function waitableSetWait(frame: Frame, x: AnyCanonFields): AnyFn {
  const inst = frame.inst;
  const memory = frame.coreMemories[x.memory];
  const written = writtenMapOf(memory);
  const addr = frame.scope.coreMemories[x.memory].addr;
  const cancellable = x.cancellable;
  const attempt = (si: number, ptr: Core): unknown => {
    if (!inst.mayLeave) throw leaveTrap();
    const thread = currentThreadOf(inst);
    if (thread === null || !thread.mayBlock) syncTaskCannotBlock(inst);
    const wset = waitableSetAt(inst, si);
    if (thread.task.deliverPendingCancel(cancellable)) return unpackEvent(memory, written, ptr, CANCELLED_EVENT);
    if (wset.hasPendingEvent()) return unpackEvent(memory, written, ptr, wset.getPendingEvent());
    wset.numWaiting++;
    return thread.blockStack(() => wset.hasPendingEvent(), cancellable, (cancelled) => {
      wset.numWaiting--;
      return unpackEvent(memory, written, ptr, cancelled ? CANCELLED_EVENT : wset.getPendingEvent());
    });
  };
  return blockingImport(attempt as (...a: Core[]) => unknown, ['i32', addr], ['i32']);
}

/** `canon waitable-set.poll`: an event if one is pending, else NONE. */
export function waitableSetPoll(frame: Frame, x: AnyCanonFields): AnyFn {
  const inst = frame.inst;
  const memory = frame.coreMemories[x.memory];
  const written = writtenMapOf(memory);
  const cancellable = x.cancellable;
  return ((si: number, ptr: Core) => {
    if (!inst.mayLeave) throw leaveTrap();
    const wset = waitableSetAt(inst, si);
    const thread = currentThreadOf(inst);
    let e = NO_EVENT;
    if (thread !== null && thread.task.deliverPendingCancel(cancellable)) e = CANCELLED_EVENT;
    else if (wset.hasPendingEvent()) e = wset.getPendingEvent();
    return unpackEvent(memory, written, ptr, e);
  }) as AnyFn;
}

export function waitableSetDrop(frame: Frame): AnyFn {
  const inst = frame.inst;
  return ((si: number) => {
    if (!inst.mayLeave) throw leaveTrap();
    const wset = waitableSetAt(inst, si);
    wset.drop();
    inst.handles.remove(si);
  }) as AnyFn;
}

/** `canon waitable.join`: moves a waitable into a set (or out of any, with 0). */
export function waitableJoin(frame: Frame): AnyFn {
  const inst = frame.inst;
  return ((wi: number, si: number) => {
    if (!inst.mayLeave) throw leaveTrap();
    const w = inst.handles.get(wi);
    if (!(w instanceof Waitable)) asyncTrap('invalid waitable operation', `handle index ${wi} is not a waitable`);
    if (w.hasSyncWaiter) syncAndAsync();
    w.join(si === 0 ? null : waitableSetAt(inst, si));
  }) as AnyFn;
}
