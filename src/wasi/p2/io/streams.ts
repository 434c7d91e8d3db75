// wasi:io/streams (https://github.com/WebAssembly/WASI/blob/main/proposals/io/wit/streams.wit):
// byte streams over the host's sources and sinks. A source is the shared `InputStream` of
// src/wasi/shared/stdio.ts (stdin, sockets, file readers, HTTP bodies): `read` never waits,
// `whenReadable` says when to read again; a sink is an `OutputStream` with optional
// back-pressure (`capacity`, `whenWritable`, `flush`). Sources and sinks fail an operation by
// throwing an IoError, which the guest sees as `last-operation-failed`; after a failure or at
// the end a stream is `closed` for good, as the WIT says.
//
// Non-blocking calls never wait. The blocking ones (`blocking-read`, `blocking-skip`,
// `blocking-write-and-flush`, `blocking-flush`, `blocking-write-zeroes-and-flush`,
// `blocking-splice`) return a promise when they must wait, and are imported through JSPI.
import type { InputStream as ByteInput, OutputStream as ByteOutput } from '../../shared/stdio.ts';
import { ComponentError } from '../../../core/errors.ts';
import { fail } from '../result.ts';
import { IoError } from './error.ts';
import { ABANDONED, type IoContext, Pollable, type Readiness, wouldBlock } from './poll.ts';

/** A sink with optional back-pressure. Sinks copy bytes they keep: the caller's buffer is reused. */
export interface ByteSink extends ByteOutput {
  /** Bytes `write` accepts now (0: wait for `whenWritable`); without it, any amount. */
  capacity?(): number;
  /** Settles when `capacity()` may be above 0, or when the sink closed. */
  whenWritable?(signal: AbortSignal): Promise<void>;
  /** Hands on what was written: undefined when done, else a promise that settles when it is. */
  flush?(): Promise<void> | undefined;
  /** Whether the sink is gone (a peer closed the connection): writes then fail as `closed`. */
  isClosed?(): boolean;
}

/** What `check-write` permits when a sink has no limit of its own (wasmtime permits the same order). */
export const MAX_PERMIT = 1 << 20;
/** The most a single read returns; a guest asking for more gets less, as the WIT allows. */
const MAX_READ = 1 << 20;
/** `blocking-write-and-flush` and `blocking-write-zeroes-and-flush` take at most this much (WIT). */
const BLOCKING_WRITE_MAX = 4096;
const EMPTY = new Uint8Array(0);

const CLOSED = { tag: 'closed' } as const;
/**
 * `err(closed)`, thrown at the end of every stream a guest reads to its end: one error for all
 * (the runtime only reads its payload), not a new one each time, whose stack cost 12-17 µs
 * under a guest's wasm and JSPI frames.
 */
const CLOSED_ERROR = new ComponentError(CLOSED);

/** The `stream-error` of a failed operation. */
function failed(e: IoError): never {
  return fail({ tag: 'last-operation-failed', val: e });
}

/** A u64 count as a number no larger than `cap`. */
function clampLen(len: bigint, cap: number): number {
  return len > BigInt(cap) ? cap : Number(len);
}

/** The `input-stream` resource. */
export class InputStream {
  readonly #io: IoContext;
  readonly #src: ByteInput;
  readonly #onDrop: (() => void) | undefined;
  #closed = false;
  #readiness: Readiness | undefined;

  /** `onDrop` releases what the stream alone holds (not shared sources such as stdin). */
  constructor(io: IoContext, src: ByteInput, onDrop?: () => void) {
    this.#io = io;
    this.#src = src;
    this.#onDrop = onDrop;
  }

