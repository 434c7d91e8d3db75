// wasi:filesystem@0.3.0's `descriptor` resource
// (https://github.com/WebAssembly/WASI/blob/v0.3.0/proposals/filesystem/wit/types.wit) over
// the 0.2 host's descriptor (src/wasi/p2/filesystem/descriptor.ts): one sandbox, one set of
// decisions. Every path still resolves there under the descriptor's directory (`..`, absolute
// paths and symlinks leading out are `not-permitted`), and read-only file systems and
// descriptors refuse changes with the same codes. What 0.3 changes is the shape:
// - the `async func`s answer at once: the file systems (src/wasi/vfs) are synchronous, and an
//   async import may return a plain value (the calling task does not block then);
// - `read-via-stream`, `write-via-stream`, `append-via-stream` and `read-directory` carry data
//   in Component Model streams with a future of the outcome instead of wasi:io streams. The
//   host reads a file as the guest reads its stream<u8> (pulled chunk by chunk, never ahead),
//   and writes what the guest writes to its stream until the guest drops its end;
// - error codes and descriptor types are variants (error-code.ts).
// Streams are not children of the descriptor in 0.3 (a guest may drop the descriptor and go on
// reading), so the host handle stays open until the last stream on it is done.
import type { ComponentStream } from '../../../component/link/index.ts';
import type { Datetime } from '../../p2/clocks.ts';
import {
  type Descriptor as DescriptorP2, type DescriptorFlags, type DescriptorStat as DescriptorStatP2, type MetadataHashValue,
  type NewTimestamp, type OpenFlags, type PathFlags, filesystemErrorCode,
} from '../../p2/filesystem/descriptor.ts';
import type { IoError } from '../../p2/io/error.ts';
import type { InputStream, OutputStream } from '../../p2/io/streams.ts';
import { fail } from '../../p2/result.ts';
import { codeOf, type DescriptorType, descriptorType, type ErrorCode, errorCode, p2Call } from './error-code.ts';

/** `instant` of wasi:clocks/system-clock@0.3.0. */
export interface Instant {
  readonly seconds: bigint;
  readonly nanoseconds: number;
}

export interface DescriptorStat {
  readonly type: DescriptorType;
  readonly 'link-count': bigint;
  readonly size: bigint;
  readonly 'data-access-timestamp': Instant | undefined;
  readonly 'data-modification-timestamp': Instant | undefined;
  readonly 'status-change-timestamp': Instant | undefined;
}

export interface DirectoryEntry {
  readonly type: DescriptorType;
  readonly name: string;
}

/** `result<_, error-code>` as the value of a future. */
export type Outcome = { readonly tag: 'ok' } | { readonly tag: 'err'; readonly val: ErrorCode };
const OK: Outcome = { tag: 'ok' };
const failed = (val: ErrorCode): Outcome => ({ tag: 'err', val });

/** How much of a file one chunk of a read stream carries (the guest's reads take less or more). */
const READ_CHUNK = 64 * 1024;
/** Directory entries per chunk of a `read-directory` stream. */
const ENTRY_CHUNK = 64;

/**
 * 0.2's datetime (from seconds and nanoseconds since the epoch computed with truncating
 * division) as 0.3's instant, whose nanoseconds are never negative (system-clock.wit).
 */
function instantOf(t: Datetime | undefined): Instant | undefined {
  if (t === undefined) return undefined;
  return t.nanoseconds < 0 ? { seconds: t.seconds - 1n, nanoseconds: t.nanoseconds + 1e9 } : t;
}

function statOf(s: DescriptorStatP2): DescriptorStat {
  return {
    type: descriptorType(s.type), 'link-count': s['link-count'], size: s.size,
    'data-access-timestamp': instantOf(s['data-access-timestamp']),
    'data-modification-timestamp': instantOf(s['data-modification-timestamp']),
    'status-change-timestamp': instantOf(s['status-change-timestamp']),
  };
}

/**
 * The code a failed wasi:io stream operation of the 0.2 host carries; undefined at the end.
 * Anything else thrown mid-stream is `io`: the call that made the stream has returned, so the
 * future is the only place left to report it (a rejected future would leave the guest waiting).
 */
function streamErrorCode(e: unknown): ErrorCode | undefined {
  const code = codeOf(e);
  if (code !== undefined) return errorCode(code);
  const p = (e as { payload?: { tag?: string; val?: IoError } } | null)?.payload;
  if (p?.tag === 'closed') return undefined;
  if (p?.tag === 'last-operation-failed' && p.val !== undefined) return errorCode(filesystemErrorCode(p.val) ?? 'io');
  return errorCode('io');
}

