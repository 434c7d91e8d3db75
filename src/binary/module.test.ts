import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Module, emptyModule } from '../core/ast.ts';
import { DecodeError } from '../core/errors.ts';
import { decodeModule } from './decode.ts';
import { encodeModule } from './encode.ts';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A module as a compiler might write it: padded LEB128s in section sizes and in code. */
function paddedModule(): Uint8Array {
  return Uint8Array.from([
    ...HEADER,
    0x01, 0x85, 0x80, 0x80, 0x80, 0x00, 0x01, 0x60, 0x00, 0x01, 0x7f, // type () -> i32, padded size
    0x03, 0x02, 0x01, 0x00, // func
    0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f"
    0x00, 0x04, 0x03, 0x61, 0x62, 0x63, // custom "abc" (empty payload)
    0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0xaa, 0x80, 0x80, 0x80, 0x00, 0x0b, // i32.const 42, padded
  ]);
}

function decodeError(bytes: number[] | Uint8Array): DecodeError {
  try {
    const m = decodeModule(Uint8Array.from(bytes));
    for (const f of m.funcs) void f.body;
  } catch (e) {
    assert.ok(e instanceof DecodeError, `expected a DecodeError, got ${e}`);
    return e;
  }
  assert.fail('decoded a malformed module');
}

test('an unchanged module re-encodes to its exact bytes, padding included', () => {
  const bytes = paddedModule();
  assert.deepEqual(encodeModule(decodeModule(bytes)), bytes);
  const m = decodeModule(bytes);
  void m.funcs[0].body; // read, not changed
  assert.deepEqual(encodeModule(m), bytes);
});

test('a changed part is encoded canonically and the rest is kept', () => {
  const bytes = paddedModule();
  const m = decodeModule(bytes);
  m.exports[0].name = 'g';
  const out = encodeModule(m);
  assert.equal(decodeModule(out).exports[0].name, 'g');
  // The type section keeps its padded size; the code keeps its padded constant.
  assert.deepEqual([...out.subarray(8, 14)], [0x01, 0x85, 0x80, 0x80, 0x80, 0x00]);
  assert.ok(out.includes(0xaa) && out.length === bytes.length);

  const body = decodeModule(bytes);
  const first = body.funcs[0].body[0];
  assert.equal(first.op, 'i32.const');
  if (first.op === 'i32.const') first.value = 7; // an in-place edit is seen too
  const changed = decodeModule(encodeModule(body));
  assert.deepEqual(changed.funcs[0].body, [{ op: 'i32.const', value: 7 }]);
  assert.ok(encodeModule(body).length < bytes.length, 'the changed body is canonical');
});

test('canonical encoding drops padding and is stable', () => {
  const canonical = encodeModule(decodeModule(paddedModule()), { canonical: true });
  assert.ok(canonical.length < paddedModule().length);
  assert.deepEqual(encodeModule(decodeModule(canonical), { canonical: true }), canonical);
  assert.deepEqual(encodeModule(decodeModule(canonical)), canonical);
  assert.ok(WebAssembly.validate(canonical));
});

test('custom sections keep their place among the known sections', () => {
  const m = decodeModule(paddedModule());
  assert.deepEqual(m.customs.map((c) => [c.name, c.after]), [['abc', 'export']]);
  const built = emptyModule();
  built.customs.push({ name: 'first', data: Uint8Array.of(1), after: null });
  built.customs.push({ name: 'last', data: Uint8Array.of(2), after: 'data' });
  built.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: [], results: [] } }] });
  const again = decodeModule(encodeModule(built));
  assert.deepEqual(again.customs.map((c) => [c.name, [...c.data], c.after]), [['first', [1], null], ['last', [2], 'type']]);
});

