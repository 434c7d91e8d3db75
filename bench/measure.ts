// Timing one operation: warm up, then repeat to a time budget and report the median.
// Runs are sequential on the main thread; `collectGarbage` runs between measurements, never
// inside one, so each measurement starts from a clean heap.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MeasureOptions {
  /** Keep warming up (at least one run) until this much time has passed. */
  readonly warmupMs: number;
  /** Keep measuring until this much time has passed and `minRuns` are done... */
  readonly budgetMs: number;
  readonly minRuns: number;
  /** ...but stop after this much time (with at least one run) for very slow operations. */
  readonly capMs: number;
  readonly maxRuns: number;
}

export const FULL: MeasureOptions = { warmupMs: 1000, budgetMs: 2000, minRuns: 5, capMs: 8000, maxRuns: 1000 };
export const QUICK: MeasureOptions = { warmupMs: 0, budgetMs: 300, minRuns: 3, capMs: 1500, maxRuns: 200 };

export interface Measurement {
  readonly medianMs: number;
  readonly minMs: number;
  readonly runs: number;
}

/** Keeps results reachable so no run can be optimised away; overwritten by the next run. */
let sink: unknown;

/** Runs `op` once, awaiting it when it returns a promise; returns the elapsed milliseconds. */
async function timeOnce(op: () => unknown): Promise<number> {
  const start = performance.now();
  const result = op();
  sink = result instanceof Promise ? await result : result;
  return performance.now() - start;
}

export async function measure(op: () => unknown, options: MeasureOptions): Promise<Measurement> {
  const warmupStart = performance.now();
  do await timeOnce(op); while (performance.now() - warmupStart < options.warmupMs);
  sink = undefined;

  const times: number[] = [];
  const start = performance.now();
  for (;;) {
    times.push(await timeOnce(op));
    sink = undefined;
    const elapsed = performance.now() - start;
    if (times.length >= options.maxRuns) break;
    if (elapsed >= options.capMs) break;
    if (times.length >= options.minRuns && elapsed >= options.budgetMs) break;
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 === 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { medianMs, minMs: times[0], runs: times.length };
}

let gc: (() => void) | undefined;

/** A full garbage collection, between measurements (exposed at run time, no CLI flag needed). */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    const exposed: unknown = runInNewContext('gc');
    gc = typeof exposed === 'function' ? () => { exposed(); } : () => {};
  }
  gc();
  void sink;
}
