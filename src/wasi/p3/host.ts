// The WASI 0.3 host (https://github.com/WebAssembly/WASI/releases/tag/v0.3.0), on the
// Component Model's native async (src/component/async): one object per guest holding its
// arguments, environment, standard streams, clocks and randomness, giving the interfaces as
// the import object `instantiateComponent` takes. Deny by default, as the 0.2 host.
//
// Done: wasi:cli (environment, exit, stdin, stdout, stderr, the terminal interfaces),
// wasi:clocks (monotonic-clock, system-clock), wasi:random (random, insecure, insecure-seed),
// wasi:filesystem (types, preopens: the 0.2 host's descriptors and sandbox behind 0.3's streams
// and variants, src/wasi/p3/filesystem), wasi:sockets (types with tcp-socket and udp-socket,
// ip-name-lookup: the 0.2 host's platform adapter and allow-list behind 0.3's async functions
// and streams, src/wasi/p3/sockets), wasi:http (types, client: request and response with
// stream bodies and trailer futures, send over the 0.2 host's transport and allow-list,
// src/wasi/p3/http), `tessera run` of 0.3 commands (src/cli/run-component.ts) and `tessera
// serve` of 0.3 wasi:http/service components (src/serve/service-p3.ts). Any 0.3.N import and
// `wasi:cli/run` export is served (importsFor, instantiate, run). Checked against the released
// 0.3.0 WIT: test/wasi-wit-conformance.test.ts (not implemented: the @unstable timezone).
import { ComponentError, WasiExit } from '../../core/errors.ts';
import {
  CompiledComponent, type ComponentImports, type ComponentInstance, compileComponent, type InstantiateOptions, instantiateComponent,
} from '../../component/link/index.ts';
import { type Clocks, defaultClocks } from '../shared/clocks.ts';
import { cryptoRandom } from '../shared/random.ts';
import { EMPTY_INPUT, NULL_OUTPUT, type OutputStream as ByteOutput } from '../shared/stdio.ts';
import { envPairs, preopenList, type WasiHostOptions } from '../shared/host-options.ts';
import type { FsContext } from '../p2/filesystem/descriptor.ts';
import { environment, exit, stdio } from './cli.ts';
import { filesystemTypes, preopens } from './filesystem/index.ts';
import { monotonicClock, randomInterfaces, systemClock } from './clocks-random.ts';
import { socketsInterfaces } from './sockets/index.ts';
import { httpInterfaces } from './http/index.ts';
import { NetPolicy } from '../p2/sockets/policy.ts';

/** The 0.3 release these interfaces implement. */
export const WASI_P3_VERSION = '0.3.0';

/** The same options as WasiP2's (src/wasi/shared/host-options.ts). */
export type WasiP3Options = WasiHostOptions<ByteOutput>;

/** `wasi:pkg/iface@0.3.N` → `wasi:pkg/iface` when N is any 0.3 release; otherwise undefined. */
export function p3Interface(name: string): string | undefined {
  const m = /^(wasi:[a-z0-9-]+\/[a-z0-9-]+)@0\.3\.\d+(?:[-+].*)?$/.exec(name);
  return m === null ? undefined : m[1];
}

/** The `wasi:cli/run` export of a 0.3 command's exports (any 0.3.x), or undefined. */
export function runExportP3(exports: Readonly<Record<string, unknown>>): (() => Promise<unknown>) | undefined {
  for (const [name, value] of Object.entries(exports)) {
    if (p3Interface(name) !== 'wasi:cli/run' || typeof value !== 'object' || value === null) continue;
    const run = (value as Record<string, unknown>).run;
    if (typeof run === 'function') return run as () => Promise<unknown>;
  }
  return undefined;
}

export class WasiP3 {
  /** The interfaces, keyed as a 0.3.0 component imports them (`wasi:cli/stdout@0.3.0`). */
  readonly imports: ComponentImports;

  constructor(options: WasiP3Options = {}) {
    const clocks: Clocks = { ...defaultClocks(), ...options.clocks };
    const io = stdio({ stdin: options.stdin ?? EMPTY_INPUT, stdout: options.stdout ?? NULL_OUTPUT, stderr: options.stderr ?? NULL_OUTPUT });
    const random = randomInterfaces(options.random ?? cryptoRandom);
    const v = `@${WASI_P3_VERSION}`;
    const seed = new BigUint64Array(1);
    (options.random ?? cryptoRandom)(new Uint8Array(seed.buffer));
    // The 0.2 host's descriptors do the work (src/wasi/p3/filesystem): they never wait here.
    const fs: FsContext = { clocks, jspi: false, hashKey: seed[0] };
    const interfaces: Record<string, unknown> = {
      [`wasi:cli/environment${v}`]: environment(options.args ?? [], envPairs(options.env), options.cwd),
      [`wasi:cli/exit${v}`]: exit(),
      [`wasi:clocks/types${v}`]: {},
      [`wasi:clocks/monotonic-clock${v}`]: monotonicClock(clocks),
      [`wasi:clocks/system-clock${v}`]: systemClock(clocks),
      [`wasi:filesystem/types${v}`]: filesystemTypes(),
      [`wasi:filesystem/preopens${v}`]: preopens(fs, preopenList(options.preopens)),
    };
    for (const [name, i] of Object.entries(io)) interfaces[`wasi:cli/${name}${v}`] = i;
    for (const [name, i] of Object.entries(random)) interfaces[`wasi:random/${name}${v}`] = i;
    const policy = options.allowNet instanceof NetPolicy ? options.allowNet : new NetPolicy(options.allowNet ?? []);
    for (const [name, i] of Object.entries(socketsInterfaces({ policy, backend: options.network }))) interfaces[`wasi:sockets/${name}${v}`] = i;
    for (const [name, i] of Object.entries(httpInterfaces(policy, options.http))) interfaces[`${name}${v}`] = i;
    this.imports = interfaces;
  }

  /**
   * The import object for `component`: each WASI 0.3.x interface it imports, under the name it
   * imports it by (0.3 releases only add, so 0.3.0's serve any 0.3.N, as 0.2.12's serve 0.2.N).
   */
  importsFor(component: CompiledComponent): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of component.imports.keys()) {
      const iface = p3Interface(name);
      const obj = iface === undefined ? undefined : this.imports[`${iface}@${WASI_P3_VERSION}`];
      if (obj !== undefined) out[name] = obj;
    }
    return out;
  }

  /**
   * Instantiates a component with these imports, each under the 0.3.N name it imports it by
   * (importsFor), and `extra` ones (other interfaces, or replacements).
   */
  async instantiate(component: Uint8Array | CompiledComponent, extra: ComponentImports = {}, options: InstantiateOptions = {}): Promise<ComponentInstance> {
    const compiled = component instanceof CompiledComponent ? component : await compileComponent(component);
    return instantiateComponent(compiled, { ...this.importsFor(compiled), ...extra }, options);
  }

  /**
   * Runs a `wasi:cli/command` component: calls its `wasi:cli/run@0.3.N` export (any 0.3
   * release, runExportP3) and returns the exit status (0 for ok, 1 for err, or the code given
   * to `exit-with-code`).
   */
  async run(component: Uint8Array | CompiledComponent, extra: ComponentImports = {}): Promise<number> {
    const { exports } = await this.instantiate(component, extra);
    const run = runExportP3(exports);
    if (run === undefined) throw new TypeError('the component does not export wasi:cli/run@0.3.x');
    try {
      await run();
      return 0;
    } catch (e) {
      if (e instanceof WasiExit) return e.code;
      if (e instanceof ComponentError) return 1;
      throw e;
    }
  }
}
