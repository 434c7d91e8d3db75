// The `wasi_snapshot_preview1` host
// (https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md): one object per
// guest, holding its arguments, environment, descriptors and streams. It gives the host
// functions both as a Tessera namespace (for `Linker.register`) and as a plain import object
// (for `WebAssembly.instantiate`), then runs a command (`_start`) or a reactor (`_initialize`).
// Deny by default: no arguments, no environment, no files, empty stdin, discarded output,
// unless the options grant them.
import { LinkError } from '../../core/errors.ts';
import type { Extern, Instance } from '../../runtime/engine.ts';
import { hostModule } from '../../runtime/host.ts';
import { jspiSupported, promising, suspending } from '../../runtime/jspi.ts';
import { NativeFunc } from '../../runtime/native-externs.ts';
import type { Linker } from '../../runtime/linker.ts';
import type { Vfs } from '../vfs/types.ts';
import { argsEnvironFunctions } from './args-environ.ts';
import { clockFunctions } from './clocks.ts';
import { RIGHT_FD_FDSTAT_SET_FLAGS, RIGHT_FD_FILESTAT_GET, RIGHT_POLL_FD_READWRITE, RIGHT_SOCK_ACCEPT, RIGHTS_ALL, RIGHTS_DIR, RIGHTS_STREAM } from './constants.ts';
import type { SocketListener } from './descriptors.ts';
import { type Clocks, defaultClocks } from '../shared/clocks.ts';
import { cryptoRandom } from '../shared/random.ts';
import { WasiContext } from './context.ts';
import type { Defs } from './defs.ts';
import { fdFunctions } from './fd.ts';
import type { MemorySource } from './memory.ts';
import { pathFunctions } from './path.ts';
import { pollFunctions } from './poll.ts';
import { procFunctions, WasiExit } from './proc.ts';
import { randomFunctions } from './random.ts';
import { RIGHTS_CONNECTION, sockFunctions } from './sock.ts';
import { EMPTY_INPUT, type InputStream, NULL_OUTPUT, type OutputStream } from '../shared/stdio.ts';

export const WASI_P1 = 'wasi_snapshot_preview1';

/** A preopened listening socket's rights: accept, poll, flags. */
const RIGHTS_LISTENER = RIGHT_SOCK_ACCEPT | RIGHT_POLL_FD_READWRITE | RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_FILESTAT_GET;

/** A directory the guest sees under `guest` (e.g. `/data` or `.`). */
export interface Preopen {
  readonly guest: string;
  readonly fs: Vfs;
}

export interface WasiP1Options {
  /** argv, program name first. */
  readonly args?: readonly string[];
  /** Variables as `{ NAME: value }` or `NAME=value` strings. */
  readonly env?: Readonly<Record<string, string>> | readonly string[];
  /** Directories by guest name (`{ '/data': fs }`), or a list, in fd order from 3. */
  readonly preopens?: Readonly<Record<string, Vfs>> | readonly Preopen[];
  readonly stdin?: InputStream;
  readonly stdout?: OutputStream;
  readonly stderr?: OutputStream;
  /** Replace any clock (tests fix time; the node adapter adds a CPU clock). */
  readonly clocks?: Partial<Clocks>;
  /** Fills a buffer with random bytes (default: Web Crypto). */
  readonly random?: (into: Uint8Array) => void;
  /** Listening sockets the guest may accept on, as descriptors after the preopened directories. */
  readonly sockets?: readonly SocketListener[];
  /**
   * Blocking calls suspend the guest through JSPI instead of blocking the thread: fd_read on
   * a stream that must wait, poll_oneoff, sock_accept and sock_recv (RATIONALE.md). The guest
   * then runs with `startAsync` or `initializeAsync`, and a reactor's exports through
   * `WebAssembly.promising`. Needs an engine with JSPI (Node 24).
   */
  readonly jspi?: boolean;
}

/** The instance a WASI guest runs in: Tessera's, or anything with JS API exports (a WebAssembly.Instance). */
export type GuestInstance = Instance | { readonly exports: WebAssembly.Exports };

