// A host operation that finishes later (a connect, a listen, a name lookup, an HTTP
// response), seen synchronously: WASI 0.2 starts such operations in one call, lets the guest
// poll a pollable, and finishes them in another call that says `would-block` until then.
import type { Readiness } from './poll.ts';

export class Settling<T> {
  #state: 'pending' | 'ok' | 'err' = 'pending';
  #value: T | undefined;
  #error: unknown;
  readonly #done: Promise<void>;
  #readiness: Readiness | undefined;

  constructor(p: Promise<T>) {
    this.#done = p.then(
      (v) => { this.#state = 'ok'; this.#value = v; },
      (e: unknown) => { this.#state = 'err'; this.#error = e; },
    );
  }

  /** An operation that finished at once. */
  static of<T>(value: T): Settling<T> {
    const s = new Settling<T>(Promise.resolve(value) as Promise<T>);
    s.#state = 'ok';
    s.#value = value;
    return s;
  }

  get settled(): boolean {
    return this.#state !== 'pending';
  }

  /** The value once it succeeded; undefined while pending; throws the failure once it failed. */
  get value(): T | undefined {
    if (this.#state === 'err') throw this.#error;
    return this.#value;
  }

  /** The failure once it failed. */
  get error(): unknown {
    return this.#error;
  }

  get failed(): boolean {
    return this.#state === 'err';
  }

  /** Settles (never rejects) when the operation has. */
  get done(): Promise<void> {
    return this.#done;
  }

  get readiness(): Readiness {
    return (this.#readiness ??= {
      isReady: () => this.#state !== 'pending',
      whenReady: (signal) => untilAbort(this.#done, signal),
    });
  }
}

/** `p`, or sooner when `signal` aborts. */
export function untilAbort(p: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const abort = () => resolve();
    signal.addEventListener('abort', abort, { once: true });
    void p.then(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    });
  });
}
