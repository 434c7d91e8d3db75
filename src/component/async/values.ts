// 🔀 Streams, futures and error contexts as values (CanonicalABI.md, "lift_stream",
// "lift_future", "lift_error_context" and their lowering), and their JavaScript faces.
//
// Lifting a stream or future moves its readable end out of the component's handle table into a
// JavaScript object; lowering one makes a readable end in the receiving component's table. A
// component-to-component call passes these objects through unchanged, so the receiver reads
// straight from the writer's buffers. Given to JavaScript:
// - a `stream<T>` is a ComponentStream: `read()` resolves with the next chunk (undefined at
//   the end), it is async-iterable, `getReader()` reads like a ReadableStream's reader, and
//   `readable` is a web ReadableStream of the chunks. A chunk is a typed array for a number T
//   (Uint8Array for u8, Int32Array for s32, ...), an array of values otherwise, and the count
//   of elements for a `stream` without T.
// - a `future<T>` is a ComponentFuture: a promise-like of the value (read on the first `then`).
// - an `error-context` is an ErrorContext with its `debugMessage`.
// JavaScript gives them back the same way, or as its own: a web ReadableStream, an async or
// sync iterable of chunks (a single typed array is one chunk) for a stream; a promise or a
// plain value for a future; an Error or a string for an error context.
import { ComponentTrap } from '../../core/errors.ts';
import type { TypeEntry, VT } from '../validate/model.ts';
import { bytesToTyped, type Chunk, elementSize, MAX_BUFFER_LENGTH, noneOrNumber, rawClass, typedToBytes } from '../link/abi.ts';
import type { HandleTableImpl } from '../link/handle-table.ts';
import type { RuntimeInstance } from '../link/runtime-instance.ts';
import { HostReadableBuffer, HostWritableBuffer, type WritableBuffer } from './buffer.ts';
import { asyncTrap, COPY_CANCELLED, COPY_COMPLETED, COPY_DROPPED } from './codes.ts';
import { store } from './store.ts';
import {
  COPY_DONE, CopyEnd, type ElementType, type OnCopy, type OnCopyDone, type SharedFuture, type SharedStream,
} from './stream.ts';
import { typeKey } from './type-key.ts';

// ---- element types ----

const elementTypes = new WeakMap<HandleTableImpl, Map<TypeEntry, ElementType>>();

/** The element type of a stream or future type as seen from the instance owning `handles`. */
export function elementTypeOf(handles: HandleTableImpl, type: TypeEntry): ElementType {
  let m = elementTypes.get(handles);
  if (m === undefined) elementTypes.set(handles, m = new Map());
  let et = m.get(type);
  if (et === undefined) {
    const d = type.def;
    const element = d.kind === 'stream' || d.kind === 'future' ? d.element : undefined;
    et = elementType(element, (rid) => handles.types.get(rid));
    m.set(type, et);
  }
  return et;
}

export function elementType(t: VT | undefined, bind: (rid: number) => object | undefined): ElementType {
  return { type: t, key: typeKey(t, bind), noneOrNumber: noneOrNumber(t), size: t === undefined ? 0 : elementSize(t, 'i32') };
}

// ---- error contexts ----

/** 📝 An error context (CanonicalABI.md, "canon error-context.new"): a debug message, nothing a program may depend on. */
export class ErrorContext {
  readonly debugMessage: string;
  constructor(debugMessage: string) {
    this.debugMessage = debugMessage;
  }
}

export function liftErrorContext(handles: HandleTableImpl, i: number): ErrorContext {
  const e = handles.get(i);
  if (!(e instanceof ErrorContext)) throw new ComponentTrap('handle used with the wrong type', `handle index ${i} used with the wrong type, expected an error-context`);
  return e;
}

export function lowerErrorContext(handles: HandleTableImpl, v: unknown): number {
  let ec: ErrorContext;
  if (v instanceof ErrorContext) ec = v;
  else if (v instanceof Error) ec = new ErrorContext(v.message);
  else if (typeof v === 'string') ec = new ErrorContext(v);
  else throw new TypeError('expected an ErrorContext, an Error or a string (error-context)');
  return handles.add(ec);
}

