// stdin, stdout and stderr as the host configures them. Deny by default: with no option a
// guest reads end-of-file and its output goes nowhere. In-memory buffers and callbacks work
// everywhere; inheriting the process's own streams is the node adapter's (src/wasi/node.ts).
//
// Reads are synchronous today (see RATIONALE.md, "Why are WASI calls synchronous?"); an
// input whose `read` could return a promise is the hook for JSPI suspension later.

export interface InputStream {
  /** Up to `max` bytes; an empty array at end of input. */
  read(max: number): Uint8Array;
  /** Bytes that can be read without blocking (for poll_oneoff); undefined if unknown. */
  available?(): number | undefined;
  readonly isTTY?: boolean;
}

export interface OutputStream {
  write(bytes: Uint8Array): void;
  readonly isTTY?: boolean;
}

/** Input from bytes or text held in memory. */
export function bytesInput(data: Uint8Array | string): InputStream {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let at = 0;
  return {
    read(max) {
      const out = bytes.slice(at, at + max);
      at += out.length;
      return out;
    },
    available: () => bytes.length - at,
  };
}

/** An output that keeps everything written; `bytes()` and `text()` read it back. */
export interface BufferOutput extends OutputStream {
  bytes(): Uint8Array;
  text(): string;
}

export function bufferOutput(): BufferOutput {
  let buf = new Uint8Array(256);
  let size = 0;
  return {
    write(b) {
      if (size + b.length > buf.length) {
        const grown = new Uint8Array(Math.max(size + b.length, buf.length * 2));
        grown.set(buf.subarray(0, size));
        buf = grown;
      }
      buf.set(b, size);
      size += b.length;
    },
    bytes: () => buf.slice(0, size),
    text: () => new TextDecoder().decode(buf.subarray(0, size)),
  };
}

/** An output that hands each write to `fn` (a copy: guest memory changes after the call). */
export function callbackOutput(fn: (bytes: Uint8Array) => void): OutputStream {
  return { write: (b) => fn(b.slice()) };
}

/** Reads nothing: end of input at once. */
export const EMPTY_INPUT: InputStream = { read: () => new Uint8Array(0), available: () => 0 };
/** Discards what is written. */
export const NULL_OUTPUT: OutputStream = { write: () => undefined };
