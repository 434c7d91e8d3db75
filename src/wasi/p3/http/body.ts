// A wasi:http 0.3 body in transit (https://github.com/WebAssembly/WASI/blob/v0.3.0/proposals/http/wit/types.wit,
// `request.new`, `response.new`, `consume-body`): the contents as a stream<u8> and the trailers
// as a future<result<option<trailers>, error-code>>, each either a guest's (a ComponentStream,
// a ComponentFuture) or the host's (an async iterable or ReadableStream of bytes, a promise).
// Whoever takes the body (a guest through `consume-body`, the client sending it, the server
// answering with it) reports through `settle` how the transmission went: that is the future
// `new` returned to the body's writer.
import { ComponentStream } from '../../../component/link/index.ts';
import type { InputStream as ByteInput } from '../../shared/stdio.ts';
import type { Result } from '../../p2/result.ts';
import type { HttpErrorCode } from '../../p2/http/transport.ts';
import type { Fields } from './fields.ts';

/** `result<option<trailers>, error-code>`, as the trailers future carries it. */
export type TrailersResult = Result<Fields | undefined, HttpErrorCode>;
/** `result<_, error-code>`: how a transmission went. */
export type Outcome = { readonly tag: 'ok'; readonly val?: undefined } | { readonly tag: 'err'; readonly val: HttpErrorCode };

export const OK: Outcome = { tag: 'ok' };

/** A stream<u8> the host may hand on: a guest's, or bytes the host produces. */
export type Contents = ComponentStream | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

export interface Body {
  /** undefined: `none`, a zero-length body. */
  readonly contents: Contents | undefined;
  readonly trailers: PromiseLike<TrailersResult>;
  /** Settles the transmission future `new` returned (once; later calls are ignored). */
  readonly settle: (outcome: Outcome) => void;
  /** The host stops producing the contents (the taker dropped the message unread). */
  readonly abort?: () => void;
}

/** A promise of the transmission's outcome and the function that settles it (once). */
export function transmission(): { readonly done: Promise<Outcome>; readonly settle: (o: Outcome) => void } {
  let resolve!: (o: Outcome) => void;
  const done = new Promise<Outcome>((r) => { resolve = r; });
  let settled = false;
  return { done, settle: (o) => { if (!settled) { settled = true; resolve(o); } } };
}

/** `internal-error(message)` */
export function internalError(message: string): HttpErrorCode {
  return { tag: 'internal-error', val: message };
}

/**
 * A future the guest gave (a ComponentFuture) as a promise that never rejects: a writer that
 * dropped its end without writing stands for an internal error, as wasmtime reports it.
 */
export function settled<T>(f: PromiseLike<T>, otherwise: T): Promise<T> {
  return Promise.resolve(f).then((v) => v, () => otherwise);
}

/** The contents as Uint8Array chunks, whatever their kind (the client and the server read them so). */
export async function* bytesOf(contents: Contents | undefined): AsyncGenerator<Uint8Array> {
  if (contents === undefined) return;
  if (contents instanceof ReadableStream) {
    const reader = contents.getReader();
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  let ended = false;
  try {
    for await (const chunk of contents as AsyncIterable<unknown>) {
      if (chunk instanceof Uint8Array) yield chunk;
      else if (ArrayBuffer.isView(chunk)) yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    ended = true;
  } finally {
    // Left before its end (a cap, a client gone): a guest's stream is dropped, so its writer
    // sees DROPPED at once instead of waiting for a reader.
    if (!ended && contents instanceof ComponentStream) await contents.cancel();
  }
}

/**
 * A byte input that never waits (a transport's response body, src/wasi/shared/stdio.ts) as an
 * async iterable of chunks for a stream<u8>; `stop` is called if the reader goes away first.
 */
export async function* chunksOf(input: ByteInput, stop: () => void): AsyncGenerator<Uint8Array> {
  let ended = false;
  try {
    for (;;) {
      let bytes: Uint8Array | undefined;
      try {
        bytes = input.read(1 << 16);
      } catch {
        // The body failed: the stream ends here, and the trailers future says why.
        break;
      }
      if (bytes === undefined) {
        await (input.whenReadable?.() ?? Promise.resolve());
        continue;
      }
      if (bytes.length === 0) break;
      yield bytes;
    }
    ended = true;
  } finally {
    if (!ended) stop();
  }
}

/** The contents of `none`: a stream that ends at once. */
export async function* noContents(): AsyncGenerator<Uint8Array> {
  // Nothing: `consume-body` of a body without contents still gives a stream.
}
