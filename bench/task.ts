// The shape every benchmark shares: a suite runs each of its tasks on each of its subjects
// and reports throughput, with ratios of Tessera's tasks against the peers' tasks.

export interface Subject {
  readonly name: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** One line on where the subject comes from, for the report. */
  readonly about?: string;
}

export interface Prepared {
  /** The timed operation. It may return a promise, which is awaited inside the timing. */
  readonly run: () => unknown;
  /** Something worth reporting about this task on this subject (e.g. options it needed). */
  readonly note?: string;
}

export interface Task {
  /** Column header: short. */
  readonly name: string;
  /** What exactly is timed, for the legend. */
  readonly measures: string;
  /** Tessera's own tasks are compared against every other task of the suite. */
  readonly ours: boolean;
  /** Untimed set-up for one subject; throws when the subject is not supported. */
  prepare(subject: Subject): Prepared | Promise<Prepared>;
}

export interface Suite {
  readonly title: string;
  readonly subjects: readonly Subject[];
  readonly tasks: readonly Task[];
  /** Lines printed before the results (what was left out and why, versions). */
  readonly notes: readonly string[];
}
