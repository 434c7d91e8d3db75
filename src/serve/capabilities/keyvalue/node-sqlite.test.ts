// The SQLite store's own promises: data survives a restart, the file is in WAL mode, and
// increments stay atomic when several threads (connections) write one file at once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { Cas, increment, swap } from './atomics.ts';
import { setMany } from './batch.ts';
import { SqliteBackend } from './node-sqlite.ts';
import { KeyValueStore } from './store.ts';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('SQLite key-value store', () => {
  it('keeps data across a close and a reopen of the file', async () => {
    const path = join(tmp, 'restart', 'nested', 'kv.sqlite'); // directories are created
    const first = new SqliteBackend({ path });
    const b1 = new KeyValueStore({ backend: first, buckets: ['default', 'other'] }).open('default');
    await b1.set('greeting', enc.encode('hello'));
    await setMany(b1, Array.from({ length: 100 }, (_, i) => [`k${i}`, enc.encode(String(i))] as const));
    await increment(b1, 'visits', 3n);
    await swap(await Cas.new(b1, 'cas'), enc.encode('swapped'));
    first.close();

    const second = new SqliteBackend({ path });
    const store = new KeyValueStore({ backend: second, buckets: ['default', 'other'] });
    const b2 = store.open('default');
    assert.equal(dec.decode(await b2.get('greeting')), 'hello');
    assert.equal(dec.decode(await b2.get('k99')), '99');
    assert.equal(await increment(b2, 'visits', 1n), 4n);
    assert.equal(dec.decode(await b2.get('cas')), 'swapped');
    assert.equal((await b2.listKeys()).keys.length, 103);
    assert.deepEqual((await store.open('other').listKeys()).keys, []);
    second.close();
  });

  it('keeps nothing of an in-memory store', async () => {
    const a = new SqliteBackend({ path: ':memory:' });
    a.set('default', 'k', enc.encode('v'));
    a.close();
    const b = new SqliteBackend({ path: ':memory:' });
    assert.equal(b.get('default', 'k'), undefined);
    b.close();
  });

  it('uses WAL mode and one table keyed (bucket, key)', () => {
    const path = join(tmp, 'wal.sqlite');
    new SqliteBackend({ path }).close();
    const db = new DatabaseSync(path);
    assert.deepEqual({ ...db.prepare('PRAGMA journal_mode').get() }, { journal_mode: 'wal' });
    const pk = db.prepare("SELECT name FROM pragma_table_info('tessera_kv') WHERE pk > 0 ORDER BY pk").all().map((r) => r.name);
    assert.deepEqual(pk, ['bucket', 'key']);
    db.close();
  });

  it('refuses a file laid out by a newer version', () => {
    const path = join(tmp, 'newer.sqlite');
    const db = new DatabaseSync(path);
    db.exec('PRAGMA user_version = 99');
    db.close();
    assert.throws(() => new SqliteBackend({ path }), /layout version 99 is newer/);
  });

  it('answers synchronously, so a guest need not suspend', () => {
    const s = new SqliteBackend({ path: ':memory:' });
    const b = new KeyValueStore({ backend: s }).open('default');
    assert.equal(s.synchronous, true);
    assert.equal(b.set('k', enc.encode('v')), undefined);
    assert.ok(b.get('k') instanceof Uint8Array);
    assert.equal(increment(b, 'n', 2n), 2n);
    s.close();
  });

  it('adds every increment exactly once when four threads write one file at once', async () => {
    const path = join(tmp, 'threads.sqlite');
    new SqliteBackend({ path }).close();
    const threads = 4;
    const each = 250;
    // Each worker opens its own connection to the file, as another process would.
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.module).then(({ SqliteBackend }) => {
        const kv = new SqliteBackend({ path: workerData.path, busyTimeoutMs: 60000 });
        const seen = [];
        for (let i = 0; i < workerData.each; i++) seen.push(kv.increment('default', 'n', 1n));
        kv.close();
        parentPort.postMessage(seen);
      });`;
    const module = new URL('./node-sqlite.ts', import.meta.url).href;
    const results = await Promise.all(Array.from({ length: threads }, () => new Promise<bigint[]>((resolve, reject) => {
      const w = new Worker(source, { eval: true, workerData: { module, path, each } });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    const kv = new SqliteBackend({ path });
    assert.equal(dec.decode(kv.get('default', 'n')), String(threads * each));
    kv.close();
    // Every thread saw distinct values: no two increments read the same count.
    const all = results.flat().map(Number).toSorted((x, y) => x - y);
    assert.deepEqual(all, Array.from({ length: threads * each }, (_, i) => i + 1));
  });
});
