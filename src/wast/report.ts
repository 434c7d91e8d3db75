// Tallies of script runs, with known failures applied. A known failure is listed with its
// reason under `file:line` (one command) or `file` (every failure in that file, for a whole
// proposal or engine gap). A listed failure counts as skipped. The run fails on a failure
// that is not listed, and on a listed entry that no longer fails, so the list stays true.
import type { Outcome } from './run.ts';

export interface FileReport {
  readonly file: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Failures not on the known list. */
  readonly failures: Outcome[];
  /** Failures on the known list, with the listed reason. */
  readonly known: { outcome: Outcome; reason: string }[];
  /** Commands skipped because the runner does not support them. */
  readonly unsupported: Outcome[];
  /** Time to parse and run the file, in milliseconds. */
  ms: number;
}

export type KnownFailures = ReadonlyMap<string, string>;

/** Tallies one file's outcomes against the known list; records which entries were used. */
export function tally(file: string, outcomes: readonly Outcome[], known: KnownFailures, used: Set<string>, ms: number): FileReport {
  const r: FileReport = { file, passed: 0, failed: 0, skipped: 0, failures: [], known: [], unsupported: [], ms };
  for (const o of outcomes) {
    if (o.status === 'passed') r.passed++;
    else if (o.status === 'skipped') {
      r.skipped++;
      r.unsupported.push(o);
    } else {
      const key = known.has(`${file}:${o.line}`) ? `${file}:${o.line}` : known.has(file) ? file : undefined;
      if (key === undefined) {
        r.failed++;
        r.failures.push(o);
      } else {
        r.skipped++;
        used.add(key);
        r.known.push({ outcome: o, reason: known.get(key) ?? '' });
      }
    }
  }
  return r;
}

/** Known entries for the files that ran which no failure used: they should be removed. */
export function staleEntries(known: KnownFailures, used: ReadonlySet<string>, files: readonly string[]): string[] {
  const ran = new Set(files);
  return [...known.keys()].filter((key) => {
    const file = key.replace(/:\d+$/, '');
    return ran.has(file) && !used.has(key);
  });
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  files: number;
  ms: number;
  stale: string[];
}

export function summarize(reports: readonly FileReport[], stale: string[], ms: number): Summary {
  const s: Summary = { passed: 0, failed: 0, skipped: 0, files: reports.length, ms, stale };
  for (const r of reports) {
    s.passed += r.passed;
    s.failed += r.failed;
    s.skipped += r.skipped;
  }
  return s;
}

/** One line per file: `file: N passed, N failed, N skipped`, then its failures. */
export function formatFile(r: FileReport, maxShown = 10): string {
  const mark = r.failed > 0 ? 'FAIL' : 'ok  ';
  const lines = [`${mark} ${r.file}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${Math.round(r.ms)} ms)`];
  for (const o of r.failures.slice(0, maxShown)) lines.push(`       ${r.file}:${o.line} ${o.command}: ${o.message ?? ''}`);
  if (r.failures.length > maxShown) lines.push(`       ... and ${r.failures.length - maxShown} more`);
  return lines.join('\n');
}

export function formatSummary(s: Summary): string {
  const lines: string[] = [];
  for (const key of s.stale) lines.push(`listed as a known failure but did not fail: ${key}`);
  lines.push(`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  return lines.join('\n');
}
