// `wasi:keyvalue/batch` (WebAssembly/wasi-keyvalue, wit/batch.wit): many keys in one call, so a
// network store answers in one round trip. The WIT promises no atomicity; both backends happen to
// apply each batch at once (one SQLite transaction, one Redis command).
import { type Awaitable, then } from './backend.ts';
import { guard } from './errors.ts';
import type { Bucket } from './store.ts';

/**
 * `get-many: func(bucket: borrow<bucket>, keys: list<string>)
 *    -> result<list<option<tuple<string, list<u8>>>>, error>`: one entry per key, in order,
 * `none` (undefined) for a missing key.
 */
export function getMany(bucket: Bucket, keys: readonly string[]): Awaitable<([string, Uint8Array] | undefined)[]> {
  if (keys.length === 0) return [];
  return guard(() => then(bucket.backend.getMany(bucket.name, keys), (values) =>
    values.map((v, i): [string, Uint8Array] | undefined => v === undefined ? undefined : [keys[i], v])));
}

/** `set-many: func(bucket: borrow<bucket>, key-values: list<tuple<string, list<u8>>>) -> result<_, error>` */
export function setMany(bucket: Bucket, keyValues: readonly (readonly [string, Uint8Array])[]): Awaitable<void> {
  if (keyValues.length === 0) return;
  return guard(() => bucket.backend.setMany(bucket.name, keyValues));
}

/** `delete-many: func(bucket: borrow<bucket>, keys: list<string>) -> result<_, error>`: missing keys are skipped. */
export function deleteMany(bucket: Bucket, keys: readonly string[]): Awaitable<void> {
  if (keys.length === 0) return;
  return guard(() => bucket.backend.deleteMany(bucket.name, keys));
}
