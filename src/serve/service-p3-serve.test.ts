// A 0.3 wasi:http/service (test/fixtures/serve-p3/service.wat) through `handler.serve`, the
// node:http adapter's direct path (no web Request or Response): bodies streamed both ways with
// trailers, a small finished body in one write, the caps, the deadline, a trap, the log, a
// client leaving mid-body. service-p3.test.ts covers the web Request/Response function.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';
import { serviceComponent } from '../../test/fixtures/serve-p3/service.ts';
import { type AccessLogEntry, createHandler, type HandlerOptions } from './handler.ts';
import { call } from './test-client.ts';
import { listen, type NodeServer } from './node-server.ts';

const SERVICE = serviceComponent();

async function server(options: HandlerOptions = {}): Promise<NodeServer> {
  const h = await createHandler(SERVICE, options);
  assert.equal(typeof h.serve, 'function');
  return listen(h, { host: '127.0.0.1', port: 0 });
}


const count = (body: string) => Number(/#(\d+)/.exec(body)?.[1]);

describe('a wasi:http/service on the direct path (handler.serve)', () => {
  it('answers hello in one write, echoes a chunked upload with its trailers, shares an instance, logs', async () => {
    const log: AccessLogEntry[] = [];
    const s = await server({ log: (e) => log.push(e), limits: { maxInstanceConcurrentReuse: 3 } });
    try {
      const hello = await call(s, '/hello');
      assert.equal(hello.status, 200);
      assert.equal(hello.headers['x-tessera'], 'p3');
      assert.equal(hello.body, 'hello from wasi 0.3 #1\n');
      // Finished before it was read: sent whole, with its length, not chunked.
      assert.equal(hello.headers['content-length'], '23');
      const echo = await call(s, '/echo', {
        method: 'POST', headers: { 'transfer-encoding': 'chunked', trailer: 'x-sum' },
        chunks: ['one ', 'two ', 'three'], trailers: { 'x-sum': '42' },
      });
      assert.equal(echo.body, 'one two three');
      assert.equal(echo.trailers['x-sum'], '42');
      const slow = await Promise.all([1, 2, 3].map(() => call(s, '/slow')));
      assert.deepEqual(slow.map((r) => count(r.body)).sort(), [3, 4, 5]);
      assert.deepEqual(log.map((e) => `${e.method} ${e.path} ${e.status} ${e.bytes}`).slice(0, 2), ['GET /hello 200 23', 'POST /echo 200 13']);
      assert.equal(log.length, 5);
    } finally {
      await s.close();
    }
  });

  it('caps request and response bodies, stops at the deadline, answers a trap 500, and goes on', async () => {
    const log: AccessLogEntry[] = [];
    const s = await server({ log: (e) => log.push(e), limits: { maxRequestBodyBytes: 1000, maxResponseBodyBytes: 5000, deadlineMs: 100 } });
    try {
      const declared = await call(s, '/echo', { method: 'POST', headers: { 'content-length': '2000' }, chunks: ['x'.repeat(2000)] }).catch(() => undefined);
      // 413 (or the connection cut while the client still sent the refused body).
      if (declared !== undefined) assert.equal(declared.status, 413);
      assert.equal(log.find((e) => e.status === 413)?.note, 'request body too large');
      // Streamed past the cap: the guest's stream ends there and its trailers say why; the
      // guest hands them on as its response's, so the response is cut off.
      await assert.rejects(call(s, '/echo', { method: 'POST', chunks: ['a'.repeat(800), 'b'.repeat(800)] }));
      assert.equal((await call(s, '/echo', { method: 'POST', chunks: ['y'.repeat(900)] })).body, 'y'.repeat(900));
      const loop = await call(s, '/loop');
      assert.equal(loop.status, 503);
      assert.match(log.find((e) => e.path === '/loop')?.note ?? '', /deadline of 100 ms/);
      const trap = await call(s, '/trap');
      assert.equal(trap.status, 500);
      assert.match(log.find((e) => e.path === '/trap')?.note ?? '', /trap: /);
      assert.equal((await call(s, '/hello')).status, 200);
    } finally {
      await s.close();
    }
    const small = await server({ limits: { maxResponseBodyBytes: 500 } });
    try {
      await assert.rejects(call(small, '/echo', { method: 'POST', chunks: ['z'.repeat(5000)] }));
      // The same instance goes on: the guest stopped writing when its reader went away.
      assert.equal((await call(small, '/hello')).body, 'hello from wasi 0.3 #2\n');
    } finally {
      await small.close();
    }
  });

  it('ends a request whose client leaves in the middle of its body, not at the deadline', async () => {
    const log: AccessLogEntry[] = [];
    const s = await server({ log: (e) => log.push(e), limits: { deadlineMs: 20_000 } });
    try {
      const ended = new Promise<AccessLogEntry>((resolve) => {
        const poll = setInterval(() => {
          const e = log.find((l) => l.path === '/echo');
          if (e !== undefined) {
            clearInterval(poll);
            resolve(e);
          }
        }, 10);
      });
      const req = httpRequest({ host: '127.0.0.1', port: s.address.port, path: '/echo', method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.on('data', () => req.destroy());
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      req.write('half a body');
      const e = await ended;
      assert.notEqual(e.note, undefined);
      assert.doesNotMatch(e.note ?? '', /deadline/);
      assert.equal((await call(s, '/hello')).status, 200);
    } finally {
      await s.close();
    }
  });
});
