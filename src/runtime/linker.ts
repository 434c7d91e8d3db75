// The linker: a registry of named instances (the spec's `register`, a host's import
// namespaces) that resolves a module's imports by module and field name and checks each
// against its declared type before any engine sees it
// (https://webassembly.github.io/spec/core/exec/modules.html#instantiation, steps 3-4).
// Errors use the spec's phrases: "unknown import", "incompatible import type".
import type { Module } from '../core/ast.ts';
import { LinkError } from '../core/errors.ts';
import type { CompiledModule, Engine, Extern, Instance, TypeSpace } from './engine.ts';
import { mismatch } from './match.ts';

/** Anything with named externs: an instance, or a host module built by hand. */
export type Namespace = Instance | ReadonlyMap<string, Extern>;

export class Linker {
  readonly #namespaces = new Map<string, ReadonlyMap<string, Extern>>();

  /** Makes the exports of `ns` importable under module name `name` (replacing any before). */
  register(name: string, ns: Namespace): void {
    this.#namespaces.set(name, 'exports' in ns ? ns.exports : ns);
  }

  /** The externs registered under `name`, if any. */
  namespace(name: string): ReadonlyMap<string, Extern> | undefined {
    return this.#namespaces.get(name);
  }

  /**
   * One extern per import of the module, in order, each checked against its import type.
   * Throws LinkError.
   */
  resolve(space: TypeSpace): Extern[] {
    const m: Module = space.module;
    return m.imports.map((imp) => {
      const ext = this.#namespaces.get(imp.module)?.get(imp.name);
      if (ext === undefined) throw new LinkError(`unknown import: "${imp.module}" "${imp.name}"`);
      const why = mismatch(imp.desc, space, ext);
      if (why !== undefined) throw new LinkError(`incompatible import type: "${imp.module}" "${imp.name}": ${why}`);
      return ext;
    });
  }

  /** Resolves the imports and instantiates the module on `engine`. */
  instantiate(engine: Engine, compiled: CompiledModule): Instance {
    return engine.instantiate(compiled, this.resolve(compiled));
  }
}
