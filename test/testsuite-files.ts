// Where the spec testsuite is, which .wast files it has, and the features each is written
// for. Shared by the testsuite tests; the suite is read in place from ../shared/testsuite
// (override: TESSERA_TESTSUITE), never copied into the project.
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
