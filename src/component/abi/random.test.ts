// Property: for random value types and random values, lowering then lifting is the identity,
// whichever way the values travel (flat, spilled, nested in lists), in every encoding and
// across two components with different encodings, 🐘 32-bit or 64-bit memories on either side.
// Seeded, so a failure reproduces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liftFunc, lowerFunc } from './index.ts';
import type { LiftLowerOptions } from './api.ts';
import type { VT } from '../validate/model.ts';
import { type AddrType, flatten, shapeOf } from './layout.ts';
import { setCodegen } from './func.ts';
import { canGenerate } from './codegen.ts';
import { enumOf, FakeHandles, flags, func, Heap, list, map, option, own, passThrough, record, resource, result, tuple, variant, WIT } from './test-kit.ts';

type Enc = LiftLowerOptions['encoding'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRIMS: VT[] = ['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char', 'string'];
const OWN = own(resource(7));
const LEAVES: VT[] = [...PRIMS, OWN];

function randomType(r: () => number, depth: number): VT {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  if (depth <= 0 || r() < 0.35) return pick(LEAVES);
  const sub = () => randomType(r, depth - 1);
  const n = (max: number) => 1 + Math.floor(r() * max);
  switch (Math.floor(r() * 10)) {
    case 0: return list(sub());
    case 1: return list(sub(), n(3));
    case 2: return record(Array.from({ length: n(4) }, (_, i) => [`f-${i}`, sub()] as [string, VT]));
    case 3: return tuple(...Array.from({ length: n(3) }, sub));
    case 4: return variant(Array.from({ length: n(4) }, (_, i) => [`c${i}`, r() < 0.3 ? undefined : sub()] as [string, VT | undefined]));
    case 5: return enumOf(...Array.from({ length: n(5) }, (_, i) => `e${i}`));
    case 6: return option(sub());
    case 7: return result(r() < 0.2 ? undefined : sub(), r() < 0.2 ? undefined : sub());
    case 8: return flags(...Array.from({ length: n(32) }, (_, i) => `b${i}`));
    default: return map(pick(PRIMS), sub());
  }
}

const CHARS = ['a', 'Z', '0', ' ', 'é', 'ÿ', 'Ā', '☃', '🍰', '\u{10ffff}', '\ud7ff', '\ue000', '\0'];
const TYPED: Partial<Record<string, new (a: ArrayLike<number | bigint>) => unknown>> = {
  u8: Uint8Array, s8: Int8Array, u16: Uint16Array, s16: Int16Array, u32: Uint32Array, s32: Int32Array,
  u64: BigUint64Array as never, s64: BigInt64Array as never, f32: Float32Array, f64: Float64Array,
};

function randomValue(t: VT, r: () => number): unknown {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const big = (bits: number, signed: boolean) => {
    let x = 0n;
    for (let i = 0; i < bits; i += 16) x = (x << 16n) | BigInt(int(0, 0xffff));
    return signed ? BigInt.asIntN(bits, x) : BigInt.asUintN(bits, x);
  };
  const s = shapeOf(t);
  switch (s.kind) {
    case 'prim':
      switch (s.type) {
        case 'bool': return r() < 0.5;
        case 's8': return int(-128, 127);
        case 'u8': return int(0, 255);
        case 's16': return int(-32768, 32767);
        case 'u16': return int(0, 65535);
        case 's32': return int(-(2 ** 31), 2 ** 31 - 1);
        case 'u32': return int(0, 2 ** 32 - 1);
        case 's64': return big(64, true);
        case 'u64': return big(64, false);
        case 'f32': return r() < 0.1 ? NaN : Math.fround((r() - 0.5) * 1e6);
        case 'f64': return r() < 0.1 ? -0 : (r() - 0.5) * 1e300;
        case 'char': return CHARS[int(0, CHARS.length - 1)];
        case 'string': return Array.from({ length: int(0, 12) }, () => CHARS[int(0, CHARS.length - 1)]).join('');
        default: throw new Error(s.type);
      }
    case 'record':
      if (s.tuple) return s.fields.map(([, f]) => randomValue(f, r));
      return Object.fromEntries(s.fields.map(([k, f]) => [k, randomValue(f, r)]));
    case 'variant': {
      const i = int(0, s.cases.length - 1);
      const c = s.cases[i];
      const val = c.type === undefined ? undefined : randomValue(c.type, r);
      switch (s.as) {
        case 'enum': return c.label;
        case 'option': {
          const inner = shapeOf(s.cases[1].type!);
          if (inner.kind === 'variant' && inner.as === 'option') return i === 0 ? { tag: 'none' } : { tag: 'some', val };
          return i === 0 ? undefined : val;
        }
        case 'result': return { tag: c.label, val };
        default: return c.type === undefined ? { tag: c.label } : { tag: c.label, val };
      }
    }
    case 'list': {
      const n = s.length ?? int(0, 4);
      const items = Array.from({ length: n }, () => randomValue(s.element, r));
      const el = shapeOf(s.element);
      const Typed = el.kind === 'prim' ? TYPED[el.type] : undefined;
      return Typed !== undefined ? new Typed(items as number[]) : items;
    }
    case 'flags': return Object.fromEntries(s.names.map((n) => [n, r() < 0.5]));
    case 'own': return { resource: int(0, 1000) };
    default: throw new Error(s.kind);
  }
}

function chain(t: VT, encoding: Enc, callee: (x: unknown) => unknown, addr: AddrType = 'i32'): (x: unknown) => unknown {
  const ft = func([['a', t], ['b', 'u8'], ['c', t]], t);
  const heap = new Heap(1, 1024, addr);
  const handles = new FakeHandles();
  const low = lowerFunc(ft, (a, b, c) => { assert.equal(b, 7); assert.deepEqual(a, c); return callee(a); }, heap.opts(encoding), handles, WIT);
  const lifted = liftFunc(ft, passThrough(ft, low, 16, addr), heap.opts(encoding), handles, WIT);
  return (x) => lifted(x, 7, x);
}

test('random round trips (seeded)', () => {
  const r = rng(0x5eed);
  const encodings: Enc[] = ['utf8', 'utf16', 'latin1+utf16'];
  const addrs: AddrType[] = ['i32', 'i64'];
  for (let i = 0; i < 150; i++) {
    const t = randomType(r, 3);
    for (let j = 0; j < 3; j++) {
      const v = randomValue(t, r);
      const a = encodings[Math.floor(r() * 3)];
      const b = encodings[Math.floor(r() * 3)];
      // 🐘 From the second value on, either side may have a 64-bit memory.
      const pa = j === 0 ? 'i32' : addrs[Math.floor(r() * 2)];
      const pb = j === 0 ? 'i32' : addrs[Math.floor(r() * 2)];
      const inner = chain(t, b, (x) => x, pb);
      const outer = chain(t, a, inner, pa);
      assert.deepEqual(outer(v), v, `type #${i}, value #${j}, ${a} ${pa} → ${b} ${pb}`);
    }
  }
});

/** Runs `f`, returning its value or the error it threw (as a comparable record). */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** Generated adapters and closure plans on the same random inputs; 🐘 `addr` 'i64': 64-bit memories. */
function differential(seed: number, addr: AddrType): void {
  const r = rng(seed);
  const wide = addr === 'i64';
  for (let i = 0; i < 300; i++) {
    const t = randomType(r, 3);
    const heap = new Heap(1, 60000, addr);
    // Memory of plausible small numbers and some noise, so pointers and lengths sometimes land;
    // with 64-bit memories, the high halves are mostly zero and sometimes not (past 4 GiB, or
    // a latin1+utf16 tag in bit 63).
    const dv = heap.dv;
    for (let k = 0; k < 4096; k += 4) {
      const small = Math.floor(r() * 48) * 4;
      const word = wide && k % 8 === 4 ? (r() < 0.85 ? 0 : r() < 0.5 ? 0x8000_0000 : Math.floor(r() * 2 ** 32)) : r() < 0.7 ? small : Math.floor(r() * 2 ** 32);
      dv.setUint32(k, word, true);
    }
    const flat = flatten(t, addr);
    const small64 = (): bigint => r() < 0.6 ? BigInt(Math.floor(r() * 48) * 4) : BigInt.asIntN(64, BigInt(Math.floor(r() * 2 ** 32)) << BigInt(Math.floor(r() * 33)));
    const values = flat.map((ft) => ft === 'i64' ? (wide ? small64() : BigInt.asIntN(64, BigInt(Math.floor(r() * 2 ** 32)) << BigInt(Math.floor(r() * 33))))
      : ft === 'i32' ? (r() < 0.7 ? Math.floor(r() * 48) * 4 : Math.floor(r() * 2 ** 32) | 0) : r() * 100);
    const ftLift = func([], t);
    const ftLower = func([['x', t]]);
    const retp = 8 * Math.floor(r() * 400);
    const core = flat.length > 1 ? () => (wide ? BigInt(retp) : retp) : () => values[0];
    const both = (make: () => () => unknown) => {
      const was = setCodegen(true);
      const g = make();
      setCodegen(false);
      const c = make();
      setCodegen(was);
      return [g, c];
    };
    const [lg, lc] = both(() => liftFunc(ftLift, core, heap.opts(), new FakeHandles(), WIT));
    assert.deepEqual(outcome(lg), outcome(lc), `lift #${i}`);
    const args = flat.length > 16 ? [wide ? BigInt(retp) : retp] : values;
    const [wg, wc] = both(() => {
      const f = lowerFunc(ftLower, (x) => x, heap.opts(), new FakeHandles(), WIT);
      return () => f(...args);
    });
    assert.deepEqual(outcome(wg), outcome(wc), `lower #${i}`);
  }
}

test('generated adapters and closure plans agree on random memory and flat values, traps included (seeded)', { skip: !canGenerate }, () => {
  differential(0xd1ff, 'i32');
});

test('🐘 ... and with 64-bit memories (seeded)', { skip: !canGenerate }, () => {
  differential(0xd1ff64, 'i64');
});
