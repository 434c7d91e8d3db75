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
import { HOST_MODULE, INTERRUPT, instrumentModule, type MemorySlot, type ModuleState, YIELD } from './instrument.ts';

/** What a rewritten core module needs from the host at instantiation. */
export interface ModuleNeeds {
  readonly interrupt: boolean;
  readonly memories: readonly MemorySlot[];
  /** The state it exports for resets (absent: none, or the guest was prepared without). */
  readonly state?: ModuleState;
}

/** The deadline and time-slice checks a rewritten module calls (src/serve/context.ts interruptImports). */
export interface InterruptImports {
  readonly interrupt: (depth: number) => number;
  readonly yield: WebAssembly.ImportValue;
}

/**
 * What the host gives a rewritten core module (`needs`: undefined when it was not rewritten):
 * its interrupt checks and its memories, each taken from `take` (the pool).
 */
export function hostCoreImports(needs: ModuleNeeds | undefined, interrupt: InterruptImports, take: (slot: MemorySlot) => WebAssembly.Memory): WebAssembly.Imports | undefined {
  if (needs === undefined) return undefined;
  const host: Record<string, WebAssembly.ImportValue> = {};
  if (needs.interrupt) {
    host[INTERRUPT] = interrupt.interrupt;
    host[YIELD] = interrupt.yield;
  }
  for (const slot of needs.memories) host[slot.name] = take(slot);
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
  // The component keeps its own modules (the runtime reads their types); the engine compiles
  // rewritten copies.
  const list = coreModules(component, []);
  const rewritten = list.map((m) => instrumentModule(decodeModule(encodeModule(m)), {
    interrupt: options.interrupt !== false,
    importMemories: options.poolMemories !== false,
    maxPages: options.maxMemoryPages,
    exportState: options.resettable !== false,
  }));
  const compiledModules = await Promise.all(rewritten.map((r) => WebAssembly.compile(encodeModule(r.module))));
  const modules = new Map(list.map((m, i) => [m, compiledModules[i]]));
  const needs = new Map<WebAssembly.Module, ModuleNeeds>();
  for (const [i, r] of rewritten.entries()) {
    const st = r.state;
    const state = st !== undefined && (st.globals.length > 0 || st.tables.length > 0 || st.memories.length > 0 || st.drops !== undefined) ? st : undefined;
    if (r.interrupt || r.memories.length > 0 || state !== undefined) {
      needs.set(compiledModules[i], { interrupt: r.interrupt, memories: r.memories, ...(state === undefined ? {} : { state }) });
    }
  }
  let unresettable = options.resettable === false ? 'prepared without resettable state' : rewritten.find((r) => r.state?.unresettable !== undefined)?.state?.unresettable;
  // Modules and components the host hands in are not rewritten: their state is out of reach.
  for (const e of top?.imports.values() ?? []) {
    if (unresettable === undefined && (e.kind === 'module' || e.kind === 'component')) unresettable = `it imports a core module or component`;
  }
  return { compiled: new CompiledComponent(component, { scopes, modules }, undefined), handlerExport, needs, unresettable };
}
