// filestat and the time flags shared by fd_* and path_* calls
// (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-filestat-record).
import type { Stat, Times } from '../vfs/types.ts';
import { FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW, FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW } from './constants.ts';
import { filetypeOf, type WasiContext } from './context.ts';
import { EFAULT, EINVAL, ESUCCESS, type Errno } from '../vfs/errno.ts';
import type { GuestMemory } from './memory.ts';

export const FILESTAT_SIZE = 64;

export function writeFilestat(m: GuestMemory, ptr: number, s: Stat): Errno {
  if (!m.ok(ptr, FILESTAT_SIZE)) return EFAULT;
  const p = ptr >>> 0;
  const dv = m.dv;
  dv.setBigUint64(p, s.dev, true);
  dv.setBigUint64(p + 8, s.ino, true);
  dv.setUint8(p + 16, filetypeOf(s.kind));
  for (let i = 17; i < 24; i++) dv.setUint8(p + i, 0);
  dv.setBigUint64(p + 24, s.nlink, true);
  dv.setBigUint64(p + 32, s.size, true);
  dv.setBigUint64(p + 40, s.atim, true);
  dv.setBigUint64(p + 48, s.mtim, true);
  dv.setBigUint64(p + 56, s.ctim, true);
  return ESUCCESS;
}

/** The times fst_flags ask for; EINVAL when a time is both given and "now", or for unknown bits. */
export function timesOf(ctx: WasiContext, atim: bigint, mtim: bigint, flags: number): Times | Errno {
  if ((flags & ~0xf) !== 0) return EINVAL;
  if ((flags & FSTFLAGS_ATIM) && (flags & FSTFLAGS_ATIM_NOW)) return EINVAL;
  if ((flags & FSTFLAGS_MTIM) && (flags & FSTFLAGS_MTIM_NOW)) return EINVAL;
  const now = (flags & (FSTFLAGS_ATIM_NOW | FSTFLAGS_MTIM_NOW)) !== 0 ? ctx.clocks.realtime() : 0n;
  return {
    atim: flags & FSTFLAGS_ATIM ? BigInt.asUintN(64, atim) : flags & FSTFLAGS_ATIM_NOW ? now : undefined,
    mtim: flags & FSTFLAGS_MTIM ? BigInt.asUintN(64, mtim) : flags & FSTFLAGS_MTIM_NOW ? now : undefined,
  };
}
