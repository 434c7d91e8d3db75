// wasi:http@0.3.0 `types` (https://github.com/WebAssembly/WASI/blob/v0.3.0/proposals/http/wit/types.wit):
// `request`, `request-options` and `response` as host resource classes. In 0.3 a message is its
// head (method, target or status, headers) and a body (body.ts): a stream<u8> of contents and a
// future of trailers, given to `new` and taken back out, once, by `consume-body`. The head's
// rules are 0.2's (src/wasi/p2/http/types.ts: methods, paths, authorities, schemes, statuses;
// fields.ts: headers), and so are the error codes (src/wasi/p2/http/transport.ts).
import { fail } from '../../p2/result.ts';
import { type Method, methodOf, type Scheme, validAuthority, validPath } from '../../p2/http/types.ts';
import { validName } from '../../p2/http/fields.ts';
import { type Body, type Contents, internalError, noContents, type Outcome, settled, transmission, type TrailersResult } from './body.ts';
import { Fields } from './fields.ts';

/** `result` without a payload, as the setters return it: err. */
function refuse(): never {
  return fail(undefined);
}

/** What `consume-body` gives: the contents (an empty stream for none) and the trailers future. */
function consume(body: Body, res: PromiseLike<Outcome>): [Contents, PromiseLike<TrailersResult>] {
  // The taker says through `res` how handling the body went: that is the writer's transmission outcome.
  void settled(res, { tag: 'err', val: internalError('the body\'s reader dropped its result future') }).then(body.settle);
  return [body.contents ?? noContents(), body.trailers];
}

/** `request-options`: transport timeouts in nanoseconds. */
export class RequestOptions {
  #connect: bigint | undefined;
  #firstByte: bigint | undefined;
  #betweenBytes: bigint | undefined;
  #immutable = false;

  #set(): void {
    if (this.#immutable) fail({ tag: 'immutable' });
  }

