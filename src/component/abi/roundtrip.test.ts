// Lowering then lifting is the identity: every value type, through flat values and through
// memory (spilled), with the core values crossing real WebAssembly (the JS API's i32/i64
// conversions), in every string encoding, 🐘 with 32-bit and with 64-bit memories (pointers
// and lengths as i64 bigints), and between a 32-bit and a 64-bit component.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liftFunc, lowerFunc } from './index.ts';
import type { VT } from '../validate/model.ts';
import type { LiftLowerOptions } from './api.ts';
import { type AddrType, flatten } from './layout.ts';
import {
  enumOf, FakeHandles, flags, func, Heap, list, map, option, passThrough, record, result, tuple, variant, WIT,
} from './test-kit.ts';

const ENCODINGS: LiftLowerOptions['encoding'][] = ['utf8', 'utf16', 'latin1+utf16'];

/**
 * A component whose export is implemented by core code that calls a host import: the value
 * is lowered into its memory, passed through core WebAssembly (the JS API's conversions),
 * lifted again for the import, which returns it, and the result goes back the same way.
 */
function component(t: VT, encoding: LiftLowerOptions['encoding'], callee: (x: unknown) => unknown, viaWasm = true, addr: AddrType = 'i32'): { f: (x: unknown) => unknown; heap: Heap } {
  const ft = func([['x', t]], t);
  const heap = new Heap(1, 1024, addr);
  const handles = new FakeHandles();
  const low = lowerFunc(ft, callee, heap.opts(encoding), handles, WIT);
  const core = viaWasm ? passThrough(ft, low, 16, addr) : low;
  return { f: liftFunc(ft, core, heap.opts(encoding), handles, WIT), heap };
}

function roundTrip(t: VT, v: unknown, encoding: LiftLowerOptions['encoding'] = 'utf8', viaWasm = true, addr: AddrType = 'i32'): unknown {
  let seen: unknown;
  const c = component(t, encoding, (x) => { seen = x; return x; }, viaWasm, addr);
  const out = c.f(v);
  assert.deepEqual(seen, v, 'the callee saw the value');
  return out;
}

/** Two components: D's import is C's export, so values cross from D's memory to C's. */
function crossRoundTrip(t: VT, v: unknown, encD: LiftLowerOptions['encoding'], encC: LiftLowerOptions['encoding'], addrD: AddrType = 'i32', addrC: AddrType = 'i32'): unknown {
  let seen: unknown;
  const c = component(t, encC, (x) => { seen = x; return x; }, true, addrC);
  const d = component(t, encD, c.f, true, addrD);
  const out = d.f(v);
  assert.deepEqual(seen, v, 'the callee saw the value');
  return out;
}

