// The admission of a request, before any guest runs it: the same for a 0.2 wasi:http/proxy
// handler (handler.ts) and a 0.3 wasi:http/service one (service-p3.ts). A draining server
// answers 503; a body whose Content-Length says more than the cap is refused unread (413);
// then the concurrency gate gives the request a slot, a place in line, or 503 Busy (gate.ts).
// Admitted requests count as in flight until they leave, and `drain` settles when none is.
// Each request's access-log line is written once, by the `finish` it is admitted with.
import type { AccessLogEntry } from './handler.ts';
import type { Answer } from './exchange.ts';
import { Busy, Gate } from './gate.ts';

/** Logs a request's line (once: later calls are ignored). */
export type Finish = (status: number, bytes: number, note?: string) => void;

/** What admission needs to know of a request. */
export interface Arrival {
  readonly method: string;
  readonly path: string;
  readonly contentLength: string | undefined;
  /** Its body is refused unread: the rest of it is discarded. */
  refuse(): void;
}

/** A request given a slot: it must `leave` once, when its guest work is done. */
export interface Admitted {
  readonly kind: 'admitted';
  readonly started: number;
  readonly finish: Finish;
}

export interface AdmissionLimits {
  readonly maxConcurrency: number;
  readonly maxQueue: number;
  /** Also the longest a request waits in line. */
  readonly deadlineMs: number;
  readonly maxRequestBody: number;
}

const unlogged: Finish = () => undefined;

function text(status: number, body: string): Answer {
  return { kind: 'host', status, text: body };
}

export class Admission {
  readonly #gate: Gate;
  readonly #maxRequestBody: number;
  readonly #log: ((entry: AccessLogEntry) => void) | undefined;
  #draining = false;
  #inFlight = 0;
  #drained: (() => void) | undefined;

  constructor(limits: AdmissionLimits, log: ((entry: AccessLogEntry) => void) | undefined) {
    this.#gate = new Gate(limits.maxConcurrency, limits.maxQueue, limits.deadlineMs);
    this.#maxRequestBody = limits.maxRequestBody;
    this.#log = log;
  }

  /** Requests admitted (running or waiting for a slot) and not yet gone. */
  get inFlight(): number {
    return this.#inFlight;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /**
   * A slot for `request` (at once, or a promise of one when it waits in line), or the answer
   * that refuses it (already logged).
   */
  admit(request: Arrival): Admitted | Answer | Promise<Admitted | Answer> {
    const started = performance.now();
    const log = this.#log;
    let logged = false;
    const finish: Finish = log === undefined ? unlogged : (status, bytes, note) => {
      if (logged) return;
      logged = true;
      log({ method: request.method, path: request.path, status, bytes, durationMs: performance.now() - started, ...(note === undefined ? {} : { note }) });
    };
    const refuse = (status: number, body: string, note: string): Answer => {
      finish(status, body.length, note);
      return text(status, body);
    };
    if (this.#draining) return refuse(503, 'the server is shutting down\n', 'shutting down');
    const declared = request.contentLength;
    if (declared !== undefined && Number(declared) > this.#maxRequestBody) {
      request.refuse();
      return refuse(413, `the request body is larger than ${this.#maxRequestBody} bytes\n`, 'request body too large');
    }
    this.#inFlight++;
    const admitted: Admitted = { kind: 'admitted', started, finish };
    let wait: Promise<void> | undefined;
    try {
      wait = this.#gate.enter();
    } catch (e) {
      this.#done();
      if (e instanceof Busy) return refuse(503, 'the server is busy, try again\n', e.message);
      throw e;
    }
    if (wait === undefined) return admitted;
    return wait.then(() => admitted, (e: unknown) => {
      this.#done();
      if (e instanceof Busy) return refuse(503, 'the server is busy, try again\n', e.message);
      throw e;
    });
  }

  /** An admitted request is done: its slot goes to the next in line. */
  leave(): void {
    this.#gate.leave();
    this.#done();
  }

  /** Stops admitting (503 from now on); settles when no request is in flight. */
  drain(): Promise<void> {
    this.#draining = true;
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => { this.#drained = resolve; });
  }

  #done(): void {
    this.#inFlight--;
    if (this.#inFlight === 0 && this.#drained !== undefined) this.#drained();
  }
}
