// Strings: the exact realloc calls of every transcoding pair (CanonicalABI.md, "Storing"),
// the bytes and (tagged) lengths they produce, and the traps of lifting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trap } from '../../core/errors.ts';
import { liftFunc, lowerFunc } from './index.ts';
import type { LiftLowerOptions } from './api.ts';
import { FakeHandles, func, Heap, list, WIT } from './test-kit.ts';

type Enc = LiftLowerOptions['encoding'];
const TAG = 0x8000_0000;
const utf8 = new TextEncoder();

function utf16Bytes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0xff, s.charCodeAt(i) >> 8);
  return out;
}

function isLatin1(s: string): boolean {
  return [...s].every((c) => c.charCodeAt(0) < 0x100);
}

/** The bytes and length of `s` as a component with encoding `e` stores it (`tagged`: latin1+utf16 chose UTF-16). */
function encode(s: string, e: Enc, forceUtf16 = false): { bytes: number[]; len: number } {
  switch (e) {
    case 'utf8': { const b = [...utf8.encode(s)]; return { bytes: b, len: b.length }; }
    case 'utf16': return { bytes: utf16Bytes(s), len: s.length };
    case 'latin1+utf16':
      if (isLatin1(s) && !forceUtf16) return { bytes: [...s].map((c) => c.charCodeAt(0)), len: s.length };
      return { bytes: utf16Bytes(s), len: (s.length | TAG) >>> 0 };
  }
}

/**
 * Component D (encoding `src`) calls component C's export (encoding `dst`) with `s`, which D
 * holds in its own memory. Returns C's realloc calls and what C's core function received.
 */
function transcode(s: string, src: Enc, dst: Enc, srcUtf16 = false) {
  const ft = func([['s', 'string']]);
  const heapD = new Heap();
  const heapC = new Heap();
  const handles = new FakeHandles();
  let got: [number, number] | undefined;
  const liftC = liftFunc(ft, (p, l) => { got = [p as number, l as number]; }, heapC.opts(dst), handles, WIT);
  const lowD = lowerFunc(ft, liftC, heapD.opts(src), handles, WIT);
  const { bytes, len } = encode(s, src, srcUtf16);
  const ptr = heapD.put(bytes, 2);
  lowD(ptr, len | 0);
  assert.ok(got);
  const [p, l] = [got[0] >>> 0, got[1] >>> 0];
  const n = dst === 'utf8' ? l : dst === 'utf16' ? 2 * l : (l & TAG) !== 0 ? 2 * (l ^ TAG) : l;
  return { calls: heapC.calls, ptr: p, len: l, bytes: [...heapC.u8.subarray(p, p + n)] };
}

/** The spec's realloc sequence for each pair ("store_string_into_range"); `p` stands for any pointer. */
function expectedCalls(s: string, src: Enc, dst: Enc, srcUtf16: boolean): number[][] {
  const n8 = utf8.encode(s).length;
  const n16 = s.length;
  const latin1 = isLatin1(s);
  const ascii = n8 === n16;
  const srcSimple = src === 'latin1+utf16' ? (latin1 && !srcUtf16 ? 'latin1' : 'utf16') : src;
  const srcUnits = srcSimple === 'utf8' ? n8 : n16;
  const P = -1;
  switch (dst) {
    case 'utf8': {
      if (srcSimple === 'utf8') return [[0, 0, 1, n8]];
      const worst = srcSimple === 'latin1' ? 2 * srcUnits : 3 * srcUnits;
      if (ascii) return [[0, 0, 1, srcUnits]];
      const calls = [[0, 0, 1, srcUnits], [P, srcUnits, 1, worst]];
      if (worst > n8) calls.push([P, worst, 1, n8]);
      return calls;
    }
    case 'utf16':
      if (srcSimple === 'utf8') return 2 * n16 < 2 * n8 ? [[0, 0, 2, 2 * n8], [P, 2 * n8, 2, 2 * n16]] : [[0, 0, 2, 2 * n8]];
      return [[0, 0, 2, 2 * n16]];
    case 'latin1+utf16':
      if (src === 'latin1+utf16') {
        if (srcSimple === 'latin1') return [[0, 0, 2, n16]];
        return latin1 ? [[0, 0, 2, 2 * n16], [P, 2 * n16, 1, n16]] : [[0, 0, 2, 2 * n16]];
      }
      if (latin1) return n16 < srcUnits ? [[0, 0, 2, srcUnits], [P, srcUnits, 2, n16]] : [[0, 0, 2, srcUnits]];
      return 2 * srcUnits > 2 * n16
        ? [[0, 0, 2, srcUnits], [P, srcUnits, 2, 2 * srcUnits], [P, 2 * srcUnits, 2, 2 * n16]]
        : [[0, 0, 2, srcUnits], [P, srcUnits, 2, 2 * srcUnits]];
  }
}

