// wasi:sockets/network and instance-network
// (https://github.com/WebAssembly/WASI/blob/main/proposals/sockets/wit/network.wit): the
// `network` resource is the capability every socket operation names; one per instance here,
// governed by the allow-list (./policy.ts) for everything it reaches.
import type { IoError } from '../io/error.ts';
import type { IoContext } from '../io/poll.ts';
import { fail } from '../result.ts';
import type { IpAddressFamily, IpSocketAddress } from './address.ts';
import { hostAddress, type HostAddress, isIpv4Mapped } from './address.ts';
import type { NetBackend, NetErrorCode } from './backend.ts';
import type { NetPolicy } from './policy.ts';

/** What every socket of one host shares. */
export interface SocketsContext extends IoContext {
  readonly policy: NetPolicy;
  /** Undefined where the platform has no sockets (a browser): creating one is `not-supported`. */
  readonly backend: NetBackend | undefined;
}

/** The `network` resource. */
export class Network {}

/** Ends the call with `err(code)`. */
export function failNet(code: NetErrorCode): never {
  return fail(code);
}

/** An address argument of the socket's family, not IPv4-mapped (the WIT refuses those), as the host's form. */
export function checkedAddress(family: IpAddressFamily, a: IpSocketAddress): HostAddress {
  if (a.tag !== family || isIpv4Mapped(a)) failNet('invalid-argument');
  return hostAddress(a);
}

/** `wasi:sockets/instance-network` */
export function instanceNetwork(network: Network) {
  return { 'instance-network': (): Network => network };
}

/** `network-error-code`: the code of a stream error that came from a socket, if it did. */
export function networkErrorCode(err: IoError): NetErrorCode | undefined {
  return err.codes.network as NetErrorCode | undefined;
}

/** `wasi:sockets/network` */
export function networkInterface() {
  return { network: Network, 'network-error-code': networkErrorCode };
}
