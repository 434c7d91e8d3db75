// One request's run of a guest: its deadline, and what enforces it where the guest can be
// stopped (RATIONALE.md, "How does `tessera serve` stop a guest that never returns?"):
// - while the guest computes, the fuel check its rewritten modules call (`interrupt`) throws a
//   Trap once the deadline has passed;
// - while it waits (suspended through JSPI in a host call: a sleep, a body read, a slow
//   client, a network store), the wait is raced against the deadline and loses to it, so the
//   guest resumes into a Trap and its stack unwinds instead of lingering.
import { Trap } from '../core/errors.ts';
import { suspendingHost } from '../component/link/index.ts';
import { isSuspending } from '../component/link/jspi.ts';
import { FUEL } from './instrument.ts';

/** The request whose guest is calling a waiting host function right now (see `sleepAsync`). */
let calling: RequestContext | undefined;

export class RequestContext {
  /** performance.now() at which the guest is stopped. */
  readonly deadline: number;
  /** Timers of the guest's sleeps that are still pending (see `sleepAsync`). */
  readonly #timers = new Set<() => void>();
  #expired = false;
  #expiry: Promise<never> | undefined;
  #reject: ((e: Trap) => void) | undefined;
  /** Called once when the deadline passes (the handler answers 503 if it still can). */
  onExpire: (() => void) | undefined;

  constructor(deadline: number) {
    this.deadline = deadline;
  }

  get expired(): boolean {
    return this.#expired || (this.#expired = performance.now() >= this.deadline);
  }

  trap(): Trap {
    return new Trap('interrupt', 'the request ran past its deadline');
  }

