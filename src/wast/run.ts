// Runs script commands the way the spec interpreter's script runner does
// (WebAssembly/spec interpreter/script/run.ml): each module is parsed or decoded, validated
// and linked by Tessera, then compiled and instantiated by the engine. Each assertion checks
// the phase it is about with Tessera's own component: `assert_malformed` the decoder or text
// parser, `assert_invalid` the validator, `assert_unlinkable` the linker; the engine is never
// asked to judge a module. Expected messages match as the reference runner matches them, by
// prefix of the error's spec phrase; a trap matches by kind.
import { decodeModule } from '../binary/decode.ts';
import type { Module } from '../core/ast.ts';
import { DecodeError, LinkError, ParseError, Trap, ValidationError } from '../core/errors.ts';
import { ALL_FEATURES, type FeatureSet } from '../core/features.ts';
import type { CompiledModule, Engine, Instance, TypeSpace } from '../runtime/engine.ts';
import { EngineError, UncaughtException } from '../core/errors.ts';
import { Linker } from '../runtime/linker.ts';
import { NativeEngine } from '../runtime/native.ts';
import { spectest } from '../runtime/spectest.ts';
import { trapKindOfMessage, trapMayBe } from '../runtime/traps.ts';
import { HostRef, type Value } from '../runtime/values.ts';
import { parseWat } from '../text/parse.ts';
import type { Action, Command, ScriptModule, Value as ScriptValue } from '../text/wast.ts';
import { TypeContext } from '../validate/type-context.ts';
import { validateModule } from '../validate/module.ts';
import { resultsMismatch } from './expect.ts';

export type Status = 'passed' | 'failed' | 'skipped';

export interface Outcome {
  readonly line: number;
  /** The command's kind; `component` for a component script's component definition. */
  readonly command: Command['kind'] | 'script' | 'component';
  readonly status: Status;
  /** What went wrong (failed) or why it did not run (skipped). */
  readonly message?: string;
}

export interface RunOptions {
  /** Features modules may use (default: all Tessera knows). */
  readonly features?: FeatureSet;
  /** The engine (default: a new native engine). */
  readonly engine?: Engine;
}

class Failure extends Error {}
/** The engine refused a module Tessera found valid (an engine limit or gap). */
class Refused extends Failure {}
/** A command that cannot run because a module it needs was refused by the engine. */
class Skip extends Error {}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The phrase of one of Tessera's errors, for prefix matching. */
function phrase(e: Error): string {
  return 'phrase' in e && typeof e.phrase === 'string' ? e.phrase : e.message;
}

export class ScriptRunner {
  readonly #engine: Engine;
  readonly #features: FeatureSet;
  readonly #linker = new Linker();
  readonly #instances = new Map<string, Instance>();
  readonly #definitions = new Map<string, CompiledModule>();
  /** The latest module: undefined after one that failed, so its actions fail too. */
  #current: Instance | undefined;
  #currentDefinition: CompiledModule | undefined;
  // Modules the engine refused, by the line that defined them: commands that need them are
  // skipped (they cannot run), not failed; the refusal itself is the failure to list.
  #currentRefused: number | undefined;
  readonly #refusedIds = new Map<string, number>();
  readonly #refusedNames = new Map<string, number>();

  constructor(options: RunOptions = {}) {
    this.#engine = options.engine ?? new NativeEngine();
    this.#features = options.features ?? ALL_FEATURES;
    this.#linker.register('spectest', spectest(this.#engine));
  }

  /** Runs commands in order; every command gets an outcome. */
  runAll(commands: readonly Command[]): Outcome[] {
    return commands.map((c) => this.run(c));
  }

  run(c: Command): Outcome {
    try {
      this.#run(c);
      return { line: c.line, command: c.kind, status: 'passed' };
    } catch (e) {
      if (e instanceof Skip) return { line: c.line, command: c.kind, status: 'skipped', message: e.message };
      return { line: c.line, command: c.kind, status: 'failed', message: e instanceof Failure ? e.message : `crashed: ${describe(e)}` };
    }
  }

