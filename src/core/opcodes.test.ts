// The opcode table, iterated: every row must encode and decode back to itself, with sample
// immediates of its kind, and the table must be consistent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeModule } from '../binary/decode.ts';
import { encodeModule } from '../binary/encode.ts';
import { type Instr, type Module, emptyModule } from './ast.ts';
import { FEATURES } from './features.ts';
import { OPCODES, type OpDef, TWO_CODE_KINDS, opcodeTables, writesMemory, writesTable } from './opcodes.ts';

/** Instructions of each immediate kind with non-trivial sample values (both codes of two-code kinds). */
function samples(def: OpDef): Record<string, unknown>[] {
  const op = def.name;
  const memarg = { align: 2, offset: 1234567, memory: 0 };
  switch (def.imm) {
    case 'none': case 'fence': return [{ op }];
    case 'blocktype': return [{ op, blockType: { kind: 'empty' } }, { op, blockType: { kind: 'value', type: 'i64' } }, { op, blockType: { kind: 'index', type: 300 } }];
    case 'label': return [{ op, label: 129 }];
    case 'br_table': return [{ op, labels: [0, 1, 200], default: 3 }];
    case 'func': return [{ op, func: 70000 }];
    case 'call_indirect': return [{ op, type: 5, table: 1 }];
    case 'local': return [{ op, local: 128 }];
    case 'global': return [{ op, global: 3 }];
    case 'table': return [{ op, table: 2 }];
    case 'memory': return [{ op, memory: 1 }];
    case 'memarg': return [{ op, memarg }, { op, memarg: { align: 0, offset: 2n ** 60n, memory: 3 } }];
    case 'memarg_lane': return [{ op, memarg, lane: 1 }];
    case 'i32': return [{ op, value: -2147483648 }, { op, value: 63 }, { op, value: -64 }];
    case 'i64': return [{ op, value: -(2n ** 63n) }, { op, value: 2n ** 63n - 1n }, { op, value: -1n }];
    case 'f32': return [{ op, bits: 0x7fa00001 }];
    case 'f64': return [{ op, bits: 0xfff4000000000001n }];
    case 'v128': return [{ op, bytes: Uint8Array.from({ length: 16 }, (_, i) => i * 17) }];
    case 'lane': return [{ op, lane: 1 }];
    case 'shuffle': return [{ op, lanes: Uint8Array.from({ length: 16 }, (_, i) => 31 - i) }];
    case 'select': return [{ op }, { op, types: ['i32'] }, { op, types: [{ nullable: false, heap: 7 }] }];
    case 'heaptype': return [{ op, heap: 'any' }, { op, heap: 12 }];
    case 'reftype': return [{ op, ref: { nullable: false, heap: 'eq' } }, { op, ref: { nullable: true, heap: 4 } }];
    case 'type': return [{ op, type: 9 }];
    case 'type_field': return [{ op, type: 9, field: 2 }];
    case 'type_len': return [{ op, type: 9, length: 1000 }];
    case 'type_data': return [{ op, type: 9, data: 1 }];
    case 'type_elem': return [{ op, type: 9, elem: 1 }];
    case 'type_type': return [{ op, type: 9, srcType: 10 }];
    case 'tag': return [{ op, tag: 4 }];
    case 'try_table': return [{ op, blockType: { kind: 'empty' }, catches: [
      { kind: 'catch', tag: 1, label: 0 }, { kind: 'catch_ref', tag: 2, label: 1 },
      { kind: 'catch_all', label: 2 }, { kind: 'catch_all_ref', label: 3 }] }];
    case 'br_on_cast': return [{ op, label: 1, from: { nullable: true, heap: 'any' }, to: { nullable: false, heap: 5 } }];
    case 'data': return [{ op, data: 2 }];
    case 'elem': return [{ op, elem: 2 }];
    case 'memory_init': return [{ op, data: 2, memory: 1 }];
    case 'memory_copy': return [{ op, memory: 1, srcMemory: 2 }];
    case 'table_init': return [{ op, elem: 2, table: 1 }];
    case 'table_copy': return [{ op, table: 1, srcTable: 2 }];
  }
}

/** A module with one function whose body is `body`, balanced with `end`s where needed. */
function moduleWith(body: Instr[]): Module {
  const m = emptyModule();
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: [], results: [] } }] });
  m.funcs.push({ type: 0, locals: [], body });
  m.dataCount = 0;
  return m;
}

const OPENERS = new Set(['block', 'loop', 'if', 'try', 'try_table']);

