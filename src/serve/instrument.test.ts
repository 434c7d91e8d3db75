// The rewriting of guest modules: function indices moved everywhere they appear, a fuel check
// that reaches the host from loops, calls and tail calls, memories capped and imported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeModule } from '../binary/decode.ts';
import { encodeModule } from '../binary/encode.ts';
import { parseWat } from '../text/parse.ts';
import { validateModule } from '../validate/module.ts';
import { FUEL, HOST_MODULE, instrumentModule, MemoryCapError } from './instrument.ts';

/** Instruments `wat` (through bytes, as the server does), checks it is valid, and instantiates it. */
function build(wat: string, options: { interrupt?: boolean; importMemories?: boolean; maxPages?: number }, host: Record<string, WebAssembly.ImportValue>, imports: WebAssembly.Imports = {}) {
  const m = decodeModule(encodeModule(parseWat(wat)));
  const r = instrumentModule(m, { interrupt: options.interrupt ?? true, importMemories: options.importMemories ?? false, maxPages: options.maxPages });
  const bytes = encodeModule(r.module);
  validateModule(bytes);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { ...imports, [HOST_MODULE]: { yield: () => FUEL, ...host } });
  return { r, exports: instance.exports as Record<string, unknown> };
}

describe('interrupt', () => {
  it('keeps every function reference pointing at the same function', () => {
    const seen: number[] = [];
    const { exports } = build(`(module
      (import "env" "log" (func $log (param i32)))
      (type $t (func (result i32)))
      (table 2 funcref)
      (elem (i32.const 0) $seven $eight)
      (elem declare func $nine)
      (global $g (mut funcref) (ref.func $eight))
      (func $seven (result i32) (i32.const 7))
      (func $eight (result i32) (i32.const 8))
      (func $nine (result i32) (i32.const 9))
      (func $start (call $log (i32.const 1)))
      (func (export "direct") (result i32) (call $seven))
      (func (export "indirect") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
      (func (export "byref") (result i32) (call_ref $t (ref.func $nine)))
      (func (export "global") (result i32) (call_ref $t (ref.cast (ref $t) (global.get $g))))
      (func (export "tail") (result i32) (return_call $eight))
      (start $start))`, {}, { interrupt: () => FUEL }, { env: { log: (x: number) => seen.push(x) } });
    assert.deepEqual(seen, [1], 'the start function still runs');
    const e = exports as Record<string, (...a: number[]) => number>;
    assert.equal(e.direct(), 7);
    assert.equal(e.indirect(0), 7);
    assert.equal(e.indirect(1), 8);
    assert.equal(e.byref(), 9);
    assert.equal(e.global(), 8);
    assert.equal(e.tail(), 8);
  });

  it('asks the host every FUEL loop iterations, and a throw there stops the guest', () => {
    let asked = 0;
    const { exports } = build(`(module
      (func (export "count") (param $n i32) (result i32) (local $i i32)
        (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
        (local.get $i))
      (func (export "spin") (loop $l (br $l))))`, {}, { interrupt: () => { asked++; return FUEL; } });
    const e = exports as Record<string, (...a: number[]) => number>;
    assert.equal(e.count(5 * FUEL), 5 * FUEL);
    assert.ok(asked >= 5 && asked <= 6, `asked ${asked} times`);
    let left = 3;
    const stopped = build(`(module (func (export "spin") (loop $l (br $l))))`, {}, {
      interrupt: () => {
        if (--left === 0) throw new Error('deadline');
        return FUEL;
      },
    });
    assert.throws(() => (stopped.exports.spin as () => void)(), /deadline/);
    assert.equal(left, 0);
  });

  it('counts calls too: endless recursion through tail calls is stopped', () => {
    let asked = 0;
    const { exports } = build(`(module
      (func $a (param i32) (return_call $b (i32.add (local.get 0) (i32.const 1))))
      (func $b (param i32) (return_call $a (local.get 0)))
      (func (export "run") (call $a (i32.const 0))))`, {}, { interrupt: () => { if (++asked === 4) throw new Error('stop'); return FUEL; } });
    assert.throws(() => (exports.run as () => void)(), /stop/);
    assert.equal(asked, 4);
  });

  it('leaves a module without functions alone', () => {
    const m = parseWat('(module (memory 1) (export "m" (memory 0)))');
    const r = instrumentModule(m, { interrupt: true, importMemories: false });
    assert.equal(r.interrupt, false);
    assert.equal(m.imports.length, 0);
  });
});

