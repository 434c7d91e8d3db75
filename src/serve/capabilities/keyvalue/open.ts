// From the operator's `--kv` option to a backend. A Node adapter (it opens files and sockets).
import type { KvBackend } from './backend.ts';
import { SqliteBackend } from './node-sqlite.ts';
import { KeyValueStore } from './store.ts';

/** Where the SQLite store lives when `--kv` is not given: beside the app, like Spin's `.spin/`. */
export const DEFAULT_KV_PATH = '.tessera/keyvalue.sqlite';

export interface OpenKvOptions {
  /**
   * The store: a file path (or `sqlite:PATH`) for SQLite, `:memory:` for a SQLite store that
   * lives as long as the process, `redis://host:port/db` or `rediss://...` for Redis. Default:
   * DEFAULT_KV_PATH.
   */
  readonly kv?: string;
  /** The buckets guests may open (`--kv-bucket`); default: "default". */
  readonly buckets?: Iterable<string>;
  /** Keys per `list-keys` page; default 1000. */
  readonly pageSize?: number;
  /** Redis only: the prefix of the hashes that hold the buckets; default "tessera:kv:". */
  readonly redisPrefix?: string;
  /** Redis only: connection errors after start-up (the client reconnects meanwhile). */
  readonly onError?: (error: Error) => void;
}

/** Opens the backend a `--kv` value names; fails with one clear message if it cannot. */
export async function openKvBackend(options: OpenKvOptions = {}): Promise<KvBackend> {
  const spec = options.kv ?? DEFAULT_KV_PATH;
  if (/^rediss?:\/\//i.test(spec)) {
    const { openRedisBackend } = await import('./node-redis.ts');
    return openRedisBackend({ url: spec, prefix: options.redisPrefix, onError: options.onError });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    throw new Error(`unsupported key-value store ${JSON.stringify(spec)}: give a file path, :memory:, or a redis:// URL`);
  }
  const path = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
  if (path === '') throw new Error('the key-value store path is empty');
  return new SqliteBackend({ path });
}

/** Opens the backend and lends the allowed buckets out through a `KeyValueStore`. */
export async function openKeyValue(options: OpenKvOptions = {}): Promise<KeyValueStore> {
  const backend = await openKvBackend(options);
  try {
    return new KeyValueStore({ backend, buckets: options.buckets, pageSize: options.pageSize });
  } catch (e) {
    await backend.close();
    throw e;
  }
}
