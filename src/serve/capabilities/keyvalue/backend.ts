// The storage behind `wasi:keyvalue` (WebAssembly/wasi-keyvalue, wit/store.wit, atomic.wit,
// batch.wit). The capability classes (store.ts, atomics.ts, batch.ts) hold the WIT semantics and
// the error variants; a backend only stores bytes under (bucket, key) and does the two atomic
// operations, so adding a store (SQLite, Redis, ...) is one small class.

/** A value, or a promise of it: node:sqlite answers synchronously, a network store cannot. */
export type Awaitable<T> = T | Promise<T>;

/** One page of `list-keys`. */
export interface KeyPage {
  readonly keys: string[];
  /**
   * Where the next page starts; undefined when this was the last page. Always a decimal u64 (a
   * SQLite rowid, a Redis SCAN cursor), so both the draft's `option<u64>` cursor and draft2's
   * `option<string>` can carry it.
   */
  readonly cursor: string | undefined;
}

/** The smallest and largest values a counter may hold: Redis' (and draft2's `s64`) range. */
export const COUNTER_MIN = -(1n << 63n);
export const COUNTER_MAX = (1n << 63n) - 1n;

/**
 * A store of byte values under (bucket, key). Methods throw (or reject with) ordinary errors for
 * failures of the store; the capability layer turns them into `error::other(message)`.
 */
export interface KvBackend {
  /**
   * True when every method returns its result directly, never a promise (node:sqlite), so a
   * binding can call it from a guest without suspending it (JSPI, RATIONALE "What is
   * synchronous in WASI").
   */
  readonly synchronous: boolean;
  /** A short description for logs and errors: "sqlite:/path", "redis://host:port/0". */
  readonly description: string;
  get(bucket: string, key: string): Awaitable<Uint8Array | undefined>;
  set(bucket: string, key: string, value: Uint8Array): Awaitable<void>;
  delete(bucket: string, key: string): Awaitable<void>;
  exists(bucket: string, key: string): Awaitable<boolean>;
  /** Up to about `limit` keys after `cursor` (a cursor from an earlier page, or undefined). */
  listKeys(bucket: string, cursor: string | undefined, limit: number): Awaitable<KeyPage>;
  /**
   * Adds `delta` to the counter at `key` (a missing key counts as 0) and returns the new value,
   * atomically. A counter is stored as its decimal ASCII text, as Redis' INCRBY stores it, so
   * `get` reads it as text on every backend. Throws "value is not an integer" for any other
   * value, and "increment or decrement would overflow" outside [COUNTER_MIN, COUNTER_MAX].
   */
  increment(bucket: string, key: string, delta: bigint): Awaitable<bigint>;
  /**
   * Writes `value` if the stored value is still `expected` (byte for byte; undefined = absent),
   * atomically, and tells whether it did.
   */
  compareAndSwap(bucket: string, key: string, expected: Uint8Array | undefined, value: Uint8Array): Awaitable<boolean>;
  getMany(bucket: string, keys: readonly string[]): Awaitable<(Uint8Array | undefined)[]>;
  setMany(bucket: string, entries: readonly (readonly [string, Uint8Array])[]): Awaitable<void>;
  deleteMany(bucket: string, keys: readonly string[]): Awaitable<void>;
  /** Releases the store (closes the file or the connection); later calls fail. */
  close(): Awaitable<void>;
}

/** Parses a counter as Redis does (string2ll): canonical decimal, no sign on 0, no padding. */
export function parseCounter(text: string): bigint | undefined {
  if (!/^(0|-?[1-9][0-9]{0,18})$/.test(text)) return undefined;
  const n = BigInt(text);
  return n < COUNTER_MIN || n > COUNTER_MAX ? undefined : n;
}

/** Calls `f` on a value or on the value a promise settles with, staying synchronous if it can. */
export function then<T, U>(v: Awaitable<T>, f: (v: T) => Awaitable<U>): Awaitable<U> {
  return v instanceof Promise ? v.then(f) : f(v);
}

/** Runs `call` and replaces what it throws or rejects with by `map(error)`. */
export function mapErrors<T>(call: () => Awaitable<T>, map: (e: unknown) => unknown): Awaitable<T> {
  let r: Awaitable<T>;
  try {
    r = call();
  } catch (e) {
    throw map(e);
  }
  return r instanceof Promise ? r.catch((e: unknown) => { throw map(e); }) : r;
}
