// wasi:http@0.3.0 in WasiP3: the service fixture (test/fixtures/serve-p3/service.wat, component
// text with a stackful async `handle`) called with host-made requests; its responses' bodies
// as streams and trailers as futures; client.send over loopback through the allow-list.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ComponentError } from '../../../core/errors.ts';
import { serviceComponent } from '../../../../test/fixtures/serve-p3/service.ts';
import { nodeHttpTransport } from '../../p2/node-http.ts';
import { WasiP3 } from '../host.ts';
import { type Body, bytesOf, Fields, Request, RequestOptions, type Response, type TrailersResult } from './index.ts';

const SERVICE = serviceComponent();
const utf8 = new TextEncoder();
const text = new TextDecoder();

type Handle = (r: Request) => Promise<Response>;

async function service(wasi: WasiP3): Promise<Handle> {
  const { exports } = await wasi.instantiate(SERVICE, {}, { jspi: true });
  return (exports['wasi:http/handler@0.3.0'] as { handle: Handle }).handle;
}

function body(contents: Body['contents'], trailers: TrailersResult = { tag: 'ok', val: undefined }): Body {
  return { contents, trailers: Promise.resolve(trailers), settle: () => undefined };
}

function request(path: string, headers: [string, string][] = [], contents?: Body['contents'], trailers?: TrailersResult): Request {
  return Request.incoming({ method: 'GET', path, scheme: { tag: 'HTTP' }, authority: 'example.test', headers: Fields['from-list'](headers.map(([k, v]) => [k, utf8.encode(v)])) }, body(contents, trailers));
}

async function read(r: Response): Promise<{ status: number; headers: [string, string][]; body: string; trailers: TrailersResult }> {
  const b = r.takeBody();
  let s = '';
  for await (const chunk of bytesOf(b.contents)) s += text.decode(chunk, { stream: true });
  return { status: r.head.status, headers: r.head.headers.entries().map(([k, v]) => [k, text.decode(v)]), body: s, trailers: await b.trailers };
}

describe('wasi:http@0.3.0 types', () => {
  it('fields keep 0.2\'s rules and add copy-all and get-and-delete', () => {
    const f = Fields['from-list']([['X-A', utf8.encode('1')], ['x-b', utf8.encode('2')], ['x-a', utf8.encode('3')]]);
    assert.ok(f instanceof Fields);
    assert.deepEqual(f['copy-all']().map(([k, v]) => `${k}=${text.decode(v)}`), ['x-a=1', 'x-b=2', 'x-a=3']);
    assert.deepEqual(f['get-and-delete']('x-a').map((v) => text.decode(v)), ['1', '3']);
    assert.equal(f.has('x-a'), false);
    assert.ok(f.clone() instanceof Fields);
    const refused = (fn: () => unknown, tag: string) => assert.throws(fn, (e) => e instanceof ComponentError && (e.payload as { tag: string }).tag === tag);
    refused(() => Fields['from-list']([['connection', utf8.encode('close')]]), 'forbidden');
    refused(() => Fields['from-list']([['bad name', utf8.encode('x')]]), 'invalid-syntax');
    refused(() => f.append('x-c', utf8.encode('a\nb')), 'invalid-syntax');
    // A request's headers are immutable, and so is every copy it hands out.
    const [req] = Request.new(f, undefined, Promise.resolve({ tag: 'ok', val: undefined }), undefined);
    refused(() => req['get-headers']().set('x-d', [utf8.encode('1')]), 'immutable');
    refused(() => req['get-headers']()['get-and-delete']('x-b'), 'immutable');
    assert.ok(req['get-headers']() instanceof Fields);
  });

  it('request setters check what 0.2 checks; options handed out are immutable', () => {
    const o = new RequestOptions();
    o['set-connect-timeout'](5n);
    const [req] = Request.new(new Fields(), undefined, Promise.resolve({ tag: 'ok', val: undefined }), o);
    assert.throws(() => req['set-path-with-query']('no slash'), ComponentError);
    assert.throws(() => req['set-authority']('user@host'), ComponentError);
    assert.throws(() => req['set-method']({ tag: 'other', val: 'GE T' }), ComponentError);
    req['set-method']({ tag: 'other', val: 'PURGE' });
    assert.deepEqual(req['get-method'](), { tag: 'other', val: 'PURGE' });
    const got = req['get-options']()!;
    assert.equal(got['get-connect-timeout'](), 5n);
    assert.throws(() => got['set-connect-timeout'](1n), (e) => e instanceof ComponentError && (e.payload as { tag: string }).tag === 'immutable');
    got.clone()['set-connect-timeout'](1n);
  });
});

