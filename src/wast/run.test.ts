import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeModule } from '../binary/encode.ts';
import { emptyModule, type Module } from '../core/ast.ts';
import { f32Bits, i32 } from '../runtime/values.ts';
import type { Command, ModuleForm } from './commands.ts';
import { matches } from './expect.ts';
import { ScriptRunner } from './run.ts';

function divModule(): Module {
  const m = emptyModule();
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: ['i32', 'i32'], results: ['i32'] } }] });
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: [], results: ['f32'] } }] });
  m.funcs.push({ type: 0, locals: [], body: [{ op: 'local.get', local: 0 }, { op: 'local.get', local: 1 }, { op: 'i32.div_u' }] });
  m.funcs.push({ type: 1, locals: [], body: [{ op: 'f32.const', bits: 0x7fc00001 }] });
  m.exports.push({ name: 'div', kind: 'func', index: 0 }, { name: 'nan', kind: 'func', index: 1 });
  return m;
}

const binary = (m: Module): ModuleForm => ({ form: 'binary', bytes: encodeModule(m) });

test('assertions check the phase they are about', () => {
  const invalid = divModule();
  invalid.funcs[0].body = [{ op: 'i32.div_u' }];
  const unlinkable = emptyModule();
  unlinkable.imports.push({ module: 'spectest', name: 'nope', desc: { kind: 'memory', type: { addr: 'i32', limits: { min: 1 }, shared: false } } });
  const div = { kind: 'invoke' as const, name: 'div' };
  const commands: Command[] = [
    { line: 1, kind: 'module', definition: false, module: { form: 'text', module: divModule() } },
    { line: 2, kind: 'assert_return', action: { ...div, args: [i32(7), i32(2)] }, results: [{ type: 'i32', value: 3 }] },
    { line: 3, kind: 'assert_trap', action: { ...div, args: [i32(7), i32(0)] }, message: 'integer divide by zero' },
    { line: 4, kind: 'assert_return', action: { kind: 'invoke', name: 'nan', args: [] }, results: [{ type: 'f32', bits: 'nan:arithmetic' }] },
    { line: 5, kind: 'assert_return', action: { kind: 'invoke', name: 'nan', args: [] }, results: [{ type: 'f32', bits: 'nan:canonical' }] },
    { line: 6, kind: 'assert_invalid', module: binary(invalid), message: 'type mismatch' },
    { line: 7, kind: 'assert_malformed', module: { form: 'binary', bytes: Uint8Array.of(0, 0x61, 0x73, 0x6d, 2, 0, 0, 0) }, message: 'unknown binary version' },
    { line: 8, kind: 'assert_unlinkable', module: binary(unlinkable), message: 'unknown import' },
    { line: 9, kind: 'register', name: 'M' },
    { line: 10, kind: 'assert_return', action: { ...div, args: [i32(1), i32(1)] }, results: [{ type: 'i32', value: 2 }] },
    { line: 11, kind: 'unsupported', name: 'thread' },
  ];
  const outcomes = new ScriptRunner().runAll(commands);
  const status = outcomes.map((o) => `${o.line} ${o.status}`);
  assert.deepEqual(status, [
    '1 passed', '2 passed', '3 passed', '4 passed', '5 failed', '6 passed', '7 passed', '8 passed',
    '9 passed', '10 failed', '11 skipped',
  ]);
  assert.match(outcomes[4].message ?? '', /expected f32:nan:canonical, got f32:0x7fc00001/);
});

test('NaN patterns, lanes and either', () => {
  assert.ok(matches(f32Bits(0xffc00000), { type: 'f32', bits: 'nan:canonical' }));
  assert.ok(!matches(f32Bits(0x7fa00000), { type: 'f32', bits: 'nan:arithmetic' }));
  assert.ok(!matches(f32Bits(0x80000000), { type: 'f32', bits: 0 }), '-0 is not +0');
  const bytes = new Uint8Array(16);
  new DataView(bytes.buffer).setUint32(4, 0x7fc00000, true);
  assert.ok(matches({ type: 'v128', bytes }, { type: 'v128', shape: 'f32x4', lanes: [0, 'nan:canonical', 0, 0] }));
  assert.ok(matches({ type: 'v128', bytes }, { type: 'v128', shape: 'i32x4', lanes: [0, 0x7fc00000, 0, 0] }));
  assert.ok(!matches({ type: 'v128', bytes }, { type: 'v128', shape: 'i8x16', lanes: new Array(16).fill(0) }));
  assert.ok(matches(i32(2), { type: 'either', options: [{ type: 'i32', value: 1 }, { type: 'i32', value: 2 }] }));
});
