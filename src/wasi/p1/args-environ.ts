// args_* and environ_*: NUL-terminated strings and a pointer array
// (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-args_getargv-pointerpointeru8-argv_buf-pointeru8---result-errno).
import type { WasiContext } from './context.ts';
import { type Defs, errnoFn } from './defs.ts';
import { EFAULT, ESUCCESS } from '../vfs/errno.ts';
import { encodeUtf8 } from './memory.ts';

function strings(list: readonly string[]): Uint8Array[] {
  return list.map((s) => {
    const b = encodeUtf8(s);
    const z = new Uint8Array(b.length + 1);
    z.set(b);
    return z;
  });
}

function getter(ctx: WasiContext, encoded: Uint8Array[]) {
  return (ptrs: number, buf: number): number => {
    const m = ctx.memory.refresh();
    const total = encoded.reduce((n, b) => n + b.length, 0);
    if (!m.ok(ptrs, encoded.length * 4) || !m.ok(buf, total)) return EFAULT;
    let at = buf >>> 0;
    encoded.forEach((b, i) => {
      m.dv.setUint32((ptrs >>> 0) + i * 4, at, true);
      m.u8.set(b, at);
      at += b.length;
    });
    return ESUCCESS;
  };
}

function sizes(ctx: WasiContext, encoded: Uint8Array[]) {
  return (countPtr: number, sizePtr: number): number => {
    const m = ctx.memory.refresh();
    if (!m.ok(countPtr, 4) || !m.ok(sizePtr, 4)) return EFAULT;
    m.setU32(countPtr, encoded.length);
    m.setU32(sizePtr, encoded.reduce((n, b) => n + b.length, 0));
    return ESUCCESS;
  };
}

export function argsEnvironFunctions(ctx: WasiContext): Defs {
  const args = strings(ctx.args);
  const env = strings(ctx.env);
  return {
    args_get: errnoFn('ii', getter(ctx, args)),
    args_sizes_get: errnoFn('ii', sizes(ctx, args)),
    environ_get: errnoFn('ii', getter(ctx, env)),
    environ_sizes_get: errnoFn('ii', sizes(ctx, env)),
  };
}
