// 🔀 Stream, future and error-context built-ins (CanonicalABI.md, "canon {stream,future}.new",
// "stream.{read,write}" (`stream_copy`), "future.{read,write}" (`future_copy`),
// "{stream,future}.cancel-{read,write}" (`cancel_copy`), "drop-{readable,writable}", and the 📝
// "error-context.*" built-ins). A read or write starts a copy on one end; its completion is an
// event on that end, returned at once if it is already there, waited for by the synchronous
// variants, and reported as BLOCKED by the asynchronous ones.
import type { AnyCanonFields } from '../ast.ts';
import type { TypeEntry } from '../validate/model.ts';
import { bufferValues, flatValues, index64, MAX_FLAT_PARAMS } from '../link/abi.ts';
import type { AnyFn, Frame } from '../link/frame.ts';
import { leaveTrap } from '../link/guard.ts';
import type { RuntimeInstance } from '../link/runtime-instance.ts';
import { ReadableGuestBuffer, WritableGuestBuffer } from './buffer.ts';
import {
  asyncTrap, BLOCKED, COPY_COMPLETED, COPY_DROPPED, EVENT_FUTURE_READ, EVENT_FUTURE_WRITE, EVENT_STREAM_READ,
  EVENT_STREAM_WRITE, type EventTuple, syncAndAsync,
} from './codes.ts';
import { blockingImport } from './jspi-trampolines.ts';
import { asyncOptions, liftLowerOptions } from './options.ts';
import {
  COPY_CANCELLING, COPY_COPYING, COPY_DONE, COPY_IDLE, CopyEnd, type ElementType, type SharedFuture, SharedFutureImpl,
  type SharedStream, SharedStreamImpl,
} from './stream.ts';
import { currentThreadOf } from './thread.ts';
import { syncTaskCannotBlock } from './sync-task.ts';
import { ErrorContext, elementTypeOf } from './values.ts';

type Core = number | bigint;
type Kind = 'stream' | 'future';

function typeAt(frame: Frame, index: number): TypeEntry {
  return frame.scope.types[index];
}

/** The end at `i`: of this kind and direction, of this element type. */
function endAt(inst: RuntimeInstance, i: number, kind: Kind, readable: boolean, t: ElementType): CopyEnd {
  const e = inst.handles.get(i);
  if (!(e instanceof CopyEnd) || e.kind !== kind || e.readable !== readable) {
    asyncTrap('invalid stream or future operation', `handle index ${i} is not the ${readable ? 'readable' : 'writable'} end of a ${kind}`);
  }
  if (e.shared.t.key !== t.key) asyncTrap('invalid stream or future operation', `the ${kind} at handle index ${i} has another element type`);
  return e;
}

/** `canon stream.new` / `future.new`: both ends, packed readable | writable << 32. */
export function copyNew(frame: Frame, kind: Kind, typeIndex: number): AnyFn {
  const inst = frame.inst;
  const t = elementTypeOf(inst.handles, typeAt(frame, typeIndex));
  return () => {
    if (!inst.mayLeave) throw leaveTrap();
    const shared = kind === 'stream' ? new SharedStreamImpl(t) : new SharedFutureImpl(t);
    const ri = inst.handles.add(new CopyEnd(shared, true));
    const wi = inst.handles.add(new CopyEnd(shared, false));
    return BigInt(ri) | (BigInt(wi) << 32n);
  };
}

function doneTrap(kind: Kind, readable: boolean): never {
  if (kind === 'stream') {
    asyncTrap('invalid stream or future operation', readable
      ? 'cannot read from stream after being notified that the writable end dropped'
      : 'cannot write to stream after being notified that the readable end dropped');
  }
  asyncTrap('invalid stream or future operation', readable
    ? 'cannot read from future after previous read succeeded'
    : 'cannot write to future after previous write succeeded or readable end dropped');
}

