// The node adapter: a directory of the host's file system as a Vfs. This is one of the few
// files that may import `node:*` (DESIGN.md, "Platform code is fenced").
//
// Paths arrive resolved by the WASI layer, component by component, with every component but
// the last checked to be a real directory (not a symlink) by lstat. Joining them to the root
// therefore names a file inside the root. Opening uses O_NOFOLLOW, so a symlink swapped in
// for the last component between the check and the open is refused rather than followed.
// Node has no openat(), so a host process that replaces an intermediate directory with a
// symlink during that window could still redirect the call: a host-side race outside the
// guest's reach, noted in RATIONALE.md.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { EINVAL, EISDIR, ELOOP, ENOTDIR, EPERM, ESUCCESS, type Errno, errnoOfCode } from './errno.ts';
import type { DirEntry, FileKind, OpenOptions, Stat, Times, Vfs, VfsHandle, VfsPath } from './types.ts';

const C = fs.constants;
/** Node takes file positions as numbers: beyond 2^53 they would round. */
const MAX_POSITION = BigInt(Number.MAX_SAFE_INTEGER);

function errno(e: unknown): Errno {
  return errnoOfCode((e as { code?: unknown }).code);
}

function kindOf(s: fs.BigIntStats | fs.Dirent): FileKind {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isCharacterDevice()) return 'char';
  if (s.isBlockDevice()) return 'block';
  if (s.isSocket()) return 'socket';
  return 'unknown';
}

function statOf(s: fs.BigIntStats): Stat {
  return {
    kind: kindOf(s), dev: s.dev, ino: s.ino, nlink: s.nlink, size: s.size,
    atim: s.atimeNs, mtim: s.mtimeNs, ctim: s.ctimeNs,
  };
}

/** Node wants seconds as numbers; nanosecond precision past the microsecond is lost. */
function secs(ns: bigint): number {
  return Number(ns) / 1e9;
}

export interface NodeFsOptions {
  readonly readOnly?: boolean;
}

export class NodeFs implements Vfs {
  readonly root: string;
  readonly readOnly: boolean;

  constructor(root: string, options: NodeFsOptions = {}) {
    this.root = root;
    this.readOnly = options.readOnly ?? false;
  }

