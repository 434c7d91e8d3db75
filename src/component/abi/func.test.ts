// Whole functions: flattening and spilling, realloc and post-return, results as return or
// throw, names, handles, and every trap of the Canonical ABI with its message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ComponentError, LinkError, Trap } from '../../core/errors.ts';
import { liftFunc, lowerFunc } from './index.ts';
import type { JsShape } from './api.ts';
import type { FuncT, TypeEntry, VT } from '../validate/model.ts';
import {
  borrow, enumOf, FakeHandles, flags, func, Heap, list, option, own, passThrough, record, resource, result, tuple, variant, wat, WIT,
} from './test-kit.ts';

const THROW: JsShape = { names: 'wit', results: 'throw' };

function traps(f: () => unknown, ...phrases: string[]): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof Trap, `not a Trap: ${String(e)}`);
    for (const p of phrases) assert.ok(e.message.includes(p), `"${e.message}" lacks "${p}"`);
    return e.message;
  }
  return assert.fail(`no trap (expected ${phrases.join(', ')})`);
}

const u32x17: [string, VT][] = Array.from({ length: 17 }, (_, i) => [`p${i}`, 'u32']);

test('spilling: 17 flat params go through memory allocated with realloc (lift)', () => {
  const heap = new Heap();
  let got: unknown[] = [];
  const f = liftFunc(func(u32x17), (...a) => { got = a; }, heap.opts(), new FakeHandles(), WIT);
  f(...Array.from({ length: 17 }, (_, i) => i * 3));
  assert.deepEqual(heap.calls, [[0, 0, 4, 68]]);
  assert.equal(got.length, 1);
  const p = got[0] as number;
  assert.deepEqual(Array.from({ length: 17 }, (_, i) => heap.dv.getUint32(p + 4 * i, true)), Array.from({ length: 17 }, (_, i) => i * 3));
});

test('spilling: 16 flat params stay flat; a tuple of 17 spills', () => {
  const heap = new Heap();
  let got: unknown[] = [];
  liftFunc(func(u32x17.slice(1)), (...a) => { got = a; }, heap.opts(), new FakeHandles(), WIT)(...Array(16).fill(1));
  assert.equal(got.length, 16);
  assert.equal(heap.calls.length, 0);
  const big = tuple(...Array(17).fill('u32'));
  liftFunc(func([['a', big]]), (...a) => { got = a; }, heap.opts(), new FakeHandles(), WIT)(Array(17).fill(2));
  assert.equal(got.length, 1);
  assert.deepEqual(heap.calls, [[0, 0, 4, 68]]);
});

test('spilling: a mixed spilled tuple is laid out with padding', () => {
  const heap = new Heap();
  const params: [string, VT][] = [['a', 'u8'], ['b', 'u64'], ['c', 'string'], ['d', 'u16'], ...u32x17.slice(0, 13)];
  let got: unknown[] = [];
  const lifted = liftFunc(func(params), (...a) => { got = a; }, heap.opts(), new FakeHandles(), WIT);
  lifted(7, 2n ** 64n - 1n, 'hi', 513, ...Array(13).fill(9));
  const p = got[0] as number;
  const dv = heap.dv;
  assert.deepEqual(heap.calls[0], [0, 0, 8, 80]); // u8@0 u64@8 string@16 u16@24 u32s@28..80
  assert.equal(dv.getUint8(p), 7);
  assert.equal(dv.getBigUint64(p + 8, true), 2n ** 64n - 1n);
  assert.equal(dv.getUint32(p + 20, true), 2);
  assert.equal(dv.getUint16(p + 24, true), 513);
  assert.equal(dv.getUint32(p + 76, true), 9);
  // And the lowered side reads the same layout back.
  let args: unknown[] = [];
  lowerFunc(func(params), (...a) => { args = a; }, heap.opts(), new FakeHandles(), WIT)(p);
  assert.deepEqual(args, [7, 2n ** 64n - 1n, 'hi', 513, ...Array(13).fill(9)]);
});

test('spilling: results past one flat value come back through a pointer', () => {
  const heap = new Heap();
  const t = tuple('u32', 'string');
  heap.put([8, 0, 0, 0, 2, 0, 0, 0], 1, 200); // string at 8, length 2... placed below
  heap.put([0x6f, 0x6b], 1, 8);
  const dv = heap.dv;
  dv.setUint32(96, 42, true);
  dv.setUint32(100, 8, true);
  dv.setUint32(104, 2, true);
  const f = liftFunc(func([], t), () => 96, heap.opts(), new FakeHandles(), WIT);
  assert.deepEqual(f(), [42, 'ok']);
  // canon lower writes them to the caller's out-pointer, after the flat params.
  const g = lowerFunc(func([['x', 'u8']], t), (x) => [x, 'yo'], heap.opts(), new FakeHandles(), WIT);
  assert.equal(g(5, 128), undefined);
  assert.equal(dv.getUint32(128, true), 5);
  const sp = dv.getUint32(132, true);
  assert.equal(new TextDecoder().decode(heap.u8.subarray(sp, sp + dv.getUint32(136, true))), 'yo');
});

