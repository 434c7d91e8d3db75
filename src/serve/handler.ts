// createHandler: a wasi:http/proxy component as a function from a standard Request to a
// standard Response, so any server can host it through a thin adapter; its core, `serve`,
// takes and gives the same without web objects (src/serve/exchange.ts), which is how the
// node:http adapter (src/serve/node-server.ts) reaches it. The component is compiled and linked once; each request runs in an instance
// as it was right after instantiation: by default one put back exactly in that state after its
// last request (src/serve/reset.ts), else a new one (isolation 'fresh', or a guest whose state
// cannot be reset); opted into, one instance serves a bounded number of requests before that
// (as wasmtime's --max-instance-reuse-count). A few instances are made ahead of requests, off
// their path. Requests run under the server's limits: a deadline, a memory cap, a cap on
// concurrent requests with a bounded line behind it, and caps on body sizes. A guest that
// traps, hangs or overruns a limit costs its own request (and its instance), never another's.
import { Trap } from '../core/errors.ts';
import { initialState, instantiateComponent } from '../component/link/index.ts';
import { defaultClocks } from '../wasi/shared/clocks.ts';
import { WasiP2, type WasiP2Options } from '../wasi/p2/host.ts';
import { IoError } from '../wasi/p2/io/error.ts';
import type { IoContext } from '../wasi/p2/io/poll.ts';
import { type OutgoingResponse, ResponseOutparam } from '../wasi/p2/http/types.ts';
import type { HttpErrorCode } from '../wasi/p2/http/transport.ts';
import type { Result } from '../wasi/p2/result.ts';
import { Deadlines, guardedImports, interruptImports, type Occupied, RequestContext, sleepAsync, waitingFunctions } from './context.ts';
import { Admission, type Admitted } from './admission.ts';
import { hostCoreImports, isServiceExport, type PreparedGuest, prepareGuest } from './guest.ts';
import { createServiceHandler } from './service-p3.ts';
import type { Answer, Exchange } from './exchange.ts';
import { exchangeOf, incomingRequest } from './incoming.ts';
import type { MemorySlot } from './instrument.ts';
import { MemoryPool } from './memory-pool.ts';
import { type CoreRecord, ImageCache, Snapshot } from './reset.ts';
import { type BodyOutcome, GuestBody, webResponse } from './outgoing.ts';

const MiB = 1 << 20;

export interface ServeLimits {
  /** Bytes one memory of an instance may grow to (default 128 MiB). */
  readonly maxMemoryBytes?: number;
  /** Milliseconds a request's guest may run, waits included (default 30 000). */
  readonly deadlineMs?: number;
  /** Requests running at once (default 64). */
  readonly maxConcurrency?: number;
  /** Requests waiting for a slot; more are answered 503 at once (default 256). */
  readonly maxQueue?: number;
  /** Request body bytes (default 16 MiB): 413 when Content-Length says more, a failed read past it. */
  readonly maxRequestBodyBytes?: number;
  /** Response body bytes (default 256 MiB); more cut the response off. */
  readonly maxResponseBodyBytes?: number;
  /**
   * Requests one instance serves one after the other, its state kept between them (default
   * 1: every request starts from the state right after instantiation).
   */
  readonly maxInstanceReuse?: number;
  /** Instances made ahead of requests, off their path (default min(maxConcurrency, 16)). */
  readonly readyInstances?: number;
  /**
   * Requests one instance of a 0.3 wasi:http/service serves at the same time (default 16; its
   * maxInstanceReuse defaults to 128): src/serve/service-p3.ts.
   */
  readonly maxInstanceConcurrentReuse?: number;
}

/**
 * How a request gets an instance as it was right after instantiation: 'reset' (default) puts
 * the instance back into that state after a request, when it can be done exactly, and makes a
 * new one otherwise; 'fresh' makes a new instance for every request (or every
 * maxInstanceReuse requests).
 */
export type Isolation = 'reset' | 'fresh';

/**
 * How requests in effect get their instances: 'reset' or 'fresh' (and why it is 'fresh' when
 * 'reset' was asked for), or 'shared' for a 0.3 wasi:http/service, whose instances serve up to
 * `concurrent` requests at once and `reuse` in all, their state kept (src/serve/service-p3.ts).
 */
export type IsolationReport =
  | { readonly mode: Isolation; readonly why?: string }
  | { readonly mode: 'shared'; readonly concurrent: number; readonly reuse: number; readonly why: string };

