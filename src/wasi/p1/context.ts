// The state every WASI function shares: the guest's memory, the descriptor table, and the
// configuration. Host functions are closures over one context (one per WasiP1).
import type { Clocks } from '../shared/clocks.ts';
import type { Vfs, VfsPath } from '../vfs/types.ts';
import { FILETYPE_CHARACTER_DEVICE, FILETYPE_DIRECTORY, FILETYPE_REGULAR_FILE, FILETYPE_UNKNOWN, FILETYPE_BLOCK_DEVICE, FILETYPE_SOCKET_STREAM, FILETYPE_SYMBOLIC_LINK } from './constants.ts';
import type { Desc, DirDesc, FileDesc } from './descriptors.ts';
import { FdTable } from './descriptors.ts';
import { EBADF, ENOTCAPABLE, ENOTDIR, type Errno } from '../vfs/errno.ts';
import { GuestMemory } from './memory.ts';
import { resolvePath, type Resolved } from '../vfs/resolve.ts';
import type { FileKind } from '../vfs/types.ts';

export class WasiContext {
  readonly memory = new GuestMemory();
  readonly fds = new FdTable();
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly clocks: Clocks;
  readonly random: (into: Uint8Array) => void;
  /**
   * The blocking calls (fd_read on a stream, poll_oneoff, sock_accept, sock_recv) are
   * imported through JSPI and may return promises, suspending the guest (RATIONALE.md).
   */
  jspi = false;

  constructor(args: readonly string[], env: readonly string[], clocks: Clocks, random: (into: Uint8Array) => void) {
    this.args = args;
    this.env = env;
    this.clocks = clocks;
    this.random = random;
  }

  /** The descriptor `fd` if it has all `rights`; EBADF if none, ENOTCAPABLE without them. */
  desc(fd: number, rights: number): Desc | Errno {
    const d = this.fds.get(fd);
    if (d === undefined) return EBADF;
    if ((d.rights & rights) !== rights) return ENOTCAPABLE;
    return d;
  }

  /** A regular file's descriptor; EBADF for directories and streams (as wasmtime's `get_file`). */
  file(fd: number, rights: number): FileDesc | Errno {
    const d = this.fds.get(fd);
    if (d === undefined || d.type !== 'file') return d?.type === 'dir' ? EBADF : EBADF;
    if ((d.rights & rights) !== rights) return ENOTCAPABLE;
    return d;
  }

  /** A directory descriptor with `rights`; ENOTDIR for other descriptors. */
  dir(fd: number, rights: number): DirDesc | Errno {
    const d = this.fds.get(fd);
    if (d === undefined) return EBADF;
    if (d.type !== 'dir') return ENOTDIR;
    if ((d.rights & rights) !== rights) return ENOTCAPABLE;
    return d;
  }

  /** Reads the guest's path and resolves it under `dir`. */
  resolve(dir: DirDesc, pathPtr: number, pathLen: number, follow: boolean): Resolved | Errno {
    const path = this.memory.string(pathPtr, pathLen);
    if (typeof path === 'number') return path;
    return resolvePath(dir.vfs, dir.path, path, follow);
  }
}

export function filetypeOf(kind: FileKind): number {
  switch (kind) {
    case 'file': return FILETYPE_REGULAR_FILE;
    case 'dir': return FILETYPE_DIRECTORY;
    case 'symlink': return FILETYPE_SYMBOLIC_LINK;
    case 'char': return FILETYPE_CHARACTER_DEVICE;
    case 'block': return FILETYPE_BLOCK_DEVICE;
    case 'socket': return FILETYPE_SOCKET_STREAM;
    default: return FILETYPE_UNKNOWN;
  }
}

/** Two descriptors' paths in one file system, or EXDEV-worthy: different file systems. */
export function sameVfs(a: { vfs: Vfs }, b: { vfs: Vfs }): boolean {
  return a.vfs === b.vfs;
}

export type { Clocks, VfsPath };
