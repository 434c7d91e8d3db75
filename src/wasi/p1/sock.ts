// sock_* (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-sock_acceptfd-fd-flags-fdflags---resultfd-errno).
// Preview1 sockets exist only as descriptors the host preopens; Tessera's host preopens
// none yet, so every open descriptor is not a socket (ENOTSOCK) and others are EBADF.
import type { WasiContext } from './context.ts';
import { type Defs, errnoFn } from './defs.ts';
import { EBADF, ENOTSOCK } from './errno.ts';

export function sockFunctions(ctx: WasiContext): Defs {
  const notSocket = (fd: number) => (ctx.fds.get(fd) === undefined ? EBADF : ENOTSOCK);
  return {
    sock_accept: errnoFn('iii', notSocket),
    sock_recv: errnoFn('iiiiii', notSocket),
    sock_send: errnoFn('iiiii', notSocket),
    sock_shutdown: errnoFn('ii', notSocket),
  };
}
