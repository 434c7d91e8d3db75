// `tessera serve`: serves a wasi:http/proxy component over HTTP, like `wasmtime serve`: a fresh
// instance per request, under limits, with key-value storage and configuration for the guest,
// an access log line per request on stderr, and a graceful stop on SIGINT or SIGTERM.
import { readFileSync } from 'node:fs';
import { LinkError, ValidationError } from '../core/errors.ts';
import { type Capabilities, configImports, keyvalueImports, openCapabilities } from '../serve/capabilities/index.ts';
import { suspendingImports } from '../serve/capabilities-imports.ts';
import { GuestError } from '../serve/guest.ts';
import { MemoryCapError } from '../serve/instrument.ts';
import { type AccessLogEntry, createHandler, type Handler, type Isolation, type ServeLimits } from '../serve/handler.ts';
import { nodeStderr, nodeStdout } from '../wasi/node.ts';
import { NetPolicy } from '../wasi/p2/sockets/policy.ts';
import { grantedNetwork } from './network.ts';
import { type Command, EXIT_FAILURE, UsageError } from './command.ts';

const HELP = `Usage: tessera serve [options] <app.wasm>

Serves a wasi:http/proxy component (WASI 0.2) or a wasi:http/service component (WASI 0.3,
see --max-instance-concurrent-reuse). For 0.2, every request runs the component's
wasi:http/incoming-handler in an instance as it was right after instantiation: one reset to
that state after its previous request, or a new one. Request and response bodies stream both
ways. A request whose instance traps, overruns its deadline or a limit gets 500, 503 or 413
and costs no other request. One access log line per request goes to stderr. SIGINT or
SIGTERM stops taking connections and lets requests in flight finish.

Options:
  --addr HOST:PORT            Where to listen (default 127.0.0.1:8080; port 0: any free one)
  --deadline DURATION         How long a request's instance may run, waits included, e.g.
                              500ms, 30s, 2m (default 30s); then 503 and the instance is gone
  --max-memory SIZE           Memory cap per instance, e.g. 64M, 1G (default 128M)
  --max-concurrency N         Requests running at once (default 64)
  --max-queue N               Requests waiting for a free slot (default 256); more get 503
  --max-request-body SIZE     Request body cap (default 16M): 413, or a failed read
  --max-response-body SIZE    Response body cap (default 256M): the response is cut off
  --max-instance-reuse N      Serve up to N requests, one after the other, with one instance
                              (default 1: every request starts from the state right after
                              instantiation; state is kept between the requests of one instance)
  --isolation reset|fresh     How a request gets an instance in that state (default reset):
                              reset puts an instance back exactly as instantiated after its
                              request (memories, globals, tables, handles), and makes a new one
                              when that cannot be done exactly (a memory grew, a trap, a handle
                              left open, ...); fresh instantiates for every request. The start-up
                              line says which is in effect, and why not reset
  --max-instance-concurrent-reuse N
                              A WASI 0.3 wasi:http/service component's handler is async: one
                              instance serves up to N requests at the same time (default 16),
                              and up to --max-instance-reuse requests in all (default 128 for
                              such a component), its state kept between them; a trap fails the
                              requests in flight on that instance (500) and no others
  --kv STORE                  wasi:keyvalue's store: a SQLite file (default
                              .tessera/keyvalue.sqlite), :memory:, or redis://HOST:PORT/DB
  --kv-bucket NAME            A bucket the guest may open (default: "default"); repeatable
  --config KEY=VALUE          A wasi:config value; repeatable, wins over --config-file
  --config-file FILE          wasi:config values from a JSON object of strings; repeatable
  --allow-net HOST[:PORT]     The guest may reach HOST (at PORT, or any port) with outgoing
                              HTTP and sockets; repeatable; nothing by default
  --env NAME[=VALUE]          An environment variable for the guest; NAME alone copies the
                              host's value; repeatable
  --quiet                     No access log
  -h, --help                  Show this help

Exit codes: 0 after a graceful stop; 1 when the server cannot start (unreadable, invalid or
not a wasi:http component, an import the host does not have, address in use); 2 bad usage.`;

