// `npm run bench:wasi`: the WASI preview1 host against node:wasi (Node's native uvwasi) and
// @bjorn3/browser_wasi_shim, in one run, with ratios. Two measurements:
//   syscalls  test/fixtures/wasi/syscalls.wasm: per round, open + 8 small writes + seek +
//             8 small reads + close + clock_time_get; a fresh instance per run (module
//             compiled once). In memory (Tessera's MemoryFs, the shim's in-memory fs) and on
//             a real temporary directory (Tessera's NodeFs, node:wasi).
//   start-up  `hello.wasm` as a new process: `tessera run` against a node:wasi script.
// Options: --quick, --rounds=N (default 2000). Also `npm run bench -- --suite=wasi`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WASI } from 'node:wasi';
import { ConsoleStdout, File, OpenFile, PreopenDirectory, WASI as ShimWASI } from '@bjorn3/browser_wasi_shim';
import { MemoryFs, WasiP1 } from '../src/wasi/index.ts';
import { hostDir } from '../src/wasi/node.ts';
import { FULL, measure, QUICK } from './measure.ts';

const root = new URL('..', import.meta.url).pathname;
const fixture = (name: string) => readFileSync(join(root, 'test/fixtures/wasi', `${name}.wasm`));

interface Row { readonly name: string; readonly ms: number }

function checkOutput(out: string, who: string): void {
  if (out !== '1\n') throw new Error(`${who}: unexpected output ${JSON.stringify(out)}`);
}

/** Runs the WASI benchmarks and prints their tables (run.ts calls it for `--suite=wasi`). */
export async function wasiBench(quick: boolean, rounds = '2000'): Promise<void> {
  const options = quick ? QUICK : FULL;
  const values = { quick };
  const syscalls = new WebAssembly.Module(fixture('syscalls'));
  const tmp = mkdtempSync(join(tmpdir(), 'tessera-bench-wasi-'));
  const tasks: Record<string, () => void> = {
    'tessera, memory fs': () => {
      let out = '';
      const wasi = new WasiP1({
        args: ['syscalls', rounds, '/sandbox'], preopens: { '/sandbox': new MemoryFs() },
        stdout: { write: (b) => { out += new TextDecoder().decode(b); } },
      });
      const instance = new WebAssembly.Instance(syscalls, { wasi_snapshot_preview1: wasi.wasiImport });
      wasi.start(instance);
      checkOutput(out, 'tessera');
    },
    'browser_wasi_shim, memory fs': () => {
      let out = '';
      const fds = [
        new OpenFile(new File([])),
        new ConsoleStdout((b) => { out += new TextDecoder().decode(b); }),
        new ConsoleStdout(() => undefined),
        new PreopenDirectory('/sandbox', new Map()),
      ];
      const wasi = new ShimWASI(['syscalls', rounds, '/sandbox'], [], fds);
      const instance = new WebAssembly.Instance(syscalls, { wasi_snapshot_preview1: wasi.wasiImport });
      wasi.start(instance as { exports: { memory: WebAssembly.Memory; _start: () => unknown } });
      checkOutput(out, 'shim');
    },
    'tessera, host fs': () => {
      let out = '';
      const wasi = new WasiP1({
        args: ['syscalls', rounds, '/sandbox'], preopens: { '/sandbox': hostDir(tmp) },
        stdout: { write: (b) => { out += new TextDecoder().decode(b); } },
      });
      wasi.start(new WebAssembly.Instance(syscalls, { wasi_snapshot_preview1: wasi.wasiImport }));
      checkOutput(out, 'tessera host');
    },
    'node:wasi, host fs': () => {
      const wasi = new WASI({ version: 'preview1', args: ['syscalls', rounds, '/sandbox'], preopens: { '/sandbox': tmp }, returnOnExit: true });
      const instance = new WebAssembly.Instance(syscalls, wasi.getImportObject() as WebAssembly.Imports);
      // node:wasi writes to the real stdout only; the exit status is the check.
      if (wasi.start(instance) !== 0) throw new Error('node:wasi failed');
    },
  };

  /** Medians of spawning a process `n` times. */
  function spawnMedian(args: string[], n: number): number {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      times.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  }

  const table = (title: string, rows: Row[], base: string) => {
    const b = rows.find((r) => r.name === base)?.ms ?? NaN;
    console.log(`\n${title}`);
    for (const r of rows) console.log(`  ${r.name.padEnd(32)} ${r.ms.toFixed(2).padStart(9)} ms   ${(r.ms / b).toFixed(2)}x ${base}`);
  };

  // node:wasi prints the guest's output to the real stdout; keep it off the report.
  const realWrite = process.stdout.write.bind(process.stdout);
  const rows: Row[] = [];
  for (const [name, run] of Object.entries(tasks)) {
    process.stdout.write = (() => true) as typeof process.stdout.write;
    let m;
    try {
      m = await measure(run, options);
    } finally {
      process.stdout.write = realWrite;
    }
    rows.push({ name, ms: m.medianMs });
    process.stderr.write(`  ${name}: median ${m.medianMs.toFixed(2)} ms of ${m.runs} runs\n`);
  }
  console.log(`WASI preview1: Node ${process.version}, syscalls.wasm with ${rounds} rounds (${Number(rounds) * 19} calls), median per run`);
  table('Syscall-heavy guest, in memory', rows.filter((r) => r.name.includes('memory')), 'tessera, memory fs');
  table('Syscall-heavy guest, real files', rows.filter((r) => r.name.includes('host')), 'tessera, host fs');

  const script = join(tmp, 'node-wasi-hello.mjs');
  writeFileSync(script, `import { readFileSync } from 'node:fs'; import { WASI } from 'node:wasi';
  const wasi = new WASI({ version: 'preview1', args: ['hello'], returnOnExit: true });
  const { instance } = await WebAssembly.instantiate(readFileSync(${JSON.stringify(join(root, 'test/fixtures/wasi/hello.wasm'))}), wasi.getImportObject());
  process.exitCode = wasi.start(instance);`);
  const n = values.quick ? 5 : 15;
  table('Start-up: hello.wasm as a new process (median of spawns)', [
    { name: 'tessera run', ms: spawnMedian([join(root, 'bin/tessera.js'), 'run', 'test/fixtures/wasi/hello.wasm'], n) },
    { name: 'node:wasi script', ms: spawnMedian(['--no-warnings', script], n) },
    { name: 'node -e 0 (floor)', ms: spawnMedian(['-e', '0'], n) },
  ], 'tessera run');
  rmSync(tmp, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, rounds: { type: 'string', default: '2000' } } });
  await wasiBench(values.quick, values.rounds);
}
