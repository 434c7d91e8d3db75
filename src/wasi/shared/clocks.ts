// Clocks every WASI host reads (preview1's clock_time_get and poll_oneoff, 0.2's wasi:clocks
// and pollables): an interface a host may replace (a browser has no CPU-time clock; tests want
// fixed time) and a default from web-standard APIs, so it runs in browsers as in Node.

/** Clocks a host may replace (a browser has no CPU-time clock; tests want fixed time). */
export interface Clocks {
  /** Nanoseconds since the Unix epoch. */
  realtime(): bigint;
  /** Nanoseconds since an arbitrary start, never decreasing. */
  monotonic(): bigint;
  /** CPU time of the process in nanoseconds. */
  cpuTime(): bigint;
  /** Blocks for `ns` nanoseconds (poll_oneoff on a clock). */
  sleep(ns: bigint): void;
  /** Settles after `ns` nanoseconds, or at once when `signal` aborts (poll_oneoff under JSPI). */
  sleepAsync(ns: bigint, signal?: AbortSignal): Promise<void>;
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
