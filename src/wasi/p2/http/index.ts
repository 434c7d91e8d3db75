// wasi:http/types and wasi:http/outgoing-handler as interface objects. Resource classes whose
// WIT constructors take no host context (`outgoing-request`, `outgoing-response`) are made
// per host, bound to its I/O context.
import type { IoError } from '../io/error.ts';
import type { IoContext } from '../io/poll.ts';
import { Settling } from '../io/settling.ts';
import { fail } from '../result.ts';
import type { NetPolicy } from '../sockets/policy.ts';
import { Fields } from './fields.ts';
import type { HttpErrorCode, HttpTransport } from './transport.ts';
import {
  FutureIncomingResponse, FutureTrailers, httpErrorCode, IncomingBody, IncomingRequest, IncomingResponse, methodName,
  OutgoingBody, OutgoingRequest, OutgoingResponse, RequestOptions, ResponseOutparam, type Scheme,
} from './types.ts';

export interface HttpContext extends IoContext {
  readonly policy: NetPolicy;
  /** Undefined where the platform cannot send requests: `handle` then fails with internal-error. */
  readonly transport: HttpTransport | undefined;
}

/** `wasi:http/types` */
export function httpTypes(io: IoContext) {
  const Request = class extends OutgoingRequest {
    constructor(headers: Fields) {
      super(io, headers);
    }
  };
  const Response = class extends OutgoingResponse {
    constructor(headers: Fields) {
      super(io, headers);
    }
  };
  Object.defineProperty(Request, 'name', { value: 'OutgoingRequest' });
  Object.defineProperty(Response, 'name', { value: 'OutgoingResponse' });
  return {
    fields: Fields,
    'incoming-request': IncomingRequest,
    'outgoing-request': Request,
    'request-options': RequestOptions,
    'response-outparam': ResponseOutparam,
    'incoming-response': IncomingResponse,
    'incoming-body': IncomingBody,
    'future-trailers': FutureTrailers,
    'outgoing-response': Response,
    'outgoing-body': OutgoingBody,
    'future-incoming-response': FutureIncomingResponse,
    'http-error-code': (err: IoError): HttpErrorCode | undefined => httpErrorCode(err),
  };
}

const NS_PER_MS = 1_000_000n;

function ms(ns: bigint | undefined): number | undefined {
  return ns === undefined ? undefined : Number(ns / NS_PER_MS);
}

/**
 * The URL an outgoing request goes to, if the allow-list grants its host and port; otherwise
 * `err` with the wasi:http error code (the same rules for 0.2's outgoing-handler and 0.3's
 * client).
 */
export function grantedUrl(policy: NetPolicy, scheme: Scheme | undefined, authority: string | undefined, path: string | undefined): URL {
  if (authority === undefined || authority === '') fail({ tag: 'HTTP-request-URI-invalid' });
  // wasmtime's default scheme is HTTPS.
  const s = scheme ?? { tag: 'HTTPS' };
  if (s.tag === 'other') fail({ tag: 'HTTP-protocol-error' });
  let url: URL;
  try {
    url = new URL(`${s.tag === 'HTTP' ? 'http' : 'https'}://${authority}${path ?? '/'}`);
  } catch {
    return fail({ tag: 'HTTP-request-URI-invalid' });
  }
  const port = url.port === '' ? (s.tag === 'HTTP' ? 80 : 443) : Number(url.port);
  if (!policy.allowsName(url.hostname, port)) fail({ tag: 'HTTP-request-denied' });
  return url;
}

/** `wasi:http/outgoing-handler`: sends a request if the allow-list grants its host and port. */
export function outgoingHandler(cx: HttpContext) {
  return {
    handle(request: OutgoingRequest, options: RequestOptions | undefined): FutureIncomingResponse {
      const t = request.target;
      const url = grantedUrl(cx.policy, t.scheme, t.authority, t.path);
      const transport = cx.transport ?? fail({ tag: 'internal-error', val: 'this host cannot send HTTP requests' });
      const sent = transport({
        method: methodName(t.method), url, headers: t.headers.list, body: t.body?.pipe,
        connectTimeoutMs: ms(options?.['connect-timeout']()),
        firstByteTimeoutMs: ms(options?.['first-byte-timeout']()),
        betweenBytesTimeoutMs: ms(options?.['between-bytes-timeout']()),
      });
      return new FutureIncomingResponse(cx, new Settling(sent.then((r) => new IncomingResponse(cx, r))));
    },
  };
}
