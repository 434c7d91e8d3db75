// sock_* (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-sock_acceptfd-fd-flags-fdflags---resultfd-errno).
// Preview1 has no socket creation: a guest accepts connections on listening sockets the host
// preopens (after the preopened directories, as wasmtime's `--tcplisten`), then reads, writes
// and shuts them down. The sockets themselves come from the platform adapter (SocketListener,
// SocketConnection in descriptors.ts). Accepting and receiving wait for the network: under
// JSPI they suspend the guest; run synchronously, they answer EAGAIN while nothing is there.
//
// Errno values follow wasmtime's wasi-common preview1 host (crates/wasi-common/src/snapshots/preview_1.rs
// and file.rs): a descriptor that is not a socket of the right kind is EBADF (the `WasiFile`
// defaults for sock_accept, sock_recv, sock_send and sock_shutdown), receive flags other than
// none are not supported, and a shutdown with neither direction is EINVAL.
import { FDFLAGS_NONBLOCK, RIGHT_FD_FDSTAT_SET_FLAGS, RIGHT_FD_FILESTAT_GET, RIGHT_FD_READ, RIGHT_FD_WRITE, RIGHT_POLL_FD_READWRITE, RIGHT_SOCK_SHUTDOWN } from './constants.ts';
import type { WasiContext } from './context.ts';
import { type Defs, errnoFn } from './defs.ts';
import type { SocketConnection, SocketListener, StreamDesc } from './descriptors.ts';
import { EAGAIN, EBADF, EFAULT, EINVAL, ENOTSUP, ESUCCESS } from '../vfs/errno.ts';
import { streamRead } from './fd.ts';

const SDFLAGS_RD = 1;
const SDFLAGS_WR = 2;

/** An accepted connection's rights: a bidirectional stream that can be shut down. */
export const RIGHTS_CONNECTION = RIGHT_FD_READ | RIGHT_FD_WRITE | RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_FILESTAT_GET |
  RIGHT_POLL_FD_READWRITE | RIGHT_SOCK_SHUTDOWN;

export function sockFunctions(ctx: WasiContext): Defs {
  const m = ctx.memory;

  const listener = (fd: number): { d: StreamDesc; l: SocketListener } | number => {
    const d = ctx.fds.get(fd);
    if (d === undefined || d.type !== 'stream' || d.socket?.kind !== 'listener') return EBADF;
    return { d, l: d.socket };
  };
  const connection = (fd: number): { d: StreamDesc; c: SocketConnection } | number => {
    const d = ctx.fds.get(fd);
    if (d === undefined || d.type !== 'stream' || d.socket?.kind !== 'connection') return EBADF;
    return { d, c: d.socket };
  };
  /** Whether a call on `d` may wait: the guest runs through JSPI and the descriptor is blocking. */
  const mayWait = (d: StreamDesc) => ctx.jspi && (d.fdflags & FDFLAGS_NONBLOCK) === 0;

  const accept = (fd: number, flags: number, fdPtr: number): number | Promise<number> => {
    const s = listener(fd);
    if (typeof s === 'number') return s;
    if ((flags & ~FDFLAGS_NONBLOCK) !== 0) return EINVAL;
    if (!m.refresh().ok(fdPtr, 4)) return EFAULT;
    const c = s.l.accept();
    if (c === undefined) {
      const wait = mayWait(s.d) ? s.l.whenReadable() : undefined;
      return wait === undefined ? EAGAIN : wait.then(() => accept(fd, flags, fdPtr));
    }
    const newFd = ctx.fds.add({
      type: 'stream', input: c.input, output: c.output, socket: c, tty: false,
      rights: RIGHTS_CONNECTION, inheriting: 0, fdflags: flags,
    });
    m.refresh().setU32(fdPtr, newFd);
    return ESUCCESS;
  };

  const recv = (fd: number, iovs: number, iovsLen: number, riFlags: number, nreadPtr: number, roFlagsPtr: number): number | Promise<number> => {
    const s = connection(fd);
    if (typeof s === 'number') return s;
    if (riFlags !== 0) return ENOTSUP;
    m.refresh();
    const bufs = m.iovecs(iovs, iovsLen);
    if (typeof bufs === 'number') return bufs;
    if (!m.ok(nreadPtr, 4) || !m.ok(roFlagsPtr, 2)) return EFAULT;
    const wait = mayWait(s.d) ? s.c.input.whenReadable?.() : undefined;
    if (wait !== undefined) return wait.then(() => recv(fd, iovs, iovsLen, riFlags, nreadPtr, roFlagsPtr));
    const n = streamRead(s.d, bufs);
    if (n < 0) return -n;
    m.refresh().setU32(nreadPtr, n);
    m.dv.setUint16(roFlagsPtr >>> 0, 0, true);
    return ESUCCESS;
  };

  return {
    sock_accept: { ...errnoFn('iii', accept), suspending: ctx.jspi },
    sock_recv: { ...errnoFn('iiiiii', recv), suspending: ctx.jspi },
    // Sending never waits: the platform buffers what the peer has not taken yet.
    sock_send: errnoFn('iiiii', (fd: number, iovs: number, iovsLen: number, _siFlags: number, nwrittenPtr: number) => {
      const s = connection(fd);
      if (typeof s === 'number') return s;
      m.refresh();
      const bufs = m.iovecs(iovs, iovsLen);
      if (typeof bufs === 'number') return bufs;
      if (!m.ok(nwrittenPtr, 4)) return EFAULT;
      let total = 0;
      for (const b of bufs) {
        if (b.length === 0) continue;
        s.c.output.write(b);
        total += b.length;
      }
      m.refresh().setU32(nwrittenPtr, total);
      return ESUCCESS;
    }),
    sock_shutdown: errnoFn('ii', (fd: number, how: number) => {
      const s = connection(fd);
      if (typeof s === 'number') return s;
      if (how === 0 || (how & ~(SDFLAGS_RD | SDFLAGS_WR)) !== 0) return EINVAL;
      s.c.shutdown((how & SDFLAGS_RD) !== 0, (how & SDFLAGS_WR) !== 0);
      return ESUCCESS;
    }),
  };
}
