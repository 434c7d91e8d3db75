// A loopback HTTP client for the node:http adapter's tests: what a real client sees of a
// response (status, headers, the whole body, trailers), with chunked uploads and trailers.
import { type IncomingMessage, request as httpRequest } from 'node:http';
import type { NodeServer } from './node-server.ts';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly trailers: Record<string, string | undefined>;
}

export function call(s: NodeServer, path: string, options: { method?: string; headers?: Record<string, string>; chunks?: string[]; trailers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: s.address.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, trailers: res.trailers }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
    });
    req.on('error', reject);
    for (const c of options.chunks ?? []) req.write(c);
    if (options.trailers) req.addTrailers(options.trailers);
    req.end();
  });
}
