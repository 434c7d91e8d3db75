// clock_res_get and clock_time_get
// (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-clock_time_getid-clockid-precision-timestamp---resulttimestamp-errno).
// Pure and fast, so synchronous. The thread CPU clock is the process's: a preview1 guest has
// one thread.
import { CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME, CLOCK_REALTIME, CLOCK_THREAD_CPUTIME } from './constants.ts';
import type { Clocks } from '../shared/clocks.ts';
import type { WasiContext } from './context.ts';
import { type Defs, errnoFn } from './defs.ts';
import { EFAULT, EINVAL, ESUCCESS } from '../vfs/errno.ts';

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