test('traps: unaligned and out-of-bounds pointers to spilled values', () => {
  const heap = new Heap();
  const t = tuple('u32', 'u32');
  traps(() => liftFunc(func([], t), () => 1, heap.opts(), new FakeHandles(), WIT)(), 'unaligned pointer');
  traps(() => liftFunc(func([], t), () => 65532, heap.opts(), new FakeHandles(), WIT)(), 'pointer out of bounds of memory');
  traps(() => liftFunc(func([], t), () => -8, heap.opts(), new FakeHandles(), WIT)(), 'pointer out of bounds of memory');
  traps(() => lowerFunc(func([], t), () => [1, 2], heap.opts(), new FakeHandles(), WIT)(1), 'unaligned pointer');
  traps(() => lowerFunc(func([], t), () => [1, 2], heap.opts(), new FakeHandles(), WIT)(65532), 'pointer out of bounds of memory');
  traps(() => lowerFunc(func(u32x17), () => {}, heap.opts(), new FakeHandles(), WIT)(1), 'unaligned pointer');
  traps(() => lowerFunc(func(u32x17), () => {}, heap.opts(), new FakeHandles(), WIT)(65532), 'pointer out of bounds of memory');
  heap.answer = () => 1;
  traps(() => liftFunc(func(u32x17), () => {}, heap.opts(), new FakeHandles(), WIT)(...Array(17).fill(0)), 'unaligned pointer', 'realloc return: result not aligned');
  heap.answer = () => 65532;
  traps(() => liftFunc(func(u32x17), () => {}, heap.opts(), new FakeHandles(), WIT)(...Array(17).fill(0)), 'realloc return: beyond end of memory');
});

test('lists: an empty list still calls realloc(0, 0, align, 0)', () => {
  for (const [el, align] of [['u8', 1], ['u32', 4], ['u64', 8], ['string', 4]] as [VT, number][]) {
    const heap = new Heap();
    let got: unknown[] = [];
    liftFunc(func([['l', list(el)]]), (...a) => { got = a; }, heap.opts(), new FakeHandles(), WIT)([]);
    assert.deepEqual(heap.calls, [[0, 0, align, 0]]);
    assert.deepEqual(got, [1024, 0]);
  }
});

test('lists: realloc results are checked (wasmtime: host and adapter wordings)', () => {
  const heap = new Heap();
  const call = (el: VT, v: unknown[]) => liftFunc(func([['l', list(el)]]), () => {}, heap.opts(), new FakeHandles(), WIT)(v);
  heap.answer = () => -1;
  traps(() => call('u8', []), 'list content out-of-bounds', 'realloc return: beyond end of memory');
  traps(() => call('u32', [1, 2]), 'unaligned pointer', 'realloc return: result not aligned');
  heap.answer = () => 2;
  traps(() => call('u32', [1]), 'unaligned pointer');
  heap.answer = () => -4;
  traps(() => call('u32', [1, 2]), 'realloc return: beyond end of memory', 'list content out-of-bounds');
  traps(() => call('u32', []), 'realloc return: beyond end of memory');
  heap.answer = () => 65534;
  traps(() => call('u8', [1, 2, 3]), 'list content out-of-bounds');
});

test('lists: lifting checks alignment, bounds and the byte-length limit', () => {
  const heap = new Heap();
  const f = (el: VT) => lowerFunc(func([['l', list(el)]]), () => {}, heap.opts(), new FakeHandles(), WIT);
  traps(() => f('u32')(2, 1), 'unaligned pointer');
  traps(() => f('u16')(1, 0), 'unaligned pointer');
  traps(() => f('u8')(65535, 2), 'list content out-of-bounds', 'list pointer/length out of bounds of memory');
  traps(() => f('u8')(-16, 0), 'list content out-of-bounds');
  traps(() => f('u64')(0, 2 ** 25), 'list content out-of-bounds', 'exceeds 2^28 - 1');
  traps(() => f(list('u8'))(0, 2 ** 25), 'exceeds 2^28 - 1');
  f('u8')(65535, 1);
  f('u8')(65536, 0);
});

