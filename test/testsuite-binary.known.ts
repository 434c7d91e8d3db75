// Known failures of test/testsuite-binary.test.ts, keyed `file:line` (the file relative to
// the testsuite root, the line of the command). Each reason says what goes wrong and why it
// is accepted for now. A listed entry that passes, or that matches no binary module, fails
// the run: remove it when it is fixed.
export const KNOWN_FAILURES: ReadonlyMap<string, string> = new Map<string, string>([
]);
