// The native tier: runs core modules on the host's own engine through the WebAssembly JS API
// (https://webassembly.github.io/spec/js-api/). Tessera decodes, validates and links; the
// engine compiles and executes. Values cross the JS boundary exactly, through thunk modules
// where the JS API would lose or refuse them (thunks.ts); engine errors become Trap,
// UncaughtException or EngineError (traps.ts, exceptions.ts).
//
// Compilation here is synchronous (`new WebAssembly.Module`). Browsers limit that to small
// modules on the main thread; an asynchronous variant belongs beside it when a browser host
// needs it. Limits (memory, table size, fuel) will be options of the engine: its externs
// and the linker already see every memory, table and instance created.
import { decodeModule } from '../binary/decode.ts';
import { encodeModule } from '../binary/encode.ts';
import type { Module } from '../core/ast.ts';
import { LinkError } from '../core/errors.ts';
import type { GlobalType } from '../core/types.ts';
import { TypeContext } from '../validate/type-context.ts';
import type { CompiledModule, Engine, Extern, Instance, TypeSpace } from './engine.ts';
import { EngineError } from '../core/errors.ts';
import {
  funcTypeAt, funcTypeIndex, globalType, importPosition, memoryType, tableType, tagType,
} from './module-types.ts';
import {
  NativeFunc, NativeGlobal, NativeMemory, NativeTable, NativeTag, type Boundary, nativeValue,
} from './native-externs.ts';
import { classifier, exnStore, funcThunk, globalThunk } from './thunks.ts';
import { translateError } from './traps.ts';

export class NativeModule implements CompiledModule {
  readonly module: Module;
  readonly context: TypeContext;
  /** The engine's compiled module. */
  readonly native: WebAssembly.Module;
  constructor(module: Module, context: TypeContext, native: WebAssembly.Module) {
    this.module = module;
    this.context = context;
    this.native = native;
  }
}

export class NativeEngine implements Engine, Boundary {
  readonly name = 'native';
  /** Compiled function thunks, per owner module and type index. */
  readonly #funcThunks = new WeakMap<Module, Map<number, WebAssembly.Module>>();
  readonly #globalThunks = new WeakMap<Module, Map<string, WebAssembly.Module>>();
  #exnTable: WebAssembly.Table | undefined;
  #classify: ((ref: unknown) => number) | undefined;

  compile(source: Module | Uint8Array): NativeModule {
    const module = source instanceof Uint8Array ? decodeModule(source) : source;
    const bytes = source instanceof Uint8Array ? source : encodeModule(source);
    const context = TypeContext.of(module);
    return new NativeModule(module, context, this.#compileBytes(bytes));
  }

  #compileBytes(bytes: Uint8Array): WebAssembly.Module {
    try {
      return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    } catch (e) {
      // Tessera validated the module already: a refusal is the engine's limit or gap.
      if (e instanceof WebAssembly.CompileError) throw new EngineError('V8', e.message);
      throw e;
    }
  }

  instantiate(compiled: CompiledModule, imports: readonly Extern[]): Instance {
    if (!(compiled instanceof NativeModule)) throw new TypeError('not a module compiled by the native engine');
    const m = compiled.module;
    if (imports.length !== m.imports.length) throw new LinkError(`expected ${m.imports.length} imports, got ${imports.length}`);
    const importObject: WebAssembly.Imports = Object.create(null);
    m.imports.forEach((imp, i) => {
      const ns = (importObject[imp.module] ??= Object.create(null) as WebAssembly.ModuleImports);
      ns[imp.name] = nativeValue(imports[i]);
    });
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(compiled.native, importObject);
    } catch (e) {
      throw translateError(e);
    }
    return { module: m, exports: this.#exports(compiled, instance, imports) };
  }

