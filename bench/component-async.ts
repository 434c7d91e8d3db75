// `npm run bench -- --suite=component-async`: Tessera's Component Model async (issue 11), on
// a guest written in component text (no toolchain): the time of an async host-to-guest call
// in each lifting style next to a plain synchronous call, and the throughput of a stream<u8>
// carrying 100 MB from JavaScript into a guest, from a guest to JavaScript, and from one guest
// to another through JavaScript (the readable end moves; the bytes go memory to memory). No
// peer runs here: jco's async support is experimental and wasmtime is not a JavaScript host.
import { instantiateComponent, parseComponent } from '../src/index.ts';
import type { ComponentStream } from '../src/index.ts';
import { collectGarbage, FULL, measure, QUICK } from './measure.ts';
import type { MeasureOptions } from './measure.ts';

type Fn = (...args: unknown[]) => unknown;

const CHUNK = 64 * 1024;
const TOTAL = 100 * 1024 * 1024;
const CHUNKS = TOTAL / CHUNK;

const GUEST = `(component
  (core module $Mem (memory (export "mem") 2))
  (core instance $mem (instantiate $Mem))
  (alias core export $mem "mem" (core memory $memory))
  (type $ST (stream u8))
  (canon stream.new $ST (core func $new))
  (canon stream.read $ST (memory $memory) (core func $read))
  (canon stream.write $ST (memory $memory) (core func $write))
  (canon stream.drop-readable $ST (core func $dropr))
  (canon stream.drop-writable $ST (core func $dropw))
  (canon task.return (core func $ret0))
  (canon task.return (result u64) (core func $ret64))
  (canon task.return (result $ST) (core func $rets))
  (core module $M
    (import "" "mem" (memory 2))
    (import "" "new" (func $new (result i64)))
    (import "" "read" (func $read (param i32 i32 i32) (result i32)))
    (import "" "write" (func $write (param i32 i32 i32) (result i32)))
    (import "" "dropr" (func $dropr (param i32)))
    (import "" "dropw" (func $dropw (param i32)))
    (import "" "ret0" (func $ret0))
    (import "" "ret64" (func $ret64 (param i64)))
    (import "" "rets" (func $rets (param i32)))
    (func (export "noop"))
    (func (export "noop-stackful") (call $ret0))
    (func (export "noop-callback") (result i32) (call $ret0) (i32.const 0 (; EXIT ;)))
    (func (export "cb") (param i32 i32 i32) (result i32) unreachable)
    ;; reads 64 KiB at a time until the writer drops; returns the byte count
    (func (export "consume") (param $s i32)
      (local $r i32) (local $total i64)
      (loop $more
        (local.set $r (call $read (local.get $s) (i32.const 0) (i32.const ${CHUNK})))
        (local.set $total (i64.add (local.get $total) (i64.extend_i32_u (i32.shr_u (local.get $r) (i32.const 4)))))
        (br_if $more (i32.eqz (i32.and (local.get $r) (i32.const 0xf)))))
      (call $dropr (local.get $s))
      (call $ret64 (local.get $total)))
    ;; returns a stream, then writes $n chunks of 64 KiB into it
    (func (export "produce") (param $n i32)
      (local $ends i64) (local $w i32) (local $done i32) (local $r i32)
      (local.set $ends (call $new))
      (local.set $w (i32.wrap_i64 (i64.shr_u (local.get $ends) (i64.const 32))))
      (call $rets (i32.wrap_i64 (local.get $ends)))
      (block $end (loop $chunk
        (br_if $end (i32.eqz (local.get $n)))
        (local.set $done (i32.const 0))
        (loop $rest
          (local.set $r (call $write (local.get $w) (local.get $done) (i32.sub (i32.const ${CHUNK}) (local.get $done))))
          (local.set $done (i32.add (local.get $done) (i32.shr_u (local.get $r) (i32.const 4))))
          (br_if $rest (i32.lt_u (local.get $done) (i32.const ${CHUNK}))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $chunk)))
      (call $dropw (local.get $w))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $memory)) (export "new" (func $new)) (export "read" (func $read)) (export "write" (func $write))
    (export "dropr" (func $dropr)) (export "dropw" (func $dropw)) (export "ret0" (func $ret0)) (export "ret64" (func $ret64))
    (export "rets" (func $rets))))))
  (func (export "noop") (canon lift (core func $m "noop")))
  (func (export "noop-sync-lift") async (canon lift (core func $m "noop")))
  (func (export "noop-stackful") async (canon lift (core func $m "noop-stackful") async))
  (func (export "noop-callback") async (canon lift (core func $m "noop-callback") async (callback (core func $m "cb"))))
  (func (export "consume") async (param "s" $ST) (result u64) (canon lift (core func $m "consume") async))
  (func (export "produce") async (param "chunks" u32) (result $ST) (canon lift (core func $m "produce") async))
)`;

