// 🔀 Streams and futures (CanonicalABI.md, "Stream State", "Future State"). Both ends of a
// stream or future created by `stream.new` / `future.new` share a rendezvous: whichever of a
// read and a write comes first waits in `pending`, and the second copies directly from one
// buffer into the other (no intermediate buffer). The host may be on either side (async/host-
// values.ts implements the same interfaces over JavaScript streams and promises).
//
// Each end in a component's handle table is a waitable with a copy state (idle, copying,
// cancelling, done); events report how a copy ended (completed, dropped, cancelled) and for
// streams how many elements moved.
import type { VT } from '../validate/model.ts';
import type { RuntimeInstance } from '../link/runtime-instance.ts';
import type { ReadableBuffer, WritableBuffer } from './buffer.ts';
import { asyncTrap, COPY_CANCELLED, COPY_COMPLETED, COPY_DROPPED } from './codes.ts';
import { Waitable } from './waitable.ts';

export type ReclaimBuffer = () => void;
export type OnCopy = (reclaim: ReclaimBuffer) => void;
export type OnCopyDone = (result: number) => void;

/** The element type of a stream or future, as the ends compare it. */
export interface ElementType {
  readonly type: VT | undefined;
  /** Structural identity (resources by runtime type): `trap_if(e.shared.t != t)`. */
  readonly key: string;
  /** `none_or_number_type`. */
  readonly noneOrNumber: boolean;
  /** `elem_size` (0 without a type). */
  readonly size: number;
}

/** What both ends of one stream share (SharedBase + ReadableStream + WritableStream). */
export interface SharedStream {
  readonly kind: 'stream';
  readonly t: ElementType;
  read(inst: RuntimeInstance | null, dst: WritableBuffer, onCopy: OnCopy, onCopyDone: OnCopyDone): void;
  write(inst: RuntimeInstance | null, src: ReadableBuffer, onCopy: OnCopy, onCopyDone: OnCopyDone): void;
  cancel(): void;
  drop(): void;
}

/** What both ends of one future share (SharedBase + ReadableFuture + WritableFuture). */
export interface SharedFuture {
  readonly kind: 'future';
  readonly t: ElementType;
  read(inst: RuntimeInstance | null, dst: WritableBuffer, onCopyDone: OnCopyDone): void;
  write(inst: RuntimeInstance | null, src: ReadableBuffer, onCopyDone: OnCopyDone): void;
  cancel(): void;
  drop(): void;
}

function sameInstanceTrap(): never {
  // The temporary rule of "Stream State": both ends in one instance need a number type.
  asyncTrap('invalid stream or future operation', 'cannot read from and write to intra-component future/stream with non-numeric payload');
}

/** SharedStreamImpl: a stream made by `stream.new`. */
export class SharedStreamImpl implements SharedStream {
  readonly kind = 'stream';
  readonly t: ElementType;
  dropped = false;
  pendingInst: RuntimeInstance | null = null;
  pendingBuffer: ReadableBuffer | WritableBuffer | null = null;
  pendingOnCopy: OnCopy | null = null;
  pendingOnCopyDone: OnCopyDone | null = null;

  constructor(t: ElementType) {
    this.t = t;
  }

  resetPending(): void {
    this.pendingInst = null;
    this.pendingBuffer = null;
    this.pendingOnCopy = null;
    this.pendingOnCopyDone = null;
  }

  #setPending(inst: RuntimeInstance | null, buffer: ReadableBuffer | WritableBuffer, onCopy: OnCopy, onCopyDone: OnCopyDone): void {
    this.pendingInst = inst;
    this.pendingBuffer = buffer;
    this.pendingOnCopy = onCopy;
    this.pendingOnCopyDone = onCopyDone;
  }

  #resetAndNotifyPending(result: number): void {
    const done = this.pendingOnCopyDone!;
    this.resetPending();
    done(result);
  }

  cancel(): void {
    this.#resetAndNotifyPending(COPY_CANCELLED);
  }

  drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    if (this.pendingBuffer !== null) this.#resetAndNotifyPending(COPY_DROPPED);
  }

  read(inst: RuntimeInstance | null, dst: WritableBuffer, onCopy: OnCopy, onCopyDone: OnCopyDone): void {
    if (this.dropped) {
      onCopyDone(COPY_DROPPED);
      return;
    }
    const src = this.pendingBuffer as ReadableBuffer | null;
    if (src === null) {
      this.#setPending(inst, dst, onCopy, onCopyDone);
      return;
    }
    if (inst !== null && inst === this.pendingInst && !this.t.noneOrNumber) sameInstanceTrap();
    if (src.remain() > 0) {
      if (dst.remain() > 0) {
        const n = Math.min(dst.remain(), src.remain());
        dst.write(src.read(n));
        this.pendingOnCopy!(() => this.resetPending());
      }
      onCopyDone(COPY_COMPLETED);
    } else {
      this.#resetAndNotifyPending(COPY_COMPLETED);
      this.#setPending(inst, dst, onCopy, onCopyDone);
    }
  }

  write(inst: RuntimeInstance | null, src: ReadableBuffer, onCopy: OnCopy, onCopyDone: OnCopyDone): void {
    if (this.dropped) {
      onCopyDone(COPY_DROPPED);
      return;
    }
    const dst = this.pendingBuffer as WritableBuffer | null;
    if (dst === null) {
      this.#setPending(inst, src, onCopy, onCopyDone);
      return;
    }
    if (inst !== null && inst === this.pendingInst && !this.t.noneOrNumber) sameInstanceTrap();
    if (dst.remain() > 0) {
      if (src.remain() > 0) {
        const n = Math.min(src.remain(), dst.remain());
        dst.write(src.read(n));
        this.pendingOnCopy!(() => this.resetPending());
      }
      onCopyDone(COPY_COMPLETED);
    } else if (src.isZeroLength() && dst.isZeroLength()) {
      onCopyDone(COPY_COMPLETED);
    } else {
      this.#resetAndNotifyPending(COPY_COMPLETED);
      this.#setPending(inst, src, onCopy, onCopyDone);
    }
  }
}