  /** The deadline has passed: pending waits end in a Trap, the next fuel check throws one. */
  expire(): void {
    if (this.#reject !== undefined) this.#reject(this.trap());
    this.#expired = true;
    const f = this.onExpire;
    this.onExpire = undefined;
    f?.();
  }

  /**
   * The request is over (its guest returned, failed or was stopped): its pending sleeps are
   * cancelled and never settle, so whatever waited on them is collected with them.
   */
  end(): void {
    for (const cancel of [...this.#timers]) cancel();
  }

  /** @internal */
  addTimer(cancel: () => void): void {
    this.#timers.add(cancel);
  }

  /** @internal */
  removeTimer(cancel: () => void): void {
    this.#timers.delete(cancel);
  }

  /** `p`, unless the deadline comes first: then a Trap. */
  race<T>(p: Promise<T>): Promise<T> {
    if (this.#expired) return Promise.reject(this.trap());
    this.#expiry ??= new Promise<never>((_, reject) => { this.#reject = reject; });
    return Promise.race([p, this.#expiry]);
  }
}

/**
 * The deadlines of the requests in flight, on one timer instead of one each (a timer per
 * request was 2-3% of a small request's time on node:http, set and cleared): the timer is set
 * for the earliest deadline, and a request that ends leaves it set (it fires, finds nothing
 * due, and is set again for the next), so a request costs a list insertion and a removal. A
 * server's requests mostly arrive in the order of their deadlines, so insertion walks back from
 * the latest one a step or none.
 */
export class Deadlines {
  readonly #list: RequestContext[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #at = Infinity;

  get size(): number {
    return this.#list.length;
  }

  /** Expires `ctx` at its deadline, unless it is removed first. */
  add(ctx: RequestContext): void {
    const list = this.#list;
    let i = list.length;
    while (i > 0 && list[i - 1].deadline > ctx.deadline) i--;
    if (i === list.length) list.push(ctx);
    else list.splice(i, 0, ctx);
    if (i === 0) this.#arm();
    if (list.length === 1 && this.#timer !== undefined) hold(this.#timer, true);
  }

  /** `ctx` ended before its deadline (or was expired). */
  remove(ctx: RequestContext): void {
    const list = this.#list;
    // Requests mostly end in the order they started: look from the earliest.
    const i = list.indexOf(ctx);
    if (i < 0) return;
    if (i === 0) list.shift();
    else list.splice(i, 1);
    // Nothing to wait for: the timer stays set (one request at a time would otherwise set and
    // clear one each) but no longer keeps the process alive; it fires, finds nothing due, and
    // is not set again.
    if (list.length === 0 && this.#timer !== undefined) hold(this.#timer, false);
  }

  #arm(): void {
    const first = this.#list[0];
    if (first === undefined) return;
    if (this.#timer !== undefined && this.#at <= first.deadline) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#at = first.deadline;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, Math.ceil(first.deadline - performance.now())));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#at = Infinity;
    const now = performance.now();
    const list = this.#list;
    let n = 0;
    while (n < list.length && list[n].deadline <= now) n++;
    const due = list.splice(0, n);
    this.#arm();
    for (const ctx of due) ctx.expire();
  }
}

/** Whether a timer keeps the process alive (Node's `ref`/`unref`; browsers have neither). */
function hold(timer: ReturnType<typeof setTimeout>, alive: boolean): void {
  if (typeof timer !== 'object' || timer === null) return;
  if (alive) timer.ref();
  else timer.unref();
}

/** How long a guest may keep the thread before it is paused for the others (milliseconds). */
export const SLICE_MS = 10;

/** The request an instance is serving, and how long it has had the thread. */
export interface Occupied {
  /** Undefined while the instance is idle. */
  ctx: RequestContext | undefined;
  /** Whether it runs a request's `handle` now (only then may it be paused). */
  running: boolean;
  /** performance.now() when it last got the thread (started, or resumed after a wait or a pause). */
  sliceStart: number;
}

const Suspending = (WebAssembly as unknown as { Suspending?: new (f: () => Promise<number>) => WebAssembly.ImportValue }).Suspending;
const macrotask: (f: () => void) => void = typeof setImmediate === 'function' ? (f) => { setImmediate(f); } : (f) => { setTimeout(f, 0); };

/**
 * The imports of an instance's rewritten modules (src/serve/instrument.ts): `interrupt`, asked
 * every FUEL units of guest work, throws a Trap past the deadline, and answers 0 ("pause")
 * when the guest has had the thread for SLICE_MS and is at entry depth 1, where JSPI can
 * suspend it; `yield` suspends it until the event loop has run the others.
 */
export function interruptImports(slot: Occupied): { interrupt: (depth: number) => number; yield: WebAssembly.ImportValue } {
  const interrupt = (depth: number): number => {
    const ctx = slot.ctx;
    if (ctx === undefined) return FUEL;
    const now = performance.now();
    if (now >= ctx.deadline) {
      ctx.expire();
      throw ctx.trap();
    }
    if (depth === 1 && slot.running && Suspending !== undefined && now - slot.sliceStart >= SLICE_MS) return 0;
    return FUEL;
  };
  const pause = () => new Promise<number>((resolve) => macrotask(() => {
    slot.sliceStart = performance.now();
    resolve(FUEL);
  }));
  return { interrupt, yield: Suspending === undefined ? () => FUEL : new Suspending(pause) };
}

type AnyFn = (...args: unknown[]) => unknown;
type Imports = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** A host function that may wait, found in an import object. */
interface Waiting {
  readonly iface: string;
  readonly key: string;
  /** Calls it with the guest's arguments (a method's receiver first). */
  readonly call: AnyFn;
}

function methodsOf(cls: object): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (let p: object | null = (cls as { prototype?: object }).prototype ?? null; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const k of Object.getOwnPropertyNames(p)) {
      // Methods only: a getter would run on the prototype.
      const d = Object.getOwnPropertyDescriptor(p, k);
      if (!out.has(k) && k !== 'constructor' && d !== undefined && 'value' in d) out.set(k, d.value);
    }
  }
  return out;
}

/** Every host function in `imports` that may wait (marked with suspendingHost), as the runtime names it. */
export function waitingFunctions(imports: Imports): Waiting[] {
  const out: Waiting[] = [];
  for (const [iface, obj] of Object.entries(imports)) {
    for (const [key, v] of Object.entries(obj)) {
      if (typeof v !== 'function') continue;
      if (isSuspending(v)) out.push({ iface, key, call: v as AnyFn });
      // A resource class: its methods and statics that may wait, under their `[method]` names.
      for (const [m, f] of methodsOf(v)) {
        if (isSuspending(f) && !Object.hasOwn(obj, `[method]${key}.${m}`)) {
          out.push({ iface, key: `[method]${key}.${m}`, call: (self: unknown, ...args: unknown[]) => ((self as Record<string, AnyFn>)[m] as AnyFn)(...args) });
        }
      }
      for (const m of Object.getOwnPropertyNames(v)) {
        const f = Object.getOwnPropertyDescriptor(v, m)?.value;
        if (typeof f === 'function' && isSuspending(f) && !Object.hasOwn(obj, `[static]${key}.${m}`)) {
          out.push({ iface, key: `[static]${key}.${m}`, call: (...args: unknown[]) => (f as AnyFn).apply(v, args) });
        }
      }
    }
  }
  return out;
}

/**
 * The imports of one instance: `base`, with each waiting function replaced by one that races
 * its wait against the deadline of the request the instance serves.
 */
export function guardedImports(base: Imports, waiting: readonly Waiting[], slot: Occupied): Imports {
  if (waiting.length === 0) return base;
  const out: Record<string, Record<string, unknown>> = { ...base };
  for (const w of waiting) {
    let obj = out[w.iface];
    if (obj === base[w.iface]) out[w.iface] = obj = { ...base[w.iface] };
    const call = w.call;
    obj[w.key] = suspendingHost((...args: unknown[]) => {
      const ctx = slot.ctx;
      if (ctx !== undefined && ctx.expired) throw ctx.trap();
      let r: unknown;
      calling = ctx;
      try {
        r = call(...args);
      } finally {
        calling = undefined;
      }
      if (ctx === undefined || !(r instanceof Promise)) return r;
      // The guest waited: others had the thread meanwhile, its time slice starts again.
      return ctx.race(r).finally(() => { slot.sliceStart = performance.now(); });
    });
  }
  return out;
}

/**
 * The clocks' `sleepAsync` for guests (a pollable of wasi:clocks waits on it). A sleep started
 * while a guest calls a waiting function belongs to that guest's request, and is cancelled
 * when the request ends: a guest stopped at its deadline in `sleep 1 day` leaves no timer
 * behind (nor a process that cannot exit).
 */
export function sleepAsync(ns: bigint, signal?: AbortSignal): Promise<void> {
  const owner = calling;
  return new Promise<void>((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = setTimeout(done, Math.ceil(Number(ns) / 1e6));
    const cancel = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      owner?.removeTimer(cancel);
    };
    function done() {
      cancel();
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
    owner?.addTimer(cancel);
  });
}