test('lists: typed arrays in and out, plain arrays accepted, a fixed-size list checks its length', () => {
  const heap = new Heap();
  let seen: unknown;
  const t = list('u16');
  const low = lowerFunc(func([['l', t]], t), (l) => { seen = l; return [7, 8]; }, heap.opts(), new FakeHandles(), WIT);
  const f = liftFunc(func([['l', t]], t), passThrough(func([['l', t]], t), low), heap.opts(), new FakeHandles(), WIT);
  assert.deepEqual(f([1, 2, 3]), new Uint16Array([7, 8]));
  assert.deepEqual(seen, new Uint16Array([1, 2, 3]));
  assert.throws(() => f([1, 70000]), TypeError);
  assert.throws(() => f('abc' as unknown as number[]), TypeError);
  const fixed = list('u32', 3);
  const g = liftFunc(func([['l', fixed]]), () => {}, heap.opts(), new FakeHandles(), WIT);
  assert.throws(() => g([1, 2]), /exactly 3 elements/);
  g(new Uint32Array([1, 2, 3]));
  // A subarray view copies just its own elements.
  const big = new Uint8Array([9, 1, 2, 3, 9]);
  let got: unknown;
  const u8l = list('u8');
  const id = lowerFunc(func([['l', u8l]]), (l) => { got = l; }, heap.opts(), new FakeHandles(), WIT);
  liftFunc(func([['l', u8l]]), id, heap.opts(), new FakeHandles(), WIT)(big.subarray(1, 4));
  assert.deepEqual(got, new Uint8Array([1, 2, 3]));
});

test('lists: memory growth during lowering (views follow the new buffer)', () => {
  const heap = new Heap(1);
  const t = list('u8');
  const data = new Uint8Array(300_000).map((_, i) => i * 7);
  const strs = Array.from({ length: 2000 }, (_, i) => `string number ${i} ☃`);
  let got: unknown;
  const low = lowerFunc(func([['a', t], ['b', list('string')]], t), (a, b) => { got = b; return a; }, heap.opts(), new FakeHandles(), WIT);
  const ft = func([['a', t], ['b', list('string')]], t);
  const f = liftFunc(ft, passThrough(ft, low), heap.opts(), new FakeHandles(), WIT);
  assert.deepEqual(f(data, strs), data);
  assert.deepEqual(got, strs);
  assert.ok(heap.memory.buffer.byteLength > 600_000);
});

test('variants: out-of-range discriminants trap, flat and in memory', () => {
  const heap = new Heap();
  const v = variant([['x', 'u32']]);
  traps(() => lowerFunc(func([['v', v]]), () => {}, heap.opts(), new FakeHandles(), WIT)(1, 0), 'invalid variant discriminant');
  traps(() => lowerFunc(func([['e', enumOf('a', 'b')]]), () => {}, heap.opts(), new FakeHandles(), WIT)(2), 'invalid variant discriminant');
  traps(() => liftFunc(func([], variant([['x', undefined]])), () => 1, heap.opts(), new FakeHandles(), WIT)(), 'invalid variant discriminant');
  traps(() => liftFunc(func([], enumOf('a', 'b')), () => -1, heap.opts(), new FakeHandles(), WIT)(), 'invalid variant discriminant');
  heap.u8[64] = 2;
  traps(() => liftFunc(func([], option('u8')), () => 64, heap.opts(), new FakeHandles(), WIT)(), 'invalid variant discriminant');
  traps(() => liftFunc(func([], result()), () => 2, heap.opts(), new FakeHandles(), WIT)(), 'invalid variant discriminant');
  heap.u8[64] = 3;
  traps(() => liftFunc(func([], tuple(result('u8'), 'u32')), () => 64, heap.opts(), new FakeHandles(), WIT)(), 'invalid variant discriminant');
  // A u16 discriminant (257 cases) is read as two bytes.
  const wide = enumOf(...Array.from({ length: 257 }, (_, i) => `c${i}`));
  heap.dv.setUint16(64, 256, true);
  assert.deepEqual(liftFunc(func([], tuple(wide, 'u8')), () => 64, heap.opts(), new FakeHandles(), WIT)(), ['c256', 0]);
  heap.dv.setUint16(64, 257, true);
  traps(() => liftFunc(func([], tuple(wide, 'u8')), () => 64, heap.opts(), new FakeHandles(), WIT)(), 'invalid variant discriminant');
});

