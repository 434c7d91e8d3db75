// A hostile guest, calling the host functions directly with a memory it controls: every way
// out of a preopen must fail, and every bad pointer, descriptor or flag must be an errno.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { NodeFs } from '../vfs/node-fs.ts';
import { MemoryFs } from '../vfs/memory.ts';
import type { Vfs } from '../vfs/types.ts';
import { RIGHTS_ALL, RIGHTS_DIR, RIGHT_FD_READ, RIGHT_FD_WRITE, RIGHT_PATH_OPEN, LOOKUPFLAGS_SYMLINK_FOLLOW, OFLAGS_CREAT, OFLAGS_DIRECTORY } from './constants.ts';
import {
  EBADF, EEXIST, EFAULT, EILSEQ, EINVAL, ELOOP, ENOENT, ENOTCAPABLE, ENOTDIR, EPERM, ESUCCESS, EXDEV,
} from '../vfs/errno.ts';
import { WasiP1 } from './wasi.ts';

type Fn = (...args: (number | bigint)[]) => number;

/** A guest: a WasiP1 over `preopens`, a memory, and a scratch allocator in it. */
function guest(preopens: Record<string, Vfs>) {
  const wasi = new WasiP1({ preopens });
  const memory = new WebAssembly.Memory({ initial: 1 });
  wasi.bind({ exports: { memory } });
  const f = wasi.wasiImport as unknown as Record<string, Fn>;
  const u8 = () => new Uint8Array(memory.buffer);
  const dv = () => new DataView(memory.buffer);
  let next = 1024;
  const str = (s: string): [number, number] => {
    const b = new TextEncoder().encode(s);
    const at = next;
    u8().set(b, at);
    next += b.length + 8;
    return [at, b.length];
  };
  const OUT = 64;
  /** path_open under `dir`; the new fd or the errno as a negative number. */
  const open = (dir: number, path: string, opts: { oflags?: number; rights?: number; follow?: boolean } = {}): number => {
    const [p, n] = str(path);
    const r = f.path_open(dir, opts.follow === false ? 0 : LOOKUPFLAGS_SYMLINK_FOLLOW, p, n, opts.oflags ?? 0,
      BigInt(opts.rights ?? RIGHT_FD_READ), BigInt(RIGHTS_ALL), 0, OUT);
    return r === ESUCCESS ? dv().getUint32(OUT, true) : -r;
  };
  const call = (name: string, dir: number, path: string, ...rest: number[]) => {
    const [p, n] = str(path);
    return f[name](dir, p, n, ...rest);
  };
  return { wasi, f, u8, dv, str, open, call, OUT };
}

const tmp = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A host tree: tmp/outside/secret.txt beside tmp/pre (the preopen), with planted links. */
function hostTree(): string {
  const base = mkdtempSync(join(tmp, 't-'));
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(base, 'outside', 'secret.txt'), 'secret');
  mkdirSync(join(base, 'pre', 'sub'), { recursive: true });
  writeFileSync(join(base, 'pre', 'inside.txt'), 'inside');
  symlinkSync('../outside/secret.txt', join(base, 'pre', 'rel-out'));
  symlinkSync(join(base, 'outside', 'secret.txt'), join(base, 'pre', 'abs-out'));
  symlinkSync('../outside', join(base, 'pre', 'dir-out'));
  symlinkSync('sub/../../outside', join(base, 'pre', 'sneaky'));
  symlinkSync('inside.txt', join(base, 'pre', 'ok-link'));
  symlinkSync('loop', join(base, 'pre', 'loop'));
  return base;
}

function memoryTree(): MemoryFs {
  return MemoryFs.from({ 'inside.txt': 'inside', sub: {} });
}

