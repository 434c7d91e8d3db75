// The WASI 0.3 host (cli, clocks, random) running `wasi:cli/command` components written in
// component text: standard streams as stream<u8> with a future of the outcome, an async wait on
// the monotonic clock, arguments, randomness, exit statuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeComponent } from '../../component/binary/encode.ts';
import { parseComponent } from '../../component/text/parse.ts';
import { bufferOutput, bytesInput } from '../shared/stdio.ts';
import { WasiP3 } from './host.ts';

const bytes = (text: string): Uint8Array => encodeComponent(parseComponent(text));

/** The instance types a command imports (error-code spelled in each, as the host ignores names). */
const IMPORTS = `
  (import "wasi:cli/stdin@0.3.0" (instance $stdin
    (type $ec (enum "io" "illegal-byte-sequence" "pipe"))
    (export "error-code" (type $ec' (eq $ec)))
    (type $s (stream u8))
    (type $f (future (result (error $ec'))))
    (export "read-via-stream" (func (result (tuple $s $f))))))
  (import "wasi:cli/stdout@0.3.0" (instance $stdout
    (type $ec (enum "io" "illegal-byte-sequence" "pipe"))
    (export "error-code" (type $ec' (eq $ec)))
    (type $s (stream u8))
    (type $f (future (result (error $ec'))))
    (export "write-via-stream" (func (param "data" $s) (result $f)))))
  (import "wasi:cli/environment@0.3.0" (instance $env
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/exit@0.3.0" (instance $exit
    (export "exit-with-code" (func (param "status-code" u8)))))
  (import "wasi:clocks/monotonic-clock@0.3.0" (instance $clock
    (export "now" (func (result u64)))
    (export "wait-for" (func async (param "how-long" u64)))))
  (import "wasi:random/random@0.3.0" (instance $random
    (export "get-random-u64" (func (result u64)))))
  (core module $Libc
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 8192))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "mem" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (alias export $stdout "write-via-stream" (func $write-via-stream))
  (alias export $stdin "read-via-stream" (func $read-via-stream))
  (alias export $env "get-arguments" (func $get-arguments))
  (alias export $exit "exit-with-code" (func $exit-with-code))
  (alias export $clock "now" (func $now))
  (alias export $clock "wait-for" (func $wait-for))
  (alias export $random "get-random-u64" (func $get-random-u64))
  (type $ST (stream u8))
  (type $FT (future (result (error (enum "io" "illegal-byte-sequence" "pipe")))))
  (canon lower (func $write-via-stream) (core func $wvs))
  (canon lower (func $read-via-stream) (memory $mem) (core func $rvs))
  (canon lower (func $get-arguments) (memory $mem) (realloc $realloc) (core func $args))
  (canon lower (func $exit-with-code) (core func $exit))
  (canon lower (func $now) (core func $now'))
  (canon lower (func $wait-for) (core func $wait))
  (canon lower (func $get-random-u64) (core func $rand))
  (canon stream.new $ST (core func $snew))
  (canon stream.read $ST (memory $mem) (core func $sread))
  (canon stream.write $ST (memory $mem) (core func $swrite))
  (canon stream.drop-readable $ST (core func $sdr))
  (canon stream.drop-writable $ST (core func $sdw))
  (canon future.read $FT (memory $mem) (core func $fread))
  (canon future.drop-readable $FT (core func $fdr))
  (canon task.return (result (result)) (core func $ret))
  (core instance $imports (export "mem" (memory $mem))
    (export "wvs" (func $wvs)) (export "rvs" (func $rvs)) (export "args" (func $args)) (export "exit" (func $exit))
    (export "now" (func $now')) (export "wait" (func $wait)) (export "rand" (func $rand))
    (export "snew" (func $snew)) (export "sread" (func $sread)) (export "swrite" (func $swrite)) (export "sdr" (func $sdr))
    (export "sdw" (func $sdw)) (export "fread" (func $fread)) (export "fdr" (func $fdr)) (export "ret" (func $ret)))`;

