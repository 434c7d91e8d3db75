// The bodies of a 0.3 wasi:http/service exchange (WASI 0.3 wasi:http types.wit: a body is a
// stream<u8> and a future of trailers), between an Exchange and an Answer (exchange.ts):
// the request's body as the stream the guest reads (pulled from the adapter as the guest
// reads it, at most the cap), and the guest's response body as an AnswerBody the adapter
// sends (read a little ahead of the client, so a small body the guest finished goes out in
// one write, as a 0.2 guest's does).
import type { HttpErrorCode } from '../wasi/p2/http/transport.ts';
import type { FieldEntry } from '../wasi/p2/http/fields.ts';
import type { StreamInput } from '../wasi/p2/http/stream-input.ts';
import { IoError } from '../wasi/p2/io/error.ts';
import { bytesOf, type Contents, Fields, type TrailersResult } from '../wasi/p3/http/index.ts';
import type { AnswerBody, Exchange } from './exchange.ts';

/** Response bytes read ahead of the client: a body this small, finished, goes out whole. */
const READ_AHEAD = 65536;
/** The most bytes one read of the request body hands the guest's stream. */
const CHUNK = 65536;

export function errorCodeText(code: HttpErrorCode): string {
  return code.val === undefined ? code.tag : `${code.tag}(${typeof code.val === 'object' ? JSON.stringify(code.val, (_, v: unknown) => typeof v === 'bigint' ? Number(v) : v) : String(code.val)})`;
}

/** The request body's stream and trailers future, and how to stop reading it. */
export interface RequestBody {
  readonly contents: Contents;
  readonly trailers: Promise<TrailersResult>;
  cancel(): void;
}

/**
 * The body of `exchange` as the guest reads it: chunks as the adapter gives them, at most
 * `limit` bytes (more end the stream, and the trailers future says HTTP-request-body-size, as
 * does a client leaving mid-body); the trailers once the body has been read to its end.
 */
export function requestBody(exchange: Exchange, limit: number): RequestBody {
  let settle!: (t: TrailersResult) => void;
  const trailers = new Promise<TrailersResult>((resolve) => { settle = resolve; });
  let input: StreamInput | undefined;
  let done = false;
  const fail = (code: HttpErrorCode) => {
    if (done) return;
    done = true;
    input?.cancel();
    settle({ tag: 'err', val: code });
  };
  const cancel = () => fail({ tag: 'HTTP-request-body-size', val: undefined });
  async function* contents(): AsyncGenerator<Uint8Array> {
    // Asked for on the guest's first read: a body nobody reads is never pulled.
    input = exchange.body(limit);
    try {
      for (;;) {
        let chunk: Uint8Array | undefined;
        try {
          chunk = input.read(CHUNK);
        } catch (e) {
          // Past the cap, or the client went away mid-body.
          const code = e instanceof IoError ? e.codes.http : undefined;
          fail(code === undefined ? { tag: 'HTTP-request-body-size', val: undefined } : code as HttpErrorCode);
          return;
        }
        if (chunk === undefined) {
          await input.whenReadable?.();
          continue;
        }
        if (chunk.length === 0) break;
        yield chunk;
      }
      const t = await exchange.trailers?.catch(() => undefined);
      if (!done) {
        done = true;
        settle({ tag: 'ok', val: t === undefined || t.length === 0 ? undefined : Fields.immutable([...t]) });
      }
    } finally {
      // The guest dropped the stream before its end: nothing more is received.
      cancel();
    }
  }
  return { contents: contents(), trailers, cancel };
}

/** How a response body ended, for the access log and the transmission future. */
export interface ServiceBodyOutcome {
  readonly bytes: number;
  /** Why it failed (undefined: it was all sent). */
  readonly error?: Error;
  /** The client went away. */
  readonly cancelled?: boolean;
}

export interface ServiceBodyOptions {
  readonly maxBodyBytes: number;
  /** Called once when the body has been sent, has failed, or the client left (not after `cut`). */
  readonly onEnd: (outcome: ServiceBodyOutcome) => void;
  /** The guest's end of the trailers future went away unwritten (its instance trapped). */
  readonly onTrailersDropped: () => void;
}

/** A 0.3 guest's response body as an adapter sends it. */
export class ServiceBody implements AnswerBody {
  readonly #it: AsyncIterator<Uint8Array>;
  readonly #trailersFuture: PromiseLike<TrailersResult>;
  readonly #options: ServiceBodyOptions;
  readonly #chunks: Uint8Array[] = [];
  #buffered = 0;
  /** Bytes the stream gave (the cap counts these). */
  #received = 0;
  /** Bytes handed to the adapter. */
  #sent = 0;
  #complete = false;
  #failure: Error | undefined;
  #stopped = false;
  #started = false;
  #reported = false;
  #trailers: readonly FieldEntry[] | undefined;
  #wake: (() => void) | undefined;
  #space: (() => void) | undefined;
  readonly guestDone: Promise<void>;

