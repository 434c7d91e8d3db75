// The spec testsuite through `tessera wast` (see conformance.ts): every command passes or is
// a known failure (conformance.known.ts), and no known failure passes. Skipped when the
// testsuite is not there.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { bySuite, runConformance, TESTSUITE } from './conformance.ts';

test('the spec testsuite passes apart from its known failures', { skip: !existsSync(TESTSUITE) && `no testsuite at ${TESTSUITE}` }, (t) => {
  const { reports, summary } = runConformance();
  for (const [suite, s] of bySuite(reports)) t.diagnostic(`${suite}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  t.diagnostic(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped in ${Math.round(summary.ms)} ms`);
  const failures = reports.flatMap((r) => r.failures.map((o) => `${r.file}:${o.line} ${o.command}: ${o.message ?? ''}`));
  assert.deepEqual(failures.slice(0, 50), [], `${failures.length} unexpected failures`);
  assert.deepEqual(summary.stale, [], 'known failures that no longer fail: remove them from conformance.known.ts');
  assert.ok(summary.passed > 60000, `only ${summary.passed} commands passed`);
});
