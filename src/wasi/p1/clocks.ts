// clock_res_get and clock_time_get
// (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-clock_time_getid-clockid-precision-timestamp---resulttimestamp-errno).
// Pure and fast, so synchronous. The thread CPU clock is the process's: a preview1 guest has
// one thread.
import { CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME, CLOCK_REALTIME, CLOCK_THREAD_CPUTIME } from './constants.ts';
import type { Clocks, WasiContext } from './context.ts';
import { type Defs, errnoFn } from './defs.ts';
import { EFAULT, EINVAL, ESUCCESS } from './errno.ts';

/** The time of clock `id`, or undefined for an unknown clock. */
export function clockNow(clocks: Clocks, id: number): bigint | undefined {
  switch (id) {
    case CLOCK_REALTIME: return clocks.realtime();
    case CLOCK_MONOTONIC: return clocks.monotonic();
    case CLOCK_PROCESS_CPUTIME:
    case CLOCK_THREAD_CPUTIME: return clocks.cpuTime();
    default: return undefined;
  }
}

/** Clocks from web-standard APIs: performance.now() is monotonic with microsecond resolution or better. */
export function defaultClocks(): Clocks {
  const origin = performance.timeOrigin;
  const start = performance.now();
  return {
    realtime: () => BigInt(Math.round((origin + performance.now()) * 1e6)),
    monotonic: () => BigInt(Math.round(performance.now() * 1e6)),
    // Without a CPU clock (browsers), time since start is the closest honest answer.
    cpuTime: () => BigInt(Math.round((performance.now() - start) * 1e6)),
    sleep: sleepBlocking,
    sleepAsync,
  };
}

/** A timer: setTimeout is in every JavaScript host (browsers, Node, Deno). */
export function sleepAsync(ns: bigint, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    // Timers may fire up to a millisecond early in whole milliseconds; round up.
    const timer = setTimeout(done, Math.ceil(Number(ns) / 1e6));
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

const sleeper = typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : undefined;

/** Blocks the thread: Atomics.wait where allowed (Node, workers), else a busy wait. */
export function sleepBlocking(ns: bigint): void {
  if (ns <= 0n) return;
  const ms = Number(ns) / 1e6;
  if (sleeper !== undefined) {
    try {
      Atomics.wait(sleeper, 0, 0, ms);
      return;
    } catch {
      // A browser's main thread may not wait; fall through.
    }
  }
  const end = performance.now() + ms;
  while (performance.now() < end) { /* busy wait */ }
}

export function clockFunctions(ctx: WasiContext): Defs {
  return {
    clock_res_get: errnoFn('ii', (id: number, ptr: number) => {
      if (id < 0 || id > CLOCK_THREAD_CPUTIME) return EINVAL;
      return ctx.memory.refresh().setU64(ptr, 1000n) ? ESUCCESS : EFAULT;
    }),
    clock_time_get: errnoFn('iIi', (id: number, _precision: bigint, ptr: number) => {
      const t = clockNow(ctx.clocks, id);
      if (t === undefined) return EINVAL;
      return ctx.memory.refresh().setU64(ptr, t) ? ESUCCESS : EFAULT;
    }),
  };
}
