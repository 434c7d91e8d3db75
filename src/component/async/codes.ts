// 🔀 The numbers core wasm sees from the async ABI (CanonicalABI.md): event codes
// ("Waitable State"), copy results ("Stream State"), subtask states ("Subtask State"),
// callback codes ("canon lift"), the BLOCKED sentinel ("canon subtask.cancel") and the
// trap words wasmtime uses for the async rules (the component-model tests match them).
import { ComponentTrap, type TrapKind } from '../../core/errors.ts';

/** EventCode. */
export const EVENT_NONE = 0;
export const EVENT_SUBTASK = 1;
export const EVENT_STREAM_READ = 2;
export const EVENT_STREAM_WRITE = 3;
export const EVENT_FUTURE_READ = 4;
export const EVENT_FUTURE_WRITE = 5;
export const EVENT_TASK_CANCELLED = 6;

/** An event as core wasm receives it: the code and two i32 payloads. */
export type EventTuple = readonly [code: number, p1: number, p2: number];

export const NO_EVENT: EventTuple = [EVENT_NONE, 0, 0];
export const CANCELLED_EVENT: EventTuple = [EVENT_TASK_CANCELLED, 0, 0];

/** CopyResult. */
export const COPY_COMPLETED = 0;
export const COPY_DROPPED = 1;
export const COPY_CANCELLED = 2;

/** Subtask.State. */
export const SUBTASK_STARTING = 0;
export const SUBTASK_STARTED = 1;
export const SUBTASK_RETURNED = 2;
export const SUBTASK_CANCELLED_BEFORE_STARTED = 3;
export const SUBTASK_CANCELLED_BEFORE_RETURNED = 4;

/** CallbackCode. */
export const CALLBACK_EXIT = 0;
export const CALLBACK_YIELD = 1;
export const CALLBACK_WAIT = 2;

/** `BLOCKED = 0xffff_ffff`, as the i32 core wasm receives. */
export const BLOCKED = -1;

/** A Component Model trap with wasmtime's words. */
export function asyncTrap(kind: TrapKind, message: string = kind): never {
  throw new ComponentTrap(kind, message);
}

export function cannotBlock(): never {
  asyncTrap('cannot block a synchronous task before returning');
}

export function deadlock(): never {
  asyncTrap('deadlock detected: event loop cannot make further progress');
}

export function syncAndAsync(): never {
  asyncTrap('waitable cannot be used synchronously while added to a waitable set');
}