const SAMPLES = ['', 'a', 'hello', 'grün', 'höla', 'ÿÿ', 'ĀB', '☃', 'ok☃🍰', '🍰', 'AB', 'x'.repeat(50) + 'é', 'é' + 'x'.repeat(50), '\u00ff\u0100'];
const ENCODINGS: Enc[] = ['utf8', 'utf16', 'latin1+utf16'];

test('strings: the realloc calls, bytes and lengths of all nine transcoding pairs', () => {
  for (const src of ENCODINGS) {
    for (const dst of ENCODINGS) {
      for (const s of SAMPLES) {
        for (const srcUtf16 of src === 'latin1+utf16' ? [false, true] : [false]) {
          const what = `${src}${srcUtf16 ? ' (tagged)' : ''} → ${dst}: ${JSON.stringify(s)}`;
          const r = transcode(s, src, dst, srcUtf16);
          const want = expectedCalls(s, src, dst, srcUtf16);
          assert.equal(r.calls.length, want.length, `${what}: ${JSON.stringify(r.calls)}`);
          r.calls.forEach((c, i) => {
            const w = want[i];
            assert.deepEqual([w[0] === -1 ? c[0] : w[0], ...w.slice(1)], c, `${what}: call ${i} of ${JSON.stringify(r.calls)}`);
            if (w[0] === -1) assert.notEqual(c[0], 0, `${what}: call ${i} reallocates`);
          });
          const e = encode(s, dst);
          assert.deepEqual(r.bytes, e.bytes, `${what}: bytes`);
          assert.equal(r.len, e.len, `${what}: length`);
        }
      }
    }
  }
});

test('strings: a host string is UTF-16 with s.length code units to store_string', () => {
  const ft = func([['s', 'string']]);
  const cases: [Enc, string, number[][]][] = [
    ['utf8', 'hello', [[0, 0, 1, 5]]],
    ['utf8', 'grün', [[0, 0, 1, 4], [1024, 4, 1, 12], [1028, 12, 1, 5]]],
    ['utf16', 'grün', [[0, 0, 2, 8]]],
    ['latin1+utf16', 'grün', [[0, 0, 2, 4]]],
    ['latin1+utf16', 'g☃', [[0, 0, 2, 2], [1024, 2, 2, 4]]],
    ['utf8', '', [[0, 0, 1, 0]]],
    ['utf16', '', [[0, 0, 2, 0]]],
    ['latin1+utf16', '', [[0, 0, 2, 0]]],
  ];
  for (const [enc, s, calls] of cases) {
    const heap = new Heap();
    let got: unknown[] = [];
    const f = liftFunc(ft, (...a) => { got = a; }, heap.opts(enc), new FakeHandles(), WIT);
    f(s);
    assert.deepEqual(heap.calls, calls, `${enc} ${s}`);
    assert.equal(got.length, 2);
  }
});