  #exports(space: TypeSpace, instance: WebAssembly.Instance, imports: readonly Extern[]): Map<string, Extern> {
    const m = space.module;
    const made = new Map<string, Extern>();
    const out = new Map<string, Extern>();
    for (const e of m.exports) {
      // Exporting an import passes the same extern on, with its own (original) type.
      const at = importPosition(m, e.kind, e.index);
      if (at >= 0) {
        out.set(e.name, imports[at]);
        continue;
      }
      const key = `${e.kind} ${e.index}`;
      let ext = made.get(key);
      if (ext === undefined) {
        const value: unknown = instance.exports[e.name];
        switch (e.kind) {
          case 'func': ext = new NativeFunc(this, space, funcTypeIndex(m, e.index), value as (...args: unknown[]) => unknown); break;
          case 'table': ext = new NativeTable(space, tableType(m, e.index), value as WebAssembly.Table); break;
          case 'memory': ext = new NativeMemory(space, memoryType(m, e.index), value as WebAssembly.Memory); break;
          case 'global': ext = new NativeGlobal(this, space, globalType(m, e.index), value as WebAssembly.Global); break;
          case 'tag': ext = new NativeTag(space, tagType(m, e.index), value as WebAssembly.Tag); break;
        }
        made.set(key, ext);
      }
      out.set(e.name, ext);
    }
    return out;
  }

  // --- Boundary services for the externs -------------------------------------------------

  /** The exception table that exnref values cross through (created on first use). */
  exnTable(): WebAssembly.Table {
    if (this.#exnTable === undefined) {
      const store = new WebAssembly.Instance(this.#compileBytes(encodeModule(exnStore())), {});
      this.#exnTable = store.exports.table as WebAssembly.Table;
    }
    return this.#exnTable;
  }

  /** Which kinds of internal reference (CLASS_* bits of thunks.ts) `ref` is. */
  classify(ref: unknown): number {
    if (this.#classify === undefined) {
      const inst = new WebAssembly.Instance(this.#compileBytes(encodeModule(classifier())), {});
      this.#classify = inst.exports.classify as (ref: unknown) => number;
    }
    return this.#classify(ref);
  }

  /** `call` of the thunk for a function of type `type` in `space`, bound to `fn`. */
  funcThunk(space: TypeSpace, type: number, fn: WebAssembly.ImportValue): (...args: unknown[]) => unknown {
    let byType = this.#funcThunks.get(space.module);
    if (byType === undefined) this.#funcThunks.set(space.module, (byType = new Map()));
    let compiled = byType.get(type);
    if (compiled === undefined) {
      compiled = this.#compileBytes(encodeModule(funcThunk(space.module, type, funcTypeAt(space.module, type))));
      byType.set(type, compiled);
    }
    const inst = new WebAssembly.Instance(compiled, { t: this.#thunkImports(compiled, 'f', fn) });
    return inst.exports.call as (...args: unknown[]) => unknown;
  }

  /** `get` and `set` of the thunk for a global of type `type` in `space`, bound to `g`. */
  globalThunk(space: TypeSpace, type: GlobalType, g: WebAssembly.Global): WebAssembly.Exports {
    let byType = this.#globalThunks.get(space.module);
    if (byType === undefined) this.#globalThunks.set(space.module, (byType = new Map()));
    const key = JSON.stringify(type);
    let compiled = byType.get(key);
    if (compiled === undefined) {
      compiled = this.#compileBytes(encodeModule(globalThunk(space.module, type)));
      byType.set(key, compiled);
    }
    return new WebAssembly.Instance(compiled, { t: this.#thunkImports(compiled, 'g', g) }).exports;
  }

  #thunkImports(compiled: WebAssembly.Module, name: string, value: WebAssembly.ImportValue): WebAssembly.ModuleImports {
    const imports: WebAssembly.ModuleImports = { [name]: value };
    if (WebAssembly.Module.imports(compiled).some((i) => i.name === 'exn')) imports.exn = this.exnTable();
    return imports;
  }
}
