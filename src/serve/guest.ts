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
import { instrumentModule, type MemorySlot } from './instrument.ts';

/** What a rewritten core module needs from the host at instantiation. */
export interface ModuleNeeds {
  readonly interrupt: boolean;
  readonly memories: readonly MemorySlot[];
}

export interface PrepareOptions {
  /** The most 64 KiB pages one memory of an instance may grow to; undefined: as the module says. */
  readonly maxMemoryPages?: number;
  /** Rewrite the modules so a guest that never calls the host can be stopped (default true). */
  readonly interrupt?: boolean;
  /** Give modules their memories from a pool (default true). */
  readonly poolMemories?: boolean;
}

export interface PreparedGuest {
  readonly compiled: CompiledComponent;
  /** The export that carries `handle`: `wasi:http/incoming-handler@0.2.N`. */
  readonly handlerExport: string;
  /** Per compiled module, what the rewriting added (absent: nothing). */
  readonly needs: ReadonlyMap<WebAssembly.Module, ModuleNeeds>;
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

/** The name of the component's `wasi:http/incoming-handler` export (any 0.2.x). */
export function handlerExportOf(exports: Iterable<string>): string | undefined {
  for (const name of exports) if (p2Interface(name) === 'wasi:http/incoming-handler') return name;
  return undefined;
}

export async function prepareGuest(bytes: Uint8Array, options: PrepareOptions = {}): Promise<PreparedGuest> {
  const component = decodeComponent(bytes);
  const scopes = new Map<Component, Scope>();
  validateComponent(component, { scopes });
  const top = scopes.get(component);
  const handlerExport = top === undefined ? undefined : handlerExportOf(top.exports.keys());
  if (handlerExport === undefined) {
    const names = top === undefined ? [] : [...top.exports.keys()];
    throw new GuestError(`the component does not export wasi:http/incoming-handler (a wasi:http/proxy server exports it); it exports ${names.length === 0 ? 'nothing' : names.join(', ')}`);
  }
  // The component keeps its own modules (the runtime reads their types); the engine compiles
  // rewritten copies.
  const list = coreModules(component, []);
  const rewritten = list.map((m) => instrumentModule(decodeModule(encodeModule(m)), {
    interrupt: options.interrupt !== false,
    importMemories: options.poolMemories !== false,
    maxPages: options.maxMemoryPages,
  }));
  const compiledModules = await Promise.all(rewritten.map((r) => WebAssembly.compile(encodeModule(r.module))));
  const modules = new Map(list.map((m, i) => [m, compiledModules[i]]));
  const needs = new Map<WebAssembly.Module, ModuleNeeds>();
  for (const [i, r] of rewritten.entries()) {
    if (r.interrupt || r.memories.length > 0) needs.set(compiledModules[i], { interrupt: r.interrupt, memories: r.memories });
  }
  return { compiled: new CompiledComponent(component, { scopes, modules }, undefined), handlerExport, needs };
}
