// An in-memory file system: a tree of plain objects, with no platform APIs, so it runs in a
// browser as it does in Node. Files keep a growable byte buffer; inode numbers, link counts
// and times behave as POSIX describes (a hard link shares the node; an unlinked file stays
// readable through open handles).
import {
  EBADF, EBUSY, EEXIST, EFBIG, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, ESUCCESS, type Errno,
} from './errno.ts';
import type { DirEntry, FileKind, OpenOptions, Stat, Times, Vfs, VfsHandle, VfsPath } from './types.ts';

const DEV = 0x7e55n;

function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

interface NodeBase {
  ino: bigint;
  nlink: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}
interface FileNode extends NodeBase { kind: 'file'; data: Uint8Array; size: number }
interface DirNode extends NodeBase { kind: 'dir'; entries: Map<string, MemNode> }
interface LinkNode extends NodeBase { kind: 'symlink'; target: string }
type MemNode = FileNode | DirNode | LinkNode;

/** What `MemoryFs.from` builds from: bytes or text are files, objects are directories. */
export interface MemoryTree {
  readonly [name: string]: string | Uint8Array | MemoryTree;
}

export interface MemoryFsOptions {
  /** Refuse every change through WASI (EPERM); the host may still fill it with `from`. */
  readonly readOnly?: boolean;
}

export class MemoryFs implements Vfs {
  readonly readOnly: boolean;
  #ino = 1n;
  readonly #root: DirNode;

  constructor(options: MemoryFsOptions = {}) {
    this.readOnly = options.readOnly ?? false;
    this.#root = this.#dir();
  }

  /** A file system holding `tree`. */
  static from(tree: MemoryTree, options: MemoryFsOptions = {}): MemoryFs {
    const fs = new MemoryFs(options);
    const fill = (dir: DirNode, t: MemoryTree) => {
      for (const [name, v] of Object.entries(t)) {
        if (typeof v === 'string' || v instanceof Uint8Array) {
          const f = fs.#file();
          const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : v;
          f.data = bytes.slice();
          f.size = bytes.length;
          dir.entries.set(name, f);
        } else {
          const d = fs.#dir();
          dir.entries.set(name, d);
          fill(d, v);
        }
      }
    };
    fill(fs.#root, tree);
    return fs;
  }

  /** A file's contents (for tests and hosts reading what a guest wrote), or undefined. */
  readFile(path: string): Uint8Array | undefined {
    const n = this.#lookup(path.split('/').filter((c) => c !== ''));
    return typeof n === 'object' && n.kind === 'file' ? n.data.slice(0, n.size) : undefined;
  }

  #base(): NodeBase {
    const t = nowNs();
    return { ino: this.#ino++, nlink: 1, atim: t, mtim: t, ctim: t };
  }
  #dir(): DirNode {
    return { ...this.#base(), kind: 'dir', entries: new Map() };
  }
  #file(): FileNode {
    return { ...this.#base(), kind: 'file', data: new Uint8Array(0), size: 0 };
  }

  #lookup(path: VfsPath): MemNode | Errno {
    let n: MemNode = this.#root;
    for (const name of path) {
      if (n.kind !== 'dir') return ENOTDIR;
      const next = n.entries.get(name);
      if (next === undefined) return ENOENT;
      n = next;
    }
    return n;
  }

