// WebAssembly feature flags, named like wasm-tools' `--features`. Each opcode belongs to the
// feature that introduced it; decoders and validators can be restricted to a feature set.

export const FEATURES = [
  'mvp',
  'mutable-global',
  'sign-extension',
  'saturating-float-to-int',
  'multi-value',
  'bulk-memory',
  'reference-types',
  'simd',
  'relaxed-simd',
  'tail-call',
  'exceptions',
  'legacy-exceptions',
  'function-references',
  'gc',
  'memory64',
  'multi-memory',
  'extended-const',
  'threads',
  'custom-page-sizes',
  'wide-arithmetic',
] as const;

export type Feature = (typeof FEATURES)[number];

export type FeatureSet = ReadonlySet<Feature>;

/** WebAssembly 1.0 (2019): the MVP and mutable globals. */
export const WASM1: FeatureSet = new Set<Feature>(['mvp', 'mutable-global']);

/** WebAssembly 2.0 (2022). */
export const WASM2: FeatureSet = new Set<Feature>([
  ...WASM1, 'sign-extension', 'saturating-float-to-int', 'multi-value', 'bulk-memory',
  'reference-types', 'simd',
]);

/** WebAssembly 3.0 (2025). */
export const WASM3: FeatureSet = new Set<Feature>([
  ...WASM2, 'relaxed-simd', 'tail-call', 'exceptions', 'function-references', 'gc',
  'memory64', 'multi-memory', 'extended-const',
]);

/** Everything Tessera knows, including proposals and the legacy exception instructions. */
export const ALL_FEATURES: FeatureSet = new Set<Feature>(FEATURES);

const PRESETS: Readonly<Record<string, FeatureSet>> = { wasm1: WASM1, wasm2: WASM2, wasm3: WASM3, all: ALL_FEATURES };

/**
 * A feature set from a comma-separated list, as a command line takes it: presets (`wasm1`,
 * `wasm2`, `wasm3`, `all`) and feature names add, `-name` removes, left to right:
 * `wasm2,threads`, `all,-gc`. Throws an Error naming what it does not know.
 */
export function parseFeatureList(list: string): FeatureSet {
  const out = new Set<Feature>();
  for (const raw of list.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const remove = raw.startsWith('-');
    const name = remove ? raw.slice(1) : raw;
    const preset = PRESETS[name];
    const names: readonly Feature[] | undefined = preset ? [...preset]
      : (FEATURES as readonly string[]).includes(name) ? [name as Feature] : undefined;
    if (!names) throw new Error(`unknown feature '${name}' (known: ${Object.keys(PRESETS).join(', ')}, ${FEATURES.join(', ')})`);
    for (const f of names) {
      if (remove) out.delete(f);
      else out.add(f);
    }
  }
  return out;
}
