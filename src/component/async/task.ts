// 🔀 Tasks (CanonicalABI.md, "Tasks"): one per call of an async-typed function lifted by a
// component, holding what the Canonical ABI enforces for that call: its state (started,
// cancellation requested or delivered, resolved), the borrows it received, its threads, and
// backpressure between the call and the component's core code (Concurrency.md,
// "Backpressure"). Synchronous (non-async-typed) calls never get one: they cannot block, so
// they run as plain calls (link/guard.ts) and the built-ins treat them as "a synchronous task".
import type { FuncT } from '../validate/model.ts';
import type { CallScope } from '../link/abi.ts';
import { mayEnterFrom } from '../link/guard.ts';
import type { RuntimeInstance } from '../link/runtime-instance.ts';
import { asyncTrap } from './codes.ts';
import { type HostCall, store, type Switch } from './store.ts';
import type { Thread } from './thread.ts';

/** FuncInst's callbacks (CanonicalABI.md, "Tasks"): arguments in, result (or null: cancelled) out. */
export type OnStart = () => readonly unknown[];
export type OnResolve = (result: readonly unknown[] | null) => void;
/**
 * Requests cancellation, from the caller's instance (null: the host); a Switch while it is
 * being delivered to a suspended stack by the store's loop.
 */
export type OnCancel = (caller: RuntimeInstance | null) => Switch | undefined;

/**
 * A component-level async function (FuncInst): called with the callbacks and the caller's
 * instance (null: the host), it runs until the callee returns or blocks.
 */
export type AsyncFunc = (onStart: OnStart, onResolve: OnResolve, caller: RuntimeInstance | null, call: HostCall | null) => OnCancel;

/** The `canon lift` options a task runs with. */
export interface LiftDef {
  readonly inst: RuntimeInstance;
  readonly ft: FuncT;
  /** The `async` option. */
  readonly async: boolean;
  readonly callback: boolean;
  readonly memory: WebAssembly.Memory | undefined;
  readonly encoding: string;
}

const NO_ARGS: OnStart = () => [];
const RESOLVED_ALREADY: OnResolve = () => {};

const INITIAL = 1;
const STARTED = 2;
const PENDING_CANCEL = 3;
const CANCEL_DELIVERED = 4;
const RESOLVED = 5;

export class Task {
  static readonly INITIAL = INITIAL;
  static readonly STARTED = STARTED;
  static readonly PENDING_CANCEL = PENDING_CANCEL;
  static readonly CANCEL_DELIVERED = CANCEL_DELIVERED;
  static readonly RESOLVED = RESOLVED;

  readonly def: LiftDef;
  readonly inst: RuntimeInstance;
  // Released once used: a task that keeps running after returning must not keep its caller's
  // arguments or result (a stream handed to JavaScript) reachable.
  onStart: OnStart;
  onResolve: OnResolve;
  /** The host call this task's tree began from (traps and deadlocks end it). */
  readonly hostCall: HostCall | null;
  state = INITIAL;
  /** The borrows received (`num_borrows`), in the handle table's bookkeeping. */
  scope: CallScope | null = null;
  implicitThread: Thread | null = null;
  readonly threads: Thread[] = [];

  constructor(def: LiftDef, onStart: OnStart, onResolve: OnResolve, hostCall: HostCall | null) {
    this.def = def;
    this.inst = def.inst;
    this.onStart = onStart;
    this.onResolve = onResolve;
    this.hostCall = hostCall;
  }

  /** Task.needs_exclusive: sync and `callback` lifts run one at a time per instance. */
  needsExclusive(): boolean {
    return !this.def.async || this.def.callback;
  }

  /** wasmtime's `may_block`: an async-typed task, or one that has returned. */
  mayBlock(): boolean {
    return this.def.ft.async || this.state === RESOLVED;
  }

  hasBackpressure(): boolean {
    const inst = this.inst;
    return inst.backpressure > 0 || (this.needsExclusive() && inst.exclusiveThread !== null);
  }