  'get-connect-timeout'(): bigint | undefined { return this.#connect; }
  'set-connect-timeout'(d: bigint | undefined): void { this.#set(); this.#connect = d; }
  'get-first-byte-timeout'(): bigint | undefined { return this.#firstByte; }
  'set-first-byte-timeout'(d: bigint | undefined): void { this.#set(); this.#firstByte = d; }
  'get-between-bytes-timeout'(): bigint | undefined { return this.#betweenBytes; }
  'set-between-bytes-timeout'(d: bigint | undefined): void { this.#set(); this.#betweenBytes = d; }

  /** `[method]request-options.clone`: a mutable copy. */
  clone(): RequestOptions {
    const o = new RequestOptions();
    o.#connect = this.#connect;
    o.#firstByte = this.#firstByte;
    o.#betweenBytes = this.#betweenBytes;
    return o;
  }

  /** An immutable copy (what `request.get-options` hands out). */
  frozen(): RequestOptions {
    const o = this.clone();
    o.#immutable = true;
    return o;
  }
}

/** What the host builds a request from (a server's incoming request, src/serve/service-p3.ts). */
export interface RequestHead {
  readonly method: string;
  readonly scheme?: Scheme;
  readonly authority?: string;
  readonly path?: string;
  readonly headers: Fields;
}

/** The `request` resource. */
export class Request {
  #method: Method = { tag: 'get' };
  #scheme: Scheme | undefined;
  #authority: string | undefined;
  #path: string | undefined;
  readonly #headers: Fields;
  readonly #options: RequestOptions | undefined;
  #body: Body | undefined;

  /** The host's constructor; a guest makes requests with `new`. */
  constructor(headers: Fields, body: Body, options?: RequestOptions) {
    headers.freeze();
    this.#headers = headers;
    this.#body = body;
    this.#options = options;
  }

  /** A request the host received (a server's): its head and body as given. */
  static incoming(head: RequestHead, body: Body): Request {
    const r = new Request(head.headers, body);
    r.#method = methodOf(head.method);
    r.#scheme = head.scheme;
    r.#authority = head.authority;
    r.#path = head.path;
    return r;
  }

  /** `[static]request.new`: the request and the future of how its transmission went. */
  static new(headers: Fields, contents: Contents | undefined, trailers: PromiseLike<TrailersResult>, options: RequestOptions | undefined): [Request, Promise<Outcome>] {
    const t = transmission();
    return [new Request(headers, { contents, trailers, settle: t.settle }, options), t.done];
  }

  'get-method'(): Method { return this.#method; }
  'set-method'(m: Method): void {
    if (m.tag === 'other' && !validName(m.val)) refuse();
    this.#method = m;
  }

  'get-path-with-query'(): string | undefined { return this.#path; }
  'set-path-with-query'(p: string | undefined): void {
    if (p !== undefined && !validPath(p)) refuse();
    this.#path = p;
  }

  'get-scheme'(): Scheme | undefined { return this.#scheme; }
  'set-scheme'(s: Scheme | undefined): void {
    if (s?.tag === 'other' && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(s.val)) refuse();
    this.#scheme = s;
  }

  'get-authority'(): string | undefined { return this.#authority; }
  'set-authority'(a: string | undefined): void {
    if (a !== undefined && !validAuthority(a)) refuse();
    this.#authority = a;
  }

  /** `[method]request.get-options`: an immutable copy. */
  'get-options'(): RequestOptions | undefined {
    return this.#options?.frozen();
  }

  /** `[method]request.get-headers`: an immutable copy. */
  'get-headers'(): Fields {
    return Fields.immutable(this.#headers.entries());
  }

  /** The head, for the client and the server (no copies). */
  get head(): { readonly method: Method; readonly scheme: Scheme | undefined; readonly authority: string | undefined; readonly path: string | undefined; readonly headers: Fields; readonly options: RequestOptions | undefined } {
    return { method: this.#method, scheme: this.#scheme, authority: this.#authority, path: this.#path, headers: this.#headers, options: this.#options };
  }

  /** Takes the body out (once): the client sending the request. */
  takeBody(): Body {
    const b = this.#body;
    if (b === undefined) throw new Error('internal: the request\'s body was already taken');
    this.#body = undefined;
    return b;
  }

  /** `[static]request.consume-body` */
  static 'consume-body'(self: Request, res: PromiseLike<Outcome>): [Contents, PromiseLike<TrailersResult>] {
    return consume(self.takeBody(), res);
  }

  /** `[resource-drop]request`: a body nobody took is not produced any further. */
  [Symbol.dispose](): void {
    this.#body?.abort?.();
  }
}

/** The `response` resource. */
export class Response {
  #status = 200;
  readonly #headers: Fields;
  #body: Body | undefined;

  /** The host's constructor (a client's response); a guest makes responses with `new`. */
  constructor(headers: Fields, body: Body, status = 200) {
    headers.freeze();
    this.#headers = headers;
    this.#body = body;
    this.#status = status;
  }

  /** `[static]response.new`: the response and the future of how its transmission went. */
  static new(headers: Fields, contents: Contents | undefined, trailers: PromiseLike<TrailersResult>): [Response, Promise<Outcome>] {
    const t = transmission();
    return [new Response(headers, { contents, trailers, settle: t.settle }), t.done];
  }

  'get-status-code'(): number { return this.#status; }
  'set-status-code'(code: number): void {
    // wasmtime takes what the `http` crate does: three digits.
    if (code < 100 || code > 999) refuse();
    this.#status = code;
  }

  /** `[method]response.get-headers`: an immutable copy. */
  'get-headers'(): Fields {
    return Fields.immutable(this.#headers.entries());
  }

  /** The status and headers, for the server (no copies). */
  get head(): { readonly status: number; readonly headers: Fields } {
    return { status: this.#status, headers: this.#headers };
  }

  /** Takes the body out (once): the server answering with it. */
  takeBody(): Body {
    const b = this.#body;
    if (b === undefined) throw new Error('internal: the response\'s body was already taken');
    this.#body = undefined;
    return b;
  }

  /** `[static]response.consume-body` */
  static 'consume-body'(self: Response, res: PromiseLike<Outcome>): [Contents, PromiseLike<TrailersResult>] {
    return consume(self.takeBody(), res);
  }

  /** `[resource-drop]response`: a body nobody took is not received any further. */
  [Symbol.dispose](): void {
    this.#body?.abort?.();
  }
}

/** `wasi:http/types@0.3.0` */
export function httpTypes() {
  return { fields: Fields, request: Request, 'request-options': RequestOptions, response: Response };
}
