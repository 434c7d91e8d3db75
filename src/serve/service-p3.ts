// createHandler for a `wasi:http/service` component (WASI 0.3: it exports
// `wasi:http/handler@0.3.x`, whose `handle` is an async function): a standard Request becomes
// the 0.3 `request` resource (its body a stream<u8> the guest reads as the client sends it, its
// trailers a future), and the `response` the guest returns becomes a standard Response (its
// body stream read as the client takes it, its trailers future sent after it).
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
import { bytesOf, type Contents, Fields, Request as P3Request, type Response as P3Response, type TrailersResult } from '../wasi/p3/http/index.ts';
import { type Occupied, RequestContext } from './context.ts';
import { Admission, type Admitted } from './admission.ts';
import type { PreparedGuest } from './guest.ts';
import type { Handler, HandlerOptions, ServeLimits } from './handler.ts';
import { fieldsOf } from './incoming.ts';
import { HOST_MODULE, INTERRUPT, type MemorySlot, YIELD } from './instrument.ts';
import { interruptImports } from './context.ts';
import { MemoryPool } from './memory-pool.ts';
import { headersOf } from './outgoing.ts';
import { setTrailers, trailersOf } from './trailers.ts';

const MiB = 1 << 20;
/** Statuses whose responses have no body (fetch refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

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

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function describe(e: unknown): string {
  if (e instanceof Trap) return `trap: ${e.message}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

function errorCodeText(code: HttpErrorCode): string {
  return code.val === undefined ? code.tag : `${code.tag}(${typeof code.val === 'object' ? JSON.stringify(code.val, (_, v: unknown) => typeof v === 'bigint' ? Number(v) : v) : String(code.val)})`;
}

function schemeOf(protocol: string): { tag: 'HTTP' } | { tag: 'HTTPS' } | { tag: 'other'; val: string } {
  if (protocol === 'http:') return { tag: 'HTTP' };
  if (protocol === 'https:') return { tag: 'HTTPS' };
  return { tag: 'other', val: protocol.slice(0, -1) };
}

/**
 * The request's body as the guest reads it: chunks as the client sends them, at most `limit`
 * bytes (more end the stream, and the trailers future says HTTP-request-body-size); the
 * trailers once the body has been read to its end.
 */
