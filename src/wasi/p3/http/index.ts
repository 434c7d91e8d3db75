// wasi:http@0.3.0 for WasiP3 (src/wasi/p3/host.ts): `types` and `client`, keyed by interface
// name without the version. The `handler` a service exports is called by tessera serve
// (src/serve/service-p3.ts).
import type { HttpTransport } from '../../p2/http/transport.ts';
import type { NetPolicy } from '../../p2/sockets/policy.ts';
import { httpClient } from './client.ts';
import { httpTypes } from './types.ts';

export { type Body, bytesOf, type Contents, type Outcome, type TrailersResult } from './body.ts';
export { httpClient, responseOf } from './client.ts';
export { Fields } from './fields.ts';
export { Request, RequestOptions, Response, httpTypes } from './types.ts';

export function httpInterfaces(policy: NetPolicy, transport: HttpTransport | undefined): Record<string, object> {
  const types = httpTypes();
  return {
    'wasi:http/types': types,
    'wasi:http/client': { ...httpClient({ policy, transport }), ...types },
  };
}
