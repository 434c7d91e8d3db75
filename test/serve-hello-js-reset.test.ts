// The JavaScript example (examples/hello-js) under resets that copy back only the written
// blocks (src/serve/reset.ts, src/serve/write-marks.ts), with the resets' verification on:
// after every reset the whole memory is compared with its image, and an instance whose memory
// differs (a write nobody marked: the guest's, its wasi adapter's or the runtime's) would be
// discarded with the reason. Every route, in a row and at once, must be reset, never discarded.
// The component (~14 MB) is built once into node_modules/.cache by
// scripts/build-js-component.ts, as for test/serve-hello-js.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { jsComponent } from '../scripts/build-js-component.ts';
import { type Capabilities, keyvalueImports, openCapabilities } from '../src/serve/capabilities/index.ts';
import { suspendingImports } from '../src/serve/capabilities-imports.ts';
import { prepareGuest } from '../src/serve/guest.ts';
import { createHandler, type Handler } from '../src/serve/handler.ts';
import { resetChecks } from '../src/serve/reset.ts';

let caps: Capabilities;
let h: Handler;

async function call(method: string, path: string, body?: BodyInit): Promise<{ status: number; bytes: Uint8Array }> {
  const r = await h(new Request(`http://hello-js.test${path}`, { method, ...(body === undefined ? {} : { body }) }));
  const bytes = new Uint8Array(await r.arrayBuffer());
  // The body can be complete before the guest has returned: wait for its instance's release.
  for (let i = 0; i < 1000 && h.inFlight > 0; i++) await new Promise((resolve) => setImmediate(resolve));
  return { status: r.status, bytes };
}

describe('examples/hello-js reset block by block, verified', { timeout: 300_000 }, () => {
  before(async () => {
    resetChecks.verify = true;
    const guest = await prepareGuest(new Uint8Array(readFileSync(jsComponent('hello-js'))), { maxMemoryPages: 2048 });
    caps = await openCapabilities({ keyvalue: { kv: ':memory:' } });
    const kv = keyvalueImports(caps.keyvalue);
    h = await createHandler(guest, { imports: caps.keyvalue.backend.synchronous ? kv : suspendingImports(kv), limits: { readyInstances: 2 } });
  });
  after(async () => {
    resetChecks.verify = false;
    await h?.drain();
    await caps?.close();
  });

  it('every route leaves memory equal to its image after the reset', async () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 255);
    const steps: [string, string, BodyInit | undefined, number][] = [
      ['GET', '/', undefined, 200], ['GET', '/hello', undefined, 200], ['PUT', '/notes/todo', 'buy milk', 201],
      ['GET', '/notes/todo', undefined, 200], ['DELETE', '/notes/todo', undefined, 204], ['GET', '/notes/todo', undefined, 404],
      ['PATCH', '/notes/todo', 'x', 405], ['POST', '/echo', bytes, 200], ['GET', '/nowhere', undefined, 404], ['GET', '/hello', undefined, 200],
    ];
    for (const [method, path, body, status] of steps) assert.equal((await call(method, path, body)).status, status, `${method} ${path}`);
    assert.equal(h.stats.discarded, 0, h.stats.lastDiscard);
    assert.ok(h.stats.resets >= steps.length, JSON.stringify(h.stats));
    const echo = await call('POST', '/echo', bytes);
    assert.deepEqual(echo.bytes, bytes);
  });

  it('requests at once too', async () => {
    const resets = h.stats.resets;
    const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => call('GET', i % 2 === 0 ? '/' : '/hello')));
    assert.deepEqual(rs.map((r) => r.status), Array(8).fill(200));
    for (let i = 0; i < 1000 && h.inFlight > 0; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(h.stats.discarded, 0, h.stats.lastDiscard);
    assert.ok(h.stats.resets >= resets + 8, JSON.stringify(h.stats));
  });
});
