// wasi:http/types (https://github.com/WebAssembly/WASI/blob/main/proposals/http/wit/types.wit):
// the request, response and body resources. The outgoing side (`outgoing-request`,
// `outgoing-body`, `future-incoming-response`, `incoming-response`, `incoming-body`,
// `future-trailers`) is complete; the incoming side (`incoming-request`,
// `response-outparam`, `outgoing-response`) is what a server host builds on (issue 10).
import { IoError } from '../io/error.ts';
import type { IoContext } from '../io/poll.ts';
import { Pollable } from '../io/poll.ts';
import { Settling } from '../io/settling.ts';
import type { InputStream as ByteInput } from '../../shared/stdio.ts';
import { InputStream, OutputStream } from '../io/streams.ts';
import { fail, type Result } from '../result.ts';
import { BodyPipe } from './body.ts';
import { type FieldEntry, Fields, validName } from './fields.ts';
import { type HttpErrorCode, httpErrorOf, type HttpResponseSpec } from './transport.ts';

export type Method = { readonly tag: 'get' | 'head' | 'post' | 'put' | 'delete' | 'connect' | 'options' | 'trace' | 'patch' } | { readonly tag: 'other'; readonly val: string };
export type Scheme = { readonly tag: 'HTTP' | 'HTTPS' } | { readonly tag: 'other'; readonly val: string };

/** A method's name on the wire. */
export function methodName(m: Method): string {
  return m.tag === 'other' ? m.val : m.tag.toUpperCase();
}

export function methodOf(name: string): Method {
  const lower = name.toLowerCase();
  switch (lower) {
    case 'get': case 'head': case 'post': case 'put': case 'delete': case 'connect': case 'options': case 'trace': case 'patch':
      if (name === name.toUpperCase()) return { tag: lower };
  }
  return { tag: 'other', val: name };
}

/** `result` without payloads, as setters return it: err. */
function refuse(): never {
  return fail(undefined);
}

/** A request target: an absolute path with an optional query, and no spaces or controls. */
export function validPath(p: string): boolean {
  return /^[^\s\x00-\x1f\x7f#]*$/.test(p) && (p === '' || p.startsWith('/') || p === '*' || p.startsWith('?'));
}

/** An authority: host (name, IPv4 or [IPv6]) with an optional port. */
export function validAuthority(a: string): boolean {
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]*)(:\d{0,5})?$/.test(a) && !a.includes('@');
}

/** The `request-options` resource. Durations in nanoseconds. */
export class RequestOptions {
  #connect: bigint | undefined;
  #firstByte: bigint | undefined;
  #betweenBytes: bigint | undefined;

