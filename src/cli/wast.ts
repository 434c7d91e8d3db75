// `tessera wast`: runs WAST scripts (the spec testsuite's format) through Tessera's parser,
// decoder, validator and linker and the native engine, like `wasm-tools wast` or the spec
// interpreter's script mode. A line per file, then `N passed, N failed, N skipped`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { featuresForPath } from '../wast/features.ts';
import {
  type FileReport, formatFile, formatSummary, type KnownFailures, staleEntries, type Summary, summarize, tally,
} from '../wast/report.ts';
import { runWast, runWastAsync } from '../wast/script.ts';
import { type Command, EXIT_FAILURE, EXIT_OK, UsageError } from './command.ts';

export interface WastRunOptions {
  /** Known failures, keyed by file relative to `root` (`/`-separated), optionally `:line`. */
  readonly known?: KnownFailures;
  /** The folder file names are reported relative to (default: the working directory). */
  readonly root?: string;
  /** Called after each file. */
  readonly onFile?: (r: FileReport) => void;
}

export interface WastRun {
  readonly reports: FileReport[];
  readonly summary: Summary;
}

/** Every `.wast` file at or under the paths, sorted. */
export function wastFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const entry of readdirSync(p, { recursive: true, encoding: 'utf8' })) {
        if (entry.endsWith('.wast')) out.push(join(p, entry));
      }
    } else out.push(p);
  }
  return out.sort();
}

type Outcomes = ReturnType<typeof runWast>;

/** What not knowing a file's proposal reports: a failure, so a new folder is noticed. */
const UNKNOWN_PROPOSAL: Outcomes = [{ line: 0, command: 'script', status: 'failed', message: 'a proposal Tessera does not know' }];

/** The bookkeeping of one run over the scripts at or under `paths`, shared by the sync and async runners. */
function wastRun(paths: readonly string[], options: WastRunOptions) {
  const root = options.root ?? process.cwd();
  const known = options.known ?? new Map<string, string>();
  const used = new Set<string>();
  const reports: FileReport[] = [];
  const start = performance.now();
  return {
    files: wastFiles(paths).map((path) => {
      const file = relative(root, path).split(sep).join('/');
      return { path, file, features: featuresForPath(file) };
    }),
    record(file: string, outcomes: Outcomes, t0: number): void {
      const report = tally(file, outcomes, known, used, performance.now() - t0);
      reports.push(report);
      options.onFile?.(report);
    },
    finish(): WastRun {
      const stale = staleEntries(known, used, reports.map((r) => r.file));
      return { reports, summary: summarize(reports, stale, performance.now() - start) };
    },
  };
}

/** Runs the scripts at or under `paths`. */
export function runWastPaths(paths: readonly string[], options: WastRunOptions = {}): WastRun {
  const run = wastRun(paths, options);
  for (const { path, file, features } of run.files) {
    const t0 = performance.now();
    run.record(file, features === undefined ? UNKNOWN_PROPOSAL : runWast(readFileSync(path), { features }), t0);
  }
  return run.finish();
}

/** runWastPaths, awaiting component scripts' async exports (🔀 component-model async/). */
export async function runWastPathsAsync(paths: readonly string[], options: WastRunOptions = {}): Promise<WastRun> {
  const run = wastRun(paths, options);
  for (const { path, file, features } of run.files) {
    const t0 = performance.now();
    run.record(file, features === undefined ? UNKNOWN_PROPOSAL : await runWastAsync(readFileSync(path), { features }), t0);
  }
  return run.finish();
}

export const wast: Command = {
  name: 'wast',
  summary: 'Run WAST scripts (the spec testsuite format)',
  help: `Usage: tessera wast [options] <file.wast|dir>...

Runs each script's commands: modules are parsed or decoded, validated and linked by
Tessera and run on the host's WebAssembly engine; assertions are checked bit for bit.
Folders are searched for .wast files. Features follow the testsuite's layout (core/,
legacy/, proposals/<name>/); other scripts may use every feature Tessera knows.

Options:
  --json        Print a JSON summary (per file and totals) instead of text
  -h, --help    Show this help

Exit codes: 0 every command passed or was skipped, 1 a command failed, 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
    if (positionals.length === 0) throw new UsageError('wast needs a file or folder');
    const { reports, summary } = await runWastPathsAsync(positionals, {
      onFile: values.json ? undefined : (r) => process.stdout.write(`${formatFile(r)}\n`),
    });
    if (values.json) {
      const files = reports.map((r) => ({
        file: r.file, passed: r.passed, failed: r.failed, skipped: r.skipped, ms: Math.round(r.ms),
        failures: r.failures.map((o) => ({ line: o.line, command: o.command, message: o.message })),
      }));
      process.stdout.write(`${JSON.stringify({ ...summary, ms: Math.round(summary.ms), files }, null, 2)}\n`);
    } else {
      process.stdout.write(`${formatSummary(summary)}\n`);
    }
    return summary.failed > 0 || summary.stale.length > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
