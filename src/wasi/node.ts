// The node adapter for WASI: the process's own stdio, a CPU clock, and host directories.
// The only WASI file besides vfs/node-fs.ts that touches `node:*` or `process`
// (DESIGN.md, "Platform code is fenced").
import * as fs from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Clocks } from './shared/clocks.ts';
import type { SocketConnection, SocketListener } from './p1/descriptors.ts';
import type { InputStream, OutputStream } from './shared/stdio.ts';
import { NodeFs, type NodeFsOptions } from './vfs/node-fs.ts';

const wait = new Int32Array(new SharedArrayBuffer(4));

/** Retries a call that a non-blocking descriptor (a TTY, a pipe) refuses with EAGAIN. */
function retrying<T>(f: () => T): T {
  for (;;) {
    try {
      return f();
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'EAGAIN') throw e;
      Atomics.wait(wait, 0, 0, 1);
    }
  }
}

/** The process's stdin, read synchronously. */
export function nodeStdin(): InputStream {
  return {
    isTTY: process.stdin.isTTY === true,
    read(max) {
      const buf = new Uint8Array(max);
      try {
        const n = retrying(() => fs.readSync(0, buf, 0, max, null));
        return buf.subarray(0, n);
      } catch (e) {
        if ((e as { code?: unknown }).code === 'EOF') return new Uint8Array(0);
        throw e;
      }
    },
  };
}

/** An input that can be closed (its stream destroyed) when the guest is done. */
export interface ClosableInput extends InputStream {
  close(): void;
}

/**
 * A Node readable stream as an input that never blocks the thread: a read takes what the
 * stream has buffered (undefined when nothing yet), and `whenReadable` waits for the stream's
 * 'readable' or 'end' event. Under JSPI the guest suspends on that wait while Node's event
 * loop runs; this is how stdin (pipes, terminals) and accepted sockets reach a guest.
 */
export function readableInput(stream: () => Readable, isTTY = false): ClosableInput {
  let s: Readable | undefined;
  let chunk: Uint8Array = new Uint8Array(0);
  let ended = false;
  // The stream is created on first use: touching process.stdin starts a handle.
  const get = () => {
    if (s === undefined) {
      s = stream();
      s.on('end', () => { ended = true; });
      s.on('error', () => { ended = true; }); // the guest sees end of input
    }
    return s;
  };
  const fill = (): boolean => {
    if (chunk.length > 0) return true;
    const c = get().read() as Uint8Array | string | null;
    if (c === null) return false;
    chunk = typeof c === 'string' ? new TextEncoder().encode(c) : c;
    return chunk.length > 0;
  };
  const done = () => ended || get().readableEnded || get().destroyed;
  return {
    isTTY,
    read(max) {
      if (!fill()) return done() ? new Uint8Array(0) : undefined;
      const out = chunk.slice(0, max);
      chunk = chunk.subarray(out.length);
      return out;
    },
    available: () => (fill() ? chunk.length : 0),
    ready: () => fill() || done(),
    whenReadable(signal) {
      if (fill() || done()) return undefined;
      const r = get();
      return new Promise<void>((resolve) => {
        const wake = () => {
          r.off('readable', wake);
          r.off('end', wake);
          r.off('close', wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        r.on('readable', wake);
        r.on('end', wake);
        r.on('close', wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    },
    close() {
      s?.destroy();
    },
  };
}

/** The process's stdin read without blocking the thread: for a guest run through JSPI. */
export function nodeStdinAsync(): ClosableInput {
  return readableInput(() => process.stdin, process.stdin.isTTY === true);
}

/** Whether the process's stdin is a regular file (reading it never waits, so sync reads are best). */
export function stdinIsFile(): boolean {
  try {
    return fs.fstatSync(0).isFile();
  } catch {
    return false;
  }
}

/** An accepted TCP connection: reads through `readableInput`, writes buffered by Node. */
function tcpConnection(sock: Socket): SocketConnection {
  const input = readableInput(() => sock);
  let readShut = false;
  return {
    kind: 'connection',
    input: {
      read: (max) => (readShut ? new Uint8Array(0) : input.read(max)),
      available: () => (readShut ? 0 : input.available?.()),
      ready: () => readShut || input.ready?.() !== false,
      whenReadable: (signal) => (readShut ? undefined : input.whenReadable?.(signal)),
    },
    // Buffer.from copies: guest memory changes after the call.
    output: { write: (b) => { if (sock.writable) sock.write(Buffer.from(b)); } },
    shutdown(read, write) {
      if (read) readShut = true;
      if (write) sock.end();
    },
    close() {
      // Pending writes are flushed first.
      sock.end(() => sock.destroy());
    },
  };
}

/** A listening TCP socket the host preopens for a guest, and the address it is bound to. */
export interface TcpListener extends SocketListener {
  readonly address: AddressInfo;
}

/**
 * Listens on `HOST:PORT` (`[::1]:8080` for IPv6; port 0 picks a free one), like wasmtime's
 * `--tcplisten`. Connections queue until the guest accepts them.
 */
export async function tcpListen(spec: string): Promise<TcpListener> {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(spec);
  if (m === null) throw Object.assign(new Error(`expected HOST:PORT, got ${spec}`), { code: 'EINVAL' });
  const host = m[1] ?? m[2];
  const port = Number(m[3]);
  const pending: Socket[] = [];
  const waiters = new Set<() => void>();
  // Loaded on use: most runs open no socket, and start-up time matters.
  const net = await import('node:net');
  const server = net.createServer({ pauseOnConnect: true }, (sock) => {
    pending.push(sock);
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  return {
    kind: 'listener',
    address: server.address() as AddressInfo,
    accept() {
      const sock = pending.shift();
      if (sock === undefined) return undefined;
      sock.pause(); // paused mode: the guest pulls with read()
      return tcpConnection(sock);
    },
    whenReadable(signal) {
      if (pending.length > 0) return undefined;
      return new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        waiters.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    },
    close() {
      server.close();
      for (const s of pending.splice(0)) s.destroy();
      for (const w of waiters) w();
    },
  };
}

function nodeOutput(fd: number, isTTY: boolean): OutputStream {
  return {
    isTTY,
    write(bytes) {
      let at = 0;
      while (at < bytes.length) at += retrying(() => fs.writeSync(fd, bytes, at, bytes.length - at));
    },
  };
}

export function nodeStdout(): OutputStream {
  return nodeOutput(1, process.stdout.isTTY === true);
}

export function nodeStderr(): OutputStream {
  return nodeOutput(2, process.stderr.isTTY === true);
}

/** The process's CPU time (user + system) as the CPU-time clocks. */
export function nodeClocks(): Partial<Clocks> {
  return { cpuTime: () => { const u = process.cpuUsage(); return BigInt(u.user + u.system) * 1000n; } };
}

/** A host directory for a preopen; fails now (not in the guest) if it is not a directory. */
export function hostDir(path: string, options: NodeFsOptions = {}): NodeFs {
  if (!fs.statSync(path).isDirectory()) throw Object.assign(new Error(`not a directory: ${path}`), { code: 'ENOTDIR' });
  return new NodeFs(fs.realpathSync(path), options);
}

export { NodeFs };
