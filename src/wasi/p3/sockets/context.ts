// What every 0.3 socket of one host shares: the 0.2 host's allow-list (deny by default,
// ../../p2/sockets/policy.ts) and platform (../../p2/sockets/backend.ts), and the address
// checks every bind, connect and send makes (types.wit: wrong family and IPv4-mapped IPv6
// addresses are `invalid-argument`). 0.3 has no `network` resource: the capability is the
// host's, given to every socket it creates.
import {
  type HostAddress, hostAddress, type IpAddressFamily, type IpSocketAddress, isIpv4Mapped, socketAddressOf,
} from '../../p2/sockets/address.ts';
import type { NetBackend } from '../../p2/sockets/backend.ts';
import type { NetPolicy } from '../../p2/sockets/policy.ts';
import { fail } from './error-code.ts';

export interface NetContext {
  readonly policy: NetPolicy;
  /** Undefined where the platform has no sockets (a browser): creating one is `not-supported`. */
  readonly backend: NetBackend | undefined;
}

/** An address argument of the socket's family, not IPv4-mapped, in the host's form. */
export function checkedAddress(family: IpAddressFamily, a: IpSocketAddress): HostAddress {
  if (a.tag !== family || isIpv4Mapped(a)) fail('invalid-argument');
  return hostAddress(a);
}

/** `0.0.0.0:0` or `[::]:0`: where an implicit bind puts a socket. */
export function anyAddress(family: IpAddressFamily): HostAddress {
  return { family, ip: family === 'ipv4' ? '0.0.0.0' : '0:0:0:0:0:0:0:0', port: 0, flowInfo: 0, scopeId: 0 };
}

/** A host address as the WIT value. */
export function wireAddress(family: IpAddressFamily, a: HostAddress): IpSocketAddress {
  return socketAddressOf(family, a.ip, a.port, a.flowInfo, a.scopeId) ?? fail({ tag: 'other', val: `not an IP address: ${a.ip}` });
}

export function sameAddress(a: HostAddress, b: HostAddress): boolean {
  return a.ip === b.ip && a.port === b.port;
}
