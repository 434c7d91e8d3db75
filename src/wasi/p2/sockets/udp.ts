// wasi:sockets/udp and udp-create-socket
// (https://github.com/WebAssembly/WASI/blob/main/proposals/sockets/wit/udp.wit): a socket is
// bound (for real: Node binds UDP sockets on their own), then `stream` gives a pair of
// datagram streams, optionally limited to one peer; only the latest pair works. Datagrams go
// only to granted peers (`access-denied`), and arrive only from granted peers: others are
// dropped, as a firewall would (./policy.ts).
import { ALWAYS_READY, Pollable, type Readiness } from '../io/poll.ts';
import { Settling } from '../io/settling.ts';
import { type HostAddress, hostAddress, type IpAddressFamily, type IpSocketAddress, isIpv4Mapped, isUnspecified, socketAddressOf } from './address.ts';
import { type NetErrorCode, netErrorOf, type UdpEndpoint } from './backend.ts';
import { checkedAddress, failNet, type Network, type SocketsContext } from './network.ts';
import { MAX_DATAGRAM, UDP_DEFAULTS } from '../../shared/socket-options.ts';

export interface IncomingDatagram {
  readonly data: Uint8Array;
  readonly 'remote-address': IpSocketAddress;
}
export interface OutgoingDatagram {
  readonly data: Uint8Array;
  readonly 'remote-address': IpSocketAddress | undefined;
}

/** How many datagrams `check-send` permits at a time. */
const SEND_PERMIT = 64;

function sameAddress(a: HostAddress, b: HostAddress): boolean {
  return a.ip === b.ip && a.port === b.port;
}

/** The `udp-socket` resource. */
export class UdpSocket {
  readonly #cx: SocketsContext;
  readonly #family: IpAddressFamily;
  #state: 'unbound' | 'bind-started' | 'bound' = 'unbound';
  #pending: Settling<UdpEndpoint> | undefined;
  #endpoint: UdpEndpoint | undefined;
  #remote: HostAddress | undefined;
  /** Which `stream` call made the working pair. */
  #generation = 0;
  #hopLimit: number = UDP_DEFAULTS.hopLimit;
  #receiveBuffer: bigint = UDP_DEFAULTS.receiveBuffer;
  #sendBuffer: bigint = UDP_DEFAULTS.sendBuffer;
  #readiness: Readiness | undefined;

  constructor(cx: SocketsContext, family: IpAddressFamily) {
    this.#cx = cx;
    this.#family = family;
  }

