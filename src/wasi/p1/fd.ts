// fd_* functions (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-fd_advisefd-fd-offset-filesize-len-filesize-advice-advice---result-errno).
// Errno choices follow wasmtime's preview1 host: calls that need a regular file answer EBADF
// on directories, seeking a stream is ESPIPE, fd_allocate is ENOTSUP, a short prestat name
// buffer is ENAMETOOLONG.
import {
  FDFLAGS_APPEND, FDFLAGS_NONBLOCK, FILETYPE_CHARACTER_DEVICE, FILETYPE_SOCKET_STREAM, FILETYPE_UNKNOWN, PREOPENTYPE_DIR,
  RIGHT_FD_ADVISE, RIGHT_FD_DATASYNC, RIGHT_FD_FDSTAT_SET_FLAGS, RIGHT_FD_FILESTAT_GET, RIGHT_FD_FILESTAT_SET_SIZE,
  RIGHT_FD_FILESTAT_SET_TIMES, RIGHT_FD_READ, RIGHT_FD_READDIR, RIGHT_FD_SEEK, RIGHT_FD_SYNC, RIGHT_FD_TELL,
  RIGHT_FD_WRITE, rightsOf, WHENCE_CUR, WHENCE_END, WHENCE_SET,
} from './constants.ts';
import { filetypeOf, type WasiContext } from './context.ts';
import { type Defs, errnoFn } from './defs.ts';
import { closeDesc, type Desc, type FileDesc, type StreamDesc } from './descriptors.ts';
import {
  EAGAIN, EBADF, EFAULT, EINVAL, EISDIR, ENAMETOOLONG, ENOTCAPABLE, ENOTSUP, EPERM, ESPIPE, ESUCCESS,
} from '../vfs/errno.ts';
import { encodeUtf8 } from './memory.ts';
import { timesOf, writeFilestat } from './filestat.ts';

const DIRENT_SIZE = 24;
const U64_MAX_SIGNED = 2n ** 63n - 1n;

/** Reads into the iovecs from a file at `position`: the count read, or a negated errno. */
function readFile(d: FileDesc, bufs: Uint8Array[], position: bigint): number {
  let total = 0;
  for (const b of bufs) {
    if (b.length === 0) continue;
    const n = d.handle.read(b, position + BigInt(total));
    if (n < 0) return n;
    total += n;
    if (n < b.length) break;
  }
  return total;
}

function writeFile(d: FileDesc, bufs: Uint8Array[], position: bigint): number {
  let total = 0;
  for (const b of bufs) {
    if (b.length === 0) continue;
    const n = d.handle.write(b, position + BigInt(total));
    if (n < 0) return n;
    total += n;
  }
  return total;
}

/** Reads a stream into the iovecs: the count read, or a negated errno (EAGAIN: nothing yet, and it cannot block). */
export function streamRead(d: Desc, bufs: Uint8Array[]): number {
  if (d.type !== 'stream' || d.input === undefined) return -EBADF;
  let total = 0;
  for (const b of bufs) {
    if (b.length === 0) continue;
    const chunk = d.input.read(b.length);
    if (chunk === undefined) return total > 0 ? total : -EAGAIN;
    b.set(chunk);
    total += chunk.length;
    if (chunk.length < b.length) break;
  }
  return total;
}

/** What fd_fdstat_get and fd_filestat_get call a stream. */
export function streamFiletype(d: StreamDesc): number {
  if (d.socket !== undefined) return FILETYPE_SOCKET_STREAM;
  return d.tty ? FILETYPE_CHARACTER_DEVICE : FILETYPE_UNKNOWN;
}