  /**
   * Up to `max` bytes now: at least one, or undefined when none are there yet. Ends the call
   * with `closed` or `last-operation-failed` when the stream has ended or fails.
   */
  take(max: number): Uint8Array | undefined {
    if (this.#closed) throw CLOSED_ERROR;
    let b: Uint8Array | undefined;
    try {
      b = this.#src.read(max);
    } catch (e) {
      if (!(e instanceof IoError)) throw e;
      this.#closed = true;
      failed(e);
    }
    if (b === undefined) return undefined;
    if (b.length === 0) {
      this.#closed = true;
      throw CLOSED_ERROR;
    }
    return b;
  }

  /** Waits (under JSPI) until `attempt` gives a value. */
  #waitFor<T>(what: string, attempt: () => T | undefined): Promise<T> {
    if (!this.#io.jspi) throw wouldBlock(what);
    return (async () => {
      for (;;) {
        const wait = this.#src.whenReadable?.();
        if (wait !== undefined) await wait;
        const r = attempt();
        if (r !== undefined) return r;
        // A source that said "readable" and gave nothing: yield to the event loop, not spin.
        if (wait === undefined) await new Promise<void>((resolve) => setTimeout(resolve, 0));
      }
    })();
  }

  /** `[method]input-stream.read`: what is there now, possibly nothing. */
  read(len: bigint): Uint8Array {
    if (len === 0n) {
      if (this.#closed) throw CLOSED_ERROR;
      return EMPTY;
    }
    return this.take(clampLen(len, MAX_READ)) ?? EMPTY;
  }

  /** `[method]input-stream.blocking-read`: at least one byte, waiting for it. */
  'blocking-read'(len: bigint): Uint8Array | Promise<Uint8Array> {
    if (len === 0n) return this.read(len);
    const max = clampLen(len, MAX_READ);
    return this.take(max) ?? this.#waitFor('blocking-read', () => this.take(max));
  }

  /** `[method]input-stream.skip` */
  skip(len: bigint): bigint {
    return BigInt(this.read(len).length);
  }

  /** `[method]input-stream.blocking-skip` */
  'blocking-skip'(len: bigint): bigint | Promise<bigint> {
    const r = this['blocking-read'](len);
    return r instanceof Promise ? r.then((b) => BigInt(b.length)) : BigInt(r.length);
  }

  /** When a read would not wait: bytes are there, or the stream ended or failed. */
  get readiness(): Readiness {
    return (this.#readiness ??= {
      isReady: () => this.#closed || this.#src.ready?.() !== false,
      whenReady: (signal) => this.#src.whenReadable?.(signal) ?? Promise.resolve(),
    });
  }

  /** `[method]input-stream.subscribe` */
  subscribe(): Pollable {
    return new Pollable(this.#io, this.readiness);
  }

  /** `[resource-drop]input-stream` */
  [Symbol.dispose](): void {
    this.#closed = true;
    this.#onDrop?.();
  }
}

/** The `output-stream` resource. */
export class OutputStream {
  readonly #io: IoContext;
  readonly #sink: ByteSink;
  readonly #onDrop: (() => void) | undefined;
  #closed = false;
  #readiness: Readiness | undefined;

  constructor(io: IoContext, sink: ByteSink, onDrop?: () => void) {
    this.#io = io;
    this.#sink = sink;
    this.#onDrop = onDrop;
  }

  #check(): void {
    if (this.#closed || this.#sink.isClosed?.() === true) {
      this.#closed = true;
      throw CLOSED_ERROR;
    }
  }

  #write(bytes: Uint8Array): void {
    try {
      this.#sink.write(bytes);
    } catch (e) {
      if (!(e instanceof IoError)) throw e;
      this.#closed = true;
      failed(e);
    }
  }

