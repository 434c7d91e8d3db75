// The virtual file system interface behind WASI's descriptors. A file system here is dumb on
// purpose: it takes paths that the WASI layer has already resolved component by component
// (src/wasi/vfs/resolve.ts), with no `.`, `..` or symlinks before the last component, as
// arrays of names below its own root. Capability checks live in one place, above it, for
// every file system alike; a file system only has to stay inside its root, which joining
// plain names does. Errors are WASI errno values (src/wasi/vfs/errno.ts).
import type { Errno } from './errno.ts';

export type FileKind = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'socket' | 'unknown';

/** Names below a file system's root; none is empty, `.`, `..` or contains `/`. */
export type VfsPath = readonly string[];

/** A filestat (times in nanoseconds since the Unix epoch). */
export interface Stat {
  readonly kind: FileKind;
  readonly dev: bigint;
  readonly ino: bigint;
  readonly nlink: bigint;
  readonly size: bigint;
  readonly atim: bigint;
  readonly mtim: bigint;
  readonly ctim: bigint;
}

export interface DirEntry {
  readonly name: string;
  readonly kind: FileKind;
  readonly ino: bigint;
}

export interface OpenOptions {
  readonly read: boolean;
  readonly write: boolean;
  readonly create: boolean;
  readonly exclusive: boolean;
  readonly truncate: boolean;
  /** The entry must be a directory (O_DIRECTORY). */
  readonly directory: boolean;
  readonly append: boolean;
}

/** `undefined` leaves a time unchanged. */
export interface Times {
  readonly atim?: bigint;
  readonly mtim?: bigint;
}

/** An open file or directory. Reads and writes are positional: the descriptor owns the offset. */
export interface VfsHandle {
  readonly kind: FileKind;
  stat(): Stat | Errno;
  /** Reads at `position`: the count (0 at the end), or a negated errno. */
  read(into: Uint8Array, position: bigint): number;
  /** Writes at `position`, or at the end when the handle appends: the count, or a negated errno. */
  write(from: Uint8Array, position: bigint): number;
  truncate(size: bigint): Errno;
  setTimes(times: Times): Errno;
  sync(): Errno;
  /** A directory's entries, without `.` and `..`. */
  readdir(): DirEntry[] | Errno;
  close(): void;
}

export interface Vfs {
  readonly readOnly: boolean;
  /** The entry itself (a symlink is not followed). */
  lstat(path: VfsPath): Stat | Errno;
  readlink(path: VfsPath): string | Errno;
  /** Opens the entry; a symlink as the last component is ELOOP (the resolver follows links). */
  open(path: VfsPath, options: OpenOptions): VfsHandle | Errno;
  mkdir(path: VfsPath): Errno;
  rmdir(path: VfsPath): Errno;
  unlink(path: VfsPath): Errno;
  rename(from: VfsPath, to: VfsPath): Errno;
  link(from: VfsPath, to: VfsPath): Errno;
  symlink(target: string, path: VfsPath): Errno;
  /** Sets the times of the entry itself. */
  setTimes(path: VfsPath, times: Times): Errno;
}
