// The node:http adapter over loopback: what a real client sees (chunked bodies both ways,
// trailers, cut-off bodies, the access log) and a graceful close.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { type AccessLogEntry, createHandler, type HandlerOptions } from './handler.ts';
import { listen, type NodeServer } from './node-server.ts';

const GUEST = new Uint8Array(readFileSync(new URL('../../test/fixtures/serve/guest.component.wasm', import.meta.url)));

async function server(options: HandlerOptions = {}): Promise<NodeServer> {
  return listen(await createHandler(GUEST, options), { host: '127.0.0.1', port: 0 });
}

interface Reply {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly trailers: Record<string, string | undefined>;
}

function call(s: NodeServer, path: string, options: { method?: string; headers?: Record<string, string>; chunks?: string[]; trailers?: Record<string, string> } = {}): Promise<Reply> {
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

describe('node:http adapter', () => {
  it('serves, streams a chunked upload back with its trailers, and logs each request', async () => {
    const log: AccessLogEntry[] = [];
    const s = await server({ log: (e) => log.push(e) });
    try {
      const hello = await call(s, '/hello');
      assert.equal(hello.status, 200);
      assert.equal(hello.body, 'hello, world\n');
      const echo = await call(s, '/echo', {
        method: 'POST', headers: { 'content-type': 'text/x-test', 'transfer-encoding': 'chunked', trailer: 'x-sum' },
        chunks: ['one ', 'two ', 'three'], trailers: { 'x-sum': '42' },
      });
      assert.equal(echo.body, 'one two three');
      assert.equal(echo.headers['content-type'], 'text/x-test');
      assert.equal(echo.trailers['x-sum'], '42');
      const info = await call(s, '/info?q=1', { headers: { 'x-custom': 'v' } });
      assert.match(info.body, /^GET \/info\?q=1\nauthority: 127\.0\.0\.1:\d+\n/);
      assert.match(info.body, /\nx-custom: v\n/);
      assert.doesNotMatch(info.body, /\nconnection:/);
      assert.deepEqual(log.map((e) => `${e.method} ${e.path} ${e.status}`), ['GET /hello 200', 'POST /echo 200', 'GET /info?q=1 200']);
    } finally {
      await s.close();
    }
  });

  it('cuts the connection when the body fails after the answer began', async () => {
    const s = await server();
    try {
      await assert.rejects(call(s, '/trap-after'));
      const big = await call(s, '/big/3000000');
      assert.equal(big.body.length, 3_000_000);
      assert.equal((await call(s, '/hello')).status, 200);
    } finally {
      await s.close();
    }
  });

  it('answers 413 for a declared body above the cap without running the guest', async () => {
    const log: AccessLogEntry[] = [];
    const s = await server({ limits: { maxRequestBodyBytes: 1000 }, log: (e) => log.push(e) });
    try {
      const r = await call(s, '/echo', { method: 'POST', headers: { 'content-length': '5000' }, chunks: ['x'.repeat(5000)] }).catch((e: unknown) => e);
      if (!(r instanceof Error)) assert.equal((r as Reply).status, 413);
      assert.equal(log[0]?.status, 413);
    } finally {
      await s.close();
    }
  });

  it('closes gracefully: no new connections, requests in flight finish', async () => {
    const s = await server();
    const slow = call(s, '/sleep/300');
    await new Promise((r) => setTimeout(r, 50));
    const closed = s.close();
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(new Promise((resolve, reject) => {
      const c = connect(s.address.port, '127.0.0.1', () => { c.destroy(); resolve(undefined); });
      c.on('error', reject);
    }), /ECONNREFUSED/);
    const r = await slow;
    assert.equal(r.status, 200);
    assert.equal(r.body, 'slept\n');
    await closed;
  });
});
