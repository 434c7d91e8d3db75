// What the sockets interfaces need from the platform: TCP connections and listeners, UDP
// endpoints and name lookups. src/wasi/p2/node-sockets.ts implements it over node:net,
// node:dgram and node:dns; a browser has none (creating a socket is then `not-supported`).
// Everything here is already permitted: the allow-list is checked before the platform is
// asked (./policy.ts).
import type { InputStream as ByteInput } from '../../shared/stdio.ts';
import type { ByteSink } from '../io/streams.ts';
import type { HostAddress, IpAddressFamily } from './address.ts';

/** wasi:sockets/network `error-code`. */
export type NetErrorCode =
  | 'unknown' | 'access-denied' | 'not-supported' | 'invalid-argument' | 'out-of-memory' | 'timeout'
  | 'concurrency-conflict' | 'not-in-progress' | 'would-block' | 'invalid-state' | 'new-socket-limit'
  | 'address-not-bindable' | 'address-in-use' | 'remote-unreachable' | 'connection-refused'
  | 'connection-reset' | 'connection-aborted' | 'datagram-too-large' | 'name-unresolvable'
  | 'temporary-resolver-failure' | 'permanent-resolver-failure';

/** A connected TCP socket. Its input never waits (it says when to read again); its output buffers. */
export interface TcpConnection {
  readonly input: ByteInput;
  readonly output: ByteSink;
  readonly local: HostAddress;
  readonly remote: HostAddress;
  shutdown(receive: boolean, send: boolean): void;
  setKeepAlive(enabled: boolean, idleMs: number): void;
  close(): void;
}

export interface TcpListener {
  /** The address really bound (a port of 0 becomes the one picked). */
  readonly local: HostAddress;
  /** The next pending connection, or undefined. */
  accept(): TcpConnection | undefined;
  /** Whether a connection is pending. */
  ready(): boolean;
  whenReady(signal: AbortSignal): Promise<void>;
  close(): void;
}

export interface Datagram {
  readonly data: Uint8Array;
  readonly from: HostAddress;
}

export interface UdpEndpoint {
  readonly local: HostAddress;
  /** Up to `max` datagrams received so far (none: an empty list). */
  receive(max: number): Datagram[];
  ready(): boolean;
  whenReady(signal: AbortSignal): Promise<void>;
  /** Queues a datagram (copied). Throws a NetFailure-like error with a `code` it can say at once. */
  send(data: Uint8Array, to: HostAddress): void;
  close(): void;
}

export interface NetBackend {
  connect(family: IpAddressFamily, remote: HostAddress, local: HostAddress | undefined): Promise<TcpConnection>;
  listen(family: IpAddressFamily, local: HostAddress, backlog: number): Promise<TcpListener>;
  bindUdp(family: IpAddressFamily, local: HostAddress): Promise<UdpEndpoint>;
  /** The addresses `name` resolves to, as text. */
  lookup(name: string): Promise<string[]>;
}

/** The WASI code for a platform failure: a `wasiCode` it names, or its POSIX/libuv `code`. */
export function netErrorOf(e: unknown): NetErrorCode {
  const x = e as { wasiCode?: unknown; code?: unknown };
  if (typeof x?.wasiCode === 'string') return x.wasiCode as NetErrorCode;
  switch (x?.code) {
    case 'ECONNREFUSED': return 'connection-refused';
    case 'ECONNRESET': case 'EPIPE': return 'connection-reset';
    case 'ECONNABORTED': return 'connection-aborted';
    case 'EADDRINUSE': return 'address-in-use';
    case 'EADDRNOTAVAIL': return 'address-not-bindable';
    case 'ETIMEDOUT': return 'timeout';
    case 'EHOSTUNREACH': case 'ENETUNREACH': case 'EHOSTDOWN': case 'ENETDOWN': case 'ENONET': return 'remote-unreachable';
    case 'EACCES': case 'EPERM': return 'access-denied';
    case 'EMSGSIZE': return 'datagram-too-large';
    case 'EINVAL': case 'EAFNOSUPPORT': return 'invalid-argument';
    case 'EMFILE': case 'ENFILE': return 'new-socket-limit';
    case 'ENOMEM': case 'ENOBUFS': return 'out-of-memory';
    case 'ENOTFOUND': case 'EAI_NONAME': case 'ENODATA': return 'name-unresolvable';
    case 'EAI_AGAIN': case 'ETIMEOUT': return 'temporary-resolver-failure';
    case 'EAI_FAIL': return 'permanent-resolver-failure';
    default: return 'unknown';
  }
}
