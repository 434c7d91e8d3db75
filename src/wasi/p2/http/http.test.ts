import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { nodeHttpTransport } from '../node-http.ts';
import { NetPolicy } from '../sockets/policy.ts';
import { errOf, ioContext } from '../test-support.ts';
import { Fields } from './fields.ts';
import { type HttpContext, httpTypes, outgoingHandler } from './index.ts';
import { fetchTransport, type HttpTransport } from './transport.ts';
import { type FutureIncomingResponse, type IncomingResponse, OutgoingBody } from './types.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function server(): Promise<{ s: Server; port: number }> {
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('x-method', req.method ?? '');
      res.setHeader('x-seen', String(req.headers['x-test'] ?? ''));
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`);
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { s, port: (s.address() as AddressInfo).port };
}

function context(allow: string[], transport: HttpTransport = nodeHttpTransport): HttpContext {
  return { ...ioContext(), policy: new NetPolicy(allow), transport };
}

async function responseOf(f: FutureIncomingResponse): Promise<IncomingResponse> {
  await f.subscribe().block();
  const r = f.get();
  assert.ok(r !== undefined && r.tag === 'ok');
  if (r.val.tag === 'err') throw Object.assign(new Error('http error'), { payload: r.val.val });
  assert.deepEqual(f.get(), { tag: 'err', val: undefined }, 'a response is taken once');
  return r.val.val;
}

async function bodyOf(res: IncomingResponse): Promise<string> {
  const body = res.consume();
  const s = body.stream();
  let out = '';
  try {
    for (;;) out += dec(await s['blocking-read'](65536n));
  } catch (e) {
    assert.deepEqual((e as { payload?: unknown }).payload, { tag: 'closed' });
  }
  return out;
}

test('fields: case-insensitive names, order kept, validation, forbidden and immutable', () => {
  const f = Fields['from-list']([['Content-Type', enc('text/plain')], ['X-A', enc('1')], ['x-a', enc('2')]]);
  assert.deepEqual(f.get('x-A').map(dec), ['1', '2']);
  assert.ok(f.has('CONTENT-TYPE'));
  f.set('x-a', [enc('3')]);
  f.append('x-b', enc('4'));
  assert.deepEqual(f.entries().map(([k, v]) => `${k}=${dec(v)}`), ['content-type=text/plain', 'x-a=3', 'x-b=4']);
  f.delete('content-type');
  assert.equal(f.has('content-type'), false);
  assert.deepEqual(errOf(() => f.append('bad name', enc('x'))), { tag: 'invalid-syntax' });
  assert.deepEqual(errOf(() => f.append('x-c', enc('a\r\nb'))), { tag: 'invalid-syntax' });
  assert.deepEqual(errOf(() => f.set('Host', [enc('evil')])), { tag: 'forbidden' });
  assert.deepEqual(errOf(() => Fields['from-list']([['connection', enc('close')]])), { tag: 'forbidden' });
  const frozen = Fields.immutable(f.entries());
  assert.deepEqual(errOf(() => frozen.append('x-d', enc('1'))), { tag: 'immutable' });
  const copy = frozen.clone();
  copy.append('x-d', enc('1'));
  assert.equal(copy.get('x-d').length, 1);
});

test('outgoing-request: defaults, setters validate', () => {
  const { 'outgoing-request': Request } = httpTypes(ioContext());
  const r = new Request(new Fields());
  assert.deepEqual(r.method(), { tag: 'get' });
  assert.equal(r.scheme(), undefined);
  assert.equal(r.authority(), undefined);
  r['set-method']({ tag: 'other', val: 'PURGE' });
  assert.deepEqual(r.method(), { tag: 'other', val: 'PURGE' });
  assert.equal(errOf(() => r['set-method']({ tag: 'other', val: 'NOT A TOKEN' })), undefined);
  assert.equal(errOf(() => r['set-path-with-query']('/a b')), undefined);
  assert.equal(errOf(() => r['set-authority']('user@host')), undefined);
  r['set-path-with-query']('/x?y=1');
  assert.deepEqual(errOf(() => r.headers().append('x', enc('1'))), { tag: 'immutable' });
  r.body();
  assert.equal(errOf(() => r.body()), undefined);
});

test('outgoing-handler: GET and a streamed POST to a local server', async () => {
  const { s, port } = await server();
  try {
    const cx = context([`127.0.0.1:${port}`]);
    const { 'outgoing-request': Request } = httpTypes(cx);
    const handler = outgoingHandler(cx);
    const get = new Request(Fields['from-list']([['x-test', enc('yes')]]));
    get['set-scheme']({ tag: 'HTTP' });
    get['set-authority'](`127.0.0.1:${port}`);
    get['set-path-with-query']('/hello?q=1');
    const res = await responseOf(handler.handle(get, undefined));
    assert.equal(res.status(), 200);
    assert.deepEqual(res.headers().get('x-seen').map(dec), ['yes']);
    assert.deepEqual(res.headers().get('set-cookie').map(dec), ['a=1', 'b=2']);
    assert.equal(await bodyOf(res), 'GET /hello?q=1 ');

    const post = new Request(new Fields());
    post['set-method']({ tag: 'post' });
    post['set-scheme']({ tag: 'HTTP' });
    post['set-authority'](`127.0.0.1:${port}`);
    post['set-path-with-query']('/echo');
    const body = post.body();
    const future = handler.handle(post, undefined);
    const out = body.write();
    await out['blocking-write-and-flush'](enc('streamed '));
    out.write(enc('body'));
    out[Symbol.dispose]();
    OutgoingBody.finish(body, undefined);
    const r2 = await responseOf(future);
    assert.equal(await bodyOf(r2), 'POST /echo streamed body');
  } finally {
    s.close();
  }
});

test('outgoing-handler: denied hosts and ports; refused connections; bad requests', async () => {
  const { s, port } = await server();
  try {
    const cx = context([`127.0.0.1:${port}`]);
    const { 'outgoing-request': Request } = httpTypes(cx);
    const handler = outgoingHandler(cx);
    const to = (authority: string, scheme: 'HTTP' | 'HTTPS' = 'HTTP') => {
      const r = new Request(new Fields());
      r['set-scheme']({ tag: scheme });
      r['set-authority'](authority);
      return r;
    };
    assert.deepEqual(errOf(() => handler.handle(to(`127.0.0.1:${port + 1}`), undefined)), { tag: 'HTTP-request-denied' });
    assert.deepEqual(errOf(() => handler.handle(to('example.com'), undefined)), { tag: 'HTTP-request-denied' });
    assert.deepEqual(errOf(() => handler.handle(to('127.0.0.1', 'HTTPS'), undefined)), { tag: 'HTTP-request-denied' }, 'the default port of https is 443');
    assert.deepEqual(errOf(() => handler.handle(new Request(new Fields()), undefined)), { tag: 'HTTP-request-URI-invalid' });
    // A granted port nobody listens on.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const dead = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const cx2 = context([`127.0.0.1:${dead}`]);
    const f = outgoingHandler(cx2).handle(to(`127.0.0.1:${dead}`), undefined);
    await f.subscribe().block();
    assert.deepEqual(f.get(), { tag: 'ok', val: { tag: 'err', val: { tag: 'connection-refused' } } });
  } finally {
    s.close();
  }
});

test('a body shorter than its content-length fails finish', () => {
  const { 'outgoing-request': Request } = httpTypes(ioContext());
  const r = new Request(Fields['from-list']([['content-length', enc('10')]]));
  const body = r.body();
  body.write().write(enc('short'));
  assert.deepEqual(errOf(() => OutgoingBody.finish(body, undefined)), { tag: 'HTTP-request-body-size', val: 5n });
});

test('the fetch transport works too', async () => {
  const { s, port } = await server();
  try {
    const cx = context([`127.0.0.1:${port}`], fetchTransport);
    const { 'outgoing-request': Request } = httpTypes(cx);
    const r = new Request(new Fields());
    r['set-scheme']({ tag: 'HTTP' });
    r['set-authority'](`127.0.0.1:${port}`);
    r['set-path-with-query']('/via-fetch');
    const res = await responseOf(outgoingHandler(cx).handle(r, undefined));
    assert.equal(await bodyOf(res), 'GET /via-fetch ');
  } finally {
    s.close();
  }
});
