// The WASI 0.2 host: one object per guest, holding its arguments, environment, preopened
// directories, standard streams, network grants and platform adapters, and giving the
// interfaces as the import object `instantiateComponent` takes (src/component/link: an
// object per interface, functions by WIT name, a class per resource type whose methods are
// the `[method]` functions). Deny by default, as the preview1 host: nothing is reachable
// unless the options grant it.
//
// Versions: the interfaces implement WASI 0.2.12, the latest 0.2 release
// (https://github.com/WebAssembly/WASI/releases/tag/v0.2.12), which is also what jco's
// preview1 adapter imports. 0.2 releases only add, so a component importing any 0.2.N is
// served by this implementation, as wasmtime serves it (`importsFor` names each interface as
// the component imports it).
import { WasiExit } from '../../core/errors.ts';
import { type CompiledComponent, type ComponentInstance, type InstantiateOptions, instantiateComponent, suspendingHost } from '../../component/link/index.ts';
import { type Clocks, defaultClocks } from '../shared/clocks.ts';
import { cryptoRandom } from '../shared/random.ts';
import { EMPTY_INPUT, NULL_OUTPUT } from '../shared/stdio.ts';
import { envPairs, preopenList, type WasiHostOptions } from '../shared/host-options.ts';
import { environment, exit, stdio } from './cli.ts';
import { monotonicClock, wallClock } from './clocks.ts';
import { filesystemTypes, preopens } from './filesystem/index.ts';
import type { FsContext } from './filesystem/descriptor.ts';
import { type HttpContext, httpTypes, outgoingHandler } from './http/index.ts';
import { IoError } from './io/error.ts';
import { poll, Pollable } from './io/poll.ts';
import { type ByteSink, InputStream, OutputStream } from './io/streams.ts';
import { insecureRandom, insecureSeed, randomInterface } from './random.ts';
import { ipNameLookup } from './sockets/ip-name-lookup.ts';
import { instanceNetwork, Network, networkInterface, type SocketsContext } from './sockets/network.ts';
import { NetPolicy } from './sockets/policy.ts';
import { tcpCreateSocket, tcpInterface } from './sockets/tcp.ts';
import { udpCreateSocket, udpInterface } from './sockets/udp.ts';

/** The 0.2 release these interfaces implement. */
export const WASI_P2_VERSION = '0.2.12';

// The host functions that may wait, and so return a promise: under JSPI the runtime imports
// them as `WebAssembly.Suspending` functions (src/component/link/jspi.ts); every other
// function stays a plain synchronous import, which costs less per call.
for (const m of ['block'] as const) suspendingHost(Pollable.prototype[m]);
for (const m of ['blocking-read', 'blocking-skip'] as const) suspendingHost(InputStream.prototype[m]);
for (const m of ['blocking-write-and-flush', 'blocking-flush', 'blocking-write-zeroes-and-flush', 'blocking-splice'] as const) {
  suspendingHost(OutputStream.prototype[m]);
}

export interface WasiP2Options extends WasiHostOptions<ByteSink> {
  /** Waits suspend the guest through JSPI (`instantiate` passes the runtime its `jspi` option). */
  readonly jspi?: boolean;
}

/** `wasi:pkg/iface@0.2.N` → `wasi:pkg/iface` when N is any 0.2 release; otherwise undefined. */
export function p2Interface(name: string): string | undefined {
  const m = /^(wasi:[a-z0-9-]+\/[a-z0-9-]+)@0\.2\.\d+(?:[-+].*)?$/.exec(name);
  return m === null ? undefined : m[1];
}

export class WasiP2 {
  readonly #interfaces: Readonly<Record<string, object>>;
  readonly #jspi: boolean;