/**
 * An instance trapped (it is poisoned for good): the stream and future ends it holds are
 * dropped, so whoever is on the other side (JavaScript reading a stream it wrote, another
 * component) sees DROPPED instead of waiting forever.
 */
export function releaseEnds(inst: RuntimeInstance): void {
  for (const e of inst.handles.entries()) {
    if (!(e instanceof CopyEnd) || e.released) continue;
    e.released = true;
    e.shared.drop();
  }
  store.schedule();
}

// ---- lifting and lowering readable ends ----

function endTrap(kind: 'stream' | 'future', what: string): never {
  asyncTrap('invalid stream or future operation', `cannot lift ${kind} ${what}`);
}

/** lift_stream / lift_future: the end leaves the table for JavaScript. */
export function liftReadableEnd(handles: HandleTableImpl, kind: 'stream' | 'future', type: TypeEntry, i: number): unknown {
  const e = handles.remove(i);
  if (!(e instanceof CopyEnd) || !e.readable || e.kind !== kind) {
    throw new ComponentTrap('handle used with the wrong type', `handle index ${i} used with the wrong type, expected the readable end of a ${kind}`);
  }
  if (e.shared.t.key !== elementTypeOf(handles, type).key) asyncTrap('invalid stream or future operation', `${kind} element type mismatch`);
  if (e.state === COPY_DONE) endTrap(kind, kind === 'stream' ? 'after being notified that the writable end dropped' : 'after previous read succeeded');
  if (e.copying()) asyncTrap('invalid stream or future operation', `cannot remove busy ${kind}`);
  if (e.wset !== null) endTrap(kind, "while it's in a waitable set");
  return kind === 'stream' ? new ComponentStream(e.shared as SharedStream) : new ComponentFuture(e.shared as SharedFuture);
}

/** lower_stream / lower_future: a new readable end for a JavaScript value. */
export function lowerReadableEnd(handles: HandleTableImpl, kind: 'stream' | 'future', type: TypeEntry, v: unknown): number {
  const t = elementTypeOf(handles, type);
  const shared = kind === 'stream' ? sharedStreamOf(v, t) : sharedFutureOf(v, t);
  return handles.add(new CopyEnd(shared, true));
}

// ---- JavaScript reading what a component writes ----

/** A chunk of a stream<T> in JavaScript (see the top of this file). */
export type StreamChunk = ArrayBufferView | unknown[] | number;

function toJsChunk(t: ElementType, chunks: readonly Chunk[]): StreamChunk {
  if (t.type === undefined) return chunks.reduce<number>((n, c) => n + (c as number), 0);
  if (rawClass(t.type) !== undefined) {
    const parts = chunks as Uint8Array[];
    let bytes: Uint8Array;
    if (parts.length === 1) bytes = parts[0];
    else {
      bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        bytes.set(p, o);
        o += p.length;
      }
    }
    return bytesToTyped(t.type, bytes);
  }
  return (chunks as unknown[][]).flat();
}

/** A reader of a ReadableStream's shape over a ComponentStream. */
export interface ComponentStreamReader {
  read(): Promise<{ done: true; value: undefined } | { done: false; value: StreamChunk }>;
  cancel(): Promise<void>;
  releaseLock(): void;
  readonly closed: Promise<void>;
}

/**
 * A readable end JavaScript let go of without reading to the end or cancelling is dropped when
 * collected, so the writer sees DROPPED instead of waiting for a reader forever.
 */
const unread = new FinalizationRegistry<SharedStream | SharedFuture>((shared) => {
  shared.drop();
  store.schedule();
});

/** The readable end of a component's stream, given to JavaScript. */
export class ComponentStream implements AsyncIterable<StreamChunk> {
  #shared: SharedStream | null;
  #reading = false;
  #used = false;
  #closed: Promise<void>;
  #close!: () => void;
  readonly #t: ElementType;