for (const kind of ['memory', 'host'] as const) {
  const make = (): { fs: Vfs; base?: string } => {
    if (kind === 'memory') {
      const fs = memoryTree();
      fs.symlink('../outside/secret.txt', ['rel-out']);
      fs.symlink('/etc/passwd', ['abs-out']);
      fs.symlink('../outside', ['dir-out']);
      fs.symlink('sub/../../outside', ['sneaky']);
      fs.symlink('inside.txt', ['ok-link']);
      fs.symlink('loop', ['loop']);
      return { fs };
    }
    const base = hostTree();
    return { fs: new NodeFs(realpathSync(join(base, 'pre'))), base };
  };

  test(`${kind} fs: .. chains and absolute paths cannot leave the preopen`, () => {
    const g = guest({ '/sandbox': make().fs });
    for (const p of ['..', '../outside/secret.txt', 'sub/../../outside/secret.txt', 'sub/../..', './../x', '/etc/passwd', '/', 'sub/../../../../../../etc/passwd']) {
      assert.equal(g.open(3, p), -EPERM, p);
    }
    assert.ok(g.open(3, 'sub/../inside.txt') > 3);
    assert.ok(g.open(3, '.', { oflags: OFLAGS_DIRECTORY }) > 3);
  });

  test(`${kind} fs: symlinks pointing outside are never followed`, () => {
    const g = guest({ '/sandbox': make().fs });
    for (const p of ['rel-out', 'abs-out', 'dir-out/secret.txt', 'sneaky/secret.txt', 'dir-out/', 'sub/../rel-out']) {
      assert.equal(g.open(3, p), -EPERM, p);
    }
    // Not following: the link itself is refused by open (O_NOFOLLOW), ELOOP as POSIX says.
    assert.equal(g.open(3, 'rel-out', { follow: false }), -ELOOP);
    assert.equal(g.open(3, 'loop'), -ELOOP);
    // A link that stays inside works.
    assert.ok(g.open(3, 'ok-link') > 3);
    // path_filestat_get through an outside link, following.
    assert.equal(g.f.path_filestat_get(3, LOOKUPFLAGS_SYMLINK_FOLLOW, ...g.str('dir-out/secret.txt'), 200), EPERM);
    assert.equal(g.f.path_filestat_get(3, LOOKUPFLAGS_SYMLINK_FOLLOW, ...g.str('rel-out'), 200), EPERM);
    // Not following, the link itself can be inspected: it is inside.
    assert.equal(g.f.path_filestat_get(3, 0, ...g.str('rel-out'), 200), ESUCCESS);
  });

  test(`${kind} fs: a guest cannot create links that lead outside, nor rename or link out`, () => {
    const { fs, base } = make();
    const g = guest({ '/sandbox': fs, '/other': new MemoryFs() });
    const symlink = (target: string, path: string) => {
      const [t, tn] = g.str(target);
      const [p, pn] = g.str(path);
      return g.f.path_symlink(t, tn, 3, p, pn);
    };
    assert.equal(symlink('../outside', 'mine'), EPERM);
    assert.equal(symlink('sub/../../outside', 'mine'), EPERM);
    assert.equal(symlink('/etc', 'mine'), EPERM);
    assert.equal(symlink('../x', 'sub/../../mine'), EPERM);
    assert.equal(symlink('../inside.txt', 'sub/up'), ESUCCESS);
    assert.ok(g.open(3, 'sub/up') > 3);
    const [a, an] = g.str('inside.txt');
    const [b, bn] = g.str('../moved.txt');
    assert.equal(g.f.path_rename(3, a, an, 3, b, bn), EPERM);
    assert.equal(g.f.path_link(3, 0, a, an, 3, b, bn), EPERM);
    const [c, cn] = g.str('moved.txt');
    assert.equal(g.f.path_rename(3, a, an, 4, c, cn), EXDEV);
    assert.equal(g.f.path_link(3, 0, a, an, 4, c, cn), EXDEV);
    // Linking through a link that leads out, following it, is refused too.
    const [r, rn] = g.str('rel-out');
    assert.equal(g.f.path_link(3, LOOKUPFLAGS_SYMLINK_FOLLOW, r, rn, 3, c, cn), EPERM);
    if (base !== undefined) {
      assert.ok(!existsSync(join(base, 'moved.txt')));
      assert.equal(readFileSync(join(base, 'outside', 'secret.txt'), 'utf8'), 'secret');
    }
  });

  test(`${kind} fs: a directory descriptor is a sandbox of its own`, () => {
    const g = guest({ '/sandbox': make().fs });
    const sub = g.open(3, 'sub', { oflags: OFLAGS_DIRECTORY, rights: RIGHTS_DIR });
    assert.ok(sub > 3);
    assert.equal(g.open(sub, '../inside.txt'), -EPERM);
    assert.equal(g.open(sub, '..'), -EPERM);
    assert.equal(g.call('path_create_directory', sub, '../made'), EPERM);
  });
}

