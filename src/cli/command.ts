// The shape of a CLI command: one file per command, each with its own help text.
export interface Command {
  readonly name: string;
  /** One line for `tessera --help`. */
  readonly summary: string;
  /** The full text for `tessera <command> --help`. */
  readonly help: string;
  run(args: string[]): Promise<number>;
}

/** Exit codes scripts can rely on. */
export const EXIT_OK = 0;
/** The input was rejected (malformed, invalid, failed). */
export const EXIT_FAILURE = 1;
/** The command line was wrong. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {}