/** 100 MB of 64 KiB chunks (one buffer, given again and again: the copy into the guest is timed). */
async function* chunks(): AsyncGenerator<Uint8Array> {
  const buf = new Uint8Array(CHUNK).fill(7);
  for (let i = 0; i < CHUNKS; i++) yield buf;
}

async function drain(s: ComponentStream): Promise<number> {
  let n = 0;
  for (;;) {
    const c = await s.read();
    if (c === undefined) return n;
    n += (c as Uint8Array).length;
  }
}

function formatTime(ms: number): string {
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toFixed(2)} us`;
  return `${(ms * 1e6).toFixed(0)} ns`;
}

export async function componentAsyncBench(quick: boolean): Promise<void> {
  const options: MeasureOptions = quick ? QUICK : FULL;
  const a = (await instantiateComponent(parseComponent(GUEST))).exports as Record<string, Fn>;
  const b = (await instantiateComponent(parseComponent(GUEST))).exports as Record<string, Fn>;
  const rows: string[][] = [];
  const notes: string[] = [];

  const BATCH = 1000;
  const calls: [string, string, () => unknown][] = [
    ['sync call (reference)', 'noop(): a non-async function, lifted synchronously', () => { for (let i = 0; i < BATCH; i++) a.noop(); }],
    ['async call, sync lift', 'noop-sync-lift(): async func, core returns (runs on a JSPI stack)', async () => { for (let i = 0; i < BATCH; i++) await a['noop-sync-lift'](); }],
    ['async call, stackful lift', 'noop-stackful(): lifted `async`, calls task.return', async () => { for (let i = 0; i < BATCH; i++) await a['noop-stackful'](); }],
    ['async call, callback lift', 'noop-callback(): lifted `async` with a callback, task.return then EXIT', async () => { for (let i = 0; i < BATCH; i++) await a['noop-callback'](); }],
  ];
  for (const [name, about, op] of calls) {
    collectGarbage();
    const m = await measure(op, options);
    rows.push([name, formatTime(m.medianMs / BATCH), `per call, median of ${m.runs} runs of ${BATCH} awaited calls`]);
    notes.push(`${name}: ${about}`);
  }

  const streams: [string, string, () => Promise<number>][] = [
    ['stream<u8> JS -> guest', 'consume(s): an async generator of 64 KiB Uint8Arrays; the guest reads 64 KiB at a time (sync stream.read)', async () => Number(await a.consume(chunks()))],
    ['stream<u8> guest -> JS', 'produce(n): the guest writes 64 KiB at a time (sync stream.write); JavaScript reads with ComponentStream.read()', async () => drain(await a.produce(CHUNKS) as ComponentStream)],
    ['stream<u8> guest -> guest', 'produce(n) of one instance passed to consume(s) of another: one memory copy per rendezvous', async () => Number(await b.consume(await a.produce(CHUNKS)))],
  ];
  for (const [name, about, op] of streams) {
    collectGarbage();
    const check = await op();
    if (check !== TOTAL) {
      rows.push([name, 'error', `moved ${check} bytes, expected ${TOTAL}`]);
      continue;
    }
    const m = await measure(op, { ...options, minRuns: quick ? 2 : 3 });
    const mbps = (TOTAL / 1e6) / (m.medianMs / 1e3);
    rows.push([name, `${mbps.toFixed(0)} MB/s`, `100 MiB in ${formatTime(m.medianMs)} (median of ${m.runs})`]);
    notes.push(`${name}: ${about}`);
  }

  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), i === 0 ? 3 : 0));
  process.stdout.write('== Component Model async: calls and streams (component text guest, Tessera only)\n\n');
  process.stdout.write(`${notes.map((n) => `  ${n}`).join('\n')}\n\n`);
  process.stdout.write(`${'row'.padEnd(widths[0])}  ${'time or rate'.padStart(widths[1])}  what\n`);
  for (const r of rows) process.stdout.write(`${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2]}\n`);
}
