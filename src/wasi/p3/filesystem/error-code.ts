// wasi:filesystem@0.3.0's `error-code` and `descriptor-type`
// (https://github.com/WebAssembly/WASI/blob/v0.3.0/proposals/filesystem/wit/types.wit).
// The 0.2 host (src/wasi/p2/filesystem) decides every code: errnos map to 0.2's enum there
// (error-code.ts), and its descriptor logic fails calls with them. 0.3 made both types
// variants with an `other(option<string>)` catch-all, so a 0.2 case becomes `{ tag }` here;
// the one 0.2 case 0.3 dropped, `would-block`, becomes `other` carrying its name.
import { ComponentError } from '../../../core/errors.ts';
import type { DescriptorType as DescriptorTypeP2 } from '../../p2/filesystem/descriptor.ts';
import type { FsErrorCode } from '../../p2/filesystem/error-code.ts';

/** A case of 0.3's `error-code` variant in the runtime's JavaScript shape. */
export type ErrorCode =
  | { readonly tag: Exclude<FsErrorCode, 'would-block'> }
  | { readonly tag: 'other'; readonly val: string | undefined };

/** 0.3's `descriptor-type` variant. */
export type DescriptorType =
  | { readonly tag: Exclude<DescriptorTypeP2, 'unknown'> }
  | { readonly tag: 'other'; readonly val: string | undefined };

/** A 0.2 code as 0.3's variant. */
export function errorCode(code: FsErrorCode): ErrorCode {
  return code === 'would-block' ? { tag: 'other', val: code } : { tag: code };
}

/** A 0.2 descriptor type as 0.3's variant (`unknown` is `other` without a name). */
export function descriptorType(t: DescriptorTypeP2): DescriptorType {
  return t === 'unknown' ? { tag: 'other', val: undefined } : { tag: t };
}

/** The 0.2 code a call of the 0.2 host ended with, or undefined for any other exception. */
export function codeOf(e: unknown): FsErrorCode | undefined {
  return e instanceof ComponentError && typeof e.payload === 'string' ? e.payload as FsErrorCode : undefined;
}

/**
 * Runs a call of the 0.2 host, ending an `err` with 0.3's variant instead of 0.2's enum
 * case. Other exceptions (host failures) pass through: the runtime traps the guest on them.
 */
export function p2Call<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    const code = codeOf(e);
    if (code === undefined) throw e;
    throw new ComponentError(errorCode(code));
  }
}
