// The incoming side of wasi:http: the `incoming-request` resource a guest's `handle` receives
// (src/wasi/p2/http/types.ts) for an Exchange (src/serve/exchange.ts), its headers as fields,
// its body as an input stream that pulls from the adapter as the guest reads (never more than
// the guest asked for is buffered), and its trailers when the adapter supplied them; and the
// Exchange of a standard Request.
import { IoError } from '../wasi/p2/io/error.ts';
import type { IoContext } from '../wasi/p2/io/poll.ts';
import type { FieldEntry } from '../wasi/p2/http/fields.ts';
import { IncomingRequest, type Scheme } from '../wasi/p2/http/types.ts';
import { type ChunkReader, type StreamInput, streamInput } from '../wasi/p2/http/stream-input.ts';
import type { Exchange } from './exchange.ts';
import { trailersOf } from './trailers.ts';

/**
 * Hop-by-hop headers (RFC 9110, section 7.6.1) describe the client's connection to this
 * server, not the request: the guest does not see them (nor any the Connection header names).
 * They are also those wasi:http forbids a guest to set.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'http2-settings', 'proxy-authenticate', 'proxy-authorization']);

const utf8 = new TextEncoder();

/** Header values as bytes: fetch and node:http give ByteStrings (one char per byte). */
export function bytes(s: string): Uint8Array {
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
  if (ascii) return utf8.encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Headers as wasi:http fields, hop-by-hop ones left out. */
export function fieldsOf(headers: Headers, dropHopByHop: boolean): FieldEntry[] {
  const named = new Set<string>();
  if (dropHopByHop) for (const t of (headers.get('connection') ?? '').split(',')) named.add(t.trim().toLowerCase());
  const out: FieldEntry[] = [];
  headers.forEach((value, name) => {
    if (dropHopByHop && (HOP_BY_HOP.has(name) || named.has(name))) return;
    // set-cookie values are joined by fetch's Headers; split them again.
    if (name === 'set-cookie') for (const v of headers.getSetCookie()) out.push([name, bytes(v)]);
    else out.push([name, bytes(value)]);
  });
  return out;
}

export function schemeOf(protocol: string): Scheme {
  if (protocol === 'http:') return { tag: 'HTTP' };
  if (protocol === 'https:') return { tag: 'HTTPS' };
  return { tag: 'other', val: protocol.slice(0, -1) };
}

/** The code a request body too large for the server fails with. */
export function requestTooLarge(size: number): IoError {
  return new IoError(`the request body is larger than the server accepts (${size} bytes and more)`, { http: { tag: 'HTTP-request-body-size', val: BigInt(size) } });
}

/** A request body as the guest reads it. */
export type BodyInput = StreamInput;

/**
 * The request's body as a byte input. More than `limit` bytes fail the read (the guest sees
 * `last-operation-failed` with the HTTP-request-body-size code).
 */
export function bodyInput(stream: ReadableStream<Uint8Array> | ChunkReader | null, limit = Infinity): BodyInput {
  return streamInput(stream, {
    limit,
    tooLarge: requestTooLarge,
    failed: (e) => new IoError(`the request body was cut off: ${e instanceof Error ? e.message : String(e)}`, { http: { tag: 'HTTP-request-body-size', val: undefined } }),
  });
}

/** The Exchange of a standard Request (trailers: those an adapter attached with setTrailers). */
export function exchangeOf(request: Request): Exchange {
  const url = new URL(request.url);
  const trailers = trailersOf(request)?.then((h) => (h === undefined ? undefined : fieldsOf(h, false)));
  trailers?.catch(() => undefined);
  return {
    method: request.method,
    path: url.pathname + url.search,
    scheme: schemeOf(url.protocol),
    authority: url.host,
    headers: () => fieldsOf(request.headers, true),
    contentLength: request.headers.get('content-length') ?? undefined,
    body: (limit) => bodyInput(request.body, limit),
    trailers,
    refuse: () => { void request.body?.cancel().catch(() => undefined); },
  };
}

export interface Incoming {
  readonly resource: IncomingRequest;
  readonly body: BodyInput;
}

/** The `incoming-request` for `exchange`. */
export function incomingRequest(io: IoContext, exchange: Exchange, maxBodyBytes = Infinity): Incoming {
  const body = exchange.body(maxBodyBytes);
  const resource = new IncomingRequest(io, {
    method: exchange.method,
    path: exchange.path,
    scheme: exchange.scheme,
    authority: exchange.authority,
    headers: () => exchange.headers(),
    body,
    ...(exchange.trailers === undefined ? {} : { trailers: exchange.trailers }),
    abort: () => body.cancel(),
  });
  return { resource, body };
}
