// path_* functions (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-path_create_directoryfd-fd-path-string---result-errno).
// Every path goes through resolvePath (resolve.ts) under its directory descriptor first, so
// a file system only ever sees a path inside the descriptor's directory. Renames and links
// between two descriptors work inside one file system; across file systems they are EXDEV,
// as between two mounts. A read-only file system refuses every change with EPERM, as
// wasmtime does for a directory preopened without write permission.
import {
  FDFLAGS_APPEND, LOOKUPFLAGS_SYMLINK_FOLLOW, OFLAGS_CREAT, OFLAGS_DIRECTORY, OFLAGS_EXCL, OFLAGS_TRUNC,
  RIGHT_PATH_CREATE_DIRECTORY, RIGHT_PATH_CREATE_FILE, RIGHT_PATH_FILESTAT_GET, RIGHT_PATH_FILESTAT_SET_TIMES,
  RIGHT_PATH_LINK_SOURCE, RIGHT_PATH_LINK_TARGET, RIGHT_PATH_OPEN, RIGHT_PATH_READLINK, RIGHT_PATH_REMOVE_DIRECTORY,
  RIGHT_PATH_RENAME_SOURCE, RIGHT_PATH_RENAME_TARGET, RIGHT_PATH_SYMLINK, RIGHT_PATH_UNLINK_FILE, RIGHTS_DIR,
  RIGHTS_FILE, RIGHTS_READING, RIGHTS_WRITING, rightsOf,
} from './constants.ts';
import type { WasiContext } from './context.ts';
import { type Defs, errnoFn } from './defs.ts';
import type { DirDesc } from './descriptors.ts';
import {
  EEXIST, EFAULT, EINVAL, EISDIR, ELOOP, ENOTDIR, EPERM, ESUCCESS, EXDEV, type Errno,
} from '../vfs/errno.ts';
import { timesOf, writeFilestat } from './filestat.ts';
import { encodeUtf8 } from './memory.ts';
import { climbsOut, type Resolved } from '../vfs/resolve.ts';

/** ENOTDIR when the guest named a directory (trailing `/`) and the entry is something else. */
function checkDirOnly(dir: DirDesc, r: Resolved): Errno {
  if (!r.dirOnly) return ESUCCESS;
  const s = dir.vfs.lstat(r.path);
  if (typeof s === 'number') return s;
  return s.kind === 'dir' ? ESUCCESS : ENOTDIR;
}

