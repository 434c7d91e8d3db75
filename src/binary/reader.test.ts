import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecodeError } from '../core/errors.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

const read = (bytes: number[]) => new Reader(Uint8Array.from(bytes));
const phrase = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DecodeError, String(e));
    return e.phrase;
  }
  return 'no error';
};

test('u32: canonical, padded, too long, too large', () => {
  assert.equal(read([0x7f]).u32(), 127);
  assert.equal(read([0xe5, 0x8e, 0x26]).u32(), 624485);
  assert.equal(read([0x80, 0x80, 0x80, 0x80, 0x00]).u32(), 0, 'padded to 5 bytes');
  assert.equal(read([0xff, 0xff, 0xff, 0xff, 0x0f]).u32(), 0xffffffff);
  assert.equal(phrase(() => read([0xff, 0xff, 0xff, 0xff, 0x1f]).u32()), 'integer too large');
  assert.equal(phrase(() => read([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).u32()), 'integer representation too long');
  assert.equal(phrase(() => read([0x80]).u32()), 'unexpected end of section or function');
});

test('s32, s33 and s64 sign-extend and check their unused bits', () => {
  assert.equal(read([0x7f]).s32(), -1);
  assert.equal(read([0x80, 0x80, 0x80, 0x80, 0x78]).s32(), -2147483648);
  assert.equal(phrase(() => read([0x80, 0x80, 0x80, 0x80, 0x70]).s32()), 'integer too large');
  assert.equal(read([0x40]).s33(), -64);
  assert.equal(read([0xff, 0xff, 0xff, 0xff, 0x0f]).s33(), 0xffffffff);
  assert.equal(read([0x80, 0x80, 0x80, 0x80, 0x70]).s33(), -(2 ** 32));
  assert.equal(phrase(() => read([0x80, 0x80, 0x80, 0x80, 0x60]).s33()), 'integer too large');
  assert.equal(read([0x7f]).s64(), -1n);
  assert.equal(read([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]).s64(), -(2n ** 63n));
  assert.equal(phrase(() => read([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).s64()), 'integer too large');
});

test('u64 stays a number while it is safe and becomes a bigint beyond', () => {
  assert.equal(read([0x05]).u64(), 5);
  const w = new Writer();
  w.u64(2n ** 64n - 1n);
  assert.equal(new Reader(w.finish()).u64(), 2n ** 64n - 1n);
  const w2 = new Writer();
  w2.u64(Number.MAX_SAFE_INTEGER);
  assert.equal(new Reader(w2.finish()).u64(), Number.MAX_SAFE_INTEGER);
  assert.equal(phrase(() => read([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02]).u64()), 'integer too large');
});

/** u64 decoded with bigints only: the oracle for u64's number fast path. */
function bigintU64(r: Reader): bigint | number {
  let result = 0n;
  for (let i = 0; i < 9; i++) {
    const b = r.u8();
    result |= BigInt(b & 0x7f) << BigInt(i * 7);
    if (b < 0x80) return result <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result) : result;
  }
  const b = r.u8();
  if ((b & 0x7f) > 1) r.fail('integer too large', r.pos - 1);
  if (b & 0x80) r.fail('integer representation too long');
  return result | (BigInt(b) << 63n);
}

test('u64 as a number and skipS64 end where the full decoders do, with the same errors', () => {
  // Every length from 1 to 11 bytes, each last byte value class: terminated, sign bits, too long.
  const outcome = (f: (r: Reader) => unknown, bytes: number[]): string => {
    const r = read(bytes);
    try {
      return `${f(r)} @${r.pos}`;
    } catch (e) {
      assert.ok(e instanceof DecodeError, String(e));
      return `${e.phrase} @${e.offset}`;
    }
  };
  for (let n = 1; n <= 11; n++) {
    for (const last of [0x00, 0x01, 0x02, 0x3f, 0x40, 0x7e, 0x7f, 0x80, 0xff]) {
      for (const truncate of [false, true]) {
        const bytes = [...Array.from({ length: n - 1 }, () => 0xff), last];
        if (truncate) bytes.pop();
        assert.equal(outcome((r) => r.skipS64(), bytes), outcome((r) => void r.s64(), bytes), `s64 ${bytes}`);
        assert.equal(outcome((r) => r.u64(), bytes), outcome(bigintU64, bytes), `u64 ${bytes}`);
      }
    }
  }
  assert.equal(read([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]).u64(), 2 ** 49 - 1);
  assert.equal(read([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).u64(), 2 ** 49);
});

test('writer and reader agree on signed values at every width', () => {
  for (const v of [0, 1, -1, 63, 64, -64, -65, 8191, -8192, 2 ** 31 - 1, -(2 ** 31)]) {
    const w = new Writer();
    w.sleb(v);
    assert.equal(new Reader(w.finish()).s32(), v);
  }
  for (const v of [0n, -1n, 2n ** 40n, -(2n ** 40n), 2n ** 63n - 1n, -(2n ** 63n)]) {
    const w = new Writer();
    w.s64(v);
    assert.equal(new Reader(w.finish()).s64(), v);
  }
});

test('names must be valid UTF-8 and fit', () => {
  assert.equal(read([3, 0x61, 0x62, 0x63]).name(), 'abc');
  assert.equal(read([2, 0xc3, 0xa9]).name(), 'é');
  // A byte order mark is a character of the name (names.wast exports one); found by fuzzing.
  assert.equal(read([3, 0xef, 0xbb, 0xbf]).name(), '\ufeff');
  assert.equal(phrase(() => read([2, 0xc0, 0x80]).name()), 'malformed UTF-8 encoding', 'overlong');
  assert.equal(phrase(() => read([3, 0xed, 0xa0, 0x80]).name()), 'malformed UTF-8 encoding', 'surrogate');
  assert.equal(phrase(() => read([5, 0x61]).name()), 'length out of bounds');
});

test('a vector count larger than the bytes left is refused before allocating', () => {
  assert.equal(phrase(() => read([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]).count()), 'unexpected end of section or function');
});
