// The Component Model reference tests of the async ABI (async/ of ../shared/component-model-
// tests, or TESSERA_COMPONENT_TESTS), run through the component script runner, awaiting async
// exports: every command passes or is a known failure (test/component-tests.known.ts), and no
// known failure passes.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runWastPathsAsync } from '../../cli/wast.ts';
import { KNOWN_COMPONENT_FAILURES } from '../../../test/component-tests.known.ts';

const DIR = process.env.TESSERA_COMPONENT_TESTS ?? join(import.meta.dirname, '../../../../shared/component-model-tests');

test('component-model-tests async/ passes apart from its known failures', { skip: !existsSync(join(DIR, 'async')) && `no ${DIR}/async` }, async (t) => {
  const { reports, summary } = await runWastPathsAsync([join(DIR, 'async')], { root: DIR, known: KNOWN_COMPONENT_FAILURES });
  for (const r of reports) t.diagnostic(`${r.file}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  const failures = reports.flatMap((r) => r.failures.map((o) => `${r.file}:${o.line} ${o.command}: ${o.message ?? ''}`));
  assert.deepEqual(failures, []);
  assert.deepEqual(summary.stale, [], 'known failures that no longer fail: remove them from test/component-tests.known.ts');
  assert.ok(reports.length >= 34, `only ${reports.length} files`);
  assert.ok(summary.passed >= 310, `only ${summary.passed} commands passed`);
});
