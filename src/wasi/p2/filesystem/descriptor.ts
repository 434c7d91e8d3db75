// wasi:filesystem/types (https://github.com/WebAssembly/WASI/blob/main/proposals/filesystem/wit/types.wit):
// the `descriptor` and `directory-entry-stream` resources over the file systems the preview1
// host uses (src/wasi/vfs), with the same sandbox: every path goes through resolvePath
// (src/wasi/vfs/resolve.ts) under the descriptor's directory, so `..`, absolute paths and
// symlinks cannot leave it (`not-permitted`, as the WIT asks). A file system opened read-only
// gives descriptors without `mutate-directory`; changes through them fail (`read-only` when
// opening for writing, as the WIT says for `open-at`; `not-permitted` for the other changes,
// as wasmtime answers).
import type { Clocks } from '../../shared/clocks.ts';
import { EBADF, EPERM, ESUCCESS, type Errno } from '../../vfs/errno.ts';
import { climbsOut, type Resolved, resolvePath } from '../../vfs/resolve.ts';
import type { DirEntry, FileKind, Stat, Times, Vfs, VfsHandle, VfsPath } from '../../vfs/types.ts';
import { type Datetime, datetimeOf } from '../clocks.ts';
import type { IoError } from '../io/error.ts';
import type { IoContext } from '../io/poll.ts';
import { InputStream, OutputStream } from '../io/streams.ts';
import { fail } from '../result.ts';
import { errorCodeOf, failFs, type FsErrorCode, fsIoError } from './error-code.ts';

export type DescriptorType =
  | 'unknown' | 'block-device' | 'character-device' | 'directory' | 'fifo' | 'symbolic-link' | 'regular-file' | 'socket';

export interface DescriptorFlags {
  readonly read?: boolean;
  readonly write?: boolean;
  readonly 'file-integrity-sync'?: boolean;
  readonly 'data-integrity-sync'?: boolean;
  readonly 'requested-write-sync'?: boolean;
  readonly 'mutate-directory'?: boolean;
}
export interface PathFlags { readonly 'symlink-follow'?: boolean }
export interface OpenFlags {
  readonly create?: boolean;
  readonly directory?: boolean;
  readonly exclusive?: boolean;
  readonly truncate?: boolean;
}
export interface DescriptorStat {
  readonly type: DescriptorType;
  readonly 'link-count': bigint;
  readonly size: bigint;
  readonly 'data-access-timestamp': Datetime | undefined;
  readonly 'data-modification-timestamp': Datetime | undefined;
  readonly 'status-change-timestamp': Datetime | undefined;
}
export type NewTimestamp = { readonly tag: 'no-change' } | { readonly tag: 'now' } | { readonly tag: 'timestamp'; readonly val: Datetime };
export interface DirectoryEntry { readonly type: DescriptorType; readonly name: string }
export interface MetadataHashValue { readonly lower: bigint; readonly upper: bigint }

export function descriptorTypeOf(kind: FileKind): DescriptorType {
  switch (kind) {
    case 'file': return 'regular-file';
    case 'dir': return 'directory';
    case 'symlink': return 'symbolic-link';
    case 'char': return 'character-device';
    case 'block': return 'block-device';
    case 'socket': return 'socket';
    default: return 'unknown';
  }
}

function statOf(s: Stat): DescriptorStat {
  return {
    type: descriptorTypeOf(s.kind), 'link-count': s.nlink, size: s.size,
    'data-access-timestamp': datetimeOf(s.atim),
    'data-modification-timestamp': datetimeOf(s.mtim),
    'status-change-timestamp': datetimeOf(s.ctim),
  };
}

const NS = 1_000_000_000n;

/** What every descriptor of one host shares. */
export interface FsContext extends IoContext {
  readonly clocks: Clocks;
  /** A per-host secret mixed into metadata hashes (the WIT suggests one). */
  readonly hashKey: bigint;
}

/** How a descriptor was opened. */
interface Access {
  readonly read: boolean;
  readonly write: boolean;
  /** A directory whose entries may be changed through it. */
  readonly mutate: boolean;
}