test('variants: joined flat slots carry each case bit-cast or wrapped (variants.wast)', () => {
  const heap = new Heap();
  const narrow = variant([['a', 'u8'], ['b', 'u32']]);
  const wide = variant([['a', 'u16'], ['b', 'u64']]);
  const mix = variant([['f', 'f32'], ['l', 'u64']]);
  const seen: unknown[] = [];
  const take = (t: TypeEntry) => lowerFunc(func([['v', t]]), (v) => { seen.push(v); }, heap.opts(), new FakeHandles(), WIT);
  // Through core code, so the slots are what the JS API makes of an i32 and an i64.
  const ex = wat(`(module
    (import "" "narrow" (func $n (param i32 i32))) (import "" "wide" (func $w (param i32 i64))) (import "" "mix" (func $m (param i32 i64)))
    (func (export "run")
      (call $n (i32.const 0) (i32.const 0xff02)) (call $n (i32.const 1) (i32.const 0xdeadbeef))
      (call $w (i32.const 0) (i64.const 0xff0004)) (call $w (i32.const 0) (i64.const 0xff00000004)) (call $w (i32.const 1) (i64.const 0x123456789abcdef0))
      (call $m (i32.const 0) (i64.const 0xffffffff40490fdb)) (call $m (i32.const 1) (i64.const 0xfedcba9876543210))))`,
  { '': { narrow: take(narrow), wide: take(wide), mix: take(mix) } });
  (ex.run as () => void)();
  assert.deepEqual(seen, [
    { tag: 'a', val: 2 }, { tag: 'b', val: 0xdeadbeef },
    { tag: 'a', val: 4 }, { tag: 'a', val: 4 }, { tag: 'b', val: 0x123456789abcdef0n },
    { tag: 'f', val: Math.fround(3.1415927) }, { tag: 'l', val: 0xfedcba9876543210n },
  ]);
  // Lowering: an f32 case sits in the low half of its i64 slot; unused slots are zero.
  const got: unknown[][] = [];
  const f = liftFunc(func([['v', mix]]), (...a) => { got.push(a); }, heap.opts(), new FakeHandles(), WIT);
  f({ tag: 'f', val: Math.fround(3.1415927) });
  f({ tag: 'l', val: 0xfedcba9876543210n });
  assert.deepEqual(got, [[0, 0x40490fdbn], [1, 0xfedcba9876543210n]]);
  const pad = variant([['p', tuple('f32', 'f32')], ['q', 'u32'], ['n', undefined]]);
  const g = liftFunc(func([['v', pad]]), (...a) => { got.push(a); }, heap.opts(), new FakeHandles(), WIT);
  g({ tag: 'q', val: 42 });
  g({ tag: 'n' });
  g({ tag: 'p', val: [1, 2] });
  assert.deepEqual(got.slice(2), [[1, 42, 0], [2, 0, 0], [0, 0x3f800000, 2]]);
});

test('variants: JavaScript values that name no case are refused', () => {
  const heap = new Heap();
  const call = (t: VT, v: unknown) => liftFunc(func([['v', t]]), () => {}, heap.opts(), new FakeHandles(), WIT)(v);
  assert.throws(() => call(enumOf('a', 'b'), 'c'), /enum/);
  assert.throws(() => call(variant([['a', undefined]]), { tag: 'b' }), TypeError);
  assert.throws(() => call(variant([['a', undefined]]), 'a'), TypeError);
  assert.throws(() => call(result('u8'), { tag: 'error', val: 1 }), TypeError);
  assert.throws(() => call(option(option('u8')), 3), TypeError);
  call(option('u8'), null);
});

test('numerics: narrow integers ignore high bits; bool is any nonzero; flags drop undefined bits', () => {
  const heap = new Heap();
  const id = (res: VT) => liftFunc(func([['x', 'u32']], res), (x) => x, heap.opts(), new FakeHandles(), WIT);
  assert.equal(id('bool')(0), false);
  assert.equal(id('bool')(2), true);
  assert.equal(id('u8')(0xf01), 1);
  assert.equal(id('s8')(0xffffffff), -1);
  assert.equal(id('s8')(0xff), -1);
  assert.equal(id('u16')(0xffffffff), 0xffff);
  assert.equal(id('s16')(0xffffffff), -1);
  assert.equal(id('s16')(0x8000), -0x8000);
  assert.equal(id('u32')(0xffffffff), 0xffffffff);
  assert.equal(id('s32')(0xffffffff), -1);
  const f9 = flags(...Array.from({ length: 9 }, (_, i) => `f${i + 1}`));
  assert.deepEqual(id(f9)(0xffffff11), { f1: true, f2: false, f3: false, f4: false, f5: true, f6: false, f7: false, f8: false, f9: true });
  // Lowered to core: bool is exactly 0 or 1, flags only their bits.
  const got: unknown[] = [];
  liftFunc(func([['b', 'bool'], ['f', f9]]), (...a) => { got.push(...a); }, heap.opts(), new FakeHandles(), WIT)(true, { f1: true, f9: 1, other: true });
  assert.deepEqual(got, [1, 0x101]);
  // Through a real core function: s8 → i32 → s8, u32 through a signed i32.
  const ex = wat('(module (func (export "id") (param i32) (result i32) local.get 0) (func (export "id64") (param i64) (result i64) local.get 0))');
  const core = ex.id as (...a: (number | bigint)[]) => unknown;
  for (const [t, v] of [['s8', -128], ['u32', 0xffffffff], ['s32', -5], ['char', '🍰'], ['u16', 65535]] as [VT, unknown][]) {
    assert.equal(liftFunc(func([['x', t]], t), core, heap.opts(), new FakeHandles(), WIT)(v), v);
  }
  const core64 = ex.id64 as (...a: (number | bigint)[]) => unknown;
  assert.equal(liftFunc(func([['x', 'u64']], 'u64'), core64, heap.opts(), new FakeHandles(), WIT)(2n ** 64n - 1n), 2n ** 64n - 1n);
  assert.equal(liftFunc(func([['x', 's64']], 's64'), core64, heap.opts(), new FakeHandles(), WIT)(-5), -5n);
});

