// The capabilities as the runtime's host imports: called the way a component's calls arrive
// (a method gets its resource first), in every version bound.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ComponentError } from '../../core/errors.ts';
import { ConfigStore } from './config/store.ts';
import { configImports, keyvalueImports } from './imports.ts';
import { Cas } from './keyvalue/atomics.ts';
import { SqliteBackend } from './keyvalue/node-sqlite.ts';
import { Bucket, KeyValueStore } from './keyvalue/store.ts';

type Fn = (...args: unknown[]) => unknown;
const enc = new TextEncoder();

function kv(pageSize = 1000): { imports: Record<string, Readonly<Record<string, unknown>>>; fn: (iface: string, name: string) => Fn } {
  const store = new KeyValueStore({ backend: new SqliteBackend({ path: ':memory:' }), pageSize });
  const imports = keyvalueImports(store);
  return { imports, fn: (iface, name) => imports[iface][name] as Fn };
}

function errTag(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ComponentError);
    return (e.payload as { tag: string }).tag;
  }
  assert.fail('no error');
}

describe('wasi:keyvalue imports', () => {
  for (const v of ['0.2.0-draft', '0.2.0-draft2']) {
    it(`@${v}: open, bucket methods and batch through their import names`, () => {
      const { imports, fn } = kv();
      const store = `wasi:keyvalue/store@${v}`;
      assert.equal(imports[store].bucket, Bucket);
      const b = fn(store, 'open')('default');
      assert.ok(b instanceof Bucket);
      assert.equal(errTag(() => fn(store, 'open')('nope')), 'access-denied');
      fn(store, '[method]bucket.set')(b, 'k', enc.encode('v'));
      assert.deepEqual(fn(store, '[method]bucket.get')(b, 'k'), enc.encode('v'));
      assert.equal(fn(store, '[method]bucket.exists')(b, 'k'), true);
      fn(store, '[method]bucket.delete')(b, 'k');
      assert.equal(fn(store, '[method]bucket.get')(b, 'k'), undefined);
      const batch = `wasi:keyvalue/batch@${v}`;
      fn(batch, 'set-many')(b, [['a', enc.encode('1')], ['b', enc.encode('2')]]);
      assert.deepEqual(fn(batch, 'get-many')(b, ['a', 'x']), [['a', enc.encode('1')], undefined]);
      fn(batch, 'delete-many')(b, ['a']);
      assert.equal(fn(store, '[method]bucket.exists')(b, 'a'), false);
    });
  }

  it('@0.2.0-draft pages with u64 cursors, @0.2.0-draft2 with strings', () => {
    const { fn } = kv(2);
    const b = fn('wasi:keyvalue/store@0.2.0-draft', 'open')('default');
    fn('wasi:keyvalue/batch@0.2.0-draft', 'set-many')(b, ['a', 'b', 'c', 'd', 'e'].map((k) => [k, enc.encode(k)]));
    for (const [v, cursorType] of [['0.2.0-draft', 'bigint'], ['0.2.0-draft2', 'string']]) {
      const list = fn(`wasi:keyvalue/store@${v}`, '[method]bucket.list-keys');
      const keys: string[] = [];
      let cursor: unknown;
      do {
        const page = list(b, cursor) as { keys: string[]; cursor: unknown };
        keys.push(...page.keys);
        cursor = page.cursor;
        if (cursor !== undefined) assert.equal(typeof cursor, cursorType);
      } while (cursor !== undefined);
      assert.deepEqual(keys.toSorted(), ['a', 'b', 'c', 'd', 'e']);
    }
  });

  it('@0.2.0-draft increments a u64 as the stored counter\'s 64 bits (modulo 2^64)', () => {
    const { fn } = kv();
    const b = fn('wasi:keyvalue/store@0.2.0-draft', 'open')('default');
    const inc = fn('wasi:keyvalue/atomics@0.2.0-draft', 'increment');
    assert.equal(inc(b, 'n', 5n), 5n);
    assert.equal(inc(b, 'n', (1n << 64n) - 1n), 4n); // + (2^64 - 1) is - 1
    assert.equal(new TextDecoder().decode(fn('wasi:keyvalue/store@0.2.0-draft', '[method]bucket.get')(b, 'n') as Uint8Array), '4');
    assert.equal(inc(b, 'n', (1n << 64n) - 4n), 0n);
    assert.equal(inc(b, 'n', (1n << 64n) - 1n), (1n << 64n) - 1n); // -1 reads as u64 max
    assert.equal(errTag(() => inc(b, 'n', 1n << 63n)), 'other'); // -1 + -2^63 overflows s64
  });

  it('@0.2.0-draft2 compare-and-swap: cas.new, cas.current, swap', () => {
    const { imports, fn } = kv();
    const atomics = 'wasi:keyvalue/atomics@0.2.0-draft2';
    assert.equal(imports[atomics].cas, Cas);
    assert.equal(imports['wasi:keyvalue/atomics@0.2.0-draft'].cas, undefined);
    const b = fn('wasi:keyvalue/store@0.2.0-draft2', 'open')('default');
    const cas = fn(atomics, '[static]cas.new')(b, 'k');
    assert.equal(fn(atomics, '[method]cas.current')(cas), undefined);
    fn(atomics, 'swap')(cas, enc.encode('v1'));
    const stale = fn(atomics, '[static]cas.new')(b, 'k');
    fn('wasi:keyvalue/store@0.2.0-draft2', '[method]bucket.set')(b, 'k', enc.encode('v2'));
    assert.equal(errTag(() => fn(atomics, 'swap')(stale, enc.encode('v3'))), 'cas-failed');
    assert.equal(fn(atomics, 'increment')(b, 'n', -4n), -4n);
  });
});

describe('wasi:config imports', () => {
  it('gives get and get-all under both versions', () => {
    const imports = configImports(new ConfigStore([['greeting', 'hello']]));
    for (const v of ['0.2.0-draft', '0.2.0-draft-2024-09-27']) {
      const store = imports[`wasi:config/store@${v}`] as Record<string, Fn>;
      assert.equal(store.get('greeting'), 'hello');
      assert.equal(store.get('missing'), undefined);
      assert.deepEqual(store['get-all'](), [['greeting', 'hello']]);
    }
  });
});