interface ServeArgs {
  file?: string;
  addr: string;
  limits: { -readonly [K in keyof ServeLimits]: ServeLimits[K] };
  isolation?: Isolation;
  kv?: string;
  readonly buckets: string[];
  readonly config: string[];
  readonly configFiles: string[];
  readonly allowNet: string[];
  readonly env: string[];
  quiet: boolean;
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1 << 20, mb: 1 << 20, mib: 1 << 20, g: 1 << 30, gb: 1 << 30, gib: 1 << 30 };

/** `64M`, `1G`, `512k`, `4096`: bytes. */
export function parseSize(s: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(s.trim());
  const unit = m === null ? undefined : UNITS[m[2].toLowerCase()];
  if (m === null || unit === undefined) throw new UsageError(`${what}: not a size: ${s} (e.g. 4096, 512K, 64M, 1G)`);
  return Math.floor(Number(m[1]) * unit);
}

/** `500ms`, `30s`, `2m`, `1500` (ms): milliseconds. */
export function parseDuration(s: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(s.trim());
  if (m === null) throw new UsageError(`${what}: not a duration: ${s} (e.g. 500ms, 30s, 2m)`);
  const n = Number(m[1]);
  switch ((m[2] ?? 'ms').toLowerCase()) {
    case 's': return n * 1000;
    case 'm': return n * 60_000;
    case 'h': return n * 3_600_000;
    default: return n;
  }
}

function count(s: string, what: string): number {
  if (!/^\d+$/.test(s) || Number(s) < 1) throw new UsageError(`${what}: not a positive whole number: ${s}`);
  return Number(s);
}

export function parseServeArgs(args: readonly string[]): ServeArgs {
  const o: ServeArgs = { addr: '127.0.0.1:8080', limits: {}, buckets: [], config: [], configFiles: [], allowNet: [], env: [], quiet: false };
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--addr': o.addr = take(); break;
      case '--deadline': o.limits.deadlineMs = parseDuration(take(), a); break;
      case '--max-memory': o.limits.maxMemoryBytes = parseSize(take(), a); break;
      case '--max-concurrency': o.limits.maxConcurrency = count(take(), a); break;
      case '--max-queue': o.limits.maxQueue = Number(take()); break;
      case '--max-request-body': o.limits.maxRequestBodyBytes = parseSize(take(), a); break;
      case '--max-response-body': o.limits.maxResponseBodyBytes = parseSize(take(), a); break;
      case '--max-instance-reuse': o.limits.maxInstanceReuse = count(take(), a); break;
      case '--max-instance-concurrent-reuse': o.limits.maxInstanceConcurrentReuse = count(take(), a); break;
      case '--isolation': {
        const v = take();
        if (v !== 'reset' && v !== 'fresh') throw new UsageError(`--isolation: reset or fresh, not ${v}`);
        o.isolation = v;
        break;
      }
      case '--kv': o.kv = take(); break;
      case '--kv-bucket': o.buckets.push(take()); break;
      case '--config': o.config.push(take()); break;
      case '--config-file': o.configFiles.push(take()); break;
      case '--allow-net': o.allowNet.push(take()); break;
      case '--env': {
        const spec = take();
        if (spec.includes('=')) o.env.push(spec);
        else if (process.env[spec] !== undefined) o.env.push(`${spec}=${process.env[spec]}`);
        break;
      }
      case '--quiet': o.quiet = true; break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (o.file !== undefined) throw new UsageError(`one component only (got ${o.file} and ${a})`);
        o.file = a;
    }
  }
  if (o.limits.maxQueue !== undefined && !(Number.isInteger(o.limits.maxQueue) && o.limits.maxQueue >= 0)) throw new UsageError('--max-queue: not a whole number');
  return o;
}

/** `HOST:PORT` (IPv6 as `[::1]:8080`). */
export function parseAddr(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr);
  if (m === null || Number(m[3]) > 65535) throw new UsageError(`--addr: expected HOST:PORT, got ${addr}`);
  return { host: m[1] ?? (m[2] === '' ? '127.0.0.1' : m[2]), port: Number(m[3]) };
}

/** One access log line: time, method, path, status, body bytes, duration, and what went wrong. */
export function formatAccess(e: AccessLogEntry, now = new Date()): string {
  return `${now.toISOString()} ${e.method} ${e.path} ${e.status} ${e.bytes}B ${e.durationMs.toFixed(1)}ms${e.note === undefined ? '' : ` (${e.note})`}`;
}

/**
 * Lines written together once per turn of the event loop instead of one write (a system call)
 * each: the access log of a busy server, where a write per request cost a fifth to a third of
 * its requests per second (loopback, a hello component). `flush` writes what is pending now.
 */
