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
