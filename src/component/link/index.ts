// Instantiating components at run time (issue 8): compileComponent once, then
// instantiateComponent as often as needed. Exports come back as JavaScript functions,
// objects (instances) and classes (resources) keyed by their WIT names; host imports are
// given the same way. Value shapes follow jco's conventions (see the runtime contract and
// src/component/abi for each type's shape).
import type { Component } from '../ast.ts';
import type { JsShape } from './abi.ts';
import { CompiledComponent, compileComponent, compileComponentSync } from './compile.ts';
import { type ComponentExports, exportsObject } from './exports.ts';
import { HostImports } from './imports.ts';
import { instantiateFrame, runAsync, runSync, type Walk } from './instantiate.ts';
import { ResourceClasses } from './resource-object.ts';
import { linkPlan } from './prelink.ts';
import { registerInstances } from './quiescence.ts';
import type { Root } from './runtime-instance.ts';

export { CompiledComponent, compileComponent, compileComponentSync };
export type { ComponentExports, ComponentFunction } from './exports.ts';
export { GuestResource, type GuestClass } from './resource-object.ts';
export type { HostClass } from './resource-type.ts';
export { suspendingHost } from './jspi.ts';
export { type InitialState, initialState } from './quiescence.ts';
export {
  ComponentFuture, ComponentStream, type ComponentStreamReader, ErrorContext, onUncaughtTrap, type StreamChunk,
} from '../async/index.ts';

export interface InstantiateOptions {
  /**
   * 'wit' (default): export and import keys, record fields and flags members as WIT writes
   * them. 'camel': kebab-case becomes lowerCamelCase (`my-field` → `myField`), resource
   * classes UpperCamelCase, like jco. Interface names (`ns:pkg/iface`) and variant and enum
   * tags are kept. Instances linked to each other should use the same style.
   */
  readonly names?: 'wit' | 'camel';
  /**
   * 'throw' (default): a function returning `result<T, E>` returns the ok value or throws a
   * ComponentError whose `payload` is the error value (host functions do the same in
   * reverse). 'tagged': it returns `{ tag: 'ok' | 'err', val }`.
   */
  readonly results?: 'throw' | 'tagged';
  /**
   * Host functions may wait, through JSPI (WebAssembly.Suspending / promising, Node 24): a
   * host function marked with `suspendingHost` may return a promise, and the guest's stack
   * suspends until it settles while the event loop runs. Every export then returns a promise
   * (link/jspi.ts). Default false: everything is synchronous.
   */
  readonly jspi?: boolean;
  /**
   * 🔀 What an async export's call does when nothing can run any more (every task waits on
   * something only a component could provide) and no host promise it waits on is pending:
   * 'trap' rejects it with wasmtime's trap "deadlock detected: event loop cannot make further
   * progress" (checked a macrotask later); 'wait' (default) keeps waiting, since JavaScript may
   * still act later (call a synchronous export that lowers backpressure, read a stream).
   */
  readonly deadlock?: 'trap' | 'wait';
  /**
   * Extra imports for core modules, asked for at each core instantiation with the compiled
   * module (a host that rewrote a component's modules, as `tessera serve` does to give them a
   * deadline check and pooled memories, supplies what it added). The component's own
   * instantiation arguments win over a module name given here; they are passed as `args`
   * (by module name, the exports of a core instance), so a host can see what the module gets
   * from the component (`tessera serve` finds the written-block map of an imported memory).
   */
  readonly coreImports?: (module: WebAssembly.Module, args: CoreImportArgs) => WebAssembly.Imports | undefined;
  /**
   * Told of each core instance as it is made, with its compiled module (a host that rewrote
   * the modules to export their state reads it from there: `tessera serve`'s resets).
   */
  readonly coreInstance?: (module: WebAssembly.Module, instance: WebAssembly.Instance) => void;
}

/** A core instantiation's arguments: by import module name, the exports of a core instance. */
export type CoreImportArgs = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * Host imports by name: a function per func import, an object per instance import (its
 * exports by name, nested), a class per resource type import (methods, statics and
 * constructor may then be left out of the instance: they are taken from the class), a
 * CompiledComponent per component import, a WebAssembly.Module per core module import. An
 * interface may be named without its `@version`.
 */
export type ComponentImports = Readonly<Record<string, unknown>>;

export interface ComponentInstance {
  /** The instance's exports by (mapped) name. */
  readonly exports: ComponentExports;
}

type Input = Uint8Array | ArrayBuffer | Component | CompiledComponent;

function walk(compiled: CompiledComponent, imports: ComponentImports, options: InstantiateOptions): Walk<ComponentInstance> {
  const shape: JsShape = { names: options.names ?? 'wit', results: options.results ?? 'throw' };
  const { names } = linkPlan(compiled, shape.names);
  const root: Root = {
    shape, classes: new ResourceClasses((name) => names.className(name)), jspi: options.jspi === true, coreImports: options.coreImports, deadlock: options.deadlock ?? 'wait',
    coreInstance: options.coreInstance, instances: [], threads: new Set(),
  };
  return (function* () {
    const frame = yield* instantiateFrame(compiled, (name, e, f) => {
      const host = new HostImports(names, f.inst.handles.types);
      return host.item(imports, name, e, undefined);
    }, null, root);
    const instance: ComponentInstance = { exports: exportsObject(frame.exports, names, root.classes) };
    registerInstances(instance, root);
    return instance;
  })();
}

/**
 * Instantiates a component (bytes, a decoded or parsed Component, or a CompiledComponent).
 * Throws ValidationError for an invalid component, LinkError for a missing or mistyped
 * import (naming the import and both types), Trap if a start function traps.
 */
export async function instantiateComponent(input: Input, imports: ComponentImports = {}, options: InstantiateOptions = {}): Promise<ComponentInstance> {
  const compiled = input instanceof CompiledComponent ? input : await compileComponent(input);
  return runAsync(walk(compiled, imports, options));
}

/** instantiateComponent, synchronously (core modules compiled and instantiated synchronously). */
export function instantiateComponentSync(input: Input, imports: ComponentImports = {}, options: InstantiateOptions = {}): ComponentInstance {
  const compiled = input instanceof CompiledComponent ? input : compileComponentSync(input);
  return runSync(walk(compiled, imports, options));
}
