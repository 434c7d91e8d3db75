// random_get (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-random_getbuf-pointeru8-buf_len-size---result-errno):
// the Web Crypto CSPRNG, which Node and browsers both provide. getRandomValues fills at most
// 65536 bytes per call and refuses views of shared memory, so larger or shared requests go
// through a scratch buffer in chunks.
import type { WasiContext } from './context.ts';
import { type Defs, errnoFn } from './defs.ts';
import { ESUCCESS } from './errno.ts';

const CHUNK = 65536;
const scratch = new Uint8Array(CHUNK);

export function cryptoRandom(into: Uint8Array): void {
  const direct = into.buffer instanceof ArrayBuffer;
  for (let at = 0; at < into.length; at += CHUNK) {
    const n = Math.min(CHUNK, into.length - at);
    if (direct) crypto.getRandomValues(into.subarray(at, at + n) as Uint8Array<ArrayBuffer>);
    else {
      crypto.getRandomValues(scratch.subarray(0, n));
      into.set(scratch.subarray(0, n), at);
    }
  }
}

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