test('numerics: out-of-range JavaScript numbers are refused before the call', () => {
  const heap = new Heap();
  const call = (t: VT, v: unknown) => liftFunc(func([['x', t]]), () => {}, heap.opts(), new FakeHandles(), WIT)(v);
  for (const [t, v] of [['u8', 256], ['u8', -1], ['s8', 128], ['u16', 1.5], ['s16', '1'], ['u32', -1], ['u32', 2 ** 32], ['s32', 2 ** 31],
    ['u64', -1n], ['u64', 2n ** 64n], ['s64', 2n ** 63n], ['u64', 1.5], ['f32', 1n], ['bool', 1], ['char', 'ab'], ['char', '\ud800'], ['char', '']] as [VT, unknown][]) {
    assert.throws(() => call(t, v), TypeError, `${String(t)} ${String(v)}`);
  }
  call('u64', 5);
});

test('chars: surrogates and values past 0x10ffff trap, flat and in memory', () => {
  const heap = new Heap();
  const take = lowerFunc(func([['c', 'char']]), () => {}, heap.opts(), new FakeHandles(), WIT);
  for (const c of [0xd800, 0xdfff, 0x110000, -1]) traps(() => take(c), 'invalid `char` bit pattern');
  take(0xd7ff);
  take(0xe000);
  take(0x10ffff);
  heap.dv.setUint32(64, 0xdc00, true);
  traps(() => liftFunc(func([], tuple('char', 'char')), () => 64, heap.opts(), new FakeHandles(), WIT)(), 'invalid `char` bit pattern');
});

test('floats: NaN crosses as NaN', () => {
  const heap = new Heap();
  const ex = wat('(module (func (export "f") (param f32) (result f32) local.get 0) (func (export "g") (result f32) (f32.const nan:0x200000)))');
  assert.ok(Number.isNaN(liftFunc(func([['x', 'f32']], 'f32'), ex.f as () => number, heap.opts(), new FakeHandles(), WIT)(NaN)));
  assert.ok(Number.isNaN(liftFunc(func([], 'f32'), ex.g as () => number, heap.opts(), new FakeHandles(), WIT)()));
  assert.equal(liftFunc(func([['x', 'f32']], 'f32'), ex.f as () => number, heap.opts(), new FakeHandles(), WIT)(0.1), Math.fround(0.1));
});

test('post-return: called once, after the results are lifted, with the flat results', () => {
  const heap = new Heap();
  const log: string[] = [];
  const handles = new FakeHandles();
  const pr = (...a: (number | bigint)[]) => { log.push(`post ${a.join(',')}`); };
  heap.put([0x6f, 0x6b], 1, 40);
  heap.dv.setUint32(32, 40, true);
  heap.dv.setUint32(36, 2, true);
  const f = liftFunc(func([], 'string'), () => { log.push('core'); return 32; }, heap.opts('utf8', pr), handles, WIT);
  assert.equal(f(), 'ok');
  assert.deepEqual(log, ['core', 'post 32']);
  log.length = 0;
  liftFunc(func([]), () => { log.push('core'); }, heap.opts('utf8', pr), handles, WIT)();
  assert.deepEqual(log, ['core', 'post ']);
  log.length = 0;
  // A trap while lifting the results leaves post-return uncalled.
  traps(() => liftFunc(func([], 'char'), () => 0xd800, heap.opts('utf8', pr), handles, WIT)(), 'invalid `char`');
  assert.deepEqual(log, []);
  // A result<_, E> that is err still runs post-return before throwing.
  const g = liftFunc(func([], result()), () => 1, heap.opts('utf8', pr), handles, THROW);
  assert.throws(() => g(), (e) => e instanceof ComponentError && e.payload === undefined);
  assert.deepEqual(log, ['post 1']);
});

