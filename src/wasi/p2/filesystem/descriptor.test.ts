import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hostDir } from '../../node.ts';
import { MemoryFs } from '../../vfs/memory.ts';
import type { Vfs } from '../../vfs/types.ts';
import type { IoError } from '../io/error.ts';
import { errOf, ioContext } from '../test-support.ts';
import { Descriptor, type DescriptorFlags, type FsContext, filesystemErrorCode } from './descriptor.ts';
import { preopens } from './index.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const fsContext = (): FsContext => ({ ...ioContext(), hashKey: 0x1234n });
const RW: DescriptorFlags = { read: true, write: true };
const R: DescriptorFlags = { read: true };

/** Runs `body` on an in-memory file system and on a temporary host directory. */
function both(name: string, body: (root: Descriptor, vfs: Vfs, host: string | undefined) => void): void {
  test(`${name} (memory fs)`, () => body(Descriptor.preopen(fsContext(), new MemoryFs()), new MemoryFs(), undefined));
  test(`${name} (host fs)`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-p2-fs-'));
    try {
      const vfs = hostDir(dir);
      body(Descriptor.preopen(fsContext(), vfs), vfs, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

both('files: create, write and read through streams and at offsets', (root) => {
  const f = root['open-at']({}, 'a.txt', { create: true }, RW);
  const out = f['write-via-stream'](0n);
  out['blocking-write-and-flush'](enc('hello '));
  out.write(enc('world'));
  assert.deepEqual(f.read(5n, 6n).map((x) => (x instanceof Uint8Array ? dec(x) : x)), ['world', false]);
  assert.deepEqual(f.read(5n, 11n).map((x) => (x instanceof Uint8Array ? dec(x) : x)), ['', true]);
  assert.equal(f.write(enc('W'), 6n), 1n);
  const input = f['read-via-stream'](0n);
  assert.equal(dec(input['blocking-read'](100n) as Uint8Array), 'hello World');
  assert.deepEqual(errOf(() => input.read(1n)), { tag: 'closed' });
  const st = f.stat();
  assert.equal(st.type, 'regular-file');
  assert.equal(st.size, 11n);
  assert.equal(st['link-count'], 1n);
  assert.ok(st['data-modification-timestamp'] !== undefined);
  f['append-via-stream']().write(enc('!'));
  assert.equal(root['stat-at']({}, 'a.txt').size, 12n);
  f['set-size'](5n);
  assert.equal(dec(f.read(100n, 0n)[0]), 'hello');
  assert.equal(f['get-type'](), 'regular-file');
  assert.deepEqual(f['get-flags'](), { read: true, write: true, 'mutate-directory': false });
  f.sync();
  f['sync-data']();
  f[Symbol.dispose]();
});

both('open-at flags: exclusive, truncate, directory, trailing slash', (root) => {
  root['open-at']({}, 'x', { create: true }, RW).write(enc('data'), 0n);
  assert.equal(errOf(() => root['open-at']({}, 'x', { create: true, exclusive: true }, RW)), 'exist');
  assert.equal(errOf(() => root['open-at']({}, 'missing', {}, R)), 'no-entry');
  assert.equal(errOf(() => root['open-at']({}, 'x', { directory: true }, R)), 'not-directory');
  assert.equal(errOf(() => root['open-at']({}, 'x/', {}, R)), 'not-directory');
  assert.equal(errOf(() => root['open-at']({}, 'x', { directory: true, create: true }, R)), 'invalid');
  root['open-at']({}, 'x', { truncate: true }, RW);
  assert.equal(root['stat-at']({}, 'x').size, 0n);
  root['create-directory-at']('d');
  assert.equal(errOf(() => root['open-at']({}, 'd', {}, RW)), 'is-directory');
  const d = root['open-at']({}, 'd', { directory: true }, { read: true, 'mutate-directory': true });
  assert.equal(d['get-type'](), 'directory');
  // A file operation on a directory is bad-descriptor; a directory one on a file not-directory.
  assert.equal(errOf(() => d.read(1n, 0n)), 'bad-descriptor');
  assert.equal(errOf(() => d['read-via-stream'](0n)), 'is-directory');
  const f = root['open-at']({}, 'x', {}, R);
  assert.equal(errOf(() => f['create-directory-at']('y')), 'not-directory');
  assert.equal(errOf(() => f.write(enc('no'), 0n)), 'bad-descriptor');
});

both('directories: create, list, rename, link, remove', (root) => {
  root['create-directory-at']('sub');
  assert.equal(errOf(() => root['create-directory-at']('sub')), 'exist');
  root['open-at']({}, 'sub/one', { create: true }, RW);
  root['open-at']({}, 'sub/two', { create: true }, RW);
  const sub = root['open-at']({}, 'sub', { directory: true }, { read: true, 'mutate-directory': true });
  const names = () => {
    const s = sub['read-directory']();
    const out: string[] = [];
    for (let e = s['read-directory-entry'](); e !== undefined; e = s['read-directory-entry']()) out.push(`${e.type}:${e.name}`);
    return out.sort();
  };
  assert.deepEqual(names(), ['regular-file:one', 'regular-file:two']);
  sub['rename-at']('one', root, 'moved');
  sub['link-at']({}, 'two', sub, 'three');
  assert.equal(sub['stat-at']({}, 'three')['link-count'], 2n);
  assert.ok(sub['open-at']({}, 'two', {}, R)['is-same-object'](sub['open-at']({}, 'three', {}, R)));
  assert.equal(sub['open-at']({}, 'two', {}, R)['is-same-object'](root['open-at']({}, 'moved', {}, R)), false);
  assert.deepEqual(names(), ['regular-file:three', 'regular-file:two']);
  assert.equal(errOf(() => root['remove-directory-at']('sub')), 'not-empty');
  assert.equal(errOf(() => root['unlink-file-at']('sub')), 'is-directory');
  sub['unlink-file-at']('two');
  sub['unlink-file-at']('three');
  root['remove-directory-at']('sub');
  assert.equal(errOf(() => root['stat-at']({}, 'sub')), 'no-entry');
  assert.equal(errOf(() => root['remove-directory-at']('.')), 'invalid');
});

both('symlinks inside the sandbox work; readlink-at; stat-at follows on request', (root) => {
  root['create-directory-at']('d');
  root['open-at']({}, 'd/f', { create: true }, RW).write(enc('abc'), 0n);
  root['symlink-at']('d/f', 'link');
  assert.equal(root['readlink-at']('link'), 'd/f');
  assert.equal(root['stat-at']({}, 'link').type, 'symbolic-link');
  assert.equal(root['stat-at']({ 'symlink-follow': true }, 'link').size, 3n);
  assert.equal(dec(root['open-at']({ 'symlink-follow': true }, 'link', {}, R).read(10n, 0n)[0]), 'abc');
  assert.equal(errOf(() => root['open-at']({}, 'link', {}, R)), 'loop');
  root['create-directory-at']('d/e');
  const e = root['open-at']({}, 'd/e', { directory: true }, { read: true, 'mutate-directory': true });
  // A link made through the root may climb to its neighbours; seen from `e`, that is outside.
  root['symlink-at']('../f', 'd/e/up');
  assert.equal(root['stat-at']({ 'symlink-follow': true }, 'd/e/up').size, 3n);
  assert.equal(errOf(() => e['stat-at']({ 'symlink-follow': true }, 'up')), 'not-permitted');
  assert.equal(errOf(() => e['symlink-at']('../f', 'up2')), 'not-permitted');
});

both('times and metadata hashes', (root) => {
  const f = root['open-at']({}, 't', { create: true }, RW);
  root['set-times-at']({}, 't', { tag: 'timestamp', val: { seconds: 1_000_000n, nanoseconds: 0 } }, { tag: 'timestamp', val: { seconds: 2_000_000n, nanoseconds: 0 } });
  const st = f.stat();
  assert.equal(st['data-access-timestamp']?.seconds, 1_000_000n);
  assert.equal(st['data-modification-timestamp']?.seconds, 2_000_000n);
  f['set-times']({ tag: 'no-change' }, { tag: 'now' });
  assert.ok((f.stat()['data-modification-timestamp']?.seconds ?? 0n) > 2_000_000n);
  const h1 = f['metadata-hash']();
  assert.deepEqual(h1, root['metadata-hash-at']({}, 't'));
  f.write(enc('more'), 0n);
  assert.notDeepEqual(f['metadata-hash'](), h1);
  assert.equal(errOf(() => f['set-times']({ tag: 'timestamp', val: { seconds: 0n, nanoseconds: 1e9 } }, { tag: 'no-change' })), 'invalid');
});

both('a hostile guest cannot leave its preopen', (root, _vfs, host) => {
  root['create-directory-at']('in');
  const inner = root['open-at']({}, 'in', { directory: true }, { read: true, 'mutate-directory': true });
  for (const path of ['../x', 'in/../../x', '/etc/passwd', '..', 'in/../../etc']) {
    assert.equal(errOf(() => root['open-at']({}, path, {}, R)), 'not-permitted', path);
  }
  assert.equal(errOf(() => inner['open-at']({}, '../in', {}, R)), 'not-permitted');
  assert.equal(errOf(() => inner['stat-at']({}, '..')), 'not-permitted');
  // Links that point out are refused when made, and when followed.
  assert.equal(errOf(() => root['symlink-at']('/etc/passwd', 'abs')), 'not-permitted');
  assert.equal(errOf(() => root['symlink-at']('../outside', 'rel')), 'not-permitted');
  assert.equal(errOf(() => inner['symlink-at']('../../outside', 'rel')), 'not-permitted');
  if (host !== undefined) {
    // Made on the host, behind the guest's back: still not followed.
    writeFileSync(join(host, '..', `${host.split('/').pop()}-secret`), 'secret');
    symlinkSync(`../${host.split('/').pop()}-secret`, join(host, 'escape'));
    symlinkSync('/etc/passwd', join(host, 'abs'));
    assert.equal(errOf(() => root['open-at']({ 'symlink-follow': true }, 'escape', {}, R)), 'not-permitted');
    assert.equal(errOf(() => root['open-at']({ 'symlink-follow': true }, 'abs', {}, R)), 'not-permitted');
    assert.equal(errOf(() => root['stat-at']({ 'symlink-follow': true }, 'abs')), 'not-permitted');
    assert.equal(errOf(() => root['readlink-at']('abs')), 'not-permitted');
    rmSync(join(host, '..', `${host.split('/').pop()}-secret`));
  }
});

test('read-only file systems: no change through any descriptor', () => {
  const vfs = MemoryFs.from({ f: 'content', d: { g: 'x' } }, { readOnly: true });
  const root = Descriptor.preopen(fsContext(), vfs);
  assert.deepEqual(root['get-flags'](), { read: true, write: false, 'mutate-directory': false });
  assert.equal(errOf(() => root['open-at']({}, 'f', {}, RW)), 'read-only');
  assert.equal(errOf(() => root['open-at']({}, 'new', { create: true }, R)), 'read-only');
  assert.equal(errOf(() => root['open-at']({}, 'd', { directory: true }, { read: true, 'mutate-directory': true })), 'read-only');
  assert.equal(errOf(() => root['create-directory-at']('e')), 'not-permitted');
  assert.equal(errOf(() => root['unlink-file-at']('f')), 'not-permitted');
  assert.equal(errOf(() => root['rename-at']('f', root, 'h')), 'not-permitted');
  assert.equal(errOf(() => root['symlink-at']('f', 'l')), 'not-permitted');
  const f = root['open-at']({}, 'f', {}, R);
  assert.equal(errOf(() => f['write-via-stream'](0n)), 'not-permitted');
  assert.equal(errOf(() => f['set-size'](0n)), 'not-permitted');
  assert.equal(dec(f.read(100n, 0n)[0]), 'content');
  assert.equal(dec(vfs.readFile('f') ?? new Uint8Array()), 'content');
});

test('renames and links between two file systems are cross-device', () => {
  const a = Descriptor.preopen(fsContext(), MemoryFs.from({ f: 'x' }));
  const b = Descriptor.preopen(fsContext(), new MemoryFs());
  assert.equal(errOf(() => a['rename-at']('f', b, 'f')), 'cross-device');
  assert.equal(errOf(() => a['link-at']({}, 'f', b, 'f')), 'cross-device');
});

test('a stream error carries its filesystem-error-code', () => {
  const root = Descriptor.preopen(fsContext(), MemoryFs.from({ f: 'x' }));
  const wo = root['open-at']({}, 'f', {}, { write: true });
  const e = errOf(() => wo['read-via-stream'](0n).read(1n)) as { tag: string; val: IoError };
  assert.equal(e.tag, 'last-operation-failed');
  assert.equal(filesystemErrorCode(e.val), 'bad-descriptor');
  assert.match(e.val['to-debug-string'](), /bad-descriptor/);
});

test('preopens: each call opens the directories anew, by guest name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-p2-pre-'));
  try {
    writeFileSync(join(dir, 'hello.txt'), 'from the host');
    const p = preopens(fsContext(), [{ guest: '/data', fs: hostDir(dir) }, { guest: '/tmp', fs: new MemoryFs() }]);
    const list = p['get-directories']();
    assert.deepEqual(list.map(([, name]) => name), ['/data', '/tmp']);
    const [data] = list[0];
    assert.equal(dec(data['open-at']({}, 'hello.txt', {}, R).read(100n, 0n)[0]), 'from the host');
    data['open-at']({}, 'out.txt', { create: true }, RW).write(enc('written'), 0n);
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'written');
    data[Symbol.dispose]();
    // A new call gives working descriptors again.
    assert.equal(p['get-directories']()[0][0]['stat-at']({}, 'out.txt').size, 7n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
