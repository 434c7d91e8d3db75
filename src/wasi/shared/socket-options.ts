// Socket options as wasi:sockets keeps them, for the 0.2 and 0.3 hosts alike
// (https://github.com/WebAssembly/WASI/blob/main/proposals/sockets/wit/tcp.wit and, at 0.3.0,
// types.wit): what a socket reports before the guest sets anything, and how a value set is
// rounded. Node applies keep-alive (idle time, in whole seconds) and nothing else of these, so
// the rest are remembered and reported back, as the WIT allows ("may be clamped or rounded").

export const NS_PER_S = 1_000_000_000n;

export interface TcpOptions {
  backlog: number;
  keepAlive: boolean;
  keepIdle: bigint;
  keepInterval: bigint;
  keepCount: number;
  hopLimit: number;
  receiveBuffer: bigint;
  sendBuffer: bigint;
}

/** Linux's defaults (tcp(7)). */
export function tcpDefaults(): TcpOptions {
  return {
    backlog: 128, keepAlive: false, keepIdle: 7200n * NS_PER_S, keepInterval: 75n * NS_PER_S, keepCount: 9,
    hopLimit: 64, receiveBuffer: 131072n, sendBuffer: 16384n,
  };
}

/** Linux's defaults for a UDP socket (udp(7), net.core.{r,w}mem_default). */
export const UDP_DEFAULTS = { hopLimit: 64, receiveBuffer: 212992n, sendBuffer: 212992n } as const;

/** The largest UDP payload over IPv4 (65535 - 8 - 20); larger is `datagram-too-large`. */
export const MAX_DATAGRAM = 65507;

/** A keep-alive duration as the platform takes it: whole seconds, rounded up, as Linux does. */
export function wholeSeconds(ns: bigint): bigint {
  return ((ns + NS_PER_S - 1n) / NS_PER_S) * NS_PER_S;
}

/** The same duration in milliseconds, what node:net's setKeepAlive takes. */
export function keepAliveMs(o: TcpOptions): number {
  return Number(o.keepIdle / 1_000_000n);
}

/** A backlog hint as a listen(2) argument. */
export function backlogOf(value: bigint): number {
  return value > 0x7fffffffn ? 0x7fffffff : Number(value);
}
