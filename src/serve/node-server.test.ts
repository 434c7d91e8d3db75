// The node:http adapter over loopback: what a real client sees (chunked bodies both ways,
// trailers, cut-off bodies, the access log) and a graceful close; both of its paths: straight
// to createHandler's core (`handler.serve`), and through web Request and Response objects for
// any other Handler.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { type AccessLogEntry, createHandler, type Handler, type HandlerOptions } from './handler.ts';
import { call, type Reply } from './test-client.ts';
import { listen, type NodeServer, targetOf } from './node-server.ts';

const GUEST = new Uint8Array(readFileSync(new URL('../../test/fixtures/serve/guest.component.wasm', import.meta.url)));

async function server(options: HandlerOptions = {}): Promise<NodeServer> {
  return listen(await createHandler(GUEST, options), { host: '127.0.0.1', port: 0 });
}

/** The same handler as a plain Handler, without `serve`: the adapter's web Request and Response path. */
async function webServer(options: HandlerOptions = {}): Promise<NodeServer> {
  const h = await createHandler(GUEST, options);
  const web: Handler = Object.defineProperties((r: Request) => h(r), {
    inFlight: { get: () => h.inFlight },
    drain: { value: () => h.drain() },
    isolation: { get: () => h.isolation },
    stats: { get: () => h.stats },
  }) as Handler;
  assert.equal(web.serve, undefined);
  return listen(web, { host: '127.0.0.1', port: 0 });
}