type JsFunction = (...args: unknown[]) => unknown;

function exported(instance: GuestInstance, name: string): Extern | WebAssembly.ExportValue | undefined {
  const ex = instance.exports;
  // Tessera's instances hold a Map of externs; the JS API's an object of engine values.
  return ex instanceof Map ? (ex as ReadonlyMap<string, Extern>).get(name) : (ex as WebAssembly.Exports)[name];
}

function exportedFunction(instance: GuestInstance, name: string): (() => unknown) | undefined {
  const e = exported(instance, name);
  if (typeof e === 'function') return e as () => unknown;
  if (e !== undefined && typeof e === 'object' && 'kind' in e && e.kind === 'func') return () => e.call([]);
  return undefined;
}

/** The engine's own function behind an export (a wasm function, as WebAssembly.promising needs). */
function rawExport(instance: GuestInstance, name: string): ((...args: unknown[]) => unknown) | undefined {
  const e = exported(instance, name);
  if (typeof e === 'function') return e as (...args: unknown[]) => unknown;
  if (e instanceof NativeFunc) return e.fn;
  return undefined;
}

function exportedMemory(instance: GuestInstance): MemorySource | undefined {
  const e = exported(instance, 'memory');
  if (e instanceof WebAssembly.Memory) return e;
  if (e !== undefined && typeof e === 'object' && 'kind' in e && e.kind === 'memory') return e;
  return undefined;
}

export class WasiP1 {
  readonly #ctx: WasiContext;
  readonly #defs: Defs;
  #imports: Map<string, Extern> | undefined;
  #started = false;

