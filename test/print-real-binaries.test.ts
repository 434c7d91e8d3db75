// Real binaries through printWat and back: decode, print (flat), parseWat, encode must give
// the canonical encoding of the original. The big ones take several seconds each, so by
// default only the two smallest run; TESSERA_PRINT_REAL=all runs every installed one
// (npm run bench -- --suite=text prints and parses them all too).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeModule, encodeModule, printWat } from '../src/index.ts';
import { parseWat } from '../src/text/parse.ts';
import { realBinaries } from './real-binaries.ts';

const names = process.env.TESSERA_PRINT_REAL === 'all' ? undefined : ['sql.js', 'wasm-tools'];

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i === a.length && i === b.length ? -1 : i;
}

for (const bin of realBinaries(names)) {
  test(`${bin.name}: printWat then parseWat gives the canonical encoding`, () => {
    const m = decodeModule(bin.bytes);
    const parsed = parseWat(printWat(m));
    const at = firstDifference(encodeModule(parsed), encodeModule(m, { canonical: true }));
    assert.equal(at, -1, `${bin.name}: reads back differently from byte 0x${at.toString(16)}`);
  });
}
