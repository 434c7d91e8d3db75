// The node:http adapter of a Handler (src/serve/handler.ts): each IncomingMessage becomes a
// standard Request (body streamed, trailers attached once they arrive), each Response is
// written back with back-pressure (its trailers after the body, when the response is
// chunked). A response body that fails midway (the guest trapped or overran a limit after
// answering) destroys the connection, so the client sees a cut-off response, not a complete
// one. Closing drains: no new connections, requests in flight finish (up to a grace period),
// idle keep-alive connections are closed. DESIGN.md, "Platform code is fenced".
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Handler } from './handler.ts';
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
    res.cork();
    res.write(first.value);
    process.nextTick(() => res.uncork());
    for (;;) {
      const r = await (pending ?? reader.read());
      pending = undefined;
      if (r.done) break;
      if (!res.write(r.value)) {
        await new Promise<void>((resolve) => {
          const go = () => { res.off('drain', go); res.off('close', go); resolve(); };
          res.once('drain', go);
          res.once('close', go);
        });
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
  const trailers = await trailersOf(response);
  if (trailers !== undefined && !res.hasHeader('content-length')) {
    const t: Record<string, string> = {};
    trailers.forEach((v, k) => { t[k] = v; });
    res.addTrailers(t);
  }
  res.end();
}

/** Serves `handler` on node:http; rejects if it cannot listen (the address is in use, ...). */
export async function listen(handler: Handler, options: ListenOptions): Promise<NodeServer> {
  const origin = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    const request = requestOf(req, origin);
    handler(request).then((response) => writeResponse(response, res), (e: unknown) => {
      // The handler answers every request itself; this is a bug, kept to one connection.
      res.destroy(e instanceof Error ? e : new Error(String(e)));
    }).catch(() => res.destroy());
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
