// The Component Model reference tests that run components (values/, linking/, resources/
// of ../shared/component-model-tests, or TESSERA_COMPONENT_TESTS) through the component
// script runner: every command passes or is a known failure (test/component-tests.known.ts),
// and no known failure passes.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runWastPaths } from '../../cli/wast.ts';
import { KNOWN_COMPONENT_FAILURES } from '../../../test/component-tests.known.ts';

const DIR = process.env.TESSERA_COMPONENT_TESTS ?? join(import.meta.dirname, '../../../../shared/component-model-tests');

test('component-model-tests values/, linking/ and resources/ pass apart from their known failures', { skip: !existsSync(DIR) && `no ${DIR}` }, (t) => {
  const { reports, summary } = runWastPaths(['values', 'linking', 'resources'].map((f) => join(DIR, f)), { root: DIR, known: KNOWN_COMPONENT_FAILURES });
  for (const r of reports) t.diagnostic(`${r.file}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  const failures = reports.flatMap((r) => r.failures.map((o) => `${r.file}:${o.line} ${o.command}: ${o.message ?? ''}`));
  assert.deepEqual(failures, []);
  assert.deepEqual(summary.stale, [], 'known failures that no longer fail: remove them from test/component-tests.known.ts');
  // Every file ran: values/ 8, linking/ 4, resources/ 3, and a few hundred commands passed.
  assert.ok(reports.length >= 15, `only ${reports.length} files`);
  assert.ok(summary.passed > 500, `only ${summary.passed} commands passed`);
});