const CORE_IMPORTS = `
    (import "" "mem" (memory 1))
    (import "" "wvs" (func $wvs (param i32) (result i32)))
    (import "" "rvs" (func $rvs (param i32)))
    (import "" "args" (func $args (param i32)))
    (import "" "exit" (func $exit (param i32)))
    (import "" "now" (func $now (result i64)))
    (import "" "wait" (func $wait (param i64)))
    (import "" "rand" (func $rand (result i64)))
    (import "" "snew" (func $snew (result i64)))
    (import "" "sread" (func $sread (param i32 i32 i32) (result i32)))
    (import "" "swrite" (func $swrite (param i32 i32 i32) (result i32)))
    (import "" "sdr" (func $sdr (param i32)))
    (import "" "sdw" (func $sdw (param i32)))
    (import "" "fread" (func $fread (param i32 i32) (result i32)))
    (import "" "fdr" (func $fdr (param i32)))
    (import "" "ret" (func $ret (param i32)))
    ;; writes [ptr, ptr+len) to stdout and waits for the outcome (0: ok)
    (func $print (param $ptr i32) (param $len i32) (result i32)
      (local $ends i64) (local $w i32) (local $f i32) (local $r i32)
      (local.set $ends (call $snew))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (local.set $f (call $wvs (i32.wrap_i64 (local.get $ends))))
      (block $done (loop $more
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $r (i32.shr_u (call $swrite (local.get $w) (local.get $ptr) (local.get $len)) (i32.const 4)))
        (local.set $ptr (i32.add (local.get $ptr) (local.get $r)))
        (local.set $len (i32.sub (local.get $len) (local.get $r)))
        (br $more)))
      (call $sdw (local.get $w))
      (drop (call $fread (local.get $f) (i32.const 96)))
      (call $fdr (local.get $f))
      (i32.load8_u (i32.const 96)))`;

function command(body: string): string {
  return `(component ${IMPORTS}
    (core module $M ${CORE_IMPORTS} ${body})
    (core instance $m (instantiate $M (with "" (instance $imports))))
    (func $run async (result (result)) (canon lift (core func $m "run") async))
    (instance $run (export "run" (func $run)))
    (export "wasi:cli/run@0.3.0" (instance $run))
  )`;
}

test('a command writes to stdout through a stream<u8> after waiting on the monotonic clock', async () => {
  const stdout = bufferOutput();
  let slept = 0n;
  const wasi = new WasiP3({
    stdout,
    clocks: { sleepAsync: async (ns: bigint) => { slept += ns; } },
  });
  const status = await wasi.run(bytes(command(`
    (data (i32.const 16) "hello from wasi 0.3\\n")
    (func (export "run")
      (call $wait (i64.const 5000000))
      (call $ret (call $print (i32.const 16) (i32.const 20))))`)));
  assert.equal(status, 0);
  assert.equal(stdout.text(), 'hello from wasi 0.3\n');
  assert.equal(slept, 5000000n);
});

test('stdin arrives as a stream<u8>: a command copies it to stdout', async () => {
  const stdout = bufferOutput();
  const wasi = new WasiP3({ stdin: bytesInput('line one\nline two\n'), stdout });
  const status = await wasi.run(bytes(command(`
    (func (export "run")
      (local $s i32) (local $f i32) (local $r i32)
      ;; (stream, future) at 200
      (call $rvs (i32.const 200))
      (local.set $s (i32.load (i32.const 200)))
      (local.set $f (i32.load (i32.const 204)))
      (loop $more
        (local.set $r (call $sread (local.get $s) (i32.const 1024) (i32.const 5)))
        (if (i32.shr_u (local.get $r) (i32.const 4))
          (then (drop (call $print (i32.const 1024) (i32.shr_u (local.get $r) (i32.const 4))))))
        (br_if $more (i32.eqz (i32.and (local.get $r) (i32.const 0xf)))))
      (call $sdr (local.get $s))
      (drop (call $fread (local.get $f) (i32.const 96)))
      (call $fdr (local.get $f))
      (call $ret (i32.load8_u (i32.const 96))))`)));
  assert.equal(status, 0);
  assert.equal(stdout.text(), 'line one\nline two\n');
});

test('arguments, randomness, and exit-with-code as the status', async () => {
  const stdout = bufferOutput();
  const wasi = new WasiP3({ args: ['prog', 'seven'], stdout, random: (into) => into.fill(1) });
  const status = await wasi.run(bytes(command(`
    (func (export "run")
      ;; list<string> at 300: (ptr, len); print the second argument
      (call $args (i32.const 300))
      (if (i32.ne (i32.load offset=4 (i32.const 300)) (i32.const 2)) (then unreachable))
      (drop (call $print
        (i32.load offset=8 (i32.load (i32.const 300)))
        (i32.load offset=12 (i32.load (i32.const 300)))))
      (if (i64.ne (call $rand) (i64.const 0x0101010101010101)) (then unreachable))
      (if (i64.eqz (call $now)) (then unreachable))
      (call $exit (i32.const 3))
      unreachable)`)));
  assert.equal(status, 3);
  assert.equal(stdout.text(), 'seven');
});
