// The validator against the spec testsuite: every module of an `assert_invalid` must be
// rejected with the expected phrase (as a prefix of Tessera's message), and every module a
// script defines must be accepted. Then the valid modules seed a bounded differential fuzz
// against V8 (test/validate-fuzz.ts; `scripts/fuzz-validate.ts` runs it longer).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeModule } from '../src/binary/decode.ts';
import { encodeModule } from '../src/binary/encode.ts';
import type { Module } from '../src/core/ast.ts';
import { DecodeError, ParseError, ValidationError } from '../src/core/errors.ts';
import type { FeatureSet } from '../src/core/features.ts';
import { parseWast, type ScriptModule } from '../src/text/wast.ts';
import { parseWat } from '../src/text/parse.ts';
import { validateModule } from '../src/validate/module.ts';
import { KNOWN_INVALID_ACCEPTED } from './testsuite-validate.known.ts';
import { featuresOf, Tally, TESTSUITE_ROOT, wastFiles } from './testsuite-files.ts';
import { fuzz, type Seed } from './validate-fuzz.ts';

const FUZZ_ITERATIONS = 4000;

const tally = new Tally(KNOWN_INVALID_ACCEPTED, 'assert_invalid module');
const seeds: Seed[] = [];

/** The module of a script command, decoded or parsed (not validated); undefined if malformed. */
function load(m: ScriptModule, features: FeatureSet): Module | undefined {
  try {
    if (m.kind === 'binary') return decodeModule(m.bytes, { features });
    return m.kind === 'text' ? m.parse() : parseWat(m.source);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof ParseError) return undefined;
    throw e;
  }
}

function verdict(m: Module, features: FeatureSet): string | null {
  try {
    validateModule(m, { features });
    return null;
  } catch (e) {
    if (e instanceof ValidationError || e instanceof DecodeError) return e.phrase;
    throw e;
  }
}

for (const file of wastFiles()) {
  const features = featuresOf(file);
  if (!features) continue;
  test(file, () => {
    const script = parseWast(readFileSync(join(TESTSUITE_ROOT, file), 'utf8'));
    const t = tally.file(file);
    for (const c of script.commands) {
      if (c.kind !== 'module' && c.kind !== 'assert_invalid') continue;
      const m = load(c.module, features);
      if (!m) continue;
      const got = verdict(m, features);
      if (c.kind === 'module') {
        t.check(c.line, got === null ? undefined : `valid module rejected: ${got}`);
        if (got === null && file.startsWith('core/') && c.module.kind === 'text') {
          const bytes = encodeModule(m) as Uint8Array<ArrayBuffer>;
          if (bytes.length < 20_000 && WebAssembly.validate(bytes)) seeds.push({ name: `${file}:${c.line}`, bytes });
        }
      } else if (got === null) {
        t.check(c.line, `accepted, expected "${c.message}"`);
      } else {
        t.check(c.line, got.startsWith(c.message) ? undefined : `"${got}", expected "${c.message}"`);
      }
    }
    t.finish();
  });
}

test('differential fuzz against V8', () => {
  assert.ok(seeds.length > 1000, `only ${seeds.length} seeds`);
  const report = fuzz(seeds, FUZZ_ITERATIONS, 20261123);
  const shown = report.disagreements.slice(0, 5).map((d) =>
    `${d.seed} #${d.iteration}: tessera ${d.tessera}, V8 ${d.v8 ? 'valid' : 'invalid'}`);
  assert.deepEqual(shown, []);
  assert.ok(report.bothValid > 0 && report.bothValid < report.iterations, 'the mutants must include valid and invalid ones');
});

after(() => {
  process.stdout.write(`${tally.summary('testsuite-validate')}\n`);
});
