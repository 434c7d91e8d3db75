// createHandler: a wasi:http/proxy component as a function from a standard Request to a
// standard Response, so any server can host it through a thin adapter (src/serve/node-server.ts
// for node:http). The component is compiled and linked once; each request runs in an instance
// of its own (or, opted into, one reused a bounded number of times, as wasmtime's
// --max-instance-reuse-count), under the server's limits: a deadline, a memory cap, a cap on
// concurrent requests with a bounded line behind it, and caps on body sizes. A guest that
// traps, hangs or overruns a limit costs its own request, never another's.
import { Trap } from '../core/errors.ts';
import { instantiateComponent } from '../component/link/index.ts';
import { defaultClocks } from '../wasi/shared/clocks.ts';
import { WasiP2, type WasiP2Options } from '../wasi/p2/host.ts';
import { IoError } from '../wasi/p2/io/error.ts';
import type { IoContext } from '../wasi/p2/io/poll.ts';
import { type OutgoingResponse, ResponseOutparam } from '../wasi/p2/http/types.ts';
import type { HttpErrorCode } from '../wasi/p2/http/transport.ts';
import type { Result } from '../wasi/p2/result.ts';
import { guardedImports, interruptImports, type Occupied, RequestContext, sleepAsync, waitingFunctions } from './context.ts';
import { Busy, Gate } from './gate.ts';
import { type PreparedGuest, prepareGuest } from './guest.ts';
import { incomingRequest } from './incoming.ts';
import { HOST_MODULE, INTERRUPT, type MemorySlot, YIELD } from './instrument.ts';
import { MemoryPool } from './memory-pool.ts';
import { type BodyOutcome, responseOf } from './outgoing.ts';

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
  /** Requests one instance serves (default 1: a fresh instance per request). */
  readonly maxInstanceReuse?: number;
}

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
  /** Called once per request, when its response has been sent or has failed. */
  readonly log?: (entry: AccessLogEntry) => void;
}

export interface Handler {
  (request: Request): Promise<Response>;
  /** Requests running or waiting. */
  readonly inFlight: number;
  /** Stops taking requests (503 from now on); settles when those in flight are done. */
  drain(): Promise<void>;
}

type HandleFn = (request: unknown, out: unknown) => Promise<unknown>;

interface Instance extends Occupied {
  readonly handle: HandleFn;
  readonly memories: { readonly slot: MemorySlot; readonly memory: WebAssembly.Memory }[];
  uses: number;
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
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
    : await prepareGuest(component instanceof Uint8Array ? component : new Uint8Array(component), { maxMemoryPages: maxPages });
  const clocks = { ...defaultClocks(), sleepAsync, ...options.wasi?.clocks };
  const wasi = new WasiP2({ ...options.wasi, clocks, jspi: true });
  const io: IoContext = { clocks, jspi: true };
  const base: Record<string, Readonly<Record<string, unknown>>> = { ...wasi.importsFor(guest.compiled) as Record<string, Readonly<Record<string, unknown>>>, ...options.imports };
  const waiting = waitingFunctions(base);
  const pool = new MemoryPool(maxConcurrency + 4);
  const gate = new Gate(maxConcurrency, limits.maxQueue ?? 256, deadlineMs);
  const idle: Instance[] = [];
  const log = options.log ?? (() => undefined);
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  async function instantiate(ctx: RequestContext): Promise<Instance> {
    const memories: { slot: MemorySlot; memory: WebAssembly.Memory }[] = [];
    const inst: Instance = { ctx, running: false, sliceStart: 0, handle: undefined as unknown as HandleFn, memories, uses: 0 };
    const interrupt = interruptImports(inst);
    const { exports } = await instantiateComponent(guest.compiled, guardedImports(base, waiting, inst), {
      jspi: true,
      coreImports: (module) => {
        const needs = guest.needs.get(module);
        if (needs === undefined) return undefined;
        const host: Record<string, WebAssembly.ImportValue> = {};
        if (needs.interrupt) {
          host[INTERRUPT] = interrupt.interrupt;
          host[YIELD] = interrupt.yield;
        }
        for (const slot of needs.memories) {
          const memory = pool.take(slot);
          memories.push({ slot, memory });
          host[slot.name] = memory;
        }
        return { [HOST_MODULE]: host };
      },
    });
    const handler = (exports[guest.handlerExport] as Record<string, unknown> | undefined)?.handle;
    if (typeof handler !== 'function') throw new Error(`${guest.handlerExport} has no handle function`);
    return Object.assign(inst, { handle: handler as HandleFn });
  }

