// wasi:io/error (https://github.com/WebAssembly/WASI/blob/main/proposals/io/wit/error.wit):
// the opaque error a stream operation fails with (`stream-error::last-operation-failed`).
// The guest can only print it, or ask an interface that knows its origin for a code:
// wasi:filesystem's `filesystem-error-code`, wasi:sockets' `network-error-code`, wasi:http's
// `http-error-code`. So the error carries each code it may be asked for.

export interface IoErrorCodes {
  /** A wasi:filesystem `error-code` (enum case name). */
  readonly filesystem?: string;
  /** A wasi:sockets `error-code` (enum case name). */
  readonly network?: string;
  /** A wasi:http `error-code` (variant value). */
  readonly http?: { readonly tag: string; readonly val?: unknown };
}

/** The `error` resource. Host code throws it from a byte source or sink to fail the operation. */
export class IoError {
  readonly message: string;
  readonly codes: IoErrorCodes;

  constructor(message: string, codes: IoErrorCodes = {}) {
    this.message = message;
    this.codes = codes;
  }

  /** `[method]error.to-debug-string`: for people, not programs (the WIT says so). */
  'to-debug-string'(): string {
    return this.message;
  }
}