  #run(c: Command): void {
    switch (c.kind) {
      case 'module': {
        this.#current = undefined;
        this.#currentDefinition = undefined;
        this.#currentRefused = undefined;
        const id = c.module.id;
        if (id !== undefined) this.#refusedIds.delete(id);
        let compiled: CompiledModule;
        try {
          compiled = this.#compile(c.module);
        } catch (e) {
          if (e instanceof Refused) {
            this.#currentRefused = c.line;
            if (id !== undefined) this.#refusedIds.set(id, c.line);
          }
          throw e;
        }
        if (c.module.id !== undefined) this.#definitions.set(c.module.id, compiled);
        this.#currentDefinition = compiled;
        if (!c.module.definition) this.#instantiateAs(compiled, c.module.id);
        return;
      }
      case 'instance': {
        this.#current = undefined;
        this.#skipIfRefused(c.module);
        const def = c.module === undefined ? this.#currentDefinition : this.#definitions.get(c.module);
        if (def === undefined) throw new Failure(`unknown module definition ${c.module ?? '(latest)'}`);
        this.#instantiateAs(def, c.id);
        return;
      }
      case 'register': {
        this.#refusedNames.delete(c.name);
        const refused = this.#refusedLine(c.module);
        if (refused !== undefined) this.#refusedNames.set(c.name, refused);
        const inst = this.#instance(c.module);
        this.#linker.register(c.name, inst);
        return;
      }
      case 'action':
        this.#act(c.action);
        return;
      case 'assert_return': {
        const why = resultsMismatch(this.#act(c.action), c.results);
        if (why !== undefined) throw new Failure(why);
        return;
      }
      case 'assert_trap':
        this.#expectTrap(() => this.#act(c.action), c.message);
        return;
      case 'assert_exhaustion':
        this.#expectTrap(() => this.#act(c.action), c.message);
        return;
      case 'assert_uninstantiable': {
        const compiled = this.#compile(c.module);
        this.#skipIfImportsRefused(compiled.module);
        this.#expectTrap(() => this.#linker.instantiate(this.#engine, compiled), c.message);
        return;
      }
      case 'assert_exception': {
        const result = this.#attempt(() => this.#act(c.action));
        if (!(result instanceof UncaughtException)) throw new Failure(`expected an uncaught exception, got ${this.#got(result)}`);
        return;
      }
      case 'assert_malformed':
      case 'assert_malformed_custom':
        this.#expectMalformed(c.module, c.message);
        return;
      case 'assert_invalid':
      case 'assert_invalid_custom': {
        const module = this.#read(c.module);
        const result = this.#attempt(() => validateModule(module, { features: this.#features }));
        this.#expectError(result, ValidationError, c.message);
        return;
      }
      case 'assert_unlinkable': {
        // Decided by Tessera's linker alone: the engine never sees the module.
        const module = this.#validated(c.module);
        this.#skipIfImportsRefused(module);
        const space: TypeSpace = { module, context: TypeContext.of(module) };
        const result = this.#attempt(() => this.#linker.resolve(space));
        this.#expectError(result, LinkError, c.message);
        return;
      }
    }
  }

