import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeModule } from '../binary/decode.ts';
import { encodeModule } from '../binary/encode.ts';
import { ParseError } from '../core/errors.ts';
import { MAX_FOLDED_DEPTH } from './parse-instr.ts';
import { parseWat } from './parse.ts';

const bytesOf = (wat: string): Uint8Array<ArrayBuffer> => encodeModule(parseWat(wat));

function parseFails(wat: string, phrase: string): void {
  assert.throws(() => parseWat(wat), (e: unknown) => {
    assert.ok(e instanceof ParseError, String(e));
    assert.ok(e.phrase.startsWith(phrase), `expected "${phrase}", got "${e.phrase}"`);
    return true;
  });
}

test('a module with identifiers, folded and plain instructions validates in V8', () => {
  const m = parseWat(`(module $m
    (type $t (func (param i32) (result i32)))
    (import "env" "f" (func $imp (param i32)))
    (memory 1)
    (func $f (export "f") (param $x i32) (result i32) (local $y i64)
      (block $b (br_if $b (local.get $x)))
      local.get $x
      i32.const 0x10
      i32.add
      (call $imp (i32.const 1))
      (i32.load offset=4 (i32.const 0))
      drop)
    (table 1 funcref)
    (elem (i32.const 0) $f)
    (data (i32.const 0) "hi\\00"))`);
  assert.equal(m.funcs[0].type, 0); // the inline type matched $t
  assert.equal(m.imports[0].desc.kind === 'func' && m.imports[0].desc.type, 1); // appended
  assert.equal(m.names?.module, 'm');
  assert.deepEqual([...(m.names?.locals.get(1) ?? [])], [[0, 'x'], [1, 'y']]);
  assert.deepEqual([...(m.names?.labels.get(1) ?? [])], [[0, 'b']]);
  const bytes = encodeModule(m);
  assert.ok(WebAssembly.validate(bytes));
  assert.equal(decodeModule(bytes).funcs.length, 1);
});

test('bare module fields parse as a module', () => {
  assert.ok(WebAssembly.validate(bytesOf('(func (result i32) i32.const 1)')));
});

test('errors use the reference interpreter phrases', () => {
  parseFails('(func (i32.const0))', 'unknown operator');
  parseFails('(func $f) (func $f)', 'duplicate func');
  parseFails('(func (call $g))', 'unknown func');
  parseFails('(func block end $l)', 'mismatching label');
  parseFails('(func) (import "" "" (func))', 'import after function');
  parseFails('(memory 1) (func (drop (i32.load align=3 (i32.const 0))))', 'alignment must be a power of two');
  parseFails('(func (i32.const 0x1_0000_0000) drop)', 'constant out of range');
  parseFails('(type $t (func)) (func (type $t) (param i32))', 'inline function type');
  parseFails('(func', 'unexpected end');
});

test('numeric indices out of range are left to validation', () => {
  const m = parseWat('(func (call 7))');
  assert.equal(m.funcs[0].body[0].op === 'call' && m.funcs[0].body[0].func, 7);
});

test('deep nesting: flat without limit, folded up to a limit with a ParseError past it', () => {
  const flat = 100_000;
  assert.equal(parseWat(`(func ${'block '.repeat(flat)}${'end '.repeat(flat)})`).funcs[0].body.length, 2 * flat);
  parseWat(`(func ${'(block '.repeat(MAX_FOLDED_DEPTH)}${')'.repeat(MAX_FOLDED_DEPTH)})`);
  const deep = MAX_FOLDED_DEPTH * 50;
  parseFails(`(func ${'(block '.repeat(deep)}${')'.repeat(deep)})`, 'folded instructions nested too deeply');
});

test('(@datacount) gives a data count section no instruction needs', () => {
  assert.equal(parseWat('(module (memory 1) (@datacount) (data "x"))').dataCount, 1);
  assert.equal(parseWat('(module (memory 1) (data "x"))').dataCount, undefined);
  parseFails('(module (@datacount 1))', '@datacount annotation: unexpected token');
});
