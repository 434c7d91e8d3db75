import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../src/core/errors.ts';
import { scanWastBinary } from './wast-binary.ts';

const bytesOf = (...b: number[]): Uint8Array => Uint8Array.from(b);

test('a top-level binary module concatenates its strings', () => {
  const { modules, skipped } = scanWastBinary(
    '(module binary "\\00asm" "\\01\\00\\00\\00")', 'a.wast');
  assert.deepEqual(modules, [{
    file: 'a.wast', line: 1, kind: 'module', definition: false,
    bytes: bytesOf(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0),
  }]);
  assert.deepEqual(skipped, []);
});

test('every string escape gives its bytes; other characters give their UTF-8', () => {
  const { modules } = scanWastBinary(
    String.raw`(module binary "\n\t\r\\\'\"" "\ff\0A\u{41}\u{e9}\u{1F600}\u{10_FFFF}" "é€ a")`);
  assert.deepEqual(modules[0].bytes, bytesOf(
    0x0a, 0x09, 0x0d, 0x5c, 0x27, 0x22,
    0xff, 0x0a, 0x41, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0xf4, 0x8f, 0xbf, 0xbf,
    0xc3, 0xa9, 0xe2, 0x82, 0xac, 0x20, 0x61));
});

test('comments: line, nested block, and comment markers inside strings', () => {
  const script = [
    ';; (module binary "\\01")',
    '(; (module binary "\\02") (; nested ;) (module binary "\\03") ;)',
    '(module ;; comment',
    '  (;c;) binary (; "\\04" ;) "\\05;;" ;; "\\06"',
    '  "(;\\07;)")',
    '(;comment";)',
    '(; ;; still a block comment ;)',
  ].join('\n');
  const { modules } = scanWastBinary(script);
  assert.equal(modules.length, 1);
  assert.equal(modules[0].line, 3);
  assert.deepEqual(modules[0].bytes, new TextEncoder().encode('\x05;;(;\x07;)'));
});

test('assertions carry their failure string and their own line', () => {
  const script = [
    '(module binary "")',
    '(assert_malformed',
    '  (module binary "\\00asm")',
    '  "unexpected end")',
    '(assert_invalid (module binary "\\00asm\\01\\00\\00\\00" "\\01") "type mismatch")',
    '(assert_unlinkable (module $M binary "") "unknown import")',
    '(assert_trap (module binary "") "out of bounds memory access")',
    '(assert_trap (invoke "f") "unreachable")',
    '(assert_uninstantiable (module binary "") "unreachable")',
  ].join('\n');
  const { modules } = scanWastBinary(script, 'b.wast');
  assert.deepEqual(modules.map((m) => [m.line, m.kind, m.expected, m.id]), [
    [1, 'module', undefined, undefined],
    [2, 'assert_malformed', 'unexpected end', undefined],
    [5, 'assert_invalid', 'type mismatch', undefined],
    [6, 'assert_unlinkable', 'unknown import', '$M'],
    [7, 'assert_trap', 'out of bounds memory access', undefined],
    [9, 'assert_uninstantiable', 'unreachable', undefined],
  ]);
  assert.deepEqual(modules[2].bytes, bytesOf(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1));
});

test('module definitions and ids, including quoted ids', () => {
  const script = [
    '(module definition binary "\\01")',
    '(module definition $D binary "\\02")',
    '(module $M1 binary "\\03")',
    '(module $"a b\\"c" binary "\\04")',
    '(module instance $I $D)',
  ].join('\n');
  const { modules, skipped } = scanWastBinary(script);
  assert.deepEqual(modules.map((m) => [m.definition, m.id, m.bytes[0]]), [
    [true, undefined, 1],
    [true, '$D', 2],
    [false, '$M1', 3],
    [false, '$"a b\\"c"', 4],
  ]);
  assert.deepEqual(skipped, []);
});

