// wasi:sockets@0.3.0 (https://github.com/WebAssembly/WASI/tree/v0.3.0/proposals/sockets/wit):
// the `types` interface (tcp-socket, udp-socket and the address types) and `ip-name-lookup`,
// over the 0.2 host's platform adapter and allow-list (deny by default: with no `allowNet`
// nothing is reachable, and with no `network` adapter creating a socket is `not-supported`).
import type { NetContext } from './context.ts';
import { ipNameLookup } from './ip-name-lookup.ts';
import { createTcpSocket, TcpSocket } from './tcp.ts';
import { createUdpSocket, UdpSocket } from './udp.ts';

export type { NetContext } from './context.ts';
export { TcpSocket } from './tcp.ts';
export { UdpSocket } from './udp.ts';

/** The interfaces by name within the package (`types`, `ip-name-lookup`). */
export function socketsInterfaces(cx: NetContext) {
  return {
    types: {
      'tcp-socket': TcpSocket,
      'udp-socket': UdpSocket,
      // Given by name: a static needs this host's context, which one class shared by every host lacks.
      '[static]tcp-socket.create': createTcpSocket(cx),
      '[static]udp-socket.create': createUdpSocket(cx),
    },
    'ip-name-lookup': ipNameLookup(cx),
  };
}