/** One line of the access log. */
export interface AccessLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Response body bytes sent. */
  readonly bytes: number;
  readonly durationMs: number;
  /** Why the request did not end normally: a trap, the deadline, a limit, a full line. */
  readonly note?: string;
}

export interface HandlerOptions {
  /** The WASI 0.2 host the guest sees (environment, output, outgoing network); waits always use JSPI. */
  readonly wasi?: Omit<WasiP2Options, 'jspi'>;
  /** More imports by interface name (wasi:keyvalue, wasi:config: src/serve/capabilities). */
  readonly imports?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly limits?: ServeLimits;
  /** 'reset' (default) or 'fresh': see Isolation. */
  readonly isolation?: Isolation;
  /** Called once per request, when its response has been sent or has failed. */
  readonly log?: (entry: AccessLogEntry) => void;
}

export interface Handler {
  (request: Request): Promise<Response>;
  /**
   * The same without web objects: a request as an adapter received it, and the answer to
   * send (src/serve/exchange.ts; the node:http adapter serves this way when it is there).
   */
  readonly serve?: (exchange: Exchange) => Promise<Answer>;
  /** Requests running or waiting. */
  readonly inFlight: number;
  /** Stops taking requests (503 from now on); settles when those in flight are done. */
  drain(): Promise<void>;
  /** The isolation in effect: IsolationReport. */
  readonly isolation: IsolationReport;
  /** Instances made, resets done, instances discarded (the last reason kept), so far. */
  readonly stats: { readonly instantiated: number; readonly resets: number; readonly discarded: number; readonly lastDiscard?: string };
}

type HandleFn = (request: unknown, out: unknown) => Promise<unknown>;

interface Instance extends Occupied {
  readonly handle: HandleFn;
  readonly memories: { readonly slot: MemorySlot; readonly memory: WebAssembly.Memory }[];
  uses: number;
  /** How to put it back as instantiated; undefined: it cannot be (isolation 'fresh', or why it cannot). */
  snapshot: Snapshot | undefined;
  /** Why it cannot be reset, when asked to and it cannot. */
  unresettable?: string;
}

function text(status: number, body: string): Answer {
  return { kind: 'host', status, text: body };
}