describe('a wasi:http/service component under WasiP3', () => {
  let upstream: Server;
  let port = 0;
  before(async () => {
    upstream = createServer((req, res) => {
      res.setHeader('x-upstream-path', req.url ?? '');
      res.end('upstream says hi\n');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    port = (upstream.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

  it('answers hello with headers, a streamed body and trailers; counts its requests', async () => {
    const handle = await service(new WasiP3());
    const r = await read(await handle(request('/hello')));
    assert.equal(r.status, 200);
    assert.deepEqual(r.headers, [['content-type', 'text/plain'], ['x-tessera', 'p3']]);
    assert.equal(r.body, 'hello from wasi 0.3 #1\n');
    assert.deepEqual(r.trailers, { tag: 'ok', val: undefined });
    assert.equal((await read(await handle(request('/')))).body, 'hello from wasi 0.3 #2\n');
  });

  it('echoes a request body read from its stream, and hands the request\'s trailers on', async () => {
    const handle = await service(new WasiP3());
    async function* chunks() {
      for (const c of ['one ', 'two ', 'three']) yield utf8.encode(c);
    }
    const trailers = Fields.immutable([['x-sum', utf8.encode('42')]]);
    const r = await read(await handle(request('/echo', [], chunks(), { tag: 'ok', val: trailers })));
    assert.equal(r.body, 'one two three');
    assert.equal(r.trailers.tag, 'ok');
    const t = r.trailers.val as Fields;
    assert.deepEqual(t.entries().map(([k, v]) => `${k}: ${text.decode(v)}`), ['x-sum: 42']);
    // A large body, in many reads and writes.
    const big = new Uint8Array(200_000).map((_, i) => 97 + (i % 26));
    assert.equal((await read(await handle(request('/echo', [], (async function* () { yield big; })())))).body, text.decode(big));
  });

  it('client.send reaches a granted host; an ungranted one is HTTP-request-denied', async () => {
    const granted = await service(new WasiP3({ allowNet: [`127.0.0.1:${port}`], http: nodeHttpTransport }));
    const r = await read(await granted(request('/proxy', [['x-upstream', `127.0.0.1:${port}`]])));
    assert.equal(r.status, 200);
    assert.equal(r.body, 'upstream says hi\n');
    assert.ok(r.headers.some(([k, v]) => k === 'x-upstream-path' && v === '/upstream'));
    // The guest answers 500 + the error-code's case when send fails: 515 HTTP-request-denied
    // (nothing granted, or another port), 538 internal-error (granted, but no transport).
    const denied = await service(new WasiP3({ http: nodeHttpTransport }));
    assert.equal((await read(await denied(request('/proxy', [['x-upstream', `127.0.0.1:${port}`]])))).status, 515);
    const otherPort = await service(new WasiP3({ allowNet: [`127.0.0.1:${port + 1}`], http: nodeHttpTransport }));
    assert.equal((await read(await otherPort(request('/proxy', [['x-upstream', `127.0.0.1:${port}`]])))).status, 515);
    const none = await service(new WasiP3({ allowNet: [`127.0.0.1:${port}`] }));
    assert.equal((await read(await none(request('/proxy', [['x-upstream', `127.0.0.1:${port}`]])))).status, 538);
    // Refused by the server: connection-refused (6).
    const closed = await service(new WasiP3({ allowNet: ['127.0.0.1:1'], http: nodeHttpTransport }));
    assert.equal((await read(await closed(request('/proxy', [['x-upstream', '127.0.0.1:1']])))).status, 506);
  });
});
