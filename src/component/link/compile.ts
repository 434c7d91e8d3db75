// compileComponent: decode, validate (keeping every component's resolved index spaces) and
// compile each embedded core module once, so instantiating many times compiles nothing.
// Nested components are CompiledComponents too, sharing their root's compiled modules; a
// nested one instantiated at run time also carries the frame it was defined in (its
// lexical environment for outer aliases).
import type { Module } from '../../core/ast.ts';
import { encodeModule } from '../../binary/encode.ts';
import type { Component } from '../ast.ts';
import { decodeComponent } from '../binary/decode.ts';
import { validateComponent } from '../validate/component.ts';
import type { EntityT } from '../validate/model.ts';
import type { Scope } from '../validate/scope.ts';
import type { Frame } from './frame.ts';

/** What one compilation produced, shared by the root and its nested components. */
export interface Compilation {
  readonly scopes: ReadonlyMap<Component, Scope>;
  readonly modules: ReadonlyMap<Module, WebAssembly.Module>;
}

export class CompiledComponent {
  readonly component: Component;
  /** @internal */
  readonly compilation: Compilation;
  /** @internal The frame a nested component was defined in (outer aliases reach it). */
  readonly env: Frame | undefined;
  /** @internal */
  readonly scope: Scope;

  /** @internal Made by compileComponent and by instantiation (nested components). */
  constructor(component: Component, compilation: Compilation, env: Frame | undefined) {
    this.component = component;
    this.compilation = compilation;
    this.env = env;
    const scope = compilation.scopes.get(component);
    if (scope === undefined) throw new Error('internal: component was not validated');
    this.scope = scope;
  }

  /** The component's imports, by name, as the validator typed them. */
  get imports(): ReadonlyMap<string, EntityT> {
    return this.scope.imports;
  }

  /** The component's exports, by name, as the validator typed them. */
  get exports(): ReadonlyMap<string, EntityT> {
    return this.scope.exports;
  }
}

function coreModules(c: Component, out: Module[]): Module[] {
  for (const s of c.sections) {
    if (s.kind === 'core-module') out.push(s.module);
    else if (s.kind === 'component') coreModules(s.component, out);
  }
  return out;
}

interface Validated {
  component: Component;
  scopes: Map<Component, Scope>;
  /** The core modules in index order, each with the bytes the engine compiles. */
  modules: { module: Module; bytes: Uint8Array<ArrayBuffer> }[];
}

/**
 * The bytes of a core module. A module this compilation decoded itself is unchanged since, so
 * its own bytes are sliced out of the component (re-encoding an unchanged module losslessly
 * costs more than validating it); a Component given by the caller may have been edited.
 */
function moduleBytes(m: Module, decodedHere: boolean): Uint8Array<ArrayBuffer> {
  const source = m.source;
  if (!decodedHere || source === undefined || source.sections.length === 0) return encodeModule(m);
  const sections = source.sections;
  const header = 8; // magic and version precede the first section
  // Decoded input is never shared memory (the engine would refuse that anyway).
  return source.bytes.subarray(sections[0].start - header, sections[sections.length - 1].end) as Uint8Array<ArrayBuffer>;
}

// Core function bodies are left to the engine, which validates them while compiling anyway:
// validating them twice was half of compileComponent's time. Everything the runtime relies on
// (types, imports, exports, the component layer) is still checked here first.
function validated(input: Uint8Array | ArrayBuffer | Component): Validated {
  const decodedHere = input instanceof Uint8Array || input instanceof ArrayBuffer;
  const component = decodedHere ? decodeComponent(input) : input;
  const scopes = new Map<Component, Scope>();
  validateComponent(component, { scopes, coreBodies: false });
  const modules = coreModules(component, []).map((module) => ({ module, bytes: moduleBytes(module, decodedHere) }));
  return { component, scopes, modules };
}

/**
 * The engine refused a core module: Tessera's validator, run over the bodies now, words the
 * reason with its position (as it would have without the shortcut). Should the engine refuse
 * what Tessera accepts (a feature the engine lacks), the engine's own error stands.
 */
function rejection(component: Component, engineError: unknown): unknown {
  validateComponent(component);
  return engineError;
}

/** Decodes (if bytes), validates and compiles a component; core modules compile in parallel. */
export async function compileComponent(input: Uint8Array | ArrayBuffer | Component): Promise<CompiledComponent> {
  const { component, scopes, modules: list } = validated(input);
  let compiled: WebAssembly.Module[];
  try {
    compiled = await Promise.all(list.map((m) => WebAssembly.compile(m.bytes)));
  } catch (e) {
    throw rejection(component, e);
  }
  const modules = new Map(list.map((m, i) => [m.module, compiled[i]]));
  return new CompiledComponent(component, { scopes, modules }, undefined);
}

/**
 * compileComponent, synchronously (Node, workers, scripts). Browsers limit synchronous
 * compilation of large modules on the main thread: use compileComponent there.
 */
export function compileComponentSync(input: Uint8Array | ArrayBuffer | Component): CompiledComponent {
  const { component, scopes, modules: list } = validated(input);
  let modules: Map<Module, WebAssembly.Module>;
  try {
    modules = new Map(list.map((m) => [m.module, new WebAssembly.Module(m.bytes)]));
  } catch (e) {
    throw rejection(component, e);
  }
  return new CompiledComponent(component, { scopes, modules }, undefined);
}
