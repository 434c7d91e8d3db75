// assert_invalid modules Tessera accepts, by `file:line` of the assertion, each with the reason.
const THREADS = 'the threads proposal\'s tests predate reference-types and multi-memory (Wasm 1.0 base); Tessera validates them with Wasm 3.0, where these modules are valid';

export const KNOWN_INVALID_ACCEPTED: ReadonlyMap<string, string> = new Map([
  ['proposals/threads/imports.wast:309', THREADS],
  ['proposals/threads/imports.wast:313', THREADS],
  ['proposals/threads/imports.wast:317', THREADS],
  ['proposals/threads/imports.wast:404', THREADS],
  ['proposals/threads/imports.wast:408', THREADS],
  ['proposals/threads/imports.wast:412', THREADS],
  ['proposals/threads/memory.wast:14', THREADS],
  ['proposals/threads/memory.wast:15', THREADS],
]);
