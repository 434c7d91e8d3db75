// 🔀 Threads (CanonicalABI.md, "Threads"): a thread runs on behalf of a task; it is running,
// suspended (only an explicit resume continues it) or waiting (the store resumes it once its
// readiness condition holds). Here a thread that is not running keeps one of two
// continuations (store.ts): a JavaScript step, run synchronously by whoever resumes it, or a
// suspended JSPI stack, which only the store's loop wakes.
//
// A thread runs in segments: from a start or resume until it blocks or exits. A segment enters
// the thread's component instance from whoever resumed it (Store.lift's `enter_from`, the
// host for the store's loop) and leaves it when the segment ends, which is what lets a blocked
// instance be entered again (Concurrency.md, "Blocking").
import { CalleeTrap, Trap } from '../../core/errors.ts';
import { translateError } from '../../runtime/traps.ts';
import { enterFrom, leaveTo, mayEnterFrom, setCurrentInstance } from '../link/guard.ts';
import type { RuntimeInstance } from '../link/runtime-instance.ts';
import { asyncTrap } from './codes.ts';
import { BLOCK, jspiSupported, requestBlock, setStackHooks } from './jspi-trampolines.ts';
import { store } from './store.ts';
import { releaseEnds } from './values.ts';
import type { Task } from './task.ts';

type Core = number | bigint;

const IDLE = 0;
/** The core call has not returned or blocked yet. */
const CALLING = 1;
/** The core call returned while still CALLING. */
const RETURNED = 2;
/** The core call blocked; `done` continues the thread later. */
const PENDING = 3;

export class Thread {
  readonly task: Task;
  readonly inst: RuntimeInstance;
  /** The index in the instance's thread table (Thread.index), 0 while unregistered. */
  index = 0;
  /** Thread-local storage (`context.get` / `context.set`). */
  readonly storage: Core[] = [0, 0];
  cancellable = false;
  /** The readiness condition while waiting (Thread.ready_func). */
  readyFunc: (() => boolean) | null = null;
  /**
   * The wait is a yield (ready at once, run after threads whose events arrived), as
   * wasmtime's low-priority work items are.
   */
  yielding = false;
  running = false;
  exited = false;
  /**
   * Its core code runs on a JSPI stack of its own, so it can suspend (every thread but the
   * implicit thread of a synchronous task, sync-task.ts).
   */
  onStack = true;
  /** A synchronous task's thread switched away from: another thread switched back to it. */
  switchedBack = false;
  /** The next step, when it is JavaScript. */
  #step: ((cancelled: boolean) => void) | null = null;
  /** Wakes the suspended stack. */
  #wake: ((cancelled: boolean) => void) | null = null;
  #wokeCancelled = false;
  /** What the blocked built-in returns once the stack is woken (or BLOCK to block again). */
  #afterWake: ((cancelled: boolean) => unknown) | null = null;
  /** Who resumes the stack (the store's loop: the host). */
  #resumer: RuntimeInstance | null = null;
  /** Notified when the segment the store's loop is waiting for ends. */
  #controlBack: (() => void) | null = null;
  // The current segment: how it entered, and what to restore.
  #entered = 0;
  #caller: RuntimeInstance | null = null;
  #savedThread: Thread | null = null;
  // The core call in progress.
  #core = IDLE;
  #coreResults: Core[] = [];
  #later: ((results: Core[]) => void) | null = null;
  #blockedInCall = false;
  #failed = false;

  constructor(task: Task) {
    this.task = task;
    this.inst = task.inst;
  }

  suspended(): boolean {
    return !this.running && !this.exited && this.readyFunc === null;
  }

  waiting(): boolean {
    return !this.running && this.readyFunc !== null;
  }

  ready(): boolean {
    return this.readyFunc !== null && !this.running && this.readyFunc();
  }

  /** Whether this thread can suspend now: its core code runs on a JSPI stack. */
  get mayBlock(): boolean {
    return this.task.mayBlock();
  }

  // ---- segments ----

  /** Enters the instance from `caller` (null: the host) and makes this the running thread. */
  beginSegment(caller: RuntimeInstance | null, enter = true): void {
    this.#entered = enter ? enterFrom(this.inst, caller) : -1;
    if (!enter) setCurrentInstance(this.inst);
    this.#caller = caller;
    this.#savedThread = store.currentThread;
    store.currentThread = this;
    this.running = true;
  }