/**
 * `stream_copy` / `future_copy`: `canon stream.read` (readable) or `stream.write`, and the
 * future ones (a single element, no count). 🐘 With a 64-bit memory the pointer and the count
 * are i64s, and a stream's packed result too (`(func (param i32 i64 i64) (result i64))`); the
 * buffer's length limit stays 2^28 - 1.
 */
export function copy(frame: Frame, kind: Kind, readable: boolean, x: AnyCanonFields): AnyFn {
  const inst = frame.inst;
  const o = asyncOptions(frame, x.options);
  const async = o.async;
  const type = typeAt(frame, x.type);
  const t = elementTypeOf(inst.handles, type);
  const values = bufferValues(t.type, liftLowerOptions(o), inst.handles, inst.root.shape);
  const code = kind === 'stream' ? (readable ? EVENT_STREAM_READ : EVENT_STREAM_WRITE) : (readable ? EVENT_FUTURE_READ : EVENT_FUTURE_WRITE);
  const wide = o.addrType === 'i64';
  const index = wide ? index64 : (x: Core) => (x as number) >>> 0;
  const attempt = (i: number, ptr: Core, n: Core): unknown => {
    if (!inst.mayLeave) throw leaveTrap();
    const thread = currentThreadOf(inst);
    if (!async && (thread === null || !thread.mayBlock)) syncTaskCannotBlock(inst);
    const e = endAt(inst, i, kind, readable, t);
    if (e.state === COPY_DONE) doneTrap(kind, readable);
    if (e.state !== COPY_IDLE) asyncTrap('invalid stream or future operation', 'cannot have concurrent operations active on a future/stream');
    if (e.wset !== null && !async) syncAndAsync();
    const length = kind === 'stream' ? index(n) : 1;
    const buffer = readable ? new WritableGuestBuffer(values, index(ptr), length) : new ReadableGuestBuffer(values, index(ptr), length);
    if (kind === 'stream') {
      const event = (result: number, reclaim: () => void): EventTuple => {
        reclaim();
        e.partial = false;
        e.state = result === COPY_DROPPED ? COPY_DONE : COPY_IDLE;
        return [code, i, result | (buffer.progress << 4)];
      };
      e.state = COPY_COPYING;
      const onCopy = (reclaim: () => void): void => {
        e.partial = true;
        e.setPendingEvent(() => event(COPY_COMPLETED, reclaim));
      };
      const onCopyDone = (result: number): void => {
        e.partial = false;
        e.setPendingEvent(() => event(result, () => {}));
      };
      const s = e.shared as SharedStream;
      if (readable) s.read(inst, buffer as WritableGuestBuffer, onCopy, onCopyDone);
      else s.write(inst, buffer as ReadableGuestBuffer, onCopy, onCopyDone);
    } else {
      const event = (result: number): EventTuple => {
        e.state = result === COPY_DROPPED || result === COPY_COMPLETED ? COPY_DONE : COPY_IDLE;
        return [code, i, result];
      };
      e.state = COPY_COPYING;
      const onCopyDone = (result: number): void => e.setPendingEvent(() => event(result));
      const s = e.shared as SharedFuture;
      if (readable) s.read(inst, buffer as WritableGuestBuffer, onCopyDone);
      else s.write(inst, buffer as ReadableGuestBuffer, onCopyDone);
    }
    return settle(e, async, thread, wide && kind === 'stream');
  };
  const a = o.addrType;
  const params = kind === 'stream' ? ['i32', a, a] as const : ['i32', a] as const;
  return blockingImport(attempt as (...a: Core[]) => unknown, params, [kind === 'stream' ? a : 'i32']);
}

/**
 * The end's event now, BLOCKED (async), or the current thread blocks until there is one.
 * `wide`: the result is an i64 (🐘 a stream copy with a 64-bit memory), BLOCKED included.
 */
