// `tessera run` for components: instantiates a WASI component and runs its `wasi:cli/run`
// export, or calls the export `--invoke` names with arguments in WAVE and prints its result in
// WAVE (as `wasmtime run --invoke` does). Loaded only for components, so running a core module
// pays nothing for it.
//
// The world is told by the names: 0.2.x interfaces come from the 0.2 host (src/wasi/p2),
// 0.3.x ones from the 0.3 host (src/wasi/p3), built only when the component imports a 0.3
// interface or exports 0.3's `wasi:cli/run`. A component importing both gets both, as wasmtime
// links both (the two hosts share the process's stdio and the same preopened directories, each
// with its own descriptors); it runs 0.3's `wasi:cli/run` when it exports that, else 0.2's.
import { basename } from 'node:path';
import { isResultType } from '../component/abi/index.ts';
import type { Component } from '../component/ast.ts';
import { type CompiledComponent, compileComponent, type ComponentInstance } from '../component/link/index.ts';
import { externNameView } from '../component/names.ts';
import type { EntityT, FuncT } from '../component/validate/model.ts';
import { jsToWave, parseWaveCall, waveArgs } from '../component/wave.ts';
import { ComponentError, LinkError, Trap, ValidationError, WasiExit } from '../core/errors.ts';
import { jspiSupported } from '../runtime/jspi.ts';
import { trapFromEngine } from '../runtime/traps.ts';
import { nodeStderr, nodeStdin, nodeStdinAsync, nodeStdout, stdinIsFile } from '../wasi/node.ts';
import { runCommand, runExport, WasiP2 } from '../wasi/p2/host.ts';
import { p3Interface, runExportP3, WasiP3 } from '../wasi/p3/host.ts';
import { NetPolicy } from '../wasi/p2/sockets/policy.ts';
import { grantedNetwork } from './network.ts';
import type { Preopen } from '../wasi/p1/wasi.ts';
import { EXIT_FAILURE, UsageError } from './command.ts';

/** What wasmtime exits with on a trap (see run.ts). */
const EXIT_TRAP = 134;

export interface ComponentRunOptions {
  readonly preopens: readonly Preopen[];
  readonly env: readonly string[];
  readonly allowNet: readonly string[];
  readonly tcplisten: readonly string[];
  readonly jspi: boolean;
  readonly argv0?: string;
  readonly invoke?: string;
  readonly rest: readonly string[];
}

/** The function an `--invoke` name stands for: `f`, or `iface#f` (the interface with or without its version). */
function findExport(compiled: CompiledComponent, exports: ComponentInstance['exports'], name: string): { fn: (...a: unknown[]) => unknown; type: FuncT } | undefined {
  const hash = name.lastIndexOf('#');
  const types = compiled.exports;
  const funcOf = (e: EntityT | undefined): FuncT | undefined => (e?.kind === 'func' ? e.type : undefined);
  if (hash < 0) {
    const type = funcOf(types.get(name));
    const fn = exports[name];
    return type !== undefined && typeof fn === 'function' ? { fn: fn as (...a: unknown[]) => unknown, type } : undefined;
  }
  const iface = name.slice(0, hash);
  const func = name.slice(hash + 1);
  for (const [key, e] of types) {
    if (e.kind !== 'instance') continue;
    const v = externNameView(key);
    const bare = v.kind === 'interface' && v.version !== undefined ? key.slice(0, key.length - v.version.length - 1) : key;
    if (key !== iface && bare !== iface) continue;
    const type = funcOf(e.type.exports.get(func));
    const fn = (exports[key] as Record<string, unknown> | undefined)?.[func];
    if (type !== undefined && typeof fn === 'function') return { fn: fn as (...a: unknown[]) => unknown, type };
  }
  return undefined;
}

/** A trap's report on stderr and exit status; undefined for anything else. */
function trapExit(e: unknown): number | undefined {
  const trap = e instanceof Trap ? e : trapFromEngine(e);
  if (trap === undefined) return undefined;
  process.stderr.write(`tessera run: wasm trap: ${trap.kind}\n`);
  const frames = (e instanceof Error ? e.stack ?? '' : '').split('\n').filter((l) => l.includes('wasm://'));
  if (frames.length > 0) process.stderr.write(`wasm backtrace:\n${frames.map((l) => `  ${l.trim()}`).join('\n')}\n`);
  return EXIT_TRAP;
}

