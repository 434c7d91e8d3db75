// Known failures of the component-model conformance run (`npm run conformance`,
// test/component-tests.test.ts, src/component/link/conformance.test.ts), keyed
// `folder/file.wast:line`, each with its reason. They count as skipped; a listed case that
// starts passing fails the run, so the list stays true. validation/ and binary/: none, every
// component validates and every assert_invalid is rejected with wasm-tools' phrase (5 of the
// 374 already by the text parser: invalid outer alias counts).
export const KNOWN_COMPONENT_FAILURES: ReadonlyMap<string, string> = new Map<string, string>([
]);
