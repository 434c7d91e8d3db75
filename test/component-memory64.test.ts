// 🐘 The Canonical ABI over 64-bit memories (CanonicalABI.md, `ptr_type`, `ptr_size`), end to
// end from component text: the same component written once with a 32-bit and once with a
// 64-bit memory (its core code generic in the address type), instantiated and called with the
// same values; both must answer the same. Strings and lists (pointer and length as i64s, 8
// bytes each in memory), a record returned through memory, nine strings spilled as parameters
// both ways (lift and lower), a host import lowered with realloc, post-return, the
// latin1+utf16 tag in bit 63, and the traps of out-of-bounds and unaligned 64-bit pointers,
// including pointers past 4 GiB that would land in bounds if cut to 32 bits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Trap } from '../src/core/errors.ts';
import { parseComponent } from '../src/component/text/parse.ts';
import { validateComponent } from '../src/component/validate/component.ts';
import { instantiateComponent } from '../src/component/link/index.ts';
import { setCodegen } from '../src/component/abi/func.ts';

type A = 'i32' | 'i64';
type Fn = (...args: unknown[]) => unknown;

/** The component's text for memories of address type `a`. */
function text(a: A): string {
  const S = a === 'i64' ? 8 : 4;
  const toI32 = (x: string): string => (a === 'i64' ? `(i32.wrap_i64 ${x})` : x);
  const toI64 = (x: string): string => (a === 'i64' ? x : `(i64.extend_i32_u ${x})`);
  // Out of a one-page memory; with a 64-bit memory also past 4 GiB, where cutting the pointer
  // to 32 bits would land it in bounds (0x1_0000_0010 → 16).
  const far = a === 'i64' ? '0x1_0000_0010' : '0x7fff_0010';
  const farUnaligned = a === 'i64' ? '0x1_0000_0012' : '0x7fff_0012';
  const lengths = Array.from({ length: 9 }, (_, k) => `(${a}.load offset=${k * 2 * S + S} (local.get $p))`);
  const sum = lengths.reduce((acc, x) => `(${a}.add ${acc} ${x})`);
  const mem = '(memory (core memory $libc "mem")) (realloc (core func $libc "realloc"))';
  const nine = Array.from({ length: 9 }, (_, k) => `(param "s${k}" string)`).join(' ');
  return `(component
  (import "upper" (func $upper (param "s" string) (result string)))
  (import "join9" (func $join9 ${nine} (result string)))
  (core module $Libc
    (memory (export "mem") ${a} 1)
    (global $top (mut ${a}) (${a}.const 1024))
    ;; a bump allocator: growing or shrinking copies the old contents
    (func (export "realloc") (param ${a} ${a} ${a} ${a}) (result ${a})
      (local $p ${a})
      (local.set $p (${a}.and (${a}.add (global.get $top) (${a}.sub (local.get 2) (${a}.const 1)))
                             (${a}.sub (${a}.const 0) (local.get 2))))
      (global.set $top (${a}.add (local.get $p) (local.get 3)))
      (if (${a}.gt_u (global.get $top) (${a}.mul (memory.size) (${a}.const 65536)))
        (then (drop (memory.grow (${a}.add (${a}.div_u (global.get $top) (${a}.const 65536)) (${a}.const 1))))))
      (if (${a}.ne (local.get 0) (${a}.const 0)) (then (memory.copy (local.get $p) (local.get 0)
        (select (local.get 1) (local.get 3) (${a}.lt_u (local.get 1) (local.get 3))))))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))
  (core func $upper' (canon lower (func $upper) ${mem}))
  (core func $join9' (canon lower (func $join9) ${mem}))
  (core module $M
    (import "libc" "mem" (memory ${a} 1))
    (import "host" "upper" (func $upper (param ${a} ${a} ${a})))
    (import "host" "join9" (func $join9 (param ${a} ${a})))
    (global $posts (mut i32) (i32.const 0))
    ;; return areas: 16 (echo), 32 (upper), 48 (join9), 64 (make)
    (func (export "echo") (param ${a} ${a}) (result ${a})
      (${a}.store (${a}.const 16) (local.get 0))
      (${a}.store (${a}.const ${16 + S}) (local.get 1))
      (${a}.const 16))
    (func (export "post") (param ${a}) (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
    (func (export "posts") (result i32) (global.get $posts))
    (func (export "raw-len") (param ${a} ${a}) (result i64) ${toI64('(local.get 1)')})
    (func (export "make") (param ${a} ${a} ${a} ${a} i64) (result ${a})
      (${a}.store (${a}.const 64) (local.get 0))
      (${a}.store (${a}.const ${64 + S}) (local.get 1))
      (${a}.store (${a}.const ${64 + 2 * S}) (local.get 2))
      (${a}.store (${a}.const ${64 + 3 * S}) (local.get 3))
      (i64.store (${a}.const ${64 + 4 * S}) (local.get 4))
      (${a}.const 64))
    ;; nine strings arrive spilled: the pointer to their tuple
    (func (export "total") (param $p ${a}) (result i32) ${toI32(sum)})
    (func (export "relay9") (param $p ${a}) (result ${a})
      (call $join9 (local.get $p) (${a}.const 48))
      (${a}.const 48))
    (func (export "call-upper") (param ${a} ${a}) (result ${a})
      (call $upper (local.get 0) (local.get 1) (${a}.const 32))
      (${a}.const 32))
    (func (export "far") (result ${a})
      (${a}.store (${a}.const 16) (${a}.const ${far}))
      (${a}.store (${a}.const ${16 + S}) (${a}.const 4))
      (${a}.const 16))
    (func (export "far-unaligned") (result ${a})
      (${a}.store (${a}.const 16) (${a}.const ${farUnaligned}))
      (${a}.store (${a}.const ${16 + S}) (${a}.const 4))
      (${a}.const 16))
    (func (export "far-ret") (result ${a}) (${a}.const ${far}))
    (func (export "high-bit") (result ${a})
      (${a}.store (${a}.const 16) (${a}.const -16))
      (${a}.store (${a}.const ${16 + S}) (${a}.const 1))
      (${a}.const 16)))
  (core instance $m (instantiate $M (with "libc" (instance $libc))
    (with "host" (instance (export "upper" (func $upper')) (export "join9" (func $join9'))))))
  (type $rec (record (field "name" string) (field "tags" (list string)) (field "n" u64)))
  (export $rec' "rec" (type $rec))
  (func (export "echo-string") (param "s" string) (result string)
    (canon lift (core func $m "echo") ${mem} (post-return (core func $m "post"))))
  (func (export "posts") (result u32) (canon lift (core func $m "posts")))
  (func (export "echo-list") (param "l" (list u32)) (result (list u32)) (canon lift (core func $m "echo") ${mem}))
  (func (export "echo-strings") (param "l" (list string)) (result (list string)) (canon lift (core func $m "echo") ${mem}))
  (func (export "echo-utf16") (param "s" string) (result string) (canon lift (core func $m "echo") string-encoding=utf16 ${mem}))
  (func (export "echo-latin1") (param "s" string) (result string) (canon lift (core func $m "echo") string-encoding=latin1+utf16 ${mem}))
  (func (export "raw-len") (param "s" string) (result u64) (canon lift (core func $m "raw-len") string-encoding=latin1+utf16 ${mem}))
  (func (export "make") (param "name" string) (param "tags" (list string)) (param "n" u64) (result $rec')
    (canon lift (core func $m "make") ${mem}))
  (func (export "total") ${nine} (result u32) (canon lift (core func $m "total") ${mem}))
  (func (export "relay9") ${nine} (result string) (canon lift (core func $m "relay9") ${mem}))
  (func (export "call-upper") (param "s" string) (result string) (canon lift (core func $m "call-upper") ${mem}))
  (func (export "far-string") (result string) (canon lift (core func $m "far") ${mem}))
  (func (export "far-list") (result (list u8)) (canon lift (core func $m "far") ${mem}))
  (func (export "far-unaligned") (result (list u32)) (canon lift (core func $m "far-unaligned") ${mem}))
  (func (export "far-ret") (result string) (canon lift (core func $m "far-ret") ${mem}))
  (func (export "high-bit") (result string) (canon lift (core func $m "high-bit") ${mem}))
)`;
}