describe('pausing', () => {
  it('tells the host how deep JavaScript entered the module', () => {
    const depths: number[] = [];
    let inner: (() => number) | undefined;
    const { exports } = build(`(module
      (import "env" "host" (func $host))
      (func (export "outer") (result i32) (local $i i32)
        (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const ${3 * FUEL}))))
        (call $host) (local.get $i))
      (func (export "inner") (result i32) (local $i i32)
        (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const ${3 * FUEL}))))
        (local.get $i)))`, {}, { interrupt: (depth: number) => { depths.push(depth); return FUEL; } }, { env: { host: () => { inner?.(); } } });
    inner = exports.inner as () => number;
    assert.equal((exports.outer as () => number)(), 3 * FUEL);
    assert.ok(depths.length >= 5 && depths.includes(1) && depths.includes(2), String(depths));
    assert.ok(depths.slice(0, 2).every((d) => d === 1) && depths.at(-1) === 2, String(depths));
  });

  it('pauses a computing guest through JSPI when the host answers 0, and it goes on after', async () => {
    const S = (WebAssembly as unknown as { Suspending: new (f: () => Promise<number>) => WebAssembly.ImportValue }).Suspending;
    const promising = (WebAssembly as unknown as { promising: (f: unknown) => (...a: number[]) => Promise<number> }).promising;
    let asked = 0;
    let paused = 0;
    const events: string[] = [];
    const { exports } = build(`(module
      (func (export "work") (param $n i32) (result i32) (local $i i32)
        (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
        (local.get $i)))`, {}, {
      interrupt: () => (++asked % 2 === 0 ? 0 : FUEL),
      yield: new S(() => {
        paused++;
        events.push('paused');
        return new Promise<number>((resolve) => setTimeout(() => { events.push('resumed'); resolve(FUEL); }, 0));
      }),
    });
    const run = promising(exports.work);
    const done = run(10 * FUEL).then((n) => { events.push('done'); return n; });
    setTimeout(() => events.push('other work'), 0);
    assert.equal(await done, 10 * FUEL);
    assert.ok(paused >= 4, `paused ${paused} times`);
    assert.ok(events.indexOf('other work') < events.indexOf('done'), events.join(', '));
  });
});

describe('memories', () => {
  it('lowers the maximum to the cap and refuses a memory that starts above it', () => {
    const { exports } = build('(module (memory (export "m") 1 100) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))', { interrupt: false, maxPages: 4 }, {});
    const grow = exports.grow as (n: number) => number;
    assert.equal(grow(3), 1);
    assert.equal(grow(1), -1, 'past the cap');
    assert.equal((exports.m as WebAssembly.Memory).buffer.byteLength, 4 * 65536);
    assert.throws(() => instrumentModule(parseWat('(module (memory 5))'), { interrupt: false, importMemories: false, maxPages: 4 }), MemoryCapError);
  });

  it('turns the module\'s memory into an import whose data segments land in the memory given', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    new Uint8Array(memory.buffer).fill(0xee, 0, 16);
    const { r, exports } = build('(module (memory (export "m") 1) (data (i32.const 2) "hi") (func (export "size") (result i32) (memory.size)))', { interrupt: true, importMemories: true, maxPages: 2 }, { memory0: memory, interrupt: () => FUEL });
    assert.deepEqual(r.memories, [{ name: 'memory0', initial: 1, maximum: 2 }]);
    assert.equal(exports.m, memory);
    assert.deepEqual([...new Uint8Array(memory.buffer, 0, 5)], [0xee, 0xee, 0x68, 0x69, 0xee]);
    assert.equal((exports.size as () => number)(), 1);
  });

  it('keeps memories of a module that imports one already', () => {
    const m = parseWat('(module (import "a" "m" (memory 1)) (memory 1))');
    assert.deepEqual(instrumentModule(m, { interrupt: false, importMemories: true }).memories, []);
    assert.equal(m.memories.length, 1);
  });
});
