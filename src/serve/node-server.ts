// The node:http adapter of a Handler (src/serve/handler.ts). A handler made by createHandler
// is served directly (`handler.serve`, src/serve/exchange.ts): each IncomingMessage becomes an
// Exchange (its body read as the guest pulls it, its trailers once they arrive) and the answer
// is written to the ServerResponse from the guest's body pipe, with no web Request, Headers or
// Response in between (they cost a third of a request's time). Any other Handler goes through
// standard Request and Response objects. Either way a response is written with back-pressure
// (its trailers after the body, when it is chunked), and a small body the guest has finished
// goes out in one write with a Content-Length. A response body that fails midway (the guest
// trapped or overran a limit after answering) destroys the connection, so the client sees a
// cut-off response, not a complete one. Closing drains: no new connections, requests in
// flight finish (up to a grace period), idle keep-alive connections are closed. DESIGN.md,
// "Platform code is fenced".
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FieldEntry } from '../wasi/p2/http/fields.ts';
import type { ChunkReader } from '../wasi/p2/http/stream-input.ts';
import type { Answer, Exchange } from './exchange.ts';
import type { Handler } from './handler.ts';
import type { Scheme } from '../wasi/p2/http/types.ts';
import { bodyInput, bytes, HOP_BY_HOP, schemeOf } from './incoming.ts';
import { completeBody, latin1, NULL_BODY } from './outgoing.ts';
import { setTrailers, trailersOf } from './trailers.ts';

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
}

export interface NodeServer {
  readonly server: Server;
  /** Where it listens (the port the system chose for port 0). */
  readonly address: { readonly host: string; readonly port: number };
  /**
   * Stops taking connections and requests, lets those in flight finish (at most `graceMs`,
   * then their connections are closed), and closes idle keep-alive connections.
   */
  close(graceMs?: number): Promise<void>;
}

const NO_BODY = new Set(['GET', 'HEAD']);

function headersOf(raw: readonly string[]): Headers {
  const h = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      h.append(raw[i], raw[i + 1]);
    } catch { /* a name or value fetch refuses: left out */ }
  }
  return h;
}

/**
 * The request body as a web stream, read as it is pulled. Cancelling it (the guest is done,
 * the body was too large) discards the rest instead of destroying the socket, so a
 * keep-alive connection stays usable for the next request.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (cancelled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once('end', () => { if (!cancelled) controller.close(); });
      req.once('error', (e) => { if (!cancelled) controller.error(e); });
      req.once('aborted', () => { if (!cancelled) controller.error(new Error('the client aborted the request')); });
    },
    pull() {
      req.resume();
    },
    cancel() {
      cancelled = true;
      req.resume();
    },
  }, { highWaterMark: 65536, size: (c) => c.byteLength });
}

/** The standard Request for what node:http received. */
export function requestOf(req: IncomingMessage, origin: string): Request {
  const method = req.method ?? 'GET';
  let url: URL;
  try {
    url = new URL(req.url ?? '/', req.headers.host === undefined ? origin : `http://${req.headers.host}`);
  } catch {
    url = new URL(req.url ?? '/', origin);
  }
  const hasBody = !NO_BODY.has(method);
  const init: RequestInit & { duplex?: 'half' } = { method, headers: headersOf(req.rawHeaders) };
  if (hasBody) {
    init.body = bodyStream(req);
    init.duplex = 'half';
  }
  const request = new Request(url, init);
  if (hasBody) {
    setTrailers(request, new Promise<Headers | undefined>((resolve) => {
      req.once('end', () => resolve(req.rawTrailers.length > 0 ? headersOf(req.rawTrailers) : undefined));
      req.once('close', () => resolve(undefined));
    }));
  }
  return request;
}

/**
 * Writes a chunk of a body; false: wait for 'drain'. The first one is written corked, so the
 * head goes out with it in one write (node:http writes them apart otherwise); the cork ends
 * at once, since node:http keeps chunks written while corked apart from the rest.
 */
function writeChunk(res: ServerResponse, chunk: Uint8Array): boolean {
  if (res.headersSent) return res.write(chunk);
  res.cork();
  const ok = res.write(chunk);
  res.uncork();
  return ok;
}

