// `npm run conformance`: the WebAssembly spec testsuite through `tessera wast`, with the
// known failures of conformance.known.ts, then the Component Model tests (validation/,
// binary/, values/, linking/, resources/, async/) with those of component-tests.known.ts. Reads ../shared/testsuite and ../shared/component-model-tests in
// place (override: TESSERA_TESTSUITE, TESSERA_COMPONENT_TESTS); nothing of them is copied
// into the repository. Prints a line per file, counts per suite or folder, and `N passed, N
// failed, N skipped`; `--json` prints the summary as JSON. Exits 1 on a failure not listed,
// or on a listed failure that no longer fails.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWastPaths, runWastPathsAsync, type WastRun } from '../src/cli/wast.ts';
import { type FileReport, formatFile, formatSummary } from '../src/wast/report.ts';
import { KNOWN_FAILURES } from './conformance.known.ts';
import { KNOWN_COMPONENT_FAILURES } from './component-tests.known.ts';

export const TESTSUITE = process.env.TESSERA_TESTSUITE ??
  fileURLToPath(new URL('../../shared/testsuite/', import.meta.url));
const FOLDERS = ['core', 'legacy', 'custom', 'proposals'];

export function runConformance(onFile?: (r: FileReport) => void): WastRun {
  const paths = FOLDERS.map((f) => join(TESTSUITE, f)).filter((p) => existsSync(p));
  return runWastPaths(paths, { root: TESTSUITE, known: KNOWN_FAILURES, onFile });
}

export const COMPONENT_TESTS = process.env.TESSERA_COMPONENT_TESTS ??
  fileURLToPath(new URL('../../shared/component-model-tests/', import.meta.url));
export const COMPONENT_FOLDERS = ['validation', 'binary', 'values', 'linking', 'resources', 'async'];
/** Component-model test folders not run, and why. */
export const COMPONENT_FOLDERS_SKIPPED: ReadonlyMap<string, string> = new Map<string, string>();

/**
 * The Component Model tests (component scripts run through `tessera wast` too); async
 * exports return promises, so the scripts run asynchronously.
 */
export function runComponentConformance(onFile?: (r: FileReport) => void): Promise<WastRun> {
  const paths = COMPONENT_FOLDERS.map((f) => join(COMPONENT_TESTS, f)).filter((p) => existsSync(p));
  return runWastPathsAsync(paths, { root: COMPONENT_TESTS, known: KNOWN_COMPONENT_FAILURES, onFile });
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
  const onFile = json ? undefined : (r: FileReport) => process.stdout.write(`${formatFile(r)}\n`);
  const { reports, summary } = runConformance(onFile);
  const suites = Object.fromEntries(bySuite(reports));
  if (!json) {
    for (const [suite, s] of Object.entries(suites)) {
      process.stdout.write(`${suite.padEnd(34)} ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped\n`);
    }
    process.stdout.write(`${summary.files} files in ${(summary.ms / 1000).toFixed(1)} s\n${formatSummary(summary)}\n`);
  }
  const components = existsSync(COMPONENT_TESTS) ? await runComponentConformance(onFile) : undefined;
  const folders = components === undefined ? {} : Object.fromEntries(bySuite(components.reports));
  const failed = summary.failed + (components?.summary.failed ?? 0);
  const stale = summary.stale.length + (components?.summary.stale.length ?? 0);
  if (json) {
    const files = (rs: readonly FileReport[]) => rs.map((r) => ({
      file: r.file, passed: r.passed, failed: r.failed, skipped: r.skipped,
      failures: r.failures.map((o) => ({ line: o.line, command: o.command, message: o.message })),
      known: r.known.map((k) => ({ line: k.outcome.line, reason: k.reason })),
    }));
    const componentModel = components === undefined ? undefined : {
      ...components.summary, ms: Math.round(components.summary.ms), folders,
      skippedFolders: Object.fromEntries(COMPONENT_FOLDERS_SKIPPED), files: files(components.reports),
    };
    process.stdout.write(`${JSON.stringify({ ...summary, ms: Math.round(summary.ms), suites, files: files(reports), componentModel }, null, 2)}\n`);
  } else {
    if (components === undefined) process.stdout.write(`component-model-tests: not found at ${COMPONENT_TESTS} (set TESSERA_COMPONENT_TESTS)\n`);
    else {
      process.stdout.write('component-model-tests:\n');
      for (const [folder, s] of Object.entries(folders)) {
        process.stdout.write(`  ${folder.padEnd(32)} ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped\n`);
      }
      for (const [folder, why] of COMPONENT_FOLDERS_SKIPPED) process.stdout.write(`  ${folder.padEnd(32)} not run: ${why}\n`);
      for (const r of components.reports) for (const k of r.known) process.stdout.write(`  known: ${r.file}:${k.outcome.line}: ${k.reason}\n`);
      process.stdout.write(`${components.summary.files} files in ${(components.summary.ms / 1000).toFixed(1)} s\n${formatSummary(components.summary)}\n`);
    }
  }
  process.exitCode = failed > 0 || stale > 0 ? 1 : 0;
}
