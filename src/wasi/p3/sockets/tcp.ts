// wasi:sockets/types@0.3.0 `tcp-socket`
// (https://github.com/WebAssembly/WASI/blob/v0.3.0/proposals/sockets/wit/types.wit): the
// socket's states, its options, and its data as Component Model streams over the 0.2 host's
// platform connections (../../p2/sockets/backend.ts). Every peer and listening address is
// checked against the allow-list first (`access-denied`).
//
// - `connect` is an `async func`: the guest's task waits on the platform's connect.
// - `send` takes the guest's stream<u8> and drains it into the connection (respecting its
//   backpressure); the end of the stream is a FIN (shutdown of the send side); the future
//   settles once everything is handed on, or with the error that stopped it.
// - `receive` gives a stream<u8> the host fills as bytes arrive, and a future that settles with
//   ok at the peer's FIN or with the error that ended it; dropping the stream early shuts the
//   receive side.
// - `listen` gives a stream<tcp-socket> of accepted connections, each a socket in the
//   `connected` state with the listener's options.
// - Shared ownership (the WIT): the handle and every stream or future derived from it keep the
//   platform socket; it closes when the last of them lets go.
//
// Node binds a TCP socket only as it listens or connects, and only asynchronously, while 0.3's
// `bind` and `listen` are synchronous: `bind` records the address (allow-listed at once), the
// platform binds it at `listen` or `connect`. So a bind failure (`address-in-use`) of a listener
// ends its stream of connections at once (and the socket is `closed`), and `get-local-address` of a listener reports the
// address asked for until the platform has bound it (a port of 0 becomes the real port as soon
// as the guest has waited once). RATIONALE.md, "Why do 0.3 TCP listeners bind late?".
import type { ComponentStream } from '../../../component/link/index.ts';
import { Settling } from '../../p2/io/settling.ts';
import { type HostAddress, type IpAddressFamily, type IpSocketAddress, isNonUnicast, isUnspecified } from '../../p2/sockets/address.ts';
import type { TcpConnection, TcpListener } from '../../p2/sockets/backend.ts';
import { backlogOf, keepAliveMs, tcpDefaults, type TcpOptions, wholeSeconds } from '../../shared/socket-options.ts';
import { anyAddress, checkedAddress, type NetContext, wireAddress } from './context.ts';
import { errorOf, fail, failed, OK, type Outcome } from './error-code.ts';

type State = 'unbound' | 'bound' | 'listening' | 'connecting' | 'connected' | 'closed';

/** The most one chunk of a receive stream carries. */
const MAX_CHUNK = 1 << 16;

const NEVER = new AbortController().signal;

/**
 * An async iterable whose `return` (the guest dropped the readable end) acts at once, even in
 * the middle of a wait, where an async generator's would wait for its next `yield`.
 * `next` answers undefined at the end; `stop` runs once, at the end or when dropped.
 */
function pulled<T>(next: (signal: AbortSignal) => Promise<T | undefined>, stop: () => void, discard: (v: T) => void = () => {}): AsyncIterable<T> {
  const abort = new AbortController();
  let over = false;
  const end = (): IteratorResult<T> => {
    if (!over) {
      over = true;
      abort.abort();
      stop();
    }
    return { done: true, value: undefined };
  };
  const it: AsyncIterator<T> = {
    next: async () => {
      if (over) return { done: true, value: undefined };
      const v = await next(abort.signal);
      if (over && v !== undefined) discard(v);
      if (v === undefined || over) return end();
      return { done: false, value: v };
    },
    return: () => Promise.resolve(end()),
  };
  return { [Symbol.asyncIterator]: () => it };
}

/** A closed stream<u8> and its settled future: what a second `receive` gives. */
function refusedReceive(code: Outcome): [Iterable<Uint8Array>, Promise<Outcome>] {
  return [[], Promise.resolve(code)];
}

/** The `tcp-socket` resource. */
export class TcpSocket {
  readonly #cx: NetContext;
  readonly #family: IpAddressFamily;
  readonly #o: TcpOptions;
  #state: State = 'unbound';
  /** The address bound (asked for, until the platform bound it). */
  #local: HostAddress | undefined;
  #conn: TcpConnection | undefined;
  #listener: Settling<TcpListener> | undefined;
  /** Who keeps the platform socket: the handle, a running send or receive, the listen stream. */
  #holders = 1;
  #sendCalled = false;
  #receiveCalled = false;
  #dropped = false;

  constructor(cx: NetContext, family: IpAddressFamily, o: TcpOptions = tcpDefaults()) {
    this.#cx = cx;
    this.#family = family;
    this.#o = o;
  }