export async function runComponent(o: ComponentRunOptions, file: string, input: Uint8Array | Component): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`tessera run: ${file}: ${message}\n`);
    return EXIT_FAILURE;
  };
  if (o.tcplisten.length > 0) return fail('--tcplisten preopens sockets for preview1 modules; a component opens its own (grant them with --allow-net)');
  let policy: NetPolicy;
  try {
    policy = new NetPolicy(o.allowNet);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let compiled: CompiledComponent;
  try {
    compiled = await compileComponent(input);
  } catch (e) {
    if (e instanceof ValidationError || (e instanceof Error && e.name === 'DecodeError')) return fail(e.message);
    throw e;
  }
  // Waits suspend the guest through JSPI; a regular file as stdin never waits (see run.ts).
  const jspi = jspiSupported && o.jspi;
  // A 0.3 guest always waits on its own stack (the Component Model's async runs on JSPI), so
  // its stdin never blocks the event loop, whatever --no-jspi says for 0.2 hosts.
  const p3 = [...compiled.imports.keys()].some((n) => p3Interface(n) !== undefined)
    || [...compiled.exports.keys()].some((n) => p3Interface(n) === 'wasi:cli/run');
  const asyncStdin = (jspi || p3) && !stdinIsFile() ? nodeStdinAsync() : undefined;
  const { network, http } = await grantedNetwork(policy);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  try {
    const args = [o.argv0 ?? basename(file), ...o.rest];
    const stdin = asyncStdin ?? nodeStdin();
    const stdout = nodeStdout();
    const stderr = nodeStderr();
    const host = new WasiP2({ args, env: o.env, preopens: o.preopens, stdin, stdout, stderr, allowNet: policy, network, http, jspi });
    const host3 = p3 ? new WasiP3({ args, env: o.env, preopens: o.preopens, stdin, stdout, stderr, allowNet: policy, network, http }) : undefined;
    let instance: ComponentInstance;
    try {
      // `results` stays 'throw' even for --invoke: the shape applies to imports too, and the
      // WASI hosts answer err by throwing (the invoked export's result is tagged below).
      instance = await host.instantiate(compiled, host3?.importsFor(compiled) ?? {});
    } catch (e) {
      if (e instanceof LinkError) return fail(e.message.replace(/^missing import/, 'unsatisfied import'));
      const code = trapExit(e);
      if (code === undefined) throw e;
      return code;
    }
    try {
      if (o.invoke === undefined) {
        const run = runExportP3(instance.exports) ?? runExport(instance.exports);
        if (run === undefined) return fail('missing export: "wasi:cli/run" (not a WASI command; name an export with --invoke)');
        return await runCommand(run);
      }
      const call = parseWaveCall(o.invoke);
      const target = findExport(compiled, instance.exports, call.name);
      if (target === undefined) return fail(`missing export: "${call.name}" (not a function this component exports)`);
      let args: unknown[];
      try {
        args = waveArgs(target.type, call.args);
      } catch (e) {
        throw new UsageError(`--invoke ${o.invoke}: ${(e as Error).message}`);
      }
      let result: unknown;
      try {
        result = await target.fn(...args);
        if (isResultType(target.type.result)) result = { tag: 'ok', val: result };
      } catch (e) {
        if (!(e instanceof ComponentError) || !isResultType(target.type.result)) throw e;
        result = { tag: 'err', val: e.payload };
      }
      if (target.type.result !== undefined) process.stdout.write(`${jsToWave(result, target.type.result)}\n`);
      return 0;
    } catch (e) {
      if (e instanceof WasiExit) return e.code;
      const code = trapExit(e);
      if (code === undefined) throw e;
      return code;
    }
  } finally {
    Error.stackTraceLimit = limit;
    network?.closeAll();
    asyncStdin?.close();
  }
}
