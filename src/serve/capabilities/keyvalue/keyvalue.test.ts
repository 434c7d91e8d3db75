// wasi:keyvalue (store, atomics, batch): one suite, run on every backend. Redis is a real server:
// TESSERA_REDIS_URL names it (.ci/run installs and starts Debian's redis-server); without it the
// Redis suite is skipped, visibly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ComponentError } from '../../../core/errors.ts';
import { Cas, increment, swap } from './atomics.ts';
import type { KvBackend } from './backend.ts';
import { deleteMany, getMany, setMany } from './batch.ts';
import { openRedisBackend } from './node-redis.ts';
import { SqliteBackend } from './node-sqlite.ts';
import { type Bucket, KeyValueStore } from './store.ts';

const REDIS_URL = process.env.TESSERA_REDIS_URL;

interface BackendCase {
  readonly name: string;
  readonly skip: string | false;
  open(): Promise<KvBackend>;
}

const tmp = mkdtempSync(join(tmpdir(), 'tessera-kv-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const CASES: BackendCase[] = [
  { name: 'SQLite in memory', skip: false, open: async () => new SqliteBackend({ path: ':memory:' }) },
  { name: 'SQLite file', skip: false, open: async () => new SqliteBackend({ path: join(tmp, 'suite', 'kv.sqlite') }) },
  {
    name: 'Redis',
    skip: REDIS_URL ? false : 'TESSERA_REDIS_URL is not set (.ci/run starts a redis-server and sets it)',
    // A prefix of its own per run: parallel runs on one server do not see each other's data.
    open: () => openRedisBackend({ url: REDIS_URL ?? '', prefix: `tessera-test:${process.pid}:${Date.now()}:` }),
  },
];

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (s: string): Uint8Array => enc.encode(s);

/** Asserts that `f` fails with a ComponentError whose payload has `tag` (and `val`, if given). */
async function rejectsWith(f: () => unknown, tag: string, val?: unknown): Promise<ComponentError> {
  let caught: unknown;
  try {
    await f();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ComponentError, `expected a ComponentError, got ${String(caught)}`);
  const payload = caught.payload as { tag: string; val?: unknown };
  assert.equal(payload.tag, tag);
  if (val !== undefined) assert.deepEqual(payload.val, val);
  return caught;
}

for (const c of CASES) {
  describe(`wasi:keyvalue on ${c.name}`, { skip: c.skip }, () => {
    let backend: KvBackend;
    const used: string[] = [];
    let n = 0;

    /** A fresh bucket for one test, opened through the allow-list like a guest would. */
    function bucket(options: { pageSize?: number } = {}): Bucket {
      const name = `t${n++}`;
      used.push(name);
      return new KeyValueStore({ backend, buckets: [name], pageSize: options.pageSize }).open(name);
    }

    before(async () => {
      backend = await c.open();
    });
    after(async () => {
      // Leave the server as found (Redis is shared by concurrent runs); empty every bucket used.
      const store = new KeyValueStore({ backend, buckets: used });
      for (const name of used) {
        const b = store.open(name);
        for (;;) {
          const page = await b.listKeys();
          if (page.keys.length === 0) break;
          await deleteMany(b, page.keys);
        }
      }
      await backend.close();
    });

    describe('store', () => {
      it('opens allowed buckets only: others are access-denied', async () => {
        const store = new KeyValueStore({ backend, buckets: ['default', 'cache'] });
        assert.equal(store.open('default').name, 'default');
        assert.equal(store.open('cache').name, 'cache');
        await rejectsWith(() => store.open('secrets'), 'access-denied');
        await rejectsWith(() => store.open(''), 'access-denied');
        await rejectsWith(() => store.open('Default'), 'access-denied');
      });

      it('allows one bucket, "default", unless told otherwise', async () => {
        const store = new KeyValueStore({ backend });
        assert.deepEqual([...store.buckets], ['default']);
        await rejectsWith(() => store.open('other'), 'access-denied');
      });

      it('gets, sets, overwrites, checks and deletes', async () => {
        const b = bucket();
        assert.equal(await b.get('k'), undefined);
        assert.equal(await b.exists('k'), false);
        await b.set('k', bytes('one'));
        assert.deepEqual(await b.get('k'), bytes('one'));
        assert.equal(await b.exists('k'), true);
        await b.set('k', bytes('two'));
        assert.deepEqual(await b.get('k'), bytes('two'));
        await b.delete('k');
        assert.equal(await b.get('k'), undefined);
        assert.equal(await b.exists('k'), false);
        await b.delete('k'); // a missing key is not an error
      });

      it('keeps values byte for byte: every byte value, empty, 1 MiB', async () => {
        const b = bucket();
        const all = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
        await b.set('all', all);
        assert.deepEqual(await b.get('all'), all);
        await b.set('empty', new Uint8Array(0));
        assert.deepEqual(await b.get('empty'), new Uint8Array(0));
        assert.equal(await b.exists('empty'), true);
        const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) & 255);
        await b.set('big', big);
        assert.deepEqual(await b.get('big'), big);
        // A view into a larger buffer stores only its own bytes.
        const view = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4);
        await b.set('view', view);
        assert.deepEqual(await b.get('view'), new Uint8Array([1, 2, 3]));
      });

      it('takes any string as a key: empty, Unicode, glob and separator characters', async () => {
        const b = bucket();
        const keys = ['', ' ', 'a:b', '*', 'h?llo[ab]', 'ключ', '🔑', 'tab\there', 'nul\0byte', 'x'.repeat(1000)];
        for (const [i, k] of keys.entries()) await b.set(k, bytes(`v${i}`));
        for (const [i, k] of keys.entries()) assert.deepEqual(await b.get(k), bytes(`v${i}`), JSON.stringify(k));
        const listed = await b.listKeys();
        assert.deepEqual(new Set(listed.keys), new Set(keys));
      });

      it('keeps buckets apart', async () => {
        const b1 = bucket();
        const b2 = bucket();
        await b1.set('k', bytes('in b1'));
        await b2.set('k', bytes('in b2'));
        assert.deepEqual(await b1.get('k'), bytes('in b1'));
        assert.deepEqual(await b2.get('k'), bytes('in b2'));
        await b1.delete('k');
        assert.deepEqual(await b2.get('k'), bytes('in b2'));
        assert.deepEqual((await b2.listKeys()).keys, ['k']);
        assert.deepEqual((await b1.listKeys()).keys, []);
      });
    });

    describe('list-keys', () => {
      it('lists an empty bucket as no keys and no cursor', async () => {
        assert.deepEqual(await bucket().listKeys(), { keys: [], cursor: undefined });
      });

      it('pages through every key once, with decimal cursors', async () => {
        // More keys than Redis keeps in a compact hash (listpack: 128 by default, 512 in Debian's
        // build), which it would return whole whatever the COUNT.
        const b = bucket({ pageSize: 50 });
        const keys = Array.from({ length: 1500 }, (_, i) => `key-${i}`);
        await setMany(b, keys.map((k) => [k, bytes(k)] as const));
        const seen: string[] = [];
        let pages = 0;
        let cursor: string | undefined;
        do {
          const page = await b.listKeys(cursor);
          pages++;
          seen.push(...page.keys);
          cursor = page.cursor;
          if (cursor !== undefined) assert.match(cursor, /^[0-9]+$/);
          assert.ok(pages <= keys.length, 'the cursor never ends');
        } while (cursor !== undefined);
        assert.ok(pages > 1, `one page only (${pages})`);
        assert.equal(seen.length, keys.length, 'a key was listed twice or not at all');
        assert.deepEqual(new Set(seen), new Set(keys));
      });

      it('returns a whole small bucket at once', async () => {
        const b = bucket();
        await setMany(b, [['a', bytes('1')], ['b', bytes('2')]]);
        const page = await b.listKeys();
        assert.deepEqual(page.keys.toSorted(), ['a', 'b']);
        assert.equal(page.cursor, undefined);
      });

      it('refuses a cursor that is not a decimal u64', async () => {
        const b = bucket();
        await rejectsWith(() => b.listKeys('abc'), 'other');
        await rejectsWith(() => b.listKeys('-1'), 'other');
        await rejectsWith(() => b.listKeys('18446744073709551616'), 'other');
      });
    });

    describe('atomics: increment', () => {
      it('starts a missing key at 0, adds, subtracts, and stores decimal text', async () => {
        const b = bucket();
        assert.equal(await increment(b, 'n', 5n), 5n);
        assert.equal(await increment(b, 'n', 0n), 5n);
        assert.equal(await increment(b, 'n', -7n), -2n);
        assert.equal(dec.decode(await b.get('n')), '-2');
        await b.set('m', bytes('41'));
        assert.equal(await increment(b, 'm', 1n), 42n);
      });

      it('keeps 64-bit values exact and refuses overflow', async () => {
        const b = bucket();
        const max = (1n << 63n) - 1n;
        assert.equal(await increment(b, 'n', max), max);
        assert.equal(dec.decode(await b.get('n')), '9223372036854775807');
        await rejectsWith(() => increment(b, 'n', 1n), 'other', 'increment or decrement would overflow');
        assert.equal(await increment(b, 'n', -max), 0n);
        await rejectsWith(() => increment(b, 'n', 1n << 63n), 'other', 'increment or decrement would overflow');
      });

      it('refuses a value that is not an integer, and leaves it alone', async () => {
        const b = bucket();
        for (const v of ['abc', '1.5', ' 1', '01', '-0', '', '99999999999999999999']) {
          await b.set('v', bytes(v));
          await rejectsWith(() => increment(b, 'v', 1n), 'other', 'value is not an integer');
          assert.equal(dec.decode(await b.get('v')), v);
        }
      });

      it('adds every one of many concurrent increments exactly once', async () => {
        const b = bucket();
        const count = 300;
        const results = await Promise.all(Array.from({ length: count }, () => increment(b, 'n', 1n)));
        assert.equal(dec.decode(await b.get('n')), String(count));
        // Each call saw its own step: the new values are exactly 1..count.
        assert.deepEqual(results.map(Number).toSorted((x, y) => x - y), Array.from({ length: count }, (_, i) => i + 1));
      });
    });

    describe('atomics: compare-and-swap', () => {
      it('swaps when nothing changed, for a present and for a missing key', async () => {
        const b = bucket();
        const fresh = await Cas.new(b, 'k');
        assert.equal(fresh.current(), undefined);
        await swap(fresh, bytes('first'));
        assert.deepEqual(await b.get('k'), bytes('first'));
        const cas = await Cas.new(b, 'k');
        assert.deepEqual(cas.current(), bytes('first'));
        await swap(cas, bytes('second'));
        assert.deepEqual(await b.get('k'), bytes('second'));
      });

      it('fails after a concurrent write, with a CAS of the current value to retry with', async () => {
        const b = bucket();
        await b.set('k', bytes('v1'));
        const cas = await Cas.new(b, 'k');
        await b.set('k', bytes('v2'));
        const e = await rejectsWith(() => swap(cas, bytes('mine')), 'cas-failed');
        assert.deepEqual(await b.get('k'), bytes('v2'), 'a failed swap wrote');
        const retry = (e.payload as { val: unknown }).val;
        assert.ok(retry instanceof Cas);
        assert.deepEqual(retry.current(), bytes('v2'));
        await swap(retry, bytes('mine'));
        assert.deepEqual(await b.get('k'), bytes('mine'));
      });

      it('fails when a missing key appeared, or a present one went away', async () => {
        const b = bucket();
        const absent = await Cas.new(b, 'k');
        await b.set('k', bytes('someone else'));
        const e = await rejectsWith(() => swap(absent, bytes('mine')), 'cas-failed');
        assert.deepEqual(((e.payload as { val: Cas }).val).current(), bytes('someone else'));
        const present = await Cas.new(b, 'k');
        await b.delete('k');
        const e2 = await rejectsWith(() => swap(present, bytes('mine')), 'cas-failed');
        assert.equal(((e2.payload as { val: Cas }).val).current(), undefined);
        assert.equal(await b.exists('k'), false);
      });

      it('tells a value from its prefix and from an empty value', async () => {
        const b = bucket();
        await b.set('k', bytes('abc'));
        const cas = await Cas.new(b, 'k');
        await b.set('k', bytes('ab'));
        await rejectsWith(() => swap(cas, bytes('x')), 'cas-failed');
        await b.set('e', new Uint8Array(0));
        const empty = await Cas.new(b, 'e');
        assert.deepEqual(empty.current(), new Uint8Array(0));
        await b.delete('e');
        await rejectsWith(() => swap(empty, bytes('x')), 'cas-failed');
      });

      it('lets concurrent read-modify-write loops all succeed, each once', async () => {
        const b = bucket();
        await b.set('n', bytes('0'));
        const loops = 25;
        let conflicts = 0;
        const addOne = async (): Promise<void> => {
          let cas = await Cas.new(b, 'n');
          for (;;) {
            try {
              await swap(cas, bytes(String(Number(dec.decode(cas.current())) + 1)));
              return;
            } catch (e) {
              if (!(e instanceof ComponentError) || (e.payload as { tag: string }).tag !== 'cas-failed') throw e;
              conflicts++;
              cas = (e.payload as { val: Cas }).val;
            }
          }
        };
        await Promise.all(Array.from({ length: loops }, addOne));
        assert.equal(dec.decode(await b.get('n')), String(loops));
        // On a synchronous store the loops cannot interleave; on a network store they must have.
        if (!backend.synchronous) assert.ok(conflicts > 0, 'no loop ever conflicted: the test did not test');
      });
    });

    describe('batch', () => {
      it('gets many in order, none for missing keys', async () => {
        const b = bucket();
        await setMany(b, [['a', bytes('1')], ['b', bytes('2')], ['c', new Uint8Array(0)]]);
        assert.deepEqual(await getMany(b, ['b', 'missing', 'a', 'c', 'a']), [
          ['b', bytes('2')], undefined, ['a', bytes('1')], ['c', new Uint8Array(0)], ['a', bytes('1')],
        ]);
        assert.deepEqual(await getMany(b, []), []);
      });

      it('sets many (the last of a repeated key wins) and deletes many, skipping missing keys', async () => {
        const b = bucket();
        await setMany(b, [['a', bytes('1')], ['b', bytes('2')], ['a', bytes('3')], ['c', bytes('4')]]);
        assert.deepEqual(await b.get('a'), bytes('3'));
        await deleteMany(b, ['a', 'missing', 'b']);
        assert.deepEqual((await b.listKeys()).keys, ['c']);
        await setMany(b, []);
        await deleteMany(b, []);
        assert.deepEqual(await b.get('c'), bytes('4'));
      });
    });
  });
}

