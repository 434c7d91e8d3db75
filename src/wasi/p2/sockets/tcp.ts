// wasi:sockets/tcp and tcp-create-socket
// (https://github.com/WebAssembly/WASI/blob/main/proposals/sockets/wit/tcp.wit and
// TcpSocketOperationalSemantics.md): the socket's state machine, its options, and its
// streams, over the platform's connections (./backend.ts). Every peer and listening address
// is checked against the allow-list first (`access-denied`).
//
// Node binds a TCP socket only as it listens or connects, so `finish-bind` records the
// address and the platform binds it at `start-listen` / `start-connect`: a bind error such as
// `address-in-use` surfaces from `finish-listen` / `finish-connect`, and `local-address`
// before then is the address asked for (RATIONALE.md).
import { Settling } from '../io/settling.ts';
import { ALWAYS_READY, Pollable, type Readiness } from '../io/poll.ts';
import { InputStream, OutputStream } from '../io/streams.ts';
import { type HostAddress, type IpAddressFamily, type IpSocketAddress, isNonUnicast, isUnspecified, socketAddressOf } from './address.ts';
import { netErrorOf, type TcpConnection, type TcpListener } from './backend.ts';
import { checkedAddress, failNet, Network, type SocketsContext } from './network.ts';
import { backlogOf, keepAliveMs, tcpDefaults as defaults, type TcpOptions as Options, wholeSeconds } from '../../shared/socket-options.ts';

type State = 'unbound' | 'bind-started' | 'bound' | 'listen-started' | 'listening' | 'connect-started' | 'connected' | 'closed';
export type ShutdownType = 'receive' | 'send' | 'both';

function addressOf(family: IpAddressFamily, a: HostAddress): IpSocketAddress {
  return socketAddressOf(family, a.ip, a.port, a.flowInfo, a.scopeId) ?? failNet('unknown');
}

/** The `tcp-socket` resource. */
export class TcpSocket {
  readonly #cx: SocketsContext;
  readonly #family: IpAddressFamily;
  readonly #o: Options;
  #state: State = 'unbound';
  #network: Network | undefined;
  #local: HostAddress | undefined;
  #pending: Settling<TcpConnection> | Settling<TcpListener> | undefined;
  #conn: TcpConnection | undefined;
  #listener: TcpListener | undefined;
  #readiness: Readiness | undefined;

  constructor(cx: SocketsContext, family: IpAddressFamily, o: Options = defaults()) {
    this.#cx = cx;
    this.#family = family;
    this.#o = o;
  }

