// Opcode rows for the threads proposal's atomic instructions (feature 'threads'). All are
// 0xFE-prefixed; rows are in ascending sub-opcode order. Codes checked against
// proposals/threads/Overview.md in WebAssembly/threads. Every memory instruction takes a
// memarg whose alignment must equal the access size; atomic.fence takes one reserved 0x00
// byte. 0x04..0x0f are unassigned.
import { op, PREFIX_ATOMIC as P } from './def.ts';

export const ATOMIC_OPS = [
  op('memory.atomic.notify', P, 0x00, 'memarg', 'addr i32 -> i32', 'threads'),
  op('memory.atomic.wait32', P, 0x01, 'memarg', 'addr i32 i64 -> i32', 'threads'),
  op('memory.atomic.wait64', P, 0x02, 'memarg', 'addr i64 i64 -> i32', 'threads'),
  op('atomic.fence', P, 0x03, 'fence', '->', 'threads'),

  // Loads.
  op('i32.atomic.load', P, 0x10, 'memarg', 'addr -> i32', 'threads'),
  op('i64.atomic.load', P, 0x11, 'memarg', 'addr -> i64', 'threads'),
  op('i32.atomic.load8_u', P, 0x12, 'memarg', 'addr -> i32', 'threads'),
  op('i32.atomic.load16_u', P, 0x13, 'memarg', 'addr -> i32', 'threads'),
  op('i64.atomic.load8_u', P, 0x14, 'memarg', 'addr -> i64', 'threads'),
  op('i64.atomic.load16_u', P, 0x15, 'memarg', 'addr -> i64', 'threads'),
  op('i64.atomic.load32_u', P, 0x16, 'memarg', 'addr -> i64', 'threads'),

  // Stores.
  op('i32.atomic.store', P, 0x17, 'memarg', 'addr i32 ->', 'threads'),
  op('i64.atomic.store', P, 0x18, 'memarg', 'addr i64 ->', 'threads'),
  op('i32.atomic.store8', P, 0x19, 'memarg', 'addr i32 ->', 'threads'),
  op('i32.atomic.store16', P, 0x1a, 'memarg', 'addr i32 ->', 'threads'),
  op('i64.atomic.store8', P, 0x1b, 'memarg', 'addr i64 ->', 'threads'),
  op('i64.atomic.store16', P, 0x1c, 'memarg', 'addr i64 ->', 'threads'),
  op('i64.atomic.store32', P, 0x1d, 'memarg', 'addr i64 ->', 'threads'),

  // Read-modify-write: add.
  op('i32.atomic.rmw.add', P, 0x1e, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw.add', P, 0x1f, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i32.atomic.rmw8.add_u', P, 0x20, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i32.atomic.rmw16.add_u', P, 0x21, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw8.add_u', P, 0x22, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw16.add_u', P, 0x23, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw32.add_u', P, 0x24, 'memarg', 'addr i64 -> i64', 'threads'),

  // Read-modify-write: sub.
  op('i32.atomic.rmw.sub', P, 0x25, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw.sub', P, 0x26, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i32.atomic.rmw8.sub_u', P, 0x27, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i32.atomic.rmw16.sub_u', P, 0x28, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw8.sub_u', P, 0x29, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw16.sub_u', P, 0x2a, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw32.sub_u', P, 0x2b, 'memarg', 'addr i64 -> i64', 'threads'),

  // Read-modify-write: and.
  op('i32.atomic.rmw.and', P, 0x2c, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw.and', P, 0x2d, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i32.atomic.rmw8.and_u', P, 0x2e, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i32.atomic.rmw16.and_u', P, 0x2f, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw8.and_u', P, 0x30, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw16.and_u', P, 0x31, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw32.and_u', P, 0x32, 'memarg', 'addr i64 -> i64', 'threads'),

  // Read-modify-write: or.
  op('i32.atomic.rmw.or', P, 0x33, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw.or', P, 0x34, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i32.atomic.rmw8.or_u', P, 0x35, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i32.atomic.rmw16.or_u', P, 0x36, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw8.or_u', P, 0x37, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw16.or_u', P, 0x38, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw32.or_u', P, 0x39, 'memarg', 'addr i64 -> i64', 'threads'),

  // Read-modify-write: xor.
  op('i32.atomic.rmw.xor', P, 0x3a, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw.xor', P, 0x3b, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i32.atomic.rmw8.xor_u', P, 0x3c, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i32.atomic.rmw16.xor_u', P, 0x3d, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw8.xor_u', P, 0x3e, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw16.xor_u', P, 0x3f, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw32.xor_u', P, 0x40, 'memarg', 'addr i64 -> i64', 'threads'),

  // Read-modify-write: xchg.
  op('i32.atomic.rmw.xchg', P, 0x41, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw.xchg', P, 0x42, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i32.atomic.rmw8.xchg_u', P, 0x43, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i32.atomic.rmw16.xchg_u', P, 0x44, 'memarg', 'addr i32 -> i32', 'threads'),
  op('i64.atomic.rmw8.xchg_u', P, 0x45, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw16.xchg_u', P, 0x46, 'memarg', 'addr i64 -> i64', 'threads'),
  op('i64.atomic.rmw32.xchg_u', P, 0x47, 'memarg', 'addr i64 -> i64', 'threads'),

  // Read-modify-write: cmpxchg.
  op('i32.atomic.rmw.cmpxchg', P, 0x48, 'memarg', 'addr i32 i32 -> i32', 'threads'),
  op('i64.atomic.rmw.cmpxchg', P, 0x49, 'memarg', 'addr i64 i64 -> i64', 'threads'),
  op('i32.atomic.rmw8.cmpxchg_u', P, 0x4a, 'memarg', 'addr i32 i32 -> i32', 'threads'),
  op('i32.atomic.rmw16.cmpxchg_u', P, 0x4b, 'memarg', 'addr i32 i32 -> i32', 'threads'),
  op('i64.atomic.rmw8.cmpxchg_u', P, 0x4c, 'memarg', 'addr i64 i64 -> i64', 'threads'),
  op('i64.atomic.rmw16.cmpxchg_u', P, 0x4d, 'memarg', 'addr i64 i64 -> i64', 'threads'),
  op('i64.atomic.rmw32.cmpxchg_u', P, 0x4e, 'memarg', 'addr i64 i64 -> i64', 'threads'),
];
