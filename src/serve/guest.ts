// A wasi:http component made ready to serve: decoded and validated once, its core modules
// rewritten (src/serve/instrument.ts: the deadline check, the memory cap, memories from a
// pool) and compiled once, and its incoming-handler export found. Every request's instance
// is made from this.
import { encodeModule } from '../binary/encode.ts';
import { decodeModule } from '../binary/decode.ts';
import type { Module } from '../core/ast.ts';
import type { Component } from '../component/ast.ts';
import { decodeComponent } from '../component/binary/decode.ts';
import { CompiledComponent } from '../component/link/compile.ts';
import { validateComponent } from '../component/validate/component.ts';
import type { Scope } from '../component/validate/scope.ts';
import { p2Interface } from '../wasi/p2/host.ts';
import { p3Interface } from '../wasi/p3/host.ts';
import type { CoreImportArgs } from '../component/link/index.ts';
import { HOST_MODULE, INTERRUPT, instrumentModule, type MemorySlot, type ModuleState, YIELD } from './instrument.ts';
import { MAP_PAGES, type WriteMapSlot } from './write-marks.ts';

/** What a rewritten core module needs from the host at instantiation. */
export interface ModuleNeeds {
  readonly interrupt: boolean;
  readonly memories: readonly MemorySlot[];
  /** The written-block maps of the memories it imports (src/serve/write-marks.ts). */
  readonly maps: readonly WriteMapSlot[];
  /** The state it exports for resets (absent: none, or the guest was prepared without). */
  readonly state?: ModuleState;
}

/** The deadline and time-slice checks a rewritten module calls (src/serve/context.ts interruptImports). */
export interface InterruptImports {
  readonly interrupt: (depth: number) => number;
  readonly yield: WebAssembly.ImportValue;
}

/** Where written-block maps come from: the pool that made the memories (MemoryPool). */
export interface WriteMaps {
  /** The map paired with `memory`; undefined when it has none (the memory is not tracked). */
  mapOf(memory: WebAssembly.Memory): WebAssembly.Memory | undefined;
}

let sink: WebAssembly.Memory | undefined;

/**
 * The map of memories nobody tracks (not from the pool: a module's own memory exported to
 * another module): marked and never read, shared by all.
 */
function sinkMap(): WebAssembly.Memory {
  return sink ??= new WebAssembly.Memory({ initial: MAP_PAGES, maximum: MAP_PAGES });
}

/**
 * What the host gives a rewritten core module (`needs`: undefined when it was not rewritten):
 * its interrupt checks, its memories, each taken from `take` (the pool), and the written-block
 * map of each memory it imports: a pool memory's own, or, for a memory the component passes
 * in (`args`, the core instantiation's arguments: a wasi adapter gets the main module's
 * memory), the map of that memory, so both modules mark one map.
 */
export function hostCoreImports(needs: ModuleNeeds | undefined, interrupt: InterruptImports, take: (slot: MemorySlot) => WebAssembly.Memory, args: CoreImportArgs, maps: WriteMaps): WebAssembly.Imports | undefined {
  if (needs === undefined) return undefined;
  const host: Record<string, WebAssembly.ImportValue> = {};
  if (needs.interrupt) {
    host[INTERRUPT] = interrupt.interrupt;
    host[YIELD] = interrupt.yield;
  }
  for (const slot of needs.memories) host[slot.name] = take(slot);
  for (const slot of needs.maps) {
    const memory = slot.module === HOST_MODULE ? host[slot.field] : args[slot.module]?.[slot.field];
    host[slot.name] = (memory instanceof WebAssembly.Memory ? maps.mapOf(memory) : undefined) ?? sinkMap();
  }
  return { [HOST_MODULE]: host };
}

export interface PrepareOptions {
  /** The most 64 KiB pages one memory of an instance may grow to; undefined: as the module says. */
  readonly maxMemoryPages?: number;
  /** Rewrite the modules so a guest that never calls the host can be stopped (default true). */
  readonly interrupt?: boolean;
  /** Give modules their memories from a pool (default true). */
  readonly poolMemories?: boolean;
  /** Export the modules' state so instances can be reset between requests (default true). */
  readonly resettable?: boolean;
}

export interface PreparedGuest {
  readonly compiled: CompiledComponent;
  /** The export that carries `handle`: `wasi:http/incoming-handler@0.2.N`. */
  readonly handlerExport: string;
  /** Per compiled module, what the rewriting added (absent: nothing). */
  readonly needs: ReadonlyMap<WebAssembly.Module, ModuleNeeds>;
  /**
   * Why an instance of this guest cannot be reset to its state right after instantiation
   * (src/serve/reset.ts), so each request needs a new one; undefined when it can.
   */
  readonly unresettable: string | undefined;
}