export function pathFunctions(ctx: WasiContext): Defs {
  const m = ctx.memory;

  /** The directory and resolved path for a call, or an errno. */
  const at = (fd: number, right: number, ptr: number, len: number, follow: boolean): [DirDesc, Resolved] | Errno => {
    const dir = ctx.dir(fd, right);
    if (typeof dir === 'number') return dir;
    m.refresh();
    const r = ctx.resolve(dir, ptr, len, follow);
    if (typeof r === 'number') return r;
    return [dir, r];
  };

  return {
    path_open: errnoFn('iiiiiIIii', (fd: number, dirflags: number, ptr: number, len: number, oflags: number,
      base: bigint, inheriting: bigint, fdflags: number, fdPtr: number) => {
      const create = (oflags & OFLAGS_CREAT) !== 0;
      const rights = RIGHT_PATH_OPEN | (create ? RIGHT_PATH_CREATE_FILE : 0);
      const follow = (dirflags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0;
      const openAt = (dir: DirDesc, r: Resolved): Errno => {
        if ((oflags & ~0xf) !== 0 || (fdflags & ~0x1f) !== 0) return EINVAL;
        if (!m.ok(fdPtr, 4)) return EFAULT;
        const want = rightsOf(base);
        // The access mode follows the rights asked for, as in wasmtime (wasi-libc's open()
        // asks for read or write rights according to O_RDONLY / O_WRONLY / O_RDWR).
        const read = (want & RIGHTS_READING) !== 0;
        const directory = (oflags & OFLAGS_DIRECTORY) !== 0 || r.dirOnly;
        // A directory is never open for writing; its rights (datasync among them) still apply.
        const write = !directory && ((want & RIGHTS_WRITING) !== 0 || (fdflags & FDFLAGS_APPEND) !== 0);
        if (create && r.dirOnly) return EISDIR;
        if (dir.vfs.readOnly && (create || write || (oflags & OFLAGS_TRUNC))) return EPERM;
        const h = dir.vfs.open(r.path, {
          read, write, create, directory,
          exclusive: (oflags & OFLAGS_EXCL) !== 0,
          truncate: (oflags & OFLAGS_TRUNC) !== 0,
          append: (fdflags & FDFLAGS_APPEND) !== 0,
        });
        if (typeof h === 'number') return h;
        // A new descriptor has what was asked, what the directory may hand on, and what its kind allows.
        const inherit = dir.inheriting;
        const newFd = h.kind === 'dir'
          ? ctx.fds.add({ type: 'dir', vfs: dir.vfs, path: r.path, handle: h, rights: want & inherit & RIGHTS_DIR, inheriting: rightsOf(inheriting) & inherit, fdflags })
          : ctx.fds.add({ type: 'file', vfs: dir.vfs, handle: h, readable: read, writable: write, position: 0n, rights: want & inherit & RIGHTS_FILE, inheriting: rightsOf(inheriting) & inherit, fdflags });
        m.refresh().setU32(fdPtr, newFd);
        return ESUCCESS;
      };
      // The last component is opened without following first (one host call instead of an
      // lstat and an open); only if it is a symlink (ELOOP) is the path resolved through it.
      let a = at(fd, rights, ptr, len, false);
      if (typeof a === 'number') return a;
      if (follow && !a[1].dirOnly) {
        const attempt = openAt(a[0], a[1]);
        if (attempt !== ELOOP) return attempt;
        a = at(fd, rights, ptr, len, true);
        if (typeof a === 'number') return a;
      }
      return openAt(a[0], a[1]);
    }),

    path_filestat_get: errnoFn('iiiii', (fd: number, flags: number, ptr: number, len: number, buf: number) => {
      const a = at(fd, RIGHT_PATH_FILESTAT_GET, ptr, len, (flags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0);
      if (typeof a === 'number') return a;
      const [dir, r] = a;
      const s = dir.vfs.lstat(r.path);
      if (typeof s === 'number') return s;
      if (r.dirOnly && s.kind !== 'dir') return ENOTDIR;
      return writeFilestat(m, buf, s);
    }),

    path_filestat_set_times: errnoFn('iiiiIIi', (fd: number, flags: number, ptr: number, len: number, atim: bigint, mtim: bigint, fst: number) => {
      const a = at(fd, RIGHT_PATH_FILESTAT_SET_TIMES, ptr, len, (flags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0);
      if (typeof a === 'number') return a;
      const [dir, r] = a;
      const t = timesOf(ctx, atim, mtim, fst);
      if (typeof t === 'number') return t;
      const e = checkDirOnly(dir, r);
      if (e !== ESUCCESS) return e;
      if (dir.vfs.readOnly) return EPERM;
      return dir.vfs.setTimes(r.path, t);
    }),

    path_create_directory: errnoFn('iii', (fd: number, ptr: number, len: number) => {
      const a = at(fd, RIGHT_PATH_CREATE_DIRECTORY, ptr, len, false);
      if (typeof a === 'number') return a;
      const [dir, r] = a;
      if (r.path.length === dir.path.length) return EEXIST;
      if (dir.vfs.readOnly) return EPERM;
      return dir.vfs.mkdir(r.path);
    }),

    path_remove_directory: errnoFn('iii', (fd: number, ptr: number, len: number) => {
      const a = at(fd, RIGHT_PATH_REMOVE_DIRECTORY, ptr, len, false);
      if (typeof a === 'number') return a;
      const [dir, r] = a;
      // rmdir(".") is EINVAL in POSIX; the descriptor's own directory is never removable.
      if (r.path.length === dir.path.length) return EINVAL;
      if (dir.vfs.readOnly) return EPERM;
      return dir.vfs.rmdir(r.path);
    }),

    path_unlink_file: errnoFn('iii', (fd: number, ptr: number, len: number) => {
      const a = at(fd, RIGHT_PATH_UNLINK_FILE, ptr, len, false);
      if (typeof a === 'number') return a;
      const [dir, r] = a;
      if (r.path.length === dir.path.length) return EISDIR;
      if (r.dirOnly) {
        const s = dir.vfs.lstat(r.path);
        if (typeof s === 'number') return s;
        return s.kind === 'dir' ? EISDIR : ENOTDIR;
      }
      if (dir.vfs.readOnly) return EPERM;
      return dir.vfs.unlink(r.path);
    }),

    path_rename: errnoFn('iiiiii', (fd: number, ptr: number, len: number, newFd: number, newPtr: number, newLen: number) => {
      const a = at(fd, RIGHT_PATH_RENAME_SOURCE, ptr, len, false);
      if (typeof a === 'number') return a;
      const b = at(newFd, RIGHT_PATH_RENAME_TARGET, newPtr, newLen, false);
      if (typeof b === 'number') return b;
      const [from, rf] = a;
      const [to, rt] = b;
      if (from.vfs !== to.vfs) return EXDEV;
      if (rf.path.length === from.path.length || rt.path.length === to.path.length) return EBUSY_OR_INVAL;
      const e = checkDirOnly(from, rf);
      if (e !== ESUCCESS) return e;
      if (rt.dirOnly) {
        const s = from.vfs.lstat(rf.path);
        if (typeof s !== 'number' && s.kind !== 'dir') return ENOTDIR;
      }
      if (from.vfs.readOnly) return EPERM;
      return from.vfs.rename(rf.path, rt.path);
    }),

    path_link: errnoFn('iiiiiii', (fd: number, flags: number, ptr: number, len: number, newFd: number, newPtr: number, newLen: number) => {
      const a = at(fd, RIGHT_PATH_LINK_SOURCE, ptr, len, (flags & LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0);
      if (typeof a === 'number') return a;
      const b = at(newFd, RIGHT_PATH_LINK_TARGET, newPtr, newLen, false);
      if (typeof b === 'number') return b;
      const [from, rf] = a;
      const [to, rt] = b;
      if (from.vfs !== to.vfs) return EXDEV;
      if (rt.path.length === to.path.length) return EEXIST;
      if (rf.dirOnly || rt.dirOnly) {
        const s = from.vfs.lstat(rf.path);
        if (typeof s === 'number') return s;
        return s.kind === 'dir' ? EPERM : ENOTDIR;
      }
      if (from.vfs.readOnly) return EPERM;
      return from.vfs.link(rf.path, rt.path);
    }),

    path_symlink: errnoFn('iiiii', (targetPtr: number, targetLen: number, fd: number, ptr: number, len: number) => {
      m.refresh();
      const target = m.string(targetPtr, targetLen);
      if (typeof target === 'number') return target;
      const a = at(fd, RIGHT_PATH_SYMLINK, ptr, len, false);
      if (typeof a === 'number') return a;
      const [dir, r] = a;
      // An absolute target could only ever point outside the sandbox (cap-std refuses it too).
      if (target.startsWith('/')) return EPERM;
      if (target.length === 0 || target.includes('\0')) return target.length === 0 ? ENOENT_EMPTY : EINVAL;
      if (r.path.length === dir.path.length || r.dirOnly) return EEXIST;
      // Nor may a relative target climb above the descriptor's directory: following it is
      // refused anyway, but the link would stay behind for host programs to follow.
      if (climbsOut(target, r.path.length - 1 - dir.path.length)) return EPERM;
      if (dir.vfs.readOnly) return EPERM;
      return dir.vfs.symlink(target, r.path);
    }),

    path_readlink: errnoFn('iiiiii', (fd: number, ptr: number, len: number, buf: number, bufLen: number, usedPtr: number) => {
      const a = at(fd, RIGHT_PATH_READLINK, ptr, len, false);
      if (typeof a === 'number') return a;
      const [dir, r] = a;
      const target = dir.vfs.readlink(r.path);
      if (typeof target === 'number') return target;
      const out = m.refresh().bytes(buf, bufLen);
      if (typeof out === 'number') return out;
      if (!m.ok(usedPtr, 4)) return EFAULT;
      // Truncated to the buffer, as readlink(2) does.
      const bytes = encodeUtf8(target);
      const n = Math.min(bytes.length, out.length);
      out.set(bytes.subarray(0, n));
      m.setU32(usedPtr, n);
      return ESUCCESS;
    }),
  };
}

/** Renaming a descriptor's own directory: POSIX says EBUSY for a mount point, EINVAL for `.`. */
const EBUSY_OR_INVAL = EINVAL;
/** An empty symlink target: Linux refuses it with ENOENT. */
const ENOENT_EMPTY = 44;
