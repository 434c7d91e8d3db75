// The capabilities as host imports for instantiateComponent (src/component/link): one object
// per interface, keyed by its versioned name, holding functions and resource classes.
//
// Every resource method is given explicitly as `[method]r.name` / `[static]r.name`, which the
// runtime finds under that key in either naming style ('wit' or 'camel'), so the classes keep
// their JavaScript (camelCase) method names. The resource classes are given under their WIT
// names (`bucket`, `cas`), which the runtime also accepts in both styles.
//
// Versions, all on the same host classes:
// - wasi:keyvalue@0.2.0-draft (wasmtime-wasi-keyvalue): `list-keys` takes and returns an
//   option<u64> cursor, `increment` a u64 (the counter's 64 bits, see below); no compare-and-swap.
// - wasi:keyvalue@0.2.0-draft2 (Spin 3): an option<string> cursor, s64 `increment`, and the
//   `cas` resource with `swap`.
// - wasi:config@0.2.0-draft (wasmtime-wasi-config) and @0.2.0-draft-2024-09-27 (Spin): the
//   same `store` interface.
//
// Calls on a synchronous store (SQLite) return values; on Redis they return promises, which a
// guest can only wait for through JSPI: `keyvalue.backend.synchronous` says which.
import type { ConfigStore } from './config/store.ts';
import { Cas, increment, swap } from './keyvalue/atomics.ts';
import { then, type Awaitable } from './keyvalue/backend.ts';
import { deleteMany, getMany, setMany } from './keyvalue/batch.ts';
import { Bucket, type KeyResponse, type KeyValueStore } from './keyvalue/store.ts';

/** Interface name → that interface's imports (the shape of instantiateComponent's imports). */
export type InterfaceImports = Record<string, Readonly<Record<string, unknown>>>;

export const KEYVALUE_DRAFT = '0.2.0-draft';
export const KEYVALUE_DRAFT2 = '0.2.0-draft2';
export const CONFIG_VERSIONS: readonly string[] = ['0.2.0-draft', '0.2.0-draft-2024-09-27'];

function bucketMethods(store: KeyValueStore, listKeys: (b: Bucket, cursor: never) => unknown): Record<string, unknown> {
  return {
    open: (identifier: string): Bucket => store.open(identifier),
    bucket: Bucket,
    '[method]bucket.get': (b: Bucket, key: string) => b.get(key),
    '[method]bucket.set': (b: Bucket, key: string, value: Uint8Array) => b.set(key, value),
    '[method]bucket.delete': (b: Bucket, key: string) => b.delete(key),
    '[method]bucket.exists': (b: Bucket, key: string) => b.exists(key),
    '[method]bucket.list-keys': listKeys,
  };
}

const batch = {
  'get-many': getMany,
  'set-many': setMany,
  'delete-many': deleteMany,
};

/** `wasi:keyvalue` store, atomics and batch, in both draft versions, over one store. */
export function keyvalueImports(store: KeyValueStore): InterfaceImports {
  const v1 = KEYVALUE_DRAFT;
  const v2 = KEYVALUE_DRAFT2;
  return {
    [`wasi:keyvalue/store@${v1}`]: bucketMethods(store, (b: Bucket, cursor: bigint | undefined): Awaitable<{ keys: string[]; cursor: bigint | undefined }> =>
      then(b.listKeys(cursor === undefined ? undefined : String(cursor)), (r: KeyResponse) =>
        ({ keys: r.keys, cursor: r.cursor === undefined ? undefined : BigInt(r.cursor) }))),
    [`wasi:keyvalue/atomics@${v1}`]: {
      // The draft's u64 and the stored s64 (Redis' counters) share their 64 bits: a delta past
      // s64 is the negative one with the same bits, and a negative counter reads as its u64
      // bits, which is u64 arithmetic modulo 2^64. Nothing fails after the store was written.
      increment: (b: Bucket, key: string, delta: bigint): Awaitable<bigint> =>
        then(increment(b, key, BigInt.asIntN(64, delta)), (n) => BigInt.asUintN(64, n)),
    },
    [`wasi:keyvalue/batch@${v1}`]: batch,
    [`wasi:keyvalue/store@${v2}`]: bucketMethods(store, (b: Bucket, cursor: string | undefined) => b.listKeys(cursor)),
    [`wasi:keyvalue/atomics@${v2}`]: {
      cas: Cas,
      '[static]cas.new': (b: Bucket, key: string) => Cas.new(b, key),
      '[method]cas.current': (c: Cas) => c.current(),
      increment,
      swap,
    },
    [`wasi:keyvalue/batch@${v2}`]: batch,
  };
}

/** `wasi:config/store` in the versions wasmtime and Spin import. */
export function configImports(config: ConfigStore): InterfaceImports {
  const store = {
    get: (key: string): string | undefined => config.get(key),
    'get-all': (): [string, string][] => config.getAll(),
  };
  return Object.fromEntries(CONFIG_VERSIONS.map((v) => [`wasi:config/store@${v}`, store]));
}
