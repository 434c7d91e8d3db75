// Checks the SIMD, relaxed SIMD and atomics opcode rows: uniqueness, order, signatures,
// counts and spot checks of codes taken from the spec sources
// (WebAssembly/spec specification/wasm-3.0/5.3-binary.instructions.spectec and
// proposals/simd/BinarySIMD.md, WebAssembly/relaxed-simd proposals/relaxed-simd/Overview.md,
// WebAssembly/threads proposals/threads/Overview.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OpDef } from './def.ts';
import { PREFIX_ATOMIC, PREFIX_SIMD } from './def.ts';
import { SIMD_OPS } from './simd.ts';
import { ATOMIC_OPS } from './atomics.ts';

const TABLES: ReadonlyArray<readonly [string, readonly OpDef[]]> = [
  ['SIMD_OPS', SIMD_OPS],
  ['ATOMIC_OPS', ATOMIC_OPS],
];

const SIG_TOKENS = new Set(['i32', 'i64', 'f32', 'f64', 'v128', 'addr']);

function parseSig(sig: string): { params: string[]; results: string[] } {
  const parts = sig.split('->');
  assert.equal(parts.length, 2, `sig ${JSON.stringify(sig)} has exactly one '->'`);
  const words = (s: string): string[] => s.trim().split(/\s+/).filter((w) => w !== '');
  return { params: words(parts[0]), results: words(parts[1]) };
}

function codeOf(table: readonly OpDef[], name: string): number | undefined {
  return table.find((o) => o.name === name)?.code;
}

for (const [label, table] of TABLES) {
  test(`${label}: names are unique`, () => {
    const seen = new Set<string>();
    for (const o of table) {
      assert.ok(!seen.has(o.name), `duplicate name ${o.name}`);
      seen.add(o.name);
    }
  });

  test(`${label}: (prefix, code) pairs are unique and codes ascend`, () => {
    const seen = new Set<string>();
    let prev = -1;
    for (const o of table) {
      const key = `${o.prefix}:${o.code}`;
      assert.ok(!seen.has(key), `duplicate code ${key} (${o.name})`);
      seen.add(key);
      assert.ok(o.code > prev, `${o.name} (0x${o.code.toString(16)}) out of order`);
      prev = o.code;
    }
  });

  test(`${label}: every sig parses as types -> types`, () => {
    for (const o of table) {
      assert.equal(typeof o.sig, 'string', `${o.name} has a sig`);
      const { params, results } = parseSig(o.sig ?? '');
      for (const t of [...params, ...results]) {
        assert.ok(SIG_TOKENS.has(t), `${o.name}: unknown type ${t}`);
      }
      assert.ok(!results.includes('addr'), `${o.name}: addr only as a parameter`);
      assert.ok(results.length <= 1, `${o.name}: at most one result`);
    }
  });
}

test('SIMD_OPS: counts, prefix and features', () => {
  const simd = SIMD_OPS.filter((o) => o.feature === 'simd');
  const relaxed = SIMD_OPS.filter((o) => o.feature === 'relaxed-simd');
  assert.equal(simd.length, 236); // including v128.const and i8x16.shuffle
  assert.equal(relaxed.length, 20);
  assert.equal(SIMD_OPS.length, 256);
  for (const o of SIMD_OPS) assert.equal(o.prefix, PREFIX_SIMD, o.name);
  for (const o of simd) assert.ok(o.code <= 0xff, o.name);
  for (const o of relaxed) assert.ok(o.code >= 0x100 && o.code <= 0x113, o.name);
});

test('ATOMIC_OPS: counts, prefix and features', () => {
  assert.equal(ATOMIC_OPS.length, 67); // including atomic.fence
  for (const o of ATOMIC_OPS) {
    assert.equal(o.prefix, PREFIX_ATOMIC, o.name);
    assert.equal(o.feature, 'threads', o.name);
    assert.equal(o.imm, o.name === 'atomic.fence' ? 'fence' : 'memarg', o.name);
    if (o.name !== 'atomic.fence') assert.equal(parseSig(o.sig ?? '').params[0], 'addr', o.name);
  }
});

test('SIMD_OPS: the code space has the spec holes', () => {
  const codes = new Set(SIMD_OPS.map((o) => o.code));
  const holes = [0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb, 0xc2, 0xc5, 0xc6,
    0xcf, 0xd0, 0xd2, 0xd3, 0xd4, 0xe2, 0xee];
  for (const h of holes) assert.ok(!codes.has(h), `0x${h.toString(16)} is unassigned`);
  for (let c = 0; c <= 0x113; c++) {
    if (!holes.includes(c)) assert.ok(codes.has(c), `0x${c.toString(16)} is assigned`);
  }
});

test('SIMD_OPS: immediates', () => {
  const imm = (name: string): string | undefined => SIMD_OPS.find((o) => o.name === name)?.imm;
  assert.equal(imm('v128.load'), 'memarg');
  assert.equal(imm('v128.load64_zero'), 'memarg');
  assert.equal(imm('v128.store'), 'memarg');
  assert.equal(imm('v128.load16_lane'), 'memarg_lane');
  assert.equal(imm('v128.store64_lane'), 'memarg_lane');
  assert.equal(imm('v128.const'), 'v128');
  assert.equal(imm('i8x16.shuffle'), 'shuffle');
  assert.equal(imm('i8x16.extract_lane_u'), 'lane');
  assert.equal(imm('f64x2.replace_lane'), 'lane');
  assert.equal(imm('i8x16.swizzle'), 'none');
  assert.equal(SIMD_OPS.filter((o) => o.imm === 'lane').length, 14);
  assert.equal(SIMD_OPS.filter((o) => o.imm === 'memarg_lane').length, 8);
  assert.equal(SIMD_OPS.filter((o) => o.imm === 'memarg').length, 14);
});

