// wasi:http@0.3.0 `client` (https://github.com/WebAssembly/WASI/blob/v0.3.0/proposals/http/wit/worlds.wit):
// `send` is an `async` function, so the guest's task waits for the response on its own stack
// (or its callback loop) while others run. It goes out exactly as 0.2's outgoing-handler does:
// the same allow-list (grantedUrl, src/wasi/p2/sockets/policy.ts: deny by default), the same
// transport (src/wasi/p2/http/transport.ts; node:http/https from src/wasi/p2/node-http.ts)
// and the same error codes. The response's body streams in as the guest reads it.
import { fail } from '../../p2/result.ts';
import { grantedUrl } from '../../p2/http/index.ts';
import { methodName } from '../../p2/http/types.ts';
import { httpErrorOf, type HttpResponseSpec, type HttpTransport } from '../../p2/http/transport.ts';
import type { NetPolicy } from '../../p2/sockets/policy.ts';
import { bytesOf, chunksOf, internalError, OK, settled, type TrailersResult } from './body.ts';
import { Fields } from './fields.ts';
import { type Request, Response } from './types.ts';

export interface ClientContext {
  readonly policy: NetPolicy;
  /** Undefined where the platform cannot send requests: `send` then fails with internal-error. */
  readonly transport: HttpTransport | undefined;
}

const NS_PER_MS = 1_000_000n;

function ms(ns: bigint | undefined): number | undefined {
  return ns === undefined ? undefined : Number(ns / NS_PER_MS);
}

/** A transport's response as the `response` resource: its body read as the guest reads it. */
export function responseOf(spec: HttpResponseSpec): Response {
  const trailers: Promise<TrailersResult> = spec.trailers.then(
    (t) => ({ tag: 'ok', val: t === undefined ? undefined : Fields.immutable([...t]) }),
    (e: unknown) => ({ tag: 'err', val: httpErrorOf(e) }),
  );
  const abort = () => spec.abort();
  return new Response(Fields.immutable(spec.headers.map(([k, v]) => [k, v.slice()])), {
    contents: chunksOf(spec.body, abort),
    trailers,
    settle: () => undefined,
    abort,
  }, spec.status);
}

/** `wasi:http/client@0.3.0` */
export function httpClient(cx: ClientContext) {
  return {
    /** `send`: the response once its head arrived, or err(error-code). */
    async send(request: Request): Promise<Response> {
      const head = request.head;
      const url = grantedUrl(cx.policy, head.scheme, head.authority, head.path);
      const transport = cx.transport ?? fail(internalError('this host cannot send HTTP requests'));
      const body = request.takeBody();
      // HTTP/1.1 sends no request trailers, but the future is read: a guest writing it waits for a reader.
      void settled(body.trailers, undefined);
      const options = head.options;
      let spec: HttpResponseSpec;
      try {
        spec = await transport({
          method: methodName(head.method), url, headers: head.headers.list,
          // A request without contents (`none`) has no body; HTTP/1.1 sends no request trailers.
          body: body.contents === undefined ? undefined : bytesOf(body.contents),
          connectTimeoutMs: ms(options?.['get-connect-timeout']()),
          firstByteTimeoutMs: ms(options?.['get-first-byte-timeout']()),
          betweenBytesTimeoutMs: ms(options?.['get-between-bytes-timeout']()),
        });
      } catch (e) {
        const code = httpErrorOf(e);
        body.settle({ tag: 'err', val: code });
        return fail(code);
      }
      // The response began, so the request was sent whole.
      body.settle(OK);
      return responseOf(spec);
    },
  };
}
