// The descriptor table: what each fd number stands for. Numbers 0-2 are the standard
// streams, preopened directories follow from 3 in order
// (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-fd_prestat_getfd-fd---resultprestat-errno),
// and a freed number is reused lowest first, as POSIX does.
import type { DirEntry, Vfs, VfsHandle, VfsPath } from '../vfs/types.ts';
import type { InputStream, OutputStream } from '../shared/stdio.ts';

interface DescBase {
  /** Rights as a number (constants.ts: they fit in 30 bits). */
  rights: number;
  inheriting: number;
  fdflags: number;
}

export interface StreamDesc extends DescBase {
  readonly type: 'stream';
  readonly input?: InputStream;
  readonly output?: OutputStream;
  readonly tty: boolean;
  /** A socket the host preopened (listening) or one the guest accepted from it. */
  readonly socket?: SocketListener | SocketConnection;
}

/**
 * A listening TCP socket the host preopens (as wasmtime's `--tcplisten`): preview1 can only
 * accept on it (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-sock_acceptfd-fd-flags-fdflags---resultfd-errno).
 * The platform adapter implements it (src/wasi/node.ts over node:net).
 */
export interface SocketListener {
  readonly kind: 'listener';
  /** The next pending connection, or undefined if none has arrived yet. */
  accept(): SocketConnection | undefined;
  /** As InputStream.whenReadable: undefined when a connection is pending. */
  whenReadable(signal?: AbortSignal): Promise<void> | undefined;
  close(): void;
}

/** An accepted connection: its bytes in and out, and shutdown of either direction. */
export interface SocketConnection {
  readonly kind: 'connection';
  readonly input: InputStream;
  readonly output: OutputStream;
  shutdown(read: boolean, write: boolean): void;
  close(): void;
}

export interface FileDesc extends DescBase {
  readonly type: 'file';
  readonly vfs: Vfs;
  readonly handle: VfsHandle;
  readonly readable: boolean;
  readonly writable: boolean;
  position: bigint;
}

export interface DirDesc extends DescBase {
  readonly type: 'dir';
  readonly vfs: Vfs;
  /** Where the directory lies in its file system; paths below it cannot climb above it. */
  readonly path: VfsPath;
  readonly handle: VfsHandle;
  /** The guest's name for a preopened directory. */
  readonly preopen?: string;
  /** The entries as read at cookie 0, so later cookies page through one listing. */
  listing?: DirEntry[];
}

export type Desc = StreamDesc | FileDesc | DirDesc;

export class FdTable {
  readonly #fds: (Desc | undefined)[] = [];

  get(fd: number): Desc | undefined {
    return this.#fds[fd >>> 0];
  }

  add(d: Desc): number {
    let fd = this.#fds.indexOf(undefined);
    if (fd < 0) fd = this.#fds.length;
    this.#fds[fd] = d;
    return fd;
  }

  /** Removes the entry (the caller closes its handle). */
  take(fd: number): Desc | undefined {
    const d = this.#fds[fd >>> 0];
    if (d === undefined) return undefined;
    this.#fds[fd >>> 0] = undefined;
    while (this.#fds.length > 0 && this.#fds[this.#fds.length - 1] === undefined) this.#fds.pop();
    return d;
  }

  set(fd: number, d: Desc): void {
    this.#fds[fd >>> 0] = d;
  }

  closeAll(): void {
    for (const d of this.#fds) if (d !== undefined) closeDesc(d);
    this.#fds.length = 0;
  }
}

/** Releases what a descriptor holds: a file system handle or a socket; the standard streams stay open. */
export function closeDesc(d: Desc): void {
  if (d.type !== 'stream') d.handle.close();
  else d.socket?.close();
}