  constructor(options: WasiP2Options = {}) {
    const clocks: Clocks = { ...defaultClocks(), ...options.clocks };
    const random = options.random ?? cryptoRandom;
    const jspi = options.jspi === true;
    this.#jspi = jspi;
    const policy = options.allowNet instanceof NetPolicy ? options.allowNet : new NetPolicy(options.allowNet ?? []);
    const seed = new BigUint64Array(1);
    random(new Uint8Array(seed.buffer));
    const fs: FsContext = { clocks, jspi, hashKey: seed[0] };
    const sockets: SocketsContext = { clocks, jspi, policy, backend: options.network };
    const http: HttpContext = { clocks, jspi, policy, transport: options.http };
    const list = preopenList(options.preopens);
    const std = stdio(fs, {
      stdin: options.stdin ?? EMPTY_INPUT, stdout: options.stdout ?? NULL_OUTPUT, stderr: options.stderr ?? NULL_OUTPUT,
    });
    const network = new Network();
    const streamTypes = { error: IoError, pollable: Pollable, 'input-stream': InputStream, 'output-stream': OutputStream };
    const net = networkInterface();
    const types = filesystemTypes();
    const http2 = httpTypes(http);
    const tcp = tcpInterface();
    const udp = udpInterface();
    this.#interfaces = {
      'wasi:io/error': { error: IoError },
      'wasi:io/poll': { pollable: Pollable, poll: suspendingHost((l: Pollable[]) => poll(fs, l)) },
      'wasi:io/streams': streamTypes,
      'wasi:clocks/monotonic-clock': { ...monotonicClock(fs), pollable: Pollable },
      'wasi:clocks/wall-clock': wallClock(fs),
      'wasi:random/random': randomInterface(random),
      'wasi:random/insecure': insecureRandom(random),
      'wasi:random/insecure-seed': insecureSeed(random),
      'wasi:cli/environment': environment(options.args ?? [], envPairs(options.env), options.cwd),
      'wasi:cli/exit': exit(),
      'wasi:cli/stdin': { ...std.stdin, ...streamTypes },
      'wasi:cli/stdout': { ...std.stdout, ...streamTypes },
      'wasi:cli/stderr': { ...std.stderr, ...streamTypes },
      'wasi:cli/terminal-input': std['terminal-input'],
      'wasi:cli/terminal-output': std['terminal-output'],
      'wasi:cli/terminal-stdin': { ...std['terminal-stdin'], ...std['terminal-input'] },
      'wasi:cli/terminal-stdout': { ...std['terminal-stdout'], ...std['terminal-output'] },
      'wasi:cli/terminal-stderr': { ...std['terminal-stderr'], ...std['terminal-output'] },
      'wasi:filesystem/types': { ...types, ...streamTypes },
      'wasi:filesystem/preopens': { ...preopens(fs, list), descriptor: types.descriptor },
      'wasi:sockets/network': net,
      'wasi:sockets/instance-network': { ...instanceNetwork(network), network: Network },
      'wasi:sockets/tcp': { ...tcp, ...streamTypes, network: Network },
      'wasi:sockets/tcp-create-socket': { ...tcpCreateSocket(sockets), ...tcp, network: Network },
      'wasi:sockets/udp': { ...udp, pollable: Pollable, network: Network },
      'wasi:sockets/udp-create-socket': { ...udpCreateSocket(sockets), ...udp, network: Network },
      'wasi:sockets/ip-name-lookup': { ...ipNameLookup(sockets), pollable: Pollable, network: Network },
      'wasi:http/types': { ...http2, ...streamTypes, 'io-error': IoError },
      'wasi:http/outgoing-handler': { ...outgoingHandler(http), ...http2 },
    };
  }

  /** Interface names (without version) this host implements. */
  get interfaces(): readonly string[] {
    return Object.keys(this.#interfaces);
  }

  /** The interface objects keyed by their 0.2.12 names (what jco-built components import). */
  get imports(): Record<string, object> {
    const out: Record<string, object> = {};
    for (const [name, obj] of Object.entries(this.#interfaces)) out[`${name}@${WASI_P2_VERSION}`] = obj;
    return out;
  }

  /**
   * The import object for `component`: each WASI 0.2.x interface it imports, under the name
   * it imports it by. Other imports are left for the caller to add (or to fail as missing).
   */
  importsFor(component: CompiledComponent): Record<string, object> {
    const out: Record<string, object> = {};
    for (const name of component.imports.keys()) {
      const iface = p2Interface(name);
      const obj = iface === undefined ? undefined : this.#interfaces[iface];
      if (obj !== undefined) out[name] = obj;
    }
    return out;
  }

  /** Whether waits suspend the guest through JSPI (the `jspi` option). */
  get jspi(): boolean {
    return this.#jspi;
  }

  /**
   * Instantiates `component` with this host's interfaces (and `extra` imports), with the
   * runtime's `jspi` option when this host has it (the interfaces take WIT names: `names`
   * must stay 'wit').
   */
  instantiate(component: CompiledComponent, extra: Readonly<Record<string, unknown>> = {}, options: InstantiateOptions = {}): Promise<ComponentInstance> {
    return instantiateComponent(component, { ...this.importsFor(component), ...extra }, { ...options, names: 'wit', jspi: this.#jspi });
  }

  /** One interface object by name (without version), for tests and hosts that assemble their own. */
  interface(name: string): object | undefined {
    return this.#interfaces[name];
  }
}

/** The `wasi:cli/run` export of an instance's exports (any 0.2.x), or undefined. */
export function runExport(exports: Readonly<Record<string, unknown>>): (() => unknown) | undefined {
  for (const [name, value] of Object.entries(exports)) {
    if (p2Interface(name) !== 'wasi:cli/run' || typeof value !== 'object' || value === null) continue;
    const run = (value as Record<string, unknown>).run;
    if (typeof run === 'function') return run as () => unknown;
  }
  return undefined;
}

/**
 * Runs `wasi:cli/run#run` and gives the exit status: 0 when it returns ok, 1 for err (the
 * WIT's `result` carries no code), the code of `exit-with-code`. Traps propagate.
 */
export async function runCommand(run: () => unknown): Promise<number> {
  try {
    await run();
    return 0;
  } catch (e) {
    if (e instanceof WasiExit) return e.code;
    if (typeof e === 'object' && e !== null && 'payload' in e) return 1;
    throw e;
  }
}