test('strings: lifting decodes each encoding, keeping a BOM', () => {
  const ft = func([], 'string');
  const cases: [Enc, number[], number, string][] = [
    ['utf8', [0xef, 0xbb, 0xbf, 0x41], 4, '\ufeffA'],
    ['utf8', [0xe2, 0x98, 0x83, 0xe2, 0x98, 0xba, 0xef, 0xb8, 0x8f, 0xc3, 0xb6, 0xe3, 0x83, 0x84], 14, '☃☺️öツ'],
    ['utf16', [0xff, 0xfe, 0x3c, 0xd8, 0x70, 0xdf], 3, '\ufeff🍰'],
    ['latin1+utf16', [0x80, 0x9f, 0xff], 3, '\u0080\u009f\u00ff'],
    ['latin1+utf16', [0x03, 0x26], (1 | TAG) >>> 0, '☃'],
  ];
  for (const [enc, bytes, len, want] of cases) {
    const heap = new Heap();
    const p = heap.put(bytes, 2);
    heap.dv.setUint32(8, p, true);
    heap.dv.setUint32(12, len, true);
    const f = liftFunc(ft, () => 8, heap.opts(enc), new FakeHandles(), WIT);
    assert.equal(f(), want, enc);
  }
  // A long string goes through TextDecoder rather than the short loop.
  const heap = new Heap();
  const long = 'ünïcödé '.repeat(100);
  const b = [...utf8.encode(long)];
  const p = heap.put(b);
  const g = liftFunc(func([['s', 'string']]), () => {}, heap.opts(), new FakeHandles(), WIT);
  const lowered = lowerFunc(func([['s', 'string']]), (s) => { assert.equal(s, long); }, heap.opts(), new FakeHandles(), WIT);
  lowered(p, b.length);
  void g;
});

function liftTrap(enc: Enc, bytes: number[], ptr: number, len: number, pages = 1): Trap {
  const heap = new Heap(pages);
  heap.put(bytes, 1, ptr < heap.u8.length ? ptr : 0);
  const f = lowerFunc(func([['s', 'string']]), () => {}, heap.opts(enc), new FakeHandles(), WIT);
  try {
    f(ptr | 0, len | 0);
  } catch (e) {
    assert.ok(e instanceof Trap, String(e));
    return e;
  }
  assert.fail('no trap');
}

test('strings: lifting traps', () => {
  const m = (t: Trap) => t.message;
  assert.match(m(liftTrap('utf8', [0xff], 8, 1)), /^invalid utf-8/);
  assert.match(m(liftTrap('utf8', [0xc3], 8, 1)), /^incomplete utf-8 byte sequence/);
  assert.match(m(liftTrap('utf8', [0x61, 0xe2, 0x98], 8, 3)), /^incomplete utf-8 byte sequence/);
  assert.match(m(liftTrap('utf8', [0xe2, 0x28, 0xa1], 8, 3)), /^invalid utf-8/);
  assert.match(m(liftTrap('utf8', [0xed, 0xa0, 0x80], 8, 3)), /^invalid utf-8/); // an encoded surrogate
  assert.match(m(liftTrap('utf8', [0x61, 0xff, ...Array(40).fill(0x61)], 8, 42)), /^invalid utf-8/);
  assert.match(m(liftTrap('utf16', [0x00, 0xd8, 0x41, 0x00], 8, 2)), /^invalid utf-16/);
  assert.match(m(liftTrap('utf16', [0x00, 0xdc], 8, 1)), /^invalid utf-16/);
  for (const enc of ['utf8', 'utf16', 'latin1+utf16'] as Enc[]) {
    const oob = m(liftTrap(enc, [], 0xdeadbee0, 0));
    assert.ok(oob.includes('string pointer/length out of bounds of memory') && oob.includes('string content out-of-bounds'), oob);
    assert.match(m(liftTrap(enc, [], 65534, 3)), /out-of-bounds/);
    assert.match(m(liftTrap(enc, [], 0x80000000, 1)), /out-of-bounds/);
  }
  assert.match(m(liftTrap('utf16', [], 1, 0)), /^unaligned pointer/);
  assert.match(m(liftTrap('latin1+utf16', [], 1, 0)), /^unaligned pointer/);
  assert.match(m(liftTrap('latin1+utf16', [], 1, TAG)), /^unaligned pointer/);
  // MAX_STRING_BYTE_LENGTH is checked before the bounds.
  assert.match(m(liftTrap('utf8', [], 0, 2 ** 28)), /exceeds 2\^28 - 1/);
  assert.match(m(liftTrap('utf16', [], 0, 2 ** 27)), /exceeds 2\^28 - 1/);
  assert.match(m(liftTrap('latin1+utf16', [], 0, (2 ** 27 | TAG) >>> 0)), /exceeds 2\^28 - 1/);
});

