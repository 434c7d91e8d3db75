// 🔀 The store (CanonicalABI.md, "Embedding": Store.waiting, Store.tick): the threads waiting
// for a condition, and the loop that resumes them one at a time while the host is not calling
// in. JavaScript has one stack, so "a thread waits" means one of two things here: its next
// step is a JavaScript continuation (a `callback` lift's event loop, a task waiting for
// backpressure, a thread not started yet), which any code may run synchronously; or its core
// code is suspended on a JSPI stack (WebAssembly.Suspending), which only resumes in a later
// microtask. The loop is the one place that wakes suspended stacks, awaiting each until it
// blocks again or exits, so that two threads never run at once.
//
// The loop runs while JavaScript waits for something (an async export's result, a chunk of a
// stream, a future's value), as wasmtime's event loop runs inside `run_concurrent`: a task that
// yields forever does not keep the process busy once nobody waits. It lets other microtasks
// run after each step and other macrotasks (timers, I/O) every few milliseconds.
//
// With the `deadlock: 'trap'` option the loop also ends calls that can never finish: when
// nothing is ready, no host promise is in flight and host calls are still waiting, they fail
// with wasmtime's "deadlock detected" trap (checked after a macrotask, so host code that was
// about to act gets its turn). Without it they wait: JavaScript may act later.
import { CalleeTrap, ComponentTrap } from '../../core/errors.ts';
import type { Thread } from './thread.ts';

/** A host's call into an async export, waiting for its result. */
export interface HostCall {
  settled: boolean;
  /** Rejected with the deadlock trap when nothing can progress (the `deadlock: 'trap'` option). */
  readonly trapsOnDeadlock: boolean;
  /** Rejects the host's promise (a trap in the call's tree of tasks, or a deadlock). */
  fail(e: unknown): void;
}

/** A switch requested by a running thread: resume `thread` before anything else. */
export interface Switch {
  readonly thread: Thread;
  readonly cancelled: boolean;
  /** Set once the thread has run and blocked or exited again. */
  done: boolean;
}

export type UncaughtTrapHandler = (e: unknown) => void;

export class Store {
  /** Threads waiting with a readiness condition (Store.waiting), in the order they began. */
  readonly waiting: Thread[] = [];
  /** The thread whose code runs now, if it is an async thread (null: the host, or a sync task). */
  currentThread: Thread | null = null;
  /** The thread whose suspended stack is being woken (its trampoline's `finish` takes it). */
  resuming: Thread | null = null;
  /** Host promises in flight (host imports, host ends of streams and futures). */
  pendingHost = 0;
  /** JavaScript reads of component streams and futures in flight (they want progress too). */
  hostWaiters = 0;
  readonly hostCalls = new Set<HostCall>();
  readonly switches: Switch[] = [];
  /** Bumped by any progress; the deadlock check compares it. */
  epoch = 0;
  onUncaughtTrap: UncaughtTrapHandler | undefined;
  #scheduled = false;
  #running = false;
  #idleCheck = false;

  /** Makes sure the loop runs soon. */
  schedule(): void {
    this.epoch++;
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    queueMicrotask(() => void this.#run());
  }

  /** Whether the loop is resuming threads now. */
  get running(): boolean {
    return this.#running;
  }

  /** Asks the loop to resume `thread` next (a thread switch, or cancellation of a suspended stack). */
  switchTo(thread: Thread, cancelled: boolean): Switch {
    const s: Switch = { thread, cancelled, done: false };
    this.switches.push(s);
    this.schedule();
    return s;
  }

  hostBegin(): void {
    this.pendingHost++;
    this.epoch++;
  }

  hostEnd(): void {
    this.pendingHost--;
    this.schedule();
  }

  /**
   * The next thread to resume: the first ready one whose wait was for an event, else the
   * first ready one that yielded (wasmtime's high- and low-priority work).
   */
  #pick(): Thread | null {
    const w = this.waiting;
    let yielded: Thread | null = null;
    for (let i = 0; i < w.length; i++) {
      const t = w[i];
      if (t.readyFunc === null || !t.readyFunc()) continue;
      if (!t.yielding) return t;
      yielded ??= t;
    }
    return yielded;
  }

  /** Whether a thread whose event arrived waits to be resumed (a caller lets it go first). */
  hasReadyEventWaiter(): boolean {
    const w = this.waiting;
    for (let i = 0; i < w.length; i++) {
      const t = w[i];
      if (!t.yielding && t.readyFunc !== null && t.readyFunc()) return true;
    }
    return false;
  }

  /** Whether JavaScript is waiting for the store's progress. */
  #wanted(): boolean {
    return this.hostCalls.size > 0 || this.hostWaiters > 0;
  }

  async #run(): Promise<void> {
    this.#scheduled = false;
    if (this.#running) return;
    this.#running = true;
    let since = performance.now();
    try {
      for (;;) {
        if (!this.#wanted()) break;
        const s = this.switches.shift();
        let p: Promise<void> | undefined;
        if (s !== undefined) {
          p = s.thread.resumeFromStore(s.cancelled);
          if (p !== undefined) await p;
          s.done = true;
        } else {
          const t = this.#pick();
          if (t === null) break;
          this.epoch++;
          p = t.resumeFromStore(false);
          if (p !== undefined) await p;
        }
        if (performance.now() - since > 8) {
          await macrotask();
          since = performance.now();
        } else if (p === undefined) {
          await null;
        }
      }
    } finally {
      this.#running = false;
    }
    this.#checkIdle();
  }

  /** Nothing is ready: if host calls wait and nothing can wake anything, they deadlocked. */
  #checkIdle(): void {
    if (this.pendingHost > 0 || this.#idleCheck) return;
    if (![...this.hostCalls].some((c) => c.trapsOnDeadlock)) return;
    this.#idleCheck = true;
    const epoch = this.epoch;
    setTimeout(() => {
      this.#idleCheck = false;
      if (this.epoch !== epoch || this.#running || this.#scheduled || this.pendingHost > 0) {
        if (!this.#running && !this.#scheduled) this.#checkIdle();
        return;
      }
      if (this.switches.length > 0 || this.#pick() !== null) {
        this.schedule();
        return;
      }
      const calls = [...this.hostCalls].filter((c) => c.trapsOnDeadlock);
      for (const c of calls) c.fail(new ComponentTrap('deadlock detected: event loop cannot make further progress', 'deadlock detected: event loop cannot make further progress'));
    }, 0);
  }

  /**
   * A trap in a task's thread. It ends the host call the task's tree began from; if that one
   * has already returned (a task still running after `task.return`), the uncaught-trap handler
   * hears of it. Either way the instances it unwound through stay poisoned.
   */
  reportTrap(call: HostCall | null, e: unknown): void {
    if (e instanceof CalleeTrap) return; // the thread that trapped reports the real trap
    if (call !== null && !call.settled) {
      call.fail(e);
      return;
    }
    this.onUncaughtTrap?.(e);
  }
}

/** Lets timers and I/O run (setImmediate where there is one). */
function macrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  return new Promise((resolve) => (g.setImmediate !== undefined ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** The store of every component instance in this JavaScript realm. */
export const store = new Store();
