// wasi:filesystem@0.3.0 as a guest sees it: a component written in component text whose
// exports read a file through read-via-stream, write and append through stream<u8>, list a
// directory through stream<directory-entry>, and make symlinks, all under the first preopen;
// errors come back as the error-code case's index (plus 100 when the stream's future gave it
// rather than the call). The escapes are tried as a hostile guest would, on an in-memory file
// system and on a host directory.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { encodeComponent } from '../../../component/binary/encode.ts';
import { type ComponentInstance, compileComponent } from '../../../component/link/index.ts';
import { parseComponent } from '../../../component/text/parse.ts';
import { ComponentError } from '../../../core/errors.ts';
import { hostDir } from '../../node.ts';
import { MemoryFs } from '../../vfs/memory.ts';
import type { Vfs } from '../../vfs/types.ts';
import { WasiP3 } from '../host.ts';
import type { Descriptor } from './descriptor.ts';

/** error-code's cases in WIT order (v0.3.0 types.wit): a case's index is its discriminant. */
const CODES = [
  'access', 'already', 'bad-descriptor', 'busy', 'deadlock', 'quota', 'exist', 'file-too-large',
  'illegal-byte-sequence', 'in-progress', 'interrupted', 'invalid', 'io', 'is-directory', 'loop',
  'too-many-links', 'message-size', 'name-too-long', 'no-device', 'no-entry', 'no-lock',
  'insufficient-memory', 'insufficient-space', 'not-directory', 'not-empty', 'not-recoverable',
  'unsupported', 'no-tty', 'no-such-device', 'overflow', 'not-permitted', 'pipe', 'read-only',
  'invalid-seek', 'text-file-busy', 'cross-device', 'other',
];
const TYPES = ['block-device', 'character-device', 'directory', 'fifo', 'symbolic-link', 'regular-file', 'socket', 'other'];
const variant = (cases: string[]) => `(variant ${cases.map((c) => (c === 'other' ? '(case "other" (option string))' : `(case "${c}")`)).join(' ')})`;

// open-flags and descriptor-flags bits
const CREATE = 1;
const EXCLUSIVE = 4;
const READ = 1;
const WRITE = 2;
const FOLLOW = 1;