test('results: throw (jco convention) or tagged', () => {
  const heap = new Heap();
  const handles = new FakeHandles();
  const r = result('u32', 'string');
  const ft = func([['x', 'u32']], r);
  // err payload "bad" at 40, ok value at +4
  heap.put([0x62, 0x61, 0x64], 1, 80);
  const core = (x: unknown) => {
    const dv = heap.dv;
    if (x === 0) { dv.setUint8(64, 0); dv.setUint32(68, 7, true); } else { dv.setUint8(64, 1); dv.setUint32(68, 80, true); dv.setUint32(72, 3, true); }
    return 64;
  };
  const thrower = liftFunc(ft, core, heap.opts(), handles, THROW);
  assert.equal(thrower(0), 7);
  assert.throws(() => thrower(1), (e) => e instanceof ComponentError && e.payload === 'bad');
  const tagged = liftFunc(ft, core, heap.opts(), handles, WIT);
  assert.deepEqual(tagged(0), { tag: 'ok', val: 7 });
  assert.deepEqual(tagged(1), { tag: 'err', val: 'bad' });
  // Nested results stay tagged.
  const nested = liftFunc(func([], option(r)), () => 0, heap.opts(), handles, THROW);
  assert.equal(nested(), undefined);
  // Host side: returning is ok, throwing something with a payload is err, anything else propagates.
  const low = (impl: (x: unknown) => unknown) => lowerFunc(ft, impl, heap.opts(), handles, THROW);
  low((x) => x)(5, 128);
  assert.deepEqual([heap.u8[128], heap.dv.getUint32(132, true)], [0, 5]);
  low(() => { throw new ComponentError('no'); })(5, 128);
  assert.equal(heap.u8[128], 1);
  const sp = heap.dv.getUint32(132, true);
  assert.equal(new TextDecoder().decode(heap.u8.subarray(sp, sp + heap.dv.getUint32(136, true))), 'no');
  low(() => { throw Object.assign(new Error('custom'), { payload: 'x' }); })(5, 128);
  assert.equal(heap.u8[128], 1);
  assert.throws(() => low(() => { throw new RangeError('host bug'); })(5, 128), RangeError);
  // Tagged host side returns the tagged value.
  lowerFunc(ft, () => ({ tag: 'err', val: 'e' }), heap.opts(), handles, WIT)(0, 128);
  assert.equal(heap.u8[128], 1);
});

test('names: camel maps record fields and flags members, not variant tags or enum cases', () => {
  const heap = new Heap();
  const camel: JsShape = { names: 'camel', results: 'tagged' };
  const rec = record([['big-number', 'u8'], ['HTTP-url', 'u8'], ['plain', variant([['some-case', 'u8']])], ['fl', flags('is-set', 'other-one')], ['e', enumOf('a-b')]]);
  const ft = func([['r', rec]], rec);
  let seen: unknown;
  const low = lowerFunc(ft, (r) => { seen = r; return r; }, heap.opts(), new FakeHandles(), camel);
  const f = liftFunc(ft, passThrough(ft, low), heap.opts(), new FakeHandles(), camel);
  const v = { bigNumber: 1, httpUrl: 2, plain: { tag: 'some-case', val: 3 }, fl: { isSet: true, otherOne: false }, e: 'a-b' };
  assert.deepEqual(f(v), v);
  assert.deepEqual(seen, v);
  const wit = liftFunc(ft, passThrough(ft, lowerFunc(ft, (r) => r, heap.opts(), new FakeHandles(), WIT)), heap.opts(), new FakeHandles(), WIT);
  const w = { 'big-number': 1, 'HTTP-url': 2, plain: { tag: 'some-case', val: 3 }, fl: { 'is-set': true, 'other-one': false }, e: 'a-b' };
  assert.deepEqual(wit(w), w);
});

