import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeModule } from '../binary/encode.ts';
import type { Instr, Module } from '../core/ast.ts';
import { parseWat } from './parse.ts';

const valid = (m: Module): boolean => WebAssembly.validate(encodeModule(m));
const ops = (body: readonly Instr[]): string[] => body.map((i) => i.op);

test('GC types: rec groups, sub/final, struct fields by name, packed types, ref types', () => {
  const m = parseWat(`(module
    (rec (type $node (sub (struct (field $val i32) (field $next (ref null $node)))))
         (type $leaf (sub final $node (struct (field $val i32) (field $next (ref null $node)) (field i8)))))
    (type $arr (array (mut i16)))
    (func (param $n (ref $node)) (result i32)
      (struct.get $node $next (local.get $n))
      (ref.test (ref $leaf))
      drop
      (struct.get $node $val (local.get $n)))
    (func (result (ref $arr)) (array.new_fixed $arr 2 (i32.const 1) (i32.const 2))))`);
  assert.equal(m.types.length, 4); // the group, $arr, and two implicit function types
  assert.equal(m.types[0].types.length, 2);
  assert.deepEqual(m.types[0].types[1].supertypes, [0]);
  const get = m.funcs[0].body[1];
  assert.ok(get.op === 'struct.get' && get.type === 0 && get.field === 1);
  assert.deepEqual([...(m.names?.fields.get(0) ?? [])], [[0, 'val'], [1, 'next']]);
  assert.ok(valid(m));
});

test('implicit function types are appended after the explicit ones, in order of use', () => {
  const m = parseWat(`(module
    (func (param i64))
    (type $t (func (param i32)))
    (func (param i32))
    (func (param f32) local.get 0 block (param f32) (result f64 f64) unreachable end unreachable))`);
  const sigs = m.types.map((g) => g.types[0].comp.kind === 'func' ? g.types[0].comp.params.join() : '');
  assert.deepEqual(sigs, ['i32', 'i64', 'f32', 'f32']);
  assert.deepEqual(m.funcs.map((f) => f.type), [1, 0, 2]);
  assert.ok(valid(m));
});

test('exceptions: try_table catch clauses, legacy try/catch/delegate, labels outside the block', () => {
  const m = parseWat(`(module
    (tag $e (param i32))
    (func (result i32)
      (block $h (result i32)
        (try_table (catch $e $h) (throw $e (i32.const 1)))
        (i32.const 0)))
    (func
      try $t
        (throw $e (i32.const 2))
      catch $e
        drop
      catch_all
      end
      (try (do nop) (delegate 0))))`);
  const tt = m.funcs[0].body.find((i) => i.op === 'try_table');
  assert.ok(tt?.op === 'try_table');
  if (tt?.op === 'try_table') assert.deepEqual(tt.catches, [{ kind: 'catch', tag: 0, label: 0 }]);
  assert.deepEqual(ops(m.funcs[1].body), [
    'try', 'i32.const', 'throw', 'catch', 'drop', 'catch_all', 'end', 'try', 'nop', 'delegate',
  ]);
});

test('SIMD constants, shuffles, lanes and memargs', () => {
  const m = parseWat(`(module (memory 1)
    (func (result v128 v128)
      (v128.const f32x4 1 -0 inf nan:0x1)
      (v128.const i8x16 -1 255 0 1 2 3 4 5 6 7 8 9 10 11 12 13)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31)
      (v128.load8_lane offset=3 align=1 15 (i32.const 0) (v128.const i64x2 0 0))))`);
  const [f, i8] = m.funcs[0].body;
  assert.ok(f.op === 'v128.const' && i8.op === 'v128.const');
  if (f.op === 'v128.const') assert.deepEqual([...f.bytes.subarray(0, 8)], [0, 0, 0x80, 0x3f, 0, 0, 0, 0x80]);
  if (i8.op === 'v128.const') assert.deepEqual([...i8.bytes.subarray(0, 3)], [255, 255, 0]);
  const lane = m.funcs[0].body[5];
  assert.ok(lane.op === 'v128.load8_lane' && lane.lane === 15 && lane.memarg.offset === 3 && lane.memarg.align === 0);
  assert.ok(valid(m));
});

test('memory64, multi-memory, custom page sizes, inline data and elem segments', () => {
  const m = parseWat(`(module
    (memory $a i64 1 2)
    (memory $b (data "hello"))
    (memory $c 1 (pagesize 1))
    (table $t funcref (elem $f $f))
    (func $f (i64.load $a offset=0x1_0000_0000 (i64.const 0)) drop
      (memory.copy $b $a (i32.const 0) (i64.const 0) (i32.const 1))))`);
  assert.deepEqual(m.memories.map((x) => x.type.addr), ['i64', 'i32', 'i32']);
  assert.deepEqual(m.memories[1].type.limits, { min: 1, max: 1 });
  assert.equal(m.memories[2].type.pageSizeLog2, 0);
  assert.equal(m.datas[0].mode.kind === 'active' && m.datas[0].mode.memory, 1);
  assert.deepEqual(m.tables[0].type.limits, { min: 2, max: 2 });
  assert.equal(m.elems[0].init.length, 2);
  const load = m.funcs[0].body[1];
  assert.ok(load.op === 'i64.load' && load.memarg.memory === 0 && load.memarg.offset === 2 ** 32);
});

test('annotations: @name sets names, @custom places custom sections, others are skipped', () => {
  const m = parseWat(`(module (@name "my module")
    (@custom "first" (before first) "a")
    (func $f (@name "f with spaces") (param $x (@name "the x") i32) (@something (ignored (stuff))))
    (@custom "after-func" (after func) "b" "c")
    (@custom "end" "d"))`);
  assert.equal(m.names?.module, 'my module');
  assert.equal(m.names?.funcs.get(0), 'f with spaces');
  assert.equal(m.names?.locals.get(0)?.get(0), 'the x');
  assert.deepEqual(m.customs.map((c) => [c.name, c.after, new TextDecoder().decode(c.data)]), [
    ['first', null, 'a'], ['after-func', 'func', 'bc'], ['end', 'data', 'd'],
  ]);
  assert.ok(valid(m));
});

test('strings: every escape, and $"..." identifiers', () => {
  const m = parseWat(`(module (memory 1)
    (data (i32.const 0) "\\t\\n\\r\\"\\'\\\\\\ff\\u{1F600}é")
    (func $"a b" (call $"a\\20b")))`);
  assert.deepEqual([...m.datas[0].init], [9, 10, 13, 34, 39, 92, 255, 0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9]);
  assert.equal(m.names?.funcs.get(0), 'a b');
});

test('nested block comments, line comments and folded if/then/else', () => {
  const m = parseWat(`(module (; a (; nested ;) comment ;)
    (func (result i32) ;; line
      (if (result i32) (i32.const 1) (then (i32.const 2)) (else (i32.const 3)))))`);
  assert.deepEqual(ops(m.funcs[0].body), ['i32.const', 'if', 'i32.const', 'else', 'i32.const', 'end']);
});