const GUEST = `(component
  (import "wasi:filesystem/types@0.3.0" (instance $types
    (export "descriptor" (type $d (sub resource)))
    (type $ec ${variant(CODES)})
    (export "error-code" (type $ec' (eq $ec)))
    (type $dt ${variant(TYPES)})
    (export "descriptor-type" (type $dt' (eq $dt)))
    (type $de (record (field "type" $dt') (field "name" string)))
    (export "directory-entry" (type $de' (eq $de)))
    (type $pf (flags "symlink-follow"))
    (export "path-flags" (type $pf' (eq $pf)))
    (type $of (flags "create" "directory" "exclusive" "truncate"))
    (export "open-flags" (type $of' (eq $of)))
    (type $df (flags "read" "write" "file-integrity-sync" "data-integrity-sync" "requested-write-sync" "mutate-directory"))
    (export "descriptor-flags" (type $df' (eq $df)))
    (type $s (stream u8))
    (type $f (future (result (error $ec'))))
    (type $ds (stream $de'))
    (export "[method]descriptor.open-at" (func async (param "self" (borrow $d)) (param "path-flags" $pf') (param "path" string)
      (param "open-flags" $of') (param "flags" $df') (result (result (own $d) (error $ec')))))
    (export "[method]descriptor.read-via-stream" (func (param "self" (borrow $d)) (param "offset" u64) (result (tuple $s $f))))
    (export "[method]descriptor.write-via-stream" (func (param "self" (borrow $d)) (param "data" $s) (param "offset" u64) (result $f)))
    (export "[method]descriptor.append-via-stream" (func (param "self" (borrow $d)) (param "data" $s) (result $f)))
    (export "[method]descriptor.read-directory" (func (param "self" (borrow $d)) (result (tuple $ds $f))))
    (export "[method]descriptor.symlink-at" (func async (param "self" (borrow $d)) (param "old-path" string) (param "new-path" string)
      (result (result (error $ec')))))))
  (alias export $types "descriptor" (type $descriptor))
  (alias export $types "directory-entry" (type $entry))
  (alias export $types "error-code" (type $error-code))
  (import "wasi:filesystem/preopens@0.3.0" (instance $preopens
    (alias outer 1 $descriptor (type $d))
    (export "descriptor" (type $d' (eq $d)))
    (export "get-directories" (func (result (list (tuple (own $d') string)))))))
  (core module $Libc
    (memory (export "mem") 64)
    (global $next (mut i32) (i32.const 8192))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "mem" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (type $ST (stream u8))
  (type $DS (stream $entry))
  (type $FT (future (result (error $error-code))))
  (canon lower (func $preopens "get-directories") (memory $mem) (realloc $realloc) (core func $dirs))
  (canon lower (func $types "[method]descriptor.open-at") (memory $mem) (realloc $realloc) (core func $open-at))
  (canon lower (func $types "[method]descriptor.read-via-stream") (memory $mem) (core func $rvs))
  (canon lower (func $types "[method]descriptor.write-via-stream") (core func $wvs))
  (canon lower (func $types "[method]descriptor.append-via-stream") (core func $avs))
  (canon lower (func $types "[method]descriptor.read-directory") (memory $mem) (core func $rdir))
  (canon lower (func $types "[method]descriptor.symlink-at") (memory $mem) (realloc $realloc) (core func $symlink-at))
  (canon resource.drop $descriptor (core func $drop))
  (canon stream.new $ST (core func $snew))
  (canon stream.read $ST (memory $mem) (core func $sread))
  (canon stream.write $ST (memory $mem) (core func $swrite))
  (canon stream.drop-readable $ST (core func $sdr))
  (canon stream.drop-writable $ST (core func $sdw))
  (canon stream.read $DS (memory $mem) (realloc $realloc) (core func $dread))
  (canon stream.drop-readable $DS (core func $ddr))
  (canon future.read $FT (memory $mem) (realloc $realloc) (core func $fread))
  (canon future.drop-readable $FT (core func $fdr))
  (canon task.return (result (result (list u8) (error u32))) (memory $mem) (core func $ret-bytes))
  (canon task.return (result (result (list $entry) (error u32))) (memory $mem) (core func $ret-list))
  (canon task.return (result (result (error u32))) (core func $ret-unit))
  (core module $M
    (import "" "mem" (memory 64))
    (import "" "dirs" (func $dirs (param i32)))
    (import "" "open-at" (func $open-at (param i32 i32 i32 i32 i32 i32 i32)))
    (import "" "rvs" (func $rvs (param i32 i64 i32)))
    (import "" "wvs" (func $wvs (param i32 i32 i64) (result i32)))
    (import "" "avs" (func $avs (param i32 i32) (result i32)))
    (import "" "rdir" (func $rdir (param i32 i32)))
    (import "" "symlink-at" (func $symlink-at (param i32 i32 i32 i32 i32 i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "snew" (func $snew (result i64)))
    (import "" "sread" (func $sread (param i32 i32 i32) (result i32)))
    (import "" "swrite" (func $swrite (param i32 i32 i32) (result i32)))
    (import "" "sdr" (func $sdr (param i32)))
    (import "" "sdw" (func $sdw (param i32)))
    (import "" "dread" (func $dread (param i32 i32 i32) (result i32)))
    (import "" "ddr" (func $ddr (param i32)))
    (import "" "fread" (func $fread (param i32 i32) (result i32)))
    (import "" "fdr" (func $fdr (param i32)))
    (import "" "ret-bytes" (func $ret-bytes (param i32 i32 i32)))
    (import "" "ret-list" (func $ret-list (param i32 i32 i32)))
    (import "" "ret-unit" (func $ret-unit (param i32 i32)))
    ;; where read data and directory entries go (1 MiB on: the allocator stays below)
    (global $BUF i32 (i32.const 0x100000))
    (global $code (mut i32) (i32.const 0))
    ;; the first preopen (list<tuple<descriptor, string>> at 400); the others are dropped
    (func $preopen (result i32)
      (local $i i32)
      (call $dirs (i32.const 400))
      (if (i32.eqz (i32.load offset=4 (i32.const 400))) (then unreachable))
      (local.set $i (i32.const 1))
      (block $done (loop $more
        (br_if $done (i32.ge_u (local.get $i) (i32.load offset=4 (i32.const 400))))
        (call $drop (i32.load (i32.add (i32.load (i32.const 400)) (i32.mul (local.get $i) (i32.const 12)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $more)))
      (i32.load (i32.load (i32.const 400))))
    ;; open-at under the first preopen: the descriptor, or -1 with the error-code case in $code
    (func $open (param $ptr i32) (param $len i32) (param $pf i32) (param $of i32) (param $df i32) (result i32)
      (local $dir i32)
      (local.set $dir (call $preopen))
      (call $open-at (local.get $dir) (local.get $pf) (local.get $ptr) (local.get $len) (local.get $of) (local.get $df) (i32.const 416))
      (call $drop (local.get $dir))
      (if (result i32) (i32.load8_u (i32.const 416))
        (then (global.set $code (i32.load8_u (i32.const 420))) (i32.const -1))
        (else (i32.load (i32.const 420)))))
    ;; a future<result<_, error-code>>'s value: -1 for ok, else the error-code case
    (func $outcome (param $f i32) (result i32)
      (drop (call $fread (local.get $f) (i32.const 432)))
      (call $fdr (local.get $f))
      (if (result i32) (i32.load8_u (i32.const 432)) (then (i32.load8_u (i32.const 436))) (else (i32.const -1))))
    (func (export "read-file") (param $ptr i32) (param $len i32) (param $pf i32)
      (local $fd i32) (local $s i32) (local $f i32) (local $n i32) (local $r i32) (local $e i32)
      (local.set $fd (call $open (local.get $ptr) (local.get $len) (local.get $pf) (i32.const 0) (i32.const ${READ})))
      (if (i32.lt_s (local.get $fd) (i32.const 0)) (then (call $ret-bytes (i32.const 1) (global.get $code) (i32.const 0)) return))
      (call $rvs (local.get $fd) (i64.const 0) (i32.const 464))
      (local.set $s (i32.load (i32.const 464)))
      (local.set $f (i32.load (i32.const 468)))
      ;; in 0.3 a stream outlives the descriptor it came from
      (call $drop (local.get $fd))
      (loop $more
        (local.set $r (call $sread (local.get $s) (i32.add (global.get $BUF) (local.get $n)) (i32.const 4000)))
        (local.set $n (i32.add (local.get $n) (i32.shr_u (local.get $r) (i32.const 4))))
        (br_if $more (i32.eqz (i32.and (local.get $r) (i32.const 0xf)))))
      (call $sdr (local.get $s))
      (local.set $e (call $outcome (local.get $f)))
      (if (i32.ge_s (local.get $e) (i32.const 0))
        (then (call $ret-bytes (i32.const 1) (i32.add (i32.const 100) (local.get $e)) (i32.const 0)) return))
      (call $ret-bytes (i32.const 0) (global.get $BUF) (local.get $n)))
    (func (export "write-file") (param $ptr i32) (param $len i32) (param $data i32) (param $size i32) (param $of i32) (param $df i32) (param $append i32)
      (local $fd i32) (local $ends i64) (local $w i32) (local $f i32) (local $r i32) (local $e i32)
      (local.set $fd (call $open (local.get $ptr) (local.get $len) (i32.const 0) (local.get $of) (local.get $df)))
      (if (i32.lt_s (local.get $fd) (i32.const 0)) (then (call $ret-unit (i32.const 1) (global.get $code)) return))
      (local.set $ends (call $snew))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (local.set $f (if (result i32) (local.get $append)
        (then (call $avs (local.get $fd) (i32.wrap_i64 (local.get $ends))))
        (else (call $wvs (local.get $fd) (i32.wrap_i64 (local.get $ends)) (i64.const 0)))))
      (block $done (loop $more
        (br_if $done (i32.eqz (local.get $size)))
        (local.set $r (call $swrite (local.get $w) (local.get $data) (local.get $size)))
        ;; the host dropped its end: it refused the bytes (the future says why)
        (br_if $done (i32.eq (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1)))
        (local.set $data (i32.add (local.get $data) (i32.shr_u (local.get $r) (i32.const 4))))
        (local.set $size (i32.sub (local.get $size) (i32.shr_u (local.get $r) (i32.const 4))))
        (br $more)))
      (call $sdw (local.get $w))
      (local.set $e (call $outcome (local.get $f)))
      (call $drop (local.get $fd))
      (if (i32.ge_s (local.get $e) (i32.const 0))
        (then (call $ret-unit (i32.const 1) (i32.add (i32.const 100) (local.get $e))) return))
      (call $ret-unit (i32.const 0) (i32.const 0)))
    (func (export "list-dir") (param $ptr i32) (param $len i32)
      (local $fd i32) (local $s i32) (local $f i32) (local $n i32) (local $r i32) (local $e i32)
      (local.set $fd (call $open (local.get $ptr) (local.get $len) (i32.const 0) (i32.const 0) (i32.const ${READ})))
      (if (i32.lt_s (local.get $fd) (i32.const 0)) (then (call $ret-list (i32.const 1) (global.get $code) (i32.const 0)) return))
      (call $rdir (local.get $fd) (i32.const 464))
      (local.set $s (i32.load (i32.const 464)))
      (local.set $f (i32.load (i32.const 468)))
      ;; entries of 24 bytes, 50 at a time
      (loop $more
        (local.set $r (call $dread (local.get $s) (i32.add (global.get $BUF) (i32.mul (local.get $n) (i32.const 24))) (i32.const 50)))
        (local.set $n (i32.add (local.get $n) (i32.shr_u (local.get $r) (i32.const 4))))
        (br_if $more (i32.eqz (i32.and (local.get $r) (i32.const 0xf)))))
      (call $ddr (local.get $s))
      (local.set $e (call $outcome (local.get $f)))
      (call $drop (local.get $fd))
      (if (i32.ge_s (local.get $e) (i32.const 0))
        (then (call $ret-list (i32.const 1) (i32.add (i32.const 100) (local.get $e)) (i32.const 0)) return))
      (call $ret-list (i32.const 0) (global.get $BUF) (local.get $n)))
    (func (export "symlink") (param $old i32) (param $olen i32) (param $new i32) (param $nlen i32)
      (local $dir i32)
      (local.set $dir (call $preopen))
      (call $symlink-at (local.get $dir) (local.get $old) (local.get $olen) (local.get $new) (local.get $nlen) (i32.const 416))
      (call $drop (local.get $dir))
      (if (i32.load8_u (i32.const 416)) (then (call $ret-unit (i32.const 1) (i32.load8_u (i32.const 420))) return))
      (call $ret-unit (i32.const 0) (i32.const 0))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem)) (export "dirs" (func $dirs)) (export "open-at" (func $open-at)) (export "rvs" (func $rvs))
    (export "wvs" (func $wvs)) (export "avs" (func $avs)) (export "rdir" (func $rdir)) (export "symlink-at" (func $symlink-at))
    (export "drop" (func $drop)) (export "snew" (func $snew)) (export "sread" (func $sread)) (export "swrite" (func $swrite))
    (export "sdr" (func $sdr)) (export "sdw" (func $sdw)) (export "dread" (func $dread)) (export "ddr" (func $ddr))
    (export "fread" (func $fread)) (export "fdr" (func $fdr)) (export "ret-bytes" (func $ret-bytes))
    (export "ret-list" (func $ret-list)) (export "ret-unit" (func $ret-unit))))))
  (func (export "read-file") async (param "path" string) (param "path-flags" u32) (result (result (list u8) (error u32)))
    (canon lift (core func $m "read-file") async (memory $mem) (realloc $realloc)))
  (func (export "write-file") async (param "path" string) (param "data" (list u8)) (param "open-flags" u32) (param "flags" u32)
    (param "append" bool) (result (result (error u32)))
    (canon lift (core func $m "write-file") async (memory $mem) (realloc $realloc)))
  (func (export "list-dir") async (param "path" string) (result (result (list $entry) (error u32)))
    (canon lift (core func $m "list-dir") async (memory $mem) (realloc $realloc)))
  (func (export "symlink") async (param "target" string) (param "link" string) (result (result (error u32)))
    (canon lift (core func $m "symlink") async (memory $mem) (realloc $realloc)))
)`;