test('handles: own and borrow go through the handle table inside one call scope', () => {
  const heap = new Heap();
  const handles = new FakeHandles();
  const R = resource(1);
  const obj = { name: 'resource' };
  // lift: the JS object becomes a handle in the callee's table; a borrow counts in the scope.
  let got: unknown[] = [];
  const f = liftFunc(func([['a', own(R)], ['b', borrow(R)]], own(R)), (...a) => { got = a; handles.dropBorrow(a[1] as number, scopeOf(handles)); return handles.add({ name: 'made' }, true); }, heap.opts(), handles, WIT);
  const scopes: unknown[] = [];
  const begin = handles.beginCall.bind(handles);
  let last: unknown;
  handles.beginCall = () => { last = begin(); scopes.push(last); return last as never; };
  function scopeOf(_h: FakeHandles) { return last as never; }
  assert.deepEqual(f(obj, obj), { name: 'made' });
  assert.deepEqual(got, [1, 2]);
  assert.deepEqual(handles.events, ['begin', 'end']);
  // A borrow left undropped fails the end of the call.
  const g = liftFunc(func([['b', borrow(R)]]), () => {}, heap.opts(), handles, WIT);
  assert.throws(() => g(obj), /borrow handles still remain/);
  // lower: handles in core become objects; a borrow is lent for the call and released at its end.
  const h = handles.add({ name: 'lent' }, true);
  let seen: unknown;
  const low = lowerFunc(func([['b', borrow(R)]]), (b) => { seen = b; assert.equal(handles.entries[h]!.lends, 1); }, heap.opts(), handles, WIT);
  low(h);
  assert.deepEqual(seen, { name: 'lent' });
  assert.equal(handles.entries[h]!.lends, 0);
  // Types without handles never open a scope.
  handles.events.length = 0;
  liftFunc(func([['x', 'u32']]), () => {}, heap.opts(), handles, WIT)(1);
  lowerFunc(func([['x', list('string')]]), () => {}, heap.opts(), handles, WIT)(0, 0);
  assert.deepEqual(handles.events, []);
  // Handles inside lists and records are found too.
  const inList = liftFunc(func([['l', list(record([['r', own(R)]]))]]), () => {}, heap.opts(), handles, WIT);
  inList([{ r: obj }, { r: obj }]);
  assert.deepEqual(handles.events, ['begin', 'end']);
});

test('compiling: async-typed functions are not compiled here, and missing options are LinkErrors', () => {
  const heap = new Heap();
  const h = new FakeHandles();
  const asyncFn: FuncT = { async: true, params: [], result: undefined };
  assert.throws(() => liftFunc(asyncFn, () => {}, heap.opts(), h, WIT), (e) => e instanceof LinkError && /async-typed/.test(e.message));
  assert.throws(() => liftFunc(func([['s', 'string']]), () => {}, { encoding: 'utf8' }, h, WIT), LinkError);
  assert.throws(() => liftFunc(func([['s', 'string']]), () => {}, { encoding: 'utf8', memory: heap.memory }, h, WIT), /realloc/);
  assert.throws(() => lowerFunc(func([], 'string'), () => {}, { encoding: 'utf8', memory: heap.memory }, h, WIT), /realloc/);
  // Lifting a string result and lowering string params need no realloc.
  liftFunc(func([], 'string'), () => 0, { encoding: 'utf8', memory: heap.memory }, h, WIT);
  lowerFunc(func([['s', 'string']]), () => {}, { encoding: 'utf8', memory: heap.memory }, h, WIT);
  liftFunc(func([['x', 'u32']], 'u32'), () => 0, { encoding: 'utf8' }, h, WIT);
});

test('streams, futures and error contexts cross as i32 handles through the handle table', () => {
  const heap = new Heap();
  const h = new FakeHandles();
  const stream: TypeEntry = { def: { kind: 'stream', element: 'u8' } };
  const future: TypeEntry = { def: { kind: 'future' } };
  const s = { stream: true };
  const f = { future: true };
  const ec = { message: 'boom' };
  // Lowering into core code makes a handle (a new entry here); lifting gives the value back.
  const lifted = liftFunc(func([['s', stream], ['f', future], ['e', 'error-context']], 'u32'), (a, b, c) => Number(a) * 100 + Number(b) * 10 + Number(c), heap.opts(), h, WIT);
  assert.equal(lifted(s, f, ec), 123);
  assert.equal(h.entries[1]?.value, s);
  assert.equal(h.entries[3]?.value, ec);
  const lowered = lowerFunc(func([['s', stream]], future), (v) => (v === s ? f : undefined), heap.opts(), h, WIT);
  const i = lowered(1) as number;
  assert.equal(h.entries[i]?.value, f);
  // In memory too: a tuple of a stream and an error context spills past one flat result.
  const pair: TypeEntry = { def: { kind: 'tuple', types: [stream, 'error-context'] } };
  lowerFunc(func([], pair), () => [s, ec], heap.opts(), h, WIT)(64);
  assert.equal(h.entries[heap.dv.getUint32(64, true)]?.value, s);
  assert.equal(h.entries[heap.dv.getUint32(68, true)]?.value, ec);
});

test('compiling: one plan per function type and shape, reused by every binding', () => {
  const heap = new Heap();
  const ft = func([['r', record([['a', 'u8']])]], 'u32');
  const h = new FakeHandles();
  const a = liftFunc(ft, (x) => x, heap.opts(), h, WIT);
  const b = liftFunc(ft, (x) => (x as number) + 1, heap.opts(), h, WIT);
  assert.equal(a({ a: 1 }), 1);
  assert.equal(b({ a: 1 }), 2);
});