  #capacity(): number {
    return this.#sink.capacity?.() ?? MAX_PERMIT;
  }

  /** Hands on what was written; a promise when that waits. */
  #flush(what: string): Promise<void> | undefined {
    let p: Promise<void> | undefined;
    try {
      p = this.#sink.flush?.();
    } catch (e) {
      if (!(e instanceof IoError)) throw e;
      this.#closed = true;
      failed(e);
    }
    if (p === undefined) return undefined;
    if (!this.#io.jspi) throw wouldBlock(what);
    return p.catch((e: unknown) => {
      if (!(e instanceof IoError)) throw e;
      this.#closed = true;
      failed(e);
    });
  }

  /** Waits (under JSPI) until the sink takes `n` bytes, then writes them with `write`. */
  #whenCapacity(what: string, n: number): Promise<void> | undefined {
    if (this.#capacity() >= n || this.#sink.whenWritable === undefined) return undefined;
    if (!this.#io.jspi) throw wouldBlock(what);
    return (async () => {
      while (this.#capacity() < n) {
        const ac = new AbortController();
        try {
          await this.#sink.whenWritable?.(ac.signal);
        } finally {
          ac.abort(ABANDONED);
        }
        this.#check();
      }
    })();
  }

  /** `[method]output-stream.check-write`: how many bytes `write` may take now. */
  'check-write'(): bigint {
    this.#check();
    return BigInt(this.#capacity());
  }

  /** `[method]output-stream.write` */
  write(contents: Uint8Array): void {
    this.#check();
    if (contents.length > 0) this.#write(contents);
  }

  /** `[method]output-stream.blocking-write-and-flush`: at most 4096 bytes (a larger call traps, as in wasmtime). */
  'blocking-write-and-flush'(contents: Uint8Array): void | Promise<void> {
    if (contents.length > BLOCKING_WRITE_MAX) throw new Error(`blocking-write-and-flush: buffer too large (${contents.length} bytes, at most ${BLOCKING_WRITE_MAX})`);
    this.#check();
    const room = this.#whenCapacity('blocking-write-and-flush', contents.length);
    if (room === undefined) {
      if (contents.length > 0) this.#write(contents);
      return this.#flush('blocking-write-and-flush');
    }
    // The bytes may be a view of guest memory, which need not stay valid across a wait.
    const copy = contents.slice();
    return room.then(() => {
      this.#write(copy);
      return this.#flush('blocking-write-and-flush');
    });
  }

  /** `[method]output-stream.flush`: starts handing on what was written. */
  flush(): void {
    this.#check();
    // A sink's flush is started by asking; completion is what `blocking-flush` and `subscribe` wait for.
    const p = this.#sink.flush?.();
    p?.catch(() => undefined);
  }

  /** `[method]output-stream.blocking-flush` */
  'blocking-flush'(): void | Promise<void> {
    this.#check();
    return this.#flush('blocking-flush');
  }

  /** When `check-write` would permit bytes (or fail). */
  get readiness(): Readiness {
    return (this.#readiness ??= {
      isReady: () => this.#closed || this.#sink.isClosed?.() === true || this.#capacity() > 0,
      whenReady: (signal) => this.#sink.whenWritable?.(signal) ?? Promise.resolve(),
    });
  }

  /** `[method]output-stream.subscribe` */
  subscribe(): Pollable {
    return new Pollable(this.#io, this.readiness);
  }

  /** `[method]output-stream.write-zeroes` */
  'write-zeroes'(len: bigint): void {
    this.#check();
    const n = clampLen(len, MAX_PERMIT);
    if (n > 0) this.#write(new Uint8Array(n));
  }

  /** `[method]output-stream.blocking-write-zeroes-and-flush` */
  'blocking-write-zeroes-and-flush'(len: bigint): void | Promise<void> {
    if (len > BigInt(BLOCKING_WRITE_MAX)) throw new Error(`blocking-write-zeroes-and-flush: too many bytes (${len}, at most ${BLOCKING_WRITE_MAX})`);
    return this['blocking-write-and-flush'](new Uint8Array(Number(len)));
  }

  /** `[method]output-stream.splice`: what `src` has now, as much as this stream takes now. */
  splice(src: InputStream, len: bigint): bigint {
    this.#check();
    const n = Math.min(clampLen(len, MAX_READ), this.#capacity());
    if (n === 0) return 0n;
    const b = src.take(n);
    if (b === undefined) return 0n;
    this.#write(b);
    return BigInt(b.length);
  }

  /** `[method]output-stream.blocking-splice`: waits for `src` to have bytes and this stream to take them. */
  'blocking-splice'(src: InputStream, len: bigint): bigint | Promise<bigint> {
    this.#check();
    if (len === 0n) return 0n;
    const once = (): bigint | undefined => {
      const r = this.splice(src, len);
      return r > 0n ? r : undefined;
    };
    const r = once();
    if (r !== undefined) return r;
    if (!this.#io.jspi) throw wouldBlock('blocking-splice');
    return (async () => {
      for (;;) {
        const ac = new AbortController();
        try {
          await Promise.all([src.readiness.isReady() ? undefined : src.readiness.whenReady(ac.signal),
            this.readiness.isReady() ? undefined : this.readiness.whenReady(ac.signal)]);
        } finally {
          ac.abort(ABANDONED);
        }
        const got = once();
        if (got !== undefined) return got;
      }
    })();
  }

  /** `[resource-drop]output-stream` */
  [Symbol.dispose](): void {
    this.#closed = true;
    this.#onDrop?.();
  }
}