  #hold(): void {
    this.#holders++;
  }

  #letGo(): void {
    if (--this.#holders > 0) return;
    this.#conn?.close();
    const l = this.#listener;
    if (l !== undefined) void l.done.then(() => { if (!l.failed) (l.value as TcpListener).close(); });
  }

  /** A connection the listener accepted, as a socket of its own in the `connected` state. */
  #accepted(conn: TcpConnection): TcpSocket {
    const s = new TcpSocket(this.#cx, this.#family, { ...this.#o });
    s.#state = 'connected';
    s.#conn = conn;
    s.#local = conn.local;
    if (s.#o.keepAlive) conn.setKeepAlive(true, keepAliveMs(s.#o));
    return s;
  }

  /** `[method]tcp-socket.bind`: recorded; the platform binds it at `connect` or `listen`. */
  bind(local: IpSocketAddress): void {
    const a = checkedAddress(this.#family, local);
    if (isNonUnicast(local)) fail('invalid-argument');
    if (this.#state !== 'unbound') fail('invalid-state');
    if (!this.#cx.policy.allowsBind(a.ip, a.port)) fail('access-denied');
    this.#local = a;
    this.#state = 'bound';
  }

  /** `[method]tcp-socket.connect` (async): a failed attempt leaves the socket `closed` (WIT). */
  async connect(remote: IpSocketAddress): Promise<void> {
    const a = checkedAddress(this.#family, remote);
    if (isNonUnicast(remote) || isUnspecified(a) || a.port === 0) fail('invalid-argument');
    if (this.#state !== 'unbound' && this.#state !== 'bound') fail('invalid-state');
    if (!this.#cx.policy.allowsPeer(a.ip, a.port)) fail('access-denied');
    const backend = this.#cx.backend ?? fail('not-supported');
    this.#state = 'connecting';
    let conn: TcpConnection;
    try {
      conn = await backend.connect(this.#family, a, this.#local);
    } catch (e) {
      this.#state = 'closed';
      fail(errorOf(e));
    }
    if (this.#dropped) {
      // Dropped meanwhile (a host caller can; a guest cannot while its borrow is lent).
      conn.close();
      fail('invalid-state');
    }
    this.#conn = conn;
    this.#local = conn.local;
    this.#state = 'connected';
    if (this.#o.keepAlive) conn.setKeepAlive(true, keepAliveMs(this.#o));
  }

  /** `[method]tcp-socket.listen`: a stream<tcp-socket> of accepted connections. */
  listen(): AsyncIterable<TcpSocket[]> {
    if (this.#state === 'unbound') {
      // The implicit bind (WIT): any interface, a port the system picks.
      const any = anyAddress(this.#family);
      if (!this.#cx.policy.allowsListen(any.ip, 0)) fail('access-denied');
      this.#local = any;
      this.#state = 'bound';
    }
    if (this.#state !== 'bound') fail('invalid-state');
    const a = this.#local as HostAddress;
    if (!this.#cx.policy.allowsListen(a.ip, a.port)) fail('access-denied');
    const backend = this.#cx.backend ?? fail('not-supported');
    const listening = new Settling(backend.listen(this.#family, a, this.#o.backlog));
    this.#listener = listening;
    this.#state = 'listening';
    this.#hold();
    let closed = false;
    void listening.done.then(() => {
      if (listening.failed) this.#state = 'closed';
      else this.#local = (listening.value as TcpListener).local;
    });
    return pulled<TcpSocket[]>(async (signal) => {
      await listening.done;
      // A listen the platform refused (the address is in use, ...) has no connections to give.
      if (listening.failed) return undefined;
      const l = listening.value as TcpListener;
      for (;;) {
        if (closed || signal.aborted) return undefined;
        const conn = l.accept();
        if (conn !== undefined) return [this.#accepted(conn)];
        await l.whenReady(signal);
      }
    }, () => {
      closed = true;
      this.#letGo();
    }, (sockets) => { for (const s of sockets) s[Symbol.dispose](); });
  }

  /** `[method]tcp-socket.send`: drains the guest's stream into the connection; the future tells how it ended. */
  send(data: ComponentStream): Promise<Outcome> {
    const conn = this.#conn;
    if (this.#state !== 'connected' || conn === undefined || this.#sendCalled) {
      void data.cancel();
      return Promise.resolve(failed('invalid-state'));
    }
    this.#sendCalled = true;
    this.#hold();
    return this.#drain(conn, data).finally(() => this.#letGo());
  }

  async #drain(conn: TcpConnection, data: ComponentStream): Promise<Outcome> {
    const out = conn.output;
    try {
      for (;;) {
        const chunk = await data.read();
        if (chunk === undefined) break;
        // The connection's backpressure holds the guest's writes back.
        while (out.capacity !== undefined && out.capacity() === 0) {
          if (out.isClosed?.() === true) throw Object.assign(new Error('the connection is closed'), { code: 'EPIPE' });
          await out.whenWritable?.(NEVER);
        }
        if (out.isClosed?.() === true) throw Object.assign(new Error('the connection is closed'), { code: 'EPIPE' });
        out.write(chunk as Uint8Array);
      }
      // The end of the stream is a FIN (the WIT: shutdown(SHUT_WR)).
      conn.shutdown(false, true);
      await out.flush?.();
      return OK;
    } catch (e) {
      await data.cancel();
      return failed(errorOf(e));
    }
  }

  /** `[method]tcp-socket.receive`: the peer's bytes as a stream<u8>, and a future of how they ended. */
  receive(): [AsyncIterable<Uint8Array> | Iterable<Uint8Array>, Promise<Outcome>] {
    const conn = this.#conn;
    if (this.#state !== 'connected' || conn === undefined || this.#receiveCalled) return refusedReceive(failed('invalid-state'));
    this.#receiveCalled = true;
    this.#hold();
    let settle!: (o: Outcome) => void;
    const done = new Promise<Outcome>((resolve) => { settle = resolve; });
    let outcome: Outcome = OK;
    const input = conn.input;
    const bytes = pulled<Uint8Array>(async (signal) => {
      for (;;) {
        let b: Uint8Array | undefined;
        try {
          b = input.read(MAX_CHUNK);
        } catch (e) {
          outcome = failed(errorOf(e));
          return undefined;
        }
        if (b === undefined) {
          if (signal.aborted) return undefined;
          await input.whenReadable?.(signal);
          continue;
        }
        return b.length === 0 ? undefined : b;
      }
    }, () => {
      // The end of the peer's data, or the guest dropped the stream (shutdown(SHUT_RD)).
      conn.shutdown(true, false);
      settle(outcome);
      this.#letGo();
    });
    return [bytes, done];
  }

  /** `[method]tcp-socket.get-local-address` */
  'get-local-address'(): IpSocketAddress {
    if (this.#state === 'connected' && this.#conn !== undefined) return wireAddress(this.#family, this.#conn.local);
    if (this.#local === undefined || this.#state === 'unbound' || this.#state === 'closed') fail('invalid-state');
    return wireAddress(this.#family, this.#local);
  }

  /** `[method]tcp-socket.get-remote-address` */
  'get-remote-address'(): IpSocketAddress {
    if (this.#state !== 'connected' || this.#conn === undefined) fail('invalid-state');
    return wireAddress(this.#family, this.#conn.remote);
  }

  'get-is-listening'(): boolean {
    return this.#state === 'listening';
  }

  'get-address-family'(): IpAddressFamily {
    return this.#family;
  }

  /** A hint Node takes when listening starts; after, it cannot change (`not-supported`, as the WIT allows). */
  'set-listen-backlog-size'(value: bigint): void {
    if (value === 0n) fail('invalid-argument');
    if (this.#state === 'connecting' || this.#state === 'connected') fail('invalid-state');
    if (this.#state === 'listening') fail('not-supported');
    this.#o.backlog = backlogOf(value);
  }

  'get-keep-alive-enabled'(): boolean {
    return this.#o.keepAlive;
  }

  'set-keep-alive-enabled'(value: boolean): void {
    this.#o.keepAlive = value;
    this.#conn?.setKeepAlive(value, keepAliveMs(this.#o));
  }

  'get-keep-alive-idle-time'(): bigint {
    return this.#o.keepIdle;
  }

  'set-keep-alive-idle-time'(value: bigint): void {
    if (value === 0n) fail('invalid-argument');
    this.#o.keepIdle = wholeSeconds(value);
    if (this.#o.keepAlive) this.#conn?.setKeepAlive(true, keepAliveMs(this.#o));
  }

  'get-keep-alive-interval'(): bigint {
    return this.#o.keepInterval;
  }

  'set-keep-alive-interval'(value: bigint): void {
    if (value === 0n) fail('invalid-argument');
    this.#o.keepInterval = wholeSeconds(value);
  }

  'get-keep-alive-count'(): number {
    return this.#o.keepCount;
  }

  'set-keep-alive-count'(value: number): void {
    if (value === 0) fail('invalid-argument');
    this.#o.keepCount = value;
  }

  'get-hop-limit'(): number {
    return this.#o.hopLimit;
  }

  'set-hop-limit'(value: number): void {
    if (value === 0) fail('invalid-argument');
    this.#o.hopLimit = value;
  }

  'get-receive-buffer-size'(): bigint {
    return this.#o.receiveBuffer;
  }

  'set-receive-buffer-size'(value: bigint): void {
    if (value === 0n) fail('invalid-argument');
    this.#o.receiveBuffer = value;
  }

  'get-send-buffer-size'(): bigint {
    return this.#o.sendBuffer;
  }

  'set-send-buffer-size'(value: bigint): void {
    if (value === 0n) fail('invalid-argument');
    this.#o.sendBuffer = value;
  }

  /** `[resource-drop]tcp-socket`: the handle lets go (streams derived from it keep the socket). */
  [Symbol.dispose](): void {
    if (this.#dropped) return;
    this.#dropped = true;
    if (this.#state !== 'listening' && this.#state !== 'connected') this.#state = 'closed';
    this.#letGo();
  }
}

/** `[static]tcp-socket.create` */
export function createTcpSocket(cx: NetContext): (family: IpAddressFamily) => TcpSocket {
  return (family) => {
    if (cx.backend === undefined) fail('not-supported');
    return new TcpSocket(cx, family);
  };
}
