// createHandler for a `wasi:http/service` component (WASI 0.3: it exports
// `wasi:http/handler@0.3.x`, whose `handle` is an async function). Its core, `serve`, takes an
// Exchange and gives an Answer (src/serve/exchange.ts), as handler.ts's does, so the node:http
// adapter reaches it without web objects; the function over a standard Request and Response
// is that core too. The request becomes the 0.3 `request` resource (its body a stream<u8> the
// guest reads as the client sends it, its trailers a future), and the `response` the guest
// returns the answer (its body stream read as the client takes it, its trailers future sent
// after it): src/serve/service-p3-body.ts. Admission is handler.ts's (src/serve/admission.ts).
//
// The export is async, so one instance may serve several requests at once, each a task of its
// own (https://github.com/WebAssembly/WASI/blob/v0.3.0/proposals/http/wit/worlds.wit, "Concurrent
// instance reuse"): an instance takes up to `maxInstanceConcurrentReuse` requests at a time and
// `maxInstanceReuse` in all, then is retired (wasmtime serve's
// --max-instance-concurrent-reuse-count and --max-instance-reuse-count, with its defaults for
// 0.3 components: 16 and 128). The server's other limits are the 0.2 path's (handler.ts): the
// concurrency cap and its queue, body sizes, the memory cap and the deadline.
//
// What instances share, they share in failure: a trap ends every request in flight on that
// instance (500) and the instance is discarded; requests on other instances go on. A request
// past its deadline gets 503 (or its body is cut off) and its instance takes no more requests;
// the instance's guest code may run until the latest deadline of its requests, after which the
// fuel check traps it (src/serve/context.ts), and its pending sleeps are cancelled once it is
// dropped.
import { ComponentError, Trap } from '../core/errors.ts';
import { instantiateComponent } from '../component/link/index.ts';
import { defaultClocks } from '../wasi/shared/clocks.ts';
import type { HttpErrorCode } from '../wasi/p2/http/transport.ts';
import { WasiP3 } from '../wasi/p3/host.ts';
import { Fields, Request as P3Request, type Response as P3Response } from '../wasi/p3/http/index.ts';
import { type Occupied, RequestContext } from './context.ts';
import { Admission, type Admitted } from './admission.ts';
import { hostCoreImports, type PreparedGuest } from './guest.ts';
import type { Handler, HandlerOptions, IsolationReport, ServeLimits } from './handler.ts';
import type { Answer, Exchange } from './exchange.ts';
import { exchangeOf } from './incoming.ts';
import type { MemorySlot } from './instrument.ts';
import { interruptImports } from './context.ts';
import { MemoryPool } from './memory-pool.ts';
import { webResponse } from './outgoing.ts';
import { errorCodeText, requestBody, ServiceBody } from './service-p3-body.ts';

const MiB = 1 << 20;

/** wasmtime serve's defaults for a 0.3 component. */
export const DEFAULT_INSTANCE_REUSE = 128;
export const DEFAULT_INSTANCE_CONCURRENT_REUSE = 16;

type Handle = (request: P3Request) => Promise<P3Response>;

/** The limits, with the one only a 0.3 service has (ServeLimits carries it too). */
type ServiceLimits = ServeLimits & {
  /** Requests one instance serves at the same time (default 16). */
  readonly maxInstanceConcurrentReuse?: number;
};

/** One request on an instance. */
interface Flight {
  /**
   * Ends the request with a plain answer (or cuts its body off if the answer began);
   * `lingering`: its guest work may still be running.
   */
  fail(status: number, body: string, note: string, lingering?: boolean): void;
  readonly ctx: RequestContext;
}

interface Instance extends Occupied {
  handle: Handle | undefined;
  readonly ready: Promise<void>;
  readonly memories: { readonly slot: MemorySlot; readonly memory: WebAssembly.Memory }[];
  /** Sleeps of the guest still pending: cancelled (never settled) when the instance is dropped. */
  readonly timers: Set<() => void>;
  readonly active: Set<Flight>;
  /** Requests past their deadline whose guest work may still be running. */
  lingering: number;
  uses: number;
  /** Takes no new requests (reuse count reached, a deadline passed, draining). */
  retired: boolean;
  /** Trapped (or failed to instantiate): discarded, its memories are not reused. */
  broken: boolean;
}

