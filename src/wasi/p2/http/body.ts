// An outgoing body in transit: what the guest writes to a request's body stream, queued for
// the transport to read as an async iterable. The queue is bounded, so a guest writing faster
// than the network takes it sees `check-write` fall to 0 and waits (back-pressure).
import { IoError } from '../io/error.ts';
import { untilAbort } from '../io/settling.ts';
import type { ByteSink } from '../io/streams.ts';
import type { FieldEntry } from './fields.ts';

const MAX_QUEUED = 1 << 20;

export class BodyPipe implements AsyncIterable<Uint8Array> {
  readonly #chunks: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  #failure: unknown;
  #written = 0;
  /** The trailers `outgoing-body.finish` was given (a server sends a response's; issue 10). */
  trailers: readonly FieldEntry[] | undefined;
  /** Wakes the reader (a chunk or the end arrived). */
  #wakeReader: (() => void) | undefined;
  /** Wakes writers (room was made). */
  #drained: Promise<void> | undefined;
  #wakeWriters: (() => void) | undefined;

  /** Bytes written so far (for Content-Length checks). */
  get written(): number {
    return this.#written;
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(b: Uint8Array): void {
    if (this.#ended) throw new IoError('write after the body was finished', { http: { tag: 'internal-error', val: 'body finished' } });
    this.#chunks.push(b.slice());
    this.#queued += b.length;
    this.#written += b.length;
    this.#wakeReader?.();
  }

  end(): void {
    this.#ended = true;
    this.#wakeReader?.();
  }

  /**
   * The chunks not read yet, all at once, when the body is complete (ended, not failed): a
   * server sends a small body in one write. Undefined otherwise (nothing is taken).
   */
  takeAll(): Uint8Array[] | undefined {
    if (!this.#ended || this.#failure !== undefined) return undefined;
    const all = this.#chunks.splice(0);
    this.#queued = 0;
    return all;
  }

  /** Ends the body as failed: the transport's read throws. */
  abort(reason: unknown): void {
    this.#failure = reason;
    this.end();
  }

  /** The sink a body's output stream writes to. */
  sink(): ByteSink {
    return {
      write: (b) => this.push(b),
      capacity: () => (this.#ended ? 0 : Math.max(MAX_QUEUED - this.#queued, 0)),
      whenWritable: (signal) => untilAbort(this.#drained ??= new Promise<void>((resolve) => {
        this.#wakeWriters = () => {
          this.#drained = undefined;
          this.#wakeWriters = undefined;
          resolve();
        };
      }), signal),
      isClosed: () => this.#ended,
    };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const c = this.#chunks.shift();
      if (c !== undefined) {
        this.#queued -= c.length;
        this.#wakeWriters?.();
        yield c;
        continue;
      }
      if (this.#ended) {
        if (this.#failure !== undefined) throw this.#failure;
        return;
      }
      await new Promise<void>((resolve) => {
        this.#wakeReader = () => {
          this.#wakeReader = undefined;
          resolve();
        };
      });
    }
  }
}
