import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseF32, parseF64, parseI64, parseIntN, parseU32 } from './numbers.ts';

const f32 = (s: string) => parseF32(s, 0, s.length);
const f64 = (s: string) => parseF64(s, 0, s.length);
const i32 = (s: string) => parseIntN(s, 0, s.length, 32);

test('integers: decimal, hex, underscores, signed and unsigned ranges', () => {
  assert.equal(i32('0xffff_ffff'), -1);
  assert.equal(i32('-0x8000_0000'), -2147483648);
  assert.equal(i32('4_294_967_295'), -1);
  assert.throws(() => i32('4294967296'), /constant out of range/);
  assert.throws(() => i32('-2147483649'), /constant out of range/);
  assert.throws(() => i32('1__0'), /unknown operator/);
  assert.throws(() => i32('_1'), /unknown operator/);
  assert.throws(() => i32('0x'), /unknown operator/);
  assert.equal(parseI64('0xffffffffffffffff', 0, 18), -1n);
  assert.equal(parseI64('-9223372036854775808', 0, 20), -(2n ** 63n));
  assert.equal(parseU32('0x10', 0, 4), 16);
  assert.throws(() => parseU32('-1', 0, 2), /unknown operator/);
});

test('f32 literals round once, exactly, ties to even', () => {
  assert.equal(f32('1.5'), 0x3fc00000);
  assert.equal(f32('0x1p-149'), 1);
  assert.equal(f32('0x1p-150'), 0); // tie between 0 and the least subnormal
  assert.equal(f32('0x1.000002p-150'), 1);
  assert.equal(f32('1.000000059604644775390625'), 0x3f800000); // 1 + 2^-24: tie, to even
  assert.equal(f32('1.00000005960464477550'), 0x3f800001); // just above the tie
  // Double rounding through f64 would give 0x3f800000 here: the f64 nearest to this
  // literal is the f32 midpoint 1 + 2^-24.
  assert.equal(f32('1.000000059604644775390625000000000000001'), 0x3f800001);
  assert.equal(f32('0x1.fffffep127'), 0x7f7fffff);
  assert.throws(() => f32('0x1.ffffffp127'), /constant out of range/);
  assert.equal(f32('0x1.fffffefffffffffffp127'), 0x7f7fffff);
  assert.throws(() => f32('1e39'), /constant out of range/);
  assert.equal(f32('-inf'), 0xff800000);
  assert.equal(f32('nan'), 0x7fc00000);
  assert.equal(f32('-nan:0x1'), 0xff800001);
  assert.throws(() => f32('nan:0x800000'), /constant out of range/);
  assert.throws(() => f32('nan:0x0'), /constant out of range/);
});

test('f64 literals', () => {
  assert.equal(f64('0x1p-1074'), 1n);
  assert.equal(f64('1_000.000_1'), new BigUint64Array(new Float64Array([1000.0001]).buffer)[0]);
  assert.equal(f64('0x1.fffffffffffffp1023'), 0x7fefffffffffffffn);
  assert.throws(() => f64('0x1.fffffffffffff8p1023'), /constant out of range/);
  assert.throws(() => f64('1e309'), /constant out of range/);
  assert.equal(f64('nan:0xf_ffff_ffff_ffff'), 0x7fffffffffffffffn);
  assert.equal(f64('-0'), 1n << 63n);
  assert.throws(() => f64('1.e'), /unknown operator/);
  assert.throws(() => f64('.5'), /unknown operator/);
});
