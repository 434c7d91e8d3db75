// Where the spec testsuite is, which .wast files it has, the features each is written for,
// and the tally of a run against its known failures. Shared by the testsuite tests; the suite is read in place from ../shared/testsuite
// (override: TESSERA_TESTSUITE), never copied into the project.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURES, WASM3 } from '../src/core/features.ts';
import type { Feature, FeatureSet } from '../src/core/features.ts';

export const TESTSUITE_ROOT = process.env.TESSERA_TESTSUITE ??
  fileURLToPath(new URL('../../shared/testsuite/', import.meta.url));
const FOLDERS = ['core', 'legacy', 'custom', 'proposals'];

/** Paths relative to TESTSUITE_ROOT, `/`-separated, sorted. */
export function wastFiles(): string[] {
  const files: string[] = [];
  for (const folder of FOLDERS) {
    const dir = join(TESTSUITE_ROOT, folder);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (entry.endsWith('.wast')) files.push(`${folder}/${entry.split('\\').join('/')}`);
    }
  }
  return files.sort();
}

const isFeature = (name: string): name is Feature => (FEATURES as readonly string[]).includes(name);

/**
 * The features a file is written for: Wasm 3.0, plus the legacy exception instructions
 * under legacy/, plus the proposal of a proposals/<name>/ folder. Features matter:
 * core/binary.wast expects memory limits flag 0x08 to be malformed, which
 * custom-page-sizes makes well-formed. `undefined`: a proposal Tessera does not know.
 */
export function featuresOf(file: string): FeatureSet | undefined {
  const [folder, proposal] = file.split('/');
  if (folder === 'legacy') return new Set<Feature>([...WASM3, 'legacy-exceptions']);
  if (folder !== 'proposals') return WASM3;
  if (proposal === undefined || !isFeature(proposal)) return undefined;
  return new Set<Feature>([...WASM3, proposal]);
}

/** Failures printed per file; the rest are counted. */
const MAX_SHOWN = 20;

/**
 * The counts of one testsuite run, checked against its list of known failures (`file:line`
 * → reason): a listed check that fails is skipped, one that passes is a failure (the list
 * must stay true), and a listed line with nothing to check is a failure too.
 */
export class Tally {
  passed = 0;
  failed = 0;
  skipped = 0;
  readonly known: ReadonlyMap<string, string>;
  /** What is checked, for the stale-entry message ("binary module", "text module"). */
  readonly what: string;

  constructor(known: ReadonlyMap<string, string>, what: string) {
    this.known = known;
    this.what = what;
  }

  file(file: string): FileTally {
    return new FileTally(this, file);
  }

  /** Known-failure keys whose file is not among `files`: entries that can never be checked. */
  unknownFiles(files: readonly string[]): string[] {
    const names = new Set(files);
    return [...this.known.keys()].filter((key) => !names.has(key.replace(/:\d+$/, '')));
  }

  /** The closing line: `name: N passed, N failed, N skipped`. */
  summary(name: string): string {
    return `${name}: ${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped`;
  }
}

/** One file's checks; `finish` asserts there were no problems. */
export class FileTally {
  readonly #tally: Tally;
  readonly #file: string;
  readonly #listed = new Set<string>();
  readonly problems: string[] = [];

  constructor(tally: Tally, file: string) {
    this.#tally = tally;
    this.#file = file;
  }

  /** Records the outcome of the check at `line`: `problem` undefined means it passed. */
  check(line: number, problem: string | undefined): void {
    const t = this.#tally;
    const key = `${this.#file}:${line}`;
    const known = t.known.get(key);
    if (known !== undefined) {
      this.#listed.add(key);
      if (problem !== undefined) t.skipped++;
      else this.#fail(`${key}: passes but is listed as a known failure ("${known}"); unlist it`);
    } else if (problem === undefined) t.passed++;
    else this.#fail(`${key}: ${problem}`);
  }

  skip(count = 1): void {
    this.#tally.skipped += count;
  }

  pass(): void {
    this.#tally.passed++;
  }

  #fail(problem: string): void {
    this.#tally.failed++;
    this.problems.push(problem);
  }

  finish(): void {
    for (const key of this.#tally.known.keys()) {
      if (key.startsWith(`${this.#file}:`) && !this.#listed.has(key)) {
        this.#fail(`${key}: listed as a known failure but no ${this.#tally.what} is there`);
      }
    }
    const shown = this.problems.slice(0, MAX_SHOWN);
    if (this.problems.length > MAX_SHOWN) shown.push(`... and ${this.problems.length - MAX_SHOWN} more`);
    assert.equal(this.problems.length, 0, `${this.problems.length} failure(s):\n${shown.join('\n')}`);
  }
}