  /** `[method]udp-socket.start-bind` */
  'start-bind'(_network: Network, local: IpSocketAddress): void {
    if (this.#state !== 'unbound') failNet('invalid-state');
    const a = checkedAddress(this.#family, local);
    if (!this.#cx.policy.allowsBind(a.ip, a.port)) failNet('access-denied');
    const backend = this.#cx.backend ?? failNet('not-supported');
    this.#state = 'bind-started';
    this.#pending = new Settling(backend.bindUdp(this.#family, a));
  }

  /** `[method]udp-socket.finish-bind` */
  'finish-bind'(): void {
    const p = this.#pending;
    if (this.#state !== 'bind-started' || p === undefined) failNet('not-in-progress');
    if (!p.settled) failNet('would-block');
    this.#pending = undefined;
    if (p.failed) {
      this.#state = 'unbound'; // a failed bind may be tried again (WIT)
      failNet(netErrorOf(p.error));
    }
    this.#endpoint = p.value as UdpEndpoint;
    this.#state = 'bound';
  }

  /** `[method]udp-socket.stream` */
  stream(remote: IpSocketAddress | undefined): [IncomingDatagramStream, OutgoingDatagramStream] {
    const ep = this.#endpoint;
    if (this.#state !== 'bound' || ep === undefined) failNet('invalid-state');
    let peer: HostAddress | undefined;
    if (remote !== undefined) {
      peer = checkedAddress(this.#family, remote);
      if (isUnspecified(peer) || peer.port === 0) failNet('invalid-argument');
      if (!this.#cx.policy.allowsPeer(peer.ip, peer.port)) failNet('access-denied');
    }
    this.#remote = peer;
    const generation = ++this.#generation;
    const live = () => {
      if (generation !== this.#generation || this.#endpoint === undefined) failNet('invalid-state');
      return this.#endpoint;
    };
    return [new IncomingDatagramStream(this.#cx, this.#family, live, peer), new OutgoingDatagramStream(this.#cx, this.#family, live, peer)];
  }

  /** `[method]udp-socket.local-address` */
  'local-address'(): IpSocketAddress {
    const ep = this.#endpoint;
    if (ep === undefined) failNet('invalid-state');
    return socketAddressOf(this.#family, ep.local.ip, ep.local.port) ?? failNet('unknown');
  }

  /** `[method]udp-socket.remote-address` */
  'remote-address'(): IpSocketAddress {
    const r = this.#remote;
    if (r === undefined) failNet('invalid-state');
    return socketAddressOf(this.#family, r.ip, r.port, r.flowInfo, r.scopeId) ?? failNet('unknown');
  }

  'address-family'(): IpAddressFamily {
    return this.#family;
  }

  'unicast-hop-limit'(): number {
    return this.#hopLimit;
  }

  'set-unicast-hop-limit'(value: number): void {
    if (value === 0) failNet('invalid-argument');
    this.#hopLimit = value;
  }

  'receive-buffer-size'(): bigint {
    return this.#receiveBuffer;
  }

  'set-receive-buffer-size'(value: bigint): void {
    if (value === 0n) failNet('invalid-argument');
    this.#receiveBuffer = value;
  }

  'send-buffer-size'(): bigint {
    return this.#sendBuffer;
  }

  'set-send-buffer-size'(value: bigint): void {
    if (value === 0n) failNet('invalid-argument');
    this.#sendBuffer = value;
  }

  /** `[method]udp-socket.subscribe`: ready once a started bind has finished. */
  subscribe(): Pollable {
    return new Pollable(this.#cx, this.#readiness ??= {
      isReady: () => this.#pending?.settled ?? true,
      whenReady: (signal) => (this.#pending?.readiness ?? ALWAYS_READY).whenReady(signal),
    });
  }

  /** `[resource-drop]udp-socket` */
  [Symbol.dispose](): void {
    this.#generation++;
    this.#endpoint?.close();
    this.#endpoint = undefined;
    const p = this.#pending;
    if (p !== undefined) void p.done.then(() => { if (!p.failed) (p.value as UdpEndpoint).close(); });
  }
}

/** The `incoming-datagram-stream` resource. */
export class IncomingDatagramStream {
  readonly #cx: SocketsContext;
  readonly #family: IpAddressFamily;
  readonly #live: () => UdpEndpoint;
  readonly #peer: HostAddress | undefined;

  constructor(cx: SocketsContext, family: IpAddressFamily, live: () => UdpEndpoint, peer: HostAddress | undefined) {
    this.#cx = cx;
    this.#family = family;
    this.#live = live;
    this.#peer = peer;
  }

  /** `[method]incoming-datagram-stream.receive`: what has arrived, never waiting. */
  receive(maxResults: bigint): IncomingDatagram[] {
    const ep = this.#live();
    const out: IncomingDatagram[] = [];
    const max = maxResults > 1024n ? 1024 : Number(maxResults);
    while (out.length < max) {
      const got = ep.receive(max - out.length);
      if (got.length === 0) break;
      for (const d of got) {
        // Not from the connected peer, or from a peer nobody granted: dropped.
        if (this.#peer !== undefined && !sameAddress(d.from, this.#peer)) continue;
        if (!this.#cx.policy.allowsPeer(d.from.ip, d.from.port)) continue;
        const from = socketAddressOf(this.#family, d.from.ip, d.from.port);
        if (from !== undefined) out.push({ data: d.data, 'remote-address': from });
      }
    }
    return out;
  }

  /** `[method]incoming-datagram-stream.subscribe` */
  subscribe(): Pollable {
    const live = this.#live;
    return new Pollable(this.#cx, {
      isReady: () => live().ready(),
      whenReady: (signal) => live().whenReady(signal),
    });
  }
}

/** The `outgoing-datagram-stream` resource. */
export class OutgoingDatagramStream {
  readonly #cx: SocketsContext;
  readonly #family: IpAddressFamily;
  readonly #live: () => UdpEndpoint;
  readonly #peer: HostAddress | undefined;
  #permit = 0;

  constructor(cx: SocketsContext, family: IpAddressFamily, live: () => UdpEndpoint, peer: HostAddress | undefined) {
    this.#cx = cx;
    this.#family = family;
    this.#live = live;
    this.#peer = peer;
  }

  /** `[method]outgoing-datagram-stream.check-send`: Node queues datagrams, so always a batch. */
  'check-send'(): bigint {
    this.#live();
    this.#permit = SEND_PERMIT;
    return BigInt(SEND_PERMIT);
  }

  /** `[method]outgoing-datagram-stream.send`: how many were sent; an error only if the first fails. */
  send(datagrams: readonly OutgoingDatagram[]): bigint {
    const ep = this.#live();
    // The WIT: sending more than check-send permitted traps.
    if (datagrams.length > this.#permit) throw new Error(`send: ${datagrams.length} datagrams, but check-send permitted ${this.#permit}`);
    this.#permit -= datagrams.length;
    let sent = 0;
    for (const d of datagrams) {
      const code = this.#sendOne(ep, d);
      if (code !== undefined) {
        if (sent === 0) failNet(code);
        break;
      }
      sent++;
    }
    return BigInt(sent);
  }

  /** Sends one datagram; the error code if it cannot be. */
  #sendOne(ep: UdpEndpoint, d: OutgoingDatagram): NetErrorCode | undefined {
    let to = this.#peer;
    if (d['remote-address'] !== undefined) {
      const a = d['remote-address'];
      if (a.tag !== this.#family || isIpv4Mapped(a)) return 'invalid-argument';
      to = hostAddress(a);
      if (this.#peer !== undefined && !sameAddress(to, this.#peer)) return 'invalid-argument';
    }
    if (to === undefined) return 'invalid-argument';
    if (isUnspecified(to) || to.port === 0) return 'invalid-argument';
    if (!this.#cx.policy.allowsPeer(to.ip, to.port)) return 'access-denied';
    if (d.data.length > MAX_DATAGRAM) return 'datagram-too-large';
    try {
      ep.send(d.data, to);
    } catch (e) {
      return netErrorOf(e);
    }
    return undefined;
  }

  /** `[method]outgoing-datagram-stream.subscribe`: sending never waits. */
  subscribe(): Pollable {
    return new Pollable(this.#cx, ALWAYS_READY);
  }
}

/** `wasi:sockets/udp-create-socket` */
export function udpCreateSocket(cx: SocketsContext) {
  return {
    'create-udp-socket'(family: IpAddressFamily): UdpSocket {
      if (cx.backend === undefined) failNet('not-supported');
      return new UdpSocket(cx, family);
    },
  };
}

/** `wasi:sockets/udp` */
export function udpInterface() {
  return { 'udp-socket': UdpSocket, 'incoming-datagram-stream': IncomingDatagramStream, 'outgoing-datagram-stream': OutgoingDatagramStream };
}
