// stdin, stdout and stderr as the host configures them. Deny by default: with no option a
// guest reads end-of-file and its output goes nowhere. In-memory buffers and callbacks work
// everywhere; inheriting the process's own streams is the node adapter's (src/wasi/node.ts).
//
// Reads are synchronous calls; an input that must wait for its bytes (a pipe, a terminal, a
// socket, an async source in a browser) says so through `whenReadable`, and a host running
// its guest through JSPI suspends the guest on that promise instead of blocking the thread
// (RATIONALE.md, "What is synchronous in WASI, and why?").

export interface InputStream {
  /**
   * Up to `max` bytes; an empty array at end of input. An input that cannot block the thread
   * returns undefined when it has nothing yet (the guest sees EAGAIN, as from a non-blocking
   * descriptor); `whenReadable` says when to read again.
   */
  read(max: number): Uint8Array | undefined;
  /** Bytes that can be read without blocking (for poll_oneoff); undefined if unknown. */
  available?(): number | undefined;
  /**
   * Undefined when a read would not wait (bytes are buffered, or the input has ended);
   * otherwise a promise that settles when it would not. `signal` abandons the wait.
   */
  whenReadable?(signal?: AbortSignal): Promise<void> | undefined;
  /**
   * Whether a read would not wait now (bytes are buffered, or the input has ended), without
   * starting a wait as `whenReadable` does: what a 0.2 pollable's `ready` asks. An input with
   * no `whenReadable` never waits.
   */
  ready?(): boolean;
  readonly isTTY?: boolean;
}

export interface OutputStream {
  write(bytes: Uint8Array): void;
  readonly isTTY?: boolean;
}

/** Input from bytes or text held in memory. */
export function bytesInput(data: Uint8Array | string): InputStream {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let at = 0;
  return {
    read(max) {
      const out = bytes.slice(at, at + max);
      at += out.length;
      return out;
    },
    available: () => bytes.length - at,
  };
}

/** An output that keeps everything written; `bytes()` and `text()` read it back. */
export interface BufferOutput extends OutputStream {
  bytes(): Uint8Array;
  text(): string;
}

export function bufferOutput(): BufferOutput {
  let buf = new Uint8Array(256);
  let size = 0;
  return {
    write(b) {
      if (size + b.length > buf.length) {
        const grown = new Uint8Array(Math.max(size + b.length, buf.length * 2));
        grown.set(buf.subarray(0, size));
        buf = grown;
      }
      buf.set(b, size);
      size += b.length;
    },
    bytes: () => buf.slice(0, size),
    text: () => new TextDecoder().decode(buf.subarray(0, size)),
  };
}

/** An output that hands each write to `fn` (a copy: guest memory changes after the call). */
export function callbackOutput(fn: (bytes: Uint8Array) => void): OutputStream {
  return { write: (b) => fn(b.slice()) };
}

/**
 * Input from an asynchronous source (a ReadableStream, a Node stream, an async generator):
 * chunks are pulled one at a time when the guest waits for them. Under JSPI the guest
 * suspends until a chunk arrives; a guest run synchronously sees EAGAIN while none has.
 */
export function asyncInput(source: AsyncIterable<Uint8Array>): InputStream {
  const it = source[Symbol.asyncIterator]();
  let chunk: Uint8Array = new Uint8Array(0);
  let ended = false;
  let pulling: Promise<void> | undefined;
  const pull = (): Promise<void> => (pulling ??= it.next().then((r) => {
    pulling = undefined;
    if (r.done === true) ended = true;
    else chunk = r.value;
  }));
  return {
    read(max) {
      if (chunk.length === 0) return ended ? chunk : undefined;
      const out = chunk.slice(0, max);
      chunk = chunk.subarray(out.length);
      return out;
    },
    available: () => chunk.length,
    ready: () => chunk.length > 0 || ended,
    whenReadable(signal) {
      if (chunk.length > 0 || ended) return undefined;
      const p = pull();
      if (signal === undefined) return p;
      // The pull goes on (its chunk is kept for the next read); only this wait is abandoned.
      return new Promise<void>((resolve, reject) => {
        const abort = () => resolve();
        signal.addEventListener('abort', abort, { once: true });
        p.then(() => { signal.removeEventListener('abort', abort); resolve(); }, reject);
      });
    },
  };
}

/** Reads nothing: end of input at once. */
export const EMPTY_INPUT: InputStream = { read: () => new Uint8Array(0), available: () => 0 };
/** Discards what is written. */
export const NULL_OUTPUT: OutputStream = { write: () => undefined };