// [type, values, name]
const CASES: [VT, unknown[], string][] = [
  ['bool', [true, false], 'bool'],
  ['u8', [0, 1, 127, 128, 255], 'u8'],
  ['s8', [0, -1, -128, 127], 's8'],
  ['u16', [0, 0x8000, 0xffff], 'u16'],
  ['s16', [0, -1, -0x8000, 0x7fff], 's16'],
  ['u32', [0, 1, 0x7fffffff, 0x80000000, 0xffffffff], 'u32'],
  ['s32', [0, -1, -0x80000000, 0x7fffffff], 's32'],
  ['u64', [0n, 1n, 2n ** 63n, 2n ** 64n - 1n], 'u64'],
  ['s64', [0n, -1n, -(2n ** 63n), 2n ** 63n - 1n], 's64'],
  ['f32', [0, -0, 1.5, -3.25, Infinity, -Infinity, NaN, Math.fround(0.1)], 'f32'],
  ['f64', [0, -0, 0.1, 1e300, -Infinity, NaN, Number.MIN_VALUE], 'f64'],
  ['char', ['a', 'é', '☃', '🍰', '\u{10ffff}', '\0', '\ud7ff', '\ue000'], 'char'],
  ['string', ['', 'a', 'hello', 'grün', 'ö'.repeat(100), '☃🍰', 'x'.repeat(1000) + '🍰', '\ufeffbom', 'ÿ'.repeat(40), 'exactly sixteen!', 'seventeen chars..', 'ascii, then é, then ascii', 'x'.repeat(40), 'x'.repeat(39) + '☃'], 'string'],
  [list('u8'), [new Uint8Array([]), new Uint8Array([1, 2, 255])], 'list<u8>'],
  [list('s8'), [new Int8Array([-1, 2])], 'list<s8>'],
  [list('u16'), [new Uint16Array([1, 65535])], 'list<u16>'],
  [list('s16'), [new Int16Array([-1, 2])], 'list<s16>'],
  [list('u32'), [new Uint32Array([1, 0xffffffff])], 'list<u32>'],
  [list('s32'), [new Int32Array([-1, 2])], 'list<s32>'],
  [list('u64'), [new BigUint64Array([1n, 2n ** 64n - 1n])], 'list<u64>'],
  [list('s64'), [new BigInt64Array([-1n, 2n])], 'list<s64>'],
  [list('f32'), [new Float32Array([1.5, -0])], 'list<f32>'],
  [list('f64'), [new Float64Array([0.1, NaN])], 'list<f64>'],
  [list('bool'), [[true, false, true]], 'list<bool>'],
  [list('char'), [['a', '🍰']], 'list<char>'],
  [list('string'), [[], ['a', '', 'ü', '☃']], 'list<string>'],
  [list(list('string')), [[['a'], [], ['b', 'c']]], 'list<list<string>>'],
  [list('u8', 4), [new Uint8Array([1, 2, 3, 4])], 'list<u8, 4>'],
  [list('string', 2), [['x', 'yz']], 'list<string, 2>'],
  [list(tuple('u8', 'u64'), 3), [[[1, 2n], [3, 4n], [5, 6n]]], 'list<tuple<u8, u64>, 3>'],
  [record([['a', 'u8'], ['b', 'string'], ['c', 'f64']]), [{ a: 1, b: 'two', c: 3.5 }], 'record'],
  [tuple('u8', 'u64', 'string'), [[1, 2n, 'three']], 'tuple'],
  [tuple(), [[]], 'tuple<>'],
  [variant([['a', undefined], ['b', 'u32'], ['c', 'string']]), [{ tag: 'a' }, { tag: 'b', val: 7 }, { tag: 'c', val: 'hi' }], 'variant'],
  [variant([['i', 'u32'], ['f', 'f32'], ['l', 'u64'], ['d', 'f64']]),
    [{ tag: 'i', val: 0xffffffff }, { tag: 'f', val: 3.5 }, { tag: 'f', val: NaN }, { tag: 'l', val: 2n ** 64n - 1n }, { tag: 'd', val: -0.1 }], 'variant of joined slots'],
  [variant([['p', tuple('f32', 'f32')], ['q', 'u64'], ['r', 's8']]), [{ tag: 'p', val: [1.5, -2] }, { tag: 'q', val: 5n }, { tag: 'r', val: -1 }], 'variant tuple payload'],
  [enumOf('red', 'green', 'blue'), ['red', 'blue'], 'enum'],
  [enumOf(...Array.from({ length: 300 }, (_, i) => `e${i}`)), ['e0', 'e299'], 'enum of 300 (u16 discriminant)'],
  [option('u32'), [undefined, 0, 7], 'option<u32>'],
  [option('string'), [undefined, '', 'x'], 'option<string>'],
  [option(option('u8')), [{ tag: 'none' }, { tag: 'some', val: undefined }, { tag: 'some', val: 3 }], 'option<option<u8>>'],
  [result('u32', 'string'), [{ tag: 'ok', val: 1 }, { tag: 'err', val: 'bad' }], 'result<u32, string>'],
  [result(undefined, undefined), [{ tag: 'ok', val: undefined }, { tag: 'err', val: undefined }], 'result'],
  [result('f32', 'u64'), [{ tag: 'ok', val: 1.25 }, { tag: 'err', val: 2n ** 64n - 1n }], 'result<f32, u64>'],
  [flags('a', 'b', 'c'), [{ a: false, b: false, c: false }, { a: true, b: false, c: true }], 'flags(3)'],
  [flags(...Array.from({ length: 12 }, (_, i) => `f${i}`)), [Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, i % 3 === 0]))], 'flags(12)'],
  [flags(...Array.from({ length: 32 }, (_, i) => `f${i}`)), [Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`f${i}`, true]))], 'flags(32)'],
  [map('string', 'u32'), [[['a', 1], ['k', 2], ['k', 3]]], 'map<string, u32>'],
  [list(record([['k', 'string'], ['v', option(list('u32'))]])), [[{ k: 'a', v: undefined }, { k: 'b', v: new Uint32Array([1, 2]) }]], 'list<record>'],
];

