// createHandler of a WASI 0.3 wasi:http/service component (test/fixtures/serve-p3/service.wat,
// component text built here by Tessera's own parser): requests and responses with stream
// bodies and trailers, concurrent requests sharing one instance, a trap ending the requests of
// its instance only, the reuse bounds, the deadline, the body caps, client.send to loopback.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serviceComponent } from '../../test/fixtures/serve-p3/service.ts';
import { nodeHttpTransport } from '../wasi/p2/node-http.ts';
import { type AccessLogEntry, createHandler, type HandlerOptions } from './handler.ts';
import { setTrailers, trailersOf } from './trailers.ts';

const SERVICE = serviceComponent();

const get = (path: string, init?: RequestInit) => new Request(`http://service.test${path}`, init);

describe('createHandler of a wasi:http/service (0.3) component', () => {
  it('answers hello with headers; echoes a streamed body with its trailers', async () => {
    const log: AccessLogEntry[] = [];
    const handler = await createHandler(SERVICE, { log: (e) => log.push(e) });
    const hello = await handler(get('/hello'));
    assert.equal(hello.status, 200);
    assert.equal(hello.headers.get('content-type'), 'text/plain');
    assert.equal(hello.headers.get('x-tessera'), 'p3');
    assert.equal(await hello.text(), 'hello from wasi 0.3 #1\n');
    const chunks = ['one ', 'two ', 'three'];
    const req = get('/echo', {
      method: 'POST', duplex: 'half',
      body: new ReadableStream<Uint8Array>({
        pull(c) {
          const next = chunks.shift();
          if (next === undefined) c.close();
          else c.enqueue(new TextEncoder().encode(next));
        },
      }),
    } as RequestInit);
    setTrailers(req, Promise.resolve(new Headers({ 'x-sum': '42' })));
    const echo = await handler(req);
    assert.equal(await echo.text(), 'one two three');
    assert.equal((await trailersOf(echo))?.get('x-sum'), '42');
    assert.deepEqual(log.map((e) => `${e.method} ${e.path} ${e.status} ${e.bytes}`), ['GET /hello 200 23', 'POST /echo 200 13']);
    // One instance served both (the default reuse of a 0.3 service).
    assert.equal(handler.stats.instantiated, 1);
    await handler.drain();
  });

  it('serves concurrent requests in one instance, up to maxInstanceConcurrentReuse at a time', async () => {
    const handler = await createHandler(SERVICE, { limits: { maxInstanceConcurrentReuse: 4 } });
    assert.deepEqual(handler.isolation, { mode: 'shared', concurrent: 4, reuse: 128, why: 'a 0.3 wasi:http/service' });
    const bodies = await Promise.all(Array.from({ length: 4 }, () => handler(get('/slow')).then((r) => r.text())));
    // Each request saw the instance's count at its start: 1 to 4, so all four ran in one instance.
    assert.deepEqual(bodies.map((b) => Number(/#(\d+)/.exec(b)?.[1])).sort(), [1, 2, 3, 4]);
    assert.equal(handler.stats.instantiated, 1);
    // A fifth at once goes to a second instance.
    const more = await Promise.all(Array.from({ length: 5 }, () => handler(get('/slow')).then((r) => r.text())));
    assert.deepEqual(more.map((b) => Number(/#(\d+)/.exec(b)?.[1])).sort(), [1, 5, 6, 7, 8]);
    assert.equal(handler.stats.instantiated, 2);
    await handler.drain();
  });

  it('a trap fails the requests in flight on its instance (500) and no others; the instance is replaced', async () => {
    const log: AccessLogEntry[] = [];
    const handler = await createHandler(SERVICE, { limits: { maxInstanceConcurrentReuse: 2 }, log: (e) => log.push(e) });
    // slow and trap share the first instance; the other two slow ones the second.
    const replies = [handler(get('/slow?a')), handler(get('/trap')), handler(get('/slow?c')), handler(get('/slow?d'))];
    const statuses = await Promise.all(replies.map(async (p) => {
      const r = await p;
      await r.text();
      return r.status;
    }));
    assert.deepEqual(statuses, [500, 500, 200, 200]);
    assert.match(log.find((e) => e.path === '/trap')?.note ?? '', /trap: .*unreachable/);
    assert.match(log.find((e) => e.path === '/slow?a')?.note ?? '', /its instance failed in another request/);
    assert.equal(handler.stats.discarded, 1);
    // The next request gets a sound instance.
    const after = await handler(get('/hello'));
    assert.equal(after.status, 200);
    assert.match(await after.text(), /^hello from wasi 0\.3 #\d+\n$/);
    await handler.drain();
  });

  it('retires an instance after maxInstanceReuse requests', async () => {
    const handler = await createHandler(SERVICE, { limits: { maxInstanceReuse: 2 } });
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) counts.push(Number(/#(\d+)/.exec(await (await handler(get('/hello'))).text())?.[1]));
    assert.deepEqual(counts, [1, 2, 1, 2, 1]);
    assert.equal(handler.stats.instantiated, 3);
    await handler.drain();
  });

  it('a request past its deadline gets 503, and its instance takes no more requests', async () => {
    const log: AccessLogEntry[] = [];
    const handler = await createHandler(SERVICE, { limits: { deadlineMs: 60 }, log: (e) => log.push(e) });
    const slow = await handler(get('/slow'));
    assert.equal(slow.status, 503);
    assert.match(log[0]?.note ?? '', /deadline of 60 ms/);
    const hello = await handler(get('/hello'));
    assert.equal(hello.status, 200);
    // A new instance answered (its first request).
    assert.equal(await hello.text(), 'hello from wasi 0.3 #1\n');
    await handler.drain();
  });

  it('a guest looping without calling the host is stopped at the deadline (503); the server goes on', async () => {
    const log: AccessLogEntry[] = [];
    const handler = await createHandler(SERVICE, { limits: { deadlineMs: 100 }, log: (e) => log.push(e) });
    const loop = await handler(get('/loop'));
    assert.equal(loop.status, 503);
    await loop.text();
    assert.match(log[0]?.note ?? '', /deadline of 100 ms/);
    const hello = await handler(get('/hello'));
    assert.equal(await hello.text(), 'hello from wasi 0.3 #1\n');
    assert.equal(handler.stats.discarded, 1);
    await handler.drain();
  });

  it('caps request and response bodies', async () => {
    const handler = await createHandler(SERVICE, { limits: { maxRequestBodyBytes: 1000, maxResponseBodyBytes: 5000 } });
    const declared = await handler(get('/echo', { method: 'POST', headers: { 'content-length': '2000' }, body: 'x'.repeat(2000) }));
    assert.equal(declared.status, 413);
    // Streamed past the cap: the guest's stream ends there and its trailers say why, which the
    // guest hands on as its response's trailers: the response is cut off.
    const chunked = await handler(get('/echo', {
      method: 'POST', duplex: 'half',
      body: new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new Uint8Array(800)); c.enqueue(new Uint8Array(800)); c.close(); } }),
    } as RequestInit));
    await assert.rejects(chunked.text(), /HTTP-request-body-size/);
    const fine = await handler(get('/echo', { method: 'POST', body: 'y'.repeat(900) }));
    assert.equal(await fine.text(), 'y'.repeat(900));
    await handler.drain();
    // A response body past its cap is cut off (the guest's next write finds no reader).
    const small = await createHandler(SERVICE, { limits: { maxResponseBodyBytes: 500 } });
    const cut = await small(get('/echo', { method: 'POST', body: 'z'.repeat(5000) }));
    await assert.rejects(cut.text(), /larger than the server sends/);
    const after = await small(get('/hello'));
    assert.equal(after.status, 200);
    // The same instance: the guest stopped writing when its reader went away.
    assert.equal(await after.text(), 'hello from wasi 0.3 #2\n');
    await small.drain();
  });
});

describe('a wasi:http/service calling client.send', () => {
  let upstream: Server;
  let port = 0;
  before(async () => {
    upstream = createServer((req, res) => res.end(`upstream got ${req.method} ${req.url}\n`));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    port = (upstream.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  it('proxies to a granted loopback server, and is denied an ungranted one', async () => {
    const options = (allowNet: string[]): HandlerOptions => ({ wasi: { allowNet, http: nodeHttpTransport } });
    const granted = await createHandler(SERVICE, options([`127.0.0.1:${port}`]));
    const r = await granted(get('/proxy', { headers: { 'x-upstream': `127.0.0.1:${port}` } }));
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'upstream got GET /upstream\n');
    const denied = await createHandler(SERVICE, options([]));
    const d = await denied(get('/proxy', { headers: { 'x-upstream': `127.0.0.1:${port}` } }));
    assert.equal(d.status, 515); // 500 + the case of HTTP-request-denied
    await d.text();
    await granted.drain();
    await denied.drain();
  });
});
