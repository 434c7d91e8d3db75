// The JavaScript example (examples/hello-js, componentized by componentize-js) served through
// createHandler with the server's key-value store: real responses on every route, a counter
// and notes kept in wasi:keyvalue across requests, and each request in a fresh instance (the
// app's module state, reported in x-instance-requests, is new every time, in a row and at
// once). The component (~14 MB) is built once into
// node_modules/.cache by scripts/build-js-component.ts (about 15-30 s), not committed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { jsComponent } from '../scripts/build-js-component.ts';
import { type Capabilities, keyvalueImports, openCapabilities } from '../src/serve/capabilities/index.ts';
import { suspendingImports } from '../src/serve/capabilities-imports.ts';
import { type PreparedGuest, prepareGuest } from '../src/serve/guest.ts';
import { createHandler, type Handler, type Isolation, type ServeLimits } from '../src/serve/handler.ts';

let guest: PreparedGuest;
let caps: Capabilities;
const handlers: Handler[] = [];

async function serve(limits: ServeLimits = {}, isolation?: Isolation): Promise<Handler> {
  const kv = keyvalueImports(caps.keyvalue);
  const h = await createHandler(guest, { imports: caps.keyvalue.backend.synchronous ? kv : suspendingImports(kv), limits, ...(isolation === undefined ? {} : { isolation }) });
  handlers.push(h);
  return h;
}

async function call(h: Handler, method: string, path: string, body?: BodyInit): Promise<{ status: number; text: string; bytes: Uint8Array; instanceRequests: string | null; type: string | null }> {
  const r = await h(new Request(`http://hello-js.test${path}`, { method, ...(body === undefined ? {} : { body }) }));
  const bytes = new Uint8Array(await r.arrayBuffer());
  return { status: r.status, text: new TextDecoder().decode(bytes), bytes, instanceRequests: r.headers.get('x-instance-requests'), type: r.headers.get('content-type') };
}

describe('examples/hello-js under createHandler', { timeout: 300_000 }, () => {
  before(async () => {
    guest = await prepareGuest(new Uint8Array(readFileSync(jsComponent('hello-js'))), { maxMemoryPages: 2048 });
    caps = await openCapabilities({ keyvalue: { kv: ':memory:' } });
  });
  after(async () => {
    for (const h of handlers) await h.drain();
    await caps?.close();
  });

  // The default isolation puts an instance back as instantiated after each request (the app
  // qualifies: an instance is reset, not discarded); 'fresh' makes a new one every time.
  for (const isolation of ['reset', 'fresh'] as const) it(`answers every route, keeping its counter and notes in wasi:keyvalue, each request in a fresh instance (isolation ${isolation})`, async () => {
    const h = await serve({}, isolation === 'reset' ? undefined : isolation);
    assert.deepEqual(h.isolation, { mode: isolation });
    const asked = Number(/asked for (\d+)/.exec((await call(h, 'GET', '/')).text)?.[1]);
    for (let i = asked + 1; i <= asked + 3; i++) {
      const r = await call(h, 'GET', '/');
      assert.equal(r.status, 200);
      assert.equal(r.type, 'text/plain; charset=utf-8');
      assert.equal(r.text, `Hello from JavaScript in a WebAssembly component!\nasked for ${i} time${i === 1 ? '' : 's'}.\n`);
      assert.equal(r.instanceRequests, '1', `request ${i} ran in a fresh instance`);
    }
    const hello = await call(h, 'GET', '/hello');
    assert.deepEqual([hello.status, hello.text, hello.instanceRequests], [200, 'hello, world\n', '1']);
    assert.equal((await call(h, 'GET', '/notes/todo')).status, 404);
    const put = await call(h, 'PUT', '/notes/todo', 'buy milk');
    assert.deepEqual([put.status, put.text], [201, 'stored\n']);
    const got = await call(h, 'GET', '/notes/todo');
    assert.deepEqual([got.status, got.text, got.instanceRequests], [200, 'buy milk', '1']);
    assert.equal((await call(h, 'DELETE', '/notes/todo')).status, 204);
    assert.equal((await call(h, 'GET', '/notes/todo')).status, 404);
    assert.equal((await call(h, 'PATCH', '/notes/todo', 'x')).status, 405);
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 255);
    const echo = await call(h, 'POST', '/echo', bytes);
    assert.equal(echo.status, 200);
    assert.deepEqual(echo.bytes, bytes);
    const missing = await call(h, 'GET', '/nowhere');
    assert.deepEqual([missing.status, missing.text, missing.instanceRequests], [404, 'not found\n', '1']);
    if (isolation === 'reset') assert.ok(h.stats.resets >= 10 && h.stats.discarded === 0, JSON.stringify(h.stats));
    else assert.equal(h.stats.resets, 0);
  });

  it('runs requests at once, each in a fresh instance, the counter counting every one', async () => {
    const h = await serve();
    const before = Number(/asked for (\d+)/.exec((await call(h, 'GET', '/')).text)?.[1]);
    const rs = await Promise.all(Array.from({ length: 8 }, () => call(h, 'GET', '/')));
    assert.deepEqual(rs.map((r) => [r.status, r.instanceRequests]), Array(8).fill([200, '1']));
    const counts = rs.map((r) => Number(/asked for (\d+)/.exec(r.text)?.[1])).sort((a, b) => a - b);
    assert.deepEqual(counts, Array.from({ length: 8 }, (_, i) => before + 1 + i));
  });

  // Why the app needs a fresh instance: StarlingMonkey's fetch event answers once per instance
  // (https://github.com/bytecodealliance/StarlingMonkey/issues/247; plain `jco serve` stops
  // answering it too), so an instance reused, opted into, answers its first request only.
  it('is answered by a reused instance only the first time (StarlingMonkey), by a fresh one again after the reuse bound', async () => {
    const h = await serve({ maxInstanceReuse: 3 });
    const seen: [number, string | null][] = [];
    for (let i = 0; i < 4; i++) {
      const r = await call(h, 'GET', '/nowhere');
      seen.push([r.status, r.instanceRequests]);
    }
    assert.deepEqual(seen, [[404, '1'], [500, null], [500, null], [404, '1']]);
  });
});
