// The guest's answer as the server sends it: the status and headers of its `outgoing-response`
// (src/wasi/p2/http/types.ts) and its body, read from the body pipe as the client takes it (the
// pipe's bounded queue holds the guest back when the client is slow), with the trailers given
// to `outgoing-body.finish` and a cap on the body's size. The node:http adapter reads a
// GuestBody directly; `responseOf` makes it a standard Response.
import { IoError } from '../wasi/p2/io/error.ts';
import type { BodyPipe } from '../wasi/p2/http/body.ts';
import type { FieldEntry } from '../wasi/p2/http/fields.ts';
import type { OutgoingResponse } from '../wasi/p2/http/types.ts';
import type { Answer, AnswerBody } from './exchange.ts';
import { setTrailers } from './trailers.ts';

/** Statuses whose responses have no body (fetch refuses one). */
export const NULL_BODY: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/** Field bytes as a header value: one char per byte, as fetch and node:http take them. */
export function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

export function headersOf(entries: readonly FieldEntry[]): Headers {
  const h = new Headers();
  for (const [k, v] of entries) h.append(k, latin1(v));
  return h;
}

/** How the body ended: bytes sent, and the failure if it did not end normally. */
export interface BodyOutcome {
  readonly bytes: number;
  readonly error?: unknown;
}

export interface ResponseOptions {
  /** The most bytes the body may have; more fail the guest's writes and cut the response off. */
  readonly maxBodyBytes?: number;
  /** Settles when the guest has finished running (`handle` returned or failed). */
  readonly guestDone: Promise<unknown>;
  /** Called once, when the body has been sent or has failed. */
  readonly onBody: (outcome: BodyOutcome) => void;
}

/** The code a response body too large for the server fails with. */
export function responseTooLarge(size: number): IoError {
  return new IoError(`the response body is larger than the server sends (${size} bytes and more)`, { http: { tag: 'HTTP-response-body-size', val: BigInt(size) } });
}

/**
 * The body of the guest's response, read chunk by chunk as the client takes it, or all at
 * once when the guest has finished it already (a small answer). Its outcome is reported once.
 */
export class GuestBody implements AnswerBody {
  readonly #res: OutgoingResponse;
  readonly #options: ResponseOptions;
  readonly #limit: number;
  #guestFinished = false;
  #pipe: BodyPipe | undefined;
  #it: AsyncIterator<Uint8Array> | undefined;
  #done = false;
  #sent = 0;
  #reported = false;
  #trailers: readonly FieldEntry[] | undefined;

