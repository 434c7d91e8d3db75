// Component scripts: the `.wast` dialect of the Component Model tests
// (../shared/component-model-tests, read by `wasmtime wast` and `wasm-tools wast`). Every
// component is parsed (or decoded), encoded, and must survive decode + encode byte for byte;
// `assert_malformed` expects the parser or decoder to refuse, `assert_invalid` the validator
// (or already the parser: its phrase is matched separately and counted, not required).
// Scripts with actions also run: components are compiled and instantiated by
// src/component/link, `(component instance $i $def)` instantiates a definition, and
// `assert_return` / `assert_trap` invoke exports with component values. Scripts without
// actions (validation/, binary/) only validate, since their components' imports have no
// providers.
import { CalleeTrap, DecodeError, LinkError, ParseError, Trap, ValidationError } from '../core/errors.ts';
import type { Component } from '../component/ast.ts';
import { decodeComponent } from '../component/binary/decode.ts';
import { encodeComponent } from '../component/binary/encode.ts';
import { type CompiledComponent, compileComponentSync } from '../component/link/compile.ts';
import { type ComponentInstance, instantiateComponentSync } from '../component/link/index.ts';
import { type ComponentCommand, parseComponentWast, type ScriptAction, type ScriptComponent, type ScriptValue } from '../component/text/wast.ts';
import { validateComponent } from '../component/validate/component.ts';
import type { FuncT, VT } from '../component/validate/model.ts';
import { trapFromEngine, trapKindOfMessage, trapMayBe } from '../runtime/traps.ts';
import type { TrapKind } from '../core/errors.ts';
import type { Outcome } from './run.ts';

/** How `assert_invalid` commands were decided, for the conformance report. */
export interface InvalidStats {
  total: number;
  byParser: number;
  byValidator: number;
  /** Rejections whose message contains the script's expected phrase. */
  phraseMatched: number;
  /** `line: expected "..." got "..."` for the others. */
  readonly mismatches: string[];
}

export interface ComponentRun {
  readonly outcomes: Outcome[];
  readonly invalid: InvalidStats;
}