  /** @internal */
  constructor(shared: SharedStream) {
    this.#shared = shared;
    this.#t = shared.t;
    this.#closed = new Promise((resolve) => { this.#close = resolve; });
    unread.register(this, shared, this);
  }

  /** The element type's chunk kind: 'bytes' for stream<u8>, 'numbers', 'values' or 'count'. */
  get chunkKind(): 'bytes' | 'numbers' | 'values' | 'count' {
    const t = this.#t.type;
    if (t === undefined) return 'count';
    const C = rawClass(t);
    return C === Uint8Array ? 'bytes' : C !== undefined ? 'numbers' : 'values';
  }

  /** The next chunk the writer wrote, or undefined once it dropped its end. */
  read(): Promise<StreamChunk | undefined> {
    const shared = this.#shared;
    if (shared === null) return Promise.resolve(undefined);
    if (this.#reading) return Promise.reject(new TypeError('a read of this stream is already pending'));
    this.#reading = true;
    this.#used = true;
    return new Promise<StreamChunk | undefined>((resolve) => {
      const buf = new HostWritableBuffer(this.#t.size, MAX_BUFFER_LENGTH);
      let settled = false;
      store.hostWaiters++;
      const finish = (result: number): void => {
        if (settled) return;
        settled = true;
        store.hostWaiters--;
        this.#reading = false;
        if (buf.progress > 0 || (result === COPY_COMPLETED && buf.chunks.length > 0)) {
          resolve(toJsChunk(this.#t, buf.chunks));
          return;
        }
        if (result === COPY_DROPPED) this.#end();
        resolve(result === COPY_DROPPED ? undefined : toJsChunk(this.#t, []));
      };
      const onCopy: OnCopy = (reclaim) => {
        reclaim();
        finish(COPY_COMPLETED);
      };
      shared.read(null, buf, onCopy, finish);
      store.schedule(); // a writer may be waiting for this read
    });
  }

  #end(): void {
    const s = this.#shared;
    this.#shared = null;
    unread.unregister(this);
    s?.drop();
    this.#close();
  }

  /** Drops the readable end: the writer is told (its next write reports DROPPED). */
  cancel(): Promise<void> {
    const s = this.#shared;
    if (s !== null && this.#reading) s.cancel();
    this.#end();
    store.schedule();
    return Promise.resolve();
  }

  getReader(): ComponentStreamReader {
    return {
      read: async () => {
        const v = await this.read();
        return v === undefined ? { done: true, value: undefined } : { done: false, value: v };
      },
      cancel: () => this.cancel(),
      releaseLock: () => {},
      closed: this.#closed,
    };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StreamChunk, void, undefined> {
    for (;;) {
      const v = await this.read();
      if (v === undefined) return;
      yield v;
    }
  }

  /** A web ReadableStream of the chunks (this object is then consumed through it). */
  get readable(): ReadableStream<StreamChunk> {
    return new ReadableStream<StreamChunk>({
      pull: async (c) => {
        const v = await this.read();
        if (v === undefined) c.close();
        else c.enqueue(v);
      },
      cancel: () => this.cancel(),
    }, { highWaterMark: 0 });
  }

  /** @internal Moves the end into a component (lowering): JavaScript can no longer read it. */
  take(): SharedStream {
    const s = this.#shared;
    if (s === null || this.#used) throw new TypeError('this stream was already read or passed on');
    this.#shared = null;
    this.#used = true;
    unread.unregister(this);
    return s;
  }
}

/** The readable end of a component's future, given to JavaScript: a promise-like of its value. */
export class ComponentFuture implements PromiseLike<unknown> {
  #shared: SharedFuture | null;
  #value: Promise<unknown> | undefined;
  readonly #t: ElementType;

  /** @internal */
  constructor(shared: SharedFuture) {
    this.#shared = shared;
    this.#t = shared.t;
    unread.register(this, shared, this);
  }

  #read(): Promise<unknown> {
    if (this.#value !== undefined) return this.#value;
    const shared = this.#shared;
    if (shared === null) return Promise.reject(new TypeError('this future was passed on'));
    this.#value = new Promise<unknown>((resolve, reject) => {
      const buf = new HostWritableBuffer(this.#t.size, 1);
      store.hostWaiters++;
      unread.unregister(this);
      shared.read(null, buf, (result) => {
        store.hostWaiters--;
        this.#shared = null;
        shared.drop();
        if (result !== COPY_COMPLETED) {
          reject(new Error('the future was cancelled'));
          return;
        }
        const c = toJsChunk(this.#t, buf.chunks);
        resolve(typeof c === 'number' ? undefined : ArrayBuffer.isView(c) ? (c as unknown as ArrayLike<unknown>)[0] : (c as unknown[])[0]);
      });
      store.schedule();
    });
    return this.#value;
  }

  then<A = unknown, B = never>(onFulfilled?: ((v: unknown) => A | PromiseLike<A>) | null, onRejected?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#read().then(onFulfilled, onRejected);
  }

  /** Drops the readable end without reading. */
  cancel(): void {
    const s = this.#shared;
    this.#shared = null;
    unread.unregister(this);
    s?.drop();
  }

  /** @internal Moves the end into a component (lowering). */
  take(): SharedFuture {
    const s = this.#shared;
    if (s === null || this.#value !== undefined) throw new TypeError('this future was already read or passed on');
    this.#shared = null;
    unread.unregister(this);
    return s;
  }
}

// ---- components reading what JavaScript writes ----

function chunkFromJs(t: ElementType, v: unknown): Chunk {
  if (t.type === undefined) return typeof v === 'number' ? v : 1;
  if (rawClass(t.type) !== undefined) return typedToBytes(t.type, v);
  if (Array.isArray(v)) return v;
  if (typeof v === 'object' && v !== null && Symbol.iterator in v) return Array.from(v as Iterable<unknown>);
  throw new TypeError('expected an array of values as a stream chunk');
}

type Pull = () => Promise<IteratorResult<unknown>>;

function pullerOf(v: unknown): { next: Pull; stop: () => void } {
  if (typeof ReadableStream !== 'undefined' && v instanceof ReadableStream) {
    const reader = v.getReader();
    return { next: () => reader.read() as Promise<IteratorResult<unknown>>, stop: () => { void reader.cancel().catch(() => {}); } };
  }
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
    let given = false;
    return { next: () => Promise.resolve(given ? { done: true, value: undefined } : (given = true, { done: false, value: v })), stop: () => {} };
  }
  if (typeof v === 'object' && v !== null && Symbol.asyncIterator in v) {
    const it = (v as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    return { next: () => it.next(), stop: () => { void it.return?.()?.catch?.(() => {}); } };
  }
  if (typeof v === 'object' && v !== null && Symbol.iterator in v) {
    const it = (v as Iterable<unknown>)[Symbol.iterator]();
    return { next: () => Promise.resolve(it.next()), stop: () => { it.return?.(); } };
  }
  throw new TypeError('expected a ComponentStream, a ReadableStream or an (async) iterable of chunks (stream)');
}

/** A stream JavaScript writes (ReadableStream in the spec's interface), pulled on demand. */
class HostStream implements SharedStream {
  readonly kind = 'stream';
  readonly t: ElementType;
  readonly #source: { next: Pull; stop: () => void };
  #leftover: HostReadableBuffer | null = null;
  #pending: { dst: WritableBuffer; onCopyDone: OnCopyDone } | null = null;
  #pulling = false;
  #ended = false;
  #dropped = false;

  constructor(t: ElementType, v: unknown) {
    this.t = t;
    this.#source = pullerOf(v);
  }

  read(_inst: RuntimeInstance | null, dst: WritableBuffer, _onCopy: OnCopy, onCopyDone: OnCopyDone): void {
    const left = this.#leftover;
    if (left !== null) {
      if (dst.remain() > 0) {
        dst.write(left.read(Math.min(dst.remain(), left.remain())));
        if (left.remain() === 0) this.#leftover = null;
      }
      onCopyDone(COPY_COMPLETED);
      return;
    }
    if (this.#ended) {
      onCopyDone(COPY_DROPPED);
      return;
    }
    this.#pending = { dst, onCopyDone };
    this.#pull();
  }

  #pull(): void {
    if (this.#pulling) return;
    this.#pulling = true;
    store.hostBegin();
    this.#source.next().then((r) => {
      store.hostEnd();
      this.#pulling = false;
      if (this.#dropped) return;
      if (r.done) this.#ended = true;
      else {
        const c = chunkFromJs(this.t, r.value);
        if (typeof c === 'number' ? c > 0 : c.length > 0) this.#leftover = new HostReadableBuffer(this.t.size, c);
      }
      const p = this.#pending;
      if (p === null) return;
      this.#pending = null;
      this.read(null, p.dst, () => {}, p.onCopyDone);
    }, (e: unknown) => {
      store.hostEnd();
      this.#pulling = false;
      this.#ended = true;
      const p = this.#pending;
      this.#pending = null;
      p?.onCopyDone(COPY_DROPPED);
      store.onUncaughtTrap?.(e);
    });
  }

  write(): void {
    throw new Error('internal: a stream written by JavaScript has no writable end in a component');
  }

  cancel(): void {
    const p = this.#pending;
    this.#pending = null;
    p?.onCopyDone(COPY_CANCELLED);
  }

  drop(): void {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#source.stop();
  }
}

function sharedStreamOf(v: unknown, t: ElementType): SharedStream {
  if (v instanceof ComponentStream) return v.take();
  return new HostStream(t, v);
}

/** A future JavaScript resolves (ReadableFuture in the spec's interface). */
class HostFuture implements SharedFuture {
  readonly kind = 'future';
  readonly t: ElementType;
  readonly #value: unknown;
  #settled = false;
  #result: Chunk | undefined;
  #pending: { dst: WritableBuffer; onCopyDone: OnCopyDone } | null = null;
  #waiting = false;

  constructor(t: ElementType, v: unknown) {
    this.t = t;
    this.#value = v;
    if (!isThenable(v)) {
      this.#settled = true;
      this.#result = this.#chunk(v);
    }
  }

  #chunk(v: unknown): Chunk {
    if (this.t.type === undefined) return 1;
    if (rawClass(this.t.type) !== undefined) return typedToBytes(this.t.type, [v]);
    return [v];
  }

  read(_inst: RuntimeInstance | null, dst: WritableBuffer, onCopyDone: OnCopyDone): void {
    if (this.#settled) {
      dst.write(new HostReadableBuffer(this.t.size, this.#result!).read(1));
      onCopyDone(COPY_COMPLETED);
      return;
    }
    this.#pending = { dst, onCopyDone };
    if (this.#waiting) return;
    this.#waiting = true;
    store.hostBegin();
    (this.#value as PromiseLike<unknown>).then((x) => {
      store.hostEnd();
      this.#settled = true;
      this.#result = this.#chunk(x);
      const p = this.#pending;
      this.#pending = null;
      if (p !== null) this.read(null, p.dst, p.onCopyDone);
    }, (e: unknown) => {
      store.hostEnd();
      store.onUncaughtTrap?.(e);
    });
  }

  write(): void {
    throw new Error('internal: a future resolved by JavaScript has no writable end in a component');
  }

  cancel(): void {
    const p = this.#pending;
    this.#pending = null;
    p?.onCopyDone(COPY_CANCELLED);
  }

  drop(): void {}
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function sharedFutureOf(v: unknown, t: ElementType): SharedFuture {
  if (v instanceof ComponentFuture) return v.take();
  return new HostFuture(t, v);
}
