import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ParseError } from '../core/errors.ts';
import { parseWat } from './parse.ts';
import { parseWast } from './wast.ts';

test('commands carry their kind, line and column; text modules parse lazily', () => {
  const script = parseWast(`(module $m (func (export "f") (param i32) (result i32) local.get 0))
(register "m" $m)
  (assert_return (invoke $m "f" (i32.const -1)) (i32.const 0xffffffff))
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func (i32.const0))") "unknown operator")
(assert_malformed (module (func $f) (func $f)) "duplicate func")
(module binary "\\00asm" "\\01\\00\\00\\00")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_exhaustion (invoke "f") "call stack exhausted")
(get "g")
(module definition $d (memory 1))
(module instance $i $d)`);
  const kinds = script.commands.map((c) => c.kind);
  assert.deepEqual(kinds, [
    'module', 'register', 'assert_return', 'assert_invalid', 'assert_malformed', 'assert_malformed',
    'module', 'assert_uninstantiable', 'assert_exhaustion', 'action', 'module', 'instance',
  ]);
  const [mod, , ret, invalid, quoted, dup, bin] = script.commands;
  assert.equal(ret.line, 3);
  assert.equal(ret.column, 3);
  assert.ok(mod.kind === 'module' && mod.module.kind === 'text' && mod.module.id === 'm');
  if (mod.kind === 'module' && mod.module.kind === 'text') assert.equal(mod.module.parse().funcs.length, 1);
  if (ret.kind === 'assert_return' && ret.action.kind === 'invoke') {
    assert.deepEqual(ret.action.args, [{ type: 'i32', value: -1 }]);
    assert.deepEqual(ret.results, [{ type: 'i32', value: -1 }]);
  }
  assert.ok(invalid.kind === 'assert_invalid' && invalid.module.kind === 'text');
  if (quoted.kind === 'assert_malformed' && quoted.module.kind === 'quote') {
    const source = quoted.module.source;
    assert.throws(() => parseWat(source), ParseError);
  } else assert.fail('quoted module expected');
  if (dup.kind === 'assert_malformed' && dup.module.kind === 'text') {
    const m = dup.module;
    assert.throws(() => m.parse(), /duplicate func/);
  } else assert.fail('text module expected');
  assert.ok(bin.kind === 'module' && bin.module.kind === 'binary' && bin.module.bytes.length === 8);
  const def = script.commands[10];
  assert.ok(def.kind === 'module' && def.module.definition && def.module.id === 'd');
});

test('result patterns: NaNs, lanes, references, either', () => {
  const script = parseWast(`(assert_return (invoke "f")
  (f32.const nan:canonical) (f64.const nan:arithmetic) (f32.const -nan:0x1)
  (v128.const f32x4 1 nan:canonical 0x1p-149 -0) (v128.const i16x8 -1 0 1 2 3 4 5 0xffff)
  (ref.null) (ref.null func) (ref.func) (ref.extern 3) (ref.struct) (ref.i31)
  (either (i32.const 1) (i32.const 2)))`);
  const cmd = script.commands[0];
  assert.equal(cmd.kind, 'assert_return');
  if (cmd.kind !== 'assert_return') return;
  assert.deepEqual(cmd.results, [
    { type: 'f32', nan: 'nan:canonical' },
    { type: 'f64', nan: 'nan:arithmetic' },
    { type: 'f32', bits: 0xff800001 },
    { type: 'v128', shape: 'f32x4', lanes: [0x3f800000, 'nan:canonical', 1, 0x80000000] },
    { type: 'v128', shape: 'i16x8', lanes: [-1, 0, 1, 2, 3, 4, 5, -1] },
    { type: 'ref.null' },
    { type: 'ref.null', heap: 'func' },
    { type: 'ref', kind: 'func' },
    { type: 'ref', kind: 'extern', value: 3 },
    { type: 'ref', kind: 'struct' },
    { type: 'ref', kind: 'i31' },
    { type: 'either', options: [{ type: 'i32', value: 1 }, { type: 'i32', value: 2 }] },
  ]);
});

test('v128 argument values are 16 little-endian bytes', () => {
  const script = parseWast('(invoke "f" (v128.const i32x4 1 2 3 -1) (ref.extern 7) (ref.null extern))');
  const cmd = script.commands[0];
  if (cmd.kind !== 'action' || cmd.action.kind !== 'invoke') return assert.fail();
  const [v, ext, nul] = cmd.action.args;
  assert.ok(v.type === 'v128');
  if (v.type === 'v128') assert.deepEqual([...v.bytes], [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 255, 255, 255, 255]);
  assert.deepEqual(ext, { type: 'ref.extern', value: 7 });
  assert.deepEqual(nul, { type: 'ref.null', heap: 'extern' });
});