  /**
   * Task.enter_implicit_thread: waits (cancellably) while there is backpressure, then takes the
   * instance's exclusive lock if needed and registers the thread. `then(entered)` continues.
   */
  enterImplicitThread(thread: Thread, then: (entered: boolean) => void): void {
    this.implicitThread = thread;
    const inst = this.inst;
    const finish = (): void => {
      if (this.needsExclusive()) inst.exclusiveThread = thread;
      this.registerThread(thread);
      then(true);
    };
    if (this.hasBackpressure() || inst.numWaitingToEnter > 0) {
      inst.numWaitingToEnter++;
      thread.blockJs(() => !this.hasBackpressure(), true, (cancelled) => {
        inst.numWaitingToEnter--;
        if (cancelled) {
          this.cancel();
          then(false);
          return;
        }
        finish();
      });
      return;
    }
    finish();
  }

  registerThread(t: Thread): void {
    this.threads.push(t);
    t.index = this.inst.threads.add(t);
  }

  /** Task.unregister_thread: the last thread may not leave before the task resolved. */
  unregisterThread(t: Thread): void {
    const i = this.threads.indexOf(t);
    if (i >= 0) this.threads.splice(i, 1);
    if (t.index !== 0) this.inst.threads.remove(t.index);
    t.index = 0;
    if (this.threads.length === 0 && this.state !== RESOLVED) asyncTrap('async-lifted export failed to produce a result');
  }

  /** Task.exit_implicit_thread. */
  exitImplicitThread(): void {
    const t = this.implicitThread!;
    if (this.def.ft.async && this.needsExclusive() && this.inst.exclusiveThread === t) {
      this.inst.exclusiveThread = null;
      store.schedule();
    }
    this.unregisterThread(t);
  }

  /**
   * Task.request_cancellation from `caller` (null: the host). A task still waiting to start is
   * cancelled at once; otherwise one cancellable thread is resumed with the request: now, if
   * its next step is JavaScript, or by the store's loop if it is a suspended stack (the
   * returned Switch says when that happened). With no such thread the request waits in the
   * state for the next cancellable wait.
   */
  requestCancellation(caller: RuntimeInstance | null): Switch | undefined {
    if (this.state === INITIAL) {
      this.state = CANCEL_DELIVERED;
      this.implicitThread!.resumeSync(true, caller, false);
      return undefined;
    }
    if (this.state !== STARTED) return undefined;
    const inst = this.inst;
    const skipImplicit = this.needsExclusive() && inst.exclusiveThread !== null && inst.exclusiveThread !== this.implicitThread;
    const t = this.threads.find((x) => x.cancellable && !x.running && !x.exited && !(skipImplicit && x === this.implicitThread));
    if (t === undefined || !mayEnterFrom(inst, caller)) {
      this.state = PENDING_CANCEL;
      return undefined;
    }
    this.state = CANCEL_DELIVERED;
    if (t.resumesSynchronously) {
      t.resumeSync(true, caller);
      return undefined;
    }
    return store.switchTo(t, true);
  }

  /** Task.deliver_pending_cancel. */
  deliverPendingCancel(cancellable: boolean): boolean {
    if (cancellable && this.state === PENDING_CANCEL) {
      this.state = CANCEL_DELIVERED;
      return true;
    }
    return false;
  }

  /** Task.start: the caller's arguments. */
  start(): readonly unknown[] {
    this.state = STARTED;
    const args = this.onStart();
    this.onStart = NO_ARGS;
    return args;
  }

  /** Task.return_. */
  return_(result: readonly unknown[], endBorrows: () => void): void {
    if (this.state === RESOLVED) asyncTrap('invalid task operation', '`task.return` or `task.cancel` called more than once for current task');
    endBorrows();
    this.state = RESOLVED;
    const resolve = this.onResolve;
    this.onResolve = RESOLVED_ALREADY;
    resolve(result);
  }

  /** Task.cancel. */
  cancel(endBorrows?: () => void): void {
    if (this.state === RESOLVED) asyncTrap('invalid task operation', '`task.return` or `task.cancel` called more than once for current task');
    if (this.state !== CANCEL_DELIVERED) asyncTrap('invalid task operation', '`task.cancel` called by task which has not been cancelled');
    endBorrows?.();
    this.state = RESOLVED;
    const resolve = this.onResolve;
    this.onResolve = RESOLVED_ALREADY;
    resolve(null);
  }
}