  constructor(options: WasiP1Options = {}) {
    const env = options.env === undefined ? [] : Array.isArray(options.env)
      ? [...options.env as readonly string[]]
      : Object.entries(options.env as Readonly<Record<string, string>>).map(([k, v]) => `${k}=${v}`);
    const clocks = { ...defaultClocks(), ...options.clocks };
    const ctx = new WasiContext(options.args ?? [], env, clocks, options.random ?? cryptoRandom);
    if (options.jspi === true) {
      if (!jspiSupported) throw new Error('jspi: this JavaScript engine has no WebAssembly.Suspending (Node 24 or later)');
      ctx.jspi = true;
    }
    this.#ctx = ctx;
    const stdin = options.stdin ?? EMPTY_INPUT;
    const stdout = options.stdout ?? NULL_OUTPUT;
    const stderr = options.stderr ?? NULL_OUTPUT;
    ctx.fds.add({ type: 'stream', input: stdin, tty: stdin.isTTY ?? false, rights: RIGHTS_STREAM, inheriting: 0, fdflags: 0 });
    ctx.fds.add({ type: 'stream', output: stdout, tty: stdout.isTTY ?? false, rights: RIGHTS_STREAM, inheriting: 0, fdflags: 0 });
    ctx.fds.add({ type: 'stream', output: stderr, tty: stderr.isTTY ?? false, rights: RIGHTS_STREAM, inheriting: 0, fdflags: 0 });
    const preopens: readonly Preopen[] = options.preopens === undefined ? [] : Array.isArray(options.preopens)
      ? options.preopens as readonly Preopen[]
      : Object.entries(options.preopens as Readonly<Record<string, Vfs>>).map(([guest, fs]) => ({ guest, fs }));
    for (const p of preopens) {
      const handle = p.fs.open([], { read: true, write: false, create: false, exclusive: false, truncate: false, directory: true, append: false });
      if (typeof handle === 'number') throw new Error(`cannot preopen ${p.guest}: errno ${handle}`);
      ctx.fds.add({ type: 'dir', vfs: p.fs, path: [], handle, preopen: p.guest, rights: RIGHTS_DIR, inheriting: RIGHTS_ALL, fdflags: 0 });
    }
    for (const socket of options.sockets ?? []) {
      ctx.fds.add({ type: 'stream', socket, tty: false, rights: RIGHTS_LISTENER, inheriting: RIGHTS_CONNECTION, fdflags: 0 });
    }
    this.#defs = {
      ...argsEnvironFunctions(ctx), ...clockFunctions(ctx), ...randomFunctions(ctx), ...fdFunctions(ctx),
      ...pathFunctions(ctx), ...pollFunctions(ctx), ...procFunctions(), ...sockFunctions(ctx),
    };
  }

  /** The host functions as Tessera externs, to register as `wasi_snapshot_preview1`. */
  get imports(): Map<string, Extern> {
    return (this.#imports ??= hostModule(this.#defs));
  }

  /** The host functions as plain JS functions, for `WebAssembly.instantiate(m, { wasi_snapshot_preview1: ... })`. */
  get wasiImport(): Record<string, JsFunction> {
    const out: Record<string, JsFunction> = {};
    for (const [name, def] of Object.entries(this.#defs)) {
      out[name] = (def.suspending === true ? suspending(def.fn) : def.fn) as JsFunction;
    }
    return out;
  }

  /** Whether the blocking calls suspend through JSPI (the `jspi` option). */
  get jspi(): boolean {
    return this.#ctx.jspi;
  }

  /** Registers the host functions with a linker under `wasi_snapshot_preview1`. */
  register(linker: Linker): void {
    linker.register(WASI_P1, this.imports);
  }

  /** Binds the instance's exported memory (done by start and initialize). */
  bind(instance: GuestInstance): void {
    const memory = exportedMemory(instance);
    if (memory === undefined) throw new LinkError('missing export: "memory" (a WASI module exports its memory)');
    this.#ctx.memory.bind(memory);
  }

  /**
   * Runs a command: calls `_start` and returns the exit code (0 when `_start` returns, the
   * code passed to proc_exit otherwise). Traps and other errors propagate.
   */
  start(instance: GuestInstance): number {
    if (this.#ctx.jspi) throw new Error('this WASI host suspends through JSPI (the jspi option): run the guest with startAsync');
    const start = this.#begin(instance, '_start');
    try {
      start();
      return 0;
    } catch (e) {
      if (e instanceof WasiExit) return e.code;
      throw e;
    } finally {
      this.#ctx.fds.closeAll();
    }
  }

  /**
   * Runs a command as `start` does, but asynchronously: with the `jspi` option, `_start` runs
   * through `WebAssembly.promising`, so a blocking call suspends the guest and the event loop
   * goes on (timers fire, streams deliver) until the call's promise settles.
   */
  async startAsync(instance: GuestInstance): Promise<number> {
    if (!this.#ctx.jspi) return this.start(instance);
    const start = this.#begin(instance, '_start');
    try {
      await promising(start)();
      return 0;
    } catch (e) {
      if (e instanceof WasiExit) return e.code;
      throw e;
    } finally {
      this.#ctx.fds.closeAll();
    }
  }

  /** Prepares a reactor: calls `_initialize` if exported. Its exports may be called afterwards. */
  initialize(instance: GuestInstance): void {
    if (this.#started) throw new Error('a WASI instance is started once');
    this.#started = true;
    this.bind(instance);
    exportedFunction(instance, '_initialize')?.();
  }

  /** `initialize` for a host with the `jspi` option: `_initialize` may suspend. */
  async initializeAsync(instance: GuestInstance): Promise<void> {
    if (!this.#ctx.jspi) return this.initialize(instance);
    if (this.#started) throw new Error('a WASI instance is started once');
    this.#started = true;
    this.bind(instance);
    const init = rawExport(instance, '_initialize');
    if (init !== undefined) await promising(init)();
  }

  /** Marks the guest started, binds its memory, and finds the export to run. */
  #begin(instance: GuestInstance, name: string): () => unknown {
    if (this.#started) throw new Error('a WASI instance is started once');
    this.#started = true;
    // Under JSPI the engine's own function is needed: only a wasm export can be made promising.
    const start = this.#ctx.jspi ? rawExport(instance, name) : exportedFunction(instance, name);
    if (start === undefined) throw new LinkError(`missing export: "${name}" (not a WASI command)`);
    this.bind(instance);
    return start;
  }
}

export { WasiExit };
