// random_get (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-random_getbuf-pointeru8-buf_len-size---result-errno):
// the host's random source (by default the Web Crypto CSPRNG, src/wasi/shared/random.ts).
import type { WasiContext } from './context.ts';
import { type Defs, errnoFn } from './defs.ts';
import { ESUCCESS } from '../vfs/errno.ts';

export function randomFunctions(ctx: WasiContext): Defs {
  return {
    random_get: errnoFn('ii', (ptr: number, len: number) => {
      const b = ctx.memory.refresh().bytes(ptr, len);
      if (typeof b === 'number') return b;
      ctx.random(b);
      return ESUCCESS;
    }),
  };
}