function settle(e: CopyEnd, async: boolean, thread: ReturnType<typeof currentThreadOf>, wide = false): unknown {
  const deliver = wide ? (): bigint => BigInt(e.getPendingEvent()[2]) : (): number => e.getPendingEvent()[2];
  if (e.hasPendingEvent()) return deliver();
  // BLOCKED is 0xffff_ffff (CanonicalABI.md), an i64 with its high half clear, not -1.
  if (async) return wide ? 0xffff_ffffn : BLOCKED;
  e.hasSyncWaiter = true;
  return thread!.blockStack(() => e.hasPendingEvent(), false, () => {
    e.hasSyncWaiter = false;
    return deliver();
  });
}

/** `cancel_copy`: `{stream,future}.cancel-{read,write}`. */
export function cancelCopy(frame: Frame, kind: Kind, readable: boolean, x: AnyCanonFields): AnyFn {
  const inst = frame.inst;
  const async = x.async;
  const t = elementTypeOf(inst.handles, typeAt(frame, x.type));
  const attempt = (i: number): unknown => {
    if (!inst.mayLeave) throw leaveTrap();
    const thread = currentThreadOf(inst);
    if (!async && (thread === null || !thread.mayBlock)) syncTaskCannotBlock(inst);
    const e = endAt(inst, i, kind, readable, t);
    if (e.state !== COPY_COPYING || e.hasSyncWaiter) {
      asyncTrap('invalid stream or future operation', `${kind} ${readable ? 'read' : 'write'} cancelled when no ${readable ? 'read' : 'write'} is pending`);
    }
    if (e.wset !== null && !async) syncAndAsync();
    e.state = COPY_CANCELLING;
    if (!e.hasPendingEvent() || e.partial) e.shared.cancel();
    return settle(e, async, thread);
  };
  return blockingImport(attempt as (...a: Core[]) => unknown, ['i32'], ['i32']);
}

/** `{stream,future}.drop-{readable,writable}`. */
export function dropEnd(frame: Frame, kind: Kind, readable: boolean, typeIndex: number): AnyFn {
  const inst = frame.inst;
  const t = elementTypeOf(inst.handles, typeAt(frame, typeIndex));
  return ((i: number) => {
    if (!inst.mayLeave) throw leaveTrap();
    const e = endAt(inst, i, kind, readable, t);
    e.drop();
    inst.handles.remove(i);
  }) as AnyFn;
}

// ---- 📝 error contexts ----

const STRING = ['string'] as const;

export function errorContextNew(frame: Frame, x: AnyCanonFields): AnyFn {
  const inst = frame.inst;
  const values = flatValues(STRING, liftLowerOptions(asyncOptions(frame, x.options)), inst.handles, inst.root.shape);
  // 🐘 (ptr, units) are i64s with a 64-bit memory: the string plan converts them.
  return ((ptr: Core, units: Core) => {
    if (!inst.mayLeave) throw leaveTrap();
    const [message] = values.lift([ptr, units], 0, MAX_FLAT_PARAMS);
    return inst.handles.add(new ErrorContext(message as string));
  }) as AnyFn;
}

export function errorContextDebugMessage(frame: Frame, x: AnyCanonFields): AnyFn {
  const inst = frame.inst;
  const values = flatValues(STRING, liftLowerOptions(asyncOptions(frame, x.options)), inst.handles, inst.root.shape);
  return ((i: number, ptr: Core) => {
    if (!inst.mayLeave) throw leaveTrap();
    const ec = inst.handles.get(i);
    if (!(ec instanceof ErrorContext)) asyncTrap('invalid waitable operation', `handle index ${i} is not an error-context`);
    values.store([ec.debugMessage], ptr);
  }) as AnyFn;
}

export function errorContextDrop(frame: Frame): AnyFn {
  const inst = frame.inst;
  return ((i: number) => {
    if (!inst.mayLeave) throw leaveTrap();
    const ec = inst.handles.get(i);
    if (!(ec instanceof ErrorContext)) asyncTrap('invalid waitable operation', `handle index ${i} is not an error-context`);
    inst.handles.remove(i);
  }) as AnyFn;
}