  'connect-timeout'(): bigint | undefined { return this.#connect; }
  'set-connect-timeout'(d: bigint | undefined): void { this.#connect = d; }
  'first-byte-timeout'(): bigint | undefined { return this.#firstByte; }
  'set-first-byte-timeout'(d: bigint | undefined): void { this.#firstByte = d; }
  'between-bytes-timeout'(): bigint | undefined { return this.#betweenBytes; }
  'set-between-bytes-timeout'(d: bigint | undefined): void { this.#betweenBytes = d; }
}

/** The `outgoing-body` resource: a request's or a response's body, written by the guest. */
export class OutgoingBody {
  readonly #io: IoContext;
  readonly pipe = new BodyPipe();
  /** The Content-Length the headers declared, if any: the body must match it. */
  readonly #declared: number | undefined;
  #stream = false;
  #finished = false;

  constructor(io: IoContext, headers: Fields) {
    this.#io = io;
    const cl = headers.get('content-length');
    this.#declared = cl.length === 1 ? Number(new TextDecoder().decode(cl[0])) : undefined;
  }

  /** `[method]outgoing-body.write`: the body's stream, once. */
  write(): OutputStream {
    if (this.#stream) refuse();
    this.#stream = true;
    return new OutputStream(this.#io, this.pipe.sink());
  }

  /**
   * `[static]outgoing-body.finish`: the body is complete. The trailers are kept on the pipe: a
   * server sends a response's (src/serve); outgoing requests do not send them over HTTP/1.1.
   */
  static finish(body: OutgoingBody, trailers: Fields | undefined): void {
    body.#finished = true;
    if (trailers !== undefined) body.pipe.trailers = trailers.entries();
    const declared = body.#declared;
    if (declared !== undefined && declared !== body.pipe.written) {
      const code: HttpErrorCode = { tag: 'HTTP-request-body-size', val: BigInt(body.pipe.written) };
      body.pipe.abort(new IoError('body size differs from content-length', { http: code }));
      fail(code);
    }
    body.pipe.end();
  }

  /** `[resource-drop]outgoing-body`: dropped unfinished, the body is cut off (the request fails). */
  [Symbol.dispose](): void {
    if (!this.#finished) this.pipe.abort(new IoError('outgoing body dropped before finish', { http: { tag: 'HTTP-request-body-size', val: undefined } }));
  }
}

/** What an outgoing request holds, for the handler. */
export interface RequestTarget {
  readonly method: Method;
  readonly scheme: Scheme | undefined;
  readonly authority: string | undefined;
  readonly path: string | undefined;
  readonly headers: Fields;
  readonly body: OutgoingBody | undefined;
}

/** The `outgoing-request` resource. */
export class OutgoingRequest {
  readonly #io: IoContext;
  readonly #headers: Fields;
  #method: Method = { tag: 'get' };
  #scheme: Scheme | undefined;
  #authority: string | undefined;
  #path: string | undefined;
  #body: OutgoingBody | undefined;

  /** `[constructor]outgoing-request`: the headers become the request's (immutable from now on). */
  constructor(io: IoContext, headers: Fields) {
    this.#io = io;
    headers.freeze();
    this.#headers = headers;
  }

  get target(): RequestTarget {
    return { method: this.#method, scheme: this.#scheme, authority: this.#authority, path: this.#path, headers: this.#headers, body: this.#body };
  }

  /** `[method]outgoing-request.body`: once. */
  body(): OutgoingBody {
    if (this.#body !== undefined) refuse();
    this.#body = new OutgoingBody(this.#io, this.#headers);
    return this.#body;
  }

  method(): Method { return this.#method; }
  'set-method'(m: Method): void {
    if (m.tag === 'other' && !validName(m.val)) refuse();
    this.#method = m;
  }

  'path-with-query'(): string | undefined { return this.#path; }
  'set-path-with-query'(p: string | undefined): void {
    if (p !== undefined && !validPath(p)) refuse();
    this.#path = p;
  }

  scheme(): Scheme | undefined { return this.#scheme; }
  'set-scheme'(s: Scheme | undefined): void {
    if (s?.tag === 'other' && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(s.val)) refuse();
    this.#scheme = s;
  }

  authority(): string | undefined { return this.#authority; }
  'set-authority'(a: string | undefined): void {
    if (a !== undefined && !validAuthority(a)) refuse();
    this.#authority = a;
  }

  /** `[method]outgoing-request.headers`: immutable. */
  headers(): Fields {
    return Fields.immutable(this.#headers.entries());
  }
}

/** The `incoming-body` resource. */
export class IncomingBody {
  readonly #io: IoContext;
  readonly #body: ByteInput;
  readonly #trailers: Promise<readonly FieldEntry[] | undefined>;
  readonly #abort: () => void;
  #stream = false;
  #finished = false;

  constructor(io: IoContext, body: ByteInput, trailers: Promise<readonly FieldEntry[] | undefined>, abort: () => void) {
    this.#io = io;
    this.#body = body;
    this.#trailers = trailers;
    this.#abort = abort;
  }

  /** `[method]incoming-body.stream`: once. */
  stream(): InputStream {
    if (this.#stream) refuse();
    this.#stream = true;
    return new InputStream(this.#io, this.#body);
  }

  /** `[static]incoming-body.finish` */
  static finish(body: IncomingBody): FutureTrailers {
    body.#finished = true;
    return new FutureTrailers(body.#io, new Settling(body.#trailers.then((t) => (t === undefined ? undefined : Fields.immutable([...t])))));
  }

  /** `[resource-drop]incoming-body`: dropped unfinished, the rest of the body is not received. */
  [Symbol.dispose](): void {
    if (!this.#finished) this.#abort();
  }
}

/** The `future-trailers` resource. */
export class FutureTrailers {
  readonly #io: IoContext;
  readonly #trailers: Settling<Fields | undefined>;
  #taken = false;

  constructor(io: IoContext, trailers: Settling<Fields | undefined>) {
    this.#io = io;
    this.#trailers = trailers;
  }

  subscribe(): Pollable {
    return new Pollable(this.#io, this.#trailers.readiness);
  }

  /** `[method]future-trailers.get`: none while pending; the result once; err after. */
  get(): Result<Result<Fields | undefined, HttpErrorCode>, undefined> | undefined {
    if (!this.#trailers.settled) return undefined;
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    if (this.#trailers.failed) return { tag: 'ok', val: { tag: 'err', val: httpErrorOf(this.#trailers.error) } };
    return { tag: 'ok', val: { tag: 'ok', val: this.#trailers.value } };
  }
}

/** The `incoming-response` resource. */
export class IncomingResponse {
  readonly #io: IoContext;
  readonly #spec: HttpResponseSpec;
  #consumed = false;

  constructor(io: IoContext, spec: HttpResponseSpec) {
    this.#io = io;
    this.#spec = spec;
  }

  status(): number {
    return this.#spec.status;
  }

  /** `[method]incoming-response.headers`: immutable. */
  headers(): Fields {
    return Fields.immutable([...this.#spec.headers].map(([k, v]) => [k, v.slice()]));
  }

  /** `[method]incoming-response.consume`: the body, once. */
  consume(): IncomingBody {
    if (this.#consumed) refuse();
    this.#consumed = true;
    return new IncomingBody(this.#io, this.#spec.body, this.#spec.trailers, () => this.#spec.abort());
  }

  /** `[resource-drop]incoming-response`: never consumed, the body is not received. */
  [Symbol.dispose](): void {
    if (!this.#consumed) this.#spec.abort();
  }
}

/** The `future-incoming-response` resource. */
export class FutureIncomingResponse {
  readonly #io: IoContext;
  readonly #response: Settling<IncomingResponse>;
  #taken = false;

  constructor(io: IoContext, response: Settling<IncomingResponse>) {
    this.#io = io;
    this.#response = response;
  }

  subscribe(): Pollable {
    return new Pollable(this.#io, this.#response.readiness);
  }

  /** `[method]future-incoming-response.get`: none while pending; the result once; err after. */
  get(): Result<Result<IncomingResponse, HttpErrorCode>, undefined> | undefined {
    if (!this.#response.settled) return undefined;
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    if (this.#response.failed) return { tag: 'ok', val: { tag: 'err', val: httpErrorOf(this.#response.error) } };
    return { tag: 'ok', val: { tag: 'ok', val: this.#response.value as IncomingResponse } };
  }

  /** Dropped before the response was taken: stop receiving it. */
  [Symbol.dispose](): void {
    if (this.#taken) return;
    this.#taken = true;
    void this.#response.done.then(() => {
      if (!this.#response.failed) (this.#response.value as IncomingResponse)[Symbol.dispose]();
    });
  }
}

/** The `outgoing-response` resource (a server's answer). */
export class OutgoingResponse {
  readonly #io: IoContext;
  readonly #headers: Fields;
  #status = 200;
  #body: OutgoingBody | undefined;

  constructor(io: IoContext, headers: Fields) {
    this.#io = io;
    headers.freeze();
    this.#headers = headers;
  }

  'status-code'(): number { return this.#status; }
  'set-status-code'(code: number): void {
    if (code < 100 || code > 999) refuse();
    this.#status = code;
  }

  headers(): Fields {
    return Fields.immutable(this.#headers.entries());
  }

  body(): OutgoingBody {
    if (this.#body !== undefined) refuse();
    this.#body = new OutgoingBody(this.#io, this.#headers);
    return this.#body;
  }

  /** What the server sends: status, headers and the body being written. */
  get target(): { readonly status: number; readonly headers: Fields; readonly body: OutgoingBody | undefined } {
    return { status: this.#status, headers: this.#headers, body: this.#body };
  }
}

/** The `incoming-request` resource (a request a server received). */
export class IncomingRequest {
  readonly #io: IoContext;
  readonly #method: Method;
  readonly #path: string | undefined;
  readonly #scheme: Scheme | undefined;
  readonly #authority: string | undefined;
  #headers: readonly FieldEntry[] | (() => readonly FieldEntry[]);
  readonly #body: ByteInput;
  readonly #trailers: Promise<readonly FieldEntry[] | undefined>;
  readonly #abort: () => void;
  #consumed = false;

  /**
   * `headers` may be a function, called when the guest first asks (a server need not convert
   * fields a guest never reads); `trailers` settles once the body has been read to its end;
   * `abort` stops receiving it.
   */
  constructor(io: IoContext, r: {
    method: string; path?: string; scheme?: Scheme; authority?: string; headers: readonly FieldEntry[] | (() => readonly FieldEntry[]); body: ByteInput;
    trailers?: Promise<readonly FieldEntry[] | undefined>; abort?: () => void;
  }) {
    this.#io = io;
    this.#method = methodOf(r.method);
    this.#path = r.path;
    this.#scheme = r.scheme;
    this.#authority = r.authority;
    this.#headers = r.headers;
    this.#body = r.body;
    this.#trailers = r.trailers ?? Promise.resolve(undefined);
    this.#abort = r.abort ?? (() => undefined);
  }

  method(): Method { return this.#method; }
  'path-with-query'(): string | undefined { return this.#path; }
  scheme(): Scheme | undefined { return this.#scheme; }
  authority(): string | undefined { return this.#authority; }
  headers(): Fields {
    if (typeof this.#headers === 'function') this.#headers = this.#headers();
    return Fields.immutable(this.#headers.map(([k, v]) => [k, v.slice()]));
  }

  consume(): IncomingBody {
    if (this.#consumed) refuse();
    this.#consumed = true;
    return new IncomingBody(this.#io, this.#body, this.#trailers, this.#abort);
  }
}

/** The `response-outparam` resource: where a server's handler puts its answer. */
export class ResponseOutparam {
  readonly #deliver: (r: Result<OutgoingResponse, HttpErrorCode>) => void;
  #set = false;

  constructor(deliver: (r: Result<OutgoingResponse, HttpErrorCode>) => void) {
    this.#deliver = deliver;
  }

  /** `[static]response-outparam.set` */
  static set(param: ResponseOutparam, response: Result<OutgoingResponse, HttpErrorCode>): void {
    if (param.#set) throw new Error('response-outparam.set: the response was already set');
    param.#set = true;
    param.#deliver(response);
  }
}

/** `http-error-code`: the code of a stream error that came from HTTP, if it did. */
export function httpErrorCode(err: IoError): HttpErrorCode | undefined {
  return err.codes.http;
}