/** 64-bit mixing (splitmix64's finaliser): metadata hashes that change when any input does. */
function mix(h: bigint, v: bigint): bigint {
  let z = BigInt.asUintN(64, h ^ v) + 0x9e3779b97f4a7c15n;
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

function hashOf(s: Stat, key: bigint): MetadataHashValue {
  let lower = key;
  for (const v of [s.dev, s.ino, s.size, s.mtim, s.ctim]) lower = mix(lower, v);
  return { lower, upper: mix(lower, key ^ 0x5bd1e995n) };
}

/** `new-timestamp` as a time to set (undefined: leave it). */
function timeOf(clocks: Clocks, t: NewTimestamp): bigint | undefined {
  switch (t.tag) {
    case 'no-change': return undefined;
    case 'now': return clocks.realtime();
    default: return t.val.seconds * NS + BigInt(t.val.nanoseconds);
  }
}

function timesOf(clocks: Clocks, atim: NewTimestamp, mtim: NewTimestamp): Times {
  if (atim.tag === 'timestamp' && atim.val.nanoseconds >= 1e9) fail('invalid');
  if (mtim.tag === 'timestamp' && mtim.val.nanoseconds >= 1e9) fail('invalid');
  return { atim: timeOf(clocks, atim), mtim: timeOf(clocks, mtim) };
}

function check(e: Errno): void {
  if (e !== ESUCCESS) failFs(e);
}

/** The `descriptor` resource. */
export class Descriptor {
  readonly #fs: FsContext;
  readonly #vfs: Vfs;
  /** Where the entry lies in its file system (for a directory, the base of its paths). */
  readonly #path: VfsPath;
  readonly #handle: VfsHandle;
  readonly #access: Access;
  #closed = false;

  constructor(fs: FsContext, vfs: Vfs, path: VfsPath, handle: VfsHandle, access: Access) {
    this.#fs = fs;
    this.#vfs = vfs;
    this.#path = path;
    this.#handle = handle;
    this.#access = access;
  }

  /** Opens the root of `vfs` as a preopened directory. */
  static preopen(fs: FsContext, vfs: Vfs): Descriptor {
    const h = vfs.open([], { read: true, write: false, create: false, exclusive: false, truncate: false, directory: true, append: false });
    if (typeof h === 'number') throw new Error(`cannot preopen a directory: ${errorCodeOf(h)}`);
    return new Descriptor(fs, vfs, [], h, { read: true, write: false, mutate: !vfs.readOnly });
  }

  #file(): VfsHandle {
    // wasmtime: a file operation on a directory is bad-descriptor.
    if (this.#handle.kind === 'dir') fail('bad-descriptor');
    return this.#handle;
  }

  #dir(): void {
    if (this.#handle.kind !== 'dir') fail('not-directory');
  }

  /** A change through this directory: refused when its file system is read-only. */
  #mutating(): void {
    this.#dir();
    if (this.#vfs.readOnly || !this.#access.mutate) fail('not-permitted');
  }

  /** Resolves a guest path under this directory. */
  #resolve(path: string, follow: boolean): Resolved {
    this.#dir();
    const r = resolvePath(this.#vfs, this.#path, path, follow);
    if (typeof r === 'number') failFs(r);
    return r;
  }

  /** The entry at `r`, which must be a directory if the guest wrote a trailing slash. */
  #lstat(r: Resolved): Stat {
    const s = this.#vfs.lstat(r.path);
    if (typeof s === 'number') failFs(s);
    if (r.dirOnly && s.kind !== 'dir') fail('not-directory');
    return s;
  }

  #isBase(r: Resolved): boolean {
    return r.path.length === this.#path.length;
  }

  /** `[method]descriptor.read-via-stream` */
  'read-via-stream'(offset: bigint): InputStream {
    if (this.#handle.kind === 'dir') fail('is-directory');
    const h = this.#handle;
    const readable = this.#access.read;
    let position = offset;
    return new InputStream(this.#fs, {
      read: (max) => {
        if (!readable) throw fsIoError(EBADF, 'read');
        const buf = new Uint8Array(max);
        const n = h.read(buf, position);
        if (n < 0) throw fsIoError(-n, 'read');
        position += BigInt(n);
        return n === max ? buf : buf.subarray(0, n);
      },
    });
  }

  #sink(position: bigint | undefined) {
    const h = this.#file();
    const writable = this.#access.write;
    const readOnly = this.#vfs.readOnly;
    let at = position;
    return {
      write: (bytes: Uint8Array) => {
        if (readOnly) throw fsIoError(EPERM, 'write');
        if (!writable) throw fsIoError(EBADF, 'write');
        let p = at;
        if (p === undefined) {
          // Appending: each write goes to the end as it is then.
          const s = h.stat();
          if (typeof s === 'number') throw fsIoError(s, 'write');
          p = s.size;
        }
        let done = 0;
        while (done < bytes.length) {
          const n = h.write(done === 0 ? bytes : bytes.subarray(done), p + BigInt(done));
          if (n < 0) throw fsIoError(-n, 'write');
          done += n;
        }
        if (at !== undefined) at += BigInt(done);
      },
    };
  }

  /** `[method]descriptor.write-via-stream` */
  'write-via-stream'(offset: bigint): OutputStream {
    if (this.#vfs.readOnly) fail('not-permitted');
    return new OutputStream(this.#fs, this.#sink(offset));
  }

  /** `[method]descriptor.append-via-stream` */
  'append-via-stream'(): OutputStream {
    if (this.#vfs.readOnly) fail('not-permitted');
    return new OutputStream(this.#fs, this.#sink(undefined));
  }

  /** `[method]descriptor.advise`: advice only; nothing to do. */
  advise(_offset: bigint, _length: bigint, _advice: string): void {
    this.#file();
  }

  /** `[method]descriptor.sync-data` */
  'sync-data'(): void {
    check(this.#handle.sync());
  }

  /** `[method]descriptor.get-flags` */
  'get-flags'(): DescriptorFlags {
    const a = this.#access;
    return { read: a.read, write: a.write, 'mutate-directory': a.mutate };
  }

  /** `[method]descriptor.get-type` */
  'get-type'(): DescriptorType {
    if (this.#handle.kind === 'dir') return 'directory';
    const s = this.#handle.stat();
    if (typeof s === 'number') failFs(s);
    return descriptorTypeOf(s.kind);
  }

  /** `[method]descriptor.set-size` */
  'set-size'(size: bigint): void {
    const h = this.#file();
    if (this.#vfs.readOnly) fail('not-permitted');
    if (!this.#access.write) fail('invalid'); // ftruncate(2) on a descriptor not open for writing
    check(h.truncate(size));
  }

  /** `[method]descriptor.set-times` */
  'set-times'(atim: NewTimestamp, mtim: NewTimestamp): void {
    if (this.#vfs.readOnly) fail('not-permitted');
    check(this.#handle.setTimes(timesOf(this.#fs.clocks, atim, mtim)));
  }

  /** `[method]descriptor.read`: bytes at `offset`, and whether the end was reached (nothing read). */
  read(length: bigint, offset: bigint): [Uint8Array, boolean] {
    const h = this.#file();
    if (!this.#access.read) fail('bad-descriptor');
    const max = length > 1n << 24n ? 1 << 24 : Number(length);
    const buf = new Uint8Array(max);
    if (max === 0) return [buf, false];
    const n = h.read(buf, offset);
    if (n < 0) failFs(-n);
    return [n === max ? buf : buf.subarray(0, n), n === 0];
  }

  /** `[method]descriptor.write` */
  write(buffer: Uint8Array, offset: bigint): bigint {
    const h = this.#file();
    if (this.#vfs.readOnly) fail('not-permitted');
    if (!this.#access.write) fail('bad-descriptor');
    let done = 0;
    while (done < buffer.length) {
      const n = h.write(done === 0 ? buffer : buffer.subarray(done), offset + BigInt(done));
      if (n < 0) failFs(-n);
      done += n;
    }
    return BigInt(done);
  }

  /** `[method]descriptor.read-directory`: the entries as they are now, without `.` and `..`. */
  'read-directory'(): DirectoryEntryStream {
    this.#dir();
    const entries = this.#handle.readdir();
    if (typeof entries === 'number') failFs(entries);
    return new DirectoryEntryStream(entries);
  }

  /** `[method]descriptor.sync` */
  sync(): void {
    check(this.#handle.sync());
  }

  /** `[method]descriptor.create-directory-at` */
  'create-directory-at'(path: string): void {
    this.#mutating();
    const r = this.#resolve(path, false);
    if (this.#isBase(r)) fail('exist');
    check(this.#vfs.mkdir(r.path));
  }

  /** `[method]descriptor.stat` */
  stat(): DescriptorStat {
    const s = this.#handle.stat();
    if (typeof s === 'number') failFs(s);
    return statOf(s);
  }

  /** `[method]descriptor.stat-at` */
  'stat-at'(flags: PathFlags, path: string): DescriptorStat {
    return statOf(this.#lstat(this.#resolve(path, flags['symlink-follow'] === true)));
  }

  /** `[method]descriptor.set-times-at` */
  'set-times-at'(flags: PathFlags, path: string, atim: NewTimestamp, mtim: NewTimestamp): void {
    const r = this.#resolve(path, flags['symlink-follow'] === true);
    const times = timesOf(this.#fs.clocks, atim, mtim);
    this.#lstat(r);
    if (this.#vfs.readOnly) fail('not-permitted');
    check(this.#vfs.setTimes(r.path, times));
  }

  /** `[method]descriptor.link-at`: within one file system (across two, `cross-device`). */
  'link-at'(oldFlags: PathFlags, oldPath: string, newDescriptor: Descriptor, newPath: string): void {
    this.#mutating();
    newDescriptor.#mutating();
    // wasmtime refuses to follow a symlink for a hard link's source.
    if (oldFlags['symlink-follow'] === true) fail('invalid');
    const from = this.#resolve(oldPath, false);
    const to = newDescriptor.#resolve(newPath, false);
    if (this.#vfs !== newDescriptor.#vfs) fail('cross-device');
    if (newDescriptor.#isBase(to)) fail('exist');
    if (from.dirOnly || to.dirOnly) {
      const s = this.#vfs.lstat(from.path);
      if (typeof s === 'number') failFs(s);
      fail(s.kind === 'dir' ? 'not-permitted' : 'not-directory');
    }
    check(this.#vfs.link(from.path, to.path));
  }

  /** `[method]descriptor.open-at` */
  'open-at'(pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): Descriptor {
    this.#dir();
    if (flags['file-integrity-sync'] === true || flags['data-integrity-sync'] === true || flags['requested-write-sync'] === true) fail('unsupported');
    const create = openFlags.create === true;
    const truncate = openFlags.truncate === true;
    const exclusive = openFlags.exclusive === true;
    if (openFlags.directory === true && (create || exclusive || truncate)) fail('invalid');
    // Creating or truncating writes, as in wasmtime.
    const write = flags.write === true || create || truncate;
    // The WIT: without `mutate-directory` on the base, these fail with `read-only`.
    if ((write || flags['mutate-directory'] === true) && (!this.#access.mutate || this.#vfs.readOnly)) fail('read-only');
    const r = this.#resolve(path, pathFlags['symlink-follow'] === true);
    if (create && r.dirOnly) fail('is-directory');
    const directory = openFlags.directory === true || r.dirOnly;
    // Not open for writing: open for reading, so the file system lets it be opened at all.
    const read = flags.read === true || !write;
    const h = this.#vfs.open(r.path, { read, write, create, exclusive, truncate, directory, append: false });
    if (typeof h === 'number') failFs(h);
    if (h.kind === 'dir') {
      if (write) {
        h.close();
        fail('is-directory');
      }
      return new Descriptor(this.#fs, this.#vfs, r.path, h, { read, write: false, mutate: flags['mutate-directory'] === true });
    }
    return new Descriptor(this.#fs, this.#vfs, r.path, h, { read, write, mutate: false });
  }

  /** `[method]descriptor.readlink-at`: an absolute target is refused, as the WIT says. */
  'readlink-at'(path: string): string {
    const r = this.#resolve(path, false);
    const target = this.#vfs.readlink(r.path);
    if (typeof target === 'number') failFs(target);
    if (target.startsWith('/')) fail('not-permitted');
    return target;
  }

  /** `[method]descriptor.remove-directory-at` */
  'remove-directory-at'(path: string): void {
    this.#mutating();
    const r = this.#resolve(path, false);
    // The descriptor's own directory is never removable (rmdir(".") is EINVAL in POSIX).
    if (this.#isBase(r)) fail('invalid');
    check(this.#vfs.rmdir(r.path));
  }

  /** `[method]descriptor.rename-at`: within one file system (across two, `cross-device`). */
  'rename-at'(oldPath: string, newDescriptor: Descriptor, newPath: string): void {
    this.#mutating();
    newDescriptor.#mutating();
    const from = this.#resolve(oldPath, false);
    const to = newDescriptor.#resolve(newPath, false);
    if (this.#vfs !== newDescriptor.#vfs) fail('cross-device');
    if (this.#isBase(from) || newDescriptor.#isBase(to)) fail('invalid');
    const s = this.#lstat(from);
    if (to.dirOnly && s.kind !== 'dir') fail('not-directory');
    check(this.#vfs.rename(from.path, to.path));
  }

  /**
   * `[method]descriptor.symlink-at`: an absolute target is refused (the WIT), and so is one
   * that climbs above this directory: following it would be refused anyway, but on a host
   * directory the link would stay behind for host programs to follow (RATIONALE.md).
   */
  'symlink-at'(oldPath: string, newPath: string): void {
    this.#mutating();
    if (oldPath.startsWith('/')) fail('not-permitted');
    if (oldPath.length === 0) fail('no-entry');
    if (oldPath.includes('\0')) fail('invalid');
    const r = this.#resolve(newPath, false);
    if (this.#isBase(r) || r.dirOnly) fail('exist');
    if (climbsOut(oldPath, r.path.length - 1 - this.#path.length)) fail('not-permitted');
    check(this.#vfs.symlink(oldPath, r.path));
  }

  /** `[method]descriptor.unlink-file-at` */
  'unlink-file-at'(path: string): void {
    this.#mutating();
    const r = this.#resolve(path, false);
    if (this.#isBase(r)) fail('is-directory');
    if (r.dirOnly) {
      const s = this.#vfs.lstat(r.path);
      if (typeof s === 'number') failFs(s);
      fail(s.kind === 'dir' ? 'is-directory' : 'not-directory');
    }
    check(this.#vfs.unlink(r.path));
  }

  /** `[method]descriptor.is-same-object`: the same device and inode. */
  'is-same-object'(other: Descriptor): boolean {
    const a = this.#handle.stat();
    const b = other.#handle.stat();
    if (typeof a === 'number' || typeof b === 'number') return false;
    return a.dev === b.dev && a.ino === b.ino;
  }

  /** `[method]descriptor.metadata-hash` */
  'metadata-hash'(): MetadataHashValue {
    const s = this.#handle.stat();
    if (typeof s === 'number') failFs(s);
    return hashOf(s, this.#fs.hashKey);
  }

  /** `[method]descriptor.metadata-hash-at` */
  'metadata-hash-at'(flags: PathFlags, path: string): MetadataHashValue {
    return hashOf(this.#lstat(this.#resolve(path, flags['symlink-follow'] === true)), this.#fs.hashKey);
  }

  /** `[resource-drop]descriptor`: closes the host handle. */
  [Symbol.dispose](): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handle.close();
  }
}

/** The `directory-entry-stream` resource: one listing, read entry by entry. */
export class DirectoryEntryStream {
  readonly #entries: readonly DirEntry[];
  #next = 0;

  constructor(entries: readonly DirEntry[]) {
    this.#entries = entries;
  }

  /** `[method]directory-entry-stream.read-directory-entry`: the next entry, or none at the end. */
  'read-directory-entry'(): DirectoryEntry | undefined {
    const e = this.#entries[this.#next];
    if (e === undefined) return undefined;
    this.#next++;
    return { type: descriptorTypeOf(e.kind), name: e.name };
  }
}

/** `filesystem-error-code`: the code of a stream error that came from a file, if it did. */
export function filesystemErrorCode(err: IoError): FsErrorCode | undefined {
  return err.codes.filesystem as FsErrorCode | undefined;
}