/**
 * A file's bytes as the async iterator a stream<u8> is lowered from: each `next` reads the
 * next chunk when the guest asks for it; `return` (the guest dropped its end) stops. The
 * outcome settles once, at the end, on an error or on the drop.
 */
class FileChunks implements AsyncIterableIterator<Uint8Array> {
  readonly #input: InputStream;
  readonly #settle: (o: Outcome) => void;
  #done = false;

  constructor(input: InputStream, settle: (o: Outcome) => void) {
    this.#input = input;
    this.#settle = settle;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    while (!this.#done) {
      let chunk: Uint8Array | undefined;
      try {
        chunk = this.#input.take(READ_CHUNK);
      } catch (e) {
        const code = streamErrorCode(e);
        this.#finish(code === undefined ? OK : failed(code));
        break;
      }
      if (chunk !== undefined) return { done: false, value: chunk };
      // Nothing yet (a file system that may wait): ask again after the event loop ran.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.#finish(OK);
    return { done: true, value: undefined };
  }

  #finish(o: Outcome): void {
    if (this.#done) return;
    this.#done = true;
    this.#input[Symbol.dispose]();
    this.#settle(o);
  }
}

/** The `descriptor` resource. */
export class Descriptor {
  readonly #d: DescriptorP2;
  /** Streams reading or writing through this descriptor's host handle. */
  #streams = 0;
  #dropped = false;

  /** Wraps a descriptor of the 0.2 host (the guest never constructs one: the WIT has no constructor). */
  constructor(d: DescriptorP2) {
    this.#d = d;
  }