test('strings: the string at the very end of memory lifts; one byte further traps', () => {
  const heap = new Heap();
  heap.put([0x6f, 0x6b], 1, 65534);
  let got: unknown;
  const f = lowerFunc(func([['s', 'string']]), (s) => { got = s; }, heap.opts(), new FakeHandles(), WIT);
  f(65534, 2);
  assert.equal(got, 'ok');
  assert.throws(() => f(65535, 2), /string pointer\/length out of bounds of memory/);
});

function lowerTrap(enc: Enc, s: string, answer: (old: number, oldSize: number, align: number, newSize: number) => number): string {
  const heap = new Heap();
  heap.answer = answer;
  const f = liftFunc(func([['s', 'string']]), () => {}, heap.opts(enc), new FakeHandles(), WIT);
  try {
    f(s);
  } catch (e) {
    assert.ok(e instanceof Trap, String(e));
    return e.message;
  }
  return assert.fail('no trap');
}

test('strings: realloc results are checked at every step', () => {
  const both = (m: string, content: string) => assert.ok(m.includes(content) && m.includes('realloc return: beyond end of memory'), m);
  const unaligned = (m: string) => assert.ok(m.startsWith('unaligned pointer') && m.includes('realloc return: result not aligned'), m);
  both(lowerTrap('utf8', 'abc', () => 65535), 'string content out-of-bounds');
  both(lowerTrap('utf8', '', () => 65537), 'string content out-of-bounds');
  unaligned(lowerTrap('utf16', 'abc', () => 1023));
  unaligned(lowerTrap('latin1+utf16', 'abc', () => 1023));
  // The grow step of utf16 → utf8 and latin1 → utf16 inflation.
  both(lowerTrap('utf8', 'grün', (old) => old === 0 ? 1024 : 65530), 'string content out-of-bounds');
  unaligned(lowerTrap('latin1+utf16', 'g☃', (old) => old === 0 ? 1024 : 1025));
  // The shrink step.
  both(lowerTrap('utf8', 'grün', (old, _o, _a, n) => old === 0 ? 1024 : n === 12 ? 2048 : 65534), 'string content out-of-bounds');
});

test('strings: lowering refuses what is not a string of scalar values', () => {
  const heap = new Heap();
  const f = liftFunc(func([['s', 'string']]), () => {}, heap.opts(), new FakeHandles(), WIT);
  assert.throws(() => f(42), TypeError);
  assert.throws(() => f('a\ud800b'), /lone surrogate/);
  assert.equal(heap.calls.length, 0);
});

test('strings: in a list, each element is transcoded on its own', () => {
  const ft = func([['l', list('string')]]);
  const heapD = new Heap();
  const heapC = new Heap();
  const h = new FakeHandles();
  let got: [number, number] = [0, 0];
  const liftC = liftFunc(ft, (p, n) => { got = [p as number, n as number]; }, heapC.opts('utf8'), h, WIT);
  const lowD = lowerFunc(ft, liftC, heapD.opts('utf16'), h, WIT);
  // ["hi", "", "☃🍰"] as utf16 in D's memory.
  heapD.put(utf16Bytes('hi'), 2, 32);
  heapD.put(utf16Bytes('☃🍰'), 2, 40);
  const dv = heapD.dv;
  [32, 2, 0, 0, 40, 3].forEach((x, i) => dv.setUint32(64 + 4 * i, x, true));
  lowD(64, 3);
  const [p, n] = got;
  assert.equal(n, 3);
  const cdv = heapC.dv;
  const el = (i: number) => [...heapC.u8.subarray(cdv.getUint32(p + 8 * i, true), cdv.getUint32(p + 8 * i, true) + cdv.getUint32(p + 8 * i + 4, true))];
  assert.deepEqual(el(0), [0x68, 0x69]);
  assert.deepEqual(el(1), []);
  assert.deepEqual(el(2), [...utf8.encode('☃🍰')]);
  // The list first (align 4, 3 × 8 bytes), then each string: utf16 → utf8 with hints.
  assert.deepEqual(heapC.calls[0], [0, 0, 4, 24]);
  assert.deepEqual(heapC.calls.slice(1).map((c) => c.slice(1)), [[0, 1, 2], [0, 1, 0], [0, 1, 3], [3, 1, 9], [9, 1, 7]]);
});