  /** The parent directory of `path` and the last name, or an errno. */
  #parent(path: VfsPath): [DirNode, string] | Errno {
    if (path.length === 0) return EBUSY_ROOT;
    const p = this.#lookup(path.slice(0, -1));
    if (typeof p === 'number') return p;
    if (p.kind !== 'dir') return ENOTDIR;
    return [p, path[path.length - 1]];
  }

  lstat(path: VfsPath): Stat | Errno {
    const n = this.#lookup(path);
    return typeof n === 'number' ? n : statOf(n);
  }

  readlink(path: VfsPath): string | Errno {
    const n = this.#lookup(path);
    if (typeof n === 'number') return n;
    return n.kind === 'symlink' ? n.target : EINVAL;
  }

  open(path: VfsPath, o: OpenOptions): VfsHandle | Errno {
    let n = this.#lookup(path);
    if (n === ENOENT && o.create) {
      const p = this.#parent(path);
      if (typeof p === 'number') return p;
      n = this.#file();
      p[0].entries.set(p[1], n);
      touch(p[0]);
    } else if (typeof n === 'number') {
      return n;
    } else if (o.create && o.exclusive) {
      return EEXIST;
    }
    if (n.kind === 'symlink') return ELOOP;
    if (n.kind === 'dir') {
      if (o.write) return EISDIR;
    } else if (o.directory) {
      return ENOTDIR;
    } else if (o.truncate && o.write) {
      n.size = 0;
      touch(n);
    }
    return new MemoryHandle(n, o);
  }

  mkdir(path: VfsPath): Errno {
    const p = this.#parent(path);
    if (typeof p === 'number') return p === EBUSY_ROOT ? EEXIST : p;
    if (p[0].entries.has(p[1])) return EEXIST;
    p[0].entries.set(p[1], this.#dir());
    touch(p[0]);
    return ESUCCESS;
  }

  rmdir(path: VfsPath): Errno {
    const p = this.#parent(path);
    if (typeof p === 'number') return p === EBUSY_ROOT ? EPERM : p;
    const n = p[0].entries.get(p[1]);
    if (n === undefined) return ENOENT;
    if (n.kind !== 'dir') return ENOTDIR;
    if (n.entries.size > 0) return ENOTEMPTY;
    p[0].entries.delete(p[1]);
    n.nlink = 0;
    touch(p[0]);
    return ESUCCESS;
  }

  unlink(path: VfsPath): Errno {
    const p = this.#parent(path);
    if (typeof p === 'number') return p === EBUSY_ROOT ? EISDIR : p;
    const n = p[0].entries.get(p[1]);
    if (n === undefined) return ENOENT;
    if (n.kind === 'dir') return EISDIR;
    p[0].entries.delete(p[1]);
    n.nlink--;
    n.ctim = nowNs();
    touch(p[0]);
    return ESUCCESS;
  }

  rename(from: VfsPath, to: VfsPath): Errno {
    const a = this.#parent(from);
    if (typeof a === 'number') return a === EBUSY_ROOT ? EBUSY : a;
    const b = this.#parent(to);
    if (typeof b === 'number') return b === EBUSY_ROOT ? EBUSY : b;
    const n = a[0].entries.get(a[1]);
    if (n === undefined) return ENOENT;
    // A directory cannot move into itself or below itself.
    if (n.kind === 'dir' && to.length > from.length && from.every((c, i) => to[i] === c)) return EINVAL;
    const old = b[0].entries.get(b[1]);
    if (old === n) return ESUCCESS;
    if (old !== undefined) {
      if (n.kind === 'dir' && old.kind !== 'dir') return ENOTDIR;
      if (n.kind !== 'dir' && old.kind === 'dir') return EISDIR;
      if (old.kind === 'dir' && old.entries.size > 0) return ENOTEMPTY;
      old.nlink--;
    }
    a[0].entries.delete(a[1]);
    b[0].entries.set(b[1], n);
    n.ctim = nowNs();
    touch(a[0]);
    touch(b[0]);
    return ESUCCESS;
  }

  link(from: VfsPath, to: VfsPath): Errno {
    const n = this.#lookup(from);
    if (typeof n === 'number') return n;
    if (n.kind === 'dir') return EPERM;
    const b = this.#parent(to);
    if (typeof b === 'number') return b === EBUSY_ROOT ? EEXIST : b;
    if (b[0].entries.has(b[1])) return EEXIST;
    b[0].entries.set(b[1], n);
    n.nlink++;
    n.ctim = nowNs();
    touch(b[0]);
    return ESUCCESS;
  }

  symlink(target: string, path: VfsPath): Errno {
    const b = this.#parent(path);
    if (typeof b === 'number') return b === EBUSY_ROOT ? EEXIST : b;
    if (b[0].entries.has(b[1])) return EEXIST;
    b[0].entries.set(b[1], { ...this.#base(), kind: 'symlink', target });
    touch(b[0]);
    return ESUCCESS;
  }

  setTimes(path: VfsPath, times: Times): Errno {
    const n = this.#lookup(path);
    if (typeof n === 'number') return n;
    setTimes(n, times);
    return ESUCCESS;
  }
}

/** The root has no parent: each operation answers for it as POSIX does for `/`. */
const EBUSY_ROOT = -1;

function touch(n: NodeBase): void {
  n.mtim = n.ctim = nowNs();
}

function setTimes(n: NodeBase, t: Times): void {
  if (t.atim !== undefined) n.atim = t.atim;
  if (t.mtim !== undefined) n.mtim = t.mtim;
  n.ctim = nowNs();
}

function statOf(n: MemNode): Stat {
  const size = n.kind === 'file' ? n.size : n.kind === 'symlink' ? new TextEncoder().encode(n.target).length : 4096;
  return {
    kind: n.kind, dev: DEV, ino: n.ino, nlink: BigInt(n.nlink), size: BigInt(size),
    atim: n.atim, mtim: n.mtim, ctim: n.ctim,
  };
}

class MemoryHandle implements VfsHandle {
  readonly kind: FileKind;
  readonly #node: FileNode | DirNode;
  readonly #append: boolean;
  #closed = false;

  constructor(node: FileNode | DirNode, o: OpenOptions) {
    this.#node = node;
    this.kind = node.kind;
    this.#append = o.append;
  }

  stat(): Stat | Errno {
    return statOf(this.#node);
  }

  read(into: Uint8Array, position: bigint): number {
    const n = this.#node;
    if (n.kind !== 'file') return -EISDIR;
    if (position >= BigInt(n.size)) return 0;
    const p = Number(position);
    const count = Math.min(into.length, n.size - p);
    into.set(n.data.subarray(p, p + count));
    return count;
  }

  write(from: Uint8Array, position: bigint): number {
    const n = this.#node;
    if (n.kind !== 'file') return -EISDIR;
    const p = this.#append ? n.size : Number(position);
    const end = p + from.length;
    if (end > 2 ** 32) return -EFBIG; // the contents are held in one ArrayBuffer
    if (end > n.data.length) {
      const grown = new Uint8Array(Math.max(end, n.data.length * 2, 64));
      grown.set(n.data.subarray(0, n.size));
      n.data = grown;
    }
    // A write past the end leaves a zero-filled hole, already zero in a grown buffer.
    if (p > n.size) n.data.fill(0, n.size, p);
    n.data.set(from, p);
    if (end > n.size) n.size = end;
    n.mtim = n.ctim = nowNs();
    return from.length;
  }

  truncate(size: bigint): Errno {
    const n = this.#node;
    if (n.kind !== 'file') return EISDIR;
    if (size > 2n ** 32n) return EFBIG;
    const s = Number(size);
    if (s > n.data.length) {
      const grown = new Uint8Array(s);
      grown.set(n.data.subarray(0, n.size));
      n.data = grown;
    } else if (s > n.size) {
      n.data.fill(0, n.size, s);
    }
    n.size = s;
    touch(n);
    return ESUCCESS;
  }

  setTimes(times: Times): Errno {
    setTimes(this.#node, times);
    return ESUCCESS;
  }

  sync(): Errno {
    return this.#closed ? EBADF : ESUCCESS;
  }

  readdir(): DirEntry[] | Errno {
    const n = this.#node;
    if (n.kind !== 'dir') return ENOTDIR;
    return [...n.entries].map(([name, e]) => ({ name, kind: e.kind, ino: e.ino }));
  }

  close(): void {
    this.#closed = true;
  }
}