test('the name section is decoded, kept when unchanged, and rewritten when changed', () => {
  const m: Module = emptyModule();
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: ['i32'], results: [] } }] });
  m.funcs.push({ type: 0, locals: [{ count: 1, type: 'i64' }], body: [] });
  m.names = {
    module: 'mod', funcs: new Map([[0, 'main']]), locals: new Map([[0, new Map([[0, 'x'], [1, 'y']])]]),
    labels: new Map(), types: new Map([[0, 'sig']]), tables: new Map(), memories: new Map(),
    globals: new Map(), elems: new Map(), datas: new Map(), fields: new Map(), tags: new Map(), unknown: [],
  };
  const bytes = encodeModule(m);
  const d = decodeModule(bytes);
  assert.equal(d.names?.module, 'mod');
  assert.equal(d.names?.funcs.get(0), 'main');
  assert.equal(d.names?.locals.get(0)?.get(1), 'y');
  assert.deepEqual(encodeModule(d), bytes);
  d.names?.funcs.set(0, 'start');
  assert.equal(decodeModule(encodeModule(d)).names?.funcs.get(0), 'start');
});

test('a malformed name section is kept as bytes, not an error', () => {
  const bytes = Uint8Array.from([...HEADER, 0x00, 0x07, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x09]);
  const m = decodeModule(bytes);
  assert.equal(m.names, undefined);
  assert.deepEqual(encodeModule(m), bytes);
});

test('hostile sizes and counts fail fast without allocating', () => {
  // A section that claims 4 GiB.
  assert.equal(decodeError([...HEADER, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f]).phrase, 'length out of bounds');
  // A type vector of 2^32 - 1 entries in a 6-byte section.
  assert.match(decodeError([...HEADER, 0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f]).phrase, /^unexpected end/);
  // A billion locals of one type, then another billion: too many, and never materialised.
  assert.equal(decodeError([...HEADER, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
    0x0a, 0x10, 0x01, 0x0e, 0x02, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7f, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7f, 0x0b,
  ]).phrase, 'too many locals');
});

test('deeply nested blocks decode without recursion', () => {
  const depth = 200_000;
  const body = [0x00, ...Array(depth).fill([0x02, 0x40]).flat(), ...Array(depth).fill(0x0b), 0x0b];
  const size = [];
  for (let n = body.length; ; n >>>= 7) {
    if (n < 0x80) { size.push(n); break; }
    size.push((n & 0x7f) | 0x80);
  }
  const code = [0x01, ...size, ...body];
  const sectionSize = [];
  for (let n = code.length; ; n >>>= 7) {
    if (n < 0x80) { sectionSize.push(n); break; }
    sectionSize.push((n & 0x7f) | 0x80);
  }
  const bytes = Uint8Array.from([...HEADER, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0a, ...sectionSize, ...code]);
  const m = decodeModule(bytes);
  assert.equal(m.funcs[0].body.length, depth * 2);
  assert.deepEqual(encodeModule(m), bytes);
  // Unclosed: the blocks run into the end of the input.
  const open = Uint8Array.from([...HEADER, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x02, 0x40, 0x02, 0x40, 0x0b]);
  assert.match(decodeError(open).phrase, /^(unexpected end|section size mismatch)/);
});

test('truncations and random corruption never throw anything but DecodeError', () => {
  const bytes = paddedModule();
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < bytes.length; i++) {
    try {
      decodeModule(bytes.subarray(0, i));
    } catch (e) {
      assert.ok(e instanceof DecodeError, String(e));
    }
  }
  for (let i = 0; i < 3000; i++) {
    const mutated = bytes.slice();
    const flips = 1 + Math.floor(random() * 3);
    for (let k = 0; k < flips; k++) mutated[8 + Math.floor(random() * (mutated.length - 8))] = Math.floor(random() * 256);
    try {
      const m = decodeModule(mutated);
      for (const f of m.funcs) void f.body;
      assert.deepEqual(encodeModule(m), mutated, 'whatever decodes re-encodes to the same bytes');
    } catch (e) {
      assert.ok(e instanceof DecodeError, String(e));
    }
  }
});