/** SharedFutureImpl: a future made by `future.new`. */
export class SharedFutureImpl implements SharedFuture {
  readonly kind = 'future';
  readonly t: ElementType;
  dropped = false;
  pendingInst: RuntimeInstance | null = null;
  pendingBuffer: ReadableBuffer | WritableBuffer | null = null;
  pendingOnCopyDone: OnCopyDone | null = null;

  constructor(t: ElementType) {
    this.t = t;
  }

  #resetAndNotifyPending(result: number): void {
    const done = this.pendingOnCopyDone!;
    this.pendingInst = null;
    this.pendingBuffer = null;
    this.pendingOnCopyDone = null;
    done(result);
  }

  cancel(): void {
    this.#resetAndNotifyPending(COPY_CANCELLED);
  }

  drop(): void {
    if (this.dropped) return;
    this.dropped = true;
    if (this.pendingBuffer !== null) this.#resetAndNotifyPending(COPY_DROPPED);
  }

  read(inst: RuntimeInstance | null, dst: WritableBuffer, onCopyDone: OnCopyDone): void {
    const src = this.pendingBuffer as ReadableBuffer | null;
    if (src === null) {
      this.pendingInst = inst;
      this.pendingBuffer = dst;
      this.pendingOnCopyDone = onCopyDone;
      return;
    }
    if (inst !== null && inst === this.pendingInst && !this.t.noneOrNumber) sameInstanceTrap();
    dst.write(src.read(1));
    this.#resetAndNotifyPending(COPY_COMPLETED);
    onCopyDone(COPY_COMPLETED);
  }

  write(inst: RuntimeInstance | null, src: ReadableBuffer, onCopyDone: OnCopyDone): void {
    if (this.dropped) {
      onCopyDone(COPY_DROPPED);
      return;
    }
    const dst = this.pendingBuffer as WritableBuffer | null;
    if (dst === null) {
      this.pendingInst = inst;
      this.pendingBuffer = src;
      this.pendingOnCopyDone = onCopyDone;
      return;
    }
    if (inst !== null && inst === this.pendingInst && !this.t.noneOrNumber) sameInstanceTrap();
    dst.write(src.read(1));
    this.#resetAndNotifyPending(COPY_COMPLETED);
    onCopyDone(COPY_COMPLETED);
  }
}

/** CopyState. */
export const COPY_IDLE = 1;
export const COPY_COPYING = 2;
export const COPY_CANCELLING = 3;
export const COPY_DONE = 4;

/** CopyEnd: one end in a handle table. */
export class CopyEnd extends Waitable {
  state = COPY_IDLE;
  readonly shared: SharedStream | SharedFuture;
  /** Which end of what. */
  readonly readable: boolean;
  /**
   * The pending event reports partial progress (OnCopy) while the copy is still pending on
   * the other side; cancelling then still cancels it (CANCELLED with the count so far, as
   * wasmtime reports and async/cancel-stream.wast expects).
   */
  partial = false;
  /** Dropped because its instance trapped (values.ts, releaseEnds). */
  released = false;

  constructor(shared: SharedStream | SharedFuture, readable: boolean) {
    super();
    this.shared = shared;
    this.readable = readable;
  }

  get kind(): 'stream' | 'future' {
    return this.shared.kind;
  }

  copying(): boolean {
    return this.state === COPY_COPYING || this.state === COPY_CANCELLING;
  }

  /** CopyEnd.drop (and WritableFutureEnd.drop's extra rule). */
  drop(): void {
    // wasmtime words the two ends differently (async/drop-stream.wast).
    if (this.copying()) asyncTrap('invalid stream or future operation', `cannot ${this.readable ? 'remove' : 'drop'} busy ${this.kind}`);
    if (this.kind === 'future' && !this.readable && this.state !== COPY_DONE) {
      asyncTrap('invalid stream or future operation', 'cannot drop future write end without first writing a value');
    }
    this.shared.drop();
    this.dropWaitable();
  }
}
