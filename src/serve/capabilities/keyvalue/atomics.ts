// `wasi:keyvalue/atomics` (WebAssembly/wasi-keyvalue, wit/atomic.wit): `increment`, and the
// compare-and-swap of draft2 (the `cas` resource and `swap`).
//
// CAS compares values, not versions: `cas.new` remembers the value it read, and `swap` writes
// only if the store still holds exactly those bytes (or still holds nothing), in one atomic step
// of the backend (a single SQL statement, a Lua script in Redis). That is the classic
// compare-and-swap, with its classic ABA property (A -> B -> A between `new` and `swap` lets the
// swap through), and it needs no version column that other writers of the store would have to
// maintain.
import { COUNTER_MAX, COUNTER_MIN, type Awaitable, mapErrors, then } from './backend.ts';
import { ComponentError } from '../../../core/errors.ts';
import { guard, other, toKvError, type KvError } from './errors.ts';
import type { Bucket } from './store.ts';

/**
 * `increment: func(bucket: borrow<bucket>, key: string, delta: s64) -> result<s64, error>`
 * (draft2; the draft's u64 delta and result are the same numbers where they fit in s64).
 * A missing key starts at 0; the value is kept as decimal text (see KvBackend.increment).
 */
export function increment(bucket: Bucket, key: string, delta: bigint): Awaitable<bigint> {
  if (delta < COUNTER_MIN || delta > COUNTER_MAX) throw other('increment or decrement would overflow');
  return guard(() => bucket.backend.increment(bucket.name, key, delta));
}

/** `variant cas-error { store-error(error), cas-failed(cas) }` */
export type CasError =
  | { readonly tag: 'store-error'; readonly val: KvError }
  | { readonly tag: 'cas-failed'; readonly val: Cas };

/** `resource cas`: a pending compare-and-swap of one key. */
export class Cas {
  readonly bucket: Bucket;
  readonly key: string;
  readonly #expected: Uint8Array | undefined;

  /** Use `Cas.new`, which reads the value the swap will compare with. */
  constructor(bucket: Bucket, key: string, expected: Uint8Array | undefined) {
    this.bucket = bucket;
    this.key = key;
    this.#expected = expected;
  }

  /** `new: static func(bucket: borrow<bucket>, key: string) -> result<cas, error>` */
  static new(bucket: Bucket, key: string): Awaitable<Cas> {
    return then(bucket.get(key), (v) => new Cas(bucket, key, v));
  }

  /**
   * `current: func() -> result<option<list<u8>>, error>`: the value this CAS was made from (what
   * `swap` expects to find), so a guest reads it without another round trip.
   */
  current(): Uint8Array | undefined {
    return this.#expected;
  }

  /** The value `swap` compares with; for `swap` only. */
  expected(): Uint8Array | undefined {
    return this.#expected;
  }
}

/**
 * `swap: func(cas: cas, value: list<u8>) -> result<_, cas-error>`: writes `value` if the key
 * still holds what `cas` read. On a conflict the error carries a new CAS made from the value the
 * store holds now ("updated to the latest version", wit/atomic.wit), so a guest retries with it.
 */
export function swap(cas: Cas, value: Uint8Array): Awaitable<void> {
  const { bucket, key } = cas;
  return mapErrors(
    () => then(bucket.backend.compareAndSwap(bucket.name, key, cas.expected(), value), (swapped) =>
      swapped ? undefined : then(Cas.new(bucket, key), (fresh): never => { throw casFailed(fresh); })),
    (e) => isCasError(e) ? e : new ComponentError({ tag: 'store-error', val: toKvError(e).payload } satisfies CasError),
  );
}

function casFailed(fresh: Cas): ComponentError {
  return new ComponentError({ tag: 'cas-failed', val: fresh } satisfies CasError);
}

function isCasError(e: unknown): boolean {
  return e instanceof ComponentError && (e.payload as { tag?: unknown }).tag === 'cas-failed';
}
