// `npm run bench -- --suite=serve`: HTTP requests per second and latency (p50, p99) on
// loopback for the same small C hello component (test/fixtures/serve/hello.component.wasm, so
// the host is what is measured) under `tessera serve` (each request in an instance as
// instantiated: reset after its previous request, the default; a new instance per request,
// `--isolation fresh`; and instance reuse, state kept between requests), `jco serve
// --isolate-requests instance` (jco's fresh instance per
// request; plain `jco serve` shares one instance), and a plain node:http hello server, the
// upper bound for anything on Node. One server at a time runs in its own process; autocannon
// (a devDependency) drives it from this one with 50 keep-alive connections: a warm-up, then
// a measured run of fixed length. Loopback on a shared machine is noisy: compare within one
// run. Then the JavaScript example (examples/hello-js, componentize-js; its /hello route, no
// storage) under `tessera serve` and `jco serve --isolate-requests instance`, in the same run:
// built into node_modules/.cache first when needed; jco gets the example's wasi:keyvalue from
// bench/jco-keyvalue.ts, since it has none. Before the servers, the HTTP path without sockets:
// createHandler's function in this process (web Request to Response, and `handler.serve`, the
// node:http adapter's way in), requests one at a time and 50 at once.
//
// Environment: TESSERA_SERVE_BASELINE=DIR adds rows for the tessera of another checkout in DIR
// (say `git archive <commit> | tar -x -C DIR`, node_modules linked), so a change is measured
// against what it changed in one run; TESSERA_SERVE_JS=0 leaves the JavaScript example out.
// The 0.3 row serves test/fixtures/serve-p3/service.wat's /hello (a wasi:http/service, shared
// instances), built by this checkout's parser for both checkouts.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { jsComponent } from '../scripts/build-js-component.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HELLO = 'test/fixtures/serve/hello.component.wasm';
const CONNECTIONS = 50;
const BASELINE = process.env.TESSERA_SERVE_BASELINE === undefined || process.env.TESSERA_SERVE_BASELINE === '' ? undefined : resolve(process.env.TESSERA_SERVE_BASELINE);

interface Server {
  readonly name: string;
  /** The path requested (default /). */
  readonly path?: string;
  /** Measured as long as without --quick: tens of requests a second need more than 1 + 3 s. */
  readonly full?: boolean;
  /** Starts it; resolves with its port once it answers. */
  start(): Promise<{ child: ChildProcess; port: number }>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  await once(s, 'close');
  return port;
}

async function accepting(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
}

/** A server in a process group of its own (jco serve starts a child of its own to run the server). */
function node(args: string[]): ChildProcess {
  return spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'ignore'], detached: true });
}

/** Stops a server started by `node` and whatever it started: its process group. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const exited = child.exitCode !== null ? Promise.resolve() : once(child, 'exit').then(() => undefined);
  const group = -child.pid;
  try {
    process.kill(group, 'SIGTERM');
  } catch { /* gone already */ }
  const timer = setTimeout(() => {
    try {
      process.kill(group, 'SIGKILL');
    } catch { /* gone */ }
  }, 5000);
  await exited;
  clearTimeout(timer);
  // The group's other members (jco's runner) get the same signal; give them a moment too.
  try {
    process.kill(group, 'SIGKILL');
  } catch { /* all gone */ }
}

/**
 * The 0.3 wasi:http/service fixture (test/fixtures/serve-p3/service.wat, component text) as a
 * .wasm file, built once by this checkout's parser: its /hello route is the 0.3 row.
 */
let p3File: string | undefined;
async function p3Service(): Promise<string> {
  if (p3File !== undefined) return p3File;
  const { serviceComponent } = await import('../test/fixtures/serve-p3/service.ts') as { serviceComponent: () => Uint8Array };
  const file = join(mkdtempSync(join(tmpdir(), 'tessera-bench-p3-')), 'service.wasm');
  writeFileSync(file, serviceComponent());
  p3File = file;
  return file;
}

function tessera(name: string, extra: string[], component: string | (() => Promise<string>) = HELLO, root = ROOT): Server {
  return {
    name,
    async start() {
      const port = await freePort();
      const file = typeof component === 'string' ? component : await component();
      const child = node([resolve(root, 'bin/tessera.js'), 'serve', resolve(ROOT, file), '--addr', `127.0.0.1:${port}`, '--quiet', ...extra]);
      await accepting(port, child, 30_000);
      return { child, port };
    },
  };
}