function requestBody(request: Request, limit: number): { contents: Contents | undefined; trailers: Promise<TrailersResult>; cancel: () => void } {
  let settle!: (t: TrailersResult) => void;
  const trailers = new Promise<TrailersResult>((resolve) => { settle = resolve; });
  const stream = request.body;
  if (stream === null) {
    settle({ tag: 'ok', val: undefined });
    return { contents: undefined, trailers, cancel: () => undefined };
  }
  const reader = stream.getReader();
  let done = false;
  const cancel = () => {
    if (done) return;
    done = true;
    reader.cancel().catch(() => undefined);
    settle({ tag: 'err', val: { tag: 'HTTP-request-body-size', val: undefined } });
  };
  async function* contents(): AsyncGenerator<Uint8Array> {
    let total = 0;
    try {
      for (;;) {
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await reader.read();
        } catch {
          // The client went away mid-body.
          cancel();
          return;
        }
        if (r.done) break;
        total += r.value.length;
        if (total > limit) {
          done = true;
          reader.cancel().catch(() => undefined);
          settle({ tag: 'err', val: { tag: 'HTTP-request-body-size', val: BigInt(total) } });
          return;
        }
        yield r.value;
      }
      done = true;
      const t = await trailersOf(request)?.catch(() => undefined);
      settle({ tag: 'ok', val: t === undefined ? undefined : Fields.immutable(fieldsOf(t, false)) });
    } finally {
      // The guest dropped the stream before its end: nothing more is received.
      cancel();
    }
  }
  return { contents: contents(), trailers, cancel };
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
          inst.memories.push({ slot, memory });
          host[slot.name] = memory;
        }
        return { [HOST_MODULE]: host };
      },
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
    let path = '/';
    let url: URL | undefined;
    try {
      url = new URL(request.url);
      path = url.pathname + url.search;
    } catch { /* logged as / */ }
    let admitted = admission.admit({
      method: request.method, path, contentLength: request.headers.get('content-length') ?? undefined,
      refuse: () => { void request.body?.cancel().catch(() => undefined); },
    });
    if (admitted instanceof Promise) admitted = await admitted;
    if (admitted.kind !== 'admitted') return text(admitted.status, admitted.kind === 'host' ? admitted.text : '');
    return run(request, url, path, admitted);
  }

  function run(request: Request, url: URL | undefined, path: string, { started, finish }: Admitted): Promise<Response> {
    const inst = pick();
    inst.uses++;
    if (inst.uses >= maxReuse) inst.retired = true;
    const ctx = new RequestContext(started + deadlineMs);
    // The instance's fuel check stops its guest at the latest deadline of its requests.
    inst.ctx = ctx;
    const body = requestBody(request, maxRequestBody);
    let settle!: (r: Response) => void;
    const response = new Promise<Response>((resolve) => { settle = resolve; });
    let answered = false;
    let ended = false;
    /** Cuts an answer's body off (once it began); set when it does. */
    let cut: ((reason: Error) => void) | undefined;
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
    const answer = (status: number, text_: string, note: string) => {
      if (answered) return;
      answered = true;
      finish(status, text_.length, note);
      settle(text(status, text_));
    };
    const flight: Flight = {
      ctx,
      fail(status, message, note, lingering = true) {
        if (answered) {
          finish(status, 0, note);
          cut?.(new Error(note));
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
        method: request.method,
        scheme: url === undefined ? undefined : schemeOf(url.protocol),
        authority: url?.host,
        path,
        headers: new Fields(fieldsOf(request.headers, true)),
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
      const h = headersOf(headers.list);
      const it = bytesOf(out.contents)[Symbol.asyncIterator]();
      let sent = 0;
      let resolveTrailers: (t: Headers | undefined) => void = () => undefined;
      const trailers = new Promise<Headers | undefined>((resolve) => { resolveTrailers = resolve; });
      const complete = async (): Promise<void> => {
        // The body is done: the trailers future says whether it ended well.
        let t: TrailersResult;
        try {
          t = await out.trailers;
        } catch {
          // The guest's end of the future went away unwritten: its instance trapped.
          breakInstance(inst, flight, 'the response\'s trailers future was dropped');
          t = { tag: 'err', val: { tag: 'internal-error', val: 'the response\'s trailers future was dropped' } };
        }
        if (t.tag === 'err') throw new Error(`the response failed: ${errorCodeText(t.val)}`);
        resolveTrailers(t.val === undefined || t.val.list.length === 0 ? undefined : headersOf(t.val.list));
      };
      const failed = (e: unknown): Error => {
        const err = e instanceof Error ? e : new Error(String(e));
        resolveTrailers(undefined);
        out.settle({ tag: 'err', val: { tag: 'internal-error', val: err.message } });
        finish(status, sent, `body: ${err.message}`);
        end(true);
        return err;
      };
      if (NULL_BODY.has(status)) {
        // Whatever the guest writes is read and dropped, so it is never held back.
        void (async () => {
          for (;;) if ((await it.next()).done === true) break;
          await complete();
        })().then(() => {
          out.settle({ tag: 'ok' });
          finish(status, 0);
          end(true);
        }, failed);
        settle(new Response(null, { status, headers: h }));
        return;
      }
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          cut = (reason) => {
            controller.error(reason);
            void it.return?.(undefined);
          };
        },
        async pull(controller) {
          try {
            const r = await it.next();
            if (ended) return;
            if (r.done === true) {
              await complete();
              controller.close();
              out.settle({ tag: 'ok' });
              finish(status, sent);
              end(true);
              return;
            }
            sent += r.value.length;
            if (sent > maxResponseBody) {
              void it.return?.(undefined);
              throw new Error(`the response body is larger than the server sends (${sent} bytes and more)`);
            }
            controller.enqueue(r.value);
          } catch (e) {
            if (ended) return;
            controller.error(failed(e));
          }
        },
        cancel() {
          // The client went away: the guest's next write sees its reader gone.
          void it.return?.(undefined);
          if (ended) return;
          resolveTrailers(undefined);
          out.settle({ tag: 'err', val: { tag: 'connection-terminated' } });
          finish(status, sent, 'the client closed the connection');
          end(true);
        },
      }, { highWaterMark: 0 });
      const web = new Response(stream, { status, headers: h });
      setTrailers(web, trailers);
      settle(web);
    })();
    return response;
  }

  return Object.defineProperties(handle, {
    inFlight: { get: () => admission.inFlight },
    // Instances are reused as they are (their state kept), never reset: a 0.3 service is written
    // to serve many requests, at once, in one instance.
    isolation: { get: () => ({ mode: 'fresh', why: `a 0.3 wasi:http/service: an instance serves up to ${maxShared} requests at once and ${maxReuse} in all, as it is` }) },
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