/** Sends `raw` on a new connection; resolves with everything the server sent until it closed or went quiet. */
function rawCall(s: NodeServer, raw: string, quietMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(s.address.port, '127.0.0.1', () => c.write(raw, 'latin1'));
    let out = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => { clearTimeout(timer); c.destroy(); resolve(out); };
    c.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    c.on('end', done);
    c.on('error', reject);
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

  it('gives the guest repeated fields apart and in order, hop-by-hop ones and those Connection names left out', async () => {
    const s = await server();
    try {
      const out = await rawCall(s, 'GET /info?x=1 HTTP/1.1\r\nHost: Example.TEST:8080\r\nX-A: 1\r\nx-a: 2\r\nConnection: keep-alive, X-Hop\r\nX-Hop: no\r\nKeep-Alive: timeout=5\r\nX-Z: \xe9\r\n\r\n');
      const body = out.slice(out.indexOf('\r\n\r\n') + 4);
      assert.equal(body, 'GET /info?x=1\nauthority: example.test:8080\nhost: Example.TEST:8080\nx-a: 1\nx-a: 2\nx-z: \xe9\n');
      assert.ok(out.includes(`\r\ncontent-length: ${body.length}\r\n`), out);
    } finally {
      await s.close();
    }
  });

  it('sends repeated response fields apart, a small body in one piece with its length, a streamed one chunked, a 204 bare', async () => {
    const s = await server();
    try {
      const headers = await rawCall(s, 'GET /headers HTTP/1.1\r\nHost: h\r\n\r\n');
      assert.match(headers, /\r\nx-multi: one\r\nx-multi: two\r\n/);
      const hello = await rawCall(s, 'GET /hello HTTP/1.1\r\nHost: h\r\n\r\n');
      assert.match(hello, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(hello, /\r\ncontent-length: 13\r\n/i);
      assert.doesNotMatch(hello, /transfer-encoding/i);
      assert.ok(hello.endsWith('\r\n\r\nhello, world\n'));
      const slow = await rawCall(s, 'GET /slow/3/20 HTTP/1.1\r\nHost: h\r\n\r\n');
      assert.match(slow, /\r\nTransfer-Encoding: chunked\r\n/);
      assert.ok(slow.endsWith('\r\n\r\n5\r\ntick\n\r\n5\r\ntick\n\r\n5\r\ntick\n\r\n0\r\n\r\n'), slow);
      const empty = await rawCall(s, 'GET /status/204 HTTP/1.1\r\nHost: h\r\n\r\n');
      assert.match(empty, /^HTTP\/1\.1 204 No Content\r\n/);
      assert.ok(empty.endsWith('\r\n\r\n'));
      const head = await rawCall(s, 'HEAD /hello HTTP/1.1\r\nHost: h\r\n\r\n');
      assert.match(head, /\r\ncontent-length: 13\r\n/i);
      assert.ok(head.endsWith('\r\n\r\n'));
    } finally {
      await s.close();
    }
  });

  it('serves a guest that fails, stops at the deadline, or overruns a cap, and a client that leaves', async () => {
    const log: AccessLogEntry[] = [];
    const s = await server({ log: (e) => log.push(e), limits: { deadlineMs: 300, maxResponseBodyBytes: 100_000 } });
    try {
      assert.equal((await call(s, '/trap')).status, 500);
      assert.equal((await call(s, '/spin')).status, 503);
      await assert.rejects(call(s, '/big/200000'));
      // The client leaves after the first tick: the guest's next write fails, the log says why.
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: s.address.port, path: '/slow/20/10' }, (res) => {
          res.once('data', () => { req.destroy(); resolve(); });
        });
        req.on('error', () => undefined);
        req.end();
        setTimeout(() => reject(new Error('no first tick')), 2000);
      });
      assert.equal((await call(s, '/hello')).body, 'hello, world\n');
      await new Promise((r) => setTimeout(r, 100));
      const notes = log.map((e) => `${e.path} ${e.status} ${e.note === undefined ? '-' : e.note.split(':')[0]}`);
      assert.deepEqual(notes, ['/trap 500 trap', '/spin 503 deadline of 300 ms', '/big/200000 200 body', '/slow/20/10 200 body', '/hello 200 -']);
    } finally {
      await s.close();
    }
  });

  it('ends a request whose client leaves in the middle of its body, not at the deadline', async () => {
    const log: AccessLogEntry[] = [];
    const s = await server({ log: (e) => log.push(e), limits: { deadlineMs: 5000 } });
    try {
      const c = connect(s.address.port, '127.0.0.1');
      c.on('error', () => undefined);
      c.write('POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n0123456789');
      await new Promise((r) => setTimeout(r, 100));
      c.destroy();
      while (log.length === 0) await new Promise((r) => setTimeout(r, 20));
      assert.equal(log[0].path, '/echo');
      assert.match(log[0].note ?? '', /closed/);
      assert.equal((await call(s, '/hello')).body, 'hello, world\n');
    } finally {
      await s.close();
    }
  });

  it('reads request targets and hosts as the URL parser does', () => {
    const origin = 'http://127.0.0.1:8080';
    const hosts = [undefined, 'h', 'Example.COM:80', 'h:8080', 'h:008080', '127.0.0.1:3000', '[::1]:3000', '0x7f.1', 'a.b.1', 'bad host', 'xn--nxasmq6b.com'];
    const targets = ['/', 'https://secure/x', 'ftp://f/y', '/a/b?c=d&e=/f', '/a/./b', '/a/../b', '/a/.', '/.well-known/x', '/%2e%2E/x', "/a'b?c'd", '/a?', '/a??', '//evil/x', 'http://other:81/p?q', '/\xe4', '*', '/a\\b', '/x?y#z', '/a b', '/a%zz', '/a|b', '/~u/@:!$&()*+,;=%41'];
    for (const host of hosts) {
      for (const url of targets) {
        let u: URL;
        try {
          u = new URL(url, host === undefined ? origin : `http://${host}`);
        } catch {
          u = new URL(url, origin);
        }
        const scheme = u.protocol === 'http:' ? { tag: 'HTTP' } : u.protocol === 'https:' ? { tag: 'HTTPS' } : { tag: 'other', val: u.protocol.slice(0, -1) };
        assert.deepEqual(targetOf(url, host, origin), { path: u.pathname + u.search, authority: u.host, scheme }, `${url} on ${String(host)}`);
      }
    }
  });

  it('answers 400 to a request-target no URL has, and goes on serving', async () => {
    for (const s of [await server(), await webServer()]) {
      try {
        const bad = await rawCall(s, 'GET http://[::1/x HTTP/1.1\r\nHost: h\r\n\r\n');
        assert.match(bad, /^HTTP\/1\.1 400 Bad Request\r\n/);
        assert.ok(bad.endsWith('\r\n\r\nthe request target is not a URL\n'));
        assert.equal((await call(s, '/hello')).body, 'hello, world\n');
      } finally {
        await s.close();
      }
    }
  });

  it('serves a Handler without `serve` through web Request and Response objects', async () => {
    const log: AccessLogEntry[] = [];
    const s = await webServer({ log: (e) => log.push(e) });
    try {
      assert.equal((await call(s, '/hello')).body, 'hello, world\n');
      const echo = await call(s, '/echo', {
        method: 'POST', headers: { 'transfer-encoding': 'chunked', trailer: 'x-sum' },
        chunks: ['one ', 'two ', 'three'], trailers: { 'x-sum': '42' },
      });
      assert.equal(echo.body, 'one two three');
      assert.equal(echo.trailers['x-sum'], '42');
      assert.equal((await call(s, '/big/3000000')).body.length, 3_000_000);
      await assert.rejects(call(s, '/trap-after'));
      assert.deepEqual(log.map((e) => `${e.path} ${e.status}`), ['/hello 200', '/echo 200', '/big/3000000 200', '/trap-after 200']);
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
