// The written-block marks (src/serve/write-marks.ts): each kind of write into a tracked memory
// marks the block of its first byte (bulk writes: every block of their range), a second module
// writing the same memory marks the same map, untracked memories are left alone, and the
// rewritten module is valid and computes what the original computes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeModule } from '../binary/decode.ts';
import { encodeModule } from '../binary/encode.ts';
import { parseWat } from '../text/parse.ts';
import { validateModule } from '../validate/module.ts';
import { HOST_MODULE, instrumentModule } from './instrument.ts';
import { MAP_PAGES } from './write-marks.ts';

type Fn = (...a: (number | bigint)[]) => number | bigint;

function newMap(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: MAP_PAGES, maximum: MAP_PAGES });
}

/** The indices of the marked blocks. */
function marked(map: WebAssembly.Memory): number[] {
  const out: number[] = [];
  const u8 = new Uint8Array(map.buffer);
  for (let i = 0; i < u8.length; i++) if (u8[i] !== 0) out.push(i);
  return out;
}

function clear(map: WebAssembly.Memory): void {
  new Uint8Array(map.buffer).fill(0);
}

/** Instruments `wat` as the server does for resets (memories imported, marks), validates and instantiates it. */
function build(wat: string, host: Record<string, WebAssembly.ImportValue>, imports: WebAssembly.Imports = {}, marks = true) {
  const r = instrumentModule(decodeModule(encodeModule(parseWat(wat))), { interrupt: true, importMemories: true, exportState: true, writeMarks: marks });
  const bytes = encodeModule(r.module);
  validateModule(bytes);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { ...imports, [HOST_MODULE]: { interrupt: () => 10_000, yield: () => 10_000, ...host } });
  return { r, e: instance.exports as Record<string, Fn>, exports: instance.exports };
}

const WRITERS = `(module
  (memory (export "mem") 4)
  (data $seg "0123456789abcdef")
  (func (export "i32") (param $a i32) (i32.store (local.get $a) (i32.const 0x11223344)))
  (func (export "i32_off") (param $a i32) (i32.store offset=8192 (local.get $a) (i32.const 7)))
  (func (export "i64") (param $a i32) (i64.store (local.get $a) (i64.const -1)))
  (func (export "f32") (param $a i32) (f32.store (local.get $a) (f32.const 1.5)))
  (func (export "f64") (param $a i32) (f64.store (local.get $a) (f64.const 2.5)))
  (func (export "s8") (param $a i32) (i32.store8 (local.get $a) (i32.const 9)))
  (func (export "s16") (param $a i32) (i64.store16 (local.get $a) (i64.const 9)))
  (func (export "s32") (param $a i32) (i64.store32 (local.get $a) (i64.const 9)))
  (func (export "fill") (param $d i32) (param $n i32) (memory.fill (local.get $d) (i32.const 0x5a) (local.get $n)))
  (func (export "copy") (param $d i32) (param $s i32) (param $n i32) (memory.copy (local.get $d) (local.get $s) (local.get $n)))
  (func (export "init") (param $d i32) (param $n i32) (memory.init $seg (local.get $d) (i32.const 0) (local.get $n)))
  (func (export "rmw") (param $a i32) (result i32) (i32.atomic.rmw.add (local.get $a) (i32.const 5)))
  (func (export "rmw8") (param $a i32) (result i64) (i64.atomic.rmw8.xchg_u (local.get $a) (i64.const 5)))
  (func (export "cmpxchg") (param $a i32) (param $old i64) (param $new i64) (result i64)
    (i64.atomic.rmw.cmpxchg (local.get $a) (local.get $old) (local.get $new)))
  (func (export "astore") (param $a i32) (i32.atomic.store16 (local.get $a) (i32.const 3)))
  (func (export "v128") (param $a i32) (v128.store (local.get $a) (v128.const i64x2 1 2)))
  (func (export "lane") (param $a i32) (v128.store32_lane 3 (local.get $a) (v128.const i32x4 1 2 3 4)))
  (func (export "load") (param $a i32) (result i64) (i64.load (local.get $a)))
  (func (export "loop") (param $n i32) (local $i i32)
    (loop $l
      (i32.store (i32.shl (local.get $i) (i32.const 12)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))`;