  /** An accepted connection as a socket in the `connected` state. */
  static #accepted(cx: SocketsContext, family: IpAddressFamily, o: Options, conn: TcpConnection): TcpSocket {
    const s = new TcpSocket(cx, family, { ...o });
    s.#state = 'connected';
    s.#conn = conn;
    s.#local = conn.local;
    if (o.keepAlive) conn.setKeepAlive(true, keepAliveMs(o));
    return s;
  }

  #streams(conn: TcpConnection): [InputStream, OutputStream] {
    return [new InputStream(this.#cx, conn.input), new OutputStream(this.#cx, conn.output)];
  }

  #sameNetwork(network: Network): void {
    if (this.#network !== undefined && this.#network !== network) failNet('invalid-argument');
  }

  /** `[method]tcp-socket.start-bind` */
  'start-bind'(network: Network, local: IpSocketAddress): void {
    if (this.#state !== 'unbound') failNet('invalid-state');
    const a = checkedAddress(this.#family, local);
    if (isNonUnicast(local)) failNet('invalid-argument');
    if (!this.#cx.policy.allowsBind(a.ip, a.port)) failNet('access-denied');
    this.#network = network;
    this.#local = a;
    this.#state = 'bind-started';
  }

  /** `[method]tcp-socket.finish-bind` */
  'finish-bind'(): void {
    if (this.#state !== 'bind-started') failNet('not-in-progress');
    this.#state = 'bound';
  }

  /** `[method]tcp-socket.start-connect` */
  'start-connect'(network: Network, remote: IpSocketAddress): void {
    switch (this.#state) {
      case 'unbound': case 'bound': break;
      case 'bind-started': failNet('concurrency-conflict'); break;
      default: failNet('invalid-state');
    }
    this.#sameNetwork(network);
    const a = checkedAddress(this.#family, remote);
    if (isNonUnicast(remote) || isUnspecified(a) || a.port === 0) failNet('invalid-argument');
    if (!this.#cx.policy.allowsPeer(a.ip, a.port)) failNet('access-denied');
    const backend = this.#cx.backend ?? failNet('not-supported');
    this.#network = network;
    this.#state = 'connect-started';
    this.#pending = new Settling(backend.connect(this.#family, a, this.#local));
  }

  /** `[method]tcp-socket.finish-connect` */
  'finish-connect'(): [InputStream, OutputStream] {
    const p = this.#pending;
    if (this.#state !== 'connect-started' || p === undefined) failNet('not-in-progress');
    if (!p.settled) failNet('would-block');
    this.#pending = undefined;
    if (p.failed) {
      this.#state = 'closed';
      failNet(netErrorOf(p.error));
    }
    const conn = p.value as TcpConnection;
    this.#conn = conn;
    this.#local = conn.local;
    this.#state = 'connected';
    if (this.#o.keepAlive) conn.setKeepAlive(true, keepAliveMs(this.#o));
    return this.#streams(conn);
  }

  /** `[method]tcp-socket.start-listen` */
  'start-listen'(): void {
    if (this.#state !== 'bound') failNet(this.#state === 'bind-started' ? 'concurrency-conflict' : 'invalid-state');
    const a = this.#local as HostAddress;
    if (!this.#cx.policy.allowsListen(a.ip, a.port)) failNet('access-denied');
    const backend = this.#cx.backend ?? failNet('not-supported');
    this.#state = 'listen-started';
    this.#pending = new Settling(backend.listen(this.#family, a, this.#o.backlog));
  }

  /** `[method]tcp-socket.finish-listen` */
  'finish-listen'(): void {
    const p = this.#pending;
    if (this.#state !== 'listen-started' || p === undefined) failNet('not-in-progress');
    if (!p.settled) failNet('would-block');
    this.#pending = undefined;
    if (p.failed) {
      this.#state = 'closed';
      failNet(netErrorOf(p.error));
    }
    const l = p.value as TcpListener;
    this.#listener = l;
    this.#local = l.local;
    this.#state = 'listening';
  }

  /** `[method]tcp-socket.accept` */
  accept(): [TcpSocket, InputStream, OutputStream] {
    const l = this.#listener;
    if (this.#state !== 'listening' || l === undefined) failNet('invalid-state');
    const conn = l.accept();
    if (conn === undefined) failNet('would-block');
    const s = TcpSocket.#accepted(this.#cx, this.#family, this.#o, conn);
    return [s, ...s.#streams(conn)];
  }

  /** `[method]tcp-socket.local-address` */
  'local-address'(): IpSocketAddress {
    if (this.#local === undefined || this.#state === 'bind-started' || this.#state === 'unbound') failNet('invalid-state');
    return addressOf(this.#family, this.#local);
  }

  /** `[method]tcp-socket.remote-address` */
  'remote-address'(): IpSocketAddress {
    if (this.#state !== 'connected' || this.#conn === undefined) failNet('invalid-state');
    return addressOf(this.#family, this.#conn.remote);
  }

  /** `[method]tcp-socket.is-listening` */
  'is-listening'(): boolean {
    return this.#state === 'listening';
  }

  /** `[method]tcp-socket.address-family` */
  'address-family'(): IpAddressFamily {
    return this.#family;
  }

  /** `[method]tcp-socket.set-listen-backlog-size`: a hint; Node takes it when listening starts. */
  'set-listen-backlog-size'(value: bigint): void {
    if (value === 0n) failNet('invalid-argument');
    if (this.#state === 'connect-started' || this.#state === 'connected') failNet('invalid-state');
    this.#o.backlog = backlogOf(value);
  }

  /** `[method]tcp-socket.keep-alive-enabled` */
  'keep-alive-enabled'(): boolean {
    return this.#o.keepAlive;
  }

  /** `[method]tcp-socket.set-keep-alive-enabled` */
  'set-keep-alive-enabled'(value: boolean): void {
    this.#o.keepAlive = value;
    this.#conn?.setKeepAlive(value, keepAliveMs(this.#o));
  }

  'keep-alive-idle-time'(): bigint {
    return this.#o.keepIdle;
  }

  /** Seconds are what the platform takes: rounded up, at least one, as Linux does. */
  'set-keep-alive-idle-time'(value: bigint): void {
    if (value === 0n) failNet('invalid-argument');
    this.#o.keepIdle = wholeSeconds(value);
    if (this.#o.keepAlive) this.#conn?.setKeepAlive(true, keepAliveMs(this.#o));
  }

  'keep-alive-interval'(): bigint {
    return this.#o.keepInterval;
  }

  'set-keep-alive-interval'(value: bigint): void {
    if (value === 0n) failNet('invalid-argument');
    this.#o.keepInterval = wholeSeconds(value);
  }

  'keep-alive-count'(): number {
    return this.#o.keepCount;
  }

  'set-keep-alive-count'(value: number): void {
    if (value === 0) failNet('invalid-argument');
    this.#o.keepCount = value;
  }

  'hop-limit'(): number {
    return this.#o.hopLimit;
  }

  'set-hop-limit'(value: number): void {
    if (value === 0) failNet('invalid-argument');
    this.#o.hopLimit = value;
  }

  'receive-buffer-size'(): bigint {
    return this.#o.receiveBuffer;
  }

  'set-receive-buffer-size'(value: bigint): void {
    if (value === 0n) failNet('invalid-argument');
    this.#o.receiveBuffer = value;
  }

  'send-buffer-size'(): bigint {
    return this.#o.sendBuffer;
  }

  'set-send-buffer-size'(value: bigint): void {
    if (value === 0n) failNet('invalid-argument');
    this.#o.sendBuffer = value;
  }

  /** Ready when a started operation has finished, or (listening) when a connection is pending. */
  get readiness(): Readiness {
    return (this.#readiness ??= {
      isReady: () => {
        if (this.#pending !== undefined) return this.#pending.settled;
        if (this.#state === 'listening' && this.#listener !== undefined) return this.#listener.ready();
        return true;
      },
      whenReady: (signal) => {
        if (this.#pending !== undefined) return this.#pending.readiness.whenReady(signal);
        if (this.#state === 'listening' && this.#listener !== undefined) return this.#listener.whenReady(signal);
        return ALWAYS_READY.whenReady(signal);
      },
    });
  }

  /** `[method]tcp-socket.subscribe` */
  subscribe(): Pollable {
    return new Pollable(this.#cx, this.readiness);
  }

  /** `[method]tcp-socket.shutdown` */
  shutdown(how: ShutdownType): void {
    if (this.#state !== 'connected' || this.#conn === undefined) failNet('invalid-state');
    this.#conn.shutdown(how !== 'send', how !== 'receive');
  }

  /** `[resource-drop]tcp-socket`: closes the connection or listener (one still opening, once open). */
  [Symbol.dispose](): void {
    this.#state = 'closed';
    this.#conn?.close();
    this.#listener?.close();
    const p = this.#pending;
    if (p !== undefined) void p.done.then(() => { if (!p.failed) (p.value as TcpConnection | TcpListener).close(); });
    this.#conn = undefined;
    this.#listener = undefined;
  }
}

/** `wasi:sockets/tcp-create-socket` */
export function tcpCreateSocket(cx: SocketsContext) {
  return {
    'create-tcp-socket'(family: IpAddressFamily): TcpSocket {
      if (cx.backend === undefined) failNet('not-supported');
      return new TcpSocket(cx, family);
    },
  };
}

/** `wasi:sockets/tcp` */
export function tcpInterface() {
  return { 'tcp-socket': TcpSocket };
}

