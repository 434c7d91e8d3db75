// The spec testsuite's binary modules against the decoder and encoder: one test per `.wast`
// file. `assert_malformed` modules must fail to decode with the spec's phrase; every other
// binary module must decode (function bodies included) and re-encode to the same bytes.
// Validation, linking and instantiation are checked elsewhere; text modules are left to
// the text parser's runner and counted as skipped here.
//
// The testsuite is read in place from ../shared/testsuite (override: TESSERA_TESTSUITE).
// Known failures live in testsuite-binary.known.ts.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModule, DecodeError, encodeModule } from '../src/index.ts';
import type { DecodeOptions, FeatureSet, Module } from '../src/index.ts';
import { featuresOf, Tally, TESTSUITE_ROOT as ROOT, wastFiles } from './testsuite-files.ts';
import { KNOWN_FAILURES } from './testsuite-binary.known.ts';
import { scanWastBinary } from './wast-binary.ts';
import type { WastBinaryModule } from './wast-binary.ts';

const tally = new Tally(KNOWN_FAILURES, 'binary module');

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Checks one binary module; returns what went wrong, or `undefined` when it passes. */
function check(m: WastBinaryModule, features: FeatureSet): string | undefined {
  // The decoder does not take `features` yet; the intersection keeps this call compiling
  // (and the features passed) before and after it does.
  const options: DecodeOptions & { features?: FeatureSet } = { features };
  let module: Module;
  try {
    module = decodeModule(m.bytes, options);
    for (const func of module.funcs) void func.body; // bodies decode lazily
  } catch (e) {
    if (!(e instanceof DecodeError)) return `crashed: ${errorText(e)}`;
    if (m.kind !== 'assert_malformed') return `decode failed: ${e.message}`;
    const expected = m.expected ?? '';
    return e.phrase.startsWith(expected)
      ? undefined
      : `expected "${expected}", got "${e.phrase}" at ${hex(e.offset)}`;
  }
  if (m.kind === 'assert_malformed') return `decoded, expected "${m.expected ?? ''}"`;
  let bytes: Uint8Array;
  try {
    bytes = encodeModule(module);
  } catch (e) {
    return `encode failed: ${errorText(e)}`;
  }
  const n = Math.min(bytes.length, m.bytes.length);
  let i = 0;
  while (i < n && bytes[i] === m.bytes[i]) i++;
  if (i === n && bytes.length === m.bytes.length) return checkCanonical(module, m.bytes, features);
  const at = (b: Uint8Array): string => (i < b.length ? hex(b[i]) : 'end');
  return `re-encoding differs at byte ${hex(i)}: ${at(bytes)} instead of ${at(m.bytes)} ` +
    `(${bytes.length} bytes instead of ${m.bytes.length})`;
}

/**
 * The canonical encoding must decode to a module whose canonical encoding is the same bytes,
 * and V8 must judge it as it judges the original (when V8 knows all the features used).
 */
function checkCanonical(module: Module, original: Uint8Array<ArrayBuffer>, features: FeatureSet): string | undefined {
  let canonical: Uint8Array<ArrayBuffer>;
  let again: Uint8Array;
  try {
    canonical = encodeModule(module, { canonical: true });
    const redecoded = decodeModule(canonical, { features, lazy: false });
    again = encodeModule(redecoded, { canonical: true });
  } catch (e) {
    return `canonical re-encoding failed: ${errorText(e)}`;
  }
  if (again.length !== canonical.length || again.some((b, k) => b !== canonical[k])) {
    return 'canonical encoding is not stable under decode and encode';
  }
  if (WebAssembly.validate(original) !== WebAssembly.validate(canonical)) {
    return 'V8 judges the canonical encoding differently from the original';
  }
  return undefined;
}

const files = wastFiles();

test('the testsuite is present', () => {
  assert.ok(files.length > 0,
    `no .wast files under ${ROOT}; set TESSERA_TESTSUITE to the spec testsuite`);
});

for (const file of files) {
  const features = featuresOf(file);
  const skip = features === undefined
    ? `proposal ${file.split('/')[1]} is not supported (no such feature in src/core/features.ts)`
    : false;
  test(file, { skip }, () => {
    if (features === undefined) return;
    const scan = scanWastBinary(readFileSync(join(ROOT, file)), file);
    const t = tally.file(file);
    t.skip(scan.skipped.length);
    for (const m of scan.modules) {
      const problem = check(m, features);
      t.check(m.line, problem === undefined ? undefined : `${m.kind}: ${problem}`);
    }
    t.finish();
  });
}

test('every known failure names a file of this run', () => {
  assert.deepEqual(tally.unknownFiles(files), []);
});

after(() => {
  console.log(tally.summary('testsuite-binary'));
});