  // Linked once now, so a missing import is a start-up error; the instance serves first.
  const startup = new RequestContext(performance.now() + deadlineMs);
  const first = await instantiate(startup);
  first.ctx = undefined;
  idle.push(first);

  /** After a request: the instance is kept for the next (reuse), or its memories are. */
  function release(inst: Instance, normal: boolean): void {
    inst.ctx = undefined;
    if (normal && inst.uses < maxReuse && !draining) {
      idle.push(inst);
      return;
    }
    if (normal) for (const m of inst.memories) pool.give(m.slot, m.memory);
  }

  function done(): void {
    inFlight--;
    if (inFlight === 0 && drained !== undefined) drained();
  }

  async function handle(request: Request): Promise<Response> {
    const started = performance.now();
    let path = '/';
    try {
      const u = new URL(request.url);
      path = u.pathname + u.search;
    } catch { /* logged as / */ }
    let logged = false;
    const finish = (status: number, bytes: number, note?: string) => {
      if (logged) return;
      logged = true;
      log({ method: request.method, path, status, bytes, durationMs: performance.now() - started, ...(note === undefined ? {} : { note }) });
    };
    const refuse = (status: number, body: string, note: string): Response => {
      finish(status, body.length, note);
      return text(status, body);
    };
    if (draining) return refuse(503, 'the server is shutting down\n', 'shutting down');
    const declared = request.headers.get('content-length');
    if (declared !== null && Number(declared) > maxRequestBody) {
      void request.body?.cancel().catch(() => undefined);
      return refuse(413, `the request body is larger than ${maxRequestBody} bytes\n`, 'request body too large');
    }
    inFlight++;
    try {
      const wait = gate.enter();
      if (wait !== undefined) await wait;
    } catch (e) {
      done();
      if (e instanceof Busy) return refuse(503, 'the server is busy, try again\n', e.message);
      throw e;
    }
    return run(request, started, finish);
  }

  async function run(request: Request, started: number, finish: (status: number, bytes: number, note?: string) => void): Promise<Response> {
    const ctx = new RequestContext(started + deadlineMs);
    const timer = setTimeout(() => ctx.expire(), Math.max(0, ctx.deadline - performance.now()));
    let inst: Instance;
    try {
      inst = idle.pop() ?? await instantiate(ctx);
    } catch (e) {
      clearTimeout(timer);
      gate.leave();
      done();
      finish(500, 0, `instantiation failed: ${describe(e)}`);
      return text(500, 'the component could not be instantiated\n');
    }
    inst.ctx = ctx;
    inst.uses++;
    const incoming = incomingRequest(io, request, maxRequestBody);
    let settle: (r: Response) => void = () => undefined;
    const response = new Promise<Response>((resolve) => { settle = resolve; });
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
      settle(responseOf(r.val, {
        maxBodyBytes: maxResponseBody,
        guestDone,
        onBody: (o: BodyOutcome) => finish(status, o.bytes, o.error === undefined ? undefined : `body: ${describe(o.error)}`),
      }));
    });
    ctx.onExpire = () => answer(503, 'the request ran past its deadline\n', `deadline of ${deadlineMs} ms`);
    const ended = (normal: boolean) => {
      clearTimeout(timer);
      ctx.end();
      ctx.onExpire = undefined;
      incoming.body.cancel();
      // A body the guest neither finished nor dropped is cut off: nothing will finish it now.
      const pipe = outgoing?.target.body?.pipe;
      if (pipe !== undefined && !pipe.ended) pipe.abort(new IoError('the handler returned without finishing the response body'));
      release(inst, normal);
      gate.leave();
      done();
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

  return Object.assign(handle, {
    get inFlight() {
      return inFlight;
    },
    drain(): Promise<void> {
      draining = true;
      idle.length = 0;
      if (inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => { drained = resolve; });
    },
  });
}