/** A start-up failure of the component itself (not a wasi:http server, too big for the cap). */
export class GuestError extends Error {}

function coreModules(c: Component, out: Module[]): Module[] {
  for (const s of c.sections) {
    if (s.kind === 'core-module') out.push(s.module);
    else if (s.kind === 'component') coreModules(s.component, out);
  }
  return out;
}

/**
 * The name of the component's `wasi:http/incoming-handler` export (any 0.2.x: a
 * wasi:http/proxy), else of its `wasi:http/handler` export (any 0.3.x: a wasi:http/service,
 * served by src/serve/service-p3.ts).
 */
export function handlerExportOf(exports: Iterable<string>): string | undefined {
  const names = [...exports];
  return names.find((name) => p2Interface(name) === 'wasi:http/incoming-handler') ?? names.find(isServiceExport);
}

/** Whether `name` is a 0.3 `wasi:http/handler` export (a wasi:http/service). */
export function isServiceExport(name: string): boolean {
  return p3Interface(name) === 'wasi:http/handler';
}

export async function prepareGuest(bytes: Uint8Array, options: PrepareOptions = {}): Promise<PreparedGuest> {
  const component = decodeComponent(bytes);
  const scopes = new Map<Component, Scope>();
  validateComponent(component, { scopes });
  const top = scopes.get(component);
  const handlerExport = top === undefined ? undefined : handlerExportOf(top.exports.keys());
  if (handlerExport === undefined) {
    const names = top === undefined ? [] : [...top.exports.keys()];
    throw new GuestError(`the component does not export wasi:http/incoming-handler@0.2 (a wasi:http/proxy server exports it) or wasi:http/handler@0.3 (a wasi:http/service); it exports ${names.length === 0 ? 'nothing' : names.join(', ')}`);
  }
  // Written-block marks only where instances are reset: a 0.3 service shares its instances
  // and never resets them (src/serve/service-p3.ts).
  const rewritten = await rewriteComponent(component, scopes, options, options.resettable !== false && !isServiceExport(handlerExport));
  return { ...rewritten, handlerExport };
}

/** A validated component with its core modules rewritten and compiled (prepareGuest's work past its checks). */
export interface RewrittenComponent {
  readonly compiled: CompiledComponent;
  readonly needs: ReadonlyMap<WebAssembly.Module, ModuleNeeds>;
  readonly unresettable: string | undefined;
}

/**
 * Rewrites and compiles the core modules of `component` (validated into `scopes`) as
 * `options` say, with written-block marks when `writeMarks`.
 */
export async function rewriteComponent(component: Component, scopes: Map<Component, Scope>, options: PrepareOptions, writeMarks: boolean): Promise<RewrittenComponent> {
  // The component keeps its own modules (the runtime reads their types); the engine compiles
  // rewritten copies.
  const list = coreModules(component, []);
  const rewritten = list.map((m) => instrumentModule(decodeModule(encodeModule(m)), {
    interrupt: options.interrupt !== false,
    importMemories: options.poolMemories !== false,
    maxPages: options.maxMemoryPages,
    exportState: options.resettable !== false,
    writeMarks,
  }));
  const compiledModules = await Promise.all(rewritten.map((r) => WebAssembly.compile(encodeModule(r.module))));
  const modules = new Map(list.map((m, i) => [m, compiledModules[i]]));
  const needs = new Map<WebAssembly.Module, ModuleNeeds>();
  for (const [i, r] of rewritten.entries()) {
    const st = r.state;
    const state = st !== undefined && (st.globals.length > 0 || st.tables.length > 0 || st.memories.length > 0 || st.drops !== undefined || st.writesTables) ? st : undefined;
    if (r.interrupt || r.memories.length > 0 || r.maps.length > 0 || state !== undefined) {
      needs.set(compiledModules[i], { interrupt: r.interrupt, memories: r.memories, maps: r.maps, ...(state === undefined ? {} : { state }) });
    }
  }
  let unresettable = options.resettable === false ? 'prepared without resettable state' : rewritten.find((r) => r.state?.unresettable !== undefined)?.state?.unresettable;
  // Modules and components the host hands in are not rewritten: their state is out of reach.
  for (const e of scopes.get(component)?.imports.values() ?? []) {
    if (unresettable === undefined && (e.kind === 'module' || e.kind === 'component')) unresettable = `it imports a core module or component`;
  }
  return { compiled: new CompiledComponent(component, { scopes, modules }, undefined), needs, unresettable };
}