test('every opcode round-trips through encode and decode', () => {
  // `end` closes the blocks of the other samples; alone it would close the function.
  for (const def of OPCODES.filter((d) => d.name !== 'end')) {
    for (const sample of samples(def)) {
      const instr = sample as Instr;
      const body: Instr[] = [];
      // Instructions that only appear inside a block need one around them.
      if (def.name === 'else') body.push({ op: 'if', blockType: { kind: 'empty' } });
      if (def.name === 'catch' || def.name === 'catch_all' || def.name === 'delegate') {
        body.push({ op: 'try', blockType: { kind: 'empty' } });
      }
      body.push(instr);
      if (OPENERS.has(def.name) || def.name === 'else' || def.name === 'catch' || def.name === 'catch_all') {
        body.push({ op: 'end' });
      }
      const what = `${def.name} ${JSON.stringify(sample, (_, v) => typeof v === 'bigint' ? `${v}n` : v)}`;
      const bytes = encodeModule(moduleWith(body));
      let decoded: Instr[];
      try {
        decoded = decodeModule(bytes).funcs[0].body;
      } catch (e) {
        throw new Error(`${what}: ${e}`);
      }
      assert.deepEqual(decoded, body, what);
    }
  }
});

test('the table has unique names and codes, and known features and signatures', () => {
  const names = new Set<string>();
  const codes = new Set<string>();
  const tokens = new Set(['i32', 'i64', 'f32', 'f64', 'v128', 'addr']);
  for (const def of OPCODES) {
    assert.ok(!names.has(def.name), `duplicate ${def.name}`);
    names.add(def.name);
    const span = TWO_CODE_KINDS.has(def.imm) ? [def.code, def.code + 1] : [def.code];
    for (const code of span) {
      const key = `${def.prefix}:${code}`;
      assert.ok(!codes.has(key), `code ${key} of ${def.name} is taken`);
      codes.add(key);
    }
    assert.ok((FEATURES as readonly string[]).includes(def.feature), def.name);
    if (def.sig !== null) {
      const sides = def.sig.split('->');
      assert.equal(sides.length, 2, `${def.name}: ${def.sig}`);
      for (const t of sides.join(' ').split(/\s+/).filter(Boolean)) assert.ok(tokens.has(t), `${def.name}: ${t}`);
    }
  }
  // MVP 172 + later single-byte proposals, 0xFC, 0xFB, SIMD, relaxed SIMD and threads.
  assert.equal(OPCODES.length, 198 + 22 + 29 + 256 + 67);
});

test('a feature set limits the opcodes a decoder accepts', () => {
  const mvpOnly = opcodeTables(new Set(['mvp']));
  assert.equal(mvpOnly.single[0x6a]?.name, 'i32.add');
  assert.equal(mvpOnly.single[0xc0], undefined, 'i32.extend8_s needs sign-extension');
  assert.equal(mvpOnly.prefixed.get(0xfd)?.some((d) => d !== undefined), false);
  const all = opcodeTables();
  assert.equal(all.single[0x1c]?.name, 'select', 'typed select shares the select row');
  assert.equal(all.prefixed.get(0xfb)?.[23]?.name, 'ref.cast');
});

test('writesMemory: every store, atomic read-modify-write and bulk memory write, nothing else', () => {
  const writers = OPCODES.filter(writesMemory).map((d) => d.name);
  const stores = ['i32.store', 'i64.store', 'f32.store', 'f64.store', 'i32.store8', 'i32.store16', 'i64.store8', 'i64.store16', 'i64.store32'];
  const atomicStores = ['i32.atomic.store', 'i64.atomic.store', 'i32.atomic.store8', 'i32.atomic.store16', 'i64.atomic.store8', 'i64.atomic.store16', 'i64.atomic.store32'];
  const rmw: string[] = [];
  for (const op of ['add', 'sub', 'and', 'or', 'xor', 'xchg', 'cmpxchg']) {
    rmw.push(`i32.atomic.rmw.${op}`, `i64.atomic.rmw.${op}`, `i32.atomic.rmw8.${op}_u`, `i32.atomic.rmw16.${op}_u`, `i64.atomic.rmw8.${op}_u`, `i64.atomic.rmw16.${op}_u`, `i64.atomic.rmw32.${op}_u`);
  }
  const simd = ['v128.store', 'v128.store8_lane', 'v128.store16_lane', 'v128.store32_lane', 'v128.store64_lane'];
  const bulk = ['memory.init', 'memory.copy', 'memory.fill'];
  assert.deepEqual(new Set(writers), new Set([...stores, ...atomicStores, ...rmw, ...simd, ...bulk]));
  assert.equal(writers.length, stores.length + atomicStores.length + rmw.length + simd.length + bulk.length);
});

test('writesTable: table.set, fill, grow, copy and init, nothing else', () => {
  assert.deepEqual(OPCODES.filter(writesTable).map((d) => d.name).sort(), ['table.copy', 'table.fill', 'table.grow', 'table.init', 'table.set']);
});