test('SIMD_OPS: spot checks of codes from the spec', () => {
  const spots: ReadonlyArray<readonly [string, number]> = [
    ['v128.load', 0x00],
    ['v128.load8x8_s', 0x01],
    ['v128.load64_splat', 0x0a],
    ['v128.store', 0x0b],
    ['v128.const', 0x0c],
    ['i8x16.shuffle', 0x0d],
    ['f64x2.replace_lane', 0x22],
    ['f64x2.ge', 0x4c],
    ['v128.bitselect', 0x52],
    ['v128.any_true', 0x53],
    ['v128.load8_lane', 0x54],
    ['v128.store64_lane', 0x5b],
    ['v128.load32_zero', 0x5c],
    ['f32x4.demote_f64x2_zero', 0x5e],
    ['f64x2.promote_low_f32x4', 0x5f],
    ['i8x16.popcnt', 0x62],
    ['f32x4.nearest', 0x6a],
    ['f64x2.trunc', 0x7a],
    ['i16x8.extadd_pairwise_i8x16_s', 0x7c],
    ['i32x4.extadd_pairwise_i16x8_u', 0x7f],
    ['i16x8.q15mulr_sat_s', 0x82],
    ['f64x2.nearest', 0x94],
    ['i16x8.avgr_u', 0x9b],
    ['i32x4.dot_i16x8_s', 0xba],
    ['i64x2.all_true', 0xc3],
    ['i64x2.ge_s', 0xdb],
    ['i64x2.extmul_high_i32x4_u', 0xdf],
    ['f32x4.sqrt', 0xe3],
    ['f64x2.pmax', 0xf7],
    ['i32x4.trunc_sat_f64x2_s_zero', 0xfc],
    ['f64x2.convert_low_i32x4_u', 0xff],
    ['i8x16.relaxed_swizzle', 0x100],
    ['i32x4.relaxed_trunc_f64x2_u_zero', 0x104],
    ['i64x2.relaxed_laneselect', 0x10c],
    ['f64x2.relaxed_max', 0x110],
    ['i16x8.relaxed_q15mulr_s', 0x111],
    ['i32x4.relaxed_dot_i8x16_i7x16_add_s', 0x113],
  ];
  for (const [name, code] of spots) assert.equal(codeOf(SIMD_OPS, name), code, name);
});

test('SIMD_OPS: spot checks of signatures', () => {
  const sig = (name: string): string | null | undefined => SIMD_OPS.find((o) => o.name === name)?.sig;
  assert.equal(sig('v128.load'), 'addr -> v128');
  assert.equal(sig('v128.store'), 'addr v128 ->');
  assert.equal(sig('v128.load8_lane'), 'addr v128 -> v128');
  assert.equal(sig('v128.store8_lane'), 'addr v128 ->');
  assert.equal(sig('v128.const'), '-> v128');
  assert.equal(sig('f64x2.splat'), 'f64 -> v128');
  assert.equal(sig('i8x16.extract_lane_s'), 'v128 -> i32');
  assert.equal(sig('i64x2.replace_lane'), 'v128 i64 -> v128');
  assert.equal(sig('i8x16.shl'), 'v128 i32 -> v128');
  assert.equal(sig('i64x2.bitmask'), 'v128 -> i32');
  assert.equal(sig('v128.bitselect'), 'v128 v128 v128 -> v128');
  assert.equal(sig('f32x4.relaxed_nmadd'), 'v128 v128 v128 -> v128');
  assert.equal(sig('i32x4.relaxed_dot_i8x16_i7x16_add_s'), 'v128 v128 v128 -> v128');
});

test('ATOMIC_OPS: spot checks from the threads proposal', () => {
  const spots: ReadonlyArray<readonly [string, number, string]> = [
    ['memory.atomic.notify', 0x00, 'addr i32 -> i32'],
    ['memory.atomic.wait32', 0x01, 'addr i32 i64 -> i32'],
    ['memory.atomic.wait64', 0x02, 'addr i64 i64 -> i32'],
    ['atomic.fence', 0x03, '->'],
    ['i32.atomic.load', 0x10, 'addr -> i32'],
    ['i64.atomic.load32_u', 0x16, 'addr -> i64'],
    ['i32.atomic.store', 0x17, 'addr i32 ->'],
    ['i64.atomic.store32', 0x1d, 'addr i64 ->'],
    ['i32.atomic.rmw.add', 0x1e, 'addr i32 -> i32'],
    ['i64.atomic.rmw32.sub_u', 0x2b, 'addr i64 -> i64'],
    ['i32.atomic.rmw.or', 0x33, 'addr i32 -> i32'],
    ['i64.atomic.rmw32.xor_u', 0x40, 'addr i64 -> i64'],
    ['i32.atomic.rmw.xchg', 0x41, 'addr i32 -> i32'],
    ['i32.atomic.rmw.cmpxchg', 0x48, 'addr i32 i32 -> i32'],
    ['i64.atomic.rmw8.cmpxchg_u', 0x4c, 'addr i64 i64 -> i64'],
    ['i64.atomic.rmw32.cmpxchg_u', 0x4e, 'addr i64 i64 -> i64'],
  ];
  for (const [name, code, sig] of spots) {
    const row = ATOMIC_OPS.find((o) => o.name === name);
    assert.ok(row, name);
    assert.equal(row.code, code, name);
    assert.equal(row.sig, sig, name);
  }
  // 0x00..0x03, then a contiguous run 0x10..0x4e.
  assert.deepEqual(ATOMIC_OPS.map((o) => o.code), [
    0, 1, 2, 3, ...Array.from({ length: 0x4e - 0x10 + 1 }, (_, i) => 0x10 + i),
  ]);
});
