// `wasi:keyvalue/store.error` (wit/store.wit) in its JavaScript shape, and the mapping of a
// backend's failures onto it. Host imports return `err` by throwing a ComponentError whose payload
// is the error value (runtime contract, "result<T, E>").
import { ComponentError } from '../../../core/errors.ts';
import { type Awaitable, mapErrors } from './backend.ts';

/** `variant error { no-such-store, access-denied, other(string) }` */
export type KvError =
  | { readonly tag: 'no-such-store' }
  | { readonly tag: 'access-denied' }
  | { readonly tag: 'other'; readonly val: string };

/** A ComponentError whose payload is a `store.error`. */
export type KvComponentError = ComponentError & { readonly payload: KvError };

function kvError(payload: KvError): KvComponentError {
  return new ComponentError(payload) as KvComponentError;
}

export function noSuchStore(): KvComponentError {
  return kvError({ tag: 'no-such-store' });
}

export function accessDenied(): KvComponentError {
  return kvError({ tag: 'access-denied' });
}

export function other(message: string): KvComponentError {
  return kvError({ tag: 'other', val: message });
}

/** True for a ComponentError that carries a `store.error` value. */
export function isKvError(e: unknown): e is KvComponentError {
  if (!(e instanceof ComponentError)) return false;
  const p = e.payload as { tag?: unknown } | null;
  return typeof p === 'object' && p !== null && (p.tag === 'no-such-store' || p.tag === 'access-denied' || p.tag === 'other');
}

/**
 * Any failure of the store (I/O, a lost connection, a value that is not a counter) is the
 * guest's `error::other(message)`: wit/store.wit calls it "some implementation-specific error
 * (e.g. I/O)". An error that already is a store error passes through.
 */
export function toKvError(e: unknown): KvComponentError {
  if (isKvError(e)) return e;
  return other(e instanceof Error ? e.message : String(e));
}

/** Runs a backend call and maps its failure, synchronous or not, with `toKvError`. */
export function guard<T>(call: () => Awaitable<T>): Awaitable<T> {
  return mapErrors(call, toKvError);
}