  #refusedLine(id: string | undefined): number | undefined {
    return id === undefined ? this.#currentRefused : this.#refusedIds.get(id);
  }

  #skipIfRefused(id: string | undefined): void {
    const line = this.#refusedLine(id);
    if (line !== undefined) throw new Skip(`needs the module of line ${line}, which the engine refused`);
  }

  #importsRefused(m: Module): number | undefined {
    for (const imp of m.imports) {
      const line = this.#refusedNames.get(imp.module);
      if (line !== undefined) return line;
    }
    return undefined;
  }

  #skipIfImportsRefused(m: Module): void {
    const line = this.#importsRefused(m);
    if (line !== undefined) throw new Skip(`imports from the module of line ${line}, which the engine refused`);
  }

  #instantiateAs(compiled: CompiledModule, id: string | undefined): void {
    // An instance that cannot exist makes the commands that use it skip too.
    const refused = this.#importsRefused(compiled.module);
    if (refused !== undefined) {
      this.#currentRefused = refused;
      if (id !== undefined) this.#refusedIds.set(id, refused);
      this.#skipIfImportsRefused(compiled.module);
    }
    let inst: Instance;
    try {
      inst = this.#linker.instantiate(this.#engine, compiled);
    } catch (e) {
      throw new Failure(`instantiation failed: ${describe(e)}`);
    }
    if (id !== undefined) this.#instances.set(id, inst);
    this.#current = inst;
  }

  #instance(id: string | undefined): Instance {
    this.#skipIfRefused(id);
    const inst = id === undefined ? this.#current : this.#instances.get(id);
    if (inst === undefined) throw new Failure(id === undefined ? 'no module instance (the latest module failed)' : `unknown module ${id}`);
    return inst;
  }

  #act(a: Action): Value[] {
    const inst = this.#instance(a.module);
    const ext = inst.exports.get(a.name);
    if (a.kind === 'invoke') {
      if (ext?.kind !== 'func') throw new Failure(`no function export ${JSON.stringify(a.name)}`);
      return ext.call(a.args.map(argument));
    }
    if (ext?.kind !== 'global') throw new Failure(`no global export ${JSON.stringify(a.name)}`);
    return [ext.get()];
  }

  /** The module of a form: parsed or decoded (function bodies included), not validated. */
  #read(form: ScriptModule): Module {
    try {
      switch (form.kind) {
        case 'text': return form.parse();
        case 'quote': return parseWat(form.source);
        case 'binary': return decodeModule(form.bytes, { lazy: false, features: this.#features });
      }
    } catch (e) {
      throw new Failure(`malformed: ${describe(e)}`);
    }
  }

  #validated(form: ScriptModule): Module {
    const module = this.#read(form);
    try {
      return validateModule(module, { features: this.#features });
    } catch (e) {
      throw new Failure(`invalid: ${describe(e)}`);
    }
  }

  #compile(form: ScriptModule): CompiledModule {
    const module = this.#validated(form);
    try {
      // A binary module reaches the engine as its original bytes.
      return this.#engine.compile(form.kind === 'binary' ? form.bytes : module);
    } catch (e) {
      if (e instanceof EngineError) throw new Refused(`engine refused a valid module: ${e.message}`);
      throw new Failure(`compile failed: ${describe(e)}`);
    }
  }

  #expectMalformed(form: ScriptModule, message: string): void {
    const result = this.#attempt(() => this.#parseOrDecode(form));
    this.#expectError(result, form.kind === 'binary' ? DecodeError : ParseError, message);
  }

  #parseOrDecode(form: ScriptModule): Module {
    switch (form.kind) {
      case 'text': return form.parse();
      case 'quote': return parseWat(form.source);
      case 'binary': return decodeModule(form.bytes, { lazy: false, features: this.#features });
    }
  }

  #attempt(f: () => unknown): unknown {
    try {
      f();
      return undefined;
    } catch (e) {
      if (e instanceof Skip) throw e;
      return e ?? new Error(String(e));
    }
  }

  #got(result: unknown): string {
    return result === undefined ? 'success' : describe(result);
  }

  #expectError(result: unknown, kind: abstract new (...args: never[]) => Error, message: string): void {
    if (!(result instanceof kind)) throw new Failure(`expected ${kind.name} "${message}", got ${this.#got(result)}`);
    if (!phrase(result).startsWith(message)) throw new Failure(`expected "${message}", got ${describe(result)}`);
  }

  #expectTrap(f: () => unknown, message: string): void {
    const result = this.#attempt(f);
    if (!(result instanceof Trap)) throw new Failure(`expected trap "${message}", got ${this.#got(result)}`);
    const kind = trapKindOfMessage(message);
    const ok = kind === undefined ? result.message.startsWith(message) : trapMayBe(result, kind);
    if (!ok) throw new Failure(`expected trap "${message}", got ${describe(result)}`);
  }
}

/** A script's argument as a runtime value: host references by their number. */
function argument(v: ScriptValue): Value {
  switch (v.type) {
    case 'v128': return { type: 'v128', bytes: v.bytes };
    case 'ref.null': return { type: 'ref', ref: null };
    case 'ref.extern': case 'ref.host': return { type: 'ref', ref: HostRef.of(v.value) };
    default: return v;
  }
}
