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