export function batchedLines(write: (text: string) => void): { line(text: string): void; flush(): void } {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    write(text);
  };
  return {
    line(text) {
      pending.push(text);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

function startupMessage(e: unknown): string | undefined {
  if (e instanceof LinkError) return e.message.replace(/^missing import/, 'the component imports what this host does not have: missing import');
  if (e instanceof ValidationError || e instanceof GuestError || e instanceof MemoryCapError) return e.message;
  if (e instanceof Error && e.name === 'DecodeError') return `not a component: ${e.message}`;
  if (e instanceof Error && 'code' in e && (e.code === 'EADDRINUSE' || e.code === 'EADDRNOTAVAIL' || e.code === 'EACCES')) return `cannot listen: ${e.message}`;
  return undefined;
}

/** How requests get their instances, for the start-up line. */
export function isolationNote(i: Handler['isolation'], asked: Isolation | undefined): string {
  if (i.mode === 'shared') return `instances shared by up to ${i.concurrent} requests at once, ${i.reuse} in all (${i.why})`;
  if (i.mode === 'reset') return 'instances reset between requests';
  if (i.why === undefined || asked === 'fresh') return 'a new instance per request';
  return `no resets: ${i.why}`;
}

async function serveMain(args: string[]): Promise<number> {
  const o = parseServeArgs(args);
  if (o.file === undefined) throw new UsageError('no component given');
  const { host, port } = parseAddr(o.addr);
  let policy: NetPolicy;
  try {
    policy = new NetPolicy(o.allowNet);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const file = o.file;
  const fail = (message: string) => {
    process.stderr.write(`tessera serve: ${file}: ${message}\n`);
    return EXIT_FAILURE;
  };
  const bytes = new Uint8Array(readFileSync(file));
  let caps: Capabilities;
  try {
    caps = await openCapabilities({
      keyvalue: { ...(o.kv === undefined ? {} : { kv: o.kv }), ...(o.buckets.length > 0 ? { buckets: o.buckets } : {}),
        onError: (e) => process.stderr.write(`tessera serve: key-value store: ${e.message}\n`) },
      config: { files: o.configFiles, flags: o.config },
    });
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const { network, http } = await grantedNetwork(policy);
  const stderr = process.stderr;
  const access = batchedLines((text) => stderr.write(text));
  let handler: Handler;
  let server: Awaited<ReturnType<typeof import('../serve/node-server.ts').listen>>;
  try {
    const kv = keyvalueImports(caps.keyvalue);
    handler = await createHandler(bytes, {
      wasi: { env: o.env, stdout: nodeStdout(), stderr: nodeStderr(), allowNet: policy, ...(network ? { network } : {}), ...(http ? { http } : {}) },
      imports: { ...(caps.keyvalue.backend.synchronous ? kv : suspendingImports(kv)), ...configImports(caps.config) },
      limits: o.limits,
      ...(o.isolation === undefined ? {} : { isolation: o.isolation }),
      ...(o.quiet ? {} : { log: (e: AccessLogEntry) => access.line(`${formatAccess(e)}\n`) }),
    });
    const { listen } = await import('../serve/node-server.ts');
    server = await listen(handler, { host, port });
  } catch (e) {
    await caps.close();
    network?.closeAll();
    const message = startupMessage(e);
    if (message === undefined) throw e;
    return fail(message);
  }
  const where = server.address.host.includes(':') ? `[${server.address.host}]` : server.address.host;
  stderr.write(`tessera serve: ${file} on http://${where}:${server.address.port}/ (${isolationNote(handler.isolation, o.isolation)})\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      access.flush();
      if (stopping) {
        stderr.write(`tessera serve: ${signal} again, stopping now\n`);
        process.exit(EXIT_FAILURE);
      }
      stopping = true;
      stderr.write(`tessera serve: ${signal}: finishing ${handler.inFlight} request(s) in flight\n`);
      resolve();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close(o.limits.deadlineMs ?? 30_000);
  await caps.close();
  network?.closeAll();
  access.flush();
  stderr.write('tessera serve: stopped\n');
  return 0;
}

export const serve: Command = {
  name: 'serve',
  summary: 'Serve a wasi:http component over HTTP (a fresh instance per request)',
  help: HELP,
  run: serveMain,
};
