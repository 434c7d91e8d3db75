import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeModule } from '../binary/encode.ts';
import { emptyModule, type Module } from '../core/ast.ts';
import { f32Bits, i32 } from '../runtime/values.ts';
import type { Command, ScriptModule } from '../text/wast.ts';
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

const at = { line: 0, column: 1 };
const binary = (m: Module): ScriptModule => ({ kind: 'binary', ...at, definition: false, bytes: encodeModule(m) });
const text = (m: Module): ScriptModule => ({ kind: 'text', ...at, definition: false, text: '', parse: () => m });

test('assertions check the phase they are about', () => {
  const invalid = divModule();
  invalid.funcs[0].body = [{ op: 'i32.div_u' }];
  const unlinkable = emptyModule();
  unlinkable.imports.push({ module: 'spectest', name: 'nope', desc: { kind: 'memory', type: { addr: 'i32', limits: { min: 1 }, shared: false } } });
  const div = { kind: 'invoke' as const, ...at, name: 'div' };
  const commands: Command[] = [
    { line: 1, column: 1, kind: 'module', module: text(divModule()) },
    { line: 2, column: 1, kind: 'assert_return', action: { ...div, args: [{ type: 'i32', value: 7 }, { type: 'i32', value: 2 }] }, results: [{ type: 'i32', value: 3 }] },
    { line: 3, column: 1, kind: 'assert_trap', action: { ...div, args: [{ type: 'i32', value: 7 }, { type: 'i32', value: 0 }] }, message: 'integer divide by zero' },
    { line: 4, column: 1, kind: 'assert_return', action: { kind: 'invoke', ...at, name: 'nan', args: [] }, results: [{ type: 'f32', nan: 'nan:arithmetic' }] },
    { line: 5, column: 1, kind: 'assert_return', action: { kind: 'invoke', ...at, name: 'nan', args: [] }, results: [{ type: 'f32', nan: 'nan:canonical' }] },
    { line: 6, column: 1, kind: 'assert_invalid', module: binary(invalid), message: 'type mismatch' },
    { line: 7, column: 1, kind: 'assert_malformed', module: { kind: 'binary', ...at, definition: false, bytes: Uint8Array.of(0, 0x61, 0x73, 0x6d, 2, 0, 0, 0) }, message: 'unknown binary version' },
    { line: 8, column: 1, kind: 'assert_unlinkable', module: binary(unlinkable), message: 'unknown import' },
    { line: 9, column: 1, kind: 'register', name: 'M' },
    { line: 10, column: 1, kind: 'assert_return', action: { ...div, args: [{ type: 'i32', value: 1 }, { type: 'i32', value: 1 }] }, results: [{ type: 'i32', value: 2 }] },
  ];
  const outcomes = new ScriptRunner().runAll(commands);
  const status = outcomes.map((o) => `${o.line} ${o.status}`);
  assert.deepEqual(status, [
    '1 passed', '2 passed', '3 passed', '4 passed', '5 failed', '6 passed', '7 passed', '8 passed',
    '9 passed', '10 failed',
  ]);
  assert.match(outcomes[4].message ?? '', /expected f32:nan:canonical, got f32:0x7fc00001/);
});

test('NaN patterns, lanes and either', () => {
  assert.ok(matches(f32Bits(0xffc00000), { type: 'f32', nan: 'nan:canonical' }));
  assert.ok(!matches(f32Bits(0x7fa00000), { type: 'f32', nan: 'nan:arithmetic' }));
  assert.ok(!matches(f32Bits(0x80000000), { type: 'f32', bits: 0 }), '-0 is not +0');
  const bytes = new Uint8Array(16);
  new DataView(bytes.buffer).setUint32(4, 0x7fc00000, true);
  assert.ok(matches({ type: 'v128', bytes }, { type: 'v128', shape: 'f32x4', lanes: [0, 'nan:canonical', 0, 0] }));
  assert.ok(matches({ type: 'v128', bytes }, { type: 'v128', shape: 'i32x4', lanes: [0, 0x7fc00000, 0, 0] }));
  assert.ok(!matches({ type: 'v128', bytes }, { type: 'v128', shape: 'i8x16', lanes: new Array(16).fill(0) }));
  assert.ok(matches(i32(2), { type: 'either', options: [{ type: 'i32', value: 1 }, { type: 'i32', value: 2 }] }));
});