function describe(e: unknown): string {
  if (e instanceof Trap) return `trap: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  if (e instanceof IoError) return e.message;
  return String(e);
}

function errorCodeText(code: HttpErrorCode): string {
  return code.val === undefined ? code.tag : `${code.tag}(${typeof code.val === 'object' ? JSON.stringify(code.val, (_, v: unknown) => typeof v === 'bigint' ? Number(v) : v) : String(code.val)})`;
}

/**
 * A handler for the wasi:http component `component` (its bytes, or a PreparedGuest). Throws
 * at once what would fail every request: an invalid component, one that does not export
 * wasi:http/incoming-handler, an import the host cannot satisfy (LinkError), a memory larger
 * at start than the cap.
 */
export async function createHandler(component: Uint8Array | ArrayBuffer | PreparedGuest, options: HandlerOptions = {}): Promise<Handler> {
  const limits = options.limits ?? {};
  const deadlineMs = limits.deadlineMs ?? 30_000;
  const maxConcurrency = limits.maxConcurrency ?? 64;
  const maxReuse = Math.max(1, limits.maxInstanceReuse ?? 1);
  const maxRequestBody = limits.maxRequestBodyBytes ?? 16 * MiB;
  const maxResponseBody = limits.maxResponseBodyBytes ?? 256 * MiB;
  const maxPages = Math.max(1, Math.floor((limits.maxMemoryBytes ?? 128 * MiB) / 65536));
  const guest = 'compiled' in component ? component
    // Instances that are never reset need neither their state exported nor their writes marked.
    : await prepareGuest(component instanceof Uint8Array ? component : new Uint8Array(component), { maxMemoryPages: maxPages, resettable: options.isolation !== 'fresh' });
  if (isServiceExport(guest.handlerExport)) return createServiceHandler(guest, options);
  const clocks = { ...defaultClocks(), sleepAsync, ...options.wasi?.clocks };
  const wasi = new WasiP2({ ...options.wasi, clocks, jspi: true });
  const io: IoContext = { clocks, jspi: true };
  const base: Record<string, Readonly<Record<string, unknown>>> = { ...wasi.importsFor(guest.compiled) as Record<string, Readonly<Record<string, unknown>>>, ...options.imports };
  const waiting = waitingFunctions(base);
  const pool = new MemoryPool(maxConcurrency + 4);
  const admission = new Admission({ maxConcurrency, maxQueue: limits.maxQueue ?? 256, deadlineMs, maxRequestBody }, options.log);
  const deadlines = new Deadlines();
  const readyTarget = Math.max(0, Math.min(limits.readyInstances ?? Math.min(maxConcurrency, 16), maxConcurrency));
  // Instances in their state right after instantiation (new or reset), and instances part
  // way through their maxInstanceReuse requests (taken first, so one serves its requests in
  // a row).
  const ready: Instance[] = [];
  const reused: Instance[] = [];
  const images = new ImageCache();
  let isolation: Isolation = options.isolation ?? 'reset';
  let why: string | undefined = isolation === 'reset' ? guest.unresettable : undefined;
  if (why !== undefined) isolation = 'fresh';
  const stats = { instantiated: 0, resets: 0, discarded: 0, lastDiscard: undefined as string | undefined };
  let warming = 0;
  let warmFailed = false;

  async function instantiate(ctx: RequestContext): Promise<Instance> {
    const memories: { slot: MemorySlot; memory: WebAssembly.Memory }[] = [];
    const inst: Instance = { ctx, running: false, sliceStart: 0, handle: undefined as unknown as HandleFn, memories, uses: 0, snapshot: undefined };
    const interrupt = interruptImports(inst);
    const resetting = isolation === 'reset';
    const cores: CoreRecord[] = [];
    let given: WebAssembly.Memory[] = [];
    const instance = await instantiateComponent(guest.compiled, guardedImports(base, waiting, inst), {
      jspi: true,
      coreImports: (module, args) => {
        given = [];
        return hostCoreImports(guest.needs.get(module), interrupt, (slot) => {
          const memory = pool.take(slot);
          memories.push({ slot, memory });
          given.push(memory);
          return memory;
        }, args, pool);
      },
      ...(resetting ? { coreInstance: (module: WebAssembly.Module, core: WebAssembly.Instance) => {
        cores.push({ instance: core, state: guest.needs.get(module)?.state, memories: given });
        given = [];
      } } : {}),
    });
    stats.instantiated++;
    const handler = (instance.exports[guest.handlerExport] as Record<string, unknown> | undefined)?.handle;
    if (typeof handler !== 'function') throw new Error(`${guest.handlerExport} has no handle function`);
    if (resetting) {
      // Before any export is called: the state every request must start from.
      const snap = Snapshot.capture(cores, initialState(instance), images);
      if (typeof snap === 'string') inst.unresettable = snap;
      else inst.snapshot = snap;
    }
    return Object.assign(inst, { handle: handler as HandleFn });
  }

  // Linked once now, so a missing import is a start-up error; the instance serves first.
  const first = await instantiate(new RequestContext(performance.now() + deadlineMs));
  first.ctx = undefined;
  if (isolation === 'reset' && first.snapshot === undefined) {
    isolation = 'fresh';
    why = first.unresettable;
  }
  ready.push(first);
  warm();

  /** Makes instances ahead of requests, in the background, until `readyTarget` are ready. */
  function warm(): void {
    while (!admission.draining && !warmFailed && ready.length + warming < readyTarget) {
      warming++;
      instantiate(new RequestContext(performance.now() + deadlineMs)).then((inst) => {
        warming--;
        inst.ctx = undefined;
        if (admission.draining) discard(inst, true, undefined);
        else ready.push(inst);
      }, () => {
        // Not on a request's path: the next request instantiates (and reports) itself.
        warming--;
        warmFailed = true;
      });
    }
  }

  function discard(inst: Instance, normal: boolean, reason: string | undefined): void {
    stats.discarded++;
    if (reason !== undefined) stats.lastDiscard = reason;
    // A trapped or stopped instance's memories are not kept (a suspended stack may still hold them).
    if (normal) for (const m of inst.memories) pool.give(m.slot, m.memory);
  }

  /**
   * After a request: the instance is kept for its next request (reuse), or put back as
   * instantiated (reset), or discarded and replaced in the background.
   */
  function release(inst: Instance, normal: boolean): void {
    inst.ctx = undefined;
    if (!normal) {
      discard(inst, false, 'the request failed');
    } else if (admission.draining) {
      discard(inst, true, undefined);
    } else if (inst.uses < maxReuse) {
      reused.push(inst);
      return;
    } else if (inst.snapshot !== undefined) {
      const no = inst.snapshot.reset();
      if (no === undefined) {
        inst.uses = 0;
        stats.resets++;
        ready.push(inst);
        return;
      }
      discard(inst, true, no);
    } else {
      discard(inst, true, inst.unresettable);
    }
    warm();
  }

  async function handle(request: Request): Promise<Response> {
    return webResponse(await serve(exchangeOf(request)));
  }

  async function serve(exchange: Exchange): Promise<Answer> {
    let admitted = admission.admit(exchange);
    if (admitted instanceof Promise) admitted = await admitted;
    if (admitted.kind !== 'admitted') return admitted;
    return run(exchange, admitted);
  }

  async function run(exchange: Exchange, { started, finish }: Admitted): Promise<Answer> {
    const ctx = new RequestContext(started + deadlineMs);
    deadlines.add(ctx);
    let inst: Instance;
    try {
      const next = reused.pop() ?? ready.pop();
      if (next === undefined || ready.length + warming < readyTarget) warm();
      inst = next ?? await instantiate(ctx);
    } catch (e) {
      deadlines.remove(ctx);
      admission.leave();
      finish(500, 0, `instantiation failed: ${describe(e)}`);
      return text(500, 'the component could not be instantiated\n');
    }
    inst.ctx = ctx;
    inst.uses++;
    const incoming = incomingRequest(io, exchange, maxRequestBody);
    let settle: (r: Answer) => void = () => undefined;
    const response = new Promise<Answer>((resolve) => { settle = resolve; });
    let responded = false;
    let outgoing: OutgoingResponse | undefined;
    // Settles when the guest has finished running (`handle` returned or failed).
    let guestFinished: () => void = () => undefined;
    const guestDone = new Promise<void>((resolve) => { guestFinished = resolve; });
    const answer = (status: number, body: string, note: string) => {
      if (responded) return;
      responded = true;
      finish(status, body.length, note);
      settle(text(status, body));
    };
    const outparam = new ResponseOutparam((r: Result<OutgoingResponse, HttpErrorCode>) => {
      if (responded) return; // the deadline answered first
      if (r.tag === 'err') {
        answer(500, 'the component failed to answer\n', `error-code: ${errorCodeText(r.val)}`);
        return;
      }
      const status = r.val.target.status;
      if (status < 200 || status > 599) {
        answer(502, 'the component answered with an invalid status\n', `status ${status}`);
        return;
      }
      responded = true;
      outgoing = r.val;
      settle({
        kind: 'guest',
        status,
        headers: r.val.target.headers.list,
        body: new GuestBody(r.val, {
          maxBodyBytes: maxResponseBody,
          guestDone,
          onBody: (o: BodyOutcome) => finish(status, o.bytes, o.error === undefined ? undefined : `body: ${describe(o.error)}`),
        }),
      });
    });
    ctx.onExpire = () => answer(503, 'the request ran past its deadline\n', `deadline of ${deadlineMs} ms`);
    const ended = (normal: boolean) => {
      deadlines.remove(ctx);
      ctx.end();
      ctx.onExpire = undefined;
      incoming.body.cancel();
      // A body the guest neither finished nor dropped is cut off: nothing will finish it now.
      const pipe = outgoing?.target.body?.pipe;
      if (pipe !== undefined && !pipe.ended) pipe.abort(new IoError('the handler returned without finishing the response body'));
      release(inst, normal);
      admission.leave();
    };
    inst.running = true;
    inst.sliceStart = performance.now();
    inst.handle(incoming.resource, outparam).then(() => {
      inst.running = false;
      guestFinished();
      answer(500, 'the component did not answer\n', 'no response set');
      ended(true);
    }, (e: unknown) => {
      inst.running = false;
      guestFinished();
      if (ctx.expired) answer(503, 'the request ran past its deadline\n', `deadline of ${deadlineMs} ms`);
      else answer(500, 'the component failed\n', describe(e));
      const pipe = outgoing?.target.body?.pipe;
      if (pipe !== undefined && !pipe.ended) pipe.abort(e instanceof Trap ? new IoError(`the component failed: ${e.message}`) : e);
      ended(false);
    });
    return response;
  }

  // Getters are defined, not assigned (Object.assign would copy their values once).
  return Object.defineProperties(handle, {
    serve: { value: serve },
    inFlight: { get: () => admission.inFlight },
    isolation: { get: () => (why === undefined ? { mode: isolation } : { mode: isolation, why }) },
    stats: { get: () => ({ ...stats }) },
    drain: {
      value: (): Promise<void> => {
        const drained = admission.drain();
        ready.length = 0;
        reused.length = 0;
        return drained;
      },
    },
  }) as Handler;
}
