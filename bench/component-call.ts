// `npm run bench -- --suite=component-call`: the cost of calling into a component from
// JavaScript, Tessera's component runtime against jco's transpiled output of the same
// component, in one process (issue 8, Speed). The subject is the small C guest
// test/fixtures/component/bench.component.wasm (world tessera:bench/bench): its functions
// do almost nothing, so the host's glue (lifting and lowering, handles, post-return) is
// what is timed, not the guest.
//
// jco's side: the component is transpiled once into bench/.cache/component-call/ (keyed
// by the component's and jco's hashes, reused across runs), with `instantiation: 'async'`
// so the bench hands it compiled core modules and host imports; its generated ES module is
// then imported. Tessera's side: compileComponent + instantiateComponent from src/index.ts.
// A host that fails to instantiate or answers wrongly gets no numbers ("not available" or
// "error"), and no ratio is printed for its rows.
//
// Per-call rows time a batch of calls and report the median time per call. Ratios are
// jco time / Tessera time: above 1 means Tessera is faster.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compileComponent, instantiateComponent } from '../src/index.ts';
import {
  API, BYTES, benchApi, checkApi, hostImports, isObject, newLog, RECORD, STRING, tesseraApi,
} from '../test/support/bench-api.ts';
import type { BenchApi } from '../test/support/bench-api.ts';
import { collectGarbage, FULL, measure, QUICK } from './measure.ts';
import type { MeasureOptions } from './measure.ts';
import { briefError, installedVersion } from './peers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = join(root, 'test/fixtures/component/bench.component.wasm');
const CACHE = join(root, 'bench/.cache/component-call');

// ---- jco ----

interface JcoBuild {
  readonly version: string;
  /** Core module file names the generated code asks for, with their bytes. */
  readonly cores: ReadonlyMap<string, Uint8Array<ArrayBuffer>>;
  readonly instantiate: (getCoreModule: (name: string) => unknown, imports: unknown) => Promise<unknown>;
  readonly transpileMs: number | undefined;
  readonly glueBytes: number;
  readonly entry: string;
}

const JCO_OPTIONS = { name: 'bench', instantiation: 'async', noTypescript: true, quiet: true } as const;

async function jcoBuild(component: Uint8Array): Promise<JcoBuild> {
  const version = installedVersion('@bytecodealliance/jco');
  const key = createHash('sha256').update(component).update(version).update(JSON.stringify(JCO_OPTIONS))
    .digest('hex').slice(0, 16);
  const dir = join(CACHE, `jco-${key}`);
  const manifest = join(dir, 'files.json');
  let files: string[];
  let transpileMs: number | undefined;
  try {
    files = JSON.parse(readFileSync(manifest, 'utf8')) as string[];
  } catch {
    const { transpile } = await import('@bytecodealliance/jco');
    const t0 = performance.now();
    const out = await transpile(component, { ...JCO_OPTIONS }); // a copy: transpile fills in defaults
    transpileMs = performance.now() - t0;
    files = Object.keys(out.files);
    for (const [name, bytes] of Object.entries(out.files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), bytes);
    }
    writeFileSync(manifest, JSON.stringify(files));
  }
  const cores = new Map(files.filter((f) => f.endsWith('.wasm')).map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));
  const entry = join(dir, 'bench.js');
  const mod: unknown = await import(pathToFileURL(entry).href);
  const instantiate = isObject(mod) ? mod.instantiate : undefined;
  if (typeof instantiate !== 'function') throw new Error('jco output has no instantiate export');
  return {
    version, cores, transpileMs, entry, glueBytes: readFileSync(entry).length,
    instantiate: (getCoreModule, imports) => Promise.resolve(Reflect.apply(instantiate, undefined, [getCoreModule, imports])),
  };
}

// ---- Tessera ----

/** Options given to instantiateComponent: jco's camelCase names, so both hosts take the same values. */
const TESSERA_OPTIONS = { names: 'camel' } as const;

// ---- rows ----

interface Host {
  readonly name: string;
  /** A fresh, checked API instance. */
  api(): Promise<BenchApi>;
  /** The load rows: from component bytes (compile + instantiate) and from compiled code. */
  compileAndInstantiate(): Promise<unknown>;
  instantiateOnly(): Promise<unknown>;
  /** From files, as a fresh process meets a component: jco also loads its generated module. */
  coldStart(): Promise<unknown>;
}

interface Row {
  readonly name: string;
  readonly measures: string;
  /** Calls per timed run (per-call rows); undefined for rows timed per operation. */
  readonly batch?: number;
  op(host: Host, api: BenchApi): () => unknown;
}

