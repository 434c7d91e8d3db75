// The host network for a guest granted `--allow-net`: node:net/dgram/dns sockets and node:http
// for outgoing requests. Shared by `tessera run` (components) and `tessera serve`. The
// adapters load only when something is granted: start-up time matters.
import type { NetBackend } from '../wasi/p2/sockets/backend.ts';
import type { NetPolicy } from '../wasi/p2/sockets/policy.ts';
import type { HttpTransport } from '../wasi/p2/http/transport.ts';

export interface GrantedNetwork {
  network?: NetBackend & { closeAll(): void };
  http?: HttpTransport;
}

export async function grantedNetwork(policy: NetPolicy): Promise<GrantedNetwork> {
  if (policy.empty) return {};
  const sockets = await import('../wasi/p2/node-sockets.ts');
  const network = new sockets.NodeNetBackend();
  const http = (await import('../wasi/p2/node-http.ts')).nodeHttpTransport;
  await sockets.resolveGrants(policy, network);
  return { network, http };
}
