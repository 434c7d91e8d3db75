// wasi:io/poll (https://github.com/WebAssembly/WASI/blob/main/proposals/io/wit/poll.wit):
// a pollable is the 0.2 way to wait: for a clock, for bytes on a stream, for a socket to
// connect, for an HTTP response. Every waitable host object describes its readiness once, as
// a `Readiness` (ready now? when might it be?), and pollables, `poll` and the blocking stream
// calls are built on that.
//
// Waiting suspends the guest through JSPI: `block` and `poll` return a promise when nothing is
// ready, and the runtime imports them as `WebAssembly.Suspending` functions, so Node's event
// loop runs (timers fire, sockets deliver) while the guest waits (RATIONALE.md, "What is
// synchronous in WASI, and why?"). Without JSPI the thread itself must wait: possible for a
// clock (the thread sleeps), impossible for I/O, whose events need the event loop; such a
// wait fails with an error that names the cause rather than hanging.
import type { Clocks } from '../../shared/clocks.ts';

/** What every 0.2 host object that may wait needs to know about its host. */
export interface IoContext {
  readonly clocks: Clocks;
  /** Waits suspend the guest through JSPI (the host functions may return promises). */
  readonly jspi: boolean;
}

/** The readiness of something a guest may wait for. */
export interface Readiness {
  /** Whether the event has happened (never waits, never starts a wait). */
  isReady(): boolean;
  /**
   * Settles when `isReady()` may have become true (callers check again), or at once when
   * `signal` aborts: the wait is then abandoned and its timers and listeners released.
   */
  whenReady(signal: AbortSignal): Promise<void>;
  /** For a clock: the monotonic time (ns) at which it becomes ready, so a thread can sleep until then. */
  readonly deadline?: bigint;
}

/** The host failure of a wait that cannot happen without JSPI (it traps the guest). */
export function wouldBlock(what: string): Error {
  return new Error(`${what} would wait for I/O, which needs JSPI (WebAssembly.Suspending, Node 24): this host runs without it`);
}

/**
 * The reason a wait that lost is aborted with: any value but undefined, so that `abort` does
 * not make a DOMException (with its stack: 6% of a request that reads a body, under load).
 */
export const ABANDONED = 'abandoned';

/** A readiness that is always ready (a file, a closed stream). */
export const ALWAYS_READY: Readiness = { isReady: () => true, whenReady: () => Promise.resolve() };

/** The `pollable` resource. */
export class Pollable {
  readonly #io: IoContext;
  readonly #on: Readiness;

  constructor(io: IoContext, on: Readiness) {
    this.#io = io;
    this.#on = on;
  }

  /** The readiness this pollable reports (for `poll` and host code). */
  get readiness(): Readiness {
    return this.#on;
  }

  /** `[method]pollable.ready` */
  ready(): boolean {
    return this.#on.isReady();
  }

  /** `[method]pollable.block`: returns at once when ready, else (under JSPI) a promise. */
  block(): void | Promise<void> {
    if (this.#on.isReady()) return;
    const r = waitFor(this.#io, [this.#on], 'pollable.block');
    if (r instanceof Promise) return r.then(() => undefined);
  }
}

/**
 * Waits until at least one readiness is ready; its promise gives the indices of all that are.
 * Without JSPI only clocks can be waited for (the thread sleeps until the earliest).
 */
export function waitFor(io: IoContext, list: readonly Readiness[], what: string): Promise<Uint32Array> | Uint32Array {
  const now = readyIndices(list);
  if (now.length > 0) return now;
  if (!io.jspi) {
    let soonest: bigint | undefined;
    for (const r of list) {
      if (r.deadline === undefined) continue;
      if (soonest === undefined || r.deadline < soonest) soonest = r.deadline;
    }
    if (soonest === undefined) throw wouldBlock(what);
    io.clocks.sleep(soonest - io.clocks.monotonic());
    return readyIndices(list);
  }
  return waitAsync(list);
}

async function waitAsync(list: readonly Readiness[]): Promise<Uint32Array> {
  for (;;) {
    const ac = new AbortController();
    try {
      await Promise.race(list.map((r) => r.whenReady(ac.signal)));
    } finally {
      ac.abort(ABANDONED); // the waits that lost release their timers and listeners
    }
    const ready = readyIndices(list);
    if (ready.length > 0) return ready;
  }
}

function readyIndices(list: readonly Readiness[]): Uint32Array {
  let n = 0;
  for (const r of list) if (r.isReady()) n++;
  const out = new Uint32Array(n);
  if (n === 0) return out;
  let k = 0;
  for (let i = 0; i < list.length; i++) if (list[i].isReady()) out[k++] = i;
  return out;
}

/**
 * `poll`: the indices of the ready pollables, waiting until one is. An empty list is an error
 * the guest cannot handle (wasmtime traps: "empty poll list"); so is a list longer than u32.
 */
export function poll(io: IoContext, list: readonly Pollable[]): Uint32Array | Promise<Uint32Array> {
  if (list.length === 0) throw new Error('poll: empty poll list');
  return waitFor(io, list.map((p) => p.readiness), 'poll');
}

/** Timers take at most 2^31 - 1 ms; a longer wait sleeps a day at a time (waiters check again). */
const MAX_TIMER_NS = 86_400n * 1_000_000_000n;

/** A clock's readiness: ready once the monotonic clock reaches `deadline` (ns). */
export function deadlineReadiness(clocks: Clocks, deadline: bigint): Readiness {
  return {
    deadline,
    isReady: () => clocks.monotonic() >= deadline,
    whenReady(signal) {
      const left = deadline - clocks.monotonic();
      return clocks.sleepAsync(left > MAX_TIMER_NS ? MAX_TIMER_NS : left, signal);
    },
  };
}