  #host(path: VfsPath): string {
    return path.length === 0 ? this.root : join(this.root, ...path);
  }

  lstat(path: VfsPath): Stat | Errno {
    try {
      return statOf(fs.lstatSync(this.#host(path), { bigint: true }));
    } catch (e) {
      return errno(e);
    }
  }

  readlink(path: VfsPath): string | Errno {
    try {
      return fs.readlinkSync(this.#host(path), 'utf8');
    } catch (e) {
      return errno(e);
    }
  }

  open(path: VfsPath, o: OpenOptions): VfsHandle | Errno {
    if (this.readOnly && (o.write || o.create || o.truncate)) return EPERM;
    let flags = C.O_NOFOLLOW | (o.write ? (o.read ? C.O_RDWR : C.O_WRONLY) : C.O_RDONLY);
    if (o.create) flags |= C.O_CREAT;
    if (o.exclusive) flags |= C.O_EXCL;
    if (o.truncate && o.write) flags |= C.O_TRUNC;
    if (o.directory) flags |= C.O_DIRECTORY;
    if (o.append) flags |= C.O_APPEND;
    const host = this.#host(path);
    try {
      const fd = fs.openSync(host, flags, 0o666);
      const kind = kindOf(fs.fstatSync(fd, { bigint: true }));
      return new NodeHandle(fd, kind, host, o.append);
    } catch (e) {
      // Linux says ELOOP for O_NOFOLLOW on a symlink; some systems say EMLINK or EFTYPE.
      const code = (e as { code?: unknown }).code;
      if (code === 'EMLINK' || code === 'EFTYPE') return ELOOP;
      return errno(e);
    }
  }

  #mutate(f: () => void): Errno {
    if (this.readOnly) return EPERM;
    try {
      f();
      return ESUCCESS;
    } catch (e) {
      return errno(e);
    }
  }

  mkdir(path: VfsPath): Errno {
    return this.#mutate(() => fs.mkdirSync(this.#host(path)));
  }
  rmdir(path: VfsPath): Errno {
    if (path.length === 0) return EPERM;
    return this.#mutate(() => fs.rmdirSync(this.#host(path)));
  }
  unlink(path: VfsPath): Errno {
    const r = this.#mutate(() => fs.unlinkSync(this.#host(path)));
    // macOS and Linux differ for directories (EPERM / EISDIR); WASI hosts report EISDIR.
    if (r === EPERM && !this.readOnly) {
      const s = this.lstat(path);
      if (typeof s !== 'number' && s.kind === 'dir') return EISDIR;
    }
    return r;
  }
  rename(from: VfsPath, to: VfsPath): Errno {
    return this.#mutate(() => fs.renameSync(this.#host(from), this.#host(to)));
  }
  link(from: VfsPath, to: VfsPath): Errno {
    return this.#mutate(() => fs.linkSync(this.#host(from), this.#host(to)));
  }
  symlink(target: string, path: VfsPath): Errno {
    return this.#mutate(() => fs.symlinkSync(target, this.#host(path)));
  }
  setTimes(path: VfsPath, t: Times): Errno {
    if (this.readOnly) return EPERM;
    const s = this.lstat(path);
    if (typeof s === 'number') return s;
    return this.#mutate(() => fs.lutimesSync(this.#host(path), secs(t.atim ?? s.atim), secs(t.mtim ?? s.mtim)));
  }
}

class NodeHandle implements VfsHandle {
  readonly kind: FileKind;
  readonly #host: string;
  readonly #append: boolean;
  #fd: number;

  constructor(fd: number, kind: FileKind, host: string, append: boolean) {
    this.#fd = fd;
    this.kind = kind;
    this.#host = host;
    this.#append = append;
  }

  stat(): Stat | Errno {
    try {
      return statOf(fs.fstatSync(this.#fd, { bigint: true }));
    } catch (e) {
      return errno(e);
    }
  }

  read(into: Uint8Array, position: bigint): number {
    if (position > MAX_POSITION) return -EINVAL;
    try {
      return fs.readSync(this.#fd, into, 0, into.length, Number(position));
    } catch (e) {
      return -errno(e);
    }
  }

  write(from: Uint8Array, position: bigint): number {
    if (position > MAX_POSITION) return -EINVAL;
    try {
      // With O_APPEND the kernel writes at the end; a position would be ignored on Linux.
      return fs.writeSync(this.#fd, from, 0, from.length, this.#append ? null : Number(position));
    } catch (e) {
      return -errno(e);
    }
  }

  truncate(size: bigint): Errno {
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) return EINVAL;
    try {
      fs.ftruncateSync(this.#fd, Number(size));
      return ESUCCESS;
    } catch (e) {
      return errno(e);
    }
  }

  setTimes(t: Times): Errno {
    const s = this.stat();
    if (typeof s === 'number') return s;
    try {
      fs.futimesSync(this.#fd, secs(t.atim ?? s.atim), secs(t.mtim ?? s.mtim));
      return ESUCCESS;
    } catch (e) {
      return errno(e);
    }
  }

  sync(): Errno {
    try {
      fs.fsyncSync(this.#fd);
      return ESUCCESS;
    } catch (e) {
      return errno(e);
    }
  }

  readdir(): DirEntry[] | Errno {
    if (this.kind !== 'dir') return ENOTDIR;
    try {
      return fs.readdirSync(this.#host, { withFileTypes: true }).map((d) => {
        let ino = 0n;
        try {
          ino = fs.lstatSync(join(this.#host, d.name), { bigint: true }).ino;
        } catch {
          // Removed since the listing: keep the entry with an unknown inode.
        }
        return { name: d.name, kind: kindOf(d), ino };
      });
    } catch (e) {
      return errno(e);
    }
  }

  close(): void {
    if (this.#fd < 0) return;
    try {
      fs.closeSync(this.#fd);
    } catch {
      // Closing cannot fail in a way the guest could act on.
    }
    this.#fd = -1;
  }

}
