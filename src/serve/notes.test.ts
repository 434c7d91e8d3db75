// The example component (examples/notes) served with the server's capabilities: what it keeps
// in wasi:keyvalue is there after a restart, on SQLite and, when TESSERA_REDIS_URL names one
// (.ci/run starts a real Redis), on Redis.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LinkError } from '../core/errors.ts';
import { configImports, keyvalueImports, openCapabilities, type OpenKvOptions } from './capabilities/index.ts';
import { suspendingImports } from './capabilities-imports.ts';
import { createHandler, type Handler } from './handler.ts';

const NOTES = new Uint8Array(readFileSync(new URL('../../examples/notes/notes.wasm', import.meta.url)));

/** A server generation: the store opened, the component served; `stop` closes both. */
async function start(kv: OpenKvOptions): Promise<{ h: Handler; stop: () => Promise<void> }> {
  const caps = await openCapabilities({ keyvalue: kv });
  const imports = keyvalueImports(caps.keyvalue);
  const h = await createHandler(NOTES, {
    imports: { ...(caps.keyvalue.backend.synchronous ? imports : suspendingImports(imports)), ...configImports(caps.config) },
  });
  return { h, stop: async () => { await h.drain(); await caps.close(); } };
}

const req = (h: Handler, method: string, path: string, body?: string) =>
  h(new Request(`http://notes.test${path}`, { method, ...(body === undefined ? {} : { body }) }));

async function restartKeepsData(kv: OpenKvOptions): Promise<void> {
  const first = await start(kv);
  assert.match(await (await req(first.h, 'GET', '/')).text(), /asked for 1 time\.$/m);
  const puts = await Promise.all(Array.from({ length: 20 }, (_, i) => req(first.h, 'PUT', `/notes/n${i}`, `note number ${i}`)));
  assert.deepEqual(puts.map((r) => r.status), Array(20).fill(201));
  assert.equal((await req(first.h, 'DELETE', '/notes/n19')).status, 204);
  assert.match(await (await req(first.h, 'GET', '/')).text(), /asked for 2 times/);
  await first.stop();

  const second = await start(kv);
  try {
    for (let i = 0; i < 19; i++) assert.equal(await (await req(second.h, 'GET', `/notes/n${i}`)).text(), `note number ${i}`);
    assert.equal((await req(second.h, 'GET', '/notes/n19')).status, 404);
    assert.match(await (await req(second.h, 'GET', '/')).text(), /asked for 3 times/);
    assert.equal((await req(second.h, 'POST', '/notes/x', 'y')).status, 405);
  } finally {
    await second.stop();
  }
}

describe('examples/notes on wasi:keyvalue', () => {
  it('keeps its notes across a restart (SQLite file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-notes-'));
    try {
      await restartKeepsData({ kv: join(dir, 'kv.sqlite') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps its notes across a restart (Redis)', { skip: process.env.TESSERA_REDIS_URL === undefined ? 'TESSERA_REDIS_URL is not set (.ci/run sets it)' : false }, async () => {
    await restartKeepsData({ kv: process.env.TESSERA_REDIS_URL, redisPrefix: `tessera:test:${randomUUID()}:` });
  });

  it('cannot start without the key-value store it imports', async () => {
    await assert.rejects(createHandler(NOTES), (e: unknown) => e instanceof LinkError && /wasi:keyvalue\/store@0\.2\.0-draft2/.test(e.message));
  });
});