  #streamBegins(): () => void {
    this.#streams++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.#streams === 0 && this.#dropped) this.#d[Symbol.dispose]();
    };
  }

  /** `[method]descriptor.read-via-stream`: the file from `offset`, as the guest reads it. */
  'read-via-stream'(offset: bigint): [AsyncIterable<Uint8Array> | Iterable<Uint8Array>, Promise<Outcome>] {
    let input: InputStream;
    try {
      if (this.#d['get-type']() !== 'directory' && this.#d['get-flags']().read !== true) fail('bad-descriptor');
      input = this.#d['read-via-stream'](offset);
    } catch (e) {
      const code = codeOf(e);
      if (code === undefined) throw e;
      return [[], Promise.resolve(failed(errorCode(code)))];
    }
    const end = this.#streamBegins();
    let settle!: (o: Outcome) => void;
    const outcome = new Promise<Outcome>((resolve) => { settle = resolve; });
    return [new FileChunks(input, (o) => { end(); settle(o); }), outcome];
  }

  /** `[method]descriptor.write-via-stream`: the guest's bytes from `offset` on, until it drops its end. */
  'write-via-stream'(data: ComponentStream, offset: bigint): Promise<Outcome> {
    return this.#write(data, offset);
  }

  /** `[method]descriptor.append-via-stream`: each chunk goes to the end of the file as it then is. */
  'append-via-stream'(data: ComponentStream): Promise<Outcome> {
    return this.#write(data, undefined);
  }

  async #write(data: ComponentStream, offset: bigint | undefined): Promise<Outcome> {
    let out: OutputStream;
    try {
      out = offset === undefined ? this.#d['append-via-stream']() : this.#d['write-via-stream'](offset);
      // Refused before reading anything: the guest's next write sees its stream dropped.
      if (this.#d['get-flags']().write !== true) {
        out[Symbol.dispose]();
        fail('bad-descriptor');
      }
    } catch (e) {
      const code = codeOf(e);
      if (code === undefined) throw e;
      await data.cancel();
      return failed(errorCode(code));
    }
    const end = this.#streamBegins();
    try {
      for (;;) {
        const chunk = await data.read();
        if (chunk === undefined) return OK;
        try {
          out.write(chunk as Uint8Array);
        } catch (e) {
          await data.cancel();
          return failed(streamErrorCode(e) ?? errorCode('io'));
        }
      }
    } finally {
      out[Symbol.dispose]();
      end();
    }
  }

  /** `[method]descriptor.advise` */
  advise(offset: bigint, length: bigint, advice: string): void {
    p2Call(() => this.#d.advise(offset, length, advice));
  }

  /** `[method]descriptor.sync-data` */
  'sync-data'(): void {
    p2Call(() => this.#d['sync-data']());
  }

  /** `[method]descriptor.get-flags` */
  'get-flags'(): DescriptorFlags {
    return p2Call(() => this.#d['get-flags']());
  }

  /** `[method]descriptor.get-type` */
  'get-type'(): DescriptorType {
    return descriptorType(p2Call(() => this.#d['get-type']()));
  }

  /** `[method]descriptor.set-size` */
  'set-size'(size: bigint): void {
    p2Call(() => this.#d['set-size'](size));
  }

  /** `[method]descriptor.set-times` */
  'set-times'(atim: NewTimestamp, mtim: NewTimestamp): void {
    p2Call(() => this.#d['set-times'](atim, mtim));
  }

  /**
   * `[method]descriptor.read-directory`: the entries as they are now, without `.` and `..`,
   * in chunks; a descriptor that is not a directory gives an empty stream and the code.
   */
  'read-directory'(): [DirectoryEntry[][], Promise<Outcome>] {
    const entries: DirectoryEntry[] = [];
    try {
      const s = this.#d['read-directory']();
      for (let e = s['read-directory-entry'](); e !== undefined; e = s['read-directory-entry']()) {
        entries.push({ type: descriptorType(e.type), name: e.name });
      }
    } catch (e) {
      const code = codeOf(e);
      if (code === undefined) throw e;
      return [[], Promise.resolve(failed(errorCode(code)))];
    }
    const chunks: DirectoryEntry[][] = [];
    for (let i = 0; i < entries.length; i += ENTRY_CHUNK) chunks.push(entries.slice(i, i + ENTRY_CHUNK));
    return [chunks, Promise.resolve(OK)];
  }

  /** `[method]descriptor.sync` */
  sync(): void {
    p2Call(() => this.#d.sync());
  }

  /** `[method]descriptor.create-directory-at` */
  'create-directory-at'(path: string): void {
    p2Call(() => this.#d['create-directory-at'](path));
  }

  /** `[method]descriptor.stat` */
  stat(): DescriptorStat {
    return statOf(p2Call(() => this.#d.stat()));
  }

  /** `[method]descriptor.stat-at` */
  'stat-at'(flags: PathFlags, path: string): DescriptorStat {
    return statOf(p2Call(() => this.#d['stat-at'](flags, path)));
  }

  /** `[method]descriptor.set-times-at` */
  'set-times-at'(flags: PathFlags, path: string, atim: NewTimestamp, mtim: NewTimestamp): void {
    p2Call(() => this.#d['set-times-at'](flags, path, atim, mtim));
  }

  /** `[method]descriptor.link-at` */
  'link-at'(oldFlags: PathFlags, oldPath: string, newDescriptor: Descriptor, newPath: string): void {
    p2Call(() => this.#d['link-at'](oldFlags, oldPath, newDescriptor.#d, newPath));
  }

  /** `[method]descriptor.open-at` */
  'open-at'(pathFlags: PathFlags, path: string, openFlags: OpenFlags, flags: DescriptorFlags): Descriptor {
    return new Descriptor(p2Call(() => this.#d['open-at'](pathFlags, path, openFlags, flags)));
  }

  /** `[method]descriptor.readlink-at` */
  'readlink-at'(path: string): string {
    return p2Call(() => this.#d['readlink-at'](path));
  }

  /** `[method]descriptor.remove-directory-at` */
  'remove-directory-at'(path: string): void {
    p2Call(() => this.#d['remove-directory-at'](path));
  }

  /** `[method]descriptor.rename-at` */
  'rename-at'(oldPath: string, newDescriptor: Descriptor, newPath: string): void {
    p2Call(() => this.#d['rename-at'](oldPath, newDescriptor.#d, newPath));
  }

  /** `[method]descriptor.symlink-at` */
  'symlink-at'(oldPath: string, newPath: string): void {
    p2Call(() => this.#d['symlink-at'](oldPath, newPath));
  }

  /** `[method]descriptor.unlink-file-at` */
  'unlink-file-at'(path: string): void {
    p2Call(() => this.#d['unlink-file-at'](path));
  }

  /** `[method]descriptor.is-same-object` */
  'is-same-object'(other: Descriptor): boolean {
    return this.#d['is-same-object'](other.#d);
  }

  /** `[method]descriptor.metadata-hash` */
  'metadata-hash'(): MetadataHashValue {
    return p2Call(() => this.#d['metadata-hash']());
  }

  /** `[method]descriptor.metadata-hash-at` */
  'metadata-hash-at'(flags: PathFlags, path: string): MetadataHashValue {
    return p2Call(() => this.#d['metadata-hash-at'](flags, path));
  }

  /** `[resource-drop]descriptor`: the host handle closes once no stream uses it. */
  [Symbol.dispose](): void {
    if (this.#dropped) return;
    this.#dropped = true;
    if (this.#streams === 0) this.#d[Symbol.dispose]();
  }
}