const ROWS: readonly Row[] = [
  { name: 'noop call', measures: 'noop(): no arguments, no results', batch: 20_000,
    op: (_, api) => api.noop },
  { name: 'string round trip', measures: `echo-string(s) -> string, s = ${STRING.length} ASCII chars (utf8)`, batch: 5_000,
    op: (_, api) => () => api.echoString(STRING) },
  { name: 'echo list<u8> 64 KiB', measures: 'echo-bytes(b) -> list<u8>: 64 KiB Uint8Array in and out', batch: 200,
    op: (_, api) => () => api.echoBytes(BYTES) },
  { name: 'sum list<u8> 64 KiB', measures: 'sum-bytes(b) -> u32: 64 KiB in (the guest\'s loop over the bytes is in the time, the same for both)', batch: 200,
    op: (_, api) => () => api.sumBytes(BYTES) },
  { name: 'record of ten fields', measures: 'echo-record(r) -> rec10: u8 u32 s64 f64 bool string char option<u32> enum u16, in flat, out through memory', batch: 5_000,
    op: (_, api) => () => api.echoRecord(RECORD) },
  { name: 'resource method call', measures: 'counter.increment() on a live counter (borrow<counter> of a guest resource)', batch: 20_000,
    op: (_, api) => { const c = api.newCounter(0); return () => c.increment(); } },
  { name: 'resource new + drop', measures: 'new counter(1) then [Symbol.dispose]() (guest destructor runs)', batch: 5_000,
    op: (_, api) => () => api.newCounter(1)[Symbol.dispose]() },
  { name: 'export calling 2 imports', measures: 'call-host(a, b): the guest calls host log(string) and add(u32, u32)', batch: 5_000,
    op: (_, api) => () => api.callHost(1, 2) },
  { name: 'compile + instantiate', measures: 'from component bytes: jco compiles its core modules (WebAssembly.compile) and runs ' +
    'instantiate(); Tessera compileComponent(bytes) + instantiateComponent', op: (host) => () => host.compileAndInstantiate() },
  { name: 'cold start', measures: 'compile + instantiate, jco also importing its generated module afresh (what each new ' +
    'component costs a process; jco\'s transpile step is still left out)', op: (host) => () => host.coldStart() },
  { name: 'instantiate only', measures: 'from compiled code: jco instantiate() with compiled core modules; ' +
    'Tessera instantiateComponent(CompiledComponent)', op: (host) => () => host.instantiateOnly() },
];

function jcoHost(build: JcoBuild): Host {
  const compiled = new Map([...build.cores].map(([name, bytes]) => [name, new WebAssembly.Module(bytes)]));
  const fromCompiled = (name: string) => compiled.get(name);
  const fromBytes = (name: string) => WebAssembly.compile(build.cores.get(name) ?? new Uint8Array());
  return {
    name: 'jco',
    async api() {
      const log = newLog();
      const rootExports = await build.instantiate(fromCompiled, hostImports(log));
      const api = benchApi(isObject(rootExports) ? rootExports[API] : undefined, 'jco');
      checkApi(api, log);
      return api;
    },
    compileAndInstantiate: () => build.instantiate(fromBytes, hostImports()),
    instantiateOnly: () => build.instantiate(fromCompiled, hostImports()),
    async coldStart() {
      const mod: unknown = await import(`${pathToFileURL(build.entry).href}?cold=${coldImports++}`);
      const instantiate = isObject(mod) ? mod.instantiate : undefined;
      if (typeof instantiate !== 'function') throw new Error('jco output has no instantiate export');
      return Reflect.apply(instantiate, undefined, [fromBytes, hostImports()]);
    },
  };
}

/** A new URL per cold import, so each is a new module record (parsed and evaluated again). */
let coldImports = 0;

async function tesseraHost(bytes: Uint8Array): Promise<Host> {
  const compiled = await compileComponent(bytes);
  return {
    name: 'tessera',
    async api() {
      const log = newLog();
      const api = benchApi(tesseraApi(await instantiateComponent(compiled, hostImports(log), TESSERA_OPTIONS)), 'tessera');
      checkApi(api, log);
      return api;
    },
    compileAndInstantiate: async () => instantiateComponent(await compileComponent(bytes), hostImports(), TESSERA_OPTIONS),
    instantiateOnly: () => instantiateComponent(compiled, hostImports(), TESSERA_OPTIONS),
    // Tessera loads no per-component code: a cold start is compile + instantiate.
    coldStart: async () => instantiateComponent(await compileComponent(bytes), hostImports(), TESSERA_OPTIONS),
  };
}

type Result = { readonly ok: true; readonly ms: number; readonly runs: number } | { readonly ok: false; readonly error: string };

async function time(row: Row, host: Host, api: BenchApi | undefined, options: MeasureOptions): Promise<Result> {
  collectGarbage();
  try {
    if (api === undefined && row.batch !== undefined) throw new Error('no instance');
    const once = row.op(host, api as BenchApi);
    const batch = row.batch;
    const run = batch === undefined ? once : () => { for (let i = 0; i < batch; i++) once(); };
    const m = await measure(run, options);
    const ms = m.medianMs / (batch ?? 1);
    process.stderr.write(`  ${row.name} / ${host.name}: ${formatTime(ms)} (median of ${m.runs} runs${batch === undefined ? '' : ` of ${batch} calls`})\n`);
    return { ok: true, ms, runs: m.runs };
  } catch (error) {
    process.stderr.write(`  ${row.name} / ${host.name}: error: ${briefError(error)}\n`);
    return { ok: false, error: briefError(error) };
  }
}