  /** The segment ends (blocked or exited): leave the instance, give control back. */
  endSegment(): void {
    this.running = false;
    if (this.#entered >= 0) leaveTo(this.inst, this.#caller, this.#entered);
    else setCurrentInstance(this.#caller);
    store.currentThread = this.#savedThread;
    this.#savedThread = null;
    const back = this.#controlBack;
    this.#controlBack = null;
    back?.();
  }

  /** A trap unwound the segment: the instances stay entered (poisoned); the running state is restored. */
  #unwound(): void {
    if (!this.running) return;
    this.running = false;
    setCurrentInstance(this.#caller);
    store.currentThread = this.#savedThread;
    this.#savedThread = null;
  }

  startWaiting(ready: () => boolean, yielding = false): void {
    this.readyFunc = ready;
    this.yielding = yielding;
    store.waiting.push(this);
    store.schedule();
  }

  stopWaiting(): void {
    this.readyFunc = null;
    const w = store.waiting;
    const i = w.indexOf(this);
    if (i >= 0) w.splice(i, 1);
  }

  // ---- blocking ----

  /**
   * Blocks with a JavaScript continuation (no core code of this thread is on the stack):
   * waits for `ready` (null: suspended until resumed), then `step` runs in a new segment.
   */
  blockJs(ready: (() => boolean) | null, cancellable: boolean, step: (cancelled: boolean) => void, yielding = false): void {
    this.cancellable = cancellable;
    this.#step = step;
    if (ready !== null) this.startWaiting(ready, yielding);
    this.endSegment();
  }

  /**
   * Blocks inside a blocking built-in (its trampoline suspends the stack next): waits for
   * `ready` (null: suspended), then `after` computes the built-in's result. Returns BLOCK for
   * the built-in's `try` to return.
   */
  blockStack(ready: (() => boolean) | null, cancellable: boolean, after: (cancelled: boolean) => unknown, yielding = false): typeof BLOCK {
    if (!jspiSupported) {
      asyncTrap('cannot block a synchronous task before returning', 'cannot block a synchronous task before returning: this JavaScript engine has no JSPI (WebAssembly.Suspending), so core code cannot wait');
    }
    this.cancellable = cancellable;
    this.#afterWake = after;
    if (ready !== null) this.startWaiting(ready, yielding);
    return requestBlock();
  }

  /** The trampoline's Suspending `block`: ends the segment, settles when woken. */
  suspendStack(): Promise<void> {
    this.#blockedInCall = true;
    return new Promise<void>((resolve) => {
      this.#wake = (cancelled) => {
        this.#wokeCancelled = cancelled;
        resolve();
      };
      this.endSegment();
    });
  }

  /** The trampoline's `finish`: the stack runs again. */
  finishWake(): unknown {
    this.beginSegment(this.#resumer);
    const after = this.#afterWake!;
    this.#afterWake = null;
    return after(this.#wokeCancelled);
  }

  /** A thread created suspended (`thread.new-indirect`): `step` runs its function when resumed. */
  suspendWith(step: () => void): void {
    this.#step = () => step();
  }

  // ---- resuming ----

  /** Whether `resume` would run synchronously (a JavaScript continuation). */
  get resumesSynchronously(): boolean {
    return this.#step !== null;
  }

  /**
   * Thread.resume from `caller` (null: the host), synchronously: only for a JavaScript
   * continuation. Runs until the thread blocks or exits.
   */
  resumeSync(cancelled: boolean, caller: RuntimeInstance | null, enter = true): void {
    if (this.readyFunc !== null) this.stopWaiting();
    const step = this.#step!;
    this.#step = null;
    this.beginSegment(caller, enter);
    try {
      step(cancelled);
    } catch (e) {
      this.abort(e);
      throw e;
    }
  }

  /** Store.tick: resumes from the host; a promise if the stack must be woken. */
  resumeFromStore(cancelled: boolean): Promise<void> | undefined {
    if (this.exited || this.running) {
      if (this.readyFunc !== null) this.stopWaiting();
      return undefined;
    }
    if (!mayEnterFrom(this.inst, null)) {
      // Its instance trapped (poisoned): the thread can never run again.
      this.exited = true;
      if (this.readyFunc !== null) this.stopWaiting();
      return undefined;
    }
    if (this.#step !== null) {
      try {
        this.resumeSync(cancelled, null);
      } catch (e) {
        this.fail(e);
      }
      return undefined;
    }
    const wake = this.#wake;
    if (wake === null) {
      // Nothing to continue (it exited meanwhile): it no longer waits.
      if (this.readyFunc !== null) this.stopWaiting();
      return undefined;
    }
    if (this.readyFunc !== null) this.stopWaiting();
    this.#wake = null;
    this.#resumer = null;
    return new Promise<void>((resolve) => {
      this.#controlBack = resolve;
      store.resuming = this;
      wake(cancelled);
    });
  }

  // ---- core calls ----

  /**
   * Calls a core function on its own stack (an entry from jspi-trampolines.ts). Returns its
   * results if it returned without blocking; otherwise undefined, and `later` gets them when
   * it returns. A trap before it returned or blocked is thrown as a CalleeTrap.
   */
  callCore(entry: (...args: Core[]) => Promise<unknown>, args: readonly Core[], later: (results: Core[]) => void): Core[] | undefined {
    this.#core = CALLING;
    this.#later = later;
    this.#blockedInCall = false;
    const p = entry(...args);
    if (this.#core === RETURNED) {
      this.#core = IDLE;
      this.#later = null;
      const r = this.#coreResults;
      this.#coreResults = [];
      return r;
    }
    const failed = p.then(() => undefined, (e: unknown) => {
      this.fail(e);
      return translateError(e);
    });
    if (!this.#blockedInCall) {
      // Neither returned nor blocked: it trapped, and the engine says how in a microtask.
      this.#core = IDLE;
      this.#unwound();
      throw new CalleeTrap(failed);
    }
    this.#core = PENDING;
    return undefined;
  }

  /** The entry trampoline's `done`. */
  coreDone(results: Core[]): void {
    if (this.#core === CALLING) {
      this.#core = RETURNED;
      this.#coreResults = results;
      return;
    }
    this.#core = IDLE;
    const later = this.#later!;
    this.#later = null;
    later(results);
  }

  /**
   * An exception left the thread's current segment synchronously. A trap leaves its instances
   * poisoned; another error (a host's argument of the wrong shape) leaves them normally. The
   * thread is gone either way.
   */
  abort(e: unknown): void {
    this.exited = true;
    if (this.readyFunc !== null) this.stopWaiting();
    const task = this.task;
    const i = task.threads.indexOf(this);
    if (i >= 0) task.threads.splice(i, 1);
    if (this.index !== 0) this.inst.threads.remove(this.index);
    if (this.inst.exclusiveThread === this) this.inst.exclusiveThread = null;
    if (!this.running) return;
    if (translateError(e) instanceof Trap) this.#unwound();
    else this.endSegment();
  }

  /** The thread ends (its function returned). */
  exit(): void {
    this.exited = true;
    if (this.readyFunc !== null) this.stopWaiting();
    this.endSegment();
  }

  /**
   * A trap in this thread (reported by its stack's promise, or thrown while the store resumed
   * it): its instances stay poisoned and the host call its task tree began from fails.
   */
  fail(e: unknown): void {
    this.exited = true;
    if (this.readyFunc !== null) this.stopWaiting();
    if (this.index !== 0) this.inst.threads.remove(this.index);
    this.index = 0;
    this.#unwound();
    const back = this.#controlBack;
    this.#controlBack = null;
    back?.();
    // A CalleeTrap stands for a trap reported by the thread it happened in.
    if (e instanceof CalleeTrap || this.#failed) return;
    this.#failed = true;
    releaseEnds(this.inst);
    store.reportTrap(this.task.hostCall, translateError(e));
  }
}

setStackHooks({
  block: () => store.currentThread!.suspendStack(),
  finish: () => {
    const t = store.resuming!;
    store.resuming = null;
    return t.finishWake();
  },
  done: (results) => store.currentThread!.coreDone(results),
});

/** The async thread running in `inst` now, or null (the host, or a synchronous task). */
export function currentThreadOf(inst: RuntimeInstance): Thread | null {
  const t = store.currentThread;
  return t !== null && t.inst === inst && t.running ? t : null;
}