  constructor(res: OutgoingResponse, options: ResponseOptions) {
    this.#res = res;
    this.#options = options;
    this.#limit = options.maxBodyBytes ?? Infinity;
    options.guestDone.then(() => { this.#guestFinished = true; }, () => { this.#guestFinished = true; });
  }

  /** Settles when the guest has finished running. */
  get guestDone(): Promise<unknown> {
    return this.#options.guestDone;
  }

  /** The trailers the guest finished the body with, once `read` has reached its end. */
  get trailers(): readonly FieldEntry[] | undefined {
    return this.#trailers;
  }

  #report(o: BodyOutcome): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#options.onBody(o);
  }

  /**
   * The whole body, when the guest has finished it already, without trailers and within the
   * cap: sent in one write. Undefined otherwise (nothing is taken; `read` it).
   */
  takeComplete(): Uint8Array[] | undefined {
    if (this.#it !== undefined || this.#done) return undefined;
    const pipe = this.#res.target.body?.pipe;
    if (pipe === undefined) {
      // The guest returned without asking for a body: an empty one.
      if (!this.#guestFinished) return undefined;
      this.#done = true;
      this.#report({ bytes: 0 });
      return [];
    }
    if ((pipe.trailers !== undefined && pipe.trailers.length > 0) || pipe.written > this.#limit) return undefined;
    const all = pipe.takeAll();
    if (all === undefined) return undefined;
    this.#done = true;
    this.#sent = pipe.written;
    this.#report({ bytes: this.#sent });
    return all;
  }

  /** The next chunk, or undefined at the end (then `trailers` has the guest's); throws when the body failed. */
  async read(): Promise<Uint8Array | undefined> {
    if (this.#done) return undefined;
    try {
      if (this.#it === undefined) {
        // The guest may set the response before it asks for the body.
        let pipe = this.#res.target.body?.pipe;
        if (pipe === undefined) {
          await this.#options.guestDone.catch(() => undefined);
          pipe = this.#res.target.body?.pipe;
        }
        if (pipe === undefined) {
          this.#done = true;
          this.#report({ bytes: 0 });
          return undefined;
        }
        this.#pipe = pipe;
        this.#it = pipe[Symbol.asyncIterator]();
      }
      const r = await this.#it.next();
      if (r.done === true) {
        this.#done = true;
        const t = this.#pipe?.trailers;
        this.#trailers = t === undefined || t.length === 0 ? undefined : t;
        this.#report({ bytes: this.#sent });
        return undefined;
      }
      this.#sent += r.value.length;
      if (this.#sent > this.#limit) {
        const e = responseTooLarge(this.#sent);
        this.#pipe?.abort(e);
        throw e;
      }
      return r.value;
    } catch (e) {
      this.#done = true;
      this.#report({ bytes: this.#sent, error: e });
      throw e;
    }
  }

  /** The client went away: the guest's next write fails. */
  cancel(reason?: unknown): void {
    this.#pipe?.abort(new IoError('the client closed the connection', { http: { tag: 'connection-terminated' } }));
    this.#done = true;
    this.#report({ bytes: this.#sent, error: reason ?? new Error('the client closed the connection') });
  }

  /** A status that has no body: whatever the guest writes is dropped, so it is never held back waiting for a reader. */
  async discard(): Promise<void> {
    let pipe = this.#res.target.body?.pipe;
    if (pipe === undefined) {
      await this.#options.guestDone.catch(() => undefined);
      pipe = this.#res.target.body?.pipe;
    }
    if (pipe !== undefined) {
      try {
        for await (const _ of pipe) { /* dropped */ }
      } catch { /* the guest's problem, and nobody to tell */ }
    }
    this.#done = true;
    this.#report({ bytes: 0 });
  }
}

const macrotask: (f: () => void) => void = typeof setImmediate === 'function' ? (f) => { setImmediate(f); } : (f) => { setTimeout(f, 0); };

/**
 * Who waits for the event loop to turn, on one macrotask. A waiter whose guest finished first
 * leaves the set, so requests answered within microtasks (a loop of them in one process never
 * lets the loop turn) do not pile up behind a turn that has not come.
 */
const turnWaiters = new Set<() => void>();
let turnScheduled = false;

/** How many answers wait for the event loop to turn now (for tests). */
export function waitingForTurn(): number {
  return turnWaiters.size;
}

function onNextTurn(f: () => void): void {
  turnWaiters.add(f);
  if (turnScheduled) return;
  turnScheduled = true;
  macrotask(() => {
    turnScheduled = false;
    const due = [...turnWaiters];
    turnWaiters.clear();
    for (const g of due) g();
  });
}

/**
 * The whole body of a guest's answer when the guest finishes it before the event loop turns
 * (a small answer: how long an adapter gives a guest that has answered), without trailers;
 * undefined when it streams (nothing is taken then).
 */
export function completeBody(body: AnswerBody): Promise<Uint8Array[] | undefined> {
  const all = body.takeComplete();
  if (all !== undefined) return Promise.resolve(all);
  return new Promise((resolve) => {
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      turnWaiters.delete(settle);
      resolve(body.takeComplete());
    };
    void body.guestDone.then(settle, settle);
    onNextTurn(settle);
  });
}

function plainText(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function joined(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The standard Response for an answer, its body whole when the guest finishes it before the
 * event loop turns (cheaper than a stream for every reader), else streamed (`responseOf`).
 */
export async function webResponse(answer: Answer): Promise<Response> {
  if (answer.kind === 'guest' && !NULL_BODY.has(answer.status)) {
    const all = await completeBody(answer.body);
    // The chunks are copies the pipe made (ArrayBuffer-backed).
    if (all !== undefined) return new Response(joined(all) as Uint8Array<ArrayBuffer>, { status: answer.status, headers: headersOf(answer.headers) });
  }
  return responseOf(answer);
}

/** The standard Response for an answer, its body streamed as the client reads it. */
export function responseOf(answer: Answer): Response {
  if (answer.kind === 'host') return plainText(answer.status, answer.text);
  const { status, body } = answer;
  const h = headersOf(answer.headers);
  if (NULL_BODY.has(status)) {
    void body.discard();
    return new Response(null, { status, headers: h });
  }
  let resolveTrailers: (t: Headers | undefined) => void = () => undefined;
  const trailers = new Promise<Headers | undefined>((resolve) => { resolveTrailers = resolve; });
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await body.read();
        if (chunk === undefined) {
          controller.close();
          const t = body.trailers;
          resolveTrailers(t === undefined ? undefined : headersOf(t));
          return;
        }
        controller.enqueue(chunk);
      } catch (e) {
        resolveTrailers(undefined);
        // Readers of a web stream expect an Error (a guest's failure arrives as a wasi:io error).
        controller.error(e instanceof Error ? e : new Error(e instanceof IoError ? e.message : String(e)));
      }
    },
    cancel(reason) {
      body.cancel(reason);
      resolveTrailers(undefined);
    },
  }, { highWaterMark: 0 });
  const response = new Response(stream, { status, headers: h });
  setTrailers(response, trailers);
  return response;
}