/** Median time to import jco's generated module afresh (a new URL each time, so a new module record). */
async function glueImportMs(entry: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await import(`${pathToFileURL(entry).href}?fresh=${i}`);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[5];
}

function formatTime(ms: number): string {
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  if (ms >= 0.001) return `${(ms * 1000).toFixed(2)} us`;
  return `${(ms * 1e6).toFixed(0)} ns`;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((t, c) => (c === 0 ? t.padEnd(widths[c]) : t.padStart(widths[c]))).join('  ').trimEnd()).join('\n');
}

/** Runs the component-call benchmark and prints its table (run.ts calls it for `--suite=component-call`). */
export async function componentCallBench(quick: boolean): Promise<void> {
  const options = quick ? QUICK : FULL;
  const bytes = new Uint8Array(readFileSync(FIXTURE));
  const build = await jcoBuild(bytes);
  const hosts: Host[] = [jcoHost(build)];
  const notes: string[] = [];
  let tessera: Host | undefined;
  try {
    tessera = await tesseraHost(bytes);
    hosts.push(tessera);
  } catch (error) {
    notes.push(`Tessera rows not available: ${briefError(error)}`);
  }

  const results = new Map<string, Map<string, Result>>();
  for (const host of hosts) {
    let api: BenchApi | undefined;
    let apiError: string | undefined;
    try {
      api = await host.api();
    } catch (error) {
      apiError = briefError(error);
      notes.push(`${host.name}: instantiating or checking the API failed: ${apiError}`);
    }
    const mine = new Map<string, Result>();
    results.set(host.name, mine);
    for (const row of ROWS) {
      mine.set(row.name, row.batch !== undefined && api === undefined
        ? { ok: false, error: apiError ?? 'no instance' }
        : await time(row, host, api, options));
    }
  }

  console.log(`== Component calls: ${FIXTURE.slice(root.length)} (${(bytes.length / 1024).toFixed(1)} KiB), ` +
    `Tessera against jco ${build.version} transpile output, median time per call (per operation for the load rows)`);
  console.log('\nRows (what is timed):');
  for (const row of ROWS) console.log(`  ${row.name}: ${row.measures}`);
  console.log('\nNotes:');
  console.log(`  jco: transpile(${JSON.stringify(JCO_OPTIONS)}), ${(build.glueBytes / 1024).toFixed(0)} KiB of generated JavaScript, ` +
    `${build.cores.size} core modules; cached in ${dirname(build.entry).slice(root.length)}` +
    (build.transpileMs === undefined ? ' (reused)' : ` (transpiled in this run: ${build.transpileMs.toFixed(0)} ms, not counted below)`));
  console.log(`  jco: loading the generated module (a fresh import: parse + evaluate) takes ${formatTime(await glueImportMs(build.entry))} ` +
    '(median of 10) before its first instantiate; the load rows leave it out, as they leave out the transpile');
  console.log(`  Tessera: instantiateComponent(..., imports, ${JSON.stringify(TESSERA_OPTIONS)}) so both hosts take and return the same values`);
  console.log('  compile + instantiate: V8 reuses the compiled code of a module whose bytes match a live one, and both hosts ' +
    'keep theirs alive for the instantiate-only row, so the row is mostly what each host does besides V8\'s compile');
  for (const note of notes) console.log(`  ${note}`);

  const cell = (r: Result | undefined) => (r === undefined ? 'not available' : r.ok ? formatTime(r.ms) : 'error');
  const lines: string[][] = [['row', 'jco', 'tessera', 'tessera/jco (above 1: Tessera faster)']];
  const ratios: number[] = [];
  for (const row of ROWS) {
    const j = results.get('jco')?.get(row.name);
    const t = tessera === undefined ? undefined : results.get('tessera')?.get(row.name);
    let ratio = '-';
    if (j?.ok && t?.ok) {
      ratios.push(j.ms / t.ms);
      ratio = `${(j.ms / t.ms).toFixed(2)}x`;
    }
    lines.push([row.name, cell(j), cell(t), ratio]);
  }
  if (ratios.length > 0) {
    lines.push(['geomean', '', '', `${Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length).toFixed(2)}x`]);
  }
  console.log(`\n${table(lines)}`);
  const errors = [...results].flatMap(([host, rows]) =>
    [...rows].flatMap(([row, r]) => (r.ok ? [] : [`  ${row} / ${host}: ${r.error}`])));
  if (errors.length > 0) console.log('\nErrors:', `\n${[...new Set(errors)].join('\n')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  await componentCallBench(values.quick);
}
