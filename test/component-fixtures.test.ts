// The component fixtures of test/fixtures/component (built by
// scripts/build-component-fixtures.sh; bench.wat is parsed here): they are valid components,
// jco reads from them exactly the world of wit/bench.wit, and every export does what the
// WIT says, first under jco's transpiled output (so the fixtures are known good on their
// own) and then under Tessera's component runtime.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { componentEmbed, componentNew, transpile } from '@bytecodealliance/jco';
import {
  compileComponent, decodeComponent, encodeComponent, instantiateComponent, parseComponent, validateComponent,
} from '../src/index.ts';
import type { Component } from '../src/index.ts';
import {
  API, benchApi, checkApi, HOST, hostImports, isObject, newLog, RECORD, same, tesseraApi,
} from './support/bench-api.ts';
import type { BenchApi, HostLog, Rec10 } from './support/bench-api.ts';

const dir = new URL('fixtures/component/', import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
const WIT = readFileSync(new URL('wit/bench.wit', dir), 'utf8');

const benchC = read('bench.component.wasm');
const benchWat = encodeComponent(parseComponent(readFileSync(new URL('bench.wat', dir), 'utf8')));
/** The two builds of the world tessera:bench/bench. */
const BENCH: readonly { readonly name: string; readonly bytes: Uint8Array }[] = [
  { name: 'bench.component.wasm (C, jco embed + new)', bytes: benchC },
  { name: 'bench.wat (component text)', bytes: benchWat },
];

// ---- jco ----
const scratch = mkdtempSync(join(tmpdir(), 'tessera-component-fixtures-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let transpiled = 0;

interface Transpiled {
  readonly imports: string[];
  readonly exports: [string, string][];
  /** The generated TypeScript declarations, by file name. */
  readonly types: ReadonlyMap<string, string>;
  /** jco's `instantiate` of the generated module, compiling the core modules it asks for. */
  instantiate(imports: unknown): Promise<unknown>;
}

async function jco(bytes: Uint8Array): Promise<Transpiled> {
  const out = await transpile(bytes, { name: 'bench', instantiation: 'async', quiet: true });
  const at = join(scratch, String(transpiled++));
  const types = new Map<string, string>();
  for (const [name, data] of Object.entries(out.files)) {
    mkdirSync(dirname(join(at, name)), { recursive: true });
    writeFileSync(join(at, name), data);
    if (name.endsWith('.d.ts')) types.set(name, new TextDecoder().decode(data));
  }
  const mod: unknown = await import(pathToFileURL(join(at, 'bench.js')).href);
  const instantiate = isObject(mod) ? mod.instantiate : undefined;
  assert.equal(typeof instantiate, 'function');
  const getCoreModule = (name: string) => WebAssembly.compile(readFileSync(join(at, name)));
  return {
    imports: out.imports, exports: out.exports, types,
    instantiate: (imports) => Promise.resolve(Reflect.apply(instantiate as () => unknown, undefined, [getCoreModule, imports])),
  };
}

/** jco's view of the WIT world alone: a dummy component of the world (wasm-tools' own), transpiled. */
let fromWit: Promise<Transpiled> | undefined;
function witWorld(): Promise<Transpiled> {
  fromWit ??= componentEmbed({ dummy: true, witSource: WIT, world: 'bench' })
    .then((core) => componentNew(core)).then((component) => jco(component));
  return fromWit;
}

// ---- what every host must do with the world ----

/** Calls every export with edge values and checks results and resource behaviour. */
function exercise(api: BenchApi, log: HostLog): void {
  checkApi(api, log);

  for (const s of ['', 'héllo, 世界 🌍', 'x'.repeat(10_000)]) same(api.echoString(s), s, `echo-string of ${s.length} units`);

  same(api.sumBytes(new Uint8Array()), 0, 'sum-bytes of nothing');
  same(api.sumBytes(new Uint8Array(1000).fill(255)), 255_000, 'sum-bytes of 1000 x 255');
  const empty = api.echoBytes(new Uint8Array());
  assert.ok(empty instanceof Uint8Array && empty.length === 0, 'echo-bytes of nothing');

  const records: Rec10[] = [
    { tiny: 0, count: 0, bigNumber: 0n, ratio: -0, flag: false, name: '', letter: '\0', maybe: undefined, color: 'red', port: 0 },
    { tiny: 255, count: 0xffff_ffff, bigNumber: 2n ** 63n - 1n, ratio: -1e300, flag: true, name: 'ünïcödé 🌍',
      letter: '🌍', maybe: 0, color: 'green', port: 0xffff },
    { ...RECORD, bigNumber: -(2n ** 63n), maybe: 0xffff_ffff },
  ];
  for (const r of records) assert.deepStrictEqual(api.echoRecord(r), r, 'echo-record');

  same(api.callHost(0xffff_ffff, 1), 0, 'call-host wraps as u32');
  same(log.last, 'add 4294967295 1', 'call-host logs through the host');
  const before = log.count;
  api.callHost(1, 2);
  same(log.count, before + 1, 'one log per call-host');

  const a = api.newCounter(10);
  const b = api.newCounter(20);
  same(a.increment(), 11, 'a.increment');
  same(a.increment(), 12, 'a.increment');
  same(b.get(), 20, 'b.get: counters are independent');
  same(b.increment(), 21, 'b.increment');
  same(a.get(), 12, 'a.get');
  a[Symbol.dispose]();
  same(b.get(), 21, 'b survives a dropped sibling');
  b[Symbol.dispose]();
  // bench.wat has 128 counter cells, reused only when the destructor runs.
  for (let i = 0; i < 300; i++) {
    const c = api.newCounter(i);
    same(c.increment(), i + 1, `counter ${i}`);
    c[Symbol.dispose]();
  }
  // Last: the failed call may leave the instance unusable (Tessera, like wasmtime, does not
  // re-enter an instance whose call failed; jco carries on).
  assert.throws(() => a.get(), /./, 'a dropped counter cannot be used');
}

// ---- tests ----

describe('component fixtures', () => {
  test('every fixture is a valid component', () => {
    for (const name of ['hello.component.wasm', 'bench.component.wasm']) {
      assert.doesNotThrow(() => validateComponent(decodeComponent(read(name))), name);
    }
    const text: Component = parseComponent(readFileSync(new URL('bench.wat', dir), 'utf8'));
    validateComponent(text);
    validateComponent(decodeComponent(benchWat));
  });

  test('bench.component.wasm is small and its world imports only the host interface (no WASI)', () => {
    assert.ok(benchC.length < 64 * 1024, `${benchC.length} bytes`);
    const names = (kind: 'import' | 'export') => decodeComponent(benchC).sections
      .flatMap((s) => (s.kind === kind ? s.items.map((i) => i.name.name) : []));
    assert.deepStrictEqual(names('import'), [HOST]);
    assert.deepStrictEqual(names('export'), [API]);
  });

  for (const fixture of BENCH) {
    describe(fixture.name, () => {
      test('jco reads the world of wit/bench.wit from it: same imports, exports and declarations', async () => {
        const [mine, world] = await Promise.all([jco(fixture.bytes), witWorld()]);
        assert.deepStrictEqual(mine.imports, [HOST]);
        assert.deepStrictEqual(mine.exports, world.exports);
        assert.ok(mine.exports.some(([name, kind]) => name === API && kind === 'instance'));
        // jco's TypeScript declarations spell out every function, type and resource method
        // of both interfaces: equal text means the component's types are the WIT's.
        assert.deepStrictEqual([...mine.types.keys()].sort(), [...world.types.keys()].sort());
        for (const [file, text] of world.types) assert.equal(mine.types.get(file), text, file);
        assert.match(world.types.get('interfaces/tessera-bench-api.d.ts') ?? '', /export class Counter/);
      });

      test('under jco, every export does what the WIT says', async () => {
        const log = newLog();
        const root = await (await jco(fixture.bytes)).instantiate(hostImports(log));
        exercise(benchApi(isObject(root) ? root[API] : undefined, 'jco'), log);
      });

      test('Tessera instantiates it with host imports; every export does what the WIT says', async () => {
        const log = newLog();
        const instance = await instantiateComponent(fixture.bytes, hostImports(log), { names: 'camel' });
        exercise(benchApi(tesseraApi(instance), 'tessera'), log);
      });

      test('Tessera with WIT names (the default): kebab-case functions and record fields', async () => {
        const api = tesseraApi(await instantiateComponent(fixture.bytes, hostImports()));
        const echo = api['echo-record'];
        assert.equal(typeof echo, 'function');
        const { bigNumber, ...rest } = RECORD;
        const wit = { ...rest, 'big-number': bigNumber };
        assert.deepStrictEqual(Reflect.apply(echo as () => unknown, api, [wit]), wit);
        assert.equal(Reflect.apply(api['echo-string'] as () => unknown, api, ['kebab']), 'kebab');
      });

      test('Tessera: one CompiledComponent, independent instances', async () => {
        const compiled = await compileComponent(fixture.bytes);
        const logs = [newLog(), newLog()];
        const apis = await Promise.all(logs.map(async (log) =>
          benchApi(tesseraApi(await instantiateComponent(compiled, hostImports(log), { names: 'camel' })), 'tessera')));
        const [one, two] = apis;
        same(one.callHost(1, 1), 2, 'first instance');
        same(two.callHost(2, 2), 4, 'second instance');
        assert.deepStrictEqual(logs.map((l) => l.last), ['add 1 1', 'add 2 2']);
        const c = one.newCounter(5);
        same(c.increment(), 6, 'a counter of the first instance');
        same(two.newCounter(7).get(), 7, 'a counter of the second instance');
        c[Symbol.dispose]();
      });

      test('Tessera: an error thrown by a host import propagates out of the export', async () => {
        const imports = hostImports();
        const boom = new Error('host says no');
        imports[HOST].log = () => { throw boom; };
        const api = benchApi(tesseraApi(await instantiateComponent(fixture.bytes, imports, { names: 'camel' })), 'tessera');
        assert.throws(() => api.callHost(1, 2), (e) => e === boom);
      });
    });
  }
});
