// The node adapter for WASI: the process's own stdio, a CPU clock, and host directories.
// The only WASI file besides vfs/node-fs.ts that touches `node:*` or `process`
// (DESIGN.md, "Platform code is fenced").
import * as fs from 'node:fs';
import type { Clocks } from './p1/context.ts';
import type { InputStream, OutputStream } from './p1/stdio.ts';
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
