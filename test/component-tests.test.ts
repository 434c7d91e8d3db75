// Conformance against the Component Model reference tests (../shared/component-model-tests,
// or TESSERA_COMPONENT_TESTS), read in place, for validation/ and binary/ (values/, linking/
// and resources/ run in src/component/link/conformance.test.ts). The component script runner
// (src/wast/component-run.ts) decides each command: every component parses (text) or
// decodes (binary), encodes, and its encoding decodes back to the same bytes, and validates;
// every assert_malformed is rejected; every assert_invalid is rejected (by validateComponent,
// or already by the parser), its message matched separately.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runComponentWast } from '../src/wast/component-run.ts';
import { staleEntries, tally } from '../src/wast/report.ts';
import { KNOWN_COMPONENT_FAILURES } from './component-tests.known.ts';

const DIR = process.env.TESSERA_COMPONENT_TESTS ?? join(import.meta.dirname, '../../shared/component-model-tests');
const FOLDERS = ['validation', 'binary'];

test('component-model-tests: validation/ and binary/', { skip: !existsSync(DIR) && `no ${DIR}` }, () => {
  let passed = 0;
  let skipped = 0;
  const invalid = { total: 0, byParser: 0, byValidator: 0, phraseMatched: 0 };
  const phraseMismatches: string[] = [];
  const failures: string[] = [];
  const used = new Set<string>();
  const files: string[] = [];
  for (const folder of FOLDERS) {
    const dir = join(DIR, folder);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.wast')).sort()) {
      const name = `${folder}/${file}`;
      files.push(name);
      const run = runComponentWast(readFileSync(join(dir, file), 'utf8'));
      const r = tally(name, run.outcomes, KNOWN_COMPONENT_FAILURES, used, 0);
      passed += r.passed;
      skipped += r.skipped;
      for (const o of r.failures) failures.push(`${name}:${o.line}: ${o.message ?? ''}`);
      invalid.total += run.invalid.total;
      invalid.byParser += run.invalid.byParser;
      invalid.byValidator += run.invalid.byValidator;
      invalid.phraseMatched += run.invalid.phraseMatched;
      for (const m of run.invalid.mismatches) phraseMismatches.push(`${name}:${m}`);
    }
  }
  console.log(`component-tests: ${passed} passed, ${failures.length} failed, ${skipped} skipped; ` +
    `assert_invalid: ${invalid.total}, rejected by the validator ${invalid.byValidator}, by the parser ` +
    `${invalid.byParser}; ${invalid.phraseMatched} with the expected phrase (TESSERA_SHOW_PHRASES=1 lists the others)`);
  if (process.env.TESSERA_SHOW_PHRASES) for (const m of phraseMismatches) console.log(`  phrase: ${m}`);
  for (const key of staleEntries(KNOWN_COMPONENT_FAILURES, used, files)) failures.push(`${key}: listed as a known failure but passes`);
  assert.deepEqual(failures, []);
  assert.ok(invalid.total > 300, `only ${invalid.total} assert_invalid commands ran`);
});
