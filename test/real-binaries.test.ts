// Real compiler output (see real-binaries.ts) through the decoder and encoder: every body
// decodes, and an unchanged module re-encodes to the very same bytes. Mutations are tested
// elsewhere; speed is measured by `npm run bench`, not here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModule, encodeModule } from '../src/index.ts';
import { realBinaries, REAL_BINARY_SPECS } from './real-binaries.ts';

const binaries = realBinaries();

test('real binaries: at least one package is installed', () => {
  assert.ok(binaries.length > 0,
    `none of ${REAL_BINARY_SPECS.map((s) => s.pkg).join(', ')} is installed (npm install)`);
});

/** Reads an unsigned LEB128 at `pos`; returns the value and the next position. */
function readU32(bytes: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7;
  }
}

/** Names the top-level section of `bytes` that holds `offset`, for failure messages. */
function sectionAt(bytes: Uint8Array, offset: number): string {
  let pos = 8;
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos];
    const [size, contentStart] = readU32(bytes, pos + 1);
    pos = contentStart + size;
    if (offset < pos) {
      return `section id ${id} at ${start} (contents ${contentStart}..${pos}, ` +
        `${offset - contentStart} bytes in)`;
    }
  }
  return offset < 8 ? 'the preamble' : 'past the last section';
}

/** Asserts `actual` equals `expected` byte for byte, naming the first differing offset. */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  const n = Math.min(actual.length, expected.length);
  let i = 0;
  while (i < n && actual[i] === expected[i]) i++;
  if (i === n && actual.length === expected.length) return;
  const around = (b: Uint8Array) => Array.from(b.subarray(Math.max(0, i - 4), i + 8),
    (x) => x.toString(16).padStart(2, '0')).join(' ');
  assert.fail(`first difference at offset ${i} (0x${i.toString(16)}), in ${sectionAt(expected, i)}; ` +
    `lengths ${actual.length} (encoded) vs ${expected.length} (input); ` +
    `from offset ${Math.max(0, i - 4)}: encoded [${around(actual)}] input [${around(expected)}]`);
}

for (const binary of binaries) {
  const mb = (binary.bytes.length / 1e6).toFixed(2);
  test(`${binary.name} (${binary.pkg}@${binary.version}, ${mb} MB)`, async (t) => {
    await t.test('WebAssembly.validate accepts it (sanity)', () => {
      assert.equal(WebAssembly.validate(binary.bytes), true);
    });

    await t.test('decodes, every function body included', () => {
      const module = decodeModule(binary.bytes);
      let instructions = 0;
      for (const func of module.funcs) instructions += func.body.length;
      assert.ok(module.funcs.length === 0 || instructions > 0);
    });

    await t.test('re-encodes byte-identical', () => {
      assertSameBytes(encodeModule(decodeModule(binary.bytes)), binary.bytes);
    });

    await t.test('its canonical encoding is valid and stable', () => {
      const module = decodeModule(binary.bytes);
      for (const func of module.funcs) void func.body;
      const canonical = encodeModule(module, { canonical: true });
      assert.ok(canonical.length <= binary.bytes.length);
      assert.equal(WebAssembly.validate(canonical), true);
      assertSameBytes(encodeModule(decodeModule(canonical), { canonical: true }), canonical);
    });

    await t.test('re-encodes byte-identical after every body was read', () => {
      const module = decodeModule(binary.bytes);
      for (const func of module.funcs) void func.body;
      assertSameBytes(encodeModule(module), binary.bytes);
    });

    await t.test('re-assigning a body to itself is not a change', (t) => {
      const module = decodeModule(binary.bytes);
      if (module.funcs.length === 0) {
        t.skip('no functions');
        return;
      }
      const first = module.funcs[0];
      first.body = first.body;
      assertSameBytes(encodeModule(module), binary.bytes);
    });
  });
}
