// wasi:clocks (https://github.com/WebAssembly/WASI/blob/main/proposals/clocks/wit/): the
// monotonic clock (u64 nanoseconds, with pollables for an instant or a duration) and the
// wall clock (seconds and nanoseconds since the Unix epoch). Both read the host's Clocks
// (src/wasi/shared/clocks.ts), the same the preview1 host reads, so tests can fix time.
import { deadlineReadiness, type IoContext, Pollable } from './io/poll.ts';

export interface Datetime {
  readonly seconds: bigint;
  readonly nanoseconds: number;
}

const NS = 1_000_000_000n;
/** performance.now() resolves to microseconds or better in Node; browsers coarsen it further. */
const RESOLUTION_NS = 1000n;

/** A time in nanoseconds since the epoch as a `datetime`. */
export function datetimeOf(ns: bigint): Datetime {
  return { seconds: ns / NS, nanoseconds: Number(ns % NS) };
}

/** `wasi:clocks/monotonic-clock` */
export function monotonicClock(io: IoContext) {
  const { clocks } = io;
  return {
    now: (): bigint => clocks.monotonic(),
    resolution: (): bigint => RESOLUTION_NS,
    'subscribe-instant': (when: bigint): Pollable => new Pollable(io, deadlineReadiness(clocks, when)),
    'subscribe-duration': (when: bigint): Pollable => new Pollable(io, deadlineReadiness(clocks, clocks.monotonic() + when)),
  };
}

/** `wasi:clocks/wall-clock` */
export function wallClock(io: IoContext) {
  const { clocks } = io;
  return {
    now: (): Datetime => datetimeOf(clocks.realtime()),
    resolution: (): Datetime => datetimeOf(RESOLUTION_NS),
  };
}