describe('wasi:keyvalue failures of the store', () => {
  it('are error::other with the reason, and a CAS swap reports them as store-error', async () => {
    const backend = new SqliteBackend({ path: ':memory:' });
    const b = new KeyValueStore({ backend }).open('default');
    await b.set('k', bytes('v'));
    const cas = await Cas.new(b, 'k');
    backend.close();
    const e = await rejectsWith(() => b.get('k'), 'other');
    assert.match((e.payload as { val: string }).val, /finalized|not open/);
    await rejectsWith(() => setMany(b, [['a', bytes('1')]]), 'other');
    const s = await rejectsWith(() => swap(cas, bytes('w')), 'store-error');
    assert.equal(((s.payload as { val: { tag: string } }).val).tag, 'other');
  });

  it('on Redis: a lost connection fails calls instead of queueing them', { skip: REDIS_URL ? false : 'TESSERA_REDIS_URL is not set' }, async () => {
    const backend = await openRedisBackend({ url: REDIS_URL ?? '', prefix: `tessera-test:${process.pid}:closed:` });
    const b = new KeyValueStore({ backend }).open('default');
    assert.equal(await b.get('k'), undefined);
    await backend.close();
    await rejectsWith(() => b.get('k'), 'other');
    await rejectsWith(() => increment(b, 'n', 1n), 'other');
  });
});
