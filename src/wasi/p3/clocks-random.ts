// wasi:clocks@0.3.0 and wasi:random@0.3.0
// (https://github.com/WebAssembly/WASI/tree/v0.3.0/proposals/clocks/wit, .../random/wit).
// The clocks read the host's Clocks (src/wasi/shared/clocks.ts); waiting is an `async` function
// in 0.3, so `wait-for` and `wait-until` return promises and the calling task blocks on its
// own stack meanwhile (no pollables). Randomness is the host's CSPRNG, and the insecure
// interfaces draw from it too (a CSPRNG is an acceptable insecure source).
import type { Clocks } from '../shared/clocks.ts';

/** `wasi:clocks/monotonic-clock`: nanoseconds since an arbitrary start. */
export function monotonicClock(clocks: Clocks) {
  return {
    now: (): bigint => clocks.monotonic(),
    'get-resolution': (): bigint => 1000n,
    'wait-until': async (when: bigint): Promise<void> => {
      const now = clocks.monotonic();
      if (when > now) await clocks.sleepAsync(when - now);
    },
    'wait-for': async (howLong: bigint): Promise<void> => {
      if (howLong > 0n) await clocks.sleepAsync(howLong);
    },
  };
}

/** `wasi:clocks/system-clock`: seconds and nanoseconds since the Unix epoch. */
export function systemClock(clocks: Clocks) {
  return {
    now: (): { seconds: bigint; nanoseconds: number } => {
      const ns = clocks.realtime();
      const seconds = ns / 1_000_000_000n - (ns < 0n && ns % 1_000_000_000n !== 0n ? 1n : 0n);
      return { seconds, nanoseconds: Number(ns - seconds * 1_000_000_000n) };
    },
    'get-resolution': (): bigint => 1000n,
  };
}

/** Random bytes, at most 64 KiB per call as wasmtime gives (the guest asks again for more). */
function bytes(random: (into: Uint8Array) => void, maxLen: bigint): Uint8Array {
  const out = new Uint8Array(maxLen > 65536n ? 65536 : Number(maxLen));
  random(out);
  return out;
}

function u64(random: (into: Uint8Array) => void): bigint {
  const b = new Uint8Array(8);
  random(b);
  return new DataView(b.buffer).getBigUint64(0, true);
}

/** `wasi:random/random`, `insecure` and `insecure-seed`. */
export function randomInterfaces(random: (into: Uint8Array) => void) {
  return {
    random: {
      'get-random-bytes': (maxLen: bigint): Uint8Array => bytes(random, maxLen),
      'get-random-u64': (): bigint => u64(random),
    },
    insecure: {
      'get-insecure-random-bytes': (maxLen: bigint): Uint8Array => bytes(random, maxLen),
      'get-insecure-random-u64': (): bigint => u64(random),
    },
    'insecure-seed': {
      'get-insecure-seed': (): [bigint, bigint] => [u64(random), u64(random)],
    },
  };
}
