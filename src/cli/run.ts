// `tessera run`: runs a WASI preview1 program, like `wasmtime run`. Options come before the
// file; everything after it is the guest's (its arguments, or the invoked export's values).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Module } from '../core/ast.ts';
import { LinkError, Trap } from '../core/errors.ts';
import type { FuncType } from '../core/types.ts';
import type { Instance } from '../runtime/engine.ts';
import { funcTypeAt } from '../runtime/module-types.ts';
import { Linker } from '../runtime/linker.ts';
import { NativeEngine } from '../runtime/native.ts';
import { NativeFunc, NativeMemory } from '../runtime/native-externs.ts';
import { trapFromEngine } from '../runtime/traps.ts';
import { jspiSupported, promising } from '../runtime/jspi.ts';
import { hostDir, nodeClocks, nodeStderr, nodeStdin, nodeStdinAsync, nodeStdout, stdinIsFile, tcpListen, type TcpListener } from '../wasi/node.ts';
import type { SocketListener } from '../wasi/p1/descriptors.ts';
import type { InputStream } from '../wasi/shared/stdio.ts';
import { type Preopen, WasiExit, WasiP1 } from '../wasi/p1/wasi.ts';
import { type Command, EXIT_FAILURE, UsageError } from './command.ts';

/** What wasmtime exits with on a trap: 128 + SIGABRT, as a native program that aborted. */
export const EXIT_TRAP = 134;

const HELP = `Usage: tessera run [options] <file.wasm|file.wat> [args...]

Runs a WASI preview1 program or a WASI 0.2 component. A command runs \`_start\` (a
component, \`wasi:cli/run\`); a reactor runs \`_initialize\`, then the export named by
--invoke. The guest sees only what the options grant: no files, no environment variables,
no network, its own arguments. A component's --invoke takes a call in WAVE, e.g.
--invoke 'greet("world", 3)' or --invoke 'ns:pkg/iface#f()', and prints the result in WAVE.

Options (before the file):
  --dir HOST[::GUEST]     Preopen host directory HOST as GUEST (default: HOST as written);
                          repeatable. Paths cannot escape it (.., absolute paths, symlinks)
  --dir-ro HOST[::GUEST]  The same, read-only
  --env NAME[=VALUE]      Set an environment variable; NAME alone copies the host's value
  --argv0 NAME            The program name the guest sees as argv[0] (default: the file name)
  --invoke NAME           Call export NAME instead of _start; the arguments after the file are
                          its parameters (i32, i64, f32, f64), and its results are printed
  --tcplisten HOST:PORT   Preopen a listening TCP socket (after the directories); the guest
                          accepts connections on it with sock_accept; repeatable
  --allow-net HOST[:PORT] A component (WASI 0.2) may reach HOST (at PORT, or any port) with
                          sockets, name lookups and HTTP; repeatable; nothing by default
  --no-jspi               Block the thread in blocking calls instead of suspending the guest
                          (the default suspends through JSPI unless stdin is a regular file)
  -h, --help              Show this help

Exit codes: the guest's exit code; ${EXIT_TRAP} after a trap (with a wasm backtrace on stderr);
1 when the module cannot run (unreadable, unsatisfied import, missing export); 2 bad usage.`;

interface RunOptions {
  readonly preopens: Preopen[];
  readonly tcplisten: string[];
  readonly allowNet: string[];
  jspi: boolean;
  readonly env: string[];
  argv0?: string;
  invoke?: string;
  file?: string;
  readonly rest: string[];
}