/** Settles when `res` may be written again, or is closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const go = () => { res.off('drain', go); res.off('close', go); resolve(); };
    res.once('drain', go);
    res.once('close', go);
  });
}

/** Writes `response` to `res`; settles when it has been sent, or failed. */
export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  // A body refused unread: the rest of it is not worth reading, so the connection ends here.
  if (response.status === 413 && !res.req.complete) res.shouldKeepAlive = false;
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  const body = response.body;
  if (body === null) {
    res.end();
    return;
  }
  const reader = body.getReader();
  const gone = () => { reader.cancel().catch(() => undefined); };
  res.once('close', gone);
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  try {
    // A body that is all there already (a small answer: the guest finished before it was
    // read) goes out in one write with a Content-Length, as a plain node:http server sends it,
    // instead of as chunks: one system call, and no chunked framing.
    const first = await reader.read();
    if (first.done) {
      if (!res.hasHeader('content-length')) res.setHeader('content-length', 0);
      res.end();
      return;
    }
    pending = reader.read();
    const next = await Promise.race([pending, new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)))]);
    if (next !== undefined && next.done && (await trailersOf(response)) === undefined) {
      if (!res.hasHeader('content-length')) res.setHeader('content-length', first.value.length);
      res.end(first.value);
      return;
    }
    let ok = writeChunk(res, first.value);
    for (;;) {
      if (!ok) {
        await drained(res);
        if (res.destroyed) return;
      }
      const r = await (pending ?? reader.read());
      pending = undefined;
      if (r.done) break;
      ok = writeChunk(res, r.value);
    }
  } catch (e) {
    // Cut the connection: the client must not take a partial body for a whole one.
    res.destroy(e instanceof Error ? e : new Error(String(e)));
    return;
  } finally {
    res.off('close', gone);
  }
  const trailers = await trailersOf(response);
  if (trailers !== undefined && !res.hasHeader('content-length')) {
    const t: Record<string, string> = {};
    trailers.forEach((v, k) => { t[k] = v; });
    res.addTrailers(t);
  }
  res.end();
}

// ---- the direct path: an Exchange from node:http, its Answer written back ----

/** Request bytes read ahead of the guest before the socket is paused. */
const READ_AHEAD = 65536;

/**
 * The request body as chunks, read as they are asked for: node:http pauses the socket when
 * READ_AHEAD bytes wait unread. Cancelling it (the guest is done, the body was too large)
 * discards the rest instead of destroying the socket, so a keep-alive connection stays usable.
 */
function chunksOf(req: IncomingMessage): ChunkReader {
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let cancelled = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  req.on('data', (chunk: Buffer) => {
    if (cancelled) return;
    queue.push(chunk);
    queued += chunk.length;
    if (queued >= READ_AHEAD) req.pause();
    wake?.();
  });
  req.once('end', () => { ended = true; wake?.(); });
  req.once('error', (e) => { failure ??= e; wake?.(); });
  req.once('aborted', () => { failure ??= new Error('the client aborted the request'); wake?.(); });
  req.once('close', () => {
    if (ended || cancelled) return;
    failure ??= new Error('the connection closed before the request body ended');
    wake?.();
  });
  type Read = ReadableStreamReadResult<Uint8Array>;
  const next = (): Read | undefined => {
    const c = queue.shift();
    if (c !== undefined) {
      queued -= c.length;
      if (queued < READ_AHEAD) req.resume();
      return { done: false, value: new Uint8Array(c.buffer, c.byteOffset, c.length) };
    }
    if (failure !== undefined) throw failure;
    return ended ? { done: true, value: undefined } : undefined;
  };
  return {
    read() {
      try {
        const r = next();
        if (r !== undefined) return Promise.resolve(r);
      } catch (e) {
        return Promise.reject(e);
      }
      return new Promise<Read>((resolve, reject) => {
        wake = () => {
          try {
            const r = next();
            if (r === undefined) return;
            wake = undefined;
            resolve(r);
          } catch (e) {
            wake = undefined;
            reject(e);
          }
        };
      });
    },
    cancel() {
      cancelled = true;
      queue.length = 0;
      queued = 0;
      req.resume();
      return Promise.resolve();
    },
  };
}