const compiled = compileComponent(encodeComponent(parseComponent(GUEST)));
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

type Tagged = { tag: 'ok'; val: unknown } | { tag: 'err'; val: number };

interface Guest {
  readFile(path: string, follow?: boolean): Promise<string>;
  writeFile(path: string, data: Uint8Array | string, openFlags: number, flags: number, append?: boolean): Promise<string>;
  readBytes(path: string): Promise<Uint8Array>;
  listDir(path: string): Promise<string[] | string>;
  symlink(target: string, link: string): Promise<string>;
}

/** An err's index as `open:<case>` (the call failed) or `stream:<case>` (the future said it). */
const codeName = (v: number): string => (v >= 100 ? `stream:${CODES[v - 100]}` : `open:${CODES[v]}`);

async function guest(vfs: Vfs, extra: Record<string, Vfs> = {}): Promise<Guest> {
  const wasi = new WasiP3({ preopens: { '/data': vfs, ...extra } });
  // The host's functions answer err by throwing (the default `results`), so the guest's exports do too.
  const { exports }: ComponentInstance = await wasi.instantiate(await compiled);
  const call = async (name: string, ...args: unknown[]): Promise<Tagged> => {
    try {
      return { tag: 'ok', val: await (exports[name] as (...a: unknown[]) => Promise<unknown>)(...args) };
    } catch (e) {
      if (e instanceof ComponentError) return { tag: 'err', val: e.payload as number };
      throw e;
    }
  };
  const bytes = async (path: string, follow = false): Promise<Uint8Array | string> => {
    const r = await call('read-file', path, follow ? FOLLOW : 0);
    return r.tag === 'ok' ? r.val as Uint8Array : codeName(r.val);
  };
  return {
    readFile: async (path, follow) => {
      const r = await bytes(path, follow);
      return typeof r === 'string' ? r : dec(r);
    },
    readBytes: async (path) => {
      const r = await bytes(path);
      if (typeof r === 'string') assert.fail(r);
      return r;
    },
    writeFile: async (path, data, openFlags, flags, append = false) => {
      const r = await call('write-file', path, typeof data === 'string' ? enc(data) : data, openFlags, flags, append);
      return r.tag === 'ok' ? 'ok' : codeName(r.val);
    },
    listDir: async (path) => {
      const r = await call('list-dir', path);
      if (r.tag === 'err') return codeName(r.val);
      return (r.val as { type: { tag: string }; name: string }[]).map((e) => `${e.type.tag}:${e.name}`).sort();
    },
    symlink: async (target, link) => {
      const r = await call('symlink', target, link);
      return r.tag === 'ok' ? 'ok' : codeName(r.val);
    },
  };
}