for (const [t, values, name] of CASES) {
  for (const addr of ['i32', 'i64'] as const) {
    test(`round trip${addr === 'i64' ? ' 🐘' : ''}: ${name}`, () => {
      for (const encoding of ENCODINGS) {
        // Without core code in between, the two sides' signatures agree only if results do not spill.
        for (const viaWasm of flatten(t, addr).length > 1 ? [true] : [true, false]) {
          for (const v of values) {
            assert.deepEqual(roundTrip(t, v, encoding, viaWasm, addr), v, `${name} ${encoding} ${viaWasm ? 'wasm' : 'direct'} ${addr}`);
          }
        }
      }
    });
  }
}

test('round trip 🐘: spilled parameters and results of a 64-bit component, and 32 ↔ 64-bit pairs', () => {
  const big = tuple(...Array.from({ length: 9 }, () => 'string' as VT));
  const value = Array.from({ length: 9 }, (_, i) => 'é'.repeat(i) + i);
  for (const encoding of ENCODINGS) {
    assert.deepEqual(roundTrip(big, value, encoding, true, 'i64'), value, encoding);
    for (const [d, c] of [['i32', 'i64'], ['i64', 'i32'], ['i64', 'i64']] as const) {
      assert.deepEqual(crossRoundTrip(big, value, encoding, 'utf16', d, c), value, `${encoding} ${d} → ${c}`);
      assert.deepEqual(crossRoundTrip(list(record([['k', 'string'], ['v', list('u16')]])), [{ k: 'ab☃', v: new Uint16Array([1, 2]) }], encoding, 'latin1+utf16', d, c),
        [{ k: 'ab☃', v: new Uint16Array([1, 2]) }], `${encoding} ${d} → ${c}`);
    }
  }
});

test('round trip: every pair of string encodings', () => {
  const strings = ['', 'ascii only', 'grün ÿ', '☃🍰 wide', 'ÿ', '\u0100', 'x'.repeat(70) + 'é'];
  for (const a of ENCODINGS) {
    for (const b of ENCODINGS) {
      for (const s of strings) {
        assert.equal(crossRoundTrip('string', s, a, b), s, `${a} → ${b}: ${s}`);
        assert.deepEqual(crossRoundTrip(list('string'), [s, s + s], a, b), [s, s + s], `${a} → ${b}: [${s}]`);
      }
    }
  }
});

test('round trip: a map also lowers from a JavaScript Map or an iterable of pairs', () => {
  const t = map('u8', 'string');
  const ft = func([['x', t]], t);
  const heap = new Heap();
  const handles = new FakeHandles();
  const seen: unknown[] = [];
  const low = lowerFunc(ft, (x) => { seen.push(x); return new Map([[9, 'nine']]); }, heap.opts(), handles, WIT);
  const lifted = liftFunc(ft, passThrough(ft, low), heap.opts(), handles, WIT);
  assert.deepEqual(lifted(new Map([[1, 'one'], [2, 'two']])), [[9, 'nine']]);
  assert.deepEqual(lifted(new Map([[3, 'three']]).entries()), [[9, 'nine']]);
  assert.deepEqual(seen, [[[1, 'one'], [2, 'two']], [[3, 'three']]]);
});