  constructor(contents: Contents | undefined, trailers: PromiseLike<TrailersResult>, options: ServiceBodyOptions) {
    this.#it = bytesOf(contents)[Symbol.asyncIterator]();
    this.#trailersFuture = trailers;
    this.#options = options;
    this.guestDone = this.#pump();
  }

  get trailers(): readonly FieldEntry[] | undefined {
    return this.#trailers;
  }

  /** Reads the guest's stream ahead of the client, at most READ_AHEAD bytes; settles when it stops. */
  async #pump(): Promise<void> {
    try {
      for (;;) {
        while (this.#buffered >= READ_AHEAD && !this.#stopped) await new Promise<void>((resolve) => { this.#space = resolve; });
        if (this.#stopped) return;
        const r = await this.#it.next();
        if (this.#stopped) return;
        if (r.done === true) break;
        this.#received += r.value.length;
        if (this.#received > this.#options.maxBodyBytes) {
          void this.#it.return?.(undefined);
          throw new Error(`the response body is larger than the server sends (${this.#received} bytes and more)`);
        }
        this.#chunks.push(r.value);
        this.#buffered += r.value.length;
        this.#wake?.();
      }
      // The body is done: the trailers future says whether it ended well.
      let t: TrailersResult;
      try {
        t = await this.#trailersFuture;
      } catch {
        this.#options.onTrailersDropped();
        t = { tag: 'err', val: { tag: 'internal-error', val: 'the response\'s trailers future was dropped' } };
      }
      if (this.#stopped) return;
      if (t.tag === 'err') throw new Error(`the response failed: ${errorCodeText(t.val)}`);
      this.#trailers = t.val === undefined || t.val.list.length === 0 ? undefined : t.val.list;
      this.#complete = true;
    } catch (e) {
      if (!this.#stopped) this.#failure = e instanceof Error ? e : new Error(String(e));
    } finally {
      this.#wake?.();
    }
  }

  #report(outcome: ServiceBodyOutcome): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#options.onEnd(outcome);
  }

  takeComplete(): Uint8Array[] | undefined {
    if (this.#started || !this.#complete || this.#trailers !== undefined) return undefined;
    this.#started = true;
    const all = this.#chunks.splice(0);
    this.#sent = this.#received;
    this.#buffered = 0;
    this.#report({ bytes: this.#sent });
    return all;
  }

  /** The next chunk without reporting: undefined at the end; throws the failure. */
  async #next(): Promise<Uint8Array | undefined> {
    this.#started = true;
    for (;;) {
      const c = this.#chunks.shift();
      if (c !== undefined) {
        this.#buffered -= c.length;
        if (this.#buffered < READ_AHEAD) this.#space?.();
        return c;
      }
      if (this.#failure !== undefined) throw this.#failure;
      if (this.#complete) return undefined;
      await new Promise<void>((resolve) => { this.#wake = resolve; });
      this.#wake = undefined;
    }
  }

  async read(): Promise<Uint8Array | undefined> {
    try {
      const c = await this.#next();
      if (c === undefined) this.#report({ bytes: this.#sent });
      else this.#sent += c.length;
      return c;
    } catch (e) {
      this.#report({ bytes: this.#sent, error: e as Error });
      throw e;
    }
  }

  cancel(): void {
    if (this.#reported) return;
    this.#stop(undefined);
    this.#report({ bytes: this.#sent, cancelled: true });
  }

  async discard(): Promise<void> {
    try {
      while ((await this.#next()) !== undefined) { /* dropped */ }
      this.#report({ bytes: 0 });
    } catch (e) {
      this.#report({ bytes: 0, error: e as Error });
    }
  }

  /**
   * The server ends the request (its deadline, its instance trapped): what the client has not
   * read fails with `reason`; nothing is reported (the server logs it).
   */
  cut(reason: Error): void {
    this.#reported = true;
    this.#stop(reason);
  }

  #stop(reason: Error | undefined): void {
    if (this.#stopped) return;
    this.#stopped = true;
    // The guest's next write sees its reader gone.
    void this.#it.return?.(undefined);
    if (reason !== undefined) {
      this.#failure = reason;
      this.#chunks.length = 0;
    }
    this.#wake?.();
    this.#space?.();
  }
}