test('reentrancy: an import called from inside an export may call the export again', () => {
  const heap = new Heap();
  const handles = new FakeHandles();
  const R = resource(3);
  const ft = func([['s', 'string'], ['n', 'u32'], ['r', own(R)]], tuple('string', own(R)));
  let lifted: (...a: unknown[]) => unknown = () => undefined;
  const low = lowerFunc(ft, (s, n, r) => {
    if (n === 0) return [`${String(s)}!`, r];
    const [t, back] = lifted(`${String(s)}${String(n)}`, (n as number) - 1, { inner: n }) as [string, unknown];
    return [t, { outer: r, back }];
  }, heap.opts(), handles, WIT);
  lifted = liftFunc(ft, passThrough(ft, low), heap.opts(), handles, WIT);
  const [s, r] = lifted('x', 2, { top: true }) as [string, unknown];
  assert.equal(s, 'x21!');
  assert.deepEqual(r, { outer: { top: true }, back: { outer: { inner: 2 }, back: { inner: 1 } } });
  // Each call opened and closed its own scope, innermost first.
  assert.deepEqual(handles.events, ['begin', 'begin', 'begin', 'begin', 'begin', 'begin', 'end', 'end', 'end', 'end', 'end', 'end']);
});

// 🐘 64-bit memories: realloc takes and returns i64s (bigints); its results, spilled pointers
// and out-pointers past 4 GiB trap, where a 32-bit cut would land them in bounds.
test('🐘 64-bit memories: realloc in bigints, 8-byte string and list slots, pointers past 4 GiB trap', () => {
  const heap = new Heap(1, 1024, 'i64');
  let got: unknown[] = [];
  liftFunc(func([['s', 'string'], ['l', list('u16')]]), (...a) => { got = a; }, heap.opts(), new FakeHandles(), WIT)('hé', new Uint16Array([7]));
  assert.deepEqual(heap.calls, [[0, 0, 1, 2], [1024, 2, 1, 6], [1026, 6, 1, 3], [0, 0, 2, 2]]);
  assert.deepEqual(got, [1026n, 3n, 1032n, 1n]);
  // A spilled result: a string's (pointer, length) as two u64s.
  const dv = heap.dv;
  dv.setBigUint64(64, 1026n, true);
  dv.setBigUint64(72, 3n, true);
  assert.equal(liftFunc(func([], 'string'), () => 64n, heap.opts(), new FakeHandles(), WIT)(), 'hé');
  traps(() => liftFunc(func([], 'string'), () => 0x1_0000_0040n, heap.opts(), new FakeHandles(), WIT)(), 'pointer out of bounds of memory');
  traps(() => liftFunc(func([], 'string'), () => 68n, heap.opts(), new FakeHandles(), WIT)(), 'unaligned pointer');
  dv.setBigUint64(64, 0x1_0000_0400n, true);
  traps(() => liftFunc(func([], 'string'), () => 64n, heap.opts(), new FakeHandles(), WIT)(), 'string content out-of-bounds');
  // Lowering: the out-pointer and the spilled parameters' pointer are i64s too.
  traps(() => lowerFunc(func([], 'string'), () => 'x', heap.opts(), new FakeHandles(), WIT)(0x1_0000_0040n), 'pointer out of bounds of memory');
  traps(() => lowerFunc(func(u32x17), () => {}, heap.opts(), new FakeHandles(), WIT)(-8n), 'pointer out of bounds of memory');
  // realloc's answer past 4 GiB, and unaligned.
  heap.answer = () => 0x1_0000_0400n;
  traps(() => liftFunc(func(u32x17), () => {}, heap.opts(), new FakeHandles(), WIT)(...Array(17).fill(0)), 'realloc return: beyond end of memory');
  traps(() => liftFunc(func([['l', list('u8')]]), () => {}, heap.opts(), new FakeHandles(), WIT)(new Uint8Array(1)), 'list content out-of-bounds', 'realloc return: beyond end of memory');
  heap.answer = () => 0x1_0000_0402n;
  traps(() => liftFunc(func([['l', list('u32')]]), () => {}, heap.opts(), new FakeHandles(), WIT)([1]), 'unaligned pointer', 'realloc return: result not aligned');
});

test('🐘 64-bit memories: post-return gets the i64 result pointer', () => {
  const heap = new Heap(1, 1024, 'i64');
  const dv = heap.dv;
  dv.setBigUint64(64, 0n, true);
  dv.setBigUint64(72, 0n, true);
  const seen: unknown[] = [];
  const f = liftFunc(func([], 'string'), () => 64n, heap.opts('utf8', (...flat) => { seen.push(...flat); }), new FakeHandles(), WIT);
  assert.equal(f(), '');
  assert.deepEqual(seen, [64n]);
});
