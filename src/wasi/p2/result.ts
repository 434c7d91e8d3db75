// How a WASI 0.2 host function answers `err(e)`: by throwing a ComponentError whose payload is
// the error value, the runtime's convention for host imports (docs of src/component/abi, and
// the runtime contract: "return the ok value, throw a ComponentError for err"). Any other
// exception is a host failure and traps the guest.
import { ComponentError } from '../../core/errors.ts';

/** Ends the call with `err(payload)`. */
export function fail(payload: unknown): never {
  throw new ComponentError(payload);
}

/** A variant value in the runtime's JS shape: `{ tag, val }`, `val` absent for a case without payload. */
export interface Variant<T extends string = string, V = unknown> {
  readonly tag: T;
  readonly val?: V;
}

/** The `result` value shape inside other values (options, lists): `{ tag: 'ok' | 'err', val }`. */
export type Result<T, E> = { readonly tag: 'ok'; readonly val: T } | { readonly tag: 'err'; readonly val: E };
