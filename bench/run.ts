// `npm run bench [-- options]`: every suite's tasks on every subject, in one process, with
// ratios against the peers. Options:
//   --quick            shorter warm-up and time budget (numbers are noisier)
//   --suite=a,b        only these suites (default: all)
//   --only=a,b         only these subjects (names as in the report)
//   --tasks=a,b        only tasks whose name contains one of these (e.g. --tasks=tessera,V8)

import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { realBinaries } from '../test/real-binaries.ts';
import { componentAsyncBench } from './component-async.ts';
import { componentCallBench } from './component-call.ts';
import { collectGarbage, FULL, measure, QUICK } from './measure.ts';
import type { MeasureOptions } from './measure.ts';
import { briefError, decodePeers } from './peers.ts';
import { formatRate, formatReport, MB } from './report.ts';
import type { Cell, Results } from './report.ts';
import type { Subject, Suite } from './task.ts';
import { tesseraDecodeTasks } from './tessera.ts';
import { TEXT_DEFAULT_SUBJECTS, textSuites } from './text.ts';
import { validateSuite } from './validate.ts';
import { wasiBench } from './wasi.ts';

interface SuiteOptions {
  readonly only?: readonly string[];
}

/** Suites by name; a later benchmark (e.g. validation) adds an entry here. One name may run several. */
const SUITES: Readonly<Record<string, (options: SuiteOptions) => Promise<Suite | Suite[]>>> = {
  async decode(options) {
    const subjects: Subject[] = realBinaries(options.only).map((b) => ({
      name: b.name, bytes: b.bytes, about: `${b.pkg}@${b.version}: ${b.about}`,
    }));
    const ours = await tesseraDecodeTasks();
    const peers = await decodePeers();
    return {
      title: 'Binary decode: real binaries from npm packages',
      subjects,
      tasks: [...ours.tasks, ...peers.tasks],
      notes: [...ours.notes, ...peers.notes],
    };
  },
  // Validation: Tessera's validateModule against V8, wabt and binaryen (bench/validate.ts).
  async validate(options) {
    return validateSuite(realBinaries(options.only).map((b) => ({
      name: b.name, bytes: b.bytes, about: `${b.pkg}@${b.version}: ${b.about}`,
    })));
  },
  // Printing and parsing WAT. The texts of the biggest binaries run to hundreds of MB, so
  // by default a small and a mid-sized binary; --only picks others.
  async text(options) {
    return textSuites(realBinaries(options.only ?? TEXT_DEFAULT_SUBJECTS).map((b) => ({
      name: b.name, bytes: b.bytes, about: `${b.pkg}@${b.version}: ${b.about}`,
    })));
  },
  // Components: decode and validate a componentize-js component against jco (bench/component.ts).
  component: async () => (await import('./component.ts')).componentSuite(),
};

/**
 * Suites that time whole runs rather than throughput over subjects print their own tables:
 * WASI (a syscall-heavy guest and start-up against node:wasi and browser_wasi_shim), and
 * component calls (Tessera's component runtime against jco's transpiled output).
 */
const STANDALONE: Readonly<Record<string, (quick: boolean) => Promise<void>>> = {
  wasi: (quick) => wasiBench(quick),
  'wasi-p2': async (quick) => (await import('./wasi-p2.ts')).wasiP2Bench(quick),
  'component-call': (quick) => componentCallBench(quick),
  'component-async': (quick) => componentAsyncBench(quick),
  // HTTP serving: tessera serve against jco serve and plain node:http (bench/serve.ts).
  serve: async (quick) => (await import('./serve.ts')).serveBench(quick),
};

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

async function runSuite(suite: Suite, options: MeasureOptions): Promise<Results> {
  const results = new Map<string, Map<string, Cell>>();
  for (const subject of suite.subjects) {
    const row = new Map<string, Cell>();
    results.set(subject.name, row);
    for (const task of suite.tasks) {
      collectGarbage();
      let cell: Cell;
      try {
        const prepared = await task.prepare(subject);
        const measurement = await measure(prepared.run, options);
        const mbPerS = subject.bytes.length / MB / (measurement.medianMs / 1000);
        cell = { ok: true, measurement, mbPerS, note: prepared.note };
        process.stderr.write(`  ${subject.name} / ${task.name}: ${formatRate(mbPerS)} MB/s ` +
          `(median ${measurement.medianMs.toFixed(2)} ms of ${measurement.runs} runs)\n`);
      } catch (error) {
        cell = { ok: false, error: briefError(error) };
        process.stderr.write(`  ${subject.name} / ${task.name}: error: ${cell.error}\n`);
      }
      row.set(task.name, cell);
    }
  }
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      suite: { type: 'string' },
      only: { type: 'string' },
      tasks: { type: 'string' },
    },
  });
  const options = values.quick ? QUICK : FULL;
  const known = [...Object.keys(SUITES), ...Object.keys(STANDALONE)];
  const names = list(values.suite) ?? known;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`unknown suite ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const taskFilter = list(values.tasks);

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Tessera benchmarks: Node ${process.version} (V8 ${process.versions.v8}), ` +
    `${cpus().length} x ${cpu}, ${values.quick ? 'quick' : 'full'} mode ` +
    `(warm-up ${options.warmupMs} ms, budget ${options.budgetMs} ms and ${options.minRuns}+ runs, ` +
    `cap ${options.capMs} ms)`);
  for (const name of names) {
    if (name in STANDALONE) {
      console.log('');
      await STANDALONE[name](values.quick === true);
      continue;
    }
    for (let suite of [await SUITES[name]({ only: list(values.only) })].flat()) {
      if (taskFilter !== undefined) {
        suite = { ...suite, tasks: suite.tasks.filter((t) => taskFilter.some((f) => t.name.includes(f))) };
      }
      process.stderr.write(`${suite.title}: ${suite.subjects.length} subjects, ${suite.tasks.length} tasks\n`);
      const results = await runSuite(suite, options);
      console.log(`\n${formatReport(suite, results)}`);
    }
  }
}

await main();