function parseRunArgs(args: readonly string[]): RunOptions {
  const o: RunOptions = { preopens: [], tcplisten: [], allowNet: [], jspi: true, env: [], rest: [] };
  let i = 0;
  const value = (name: string): string => {
    const v = args[++i];
    if (v === undefined) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (; i < args.length; i++) {
    let a = args[i];
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const take = (name: string) => inline ?? value(name);
    if (a === '--dir' || a === '--dir-ro') {
      const spec = take(a);
      const at = spec.indexOf('::');
      const host = at < 0 ? spec : spec.slice(0, at);
      const guest = at < 0 ? spec : spec.slice(at + 2);
      o.preopens.push({ guest, fs: hostDir(host, { readOnly: a === '--dir-ro' }) });
    } else if (a === '--env') {
      const spec = take(a);
      if (spec.includes('=')) o.env.push(spec);
      else if (process.env[spec] !== undefined) o.env.push(`${spec}=${process.env[spec]}`);
    } else if (a === '--tcplisten') o.tcplisten.push(take(a));
    else if (a === '--allow-net') o.allowNet.push(take(a));
    else if (a === '--no-jspi') o.jspi = false;
    else if (a === '--argv0') o.argv0 = take(a);
    else if (a === '--invoke') o.invoke = take(a);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else {
      o.file = args[i];
      o.rest.push(...args.slice(i + 1));
      break;
    }
  }
  return o;
}

/** A command-line argument as the JS value the engine takes for type `t`. */
function jsValue(text: string, t: FuncType['params'][number]): number | bigint {
  try {
    if (t === 'i32') return Number(BigInt.asIntN(32, BigInt(text)));
    if (t === 'i64') return BigInt.asIntN(64, BigInt(text));
  } catch {
    throw new UsageError(`not an integer: ${text}`);
  }
  if (t === 'f32' || t === 'f64') {
    const n = Number(text);
    if (Number.isNaN(n) && text.toLowerCase() !== 'nan') throw new UsageError(`not a number: ${text}`);
    return n;
  }
  throw new UsageError(`cannot pass a ${typeof t === 'string' ? t : 'reference'} from the command line`);
}

/** The wasm frames of V8's stack trace, innermost first, named from the module's name section. */
export function wasmBacktrace(stack: string, module: Module): string[] {
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const m = /wasm-function\[(\d+)\]:(0x[0-9a-f]+)/.exec(line);
    if (m === null) continue;
    const index = Number(m[1]);
    const name = module.names?.funcs.get(index) ?? `<wasm function ${index}>`;
    frames.push(`${String(frames.length).padStart(5)}: ${m[2].padStart(8)} - ${name}`);
  }
  return frames;
}

/** For an error out of the guest: its exit code, or EXIT_TRAP after printing a trap; else undefined. */
function exitOf(e: unknown, module: Module): number | undefined {
  if (e instanceof WasiExit) return e.code;
  const trap = e instanceof Trap ? e : trapFromEngine(e);
  if (trap === undefined) return undefined;
  const frames = wasmBacktrace(e instanceof Error ? e.stack ?? '' : '', module);
  process.stderr.write(`tessera run: wasm trap: ${trap.kind}\n`);
  if (frames.length > 0) process.stderr.write(`wasm backtrace:\n${frames.join('\n')}\n`);
  return EXIT_TRAP;
}