/** True if the text is a component script (a top-level form is, or wraps, a component). */
export function isComponentScript(text: string): boolean {
  if (!text.includes('(component')) return false;
  return /^\s*\((?:component\b|assert_\w+\s+\(component\b)/m.test(text.replace(/;;[^\n]*/g, ''));
}

class Failure extends Error {}
class Skip extends Error {}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Parses, encodes, decodes the encoding and re-encodes it: the same bytes both times. */
export function roundTrip(sc: ScriptComponent): Component {
  const component = sc.parse();
  const bytes = encodeComponent(component);
  const again = encodeComponent(decodeComponent(bytes));
  if (!equalBytes(bytes, again)) throw new Failure('encoding does not survive decode and encode');
  return component;
}

interface Live {
  readonly instance: ComponentInstance;
  readonly compiled: CompiledComponent;
}

const COMMAND_NAMES: Partial<Record<ComponentCommand['kind'], Outcome['command']>> = {
  component: 'component', instance: 'instance', action: 'action', assert_return: 'assert_return',
  assert_trap: 'assert_trap', register: 'register', assert_invalid: 'assert_invalid',
  assert_malformed: 'assert_malformed', assert_unlinkable: 'assert_unlinkable',
  assert_uninstantiable: 'assert_uninstantiable',
};

export class ComponentScriptRunner {
  readonly invalid: InvalidStats = { total: 0, byParser: 0, byValidator: 0, phraseMatched: 0, mismatches: [] };
  /** Whether components are instantiated (the script has actions) or only validated. */
  readonly #runs: boolean;
  readonly #definitions = new Map<string, CompiledComponent>();
  #latestDefinition: CompiledComponent | undefined;
  readonly #instances = new Map<string, Live>();
  #current: Live | undefined;

  constructor(commands: readonly ComponentCommand[]) {
    this.#runs = commands.some((c) => c.kind === 'action' || c.kind === 'assert_return' || c.kind === 'assert_trap' ||
      c.kind === 'instance' || c.kind === 'assert_unlinkable' || c.kind === 'assert_uninstantiable');
  }

  runAll(commands: readonly ComponentCommand[]): Outcome[] {
    return commands.map((c) => this.run(c));
  }

  /**
   * 🔀 Runs the commands in order, awaiting each invocation: an async export returns a
   * promise, and its tasks run in the store's loop (src/component/async) between awaits.
   */
  async runAllAsync(commands: readonly ComponentCommand[]): Promise<Outcome[]> {
    const out: Outcome[] = [];
    for (const c of commands) out.push(await this.runAsync(c));
    return out;
  }

  async runAsync(c: ComponentCommand): Promise<Outcome> {
    const command = COMMAND_NAMES[c.kind] ?? 'script';
    try {
      switch (c.kind) {
        case 'action':
          await this.#invoke(c.action).value;
          break;
        case 'assert_return': {
          const { value, type } = this.#invoke(c.action);
          const why = resultMismatch(await value, type, c.results);
          if (why !== undefined) throw new Failure(why);
          break;
        }
        case 'assert_trap':
          expectTrap(await attemptAsync(async () => await this.#invoke(c.action).value), c.message);
          break;
        default:
          this.#run(c);
      }
      return { line: c.line, command, status: 'passed' };
    } catch (e) {
      if (e instanceof Skip) return { line: c.line, command, status: 'skipped', message: e.message };
      return { line: c.line, command, status: 'failed', message: e instanceof Failure ? e.message : `crashed: ${describe(e)}` };
    }
  }

  run(c: ComponentCommand): Outcome {
    const command = COMMAND_NAMES[c.kind] ?? 'script';
    try {
      this.#run(c);
      return { line: c.line, command, status: 'passed' };
    } catch (e) {
      if (e instanceof Skip) return { line: c.line, command, status: 'skipped', message: e.message };
      return { line: c.line, command, status: 'failed', message: e instanceof Failure ? e.message : `crashed: ${describe(e)}` };
    }
  }

  #run(c: ComponentCommand): void {
    switch (c.kind) {
      case 'component': {
        this.#current = undefined;
        const component = this.#read(c.component);
        if (!this.#runs) {
          this.#attemptOrFail(() => validateComponent(component), 'component');
          return;
        }
        const compiled = this.#attemptOrFail(() => compileComponentSync(component), 'component');
        this.#latestDefinition = compiled;
        if (c.component.id !== undefined) this.#definitions.set(c.component.id, compiled);
        if (!c.component.definition) this.#instantiateAs(compiled, c.component.id);
        return;
      }
      case 'instance': {
        this.#current = undefined;
        const def = c.definition === undefined ? this.#latestDefinition : this.#definitions.get(c.definition);
        if (def === undefined) throw new Failure(`unknown component definition ${c.definition ?? '(latest)'}`);
        this.#instantiateAs(def, c.id);
        return;
      }
      case 'action':
        this.#invoke(c.action);
        return;
      case 'assert_return': {
        const { value, type } = this.#invoke(c.action);
        const why = resultMismatch(value, type, c.results);
        if (why !== undefined) throw new Failure(why);
        return;
      }
      case 'assert_trap':
        expectTrap(attempt(() => this.#invoke(c.action).value), c.message);
        return;
      case 'assert_malformed': {
        const r = attempt(() => roundTrip(c.component));
        if (!(r instanceof DecodeError || r instanceof ParseError)) {
          throw new Failure(r instanceof Error ? `wrong error: ${describe(r)}` : `not rejected (expected "${c.message}")`);
        }
        return;
      }
      case 'assert_invalid': this.#assertInvalid(c.line, c.component, c.message); return;
      case 'assert_unlinkable': {
        const compiled = compileComponentSync(this.#read(c.component));
        const r = attempt(() => instantiateComponentSync(compiled, {}, { results: 'tagged', deadlock: 'trap' }));
        if (!(r instanceof LinkError)) throw new Failure(`expected a link error "${c.message}", got ${got(r)}`);
        return;
      }
      case 'assert_uninstantiable': {
        const compiled = compileComponentSync(this.#read(c.component));
        expectTrap(attempt(() => instantiateComponentSync(compiled, {}, { results: 'tagged', deadlock: 'trap' })), c.message);
        return;
      }
      case 'register': throw new Skip('register: component scripts cannot register instances yet');
      case 'other': throw new Skip(`${c.head}: not supported in component scripts`);
    }
  }

  #read(sc: ScriptComponent): Component {
    const r = attempt(() => roundTrip(sc));
    if (r instanceof Failure) throw r;
    if (r instanceof Error) throw new Failure(`component does not parse: ${describe(r)}`);
    return r as Component;
  }

  #attemptOrFail<T>(f: () => T, what: string): T {
    const r = attempt(f);
    if (r instanceof Error) throw new Failure(`${what}: ${describe(r)}`);
    return r as T;
  }

  #assertInvalid(line: number, sc: ScriptComponent, message: string): void {
    const s = this.invalid;
    s.total++;
    let component: Component;
    try {
      component = roundTrip(sc);
    } catch (e) {
      if (e instanceof Failure) throw e;
      s.byParser++;
      if (e instanceof Error && e.message.includes(message)) s.phraseMatched++;
      else s.mismatches.push(`${line}: expected "${message}", parser said "${String(e)}"`);
      return;
    }
    const r = attempt(() => validateComponent(component));
    if (!(r instanceof Error)) throw new Failure(`not rejected (expected "${message}")`);
    if (!(r instanceof ValidationError)) throw new Failure(`wrong error: ${describe(r)}`);
    s.byValidator++;
    if (r.message.includes(message)) s.phraseMatched++;
    else s.mismatches.push(`${line}: expected "${message}", got "${r.phrase}"`);
  }

  #instantiateAs(compiled: CompiledComponent, id: string | undefined): void {
    const r = attempt(() => instantiateComponentSync(compiled, {}, { results: 'tagged', deadlock: 'trap' }));
    if (r instanceof Error) throw new Failure(`instantiation failed: ${describe(r)}`);
    const live: Live = { instance: r as ComponentInstance, compiled };
    this.#current = live;
    if (id !== undefined) this.#instances.set(id, live);
  }

  #invoke(a: ScriptAction): { value: unknown; type: VT | undefined } {
    const live = a.instance === undefined ? this.#current : this.#instances.get(a.instance);
    if (live === undefined) throw new Failure(`no instance ${a.instance ?? '(latest)'} to invoke "${a.name}" on`);
    const e = live.compiled.exports.get(a.name);
    const f = live.instance.exports[a.name];
    if (e?.kind !== 'func' || typeof f !== 'function') throw new Failure(`no function export "${a.name}"`);
    const type: FuncT = e.type;
    if (a.args.length !== type.params.length) throw new Failure(`"${a.name}" takes ${type.params.length} arguments, given ${a.args.length}`);
    const args = a.args.map((v, i) => toJs(v, type.params[i][1]));
    return { value: (f as (...args: unknown[]) => unknown)(...args), type: type.result };
  }
}

/** Runs a component script; a script that does not parse is one failure. */
export function runComponentWast(text: string): ComponentRun {
  let commands: ComponentCommand[];
  try {
    commands = parseComponentWast(text);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return {
      outcomes: [{ line: e.line, command: 'script', status: 'failed', message: `script does not parse: ${e.message}` }],
      invalid: { total: 0, byParser: 0, byValidator: 0, phraseMatched: 0, mismatches: [] },
    };
  }
  const runner = new ComponentScriptRunner(commands);
  return { outcomes: runner.runAll(commands), invalid: runner.invalid };
}

/** 🔀 runComponentWast, awaiting async exports (the Component Model tests' async/ folder). */
export async function runComponentWastAsync(text: string): Promise<ComponentRun> {
  let commands: ComponentCommand[];
  try {
    commands = parseComponentWast(text);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return {
      outcomes: [{ line: e.line, command: 'script', status: 'failed', message: `script does not parse: ${e.message}` }],
      invalid: { total: 0, byParser: 0, byValidator: 0, phraseMatched: 0, mismatches: [] },
    };
  }
  const runner = new ComponentScriptRunner(commands);
  return { outcomes: await runner.runAllAsync(commands), invalid: runner.invalid };
}

// ---- results and traps ----

/** `attempt` for an async action: a trap in a callee on its own stack is awaited for its words. */
async function attemptAsync<T>(f: () => Promise<T>): Promise<T | Error> {
  try {
    return await f();
  } catch (e) {
    const real = e instanceof CalleeTrap ? await e.trap : e;
    return real instanceof Error ? real : new Error(String(real));
  }
}

function attempt<T>(f: () => T): T | Error {
  try {
    return f();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function got(r: unknown): string {
  return r instanceof Error ? describe(r) : `a result (${format(r)})`;
}

/** wasmtime's words for core traps, as the tests write them. */
const WASMTIME_TRAPS: readonly (readonly [string, TrapKind])[] = [
  ['wasm `unreachable` instruction executed', 'unreachable'],
  ['integer divide by zero', 'integer divide by zero'],
  ['integer overflow', 'integer overflow'],
  ['invalid conversion to integer', 'invalid conversion to integer'],
  ['out of bounds memory access', 'out of bounds memory access'],
  ['undefined element', 'undefined element'],
  ['uninitialized element', 'uninitialized element'],
  ['indirect call type mismatch', 'indirect call type mismatch'],
  ['call stack exhausted', 'call stack exhausted'],
];

function expectTrap(r: unknown, message: string): void {
  const expected = message.replace(/^wasm trap: /, '');
  if (!(r instanceof Error)) throw new Failure(`expected a trap "${message}", got ${got(r)}`);
  if (r.message.includes(expected)) return;
  const trap = r instanceof Trap ? r : trapFromEngine(r);
  const kind = WASMTIME_TRAPS.find(([phrase]) => expected.startsWith(phrase))?.[1] ?? trapKindOfMessage(expected);
  if (trap !== undefined && kind !== undefined && trapMayBe(trap, kind)) return;
  throw new Failure(`expected a trap "${message}", got ${describe(r)}`);
}

function resultMismatch(value: unknown, type: VT | undefined, results: readonly ScriptValue[]): string | undefined {
  if (results.length === 0) return value === undefined ? undefined : `expected no result, got ${format(value)}`;
  if (results.length > 1) return 'a component function has at most one result';
  const expected = toJs(results[0], type);
  return deepEqual(value, expected) ? undefined : `expected ${format(expected)}, got ${format(value)}`;
}

function format(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => {
      if (typeof x === 'bigint') return `${x}n`;
      if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
      if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<unknown>, (e) => (typeof e === 'bigint' ? `${e}n` : e));
      if (x === undefined) return '(undefined)';
      return x;
    }) ?? 'undefined';
  } catch {
    return String(v);
  }
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a === b) return true;
  if (isArrayLike(a) && isArrayLike(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A script value in its JavaScript shape (the runtime contract's, names as in WIT). */
function toJs(v: ScriptValue, t: VT | undefined): unknown {
  const d = t === undefined || typeof t === 'string' ? undefined : t.def;
  switch (v.kind) {
    case 'bool': case 's8': case 'u8': case 's16': case 'u16': case 's32': case 'u32': case 'f32': case 'f64':
    case 's64': case 'u64': case 'char': case 'string':
      return v.value;
    case 'list': {
      const element = d?.kind === 'list' ? d.element : undefined;
      return v.items.map((x) => toJs(x, element));
    }
    case 'tuple': {
      const types = d?.kind === 'tuple' ? d.types : [];
      return v.items.map((x, i) => toJs(x, types[i]));
    }
    case 'record': {
      const fields = d?.kind === 'record' ? new Map(d.fields) : new Map<string, VT>();
      return Object.fromEntries(v.fields.map(([name, x]) => [name, toJs(x, fields.get(name))]));
    }
    case 'variant': {
      const cases = d?.kind === 'variant' ? new Map(d.cases) : new Map<string, VT | undefined>();
      return v.value === undefined ? { tag: v.case } : { tag: v.case, val: toJs(v.value, cases.get(v.case)) };
    }
    case 'enum': return v.case;
    case 'flags': {
      const names = d?.kind === 'flags' ? d.names : v.names;
      const out: Record<string, boolean> = {};
      for (const n of names) out[n] = false;
      for (const n of v.names) out[n] = true;
      return out;
    }
    case 'option': {
      const inner = d?.kind === 'option' ? d.type : undefined;
      // An option of an option keeps its nesting as tagged objects (the runtime contract).
      const nested = inner !== undefined && typeof inner !== 'string' && inner.def.kind === 'option';
      if (v.value === undefined) return nested ? { tag: 'none' } : undefined;
      const val = toJs(v.value, inner);
      return nested ? { tag: 'some', val } : val;
    }
    case 'result': {
      const payload = d?.kind === 'result' ? (v.ok ? d.ok : d.error) : undefined;
      return v.value === undefined ? { tag: v.ok ? 'ok' : 'err' } : { tag: v.ok ? 'ok' : 'err', val: toJs(v.value, payload) };
    }
  }
}