describe('write marks', () => {
  it('each writer kind marks the block of its first byte, or every block of its range', () => {
    const memory = new WebAssembly.Memory({ initial: 4, maximum: 4 });
    const map = newMap();
    const { r, e } = build(WRITERS, { memory0: memory, written0: map });
    assert.deepEqual(r.maps.map((s) => s.name), ['written0']);
    const cases: [string, (number | bigint)[], number[]][] = [
      ['i32', [100], [0]],
      ['i32', [4096 * 5 + 1], [5]],
      ['i32_off', [5], [2]],
      ['i64', [4092], [0]], // straddles blocks 0 and 1: the reset restores block 0 and 16 bytes past it
      ['f32', [8192], [2]],
      ['f64', [65536 * 4 - 8], [63]],
      ['s8', [65535], [15]],
      ['s16', [12288], [3]],
      ['s32', [12287], [2]],
      ['fill', [4096 * 3 + 10, 4096 * 2], [3, 4, 5]],
      ['fill', [4096, 4096], [1]],
      ['fill', [4096 * 7, 0], []],
      ['copy', [4096 * 10 - 1, 0, 2], [9, 10]],
      ['copy', [0, 4096 * 10, 4096 * 3], [0, 1, 2]],
      ['init', [4096 * 20 - 4, 16], [19, 20]],
      ['init', [4096 * 20, 0], []],
      ['rmw', [4096 * 11], [11]],
      ['rmw8', [4096 * 12 + 3], [12]],
      ['cmpxchg', [4096 * 13, 0n, 9n], [13]],
      ['astore', [4096 * 14 + 2], [14]],
      ['v128', [4096 * 15 + 8], [15]],
      ['lane', [4096 * 16 + 4], [16]],
      ['load', [4096 * 17], []],
    ];
    for (const [name, args, blocks] of cases) {
      clear(map);
      e[name](...args);
      assert.deepEqual(marked(map), blocks, `${name}(${args.join(', ')})`);
    }
  });

  it('computes what the unmarked module computes', () => {
    const plain = build(WRITERS, { memory0: new WebAssembly.Memory({ initial: 4, maximum: 4 }) }, {}, false);
    assert.deepEqual(plain.r.maps, []);
    const memory = new WebAssembly.Memory({ initial: 4, maximum: 4 });
    const marked = build(WRITERS, { memory0: memory, written0: newMap() });
    for (const b of [plain, marked]) {
      b.e.i32(100); b.e.i64(4092); b.e.fill(300, 40); b.e.copy(1000, 96, 16); b.e.init(2000, 16); b.e.lane(3000);
      b.e.loop(20);
    }
    assert.equal(marked.e.rmw(200), plain.e.rmw(200));
    assert.equal(marked.e.cmpxchg(4088, 0n, 42n), plain.e.cmpxchg(4088, 0n, 42n));
    assert.deepEqual(new Uint8Array((marked.exports.mem as WebAssembly.Memory).buffer), new Uint8Array((plain.exports.mem as WebAssembly.Memory).buffer));
  });

  it('does not mark a bulk write whose end passes 2^32 (it traps), nor a memory it does not track', () => {
    const map = newMap();
    const { e } = build(WRITERS, { memory0: new WebAssembly.Memory({ initial: 4, maximum: 4 }), written0: map });
    assert.throws(() => e.fill(0xffff_fff0, 0x20), WebAssembly.RuntimeError);
    assert.throws(() => e.copy(0xffff_f000, 0, 0x2000), WebAssembly.RuntimeError);
    assert.deepEqual(marked(map), []);
    // A store out of bounds may leave a mark (it comes first), but traps: the instance is discarded.
  });

  it('a second module writing the memory it imports from the first marks the same map', () => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2 });
    const map = newMap();
    const main = build(`(module (memory (export "memory") 2) (func (export "put") (param i32) (i32.store (local.get 0) (i32.const 1))))`, { memory0: memory, written0: map });
    const adapter = build(`(module (import "env" "memory" (memory 0))
      (func (export "put") (param i32) (i32.store8 (local.get 0) (i32.const 1)))
      (func (export "zero") (param i32) (param i32) (memory.fill (local.get 0) (i32.const 0) (local.get 1))))`,
    { written0: map }, { env: { memory: main.exports.memory } });
    assert.deepEqual(adapter.r.maps, [{ name: 'written0', memory: 0, module: 'env', field: 'memory' }]);
    main.e.put(10);
    adapter.e.put(4096 * 3);
    adapter.e.zero(4096 * 8, 4097);
    assert.deepEqual(marked(map), [0, 3, 8, 9]);
  });

  it('leaves memories it cannot track alone: 64-bit, shared, and memories the module defines', () => {
    const m64 = build(`(module (import "env" "m" (memory i64 1)) (func (export "put") (param i64) (i32.store (local.get 0) (i32.const 1))))`, {},
      { env: { m: new WebAssembly.Memory({ initial: 1n, address: 'i64' } as unknown as WebAssembly.MemoryDescriptor) } });
    assert.deepEqual(m64.r.maps, []);
    const shared = build(`(module (import "env" "m" (memory 1 1 shared)) (func (export "put") (param i32) (i32.store (local.get 0) (i32.const 1))))`, {},
      { env: { m: new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }) } });
    assert.deepEqual(shared.r.maps, []);
    // It imports one memory and defines another (so its own is not turned into an import):
    // the imported one is tracked, the own one moves up past the map and is not.
    const map = newMap();
    const other = new WebAssembly.Memory({ initial: 1 });
    const both = build(`(module (import "env" "m" (memory 1)) (memory $own (export "own") 1) (data (memory $own) (i32.const 8) "own")
      (func (export "put") (param i32) (i32.store (local.get 0) (i32.const 0x61626364)))
      (func (export "putOwn") (param i32) (i32.store $own (local.get 0) (i32.const 0x65666768)))
      (func (export "fillOwn") (memory.fill $own (i32.const 100) (i32.const 0x7a) (i32.const 4)))
      (func (export "copyIn") (memory.copy 0 $own (i32.const 4096) (i32.const 8) (i32.const 3)))
      (func (export "getOwn") (param i32) (result i32) (i32.load $own (local.get 0))))`,
    { written0: map }, { env: { m: other } });
    assert.deepEqual(both.r.maps.map((s) => s.name), ['written0']);
    both.e.putOwn(4096 * 2);
    both.e.fillOwn();
    assert.deepEqual(marked(map), [], 'writes into the own memory mark nothing');
    assert.equal(both.e.getOwn(4096 * 2), 0x65666768);
    assert.equal(new TextDecoder().decode(new Uint8Array((both.exports.own as WebAssembly.Memory).buffer, 8, 3)), 'own');
    both.e.copyIn();
    both.e.put(4096 * 5);
    assert.deepEqual(marked(map), [1, 5]);
    assert.equal(new TextDecoder().decode(new Uint8Array(other.buffer, 4096, 3)), 'own');
  });
});
