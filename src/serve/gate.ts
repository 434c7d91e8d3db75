// The admission of requests: at most `concurrency` run at once, the next `queue` wait in line
// (first come, first served), and any more are turned away at once, as a server under more
// load than it can take should (503, and the client may retry elsewhere). A request that waits
// longer than `wait` ms is turned away too.

export class Busy extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'Busy';
  }
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  readonly timer: ReturnType<typeof setTimeout> | undefined;
}

export class Gate {
  readonly #concurrency: number;
  readonly #queue: number;
  readonly #wait: number | undefined;
  readonly #waiting: Waiter[] = [];
  #running = 0;

  constructor(concurrency: number, queue: number, wait?: number) {
    this.#concurrency = concurrency;
    this.#queue = queue;
    this.#wait = wait;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** A slot now (undefined), a promise of one, or Busy thrown when the line is full. */
  enter(): Promise<void> | undefined {
    if (this.#running < this.#concurrency) {
      this.#running++;
      return undefined;
    }
    if (this.#waiting.length >= this.#queue) throw new Busy(`too many requests (${this.#running} running, ${this.#waiting.length} waiting)`);
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        resolve, reject,
        timer: this.#wait === undefined ? undefined : setTimeout(() => {
          const at = this.#waiting.indexOf(w);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(new Busy(`waited ${this.#wait} ms for a free slot`));
        }, this.#wait),
      };
      this.#waiting.push(w);
    });
  }

  /** Gives the slot back: to the first in line, if any. */
  leave(): void {
    const next = this.#waiting.shift();
    if (next === undefined) {
      this.#running--;
      return;
    }
    if (next.timer !== undefined) clearTimeout(next.timer);
    next.resolve();
  }
}
