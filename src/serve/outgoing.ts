// The guest's answer as a standard Response: the status and headers of its
// `outgoing-response` (src/wasi/p2/http/types.ts), its body as a ReadableStream read from the
// body pipe as the client takes it (the pipe's bounded queue holds the guest back when the
// client is slow), the trailers given to `outgoing-body.finish` attached for the adapter, and
// a cap on the body's size.
import { IoError } from '../wasi/p2/io/error.ts';
import type { BodyPipe } from '../wasi/p2/http/body.ts';
import type { FieldEntry } from '../wasi/p2/http/fields.ts';
import type { OutgoingResponse } from '../wasi/p2/http/types.ts';
import { setTrailers } from './trailers.ts';

/** Statuses whose responses have no body (fetch refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function latin1(b: Uint8Array): string {
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

/** The Response for the guest's `outgoing-response`. */
export function responseOf(res: OutgoingResponse, options: ResponseOptions): Response {
  const { status, headers } = res.target;
  const h = headersOf(headers.list);
  if (NULL_BODY.has(status)) {
    // Whatever the guest writes is dropped, so it is never held back waiting for a reader.
    void drain(res, options);
    return new Response(null, { status, headers: h });
  }
  let pipe: BodyPipe | undefined;
  let it: AsyncIterator<Uint8Array> | undefined;
  let sent = 0;
  let reported = false;
  let resolveTrailers: (t: Headers | undefined) => void = () => undefined;
  const trailers = new Promise<Headers | undefined>((resolve) => { resolveTrailers = resolve; });
  const report = (o: BodyOutcome) => {
    if (reported) return;
    reported = true;
    options.onBody(o);
  };
  const limit = options.maxBodyBytes ?? Infinity;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (it === undefined) {
          // The guest may set the response before it asks for the body.
          pipe = res.target.body?.pipe;
          if (pipe === undefined) {
            await options.guestDone.catch(() => undefined);
            pipe = res.target.body?.pipe;
          }
          if (pipe === undefined) {
            controller.close();
            resolveTrailers(undefined);
            report({ bytes: 0 });
            return;
          }
          it = pipe[Symbol.asyncIterator]();
        }
        const r = await it.next();
        if (r.done === true) {
          controller.close();
          const t = pipe?.trailers;
          resolveTrailers(t === undefined || t.length === 0 ? undefined : headersOf(t));
          report({ bytes: sent });
          return;
        }
        sent += r.value.length;
        if (sent > limit) {
          const e = responseTooLarge(sent);
          pipe?.abort(e);
          throw e;
        }
        controller.enqueue(r.value);
      } catch (e) {
        resolveTrailers(undefined);
        report({ bytes: sent, error: e });
        // Readers of a web stream expect an Error (a guest's failure arrives as a wasi:io error).
        controller.error(e instanceof Error ? e : new Error(e instanceof IoError ? e.message : String(e)));
      }
    },
    cancel(reason) {
      // The client went away: the guest's next write fails.
      pipe?.abort(new IoError('the client closed the connection', { http: { tag: 'connection-terminated' } }));
      resolveTrailers(undefined);
      report({ bytes: sent, error: reason ?? new Error('the client closed the connection') });
    },
  }, { highWaterMark: 0 });
  const response = new Response(body, { status, headers: h });
  setTrailers(response, trailers);
  return response;
}

async function drain(res: OutgoingResponse, options: ResponseOptions): Promise<void> {
  let pipe = res.target.body?.pipe;
  if (pipe === undefined) {
    await options.guestDone.catch(() => undefined);
    pipe = res.target.body?.pipe;
  }
  if (pipe !== undefined) {
    try {
      for await (const _ of pipe) { /* dropped */ }
    } catch { /* the guest's problem, and nobody to tell */ }
  }
  options.onBody({ bytes: 0 });
}
