// The printer against the spec testsuite: every module of every script must print in a form
// that parses back to the same module, flat and folded:
// encodeModule(parseWat(printWat(m))) equals encodeModule(m, { canonical: true }).
// Binary modules (found by the binary scanner) are decoded first; text and quoted modules are
// parsed first. Modules that do not decode or parse (assert_malformed, mostly) are skipped:
// there is nothing to print. Known failures live in testsuite-print.known.ts.
// The testsuite is read in place from ../shared/testsuite (override: TESSERA_TESTSUITE).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModule, encodeModule, printWat } from '../src/index.ts';
import type { FeatureSet, Module } from '../src/index.ts';
import { parseWat } from '../src/text/parse.ts';
import { parseWast } from '../src/text/wast.ts';
import { KNOWN_FAILURES } from './testsuite-print.known.ts';
import { TESTSUITE_ROOT, Tally, featuresOf, wastFiles } from './testsuite-files.ts';
import { scanWastBinary } from './wast-binary.ts';

const tally = new Tally(KNOWN_FAILURES, 'printable module');

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** What goes wrong printing `m` and reading it back, or undefined. */
function checkRoundTrip(m: Module): string | undefined {
  const want = encodeModule(m, { canonical: true });
  for (const folded of [false, true]) {
    const mode = folded ? 'folded' : 'flat';
    let text: string;
    try {
      text = printWat(m, { folded });
    } catch (e) {
      return `${mode}: print failed: ${errorText(e)}`;
    }
    let got: Uint8Array;
    try {
      got = encodeModule(parseWat(text));
    } catch (e) {
      return `${mode}: the printed text does not parse: ${errorText(e)}`;
    }
    if (got.length === want.length && got.every((b, i) => b === want[i])) continue;
    let i = 0;
    while (i < got.length && i < want.length && got[i] === want[i]) i++;
    return `${mode}: reads back differently from byte ${hex(i)} (${got.length} bytes instead of ${want.length})`;
  }
  return undefined;
}

/** The modules of one script that decode or parse, with the line of their command. */
function modulesOf(file: string, features: FeatureSet): { line: number; module: Module }[] {
  const source = readFileSync(join(TESTSUITE_ROOT, file));
  const out: { line: number; module: Module }[] = [];
  for (const b of scanWastBinary(source, file).modules) {
    if (b.kind === 'assert_malformed') continue;
    try {
      const module = decodeModule(b.bytes, { features });
      for (const f of module.funcs) void f.body;
      // Printed from a fresh decoding: flat printing then streams the unread bodies, and
      // folded printing reads them, so both ways of printing a body are checked.
      out.push({ line: b.line, module: decodeModule(b.bytes, { features }) });
    } catch {
      // Decodes only with other features, or is invalid in a way the decoder checks.
    }
  }
  for (const cmd of parseWast(source.toString('utf8')).commands) {
    if (!('module' in cmd) || typeof cmd.module !== 'object' || cmd.kind === 'assert_malformed') continue;
    const sm = cmd.module;
    if (sm.kind === 'binary') continue;
    try {
      out.push({ line: cmd.line, module: sm.kind === 'text' ? sm.parse() : parseWat(sm.source) });
    } catch {
      // Not a module the parser reads: the text runner's concern, nothing to print.
    }
  }
  return out;
}

const files = wastFiles();

for (const file of files) {
  const features = featuresOf(file);
  const skip = features === undefined ? `proposal ${file.split('/')[1]} is not supported` : false;
  test(file, { skip }, () => {
    if (features === undefined) return;
    let modules: { line: number; module: Module }[];
    try {
      modules = modulesOf(file, features);
    } catch {
      // A script the WAST parser rejects is the text runner's failure, not the printer's.
      return;
    }
    const t = tally.file(file);
    for (const { line, module } of modules) t.check(line, checkRoundTrip(module));
    t.finish();
  });
}

test('every known failure names a file of this run', () => {
  assert.deepEqual(tally.unknownFiles(files), []);
});

after(() => {
  console.log(tally.summary('testsuite-print'));
});
