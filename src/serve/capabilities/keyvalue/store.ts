// `wasi:keyvalue/store` (WebAssembly/wasi-keyvalue, wit/store.wit): `open` and the `bucket`
// resource. Methods follow the runtime's host-import convention: they return the `ok` value (or a
// promise of it, for a network store) and throw a ComponentError carrying `store.error` for `err`.
//
// Buckets are a capability (DESIGN.md, "Security is deny-by-default"): a guest opens only the
// buckets the operator listed, and any other name is `access-denied` whether or not the store
// holds it, which is what the WIT's "(which may or may not exist)" allows and reveals nothing.
import { type Awaitable, type KvBackend, then } from './backend.ts';
import { accessDenied, guard, other } from './errors.ts';

/** `record key-response { keys: list<string>, cursor: option<...> }` */
export interface KeyResponse {
  readonly keys: string[];
  /** A decimal u64 (see KeyPage); undefined on the last page. */
  readonly cursor: string | undefined;
}

export interface KeyValueOptions {
  readonly backend: KvBackend;
  /** The buckets a guest may open; default: one bucket, "default". */
  readonly buckets?: Iterable<string>;
  /** Keys per `list-keys` page (a hint for Redis, whose SCAN decides); default 1000. */
  readonly pageSize?: number;
}

export const DEFAULT_BUCKETS: readonly string[] = ['default'];
export const DEFAULT_PAGE_SIZE = 1000;

/** The host side of `wasi:keyvalue` for one server: a backend and the buckets it lends out. */
export class KeyValueStore {
  readonly backend: KvBackend;
  readonly buckets: ReadonlySet<string>;
  readonly pageSize: number;

  constructor(options: KeyValueOptions) {
    this.backend = options.backend;
    this.buckets = new Set(options.buckets ?? DEFAULT_BUCKETS);
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
    this.pageSize = pageSize;
  }

  /** `open: func(identifier: string) -> result<bucket, error>` */
  open(identifier: string): Bucket {
    if (!this.buckets.has(identifier)) throw accessDenied();
    return new Bucket(this, identifier);
  }
}

/** `resource bucket`: a named collection of key-value pairs in the store. */
export class Bucket {
  readonly store: KeyValueStore;
  readonly name: string;

  /** Buckets come from `KeyValueStore.open`, which checks the name against the allowed list. */
  constructor(store: KeyValueStore, name: string) {
    this.store = store;
    this.name = name;
  }

  get backend(): KvBackend {
    return this.store.backend;
  }

  /** `get: func(key: string) -> result<option<list<u8>>, error>` */
  get(key: string): Awaitable<Uint8Array | undefined> {
    return guard(() => this.backend.get(this.name, key));
  }

  /** `set: func(key: string, value: list<u8>) -> result<_, error>` */
  set(key: string, value: Uint8Array): Awaitable<void> {
    return guard(() => this.backend.set(this.name, key, value));
  }

  /** `delete: func(key: string) -> result<_, error>`: a missing key is not an error. */
  delete(key: string): Awaitable<void> {
    return guard(() => this.backend.delete(this.name, key));
  }

  /** `exists: func(key: string) -> result<bool, error>` */
  exists(key: string): Awaitable<boolean> {
    return guard(() => this.backend.exists(this.name, key));
  }

  /**
   * `list-keys: func(cursor: option<string>) -> result<key-response, error>` (draft2; the
   * draft's `option<u64>` cursor is the same decimal number). Keys come in no promised order,
   * each once while the bucket is not written to meanwhile.
   */
  listKeys(cursor?: string): Awaitable<KeyResponse> {
    if (cursor !== undefined && !isCursor(cursor)) throw other(`invalid cursor: ${JSON.stringify(cursor)}`);
    return guard(() => then(this.backend.listKeys(this.name, cursor, this.store.pageSize), (p) => ({ keys: p.keys, cursor: p.cursor })));
  }
}

const U64_MAX = (1n << 64n) - 1n;

function isCursor(s: string): boolean {
  return /^[0-9]{1,20}$/.test(s) && BigInt(s) <= U64_MAX;
}