test('read-only file systems refuse every change with EPERM', () => {
  const base = hostTree();
  for (const fs of [new NodeFs(join(base, 'pre'), { readOnly: true }), MemoryFs.from({ 'inside.txt': 'x', sub: {} }, { readOnly: true })]) {
    const g = guest({ '/ro': fs });
    assert.equal(g.open(3, 'new.txt', { oflags: OFLAGS_CREAT, rights: RIGHT_FD_WRITE }), -EPERM);
    assert.equal(g.open(3, 'inside.txt', { rights: RIGHT_FD_WRITE }), -EPERM);
    assert.equal(g.call('path_create_directory', 3, 'd'), EPERM);
    assert.equal(g.call('path_unlink_file', 3, 'inside.txt'), EPERM);
    assert.equal(g.call('path_remove_directory', 3, 'sub'), EPERM);
    assert.ok(g.open(3, 'inside.txt') > 3);
  }
  assert.equal(readFileSync(join(base, 'pre', 'inside.txt'), 'utf8'), 'inside');
});

test('bad pointers are EFAULT, bad UTF-8 is EILSEQ, bad descriptors EBADF, never a throw', () => {
  const g = guest({ '/sandbox': memoryTree() });
  const { f } = g;
  assert.equal(f.fd_write(1, 65530, 2, 0), EFAULT);
  assert.equal(f.fd_write(1, -8, 1, 0), EFAULT);
  assert.equal(f.args_sizes_get(65535, 0), EFAULT);
  assert.equal(f.clock_time_get(1, 0n, 65533), EFAULT);
  assert.equal(f.random_get(65000, 1000), EFAULT);
  assert.equal(f.path_open(3, 0, 65530, 100, 0, 0n, 0n, 0, 0), EFAULT);
  g.u8().set([0xff, 0xfe], 2000);
  assert.equal(f.path_open(3, 0, 2000, 2, 0, 0n, 0n, 0, 0), EILSEQ);
  assert.equal(f.fd_read(99, 0, 0, 0), EBADF);
  assert.equal(f.fd_close(-1), EBADF);
  assert.equal(f.fd_prestat_get(0, 0), EBADF);
  assert.equal(f.path_open(0, 0, ...g.str('x'), 0, 0n, 0n, 0, 0), ENOTDIR);
  assert.equal(f.clock_time_get(9, 0n, 0), EINVAL);
  assert.equal(f.fd_seek(3, 0n, 9, 0), EBADF);
  assert.equal(f.poll_oneoff(0, 100, 0, 200), EINVAL);
  assert.equal(f.path_open(3, 0, ...g.str('x'), 0x100, 0n, 0n, 0, 0), EINVAL);
  assert.equal(g.open(3, ''), -ENOENT);
  assert.equal(g.open(3, 'a\0b'), -EINVAL);
  assert.equal(f.fd_renumber(3, 40), EBADF);
  assert.equal(g.open(3, 'inside.txt', { oflags: OFLAGS_CREAT | 4 }), -EEXIST);
});

test('rights only shrink, and a descriptor without them is refused', () => {
  const g = guest({ '/sandbox': memoryTree() });
  const { f } = g;
  assert.equal(f.fd_fdstat_set_rights(3, BigInt(RIGHTS_ALL), BigInt(RIGHTS_ALL)), ENOTCAPABLE);
  assert.equal(f.fd_fdstat_set_rights(3, 0n, BigInt(RIGHTS_ALL)), ESUCCESS);
  assert.equal(g.open(3, 'inside.txt'), -ENOTCAPABLE);
  assert.equal(f.fd_fdstat_set_rights(3, BigInt(RIGHT_PATH_OPEN), 0n), ENOTCAPABLE);
  const file = guest({ '/sandbox': memoryTree() });
  const fd = file.open(3, 'inside.txt');
  assert.equal(file.f.fd_write(fd, 0, 0, 0), EBADF); // opened for reading only
});
