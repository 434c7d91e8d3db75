// Known failures of the WIT conformance run (test/wit-tests.test.ts), each with its reason.
// They count as skipped; a listed case that starts passing fails the run, so the list stays true.
export const KNOWN_WIT_FAILURES: ReadonlyMap<string, string> = new Map<string, string>([]);
