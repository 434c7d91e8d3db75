// Real binaries through the text format, end to end: jco (wasm-tools) prints each one, then
// parseWat + encodeModule must give exactly the canonical encoding of the original
// (encodeModule(decodeModule(bytes), { canonical: true })). The one thing text cannot say
// is whether a data count section is present when no instruction needs one, so the
// original's is matched to the parsed module's. wasm-tools prints the `producers` and
// `dylink.0` custom sections as its own structured annotations (`(@producers ...)`,
// `(@dylink.0 ...)`), which are not part of the text format and which parseWat skips like
// any unknown annotation; they are left out of the comparison. Printing is slow for the larger binaries:
// by default only sql.js runs; TESSERA_TEXT_REAL=all runs every installed one.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeModule, encodeModule, parseWat } from '../src/index.ts';
import { realBinaries } from './real-binaries.ts';

const names = process.env.TESSERA_TEXT_REAL === 'all' ? undefined : ['sql.js'];

const WASM_TOOLS_ANNOTATIONS = new Set(['producers', 'dylink.0']);

const jco = await import('@bytecodealliance/jco').catch(() => undefined);

for (const bin of realBinaries(names)) {
  test(`${bin.name}: jco print, then parseWat gives the canonical encoding`, { skip: jco ? false : 'jco is not installed' }, async () => {
    if (!jco) return;
    let text: string;
    try {
      text = await jco.print(bin.bytes);
    } catch (e) {
      assert.fail(`jco print failed: ${String(e)}`);
    }
    const parsed = encodeModule(parseWat(text));
    const original = decodeModule(bin.bytes);
    delete original.source;
    const reparsed = decodeModule(parsed);
    original.dataCount = reparsed.dataCount;
    original.customs = original.customs.filter((c) => !WASM_TOOLS_ANNOTATIONS.has(c.name));
    const canonical = encodeModule(original, { canonical: true });
    let k = 0;
    while (k < canonical.length && canonical[k] === parsed[k]) k++;
    assert.ok(k === canonical.length && parsed.length === canonical.length,
      `differs at byte 0x${k.toString(16)} (${parsed.length} bytes, canonical ${canonical.length})`);
  });
}
