// A web ReadableStream (or any reader of chunks) as a byte input that never waits: `read`
// hands out what was pulled, `whenReadable` pulls the next chunk. Both sides of wasi:http read
// bodies this way: the client reading a fetch Response (transport.ts) and `tessera serve`
// reading a Request (or a node:http request directly, src/serve/node-server.ts).
import type { InputStream as ByteInput } from '../../shared/stdio.ts';

/** What a body is read from: a ReadableStream's reader, or an adapter's own source of chunks. */
export interface ChunkReader {
  /** The next chunk; `done` at the end; rejects when the body failed. */
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  /** Stops reading: the rest is discarded. */
  cancel(): Promise<void>;
}

export interface StreamInput extends ByteInput {
  /** Stops reading (the guest is done with the body). */
  cancel(): void;
}

export interface StreamInputOptions {
  /** More bytes than this fail the next read with `tooLarge(total)` and cancel the stream. */
  readonly limit?: number;
  readonly tooLarge?: (total: number) => unknown;
  /** What a read throws once the stream failed (default: the stream's own error). */
  readonly failed?: (error: unknown) => unknown;
}

export function streamInput(stream: ReadableStream<Uint8Array> | ChunkReader | null, options: StreamInputOptions = {}): StreamInput {
  if (stream === null) return { read: () => new Uint8Array(0), ready: () => true, cancel: () => undefined };
  const { limit = Infinity, tooLarge = (total: number) => new RangeError(`body of more than ${limit} bytes (${total})`), failed = (e: unknown) => e } = options;
  const reader: ChunkReader = stream instanceof ReadableStream ? stream.getReader() : stream;
  let chunk: Uint8Array = new Uint8Array(0);
  let ended = false;
  let failure: unknown;
  let total = 0;
  let pulling: Promise<void> | undefined;
  const pull = (): Promise<void> => (pulling ??= reader.read().then((r) => {
    pulling = undefined;
    if (r.done) {
      ended = true;
      return;
    }
    total += r.value.length;
    if (total > limit) {
      failure = tooLarge(total);
      ended = true;
      reader.cancel().catch(() => undefined);
      return;
    }
    chunk = r.value;
  }, (e: unknown) => {
    pulling = undefined;
    failure = failed(e);
    ended = true;
  }));
  return {
    read(max) {
      if (chunk.length === 0) {
        if (failure !== undefined) throw failure;
        if (ended) return chunk;
        void pull();
        return undefined;
      }
      // A view, not a copy: each chunk is the stream's own, and the ABI copies it into the guest.
      const out = chunk.length <= max ? chunk : chunk.subarray(0, max);
      chunk = chunk.subarray(out.length);
      return out;
    },
    ready: () => chunk.length > 0 || ended,
    whenReadable(signal) {
      if (chunk.length > 0 || ended) return undefined;
      const p = pull();
      if (signal === undefined) return p;
      return new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => resolve(), { once: true });
        void p.then(resolve);
      });
    },
    cancel() {
      if (ended) return;
      ended = true;
      reader.cancel().catch(() => undefined);
    },
  };
}
