// The features a testsuite script is written for, from where it lies: WebAssembly 3.0 under
// core/ and custom/, plus the legacy exception instructions under legacy/, plus the proposal
// of a proposals/<name>/ folder (WebAssembly/testsuite keeps each proposal's changed files
// there). Features matter: core/binary.wast expects memory limits flag 0x08 to be
// malformed, which custom-page-sizes makes well-formed. Anything else gets every feature.
import { ALL_FEATURES, type Feature, FEATURES, type FeatureSet, WASM3 } from '../core/features.ts';

const isFeature = (name: string): name is Feature => (FEATURES as readonly string[]).includes(name);

/** Features for a script at `path` (`/`- or `\`-separated); undefined for an unknown proposal. */
export function featuresForPath(path: string): FeatureSet | undefined {
  const parts = path.split(/[\\/]/);
  const proposals = parts.lastIndexOf('proposals');
  if (proposals >= 0 && proposals + 1 < parts.length - 1) {
    const name = parts[proposals + 1];
    return isFeature(name) ? new Set<Feature>([...WASM3, name]) : undefined;
  }
  if (parts.includes('legacy')) return new Set<Feature>([...WASM3, 'legacy-exceptions']);
  if (parts.includes('core') || parts.includes('custom')) return WASM3;
  return ALL_FEATURES;
}
