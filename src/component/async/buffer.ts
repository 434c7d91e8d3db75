// 🔀 Buffers (CanonicalABI.md, "Buffer State"): the memory a stream or future operation reads
// from or writes into. A guest buffer is a checked (pointer, length) region of one component's
// memory; a host buffer is JavaScript's side of a stream or future the host reads or writes.
// Values move as chunks (abi/buffer-values.ts): raw bytes for numbers, JavaScript values
// otherwise, a bare count without an element type.
import { type BufferValues, type Chunk, chunkLength } from '../link/abi.ts';

export interface Buffer {
  /** How many elements may still be read or written. */
  remain(): number;
  isZeroLength(): boolean;
  /** How many have been read or written so far. */
  progress: number;
}

export interface ReadableBuffer extends Buffer {
  /** Takes `n` (0 < n <= remain) elements. */
  read(n: number): Chunk;
}

export interface WritableBuffer extends Buffer {
  /** Puts a non-empty chunk of at most `remain` elements. */
  write(c: Chunk): void;
}

/** BufferGuestImpl: the constructor checks length, alignment and bounds. */
class GuestBuffer {
  readonly values: BufferValues;
  ptr: number;
  progress = 0;
  readonly length: number;

  constructor(values: BufferValues, ptr: number, length: number) {
    values.check(ptr, length);
    this.values = values;
    this.ptr = ptr;
    this.length = length;
  }

  remain(): number {
    return this.length - this.progress;
  }

  isZeroLength(): boolean {
    return this.length === 0;
  }
}

export class ReadableGuestBuffer extends GuestBuffer implements ReadableBuffer {
  read(n: number): Chunk {
    const c = this.values.load(this.ptr, n);
    this.ptr += n * this.values.size;
    this.progress += n;
    return c;
  }
}

export class WritableGuestBuffer extends GuestBuffer implements WritableBuffer {
  write(c: Chunk): void {
    const n = chunkLength(c, this.values.size);
    this.values.store(c, this.ptr);
    this.ptr += n * this.values.size;
    this.progress += n;
  }
}

/** The host reading: collects what the writer copies, up to `capacity` elements. */
export class HostWritableBuffer implements WritableBuffer {
  readonly size: number;
  readonly capacity: number;
  progress = 0;
  readonly chunks: Chunk[] = [];

  constructor(size: number, capacity: number) {
    this.size = size;
    this.capacity = capacity;
  }

  remain(): number {
    return this.capacity - this.progress;
  }

  isZeroLength(): boolean {
    return this.capacity === 0;
  }

  write(c: Chunk): void {
    // Raw bytes are a view of the writer's memory: keep a copy.
    this.chunks.push(c instanceof Uint8Array ? c.slice() : c);
    this.progress += chunkLength(c, this.size);
  }
}

/** The host writing: hands out one chunk it was given, in pieces. */
export class HostReadableBuffer implements ReadableBuffer {
  readonly size: number;
  readonly chunk: Chunk;
  readonly length: number;
  progress = 0;

  constructor(size: number, chunk: Chunk) {
    this.size = size;
    this.chunk = chunk;
    this.length = chunkLength(chunk, size);
  }

  remain(): number {
    return this.length - this.progress;
  }

  isZeroLength(): boolean {
    return this.length === 0;
  }

  read(n: number): Chunk {
    const from = this.progress;
    this.progress += n;
    const c = this.chunk;
    if (typeof c === 'number') return n;
    if (c instanceof Uint8Array) return c.subarray(from * this.size, (from + n) * this.size);
    return c.slice(from, from + n);
  }
}