const SERVERS: readonly Server[] = [
  {
    name: 'node:http hello (upper bound)',
    async start() {
      const port = await freePort();
      const child = node(['-e', `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'text/plain'); s.end('hello, world\\n'); }).listen(${port}, '127.0.0.1')`]);
      await accepting(port, child, 10_000);
      return { child, port };
    },
  },
  tessera('tessera serve (reset, default)', []),
  tessera('tessera serve --isolation fresh', ['--isolation', 'fresh']),
  tessera('tessera serve (instance reused)', ['--max-instance-reuse', '1000000']),
  ...(BASELINE === undefined ? [] : [
    tessera('baseline: tessera serve (reset)', [], HELLO, BASELINE),
    tessera('baseline: tessera serve (reused)', ['--max-instance-reuse', '1000000'], HELLO, BASELINE),
  ]),
  { ...tessera('tessera serve, 0.3 service (shared)', [], p3Service), path: '/hello' },
  ...(BASELINE === undefined ? [] : [
    { ...tessera('baseline: 0.3 service (shared)', [], p3Service, BASELINE), path: '/hello' },
  ]),
  {
    name: 'jco serve --isolate-requests instance',
    async start() {
      const port = await freePort();
      const child = node(['node_modules/@bytecodealliance/jco/dist/jco.js', 'serve', HELLO, '--port', String(port), '--host', '127.0.0.1', '--isolate-requests', 'instance']);
      await accepting(port, child, 60_000);
      return { child, port };
    },
  },
];

/** The JavaScript example's rows: its hello route, under tessera serve and jco serve. */
function jsServers(component: string): Server[] {
  const servers: Server[] = [
    { ...tessera('tessera serve (reset, default)', ['--kv', ':memory:'], component), path: '/hello' },
    { ...tessera('tessera serve --isolation fresh', ['--kv', ':memory:', '--isolation', 'fresh'], component), path: '/hello' },
    {
      name: 'jco serve --isolate-requests instance',
      path: '/hello',
      async start() {
        const port = await freePort();
        const child = node(['node_modules/@bytecodealliance/jco/dist/jco.js', 'serve', component, '--port', String(port), '--host', '127.0.0.1', '--isolate-requests', 'instance', '--jco-import', `${ROOT}bench/jco-keyvalue.ts`]);
        await accepting(port, child, 120_000);
        return { child, port };
      },
    },
  ];
  return servers.map((s) => ({ ...s, full: true }));
}

interface Row {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly error?: string;
}

async function load(port: number, seconds: number, path = '/'): Promise<autocannon.Result> {
  return autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: CONNECTIONS, duration: seconds });
}

async function measure(server: Server, quick: boolean): Promise<Row> {
  let child: ChildProcess | undefined;
  try {
    const started = await server.start();
    child = started.child;
    // A warm-up (JIT, pools, connections), then the measured run.
    const short = quick && server.full !== true;
    await load(started.port, short ? 1 : 3, server.path);
    const r = await load(started.port, short ? 3 : 10, server.path);
    const errors = r.errors + r.timeouts + r.non2xx;
    const row: Row = { name: server.name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors };
    process.stderr.write(`  ${server.name}: ${Math.round(row.rps)} requests/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ${errors} errors\n`);
    return row;
  } catch (e) {
    return { name: server.name, rps: 0, p50: 0, p99: 0, errors: 0, error: e instanceof Error ? e.message : String(e) };
  } finally {
    if (child !== undefined) await stop(child);
  }
}

/** What createHandler's module gives (this checkout's, or the baseline's). */
interface HandlerModule {
  createHandler(component: Uint8Array, options?: { limits?: { maxInstanceReuse?: number } }): Promise<{
    (request: Request): Promise<Response>;
    serve?: (exchange: unknown) => Promise<{ kind: string; body?: { takeComplete(): Uint8Array[] | undefined; read(): Promise<Uint8Array | undefined> } }>;
    drain(): Promise<void>;
    readonly stats: { readonly instantiated: number };
  }>;
}

interface InProcessRow {
  readonly name: string;
  readonly one: number;
  readonly fifty: number;
}

/** A GET / as an Exchange (src/serve/exchange.ts), as the node:http adapter makes one. */
function helloExchange(): unknown {
  return {
    method: 'GET', path: '/', scheme: { tag: 'HTTP' }, authority: 'localhost',
    headers: () => [['host', new TextEncoder().encode('localhost')]], contentLength: undefined,
    body: () => ({ read: () => new Uint8Array(0), ready: () => true, cancel: () => undefined }),
    trailers: undefined, refuse: () => undefined,
  };
}

/** Requests per second of `one` run `n` times, `at` at once. */
async function rate(one: () => Promise<void>, n: number, at: number): Promise<number> {
  let left = n;
  const start = performance.now();
  await Promise.all(Array.from({ length: at }, async () => {
    while (left-- > 0) await one();
  }));
  return n / ((performance.now() - start) / 1000);
}

/**
 * The HTTP path without sockets: the hello component through createHandler's function and
 * `serve`, in this process. Every case is warmed up before any is measured: the first code to
 * run in a process pays for warming what all share (the JIT, the heap's sizing).
 */
