// A small reader for ustar archives (POSIX.1-1988 `ustar` and the pax extended headers of
// POSIX.1-2001: https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html#tag_20_94_13),
// enough to unpack the resource tree that @yowasp/clang ships as a tar. Test code only:
// regular files and directories; links and devices are skipped.
import type { MemoryTree } from '../../src/wasi/index.ts';

export interface TarEntry {
  readonly path: string;
  readonly type: 'file' | 'dir';
  readonly data: Uint8Array;
}

const BLOCK = 512;
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder();

function field(b: Uint8Array, at: number, len: number): string {
  const end = b.subarray(at, at + len).indexOf(0);
  return latin1.decode(b.subarray(at, end < 0 ? at + len : at + end));
}

function octal(b: Uint8Array, at: number, len: number): number {
  const s = field(b, at, len).trim();
  return s === '' ? 0 : Number.parseInt(s, 8);
}

/** pax records: `LEN key=value\n`, LEN counting the whole record. */
function paxPath(data: Uint8Array): string | undefined {
  const text = utf8.decode(data);
  let at = 0;
  let path: string | undefined;
  while (at < text.length) {
    const sp = text.indexOf(' ', at);
    if (sp < 0) break;
    const len = Number(text.slice(at, sp));
    if (!(len > 0)) break;
    const record = text.slice(sp + 1, at + len - 1);
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    at += len;
  }
  return path;
}

export function* readTar(tar: Uint8Array): Generator<TarEntry> {
  let at = 0;
  let longPath: string | undefined;
  while (at + BLOCK <= tar.length) {
    const h = tar.subarray(at, at + BLOCK);
    if (h.every((x) => x === 0)) return; // the end: two zero blocks
    const size = octal(h, 124, 12);
    const flag = String.fromCharCode(h[156] || 0x30);
    const data = tar.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x') { longPath = paxPath(data); continue; }
    if (flag === 'L') { longPath = field(data, 0, data.length); continue; } // GNU long name
    if (flag === 'g') continue;
    const prefix = field(h, 345, 155);
    const name = longPath ?? (prefix === '' ? field(h, 0, 100) : `${prefix}/${field(h, 0, 100)}`);
    longPath = undefined;
    const path = name.replace(/^\.\//, '').replace(/\/$/, '');
    if (path === '' || path === '.') continue;
    if (flag === '0' || flag === '7') yield { path, type: 'file', data };
    else if (flag === '5') yield { path, type: 'dir', data };
  }
}

/** The archive as a tree for MemoryFs.from. */
export function tarTree(tar: Uint8Array): MemoryTree {
  const root: Record<string, unknown> = {};
  for (const e of readTar(tar)) {
    const names = e.path.split('/');
    let dir = root;
    for (const n of names.slice(0, -1)) dir = (dir[n] ??= {}) as Record<string, unknown>;
    const last = names[names.length - 1];
    if (e.type === 'dir') dir[last] ??= {};
    else dir[last] = e.data;
  }
  return root as MemoryTree;
}