/** Name and value pairs of node:http (rawHeaders, rawTrailers) as fields, names in lower case. */
function fieldsOfRaw(raw: readonly string[], dropHopByHop: boolean): FieldEntry[] {
  let named: Set<string> | undefined;
  if (dropHopByHop) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (raw[i].length === 10 && raw[i].toLowerCase() === 'connection') {
        named ??= new Set();
        for (const t of raw[i + 1].split(',')) named.add(t.trim().toLowerCase());
      }
    }
  }
  const out: FieldEntry[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (dropHopByHop && (HOP_BY_HOP.has(name) || named?.has(name) === true)) continue;
    out.push([name, bytes(raw[i + 1])]);
  }
  return out;
}

/**
 * A request-target the URL parser would hand back unchanged as its path and query: origin
 * form, no dot segments, nothing it would percent-encode, no empty query. The rest (rare) is
 * parsed, so the guest sees what the standard Request path shows it.
 */
const PLAIN_TARGET = /^\/(?!\/)[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*$/;
const DOT_SEGMENT = /\/(\.|%2e)/i;

/** The authority of a Host header, as the URL parser gives it (memoized: one per connection's host). */
const authorities = new Map<string, string | undefined>();

function authorityOf(host: string): string | undefined {
  let a = authorities.get(host);
  if (a === undefined && !authorities.has(host)) {
    try {
      a = new URL(`http://${host}/`).host;
    } catch {
      a = undefined;
    }
    if (authorities.size >= 1024) authorities.clear();
    authorities.set(host, a);
  }
  return a;
}

export interface Target {
  readonly path: string;
  readonly authority: string;
  readonly scheme: Scheme;
}

const HTTP: Scheme = { tag: 'HTTP' };

/**
 * The path with query, authority and scheme of a request, as the standard Request path reads
 * them (an absolute-form target names its own); throws a TypeError for a target no URL has.
 */
export function targetOf(url: string, host: string | undefined, origin: string): Target {
  const authority = host === undefined ? undefined : authorityOf(host);
  if (authority !== undefined && PLAIN_TARGET.test(url) && !DOT_SEGMENT.test(url) && !url.endsWith('?')) return { path: url, authority, scheme: HTTP };
  let u: URL;
  try {
    u = new URL(url, host === undefined ? origin : `http://${host}`);
  } catch {
    u = new URL(url, origin);
  }
  return { path: u.pathname + u.search, authority: u.host, scheme: schemeOf(u.protocol) };
}

const NO_TRAILERS: Promise<undefined> = Promise.resolve(undefined);

/** The Exchange for what node:http received. */
export function exchangeOfNode(req: IncomingMessage, origin: string): Exchange {
  const method = req.method ?? 'GET';
  const { path, authority, scheme } = targetOf(req.url ?? '/', req.headers.host, origin);
  const hasBody = !NO_BODY.has(method);
  const chunks = hasBody ? chunksOf(req) : undefined;
  const trailers = !hasBody ? undefined : new Promise<readonly FieldEntry[] | undefined>((resolve) => {
    req.once('end', () => resolve(req.rawTrailers.length > 0 ? fieldsOfRaw(req.rawTrailers, false) : undefined));
    req.once('close', () => resolve(undefined));
  });
  return {
    method,
    path,
    scheme,
    authority,
    headers: () => fieldsOfRaw(req.rawHeaders, true),
    contentLength: req.headers['content-length'],
    body: (limit) => bodyInput(chunks ?? null, limit),
    trailers: trailers ?? NO_TRAILERS,
    refuse: () => { void chunks?.cancel(); },
  };
}

/**
 * Whole responses (head and body in one write) wait for the end of the event loop's turn and
 * go out together (RATIONALE.md, "Why does `tessera serve` write whole responses at the end
 * of the event loop's turn?"): on loopback a write that wakes a sleeping client costs a
 * wake-up, and answering each request as it completes spreads the writes over the turn, so
 * nearly every one pays it; written back to back, most find the client awake. Under load that
 * doubled requests per second; with one request in flight it adds nothing but the rest of a
 * turn that had nothing else to do.
 */
interface WholeResponse {
  readonly res: ServerResponse;
  readonly status: number;
  readonly head: string[];
  readonly body: string | Uint8Array;
}

const atTurnEnd: WholeResponse[] = [];

function endAtTurnEnd(res: ServerResponse, status: number, head: string[], body: string | Uint8Array): void {
  atTurnEnd.push({ res, status, head, body });
  if (atTurnEnd.length === 1) setImmediate(endAll);
}

function endAll(): void {
  // Taken first: a response ended here may lead to another being queued for the next turn.
  const all = atTurnEnd.splice(0);
  for (const { res, status, head, body } of all) {
    if (res.destroyed) continue;
    try {
      res.writeHead(status, head);
      res.end(body);
    } catch (e) {
      // One response node:http refuses (an invalid header from the guest) is that response's problem.
      res.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

/** Writes `answer` to `res`; settles when it has been sent, or failed. */
export async function writeAnswer(answer: Answer, res: ServerResponse): Promise<void> {
  if (answer.kind === 'host') {
    // A body refused unread: the rest of it is not worth reading, so the connection ends here.
    if (answer.status === 413 && !res.req.complete) res.shouldKeepAlive = false;
    endAtTurnEnd(res, answer.status, ['content-type', 'text/plain; charset=utf-8', 'content-length', String(Buffer.byteLength(answer.text))], answer.text);
    return;
  }
  const { status, body } = answer;
  // Raw pairs: repeated fields stay apart (set-cookie among them), as the guest set them.
  const head: string[] = [];
  let declared = false;
  for (const [name, value] of answer.headers) {
    head.push(name, latin1(value));
    if (name === 'content-length') declared = true;
  }
  if (NULL_BODY.has(status)) {
    res.writeHead(status, head);
    res.end();
    await body.discard();
    return;
  }
  // A body that is all there already (a small answer: the guest finished it before it was
  // read) goes out in one write with a Content-Length, as a plain node:http server sends it,
  // instead of as chunks: one system call, and no chunked framing. The guest gets until the
  // event loop turns to finish.
  const all = await completeBody(body);
  if (all !== undefined) {
    let size = 0;
    for (const c of all) size += c.length;
    if (!declared) head.push('content-length', String(size));
    endAtTurnEnd(res, status, head, all.length === 1 ? all[0] : Buffer.concat(all));
    return;
  }
  if (res.destroyed) {
    body.cancel();
    return;
  }
  res.writeHead(status, head);
  const gone = () => body.cancel();
  res.once('close', gone);
  try {
    for (;;) {
      const chunk = await body.read();
      if (chunk === undefined) break;
      if (!writeChunk(res, chunk)) {
        await drained(res);
        if (res.destroyed) return;
      }
    }
  } catch (e) {
    // Cut the connection: the client must not take a partial body for a whole one.
    res.destroy(e instanceof Error ? e : new Error(String(e)));
    return;
  } finally {
    res.off('close', gone);
  }
  const trailers = body.trailers;
  if (trailers !== undefined && !declared) {
    const t: [string, string][] = [];
    for (const [name, value] of trailers) t.push([name, latin1(value)]);
    res.addTrailers(t);
  }
  res.end();
}

/** Serves `handler` on node:http; rejects if it cannot listen (the address is in use, ...). */
export async function listen(handler: Handler, options: ListenOptions): Promise<NodeServer> {
  const origin = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  // The handler answers every request itself; a failure here is a bug, kept to one connection.
  const fail = (res: ServerResponse) => (e: unknown) => { res.destroy(e instanceof Error ? e : new Error(String(e))); };
  const serve = handler.serve;
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    let answered: Promise<void>;
    try {
      answered = serve === undefined
        ? handler(requestOf(req, origin)).then((response) => writeResponse(response, res), fail(res))
        : serve(exchangeOfNode(req, origin)).then((answer) => writeAnswer(answer, res), fail(res));
    } catch {
      // A request-target no URL has (`GET http://[::1/ HTTP/1.1`): one bad request must not
      // take the server down.
      res.shouldKeepAlive = false;
      void writeAnswer({ kind: 'host', status: 400, text: 'the request target is not a URL\n' }, res);
      return;
    }
    answered.catch(() => res.destroy());
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    server,
    address: { host: a.address, port: a.port },
    close(graceMs = 30_000) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([handler.drain(), new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); })]);
        clearTimeout(timer);
        // Responses still being written get a moment; then what is left is cut.
        server.closeIdleConnections();
        const cut = setTimeout(() => { for (const s of sockets) s.destroy(); }, 1000);
        await closed;
        clearTimeout(cut);
      })();
      return closing;
    },
  };
}