/** Runs `f`; a trap or an exit becomes an exit code. */
async function guarded(module: Module, f: () => number | Promise<number>): Promise<number> {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  try {
    return await f();
  } catch (e) {
    const code = exitOf(e, module);
    if (code === undefined) throw e;
    return code;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export const run: Command = {
  name: 'run',
  summary: 'Run a WASI program (command or reactor)',
  help: HELP,
  async run(args) {
    const o = parseRunArgs(args);
    if (o.file === undefined) throw new UsageError('run needs a file');
    const file = o.file;
    const bytes = new Uint8Array(readFileSync(file));
    const isBinary = bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
    // A component (binary layer 1, or text that opens with `(component`) runs on the WASI 0.2 host.
    const componentText = !isBinary && /^\s*(?:;;[^\n]*\n\s*)*\(\s*component\b/.test(new TextDecoder().decode(bytes.subarray(0, 4096)));
    if ((isBinary && bytes[6] === 0x01 && bytes[7] === 0x00) || componentText) {
      const input = componentText ? (await import('../component/text/parse.ts')).parseComponent(bytes) : bytes;
      return (await import('./run-component.ts')).runComponent(o, file, input);
    }
    if (o.allowNet.length > 0) throw new UsageError('--allow-net is for components (WASI 0.2): a preview1 module has no sockets of its own (see --tcplisten)');
    const engine = new NativeEngine();
    const fail = (message: string) => {
      process.stderr.write(`tessera run: ${file}: ${message}\n`);
      return EXIT_FAILURE;
    };
    let compiled;
    try {
      // The text parser loads only for text: start-up time matters for a run command.
      compiled = engine.compile(isBinary ? bytes : (await import('../text/parse.ts')).parseWat(bytes));
    } catch (e) {
      return fail((e as Error).message);
    }
    const module = compiled.module;
    // Blocking calls suspend the guest through JSPI, so stdin from a pipe or a terminal and
    // sockets wait on Node's event loop; a regular file as stdin never waits, so it is read
    // synchronously then (RATIONALE.md, "What is synchronous in WASI, and why?").
    const sockets = o.tcplisten.length > 0;
    if (sockets && (!o.jspi || !jspiSupported)) return fail('--tcplisten needs JSPI (WebAssembly.Suspending, Node 24), which --no-jspi turns off');
    const jspi = jspiSupported && o.jspi && (sockets || !stdinIsFile());
    let listeners: TcpListener[];
    try {
      listeners = await Promise.all(o.tcplisten.map((spec) => tcpListen(spec)));
    } catch (e) {
      return fail(`--tcplisten: ${(e as Error).message}`);
    }
    const asyncStdin = jspi ? nodeStdinAsync() : undefined;
    try {
      return await runGuest(o, file, module, engine, compiled, jspi, asyncStdin ?? nodeStdin(), listeners, fail);
    } finally {
      // Open handles would keep the process alive after the guest is done.
      for (const l of listeners) l.close();
      asyncStdin?.close();
    }
  },
};

async function runGuest(
  o: RunOptions, file: string, module: Module, engine: NativeEngine, compiled: ReturnType<NativeEngine['compile']>,
  jspi: boolean, stdin: InputStream, sockets: readonly SocketListener[], fail: (message: string) => number,
): Promise<number> {
  const wasi = new WasiP1({
    args: [o.argv0 ?? basename(file), ...(o.invoke === undefined ? o.rest : [])],
    env: o.env, preopens: o.preopens, sockets, jspi,
    stdin, stdout: nodeStdout(), stderr: nodeStderr(), clocks: nodeClocks(),
  });
  const linker = new Linker();
  wasi.register(linker);
  let instance: Instance;
  try {
    instance = linker.instantiate(engine, compiled);
  } catch (e) {
    if (e instanceof LinkError) return fail(e.message.replace(/^unknown import/, 'unsatisfied import'));
    // A trap in the start function.
    const code = exitOf(e, module);
    if (code === undefined) throw e;
    return code;
  }
  const raw = (name: string) => {
    const e = instance.exports.get(name);
    return e instanceof NativeFunc ? e : undefined;
  };
  const memory = instance.exports.get('memory');
  if (!(memory instanceof NativeMemory)) return fail('missing export: "memory" (a WASI module exports its memory)');
  // The engine's own functions are called directly, so a trap keeps V8's stack for the backtrace.
  const start = raw('_start');
  if (o.invoke === undefined) {
    if (start === undefined) return fail('missing export: "_start" (for a reactor, name an export with --invoke)');
    const guest = { exports: { memory: memory.memory, _start: start.fn } };
    return guarded(module, () => (jspi ? wasi.startAsync(guest) : wasi.start(guest)));
  }
  const target = raw(o.invoke);
  if (target === undefined) return fail(`missing export: "${o.invoke}"`);
  const type = funcTypeAt(module, target.type);
  if (o.rest.length !== type.params.length) throw new UsageError(`${o.invoke} takes ${type.params.length} arguments, got ${o.rest.length}`);
  const values = o.rest.map((text, k) => jsValue(text, type.params[k]));
  const init = raw('_initialize');
  return guarded(module, async () => {
    const guest = { exports: { memory: memory.memory, ...(init ? { _initialize: init.fn } : {}) } };
    const r = jspi ? (await wasi.initializeAsync(guest), await promising(target.fn)(...values)) : (wasi.initialize(guest), target.fn(...values));
    const results = type.results.length === 1 ? [r] : type.results.length === 0 ? [] : [...(r as Iterable<unknown>)];
    for (const v of results) process.stdout.write(`${String(v)}\n`);
    return 0;
  });
}