export async function inProcess(quick: boolean): Promise<InProcessRow[]> {
  const bytes = new Uint8Array(readFileSync(resolve(ROOT, HELLO)));
  const n = quick ? 5000 : 20000;
  const cases: { name: string; one: () => Promise<void> }[] = [];
  const handlers: { drain(): Promise<void> }[] = [];
  for (const [label, root] of [['', ROOT], ['baseline: ', BASELINE]] as const) {
    if (root === undefined) continue;
    const mod = await import(pathToFileURL(resolve(root, 'src/serve/handler.ts')).href) as HandlerModule;
    for (const reuse of [false, true]) {
      const h = await mod.createHandler(bytes, reuse ? { limits: { maxInstanceReuse: 1_000_000 } } : {});
      handlers.push(h);
      // The instances made ahead of requests (16 by default) are made in the background: not while measuring.
      for (let i = 0; i < 200 && h.stats.instantiated < 16; i++) await new Promise((r) => setTimeout(r, 10));
      const name = `${label}${reuse ? 'reused' : 'reset'}`;
      cases.push({ name: `${name}, Request -> Response`, one: async () => { await (await h(new Request('http://localhost/'))).arrayBuffer(); } });
      const serve = h.serve;
      if (serve !== undefined) {
        cases.push({
          name: `${name}, handler.serve (node:http's way)`,
          one: async () => {
            const a = await serve(helloExchange());
            if (a.body !== undefined && a.body.takeComplete() === undefined) while (await a.body.read() !== undefined) { /* read */ }
          },
        });
      }
    }
  }
  for (const c of cases) {
    await rate(c.one, n / 2, 1);
    await rate(c.one, n / 2, 50);
  }
  const rows: InProcessRow[] = [];
  for (const c of cases) {
    const row = { name: c.name, one: await rate(c.one, n, 1), fifty: await rate(c.one, n, 50) };
    process.stderr.write(`  in-process ${row.name}: ${Math.round(row.one)} requests/s one at a time, ${Math.round(row.fifty)} 50 at once\n`);
    rows.push(row);
  }
  for (const h of handlers) await h.drain();
  return rows;
}

export async function serveBench(quick: boolean): Promise<void> {
  process.stderr.write(`serve: in-process, ${HELLO}\n`);
  const local = await inProcess(quick);
  process.stderr.write(`serve: ${HELLO}, ${CONNECTIONS} connections, ${quick ? '1 + 3' : '3 + 10'} s per server\n`);
  const rows: Row[] = [];
  for (const s of SERVERS) rows.push(await measure(s, quick));
  const withJs = process.env.TESSERA_SERVE_JS !== '0';
  const js = withJs ? jsComponent('hello-js') : '';
  if (withJs) process.stderr.write(`serve: the JavaScript example (${js}), /hello, 3 + 10 s per server\n`);
  const jsRows: Row[] = [];
  if (withJs) for (const s of jsServers(js)) jsRows.push(await measure(s, quick));
  const node = rows[0].rps;
  const ratio = (a: number, b: number) => (b > 0 && a > 0 ? `${(a / b).toFixed(2)}x` : '-');
  const table = (title: string, rows: readonly Row[]) => {
    const jco = rows.find((r) => r.name.startsWith('jco'))?.rps ?? 0;
    console.log(title);
    console.log(`${'server'.padEnd(40)} ${'requests/s'.padStart(10)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)} ${'vs node'.padStart(8)} ${'vs jco'.padStart(8)}`);
    for (const r of rows) {
      if (r.error !== undefined) {
        console.log(`${r.name.padEnd(40)} error: ${r.error}`);
        continue;
      }
      console.log(`${r.name.padEnd(40)} ${String(Math.round(r.rps)).padStart(10)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${String(r.errors).padStart(7)} ${ratio(r.rps, node).padStart(8)} ${ratio(r.rps, jco).padStart(8)}`);
    }
  };
  console.log(`The HTTP path without sockets: ${HELLO} through createHandler in one process (µs: per request, one at a time)`);
  console.log(`${'path'.padEnd(60)} ${'one at a time/s'.padStart(15)} ${'µs'.padStart(6)} ${'50 at once/s'.padStart(13)}`);
  for (const r of local) console.log(`${r.name.padEnd(60)} ${String(Math.round(r.one)).padStart(15)} ${(1e6 / r.one).toFixed(1).padStart(6)} ${String(Math.round(r.fifty)).padStart(13)}`);
  table(`HTTP serving on loopback: a C hello component (${HELLO}), ${CONNECTIONS} connections, autocannon`, rows);
  if (withJs) table(`The JavaScript example (examples/hello-js by componentize-js, ${Math.round(statSync(js).size / 1e6)} MB; GET /hello), same run; vs node: the node:http row above`, jsRows);
}