const NINE = Array.from({ length: 9 }, (_, k) => `${'é'.repeat(k)}s${k}`);

async function instance(a: A): Promise<Record<string, Fn>> {
  const c = parseComponent(text(a));
  const imports = {
    upper: (s: string) => s.toUpperCase(),
    join9: (...s: string[]) => s.join('+'),
  };
  const i = await instantiateComponent(c, imports as never);
  return i.exports as Record<string, Fn>;
}

function traps(f: () => unknown, phrase: string): void {
  assert.throws(f, (e: unknown) => e instanceof Trap && e.message.includes(phrase), phrase);
}

test('the 64-bit component validates with i64 pointers in every core signature', () => {
  const c = parseComponent(text('i64'));
  validateComponent(c);
  // The same core code with 32-bit pointers does not match the 64-bit memory's options.
  const wrong = text('i64').replace('(func (export "raw-len") (param i64 i64)', '(func (export "raw-len") (param i32 i32)').replace('(result i64) (local.get 1))', '(result i64) (i64.extend_i32_u (local.get 1)))');
  assert.throws(() => validateComponent(parseComponent(wrong)), /lowered parameter types `\[I64, I64\]` do not match parameter types `\[I32, I32\]`/);
});

for (const codegen of [true, false]) {
  test(`32- and 64-bit memories give the same values (${codegen ? 'generated adapters' : 'closure plans'})`, async () => {
    const was = setCodegen(codegen);
    try {
      const answers: unknown[][] = [];
      for (const a of ['i32', 'i64'] as const) {
        const x = await instance(a);
        const got: unknown[] = [];
        got.push(x['echo-string']('héllo, wörld ☃'));
        got.push(x['echo-string'](''));
        got.push(x.posts());
        got.push(x['echo-list'](new Uint32Array([1, 0xffff_ffff, 7])));
        got.push(x['echo-strings'](['a', '', 'ü☃', 'x'.repeat(100)]));
        got.push(x['echo-utf16']('ÿ☃🍰'));
        got.push(x['echo-latin1']('plain latin1 ÿ'));
        got.push(x['echo-latin1']('wide ☃'));
        got.push(x.make('nm', ['t1', 'tag two'], 2n ** 64n - 1n));
        got.push(x.total(...NINE));
        got.push(x.relay9(...NINE));
        got.push(x['call-upper']('shout é'));
        answers.push(got);
        assert.deepEqual(got, [
          'héllo, wörld ☃', '', 2, new Uint32Array([1, 0xffff_ffff, 7]), ['a', '', 'ü☃', 'x'.repeat(100)], 'ÿ☃🍰',
          'plain latin1 ÿ', 'wide ☃', { name: 'nm', tags: ['t1', 'tag two'], n: 2n ** 64n - 1n },
          NINE.reduce((n, s) => n + new TextEncoder().encode(s).length, 0), NINE.join('+'), 'SHOUT É',
        ], a);
      }
      assert.deepEqual(answers[0], answers[1]);
    } finally {
      setCodegen(was);
    }
  });
}

