// 0xFC-prefixed opcodes: saturating truncation, bulk memory, table instructions, wide arithmetic.
import { op, PREFIX_MISC } from './def.ts';

export const MISC_OPS = [
  op('i32.trunc_sat_f32_s', PREFIX_MISC, 0x00, 'none', 'f32 -> i32', 'saturating-float-to-int'),
  op('i32.trunc_sat_f32_u', PREFIX_MISC, 0x01, 'none', 'f32 -> i32', 'saturating-float-to-int'),
  op('i32.trunc_sat_f64_s', PREFIX_MISC, 0x02, 'none', 'f64 -> i32', 'saturating-float-to-int'),
  op('i32.trunc_sat_f64_u', PREFIX_MISC, 0x03, 'none', 'f64 -> i32', 'saturating-float-to-int'),
  op('i64.trunc_sat_f32_s', PREFIX_MISC, 0x04, 'none', 'f32 -> i64', 'saturating-float-to-int'),
  op('i64.trunc_sat_f32_u', PREFIX_MISC, 0x05, 'none', 'f32 -> i64', 'saturating-float-to-int'),
  op('i64.trunc_sat_f64_s', PREFIX_MISC, 0x06, 'none', 'f64 -> i64', 'saturating-float-to-int'),
  op('i64.trunc_sat_f64_u', PREFIX_MISC, 0x07, 'none', 'f64 -> i64', 'saturating-float-to-int'),
  op('memory.init', PREFIX_MISC, 0x08, 'memory_init', null, 'bulk-memory'),
  op('data.drop', PREFIX_MISC, 0x09, 'data', '->', 'bulk-memory'),
  op('memory.copy', PREFIX_MISC, 0x0a, 'memory_copy', null, 'bulk-memory'),
  op('memory.fill', PREFIX_MISC, 0x0b, 'memory', 'addr i32 addr ->', 'bulk-memory'),
  op('table.init', PREFIX_MISC, 0x0c, 'table_init', null, 'bulk-memory'),
  op('elem.drop', PREFIX_MISC, 0x0d, 'elem', '->', 'bulk-memory'),
  op('table.copy', PREFIX_MISC, 0x0e, 'table_copy', null, 'bulk-memory'),
  op('table.grow', PREFIX_MISC, 0x0f, 'table', null, 'reference-types'),
  op('table.size', PREFIX_MISC, 0x10, 'table', null, 'reference-types'),
  op('table.fill', PREFIX_MISC, 0x11, 'table', null, 'reference-types'),
  op('i64.add128', PREFIX_MISC, 0x13, 'none', 'i64 i64 i64 i64 -> i64 i64', 'wide-arithmetic'),
  op('i64.sub128', PREFIX_MISC, 0x14, 'none', 'i64 i64 i64 i64 -> i64 i64', 'wide-arithmetic'),
  op('i64.mul_wide_s', PREFIX_MISC, 0x15, 'none', 'i64 i64 -> i64 i64', 'wide-arithmetic'),
  op('i64.mul_wide_u', PREFIX_MISC, 0x16, 'none', 'i64 i64 -> i64 i64', 'wide-arithmetic'),
];
