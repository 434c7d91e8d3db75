// The node adapter for wasi:sockets: TCP over node:net, UDP over node:dgram, lookups over
// node:dns (DESIGN.md, "Platform code is fenced"). Everything it is asked has passed the
// allow-list already (sockets/policy.ts). Sockets load node:net and node:dgram on first use,
// so a run that opens none pays nothing at start-up. `closeAll` ends whatever a guest left
// open, so the process can exit after it.
import type { Socket } from 'node:net';
import { readableInput } from '../node.ts';
import type { InputStream as ByteInput } from '../shared/stdio.ts';
import { IoError } from './io/error.ts';
import { untilAbort } from './io/settling.ts';
import { type ByteSink, MAX_PERMIT } from './io/streams.ts';
import { canonicalIp, type HostAddress, type IpAddressFamily, isUnspecified } from './sockets/address.ts';
import { type Datagram, type NetBackend, netErrorOf, type TcpConnection, type TcpListener, type UdpEndpoint } from './sockets/backend.ts';
import type { NetPolicy } from './sockets/policy.ts';

/** At most this many datagrams wait to be received; later ones are dropped, as a full socket buffer drops them. */
const MAX_QUEUED_DATAGRAMS = 1024;

function address(family: IpAddressFamily, ip: string | undefined, port: number | undefined): HostAddress {
  return { family, ip: canonicalIp(ip ?? '') ?? (family === 'ipv4' ? '0.0.0.0' : '0:0:0:0:0:0:0:0'), port: port ?? 0, flowInfo: 0, scopeId: 0 };
}

