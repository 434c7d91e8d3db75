// The engine interface: what the rest of Tessera needs from something that executes core
// modules. The native tier (native.ts) drives the host's WebAssembly JS API; a pure
// TypeScript interpreter can implement the same interface later. Linking (linker.ts) and
// type matching (match.ts) sit above it, so every engine gets the same, spec-exact checks.
//
// Externs follow the spec's external values
// (https://webassembly.github.io/spec/core/exec/runtime.html#external-values): each one
// knows its type, relative to the module that defined it (its type space), so types can be
// compared across modules by their canonical ids.
import type { Module } from '../core/ast.ts';
import type { FuncType, GlobalType, MemoryType, TableType, TagType } from '../core/types.ts';
import type { TypeContext } from '../validate/type-context.ts';
import type { Value } from './values.ts';

/** A module's defined types: where the type indices in an extern's type point. */
export interface TypeSpace {
  readonly module: Module;
  readonly context: TypeContext;
}

export interface FuncExtern {
  readonly kind: 'func';
  readonly space: TypeSpace;
  /** The function's type index in `space`. */
  readonly type: number;
  readonly funcType: FuncType;
  /** Calls the function. Throws Trap, UncaughtException, or what a host function threw. */
  call(args: readonly Value[]): Value[];
}

export interface TableExtern {
  readonly kind: 'table';
  readonly space: TypeSpace;
  /** The table's type with its current size as the minimum (as the spec's `typeof` has it). */
  readonly type: TableType;
  size(): number;
}

export interface MemoryExtern {
  readonly kind: 'memory';
  readonly space: TypeSpace;
  /** The memory's type with its current size (in pages) as the minimum. */
  readonly type: MemoryType;
  /** The current contents; a new buffer after the memory grows. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

export interface GlobalExtern {
  readonly kind: 'global';
  readonly space: TypeSpace;
  readonly type: GlobalType;
  get(): Value;
  /** Only for mutable globals. */
  set(value: Value): void;
}

export interface TagExtern {
  readonly kind: 'tag';
  readonly space: TypeSpace;
  readonly type: TagType;
}

export type Extern = FuncExtern | TableExtern | MemoryExtern | GlobalExtern | TagExtern;

/** A module compiled by an engine: its AST (for types, imports, exports) and the engine's form. */
export interface CompiledModule extends TypeSpace {}

export interface Instance {
  readonly module: Module;
  readonly exports: ReadonlyMap<string, Extern>;
}

export interface Engine {
  readonly name: string;
  /** Compiles a module (AST or binary). Tessera has validated it; the engine may still refuse. */
  compile(source: Module | Uint8Array): CompiledModule;
  /**
   * Instantiates a compiled module with one extern per import, in import order, already
   * resolved and matched by the linker. Traps in initialisation or the start function throw
   * Trap; an uncaught exception throws UncaughtException.
   */
  instantiate(compiled: CompiledModule, imports: readonly Extern[]): Instance;
}
