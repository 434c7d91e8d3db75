// Known failures of the component-model conformance run (test/component-tests.test.ts),
// keyed `folder/file.wast:line`, each with its reason. They count as skipped; a listed case
// that starts passing fails the run, so the list stays true.
export const KNOWN_COMPONENT_FAILURES: ReadonlyMap<string, string> = new Map([
]);