test('text and quoted modules are counted as skipped, not extracted', () => {
  const script = [
    '(module (func (export "binary") (result i32) (i32.const 0)))',
    '(module $m quote "(func)")',
    '(module definition (memory 1))',
    '(assert_malformed (module quote "(func binary)") "unknown operator")',
    '(assert_invalid (module (func (result i32))) "type mismatch")',
    '(register "m" $m)',
    '(assert_return (invoke "binary") (i32.const 0))',
  ].join('\n');
  const { modules, skipped } = scanWastBinary(script, 'c.wast');
  assert.deepEqual(modules, []);
  assert.deepEqual(skipped, [
    { file: 'c.wast', line: 1, kind: 'module', form: 'text' },
    { file: 'c.wast', line: 2, kind: 'module', form: 'quote' },
    { file: 'c.wast', line: 3, kind: 'module', form: 'text' },
    { file: 'c.wast', line: 4, kind: 'assert_malformed', form: 'quote' },
    { file: 'c.wast', line: 5, kind: 'assert_invalid', form: 'text' },
  ]);
});

test('annotations are ignored; nested scripts and threads are walked', () => {
  const script = [
    '(@custom "x" (module binary "\\09"))',
    '(module binary (@note "hi") "\\01")',
    '(script $s (module binary "\\02") (assert_malformed (module binary "\\03") "x"))',
    '(thread $T (shared (module $M)) (module binary "\\04"))',
    '(wait $T)',
  ].join('\n');
  const { modules, skipped } = scanWastBinary(script);
  assert.deepEqual(modules.map((m) => [m.line, m.kind, m.bytes[0]]), [
    [2, 'module', 1], [3, 'module', 2], [3, 'assert_malformed', 3], [4, 'module', 4],
  ]);
  assert.deepEqual(skipped, []);
});

test('line numbers count newlines inside comments and strings with escapes', () => {
  const script = '(;\n\n;)\n;; x\n(module binary "\\0a\\n")\n\n(module binary "")';
  assert.deepEqual(scanWastBinary(script).modules.map((m) => m.line), [5, 7]);
});

test('source bytes: strings keep raw UTF-8, malformed UTF-8 is rejected', () => {
  const src = Uint8Array.from([...new TextEncoder().encode('(module binary "'), 0xc3, 0xa9,
    ...new TextEncoder().encode('")')]);
  assert.deepEqual(scanWastBinary(src).modules[0].bytes, bytesOf(0xc3, 0xa9));
  const bad = Uint8Array.from([...new TextEncoder().encode('(module binary "'), 0xff,
    ...new TextEncoder().encode('")')]);
  assert.throws(() => scanWastBinary(bad), /malformed UTF-8/);
});

test('malformed scripts are errors with a location, never a guess', () => {
  const cases: [string, RegExp][] = [
    ['(module binary "\\00', /unclosed string literal/],
    ['(module binary "a\nb")', /unclosed string literal/],
    ['(module binary "a\tb")', /illegal control character/],
    ['(module binary "\\q")', /illegal escape/],
    ['(module binary "\\0")', /illegal escape/],
    ['(module binary "\\u{D800}")', /illegal escape/],
    ['(module binary "\\u{110000}")', /illegal escape/],
    ['(module binary "\\u{_1}")', /illegal escape/],
    ['(module binary "\\u{}")', /illegal escape/],
    ['(module binary "\\u41")', /illegal escape/],
    ['(; (; ;) ', /unclosed comment/],
    ['(module binary ""', /unclosed "\("/],
    ['(module binary ""))', /unexpected "\)"/],
    ['module', /unexpected token outside a command/],
    ['(module binary "" (func))', /unexpected token in binary module/],
    ['(module binary "" x)', /unexpected token in binary module/],
  ];
  for (const [script, message] of cases) {
    assert.throws(() => scanWastBinary(script, 'e.wast'), (e: unknown) => {
      assert.ok(e instanceof ParseError, `${script}: ${String(e)}`);
      assert.match(e.message, message, script);
      assert.match(e.message, /e\.wast/);
      return true;
    });
  }
  const at = (script: string): [number, number] => {
    try {
      scanWastBinary(script);
    } catch (e) {
      if (e instanceof ParseError) return [e.line, e.column];
    }
    return [0, 0];
  };
  assert.deepEqual(at('(module binary "")\n  (module binary "\\zz")'), [2, 19]); // the backslash
  assert.deepEqual(at('\n (module\n binary ""'), [2, 2]);
});
