// `npm run bench -- --suite=wasi-p2`: the WASI 0.2 host against `jco run` (jco transpile +
// preview2-shim), in one run, with ratios. Both run the same components
// (test/fixtures/wasi-p2, jco's preview1 adapter inside) as new processes, which is what a
// user of either command pays:
//   start-up   test/fixtures/component/hello.component.wasm (prints a line and its argv)
//   syscalls   test/fixtures/wasi-p2/syscalls.component.wasm: per round, open + 8 small
//              writes + seek + 8 small reads + close + a clock read (19 calls through the
//              adapter, several 0.2 calls each), on a preopened temporary directory. Whole
//              runs with few and with many rounds; the difference is the loop's own cost.
// Plus, Tessera only: the syscall loop in process (compiled once, a fresh instance per run),
// on the in-memory file system and on a host directory; jco has no in-process equivalent
// without its own build step per component.
// Options: --quick. Also `node bench/wasi-p2.ts [--quick]`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compileComponent } from '../src/index.ts';
import { hostDir } from '../src/wasi/node.ts';
import { runCommand, runExport, WasiP2 } from '../src/wasi/p2/host.ts';
import { MemoryFs } from '../src/wasi/vfs/memory.ts';
import { FULL, measure, QUICK } from './measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const HELLO = join(root, 'test/fixtures/component/hello.component.wasm');
const SYSCALLS = join(root, 'test/fixtures/wasi-p2/syscalls.component.wasm');

interface Row { readonly name: string; readonly ms: number | undefined; readonly note?: string }

/** Median wall time of spawning `node args` `n` times; undefined (with the error) if a run fails. */
function spawnMedian(args: string[], n: number, env: NodeJS.ProcessEnv = process.env): { ms?: number; error?: string } {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    times.push(performance.now() - t0);
    // The syscall guest prints 1 when every read and write did what it should.
    if (r.status !== 0 || (args.includes(SYSCALLS) && r.stdout !== '1\n')) {
      return { error: `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}` };
    }
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] };
}

function table(title: string, rows: readonly Row[], base: string): void {
  const b = rows.find((r) => r.name === base)?.ms;
  console.log(`\n${title}`);
  for (const r of rows) {
    const ms = r.ms === undefined ? 'n/a'.padStart(9) : r.ms.toFixed(1).padStart(9);
    const ratio = r.ms === undefined || b === undefined ? '' : `   ${(r.ms / b).toFixed(2)}x ${base}`;
    console.log(`  ${r.name.padEnd(40)} ${ms} ms${ratio}${r.note ? `   (${r.note})` : ''}`);
  }
}

/** Runs the WASI 0.2 benchmarks and prints their tables (run.ts calls it for `--suite=wasi-p2`). */
export async function wasiP2Bench(quick: boolean): Promise<void> {
  const options = quick ? QUICK : FULL;
  const spawns = quick ? 3 : 7;
  const loopSpawns = quick ? 1 : 3;
  const few = 100;
  const many = quick ? 2000 : 5000;
  const tmp = mkdtempSync(join(tmpdir(), 'tessera-bench-p2-'));
  const tessera = join(root, 'bin/tessera.js');
  const jco = join(root, 'node_modules/@bytecodealliance/jco/dist/jco.js');
  // jco run gives a component no directories: a module it imports first preopens ours, on
  // the preview2-shim instance the transpiled component uses (jco's own).
  const shim = createRequire(jco).resolve('@bytecodealliance/preview2-shim/filesystem');
  const setup = join(tmp, 'jco-preopen.mjs');
  writeFileSync(setup, `(await import(${JSON.stringify(pathToFileURL(shim).href)}))._setPreopens({ '/sandbox': process.env.TESSERA_BENCH_SANDBOX });\n`);
  const sandbox = join(tmp, 'sandbox');
  const env = { ...process.env, TESSERA_BENCH_SANDBOX: sandbox };
  mkdirSync(sandbox);

  const row = (name: string, r: { ms?: number; error?: string }): Row => ({ name, ms: r.ms, ...(r.error ? { note: r.error } : {}) });
  console.log(`WASI 0.2: Node ${process.version}; components built by jco ${JSON.parse(readFileSync(join(jco, '../../package.json'), 'utf8')).version} with its preview1 adapter`);

  process.stderr.write('  start-up...\n');
  table(`Start-up: hello.component.wasm as a new process (median of ${spawns} spawns)`, [
    row('tessera run', spawnMedian([tessera, 'run', HELLO], spawns)),
    row('jco run (transpile + preview2-shim)', spawnMedian([jco, 'run', HELLO], spawns)),
    row('node -e 0 (floor)', spawnMedian(['-e', '0'], spawns)),
  ], 'tessera run');

  process.stderr.write('  syscall loop (processes)...\n');
  const t = (n: number) => spawnMedian([tessera, 'run', '--dir', `${sandbox}::/sandbox`, SYSCALLS, String(n), '/sandbox'], loopSpawns, env);
  const j = (n: number) => spawnMedian([jco, 'run', '--jco-import', setup, SYSCALLS, String(n), '/sandbox'], loopSpawns, env);
  const tFew = t(few);
  const tMany = t(many);
  const jFew = j(few);
  const jMany = j(many);
  const perK = (a: { ms?: number }, b: { ms?: number }) => (a.ms === undefined || b.ms === undefined ? {} : { ms: ((b.ms - a.ms) / (many - few)) * 1000 });
  table(`Syscall-heavy guest, host directory, whole process (median of ${loopSpawns})`, [
    row(`tessera run, ${few} rounds`, tFew),
    row(`jco run, ${few} rounds`, jFew),
    row(`tessera run, ${many} rounds`, tMany),
    row(`jco run, ${many} rounds`, jMany),
  ], `tessera run, ${many} rounds`);
  table(`Syscall loop alone: per 1000 rounds (${19000} guest calls), from the two run lengths`, [
    row('tessera run', perK(tFew, tMany)),
    row('jco run', perK(jFew, jMany)),
  ], 'tessera run');

  process.stderr.write('  syscall loop (in process, Tessera)...\n');
  const compiled = await compileComponent(readFileSync(SYSCALLS));
  const hostSandbox = hostDir(sandbox);
  const once = async (fs: MemoryFs | ReturnType<typeof hostDir>) => {
    let out = '';
    const host = new WasiP2({
      args: ['syscalls', '2000', '/sandbox'], preopens: { '/sandbox': fs },
      stdout: { write: (b) => { out += new TextDecoder().decode(b); } },
    });
    const inst = await host.instantiate(compiled);
    const code = await runCommand(runExport(inst.exports) as () => unknown);
    if (code !== 0 || out !== '1\n') throw new Error(`syscalls: exit ${code}, output ${JSON.stringify(out)}`);
  };
  const mem = await measure(() => once(new MemoryFs()), options);
  const host = await measure(() => once(hostSandbox), options);
  table('Syscall-heavy guest in process, 2000 rounds (Tessera; compiled once, an instance per run)', [
    { name: 'tessera, memory fs', ms: mem.medianMs },
    { name: 'tessera, host directory', ms: host.medianMs },
  ], 'tessera, memory fs');
  rmSync(tmp, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  await wasiP2Bench(values.quick === true);
}
