// Known failures and skips of test/testsuite-text.test.ts. KNOWN_FAILURES is keyed
// `file:line` (the file relative to the testsuite root, the line of the command); each
// reason says what goes wrong and why it is accepted for now. A listed entry that passes,
// or that matches no text module, fails the run: remove it when it is fixed.
const V8_LIMIT = 'valid, but past a V8 implementation limit (memory pages or table elements)';
const THREADS_DELTA = 'the threads proposal folder predates Wasm 3.0, where a limit past 2^32 is a ' +
  'validation error, not malformed (core/memory.wast asserts it invalid)';

export const KNOWN_FAILURES: ReadonlyMap<string, string> = new Map<string, string>([
  ['core/memory64/memory64.wast:8', V8_LIMIT],
  ['core/memory64/memory64.wast:9', V8_LIMIT],
  ['core/memory64/table64.wast:9', V8_LIMIT],
  ['core/table.wast:9', V8_LIMIT],
  ['proposals/threads/memory.wast:83', THREADS_DELTA],
  ['proposals/threads/memory.wast:87', THREADS_DELTA],
  ['proposals/threads/memory.wast:91', THREADS_DELTA],
]);

/** Folders not run at all: [path prefix, reason]. */
export const SKIPPED_FOLDERS: readonly (readonly [string, string])[] = [
  ['proposals/custom-descriptors/', 'proposal custom-descriptors is not in the opcode table (src/core/features.ts)'],
];

/** Folders whose modules V8 in Node 24 cannot validate: [path prefix, reason]. */
export const V8_UNSUPPORTED: readonly (readonly [string, string])[] = [
  ['proposals/custom-page-sizes/', 'V8 does not implement custom page sizes'],
  ['proposals/wide-arithmetic/', 'V8 does not implement wide arithmetic'],
];