/** A promise that settles on the first of `events` (or when `signal` aborts). */
function once(emitter: { once(e: string, f: () => void): unknown; off(e: string, f: () => void): unknown }, events: readonly string[], signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      for (const e of events) emitter.off(e, done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    for (const e of events) emitter.once(e, done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function netIoError(e: unknown, what: string): IoError {
  const code = netErrorOf(e);
  return new IoError(`${what}: ${code}${e instanceof Error ? ` (${e.message})` : ''}`, { network: code });
}

export class NodeNetBackend implements NetBackend {
  readonly #open = new Set<{ close(): void }>();

  #track<T extends { close(): void }>(x: T): T {
    this.#open.add(x);
    const close = x.close.bind(x);
    x.close = () => {
      this.#open.delete(x);
      close();
    };
    return x;
  }

  /** Closes every socket still open. */
  closeAll(): void {
    for (const x of [...this.#open]) x.close();
  }

  #connection(sock: Socket, family: IpAddressFamily): TcpConnection {
    let failure: unknown;
    let readShut = false;
    sock.on('error', (e) => { failure ??= e; });
    const raw = readableInput(() => sock);
    const input: ByteInput = {
      read(max) {
        if (readShut) return new Uint8Array(0);
        const b = raw.read(max);
        // A reset connection fails the read that finds it ended, instead of a clean end.
        if (b !== undefined && b.length === 0 && failure !== undefined) throw netIoError(failure, 'read');
        return b;
      },
      ready: () => readShut || raw.ready?.() !== false,
      whenReadable: (signal) => (readShut ? undefined : raw.whenReadable?.(signal)),
    };
    const output: ByteSink = {
      write(bytes) {
        if (failure !== undefined) throw netIoError(failure, 'write');
        // Copied: the guest's memory changes after the call.
        sock.write(Buffer.from(bytes));
      },
      capacity: () => (sock.writableNeedDrain ? 0 : Math.max(MAX_PERMIT - sock.writableLength, 0)),
      whenWritable: (signal) => once(sock, ['drain', 'close'], signal),
      flush: () => (sock.writableLength === 0 || sock.destroyed ? undefined : once(sock, ['drain', 'close']).then(() => {
        if (failure !== undefined) throw netIoError(failure, 'flush');
      })),
      isClosed: () => sock.destroyed || sock.writableEnded || failure !== undefined,
    };
    return this.#track({
      input, output,
      local: address(family, sock.localAddress, sock.localPort),
      remote: address(family, sock.remoteAddress, sock.remotePort),
      shutdown(receive, send) {
        if (receive) readShut = true;
        if (send) sock.end();
      },
      setKeepAlive: (enabled, idleMs) => { sock.setKeepAlive(enabled, idleMs); },
      close() {
        // Pending writes are flushed first.
        if (sock.destroyed) return;
        sock.end(() => sock.destroy());
      },
    });
  }

  async connect(family: IpAddressFamily, remote: HostAddress, local: HostAddress | undefined): Promise<TcpConnection> {
    const net = await import('node:net');
    const sock = await new Promise<Socket>((resolve, reject) => {
      // allowHalfOpen: the peer's FIN ends only what we receive; we end our side when the guest
      // says so (shutdown, the end of a 0.3 send stream, close), as TCP does.
      const s = net.connect({
        allowHalfOpen: true,
        host: remote.ip, port: remote.port, family: family === 'ipv6' ? 6 : 4,
        ...(local !== undefined && !isUnspecified(local) ? { localAddress: local.ip } : {}),
        ...(local !== undefined && local.port !== 0 ? { localPort: local.port } : {}),
      });
      s.once('error', reject);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(s);
      });
    });
    return this.#connection(sock, family);
  }

  async listen(family: IpAddressFamily, local: HostAddress, backlog: number): Promise<TcpListener> {
    const net = await import('node:net');
    const pending: Socket[] = [];
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (sock) => {
      pending.push(sock);
      server.emit('tessera:pending');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: local.ip, port: local.port, backlog, ipv6Only: family === 'ipv6' }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    const at = typeof bound === 'object' && bound !== null ? address(family, bound.address, bound.port) : local;
    return this.#track({
      local: at,
      accept: () => {
        const sock = pending.shift();
        return sock === undefined ? undefined : this.#connection(sock, family);
      },
      ready: () => pending.length > 0,
      whenReady: (signal) => once(server, ['tessera:pending', 'close'], signal),
      close() {
        server.close();
        for (const s of pending.splice(0)) s.destroy();
      },
    });
  }

  async bindUdp(family: IpAddressFamily, local: HostAddress): Promise<UdpEndpoint> {
    const dgram = await import('node:dgram');
    const sock = dgram.createSocket({ type: family === 'ipv6' ? 'udp6' : 'udp4', ipv6Only: family === 'ipv6' });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind({ address: local.ip, port: local.port }, () => {
        sock.off('error', reject);
        resolve();
      });
    });
    const queue: Datagram[] = [];
    let arrived: Promise<void> | undefined;
    let wake: (() => void) | undefined;
    sock.on('message', (msg, rinfo) => {
      if (queue.length < MAX_QUEUED_DATAGRAMS) {
        queue.push({ data: new Uint8Array(msg.buffer, msg.byteOffset, msg.length).slice(), from: address(family, rinfo.address, rinfo.port) });
      }
      wake?.();
    });
    // Errors of sends already reported as sent (ICMP unreachable and the like) are dropped, as UDP does.
    sock.on('error', () => undefined);
    const bound = sock.address();
    return this.#track({
      local: address(family, bound.address, bound.port),
      receive: (max) => queue.splice(0, max),
      ready: () => queue.length > 0,
      whenReady: (signal) => untilAbort(arrived ??= new Promise<void>((resolve) => {
        wake = () => {
          arrived = undefined;
          wake = undefined;
          resolve();
        };
      }), signal),
      send(data, to) {
        sock.send(Buffer.from(data), to.port, to.ip);
      },
      close() {
        try {
          sock.close();
        } catch {
          // already closed
        }
      },
    });
  }

  async lookup(name: string): Promise<string[]> {
    const dns = await import('node:dns');
    const list = await dns.promises.lookup(name, { all: true, order: 'verbatim' });
    return list.map((a) => a.address);
  }
}

/** Resolves the host names of an allow-list, so their addresses are granted (before the guest runs). */
export async function resolveGrants(policy: NetPolicy, backend: NetBackend): Promise<void> {
  await Promise.all(policy.hostNames().map(async (name) => {
    try {
      policy.addResolved(name, await backend.lookup(name));
    } catch {
      // A name that does not resolve grants no address; its lookups fail for the guest too.
    }
  }));
}
