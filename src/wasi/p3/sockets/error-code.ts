// wasi:sockets@0.3.0 error codes (types.wit `error-code`, ip-name-lookup.wit `error-code`).
// In 0.3 both are variants with an `other(option<string>)` catch-all, so a host value is
// `{ tag }` (or `{ tag: 'other', val }`), not 0.2's enum string. Platform failures are read
// through the 0.2 host's mapping (../../p2/sockets/backend.ts `netErrorOf`), and 0.2 codes 0.3
// dropped (`would-block`, `new-socket-limit`, ...) become `other` with their name.
import { ComponentError } from '../../../core/errors.ts';
import { IoError } from '../../p2/io/error.ts';
import { type NetErrorCode, netErrorOf } from '../../p2/sockets/backend.ts';

const SOCKET_CODES = [
  'access-denied', 'not-supported', 'invalid-argument', 'out-of-memory', 'timeout', 'invalid-state',
  'address-not-bindable', 'address-in-use', 'remote-unreachable', 'connection-refused', 'connection-broken',
  'connection-reset', 'connection-aborted', 'datagram-too-large',
] as const;
export type SocketCode = (typeof SOCKET_CODES)[number];

/** `types.error-code` */
export type ErrorCode = { readonly tag: SocketCode } | { readonly tag: 'other'; readonly val: string | undefined };

const LOOKUP_CODES = ['access-denied', 'invalid-argument', 'name-unresolvable', 'temporary-resolver-failure', 'permanent-resolver-failure'] as const;
export type LookupCode = (typeof LOOKUP_CODES)[number];

/** `ip-name-lookup.error-code` */
export type LookupErrorCode = { readonly tag: LookupCode } | { readonly tag: 'other'; readonly val: string | undefined };

const socketCodes: ReadonlySet<string> = new Set(SOCKET_CODES);
const lookupCodes: ReadonlySet<string> = new Set(LOOKUP_CODES);

function variantOf<C extends string>(codes: ReadonlySet<string>, code: string): { tag: C } | { tag: 'other'; val: string | undefined } {
  if (codes.has(code)) return { tag: code as C };
  return { tag: 'other', val: code === 'unknown' ? undefined : code };
}

/** The 0.3 value of a code by name (a 0.2-only name becomes `other`). */
export function errorCode(code: SocketCode | NetErrorCode): ErrorCode {
  return variantOf<SocketCode>(socketCodes, code);
}

/** The code of a platform failure (a node error, or the IoError a connection's stream threw). */
export function errorOf(e: unknown): ErrorCode {
  // 0.3 tells a broken pipe from a reset (0.2 had no `connection-broken`).
  if ((e as { code?: unknown } | null)?.code === 'EPIPE') return { tag: 'connection-broken' };
  if (e instanceof IoError) return errorCode((e.codes.network ?? 'unknown') as NetErrorCode);
  return errorCode(netErrorOf(e));
}

/** The code of a failed lookup. */
export function lookupErrorOf(e: unknown): LookupErrorCode {
  return variantOf<LookupCode>(lookupCodes, netErrorOf(e));
}

/** Ends the call with `err(code)` (the runtime's convention for host imports: src/wasi/p2/result.ts). */
export function fail(code: SocketCode | ErrorCode): never {
  throw new ComponentError(typeof code === 'string' ? { tag: code } : code);
}

/** Ends a lookup with `err(code)`. */
export function failLookup(code: LookupCode | LookupErrorCode): never {
  throw new ComponentError(typeof code === 'string' ? { tag: code } : code);
}

/** `result<_, error-code>` as a value inside a future. */
export type Outcome = { readonly tag: 'ok' } | { readonly tag: 'err'; readonly val: ErrorCode };
export const OK: Outcome = { tag: 'ok' };

export function failed(code: SocketCode | ErrorCode): Outcome {
  return { tag: 'err', val: typeof code === 'string' ? { tag: code } : code };
}
