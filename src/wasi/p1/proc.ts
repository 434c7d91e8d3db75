// proc_exit, proc_raise, sched_yield
// (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-proc_exitrval-exitcode).
// proc_exit unwinds the guest with a WasiExit that `start` turns into the exit code: the
// host process keeps running.
import { WasiExit } from '../../core/errors.ts';
import type { Defs } from './defs.ts';
import { errnoFn } from './defs.ts';
import { ENOSYS, ESUCCESS } from '../vfs/errno.ts';

export { WasiExit };

export function procFunctions(): Defs {
  return {
    proc_exit: {
      params: ['i32'], results: [],
      fn: (code: number) => {
        throw new WasiExit(code >>> 0);
      },
    },
    // Signals have no meaning in a sandbox; wasmtime refuses the call too.
    proc_raise: errnoFn('i', () => ENOSYS),
    sched_yield: errnoFn('', () => ESUCCESS),
  };
}
