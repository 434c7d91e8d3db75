// wasi:sockets/types@0.3.0 `udp-socket`
// (https://github.com/WebAssembly/WASI/blob/v0.3.0/proposals/sockets/wit/types.wit): a
// datagram socket whose `send` and `receive` are `async func`s, over the 0.2 host's platform
// endpoints (../../p2/sockets/backend.ts). Datagrams go only to granted peers (`access-denied`)
// and arrive only from granted peers (others are dropped, as a firewall would), as in 0.2.
//
// `bind` is synchronous in the WIT and asynchronous in Node: it starts the platform's bind; a
// bind failure (`address-in-use`) is the answer of the next `send` or `receive`, and
// `get-local-address` reports the address asked for until the platform has bound it. `send`,
// `connect` and `receive` bind implicitly, as the WIT requires. "Connecting" only sets the
// peer the host filters by: it sends nothing, as the WIT says.
import { Settling } from '../../p2/io/settling.ts';
import { type HostAddress, type IpAddressFamily, type IpSocketAddress, isUnspecified } from '../../p2/sockets/address.ts';
import type { UdpEndpoint } from '../../p2/sockets/backend.ts';
import { MAX_DATAGRAM, UDP_DEFAULTS } from '../../shared/socket-options.ts';
import { anyAddress, checkedAddress, type NetContext, sameAddress, wireAddress } from './context.ts';
import { errorOf, fail } from './error-code.ts';

/** The `udp-socket` resource. */
export class UdpSocket {
  readonly #cx: NetContext;
  readonly #family: IpAddressFamily;
  #local: HostAddress | undefined;
  #endpoint: Settling<UdpEndpoint> | undefined;
  #remote: HostAddress | undefined;
  #hopLimit: number = UDP_DEFAULTS.hopLimit;
  #receiveBuffer: bigint = UDP_DEFAULTS.receiveBuffer;
  #sendBuffer: bigint = UDP_DEFAULTS.sendBuffer;
  #dropped = false;

  constructor(cx: NetContext, family: IpAddressFamily) {
    this.#cx = cx;
    this.#family = family;
  }

  #startBind(a: HostAddress): void {
    const backend = this.#cx.backend ?? fail('not-supported');
    const ep = new Settling(backend.bindUdp(this.#family, a));
    this.#local = a;
    this.#endpoint = ep;
    void ep.done.then(() => {
      if (ep.failed) return;
      const bound = ep.value as UdpEndpoint;
      if (this.#dropped) bound.close();
      else this.#local = bound.local;
    });
  }

  /** The bound endpoint, binding implicitly first (WIT: send, connect). */
  #implicitBind(): Settling<UdpEndpoint> {
    if (this.#endpoint === undefined) this.#startBind(anyAddress(this.#family));
    return this.#endpoint as Settling<UdpEndpoint>;
  }

  /** The platform endpoint once bound; its bind failure as this call's error. */
  async #bound(ep: Settling<UdpEndpoint>): Promise<UdpEndpoint> {
    await ep.done;
    if (ep.failed) fail(errorOf(ep.error));
    if (this.#dropped) fail('invalid-state');
    return ep.value as UdpEndpoint;
  }

  /** `[method]udp-socket.bind` */
  bind(local: IpSocketAddress): void {
    const a = checkedAddress(this.#family, local);
    if (this.#endpoint !== undefined) fail('invalid-state');
    if (!this.#cx.policy.allowsBind(a.ip, a.port)) fail('access-denied');
    this.#startBind(a);
  }

  /** `[method]udp-socket.connect`: only later datagrams to and from this granted peer. */
  connect(remote: IpSocketAddress): void {
    const peer = checkedAddress(this.#family, remote);
    if (isUnspecified(peer) || peer.port === 0) fail('invalid-argument');
    if (!this.#cx.policy.allowsPeer(peer.ip, peer.port)) fail('access-denied');
    this.#implicitBind();
    this.#remote = peer;
  }

  /** `[method]udp-socket.disconnect` */
  disconnect(): void {
    if (this.#remote === undefined) fail('invalid-state');
    this.#remote = undefined;
  }

  /** `[method]udp-socket.send` (async) */
  async send(data: Uint8Array, remote: IpSocketAddress | undefined): Promise<void> {
    let to = this.#remote;
    if (remote !== undefined) {
      const a = checkedAddress(this.#family, remote);
      if (to !== undefined && !sameAddress(a, to)) fail('invalid-argument');
      to = a;
    }
    if (to === undefined || isUnspecified(to) || to.port === 0) fail('invalid-argument');
    if (!this.#cx.policy.allowsPeer(to.ip, to.port)) fail('access-denied');
    // The WIT lets an implementation trap beyond 64 KiB; the datagram limit is an error code.
    if (data.length > MAX_DATAGRAM) fail('datagram-too-large');
    const ep = await this.#bound(this.#implicitBind());
    try {
      ep.send(data, to);
    } catch (e) {
      fail(errorOf(e));
    }
  }

  /** `[method]udp-socket.receive` (async): the next datagram from a granted (and the connected) peer. */
  async receive(): Promise<[Uint8Array, IpSocketAddress]> {
    if (this.#endpoint === undefined) fail('invalid-state');
    const ep = await this.#bound(this.#endpoint);
    const wait = new AbortController().signal;
    for (;;) {
      if (this.#dropped) fail('invalid-state');
      for (const d of ep.receive(1)) {
        const peer = this.#remote;
        if (peer !== undefined && !sameAddress(d.from, peer)) continue;
        if (!this.#cx.policy.allowsPeer(d.from.ip, d.from.port)) continue;
        return [d.data, wireAddress(this.#family, d.from)];
      }
      if (!ep.ready()) await ep.whenReady(wait);
    }
  }

  /** `[method]udp-socket.get-local-address` */
  'get-local-address'(): IpSocketAddress {
    if (this.#local === undefined) fail('invalid-state');
    return wireAddress(this.#family, this.#local);
  }

  /** `[method]udp-socket.get-remote-address` */
  'get-remote-address'(): IpSocketAddress {
    if (this.#remote === undefined) fail('invalid-state');
    return wireAddress(this.#family, this.#remote);
  }

  'get-address-family'(): IpAddressFamily {
    return this.#family;
  }

  'get-unicast-hop-limit'(): number {
    return this.#hopLimit;
  }

  'set-unicast-hop-limit'(value: number): void {
    if (value === 0) fail('invalid-argument');
    this.#hopLimit = value;
  }

  'get-receive-buffer-size'(): bigint {
    return this.#receiveBuffer;
  }

  'set-receive-buffer-size'(value: bigint): void {
    if (value === 0n) fail('invalid-argument');
    this.#receiveBuffer = value;
  }

  'get-send-buffer-size'(): bigint {
    return this.#sendBuffer;
  }

  'set-send-buffer-size'(value: bigint): void {
    if (value === 0n) fail('invalid-argument');
    this.#sendBuffer = value;
  }

  /** `[resource-drop]udp-socket` */
  [Symbol.dispose](): void {
    if (this.#dropped) return;
    this.#dropped = true;
    const ep = this.#endpoint;
    if (ep !== undefined && ep.settled && !ep.failed) (ep.value as UdpEndpoint).close();
  }
}

/** `[static]udp-socket.create` */
export function createUdpSocket(cx: NetContext): (family: IpAddressFamily) => UdpSocket {
  return (family) => {
    if (cx.backend === undefined) fail('not-supported');
    return new UdpSocket(cx, family);
  };
}

