// How outgoing HTTP requests leave the host: a transport takes a request (method, URL,
// headers, an optional streaming body) and gives a response whose body streams in. The
// default transport of the node adapter is node:http/https (src/wasi/p2/node-http.ts): it
// sends and returns bytes exactly (no decompression, no header rewriting, no redirects); the
// web-standard `fetchTransport` here works wherever `fetch` does (a browser), with what fetch
// does on top (it may decompress bodies and refuse some headers). Neither follows redirects:
// a wasi:http guest sees the 3xx itself, and a redirect cannot lead past the allow-list.
import type { InputStream as ByteInput } from '../../shared/stdio.ts';
import type { FieldEntry } from './fields.ts';
import { streamInput } from './stream-input.ts';

export interface HttpRequestSpec {
  readonly method: string;
  readonly url: URL;
  readonly headers: readonly FieldEntry[];
  /** The body as it is written (undefined: none). */
  readonly body: AsyncIterable<Uint8Array> | undefined;
  readonly connectTimeoutMs?: number;
  readonly firstByteTimeoutMs?: number;
  readonly betweenBytesTimeoutMs?: number;
}

export interface HttpResponseSpec {
  readonly status: number;
  readonly headers: readonly FieldEntry[];
  /** The body: never waits; says when to read again (src/wasi/shared/stdio.ts). */
  readonly body: ByteInput;
  /** Settles with the trailers once the body has been read to its end (undefined: none). */
  readonly trailers: Promise<readonly FieldEntry[] | undefined>;
  /** Stops receiving (the guest dropped the response). */
  abort(): void;
}

/** Fails with an error that carries a wasi:http `error-code` in `httpCode`. */
export type HttpTransport = (req: HttpRequestSpec) => Promise<HttpResponseSpec>;

/** A wasi:http `error-code` value. */
export interface HttpErrorCode {
  readonly tag: string;
  readonly val?: unknown;
}

/** A transport failure carrying its wasi:http error code. */
export function httpFailure(code: HttpErrorCode, message = code.tag): Error & { httpCode: HttpErrorCode } {
  return Object.assign(new Error(message), { httpCode: code });
}

/** The wasi:http error code of a transport failure (one it named, else from the POSIX code). */
export function httpErrorOf(e: unknown): HttpErrorCode {
  const x = e as { httpCode?: HttpErrorCode; code?: unknown; cause?: unknown; message?: unknown };
  if (x?.httpCode !== undefined) return x.httpCode;
  const code = x?.code ?? (x?.cause as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED': return { tag: 'connection-refused' };
    case 'ECONNRESET': case 'EPIPE': return { tag: 'connection-terminated' };
    case 'ETIMEDOUT': return { tag: 'connection-timeout' };
    case 'ENOTFOUND': case 'EAI_NONAME': case 'EAI_AGAIN':
      return { tag: 'DNS-error', val: { rcode: typeof code === 'string' ? code : undefined, 'info-code': undefined } };
    case 'EHOSTUNREACH': case 'ENETUNREACH': return { tag: 'destination-unavailable' };
    default: return { tag: 'internal-error', val: typeof x?.message === 'string' ? x.message : undefined };
  }
}

/** Requests through the web-standard `fetch`. */
export const fetchTransport: HttpTransport = async (req) => {
  const headers = new Headers();
  const latin1 = new TextDecoder('latin1');
  for (const [k, v] of req.headers) headers.append(k, latin1.decode(v));
  const ac = new AbortController();
  const timer = req.firstByteTimeoutMs === undefined ? undefined : setTimeout(() => ac.abort(httpFailure({ tag: 'HTTP-response-timeout' })), req.firstByteTimeoutMs);
  const source = req.body?.[Symbol.asyncIterator]();
  const body = source === undefined ? undefined : new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await source.next();
      if (r.done === true) controller.close();
      else controller.enqueue(r.value);
    },
  });
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method, headers, redirect: 'manual', signal: ac.signal,
      ...(body === undefined ? {} : { body, duplex: 'half' }),
    } as RequestInit);
  } catch (e) {
    throw ac.signal.aborted ? ac.signal.reason : e;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  const enc = new TextEncoder();
  const out: FieldEntry[] = [];
  res.headers.forEach((v, k) => { out.push([k, enc.encode(v)]); });
  return {
    status: res.status, headers: out, body: streamInput(res.body), trailers: Promise.resolve(undefined),
    abort: () => ac.abort(),
  };
};