export function fdFunctions(ctx: WasiContext): Defs {
  const m = ctx.memory;

  const read = (fd: number, iovs: number, iovsLen: number, nreadPtr: number): number | Promise<number> => {
    m.refresh();
    const d = ctx.fds.get(fd);
    if (d === undefined) return EBADF;
    const bufs = m.iovecs(iovs, iovsLen);
    if (typeof bufs === 'number') return bufs;
    if (!m.ok(nreadPtr, 4)) return EFAULT;
    let n: number;
    if (d.type === 'file') {
      if (!d.readable) return EBADF;
      n = readFile(d, bufs, d.position);
      if (n >= 0) d.position += BigInt(n);
    } else if (d.type === 'dir') return EISDIR;
    else {
      // A stream that must wait suspends the guest when it runs through JSPI (and the
      // descriptor is blocking); the read itself then finds its bytes.
      const wait = ctx.jspi && (d.fdflags & FDFLAGS_NONBLOCK) === 0 ? d.input?.whenReadable?.() : undefined;
      if (wait !== undefined) return wait.then(() => read(fd, iovs, iovsLen, nreadPtr));
      n = streamRead(d, bufs);
    }
    if (n < 0) return -n;
    // Guest memory may have grown while a callback ran.
    m.refresh().setU32(nreadPtr, n);
    return ESUCCESS;
  };

  const write = (fd: number, iovs: number, iovsLen: number, nwrittenPtr: number): number => {
    m.refresh();
    const d = ctx.fds.get(fd);
    if (d === undefined) return EBADF;
    const bufs = m.iovecs(iovs, iovsLen);
    if (typeof bufs === 'number') return bufs;
    if (!m.ok(nwrittenPtr, 4)) return EFAULT;
    let total = 0;
    if (d.type === 'stream') {
      if (d.output === undefined) return EBADF;
      for (const b of bufs) {
        if (b.length === 0) continue;
        d.output.write(b);
        total += b.length;
      }
    } else if (d.type === 'file') {
      if (!d.writable) return EBADF;
      const n = writeFile(d, bufs, d.position);
      if (n < 0) return -n;
      total = n;
      if (d.fdflags & FDFLAGS_APPEND) {
        const s = d.handle.stat();
        if (typeof s !== 'number') d.position = s.size;
      } else d.position += BigInt(total);
    } else return EISDIR;
    m.refresh().setU32(nwrittenPtr, total);
    return ESUCCESS;
  };

  return {
    fd_read: { ...errnoFn('iiii', read), suspending: ctx.jspi },
    fd_write: errnoFn('iiii', write),

    fd_pread: errnoFn('iiiIi', (fd: number, iovs: number, iovsLen: number, offset: bigint, nreadPtr: number) => {
      m.refresh();
      const d = ctx.fds.get(fd);
      if (d === undefined) return EBADF;
      if (d.type === 'stream') return ESPIPE;
      if (d.type !== 'file' || !d.readable) return EBADF;
      if (offset < 0n) return EINVAL;
      const bufs = m.iovecs(iovs, iovsLen);
      if (typeof bufs === 'number') return bufs;
      if (!m.ok(nreadPtr, 4)) return EFAULT;
      const n = readFile(d, bufs, offset);
      if (n < 0) return -n;
      m.setU32(nreadPtr, n);
      return ESUCCESS;
    }),

    fd_pwrite: errnoFn('iiiIi', (fd: number, iovs: number, iovsLen: number, offset: bigint, nwrittenPtr: number) => {
      m.refresh();
      const d = ctx.fds.get(fd);
      if (d === undefined) return EBADF;
      if (d.type === 'stream') return ESPIPE;
      if (d.type !== 'file' || !d.writable) return EBADF;
      if (offset < 0n) return EINVAL;
      const bufs = m.iovecs(iovs, iovsLen);
      if (typeof bufs === 'number') return bufs;
      if (!m.ok(nwrittenPtr, 4)) return EFAULT;
      const n = writeFile(d, bufs, offset);
      if (n < 0) return -n;
      m.setU32(nwrittenPtr, n);
      return ESUCCESS;
    }),

    fd_seek: errnoFn('iIii', (fd: number, offset: bigint, whence: number, newPtr: number) => {
      const d = ctx.fds.get(fd);
      if (d === undefined) return EBADF;
      if (d.type === 'stream') return ESPIPE;
      if (d.type !== 'file') return EBADF;
      if ((d.rights & RIGHT_FD_SEEK) === 0 && !(offset === 0n && whence === WHENCE_CUR)) return ENOTCAPABLE;
      let base: bigint;
      if (whence === WHENCE_SET) base = 0n;
      else if (whence === WHENCE_CUR) base = d.position;
      else if (whence === WHENCE_END) {
        const s = d.handle.stat();
        if (typeof s === 'number') return s;
        base = s.size;
      } else return EINVAL;
      const to = base + offset;
      if (to < 0n || to > U64_MAX_SIGNED) return EINVAL;
      if (!m.refresh().setU64(newPtr, to)) return EFAULT;
      d.position = to;
      return ESUCCESS;
    }),

    fd_tell: errnoFn('ii', (fd: number, ptr: number) => {
      const d = ctx.fds.get(fd);
      if (d === undefined) return EBADF;
      if (d.type === 'stream') return ESPIPE;
      if (d.type !== 'file') return EBADF;
      if ((d.rights & RIGHT_FD_TELL) === 0) return ENOTCAPABLE;
      return m.refresh().setU64(ptr, d.position) ? ESUCCESS : EFAULT;
    }),

    fd_close: errnoFn('i', (fd: number) => {
      const d = ctx.fds.take(fd);
      if (d === undefined) return EBADF;
      closeDesc(d);
      return ESUCCESS;
    }),

    fd_renumber: errnoFn('ii', (from: number, to: number) => {
      const d = ctx.fds.get(from);
      if (d === undefined || ctx.fds.get(to) === undefined) return EBADF;
      if (from === to) return ESUCCESS;
      const old = ctx.fds.take(to);
      if (old !== undefined) closeDesc(old);
      ctx.fds.take(from);
      ctx.fds.set(to, d);
      return ESUCCESS;
    }),

    fd_advise: errnoFn('iIIi', (fd: number, offset: bigint, len: bigint, advice: number) => {
      const d = ctx.desc(fd, RIGHT_FD_ADVISE);
      if (typeof d === 'number') return d;
      if (d.type !== 'file') return EBADF;
      if (advice < 0 || advice > 5 || offset < 0n || len < 0n) return EINVAL;
      // Advice changes no observable behaviour; accepting it is what POSIX allows.
      return ESUCCESS;
    }),

    fd_allocate: errnoFn('iII', (fd: number) => {
      const d = ctx.fds.get(fd);
      if (d === undefined || d.type !== 'file') return EBADF;
      // wasmtime's preview1 host dropped fd_allocate (preview2 has no equivalent).
      return ENOTSUP;
    }),

    fd_datasync: errnoFn('i', (fd: number) => {
      const d = ctx.desc(fd, RIGHT_FD_DATASYNC);
      if (typeof d === 'number') return d;
      if (d.type === 'stream') return EINVAL;
      return d.handle.sync();
    }),

    fd_sync: errnoFn('i', (fd: number) => {
      const d = ctx.desc(fd, RIGHT_FD_SYNC);
      if (typeof d === 'number') return d;
      if (d.type === 'stream') return EINVAL;
      return d.handle.sync();
    }),

    fd_fdstat_get: errnoFn('ii', (fd: number, ptr: number) => {
      m.refresh();
      const d = ctx.fds.get(fd);
      if (d === undefined) return EBADF;
      if (!m.ok(ptr, 24)) return EFAULT;
      const p = ptr >>> 0;
      const type = d.type === 'stream' ? streamFiletype(d) : filetypeOf(d.handle.kind);
      m.dv.setUint8(p, type);
      m.dv.setUint8(p + 1, 0);
      m.dv.setUint16(p + 2, d.fdflags, true);
      m.dv.setUint32(p + 4, 0, true);
      m.dv.setBigUint64(p + 8, BigInt(d.rights), true);
      m.dv.setBigUint64(p + 16, BigInt(d.inheriting), true);
      return ESUCCESS;
    }),

    fd_fdstat_set_flags: errnoFn('ii', (fd: number, flags: number) => {
      const d = ctx.desc(fd, RIGHT_FD_FDSTAT_SET_FLAGS);
      if (typeof d === 'number') return d;
      if ((flags & ~0x1f) !== 0) return EINVAL;
      // Append and non-blocking can change on an open descriptor; the sync flags are chosen at open.
      if ((flags & ~(FDFLAGS_APPEND | FDFLAGS_NONBLOCK)) !== (d.fdflags & ~(FDFLAGS_APPEND | FDFLAGS_NONBLOCK))) return ENOTSUP;
      if (d.type === 'file' && (flags & FDFLAGS_APPEND) !== (d.fdflags & FDFLAGS_APPEND)) return ENOTSUP;
      d.fdflags = flags;
      return ESUCCESS;
    }),

    fd_fdstat_set_rights: errnoFn('iII', (fd: number, base: bigint, inheriting: bigint) => {
      const d = ctx.fds.get(fd);
      if (d === undefined) return EBADF;
      const b = rightsOf(base);
      const i = rightsOf(inheriting);
      // Rights can only shrink (the spec: "can only be used to remove rights").
      if ((b & ~d.rights) !== 0 || (i & ~d.inheriting) !== 0) return ENOTCAPABLE;
      d.rights = b;
      d.inheriting = i;
      return ESUCCESS;
    }),

    fd_filestat_get: errnoFn('ii', (fd: number, ptr: number) => {
      const d = ctx.desc(fd, RIGHT_FD_FILESTAT_GET);
      if (typeof d === 'number') return d;
      m.refresh();
      if (d.type === 'stream') {
        const type = streamFiletype(d);
        if (!m.ok(ptr, 64)) return EFAULT;
        m.u8.fill(0, ptr >>> 0, (ptr >>> 0) + 64);
        m.dv.setUint8((ptr >>> 0) + 16, type);
        return ESUCCESS;
      }
      const s = d.handle.stat();
      if (typeof s === 'number') return s;
      return writeFilestat(m, ptr, s);
    }),

    fd_filestat_set_size: errnoFn('iI', (fd: number, size: bigint) => {
      const d = ctx.desc(fd, RIGHT_FD_FILESTAT_SET_SIZE);
      if (typeof d === 'number') return d;
      if (d.type !== 'file' || !d.writable) return EBADF;
      if (size < 0n) return EINVAL;
      return d.handle.truncate(size);
    }),

    fd_filestat_set_times: errnoFn('iIIi', (fd: number, atim: bigint, mtim: bigint, flags: number) => {
      const d = ctx.desc(fd, RIGHT_FD_FILESTAT_SET_TIMES);
      if (typeof d === 'number') return d;
      if (d.type === 'stream') return EBADF;
      if (d.vfs.readOnly) return EPERM;
      const t = timesOf(ctx, atim, mtim, flags);
      if (typeof t === 'number') return t;
      return d.handle.setTimes(t);
    }),

    fd_prestat_get: errnoFn('ii', (fd: number, ptr: number) => {
      const d = ctx.fds.get(fd);
      if (d === undefined || d.type !== 'dir' || d.preopen === undefined) return EBADF;
      m.refresh();
      if (!m.ok(ptr, 8)) return EFAULT;
      m.dv.setUint32(ptr >>> 0, PREOPENTYPE_DIR, true);
      m.dv.setUint32((ptr >>> 0) + 4, encodeUtf8(d.preopen).length, true);
      return ESUCCESS;
    }),

    fd_prestat_dir_name: errnoFn('iii', (fd: number, ptr: number, len: number) => {
      const d = ctx.fds.get(fd);
      if (d === undefined || d.type !== 'dir' || d.preopen === undefined) return EBADF;
      const name = encodeUtf8(d.preopen);
      if ((len >>> 0) < name.length) return ENAMETOOLONG;
      const b = m.refresh().bytes(ptr, name.length);
      if (typeof b === 'number') return b;
      b.set(name);
      return ESUCCESS;
    }),

    fd_readdir: errnoFn('iiiIi', (fd: number, buf: number, bufLen: number, cookie: bigint, usedPtr: number) => {
      const d = ctx.fds.get(fd);
      if (d === undefined) return EBADF;
      if (d.type !== 'dir') return ENOTDIR_BADF;
      if ((d.rights & RIGHT_FD_READDIR) === 0) return ENOTCAPABLE;
      m.refresh();
      const out = m.bytes(buf, bufLen);
      if (typeof out === 'number') return out;
      if (!m.ok(usedPtr, 4)) return EFAULT;
      if (cookie === 0n || d.listing === undefined) {
        const entries = d.handle.readdir();
        if (typeof entries === 'number') return entries;
        // wasmtime lists `.` and `..` first, as readdir(3) does.
        const self = d.handle.stat();
        const ino = typeof self === 'number' ? 0n : self.ino;
        d.listing = [{ name: '.', kind: 'dir', ino }, { name: '..', kind: 'dir', ino: 0n }, ...entries];
      }
      const list = d.listing;
      const header = new DataView(new ArrayBuffer(DIRENT_SIZE));
      let used = 0;
      for (let i = Number(cookie); i < list.length && used < out.length; i++) {
        const e = list[i];
        const name = encodeUtf8(e.name);
        header.setBigUint64(0, BigInt(i + 1), true);
        header.setBigUint64(8, e.ino, true);
        header.setUint32(16, name.length, true);
        header.setUint8(20, filetypeOf(e.kind));
        // The spec fills the buffer, truncating the last entry; the guest sees a full buffer
        // and asks again with a larger one.
        const entry = new Uint8Array(DIRENT_SIZE + name.length);
        entry.set(new Uint8Array(header.buffer));
        entry.set(name, DIRENT_SIZE);
        const n = Math.min(entry.length, out.length - used);
        out.set(entry.subarray(0, n), used);
        used += n;
      }
      m.setU32(usedPtr, used);
      return ESUCCESS;
    }),
  };
}

/** fd_readdir on a non-directory: wasmtime answers EBADF (its `get_dir`-style lookup). */
const ENOTDIR_BADF = EBADF;

export { RIGHT_FD_READ, RIGHT_FD_WRITE };
