// The node adapter for outgoing wasi:http requests: node:http and node:https, which send
// and return bytes exactly as given (no decompression, no header rewriting, no redirects;
// see http/transport.ts for why not fetch). One connection per request (no keep-alive
// agent): nothing outlives the guest's request, and requests of different guests never
// share a connection. DESIGN.md, "Platform code is fenced".
import type { IncomingMessage } from 'node:http';
import { readableInput } from '../node.ts';
import type { FieldEntry } from './http/fields.ts';
import { httpFailure, type HttpRequestSpec, type HttpResponseSpec, type HttpTransport } from './http/transport.ts';

const latin1 = new TextDecoder('latin1');

function bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Raw header lines (name, value, name, value, ...) as fields with lower-case names. */
function fieldsOf(raw: readonly string[]): FieldEntry[] {
  const out: FieldEntry[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i].toLowerCase(), bytes(raw[i + 1])]);
  return out;
}

function headersOf(entries: readonly FieldEntry[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of entries) (out[k] ??= []).push(latin1.decode(v));
  return out;
}

export const nodeHttpTransport: HttpTransport = async (req: HttpRequestSpec): Promise<HttpResponseSpec> => {
  const mod = req.url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<HttpResponseSpec>((resolve, reject) => {
    let firstByte: ReturnType<typeof setTimeout> | undefined;
    const r = mod.request(req.url, { method: req.method, headers: headersOf(req.headers), agent: false }, (res: IncomingMessage) => {
      if (firstByte !== undefined) clearTimeout(firstByte);
      if (req.betweenBytesTimeoutMs !== undefined) {
        res.setTimeout(req.betweenBytesTimeoutMs, () => res.destroy(httpFailure({ tag: 'connection-read-timeout' })));
      }
      const trailers = new Promise<readonly FieldEntry[] | undefined>((done, fail) => {
        res.once('end', () => done(res.rawTrailers.length > 0 ? fieldsOf(res.rawTrailers) : undefined));
        res.once('error', fail);
        res.once('close', () => { if (!res.complete) fail(httpFailure({ tag: 'HTTP-response-incomplete' })); });
      });
      trailers.catch(() => undefined);
      resolve({
        status: res.statusCode ?? 0,
        headers: fieldsOf(res.rawHeaders),
        body: readableInput(() => res),
        trailers,
        abort: () => res.destroy(),
      });
    });
    r.once('error', reject);
    if (req.connectTimeoutMs !== undefined) {
      const limit = req.connectTimeoutMs;
      r.once('socket', (s) => {
        const t = setTimeout(() => r.destroy(httpFailure({ tag: 'connection-timeout' })), limit);
        s.once('connect', () => clearTimeout(t));
        s.once('close', () => clearTimeout(t));
      });
    }
    if (req.firstByteTimeoutMs !== undefined) {
      firstByte = setTimeout(() => r.destroy(httpFailure({ tag: 'HTTP-response-timeout' })), req.firstByteTimeoutMs);
    }
    const body = req.body;
    if (body === undefined) {
      r.end();
      return;
    }
    void (async () => {
      for await (const chunk of body) {
        if (!r.write(chunk)) await new Promise<void>((ok) => r.once('drain', ok));
      }
      r.end();
    })().catch((e: unknown) => r.destroy(e instanceof Error ? e : new Error(String(e))));
  });
};