function describe(e: unknown): string {
  if (e instanceof Trap) return `trap: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** A handler for a prepared `wasi:http/service` guest (createHandler routes here). */
export async function createServiceHandler(guest: PreparedGuest, options: HandlerOptions = {}): Promise<Handler> {
  const limits: ServiceLimits = options.limits ?? {};
  const deadlineMs = limits.deadlineMs ?? 30_000;
  const maxConcurrency = limits.maxConcurrency ?? 64;
  const maxReuse = Math.max(1, limits.maxInstanceReuse ?? DEFAULT_INSTANCE_REUSE);
  const maxShared = Math.max(1, limits.maxInstanceConcurrentReuse ?? DEFAULT_INSTANCE_CONCURRENT_REUSE);
  const maxRequestBody = limits.maxRequestBodyBytes ?? 16 * MiB;
  const maxResponseBody = limits.maxResponseBodyBytes ?? 256 * MiB;
  const w = options.wasi ?? {};
  const pool = new MemoryPool(Math.ceil(maxConcurrency / maxShared) + 4);
  const admission = new Admission({ maxConcurrency, maxQueue: limits.maxQueue ?? 256, deadlineMs, maxRequestBody }, options.log);
  const instances: Instance[] = [];
  const stats = { instantiated: 0, resets: 0, discarded: 0, lastDiscard: undefined as string | undefined };

  function create(): Instance {
    const timers = new Set<() => void>();
    // The guest's sleeps (wasi:clocks wait-for), tracked so a dropped instance leaves none behind.
    const sleepAsync = (ns: bigint): Promise<void> => new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(cancel);
        resolve();
      }, Math.ceil(Number(ns) / 1e6));
      const cancel = () => clearTimeout(timer);
      timers.add(cancel);
    });
    const wasi = new WasiP3({
      args: w.args, env: w.env, cwd: w.cwd, stdout: w.stdout, stderr: w.stderr, random: w.random,
      allowNet: w.allowNet, http: w.http,
      clocks: { ...defaultClocks(), ...w.clocks, sleepAsync },
    });
    const inst: Instance = {
      ctx: undefined, running: false, sliceStart: 0, handle: undefined, ready: Promise.resolve(), memories: [], timers,
      active: new Set(), lingering: 0, uses: 0, retired: false, broken: false,
    };
    const interrupt = interruptImports(inst);
    const ready = instantiateComponent(guest.compiled, { ...wasi.importsFor(guest.compiled), ...options.imports }, {
      jspi: true,
      coreImports: (module, args) => hostCoreImports(guest.needs.get(module), interrupt, (slot) => {
        const memory = pool.take(slot);
        inst.memories.push({ slot, memory });
        return memory;
      }, args, pool),
    }).then(({ exports }) => {
      const handle = (exports[guest.handlerExport] as Record<string, unknown> | undefined)?.handle;
      if (typeof handle !== 'function') throw new Error(`${guest.handlerExport} has no handle function`);
      inst.handle = handle as Handle;
    });
    Object.assign(inst, { ready });
    instances.push(inst);
    stats.instantiated++;
    return inst;
  }

  /** The instance leaves the server: its sleeps are cancelled, its memories kept if it is clean. */
  function drop(inst: Instance): void {
    const at = instances.indexOf(inst);
    if (at < 0) return;
    instances.splice(at, 1);
    for (const cancel of inst.timers) cancel();
    inst.timers.clear();
    inst.ctx = undefined;
    if (!inst.broken && inst.lingering === 0) for (const m of inst.memories) pool.give(m.slot, m.memory);
    else {
      stats.discarded++;
      stats.lastDiscard = inst.broken ? 'it failed' : 'a request ran past its deadline';
    }
  }

  function settleInstance(inst: Instance): void {
    if (inst.active.size === 0 && inst.lingering === 0) inst.ctx = undefined;
    if ((inst.retired || inst.broken || admission.draining) && inst.active.size === 0) drop(inst);
  }

  /** A trap (or a failure to instantiate): every request on the instance ends, the instance goes. */
  function breakInstance(inst: Instance, cause: Flight | undefined, why: string): void {
    if (inst.broken) return;
    inst.broken = true;
    inst.retired = true;
    for (const f of [...inst.active]) if (f !== cause) f.fail(500, 'the component failed\n', `its instance failed in another request: ${why}`);
    settleInstance(inst);
  }

  function pick(): Instance {
    for (const inst of instances) {
      if (!inst.retired && !inst.broken && inst.active.size < maxShared && inst.uses < maxReuse) return inst;
    }
    return create();
  }

  // Linked once now, so a missing import is a start-up error; that instance serves first.
  await create().ready;

  async function handle(request: Request): Promise<Response> {
    return webResponse(await serve(exchangeOf(request)));
  }

  async function serve(exchange: Exchange): Promise<Answer> {
    let admitted = admission.admit(exchange);
    if (admitted instanceof Promise) admitted = await admitted;
    if (admitted.kind !== 'admitted') return admitted;
    return run(exchange, admitted);
  }

  function run(exchange: Exchange, { started, finish }: Admitted): Promise<Answer> {
    const inst = pick();
    inst.uses++;
    if (inst.uses >= maxReuse) inst.retired = true;
    const ctx = new RequestContext(started + deadlineMs);
    // The instance's fuel check stops its guest at the latest deadline of its requests.
    inst.ctx = ctx;
    const body = requestBody(exchange, maxRequestBody);
    let settle!: (r: Answer) => void;
    const response = new Promise<Answer>((resolve) => { settle = resolve; });
    let answered = false;
    let ended = false;
    /** The answer's body, once it began: cut off when the request fails. */
    let sending: ServiceBody | undefined;
    const end = (normal: boolean) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      body.cancel();
      inst.active.delete(flight);
      if (!normal) inst.lingering++;
      admission.leave();
      settleInstance(inst);
    };
    const answer = (status: number, message: string, note: string) => {
      if (answered) return;
      answered = true;
      finish(status, message.length, note);
      settle({ kind: 'host', status, text: message });
    };
    const flight: Flight = {
      ctx,
      fail(status, message, note, lingering = true) {
        if (answered) {
          finish(status, 0, note);
          sending?.cut(new Error(note));
        } else answer(status, message, note);
        end(!lingering);
      },
    };
    inst.active.add(flight);
    const timer = setTimeout(() => {
      ctx.expire();
      // The guest may still be at it: its instance takes no more requests.
      inst.retired = true;
      flight.fail(503, 'the request ran past its deadline\n', `deadline of ${deadlineMs} ms`);
    }, deadlineMs);

    void (async () => {
      try {
        await inst.ready;
      } catch (e) {
        breakInstance(inst, flight, describe(e));
        flight.fail(500, 'the component could not be instantiated\n', `instantiation failed: ${describe(e)}`);
        return;
      }
      const incoming = P3Request.incoming({
        method: exchange.method,
        scheme: exchange.scheme,
        authority: exchange.authority,
        path: exchange.path,
        headers: new Fields([...exchange.headers()]),
      }, { contents: body.contents, trailers: body.trailers, settle: () => undefined, abort: body.cancel });
      let res: P3Response;
      try {
        res = await inst.handle!(incoming);
      } catch (e) {
        if (ended) return;
        if (e instanceof ComponentError) {
          // The guest's task ended with err(error-code): its instance is fine.
          flight.fail(500, 'the component failed to answer\n', `error-code: ${errorCodeText(e.payload as HttpErrorCode)}`, false);
          return;
        }
        breakInstance(inst, flight, describe(e));
        // The fuel check stopped a guest computing past the deadline (before its timer could run).
        if (ctx.expired) flight.fail(503, 'the request ran past its deadline\n', `deadline of ${deadlineMs} ms`);
        else flight.fail(500, 'the component failed\n', describe(e));
        return;
      }
      if (ended) return;
      const { status, headers } = res.head;
      const out = res.takeBody();
      if (status < 200 || status > 599) {
        out.settle({ tag: 'err', val: { tag: 'HTTP-protocol-error' } });
        flight.fail(502, 'the component answered with an invalid status\n', `status ${status}`);
        return;
      }
      answered = true;
      sending = new ServiceBody(out.contents, out.trailers, {
        maxBodyBytes: maxResponseBody,
        onTrailersDropped: () => breakInstance(inst, flight, 'the response\'s trailers future was dropped'),
        onEnd: (o) => {
          if (o.cancelled === true) {
            out.settle({ tag: 'err', val: { tag: 'connection-terminated' } });
            finish(status, o.bytes, 'the client closed the connection');
          } else if (o.error !== undefined) {
            out.settle({ tag: 'err', val: { tag: 'internal-error', val: o.error.message } });
            finish(status, o.bytes, `body: ${o.error.message}`);
          } else {
            out.settle({ tag: 'ok' });
            finish(status, o.bytes);
          }
          end(true);
        },
      });
      settle({ kind: 'guest', status, headers: headers.list, body: sending });
    })();
    return response;
  }

  return Object.defineProperties(handle, {
    serve: { value: serve },
    inFlight: { get: () => admission.inFlight },
    // Instances are reused as they are (their state kept), never reset: a 0.3 service is written
    // to serve many requests, at once, in one instance.
    isolation: { get: (): IsolationReport => ({ mode: 'shared', concurrent: maxShared, reuse: maxReuse, why: 'a 0.3 wasi:http/service' }) },
    stats: { get: () => ({ ...stats }) },
    drain: {
      value: (): Promise<void> => {
        const drained = admission.drain();
        for (const inst of [...instances]) {
          inst.retired = true;
          settleInstance(inst);
        }
        return drained;
      },
    },
  }) as Handler;
}
