// `npm run conformance`: the WebAssembly spec testsuite through `tessera wast`, with the
// known failures of conformance.known.ts. Reads ../shared/testsuite in place (override:
// TESSERA_TESTSUITE); nothing of it is copied into the repository. Prints a line per file,
// counts per suite, and `N passed, N failed, N skipped`; `--json` prints the summary as JSON.
// Exits 1 on a failure not listed, or on a listed failure that no longer fails.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWastPaths, type WastRun } from '../src/cli/wast.ts';
import { type FileReport, formatFile, formatSummary } from '../src/wast/report.ts';
import { KNOWN_FAILURES } from './conformance.known.ts';

export const TESTSUITE = process.env.TESSERA_TESTSUITE ??
  fileURLToPath(new URL('../../shared/testsuite/', import.meta.url));
const FOLDERS = ['core', 'legacy', 'custom', 'proposals'];

export function runConformance(onFile?: (r: FileReport) => void): WastRun {
  const paths = FOLDERS.map((f) => join(TESTSUITE, f)).filter((p) => existsSync(p));
  return runWastPaths(paths, { root: TESTSUITE, known: KNOWN_FAILURES, onFile });
}

/** The suite of a file: its top folder, or `proposals/<name>`. */
export function suiteOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'proposals' ? `${parts[0]}/${parts[1]}` : parts[0];
}

export function bySuite(reports: readonly FileReport[]): Map<string, { passed: number; failed: number; skipped: number }> {
  const out = new Map<string, { passed: number; failed: number; skipped: number }>();
  for (const r of reports) {
    const s = out.get(suiteOf(r.file)) ?? { passed: 0, failed: 0, skipped: 0 };
    s.passed += r.passed;
    s.failed += r.failed;
    s.skipped += r.skipped;
    out.set(suiteOf(r.file), s);
  }
  return out;
}

if (import.meta.main) {
  const json = process.argv.includes('--json');
  if (!existsSync(TESTSUITE)) {
    process.stderr.write(`conformance: no testsuite at ${TESTSUITE} (set TESSERA_TESTSUITE)\n`);
    process.exit(2);
  }
  const { reports, summary } = runConformance(json ? undefined : (r) => process.stdout.write(`${formatFile(r)}\n`));
  const suites = Object.fromEntries(bySuite(reports));
  if (json) {
    const files = reports.map((r) => ({
      file: r.file, passed: r.passed, failed: r.failed, skipped: r.skipped,
      failures: r.failures.map((o) => ({ line: o.line, command: o.command, message: o.message })),
      known: r.known.map((k) => ({ line: k.outcome.line, reason: k.reason })),
    }));
    process.stdout.write(`${JSON.stringify({ ...summary, ms: Math.round(summary.ms), suites, files }, null, 2)}\n`);
  } else {
    for (const [suite, s] of Object.entries(suites)) {
      process.stdout.write(`${suite.padEnd(34)} ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped\n`);
    }
    process.stdout.write(`${summary.files} files in ${(summary.ms / 1000).toFixed(1)} s\n${formatSummary(summary)}\n`);
  }
  process.exitCode = summary.failed > 0 || summary.stale.length > 0 ? 1 : 0;
}