/** Runs `body` on an in-memory file system and on a temporary host directory. */
function both(name: string, body: (vfs: Vfs, host: string | undefined) => Promise<void>): void {
  test(`${name} (memory fs)`, () => body(new MemoryFs(), undefined));
  test(`${name} (host fs)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-p3-fs-'));
    try {
      await body(hostDir(dir), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

both('files written and appended through stream<u8>, read back through read-via-stream', async (vfs, host) => {
  const g = await guest(vfs);
  assert.equal(await g.writeFile('a.txt', 'hello', CREATE, READ | WRITE), 'ok');
  assert.equal(await g.writeFile('a.txt', ', world', 0, WRITE, true), 'ok');
  assert.equal(await g.readFile('a.txt'), 'hello, world');
  // write-via-stream at offset 0 overwrites in place
  assert.equal(await g.writeFile('a.txt', 'J', 0, WRITE), 'ok');
  assert.equal(await g.readFile('a.txt'), 'Jello, world');
  if (host !== undefined) assert.equal(readFileSync(join(host, 'a.txt'), 'utf8'), 'Jello, world');
  // Larger than a chunk either way (the host reads 64 KiB at a time, the guest 4000 bytes).
  const big = new Uint8Array(300_001).map((_, i) => (i * 7919) & 0xff);
  assert.equal(await g.writeFile('big.bin', big, CREATE, WRITE), 'ok');
  assert.deepEqual(await g.readBytes('big.bin'), big);
  assert.equal(await g.readFile('empty', false), 'open:no-entry');
  assert.equal(await g.writeFile('empty', '', CREATE, WRITE), 'ok');
  assert.equal(await g.readFile('empty'), '');
});

both('a directory listing arrives as a stream<directory-entry>', async (vfs) => {
  const g = await guest(vfs);
  assert.deepEqual(await g.listDir('.'), []);
  assert.equal(await g.writeFile('f', 'x', CREATE, WRITE), 'ok');
  assert.equal(await g.symlink('f', 'link'), 'ok');
  const names: string[] = [];
  for (let i = 0; i < 130; i++) {
    const name = `n${String(i).padStart(3, '0')}`;
    names.push(`regular-file:${name}`);
    assert.equal(await g.writeFile(name, '', CREATE, WRITE), 'ok');
  }
  vfs.mkdir(['sub']);
  assert.deepEqual(await g.listDir('.'), ['directory:sub', 'regular-file:f', ...names, 'symbolic-link:link'].sort());
  assert.deepEqual(await g.listDir('sub'), []);
});

both('errors are error-code values, from the call or from the stream\'s future', async (vfs) => {
  const g = await guest(vfs);
  assert.equal(await g.writeFile('f', 'data', CREATE, WRITE), 'ok');
  vfs.mkdir(['d']);
  assert.equal(await g.readFile('missing'), 'open:no-entry');
  assert.equal(await g.readFile('f/'), 'open:not-directory');
  assert.equal(await g.writeFile('f', 'x', CREATE | EXCLUSIVE, WRITE), 'open:exist');
  assert.equal(await g.writeFile('d', 'x', 0, WRITE), 'open:is-directory');
  // A directory opens for reading; reading it as a file fails in the future.
  assert.equal(await g.readFile('d'), 'stream:is-directory');
  assert.equal(await g.listDir('f'), 'stream:not-directory');
  assert.equal(await g.listDir('nope'), 'open:no-entry');
});

both('a hostile guest cannot leave its preopen', async (vfs, host) => {
  const g = await guest(vfs);
  vfs.mkdir(['in']);
  for (const path of ['..', '../x', 'in/../../x', '/etc/passwd', '/', 'in/../..']) {
    assert.equal(await g.readFile(path), 'open:not-permitted', path);
    assert.equal(await g.writeFile(path, 'x', CREATE, WRITE), 'open:not-permitted', path);
  }
  assert.equal(await g.listDir('..'), 'open:not-permitted');
  // Links that point out are refused when made...
  assert.equal(await g.symlink('/etc/passwd', 'abs'), 'open:not-permitted');
  assert.equal(await g.symlink('../outside', 'rel'), 'open:not-permitted');
  assert.equal(await g.symlink('in/../../outside', 'rel'), 'open:not-permitted');
  // ... and when followed, made behind the guest's back on the host.
  if (host !== undefined) {
    const secret = join(host, '..', `${basename(host)}-secret`);
    writeFileSync(secret, 'secret');
    try {
      symlinkSync(`../${basename(secret)}`, join(host, 'escape'));
      symlinkSync('/etc/passwd', join(host, 'abs'));
      symlinkSync('../../etc/passwd', join(host, 'in', 'up'));
      assert.equal(await g.readFile('escape', true), 'open:not-permitted');
      assert.equal(await g.readFile('abs', true), 'open:not-permitted');
      assert.equal(await g.readFile('in/up', true), 'open:not-permitted');
      assert.equal(await g.writeFile('escape', 'overwritten', 0, WRITE), 'open:loop');
      assert.equal(readFileSync(secret, 'utf8'), 'secret');
    } finally {
      rmSync(secret);
    }
  }
  // A link inside the sandbox is followed when asked.
  assert.equal(await g.writeFile('in/t', 'inside', CREATE, WRITE), 'ok');
  assert.equal(await g.symlink('in/t', 'ok-link'), 'ok');
  assert.equal(await g.readFile('ok-link', true), 'inside');
  assert.equal(await g.readFile('ok-link', false), 'open:loop');
});

both('a file opened read-only cannot be written through a stream', async (vfs) => {
  const g = await guest(vfs);
  assert.equal(await g.writeFile('f', 'original', CREATE, WRITE), 'ok');
  assert.equal(await g.writeFile('f', 'changed', 0, READ), 'stream:bad-descriptor');
  assert.equal(await g.writeFile('f', 'more', 0, READ, true), 'stream:bad-descriptor');
  // Even an empty stream is refused: the descriptor is not open for writing.
  assert.equal(await g.writeFile('f', '', 0, READ), 'stream:bad-descriptor');
  assert.equal(await g.readFile('f'), 'original');
  // A write-only descriptor cannot be read.
  const wasi = new WasiP3({ preopens: { '/data': vfs } });
  const [[dir]] = (wasi.imports['wasi:filesystem/preopens@0.3.0'] as { 'get-directories': () => [Descriptor, string][] })['get-directories']();
  const wo = dir['open-at']({}, 'f', {}, { write: true });
  const [chunks, outcome] = wo['read-via-stream'](0n);
  assert.deepEqual(await outcome, { tag: 'err', val: { tag: 'bad-descriptor' } });
  assert.deepEqual([...(chunks as Iterable<Uint8Array>)], []);
});

test('a read-only file system: no writes, no new files, no links', async () => {
  const vfs = MemoryFs.from({ f: 'content', d: {} }, { readOnly: true });
  const g = await guest(vfs);
  assert.equal(await g.readFile('f'), 'content');
  assert.equal(await g.writeFile('f', 'x', 0, WRITE), 'open:read-only');
  assert.equal(await g.writeFile('new', 'x', CREATE, WRITE), 'open:read-only');
  assert.equal(await g.symlink('f', 'l'), 'open:not-permitted');
  assert.deepEqual(await g.listDir('.'), ['directory:d', 'regular-file:f']);
});

test('the host side: no preopens by default; async functions answer with 0.3 shapes', async () => {
  assert.deepEqual((new WasiP3().imports['wasi:filesystem/preopens@0.3.0'] as { 'get-directories': () => unknown[] })['get-directories'](), []);
  const vfs = MemoryFs.from({ f: 'abc', d: { g: 'x' } });
  const wasi = new WasiP3({ preopens: [{ guest: '/a', fs: vfs }, { guest: '/b', fs: new MemoryFs() }] });
  const list = (wasi.imports['wasi:filesystem/preopens@0.3.0'] as { 'get-directories': () => [Descriptor, string][] })['get-directories']();
  assert.deepEqual(list.map(([, name]) => name), ['/a', '/b']);
  const [[a], [b]] = list;
  assert.deepEqual(a['get-type'](), { tag: 'directory' });
  const st = a['stat-at']({}, 'f');
  assert.deepEqual(st.type, { tag: 'regular-file' });
  assert.equal(st.size, 3n);
  assert.ok((st['data-modification-timestamp']?.nanoseconds ?? -1) >= 0);
  const err = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      if (e instanceof ComponentError) return e.payload;
      throw e;
    }
    return assert.fail('expected err');
  };
  assert.deepEqual(err(() => a['stat-at']({}, 'missing')), { tag: 'no-entry' });
  assert.deepEqual(err(() => a['rename-at']('f', b, 'f')), { tag: 'cross-device' });
  assert.deepEqual(err(() => a['open-at']({}, '../x', {}, { read: true })), { tag: 'not-permitted' });
  a['rename-at']('f', a, 'd/f2');
  assert.ok(a['open-at']({}, 'd', { directory: true }, { read: true })['is-same-object'](a['open-at']({}, 'd', {}, { read: true })));
  assert.deepEqual(a['metadata-hash-at']({}, 'd/f2'), a['open-at']({}, 'd/f2', {}, { read: true })['metadata-hash']());
  // A stream keeps the file open after its descriptor is dropped.
  const f = a['open-at']({}, 'd/f2', {}, { read: true });
  const [chunks, outcome] = f['read-via-stream'](1n);
  f[Symbol.dispose]();
  const got: Uint8Array[] = [];
  for await (const c of chunks) got.push(c);
  assert.equal(dec(Buffer.concat(got)), 'bc');
  assert.deepEqual(await outcome, { tag: 'ok' });
});