test('the latin1+utf16 tag is the top bit of the length: bit 31, or bit 63 with a 64-bit memory', async () => {
  const x32 = await instance('i32');
  const x64 = await instance('i64');
  assert.equal(x32['raw-len']('ab'), 2n);
  assert.equal(x64['raw-len']('ab'), 2n);
  assert.equal(x32['raw-len']('a☃'), 2n | (1n << 31n));
  assert.equal(x64['raw-len']('a☃'), 2n | (1n << 63n));
});

for (const codegen of [true, false]) {
  test(`64-bit pointers out of bounds or unaligned trap, past 4 GiB too (${codegen ? 'generated adapters' : 'closure plans'})`, async () => {
    const was = setCodegen(codegen);
    try {
      for (const a of ['i32', 'i64'] as const) {
        // A trap poisons the instance: a fresh one per case.
        traps((await instance(a))['far-string'], 'string content out-of-bounds');
        traps((await instance(a))['far-list'], 'list content out-of-bounds');
        traps((await instance(a))['far-unaligned'], 'unaligned pointer');
        traps((await instance(a))['far-ret'], 'pointer out of bounds of memory');
        traps((await instance(a))['high-bit'], 'string content out-of-bounds');
      }
    } finally {
      setCodegen(was);
    }
  });
}
