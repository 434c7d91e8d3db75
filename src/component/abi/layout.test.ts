// Sizes, alignments and flattenings (CanonicalABI.md, "Alignment", "Element Size",
// "Flattening"), against values worked out by hand from the spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VT } from '../validate/model.ts';
import { alignment, elemSize, fieldOffsets, flatten } from './layout.ts';
import { borrow, enumOf, flags, list, map, option, own, record, resource, result, tuple, variant } from './test-kit.ts';

const cases: [string, VT, number, number, string[]][] = [
  ['bool', 'bool', 1, 1, ['i32']],
  ['u16', 'u16', 2, 2, ['i32']],
  ['s64', 's64', 8, 8, ['i64']],
  ['f32', 'f32', 4, 4, ['f32']],
  ['char', 'char', 4, 4, ['i32']],
  ['string', 'string', 8, 4, ['i32', 'i32']],
  ['list<u64>', list('u64'), 8, 4, ['i32', 'i32']],
  ['list<u8, 3>', list('u8', 3), 3, 1, ['i32', 'i32', 'i32']],
  ['list<u64, 2>', list('u64', 2), 16, 8, ['i64', 'i64']],
  ['record {u8, u32}', record([['a', 'u8'], ['b', 'u32']]), 8, 4, ['i32', 'i32']],
  ['tuple<u8, u16, u8>', tuple('u8', 'u16', 'u8'), 6, 2, ['i32', 'i32', 'i32']],
  ['tuple<u8, u64>', tuple('u8', 'u64'), 16, 8, ['i32', 'i64']],
  ['option<u64>', option('u64'), 16, 8, ['i32', 'i64']],
  ['option<u8>', option('u8'), 2, 1, ['i32', 'i32']],
  ['result<u8, u32>', result('u8', 'u32'), 8, 4, ['i32', 'i32']],
  ['result', result(), 1, 1, ['i32']],
  ['enum of 256', enumOf(...Array.from({ length: 256 }, (_, i) => `e${i}`)), 1, 1, ['i32']],
  ['enum of 257', enumOf(...Array.from({ length: 257 }, (_, i) => `e${i}`)), 2, 2, ['i32']],
  ['variant of 65537', variant(Array.from({ length: 65537 }, (_, i) => [`c${i}`, undefined] as [string, undefined])), 4, 4, ['i32']],
  ['variant {u32, f32}', variant([['a', 'u32'], ['b', 'f32']]), 8, 4, ['i32', 'i32']],
  ['variant {f32, f32}', variant([['a', 'f32'], ['b', 'f32']]), 8, 4, ['i32', 'f32']],
  ['variant {f32, f64}', variant([['a', 'f32'], ['b', 'f64']]), 16, 8, ['i32', 'i64']],
  ['variant {tuple<f32, u64>, tuple<u32, f32>, string}', variant([['a', tuple('f32', 'u64')], ['b', tuple('u32', 'f32')], ['c', 'string']]), 24, 8, ['i32', 'i32', 'i64']],
  ['flags(1)', flags('a'), 1, 1, ['i32']],
  ['flags(9)', flags(...'abcdefghi'), 2, 2, ['i32']],
  ['flags(17)', flags(...'abcdefghijklmnopq'), 4, 4, ['i32']],
  ['own', own(resource(0)), 4, 4, ['i32']],
  ['borrow', borrow(resource(0)), 4, 4, ['i32']],
  ['map<string, u8>', map('string', 'u8'), 8, 4, ['i32', 'i32']],
];

test('layout: size, alignment and flat types', () => {
  for (const [name, t, size, align, flat] of cases) {
    assert.equal(elemSize(t, 'i32'), size, `${name} size`);
    assert.equal(alignment(t, 'i32'), align, `${name} alignment`);
    assert.deepEqual(flatten(t, 'i32'), flat, `${name} flat`);
  }
});

test('layout: field offsets pad each field to its alignment', () => {
  assert.deepEqual(fieldOffsets([['a', 'u8'], ['b', 'u64'], ['c', 'string'], ['d', 'u16'], ['e', 'u32']], 'i32'), [0, 8, 16, 24, 28]);
  assert.deepEqual(fieldOffsets([['a', 'u8'], ['b', option('u8')], ['c', 'u16']], 'i32'), [0, 1, 4]);
});

// 🐘 64-bit memories: `ptr_size` 8 and `ptr_type` i64 (CanonicalABI.md, `alignment(t, ptr_type)`,
// `elem_size(t, ptr_type)`, `flatten_type`); what holds no pointer is unchanged.
const cases64: [string, VT, number, number, string[]][] = [
  ['string', 'string', 16, 8, ['i64', 'i64']],
  ['list<u8>', list('u8'), 16, 8, ['i64', 'i64']],
  ['list<u8, 3>', list('u8', 3), 3, 1, ['i32', 'i32', 'i32']],
  ['list<string, 2>', list('string', 2), 32, 8, ['i64', 'i64', 'i64', 'i64']],
  ['map<string, u8>', map('string', 'u8'), 16, 8, ['i64', 'i64']],
  ['record {u8, string}', record([['a', 'u8'], ['b', 'string']]), 24, 8, ['i32', 'i64', 'i64']],
  ['option<string>', option('string'), 24, 8, ['i32', 'i64', 'i64']],
  // The u32 case joins the pointer's i64 slot; f32 the length's.
  ['result<u32, string>', result('u32', 'string'), 24, 8, ['i32', 'i64', 'i64']],
  ['variant {tuple<f32, f32>, string}', variant([['a', tuple('f32', 'f32')], ['b', 'string']]), 24, 8, ['i32', 'i64', 'i64']],
  ['tuple<u8, u32>', tuple('u8', 'u32'), 8, 4, ['i32', 'i32']],
  ['own', own(resource(0)), 4, 4, ['i32']],
  ['flags(17)', flags(...'abcdefghijklmnopq'), 4, 4, ['i32']],
];

test('layout 🐘: size, alignment and flat types with 64-bit pointers', () => {
  for (const [name, t, size, align, flat] of cases64) {
    assert.equal(elemSize(t, 'i64'), size, `${name} size`);
    assert.equal(alignment(t, 'i64'), align, `${name} alignment`);
    assert.deepEqual(flatten(t, 'i64'), flat, `${name} flat`);
  }
  assert.deepEqual(fieldOffsets([['a', 'u8'], ['b', 'u64'], ['c', 'string'], ['d', 'u16'], ['e', 'u32']], 'i64'), [0, 8, 16, 32, 36]);
  assert.deepEqual(fieldOffsets([['a', 'u32'], ['b', list('u8')]], 'i64'), [0, 8]);
});
