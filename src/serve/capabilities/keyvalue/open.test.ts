// `--kv` values to backends, and start-up failures as one clear message.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { redactUrl } from './node-redis.ts';
import { openKeyValue, openKvBackend } from './open.ts';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-kvopen-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const REDIS_URL = process.env.TESSERA_REDIS_URL;

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('opening a key-value store', () => {
  it('opens SQLite from a path, a sqlite: path, or :memory:', async () => {
    for (const [kv, description] of [
      [join(tmp, 'a.sqlite'), `sqlite:${join(tmp, 'a.sqlite')}`],
      [`sqlite:${join(tmp, 'b.sqlite')}`, `sqlite:${join(tmp, 'b.sqlite')}`],
      [':memory:', 'sqlite::memory:'],
    ]) {
      const backend = await openKvBackend({ kv });
      assert.equal(backend.description, description);
      assert.equal(backend.synchronous, true);
      await backend.close();
    }
  });

  it('refuses other URL schemes and an empty path', async () => {
    await assert.rejects(openKvBackend({ kv: 'memcached://localhost' }), /unsupported key-value store/);
    await assert.rejects(openKvBackend({ kv: 'sqlite:' }), /path is empty/);
  });

  it('lends out the buckets it is given', async () => {
    const kv = await openKeyValue({ kv: ':memory:', buckets: ['a', 'b'], pageSize: 7 });
    assert.deepEqual([...kv.buckets], ['a', 'b']);
    assert.equal(kv.pageSize, 7);
    await kv.backend.close();
    await assert.rejects(openKeyValue({ kv: ':memory:', pageSize: 0 }), /pageSize/);
  });

  it('fails at once, naming the server, when Redis cannot be reached', async () => {
    const port = await closedPort();
    await assert.rejects(openKvBackend({ kv: `redis://:hunter2@127.0.0.1:${port}/0` }),
      (e: Error) => e.message.startsWith(`cannot connect to redis://:***@127.0.0.1:${port}/0`) && !e.message.includes('hunter2'));
  });

  it('opens Redis from a redis:// URL', { skip: REDIS_URL ? false : 'TESSERA_REDIS_URL is not set' }, async () => {
    const backend = await openKvBackend({ kv: REDIS_URL });
    assert.equal(backend.synchronous, false);
    assert.equal(await backend.exists('default', 'surely-not-a-key'), false);
    await backend.close();
  });

  it('keeps passwords out of descriptions', () => {
    assert.equal(redactUrl('redis://user:secret@host:6379/2'), 'redis://user:***@host:6379/2');
    assert.equal(redactUrl('redis://host:6379'), 'redis://host:6379');
  });
});
