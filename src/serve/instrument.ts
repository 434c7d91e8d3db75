// Rewriting a guest's core modules before they are compiled, so a server can stop them and
// bound their memory (RATIONALE.md, "How does `tessera serve` stop a guest that never
// returns?" and "Why are a guest's memories imported from a pool?"):
//
// - Interruption: a guest that loops without calling the host never gives the event loop
//   back, so no timer can stop it. Each instrumented function counts down fuel on entry and
//   at every loop header (the only places an endless run must pass through again and again);
//   when the fuel runs out it calls the import `tessera:serve` `interrupt`, which
//   throws a Trap if the request's deadline has passed and otherwise returns fresh fuel. A
//   check costs a subtraction and a branch (and, on entry, a global's load and store); the
//   host is asked every FUEL units, not every iteration.
// - Time slices: the same question lets the host pause a guest that has kept the thread for
//   a while: `interrupt` answers 0 and the guest calls `tessera:serve` `yield`, a JSPI
//   Suspending import, so other requests run before it goes on.
// - Memories: a module's own memories become imports (`tessera:serve` `memory0`, ...), with
//   their maximum lowered to the server's per-request cap, so the server hands each instance a
//   memory from its pool instead of V8 reserving and faulting in a new one per request.
//
// - State (for resetting an instance between requests, src/serve/reset.ts): every mutable
//   global, table and memory a module defines is exported under `tessera:serve/...`, so the
//   host can read it right after instantiation and write it back after a request; and each
//   `data.drop` / `elem.drop` first sets a global of its own, since a dropped segment cannot
//   be brought back from JavaScript (an instance that dropped one after instantiation is not
//   reset but discarded).
// - Written blocks (with the state, for resets that copy back only what a request wrote):
//   every write into an imported 32-bit memory first marks its 4 KiB block in a map the host
//   supplies (`tessera:serve` `written<k>`, src/serve/write-marks.ts).
//
// All of it only appends to the module's index spaces, except the new function imports, which
// come before the module's own functions: every function index at or above them moves up by
// two (calls, ref.func, exports, start, elements, names).
import type { Expr, Instr, Module, Names } from '../core/ast.ts';
import { OPCODES, writesTable } from '../core/opcodes.ts';
import type { MemoryType, ValType } from '../core/types.ts';
import { addWriteMarks, type WriteMapSlot } from './write-marks.ts';

/** The module name of everything the rewriting adds. */
export const HOST_MODULE = 'tessera:serve';
export const INTERRUPT = 'interrupt';
/** The import a guest calls to pause (a JSPI Suspending function) when `interrupt` returned 0. */
export const YIELD = 'yield';
/** Fuel units between two questions to the host (a unit is a function entry or a loop iteration). */
export const FUEL = 10_000;

export interface InstrumentOptions {
  /** Add the fuel countdown and the `interrupt` import. */
  readonly interrupt: boolean;
  /** The most 64 KiB pages any one memory may have (the per-request memory cap). */
  readonly maxPages?: number;
  /** Turn the module's own memories into imports the host supplies. */
  readonly importMemories: boolean;
  /** Export the module's mutable state and flag segment drops (ModuleState). */
  readonly exportState?: boolean;
  /** With exportState: mark the blocks each write into an imported memory touches (write-marks.ts). */
  readonly writeMarks?: boolean;
}

/** What the host reads and restores to reset an instance of the module (exports by name). */
export interface ModuleState {
  /** Mutable globals the module defines (including the fuel and depth globals added here). */
  readonly globals: readonly { readonly name: string; readonly type: ValType }[];
  /** Tables the module defines. */
  readonly tables: readonly string[];
  /** Memories the module defines and still owns (not imported from the pool). */
  readonly memories: readonly string[];
  /** An i32 global set to 1 by every `data.drop` and `elem.drop`; undefined when there are none. */
  readonly drops: string | undefined;
  /** Why an instance of the module cannot be put back exactly as instantiated (undefined: it can). */
  readonly unresettable: string | undefined;
  /**
   * Whether its code can change a table (writesTable: its own or one it imports). A table no
   * module of a component changes needs no comparing at a reset (the host writes none).
   */
  readonly writesTables: boolean;
}

/** A memory the host must supply to an instrumented module, under `tessera:serve` `name`. */
export interface MemorySlot {
  readonly name: string;
  readonly initial: number;
  readonly maximum: number | undefined;
}

export interface Instrumented {
  readonly module: Module;
  /** Whether the module imports `tessera:serve` `interrupt`. */
  readonly interrupt: boolean;
  readonly memories: readonly MemorySlot[];
  /** Present when asked for with `exportState`. */
  readonly state?: ModuleState;
  /** The written-block maps the host must supply (writeMarks), in import order. */
  readonly maps: readonly WriteMapSlot[];
}

/** The memory-related refusal: a module that needs more at start than the cap allows. */
export class MemoryCapError extends Error {}

function pages(n: number | bigint): number {
  return typeof n === 'bigint' ? Number(n) : n;
}

function capped(t: MemoryType, maxPages: number | undefined): MemoryType {
  if (maxPages === undefined || t.addr !== 'i32' || t.pageSizeLog2 !== undefined) return t;
  if (pages(t.limits.min) > maxPages) {
    throw new MemoryCapError(`a memory of the component starts at ${pages(t.limits.min)} pages of 64 KiB, above the cap of ${maxPages}`);
  }
  const max = t.limits.max === undefined ? maxPages : Math.min(pages(t.limits.max), maxPages);
  return { ...t, limits: { min: t.limits.min, max } };
}

/**
 * Rewrites `m` in place (give it a fresh copy: the component keeps its own). Modules without
 * functions or memories are returned unchanged.
 */
export function instrumentModule(m: Module, options: InstrumentOptions): Instrumented {
  for (const mem of m.memories) mem.type = capped(mem.type, options.maxPages);
  const memories = options.importMemories ? importMemories(m) : [];
  const interrupt = options.interrupt && m.funcs.length > 0;
  if (interrupt) addInterrupt(m);
  const state = options.exportState === true ? exportState(m) : undefined;
  // Last, when every function and memory index is final.
  const maps = state !== undefined && options.writeMarks === true ? addWriteMarks(m, HOST_MODULE) : [];
  if (interrupt || memories.length > 0 || maps.length > 0 || (state !== undefined && m.exports.some((x) => x.name.startsWith(STATE_PREFIX)))) delete m.source;
  return { module: m, interrupt, memories, maps, ...(state === undefined ? {} : { state }) };
}

const TABLE_WRITERS: ReadonlySet<string> = new Set(OPCODES.filter(writesTable).map((r) => r.name));

/** The prefix of the exports `exportState` adds. */
export const STATE_PREFIX = `${HOST_MODULE}/`;

/** Global types whose value JavaScript reads and writes back exactly (WebAssembly JS API, "ToJSValue"). */
function exactGlobal(t: ValType): string | undefined {
  if (t === 'v128') return 'a mutable v128 global (JavaScript cannot read it)';
  if (typeof t === 'object' && t.heap !== 'func' && t.heap !== 'extern') return 'a mutable global of a reference type other than funcref or externref';
  return undefined;
}

/**
 * Exports every mutable global, table and memory the module defines, and marks segment drops
 * (see ModuleState). Instructions that only read a segment (memory.init, table.init,
 * array.new_data, ...) change no state: only a drop does (the spec's data and element
 * instances), so only drops are marked.
 */
function exportState(m: Module): ModuleState {
  const reasons: string[] = [];
  const globals: { name: string; type: ValType }[] = [];
  const tables: string[] = [];
  const memories: string[] = [];
  const importedGlobals = m.imports.filter((i) => i.desc.kind === 'global').length;
  const importedTables = m.imports.filter((i) => i.desc.kind === 'table').length;
  const importedMemories = m.imports.filter((i) => i.desc.kind === 'memory').length;
  let drops: string | undefined;
  let dropsIndex = -1;
  if (m.funcs.some((f) => f.body.some((i) => i.op === 'data.drop' || i.op === 'elem.drop'))) {
    const g = dropsIndex = importedGlobals + m.globals.length;
    m.globals.push({ type: { type: 'i32', mutable: true }, init: [{ op: 'i32.const', value: 0 }] });
    for (const f of m.funcs) {
      if (!f.body.some((i) => i.op === 'data.drop' || i.op === 'elem.drop')) continue;
      const out: Instr[] = [];
      for (const i of f.body) {
        if (i.op === 'data.drop' || i.op === 'elem.drop') out.push({ op: 'i32.const', value: 1 }, { op: 'global.set', global: g });
        out.push(i);
      }
      f.body = out;
    }
    drops = `${STATE_PREFIX}drops`;
    m.exports.push({ name: drops, kind: 'global', index: g });
  }
  for (const [k, g] of m.globals.entries()) {
    if (!g.type.mutable) continue;
    const index = importedGlobals + k;
    if (index === dropsIndex) continue;
    const why = exactGlobal(g.type.type);
    if (why !== undefined) {
      reasons.push(why);
      continue;
    }
    const name = `${STATE_PREFIX}global${index}`;
    m.exports.push({ name, kind: 'global', index });
    globals.push({ name, type: g.type.type });
  }
  for (const [k, t] of m.tables.entries()) {
    if (t.type.ref.heap !== 'func' && t.type.ref.heap !== 'extern') {
      reasons.push('a table of a reference type other than funcref or externref');
      continue;
    }
    if (t.type.addr !== 'i32') {
      reasons.push('a 64-bit table');
      continue;
    }
    const name = `${STATE_PREFIX}table${importedTables + k}`;
    m.exports.push({ name, kind: 'table', index: importedTables + k });
    tables.push(name);
  }
  for (const [k, x] of m.memories.entries()) {
    if (x.type.shared) {
      reasons.push('a shared memory');
      continue;
    }
    const name = `${STATE_PREFIX}memory${importedMemories + k}`;
    m.exports.push({ name, kind: 'memory', index: importedMemories + k });
    memories.push(name);
  }
  const writesTables = m.funcs.some((f) => f.body.some((i) => TABLE_WRITERS.has(i.op)));
  return { globals, tables, memories, drops, unresettable: reasons.length === 0 ? undefined : reasons[0], writesTables };
}

/**
 * The module's own memories as imports, when its memory indices stay put: only if it imports
 * none (imports come first in the index space) and each is a plain 32-bit memory that
 * `new WebAssembly.Memory` can make.
 */
function importMemories(m: Module): MemorySlot[] {
  if (m.memories.length === 0 || m.imports.some((i) => i.desc.kind === 'memory')) return [];
  if (m.memories.some((x) => x.type.addr !== 'i32' || x.type.shared || x.type.pageSizeLog2 !== undefined)) return [];
  const slots = m.memories.map((x, i): MemorySlot => ({
    name: `memory${i}`,
    initial: pages(x.type.limits.min),
    maximum: x.type.limits.max === undefined ? undefined : pages(x.type.limits.max),
  }));
  // Memory imports go after function imports: function indices do not move.
  for (const [i, x] of m.memories.entries()) m.imports.push({ module: HOST_MODULE, name: slots[i].name, desc: { kind: 'memory', type: x.type } });
  m.memories = [];
  return slots;
}

function addInterrupt(m: Module): void {
  // The imports' types, `(i32) -> i32` and `() -> i32`, as new rec groups at the end (no type
  // index moves).
  const types = m.types.reduce((n, g) => n + g.types.length, 0);
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: ['i32'], results: ['i32'] } }] });
  m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: [], results: ['i32'] } }] });
  const imported = m.imports.filter((i) => i.desc.kind === 'func').length;
  // After the last function import, so imported functions keep their indices.
  let at = 0;
  for (let i = 0; i < m.imports.length; i++) if (m.imports[i].desc.kind === 'func') at = i + 1;
  m.imports.splice(at, 0,
    { module: HOST_MODULE, name: INTERRUPT, desc: { kind: 'func', type: types } },
    { module: HOST_MODULE, name: YIELD, desc: { kind: 'func', type: types + 1 } });
  const check = imported; // the new imports' function indices
  const pause = imported + 1;
  const shift = (f: number): number => (f >= check ? f + 2 : f);
  const importedGlobals = m.imports.filter((i) => i.desc.kind === 'global').length;
  const fuel = importedGlobals + m.globals.length;
  const depth = fuel + 1;
  m.globals.push({ type: { type: 'i32', mutable: true }, init: [{ op: 'i32.const', value: FUEL }] });
  m.globals.push({ type: { type: 'i32', mutable: true }, init: [{ op: 'i32.const', value: 0 }] });

  // When the fuel runs out: ask the host (passing the entry depth); 0 means "pause", and the
  // guest then calls `yield`, which suspends it (JSPI) until other requests had their turn.
  const refuel = (get: Instr, set: Instr): Instr[] => [
    { op: 'global.get', global: depth },
    { op: 'call', func: check },
    set,
    get,
    { op: 'i32.eqz' },
    { op: 'if', blockType: { kind: 'empty' } },
    { op: 'call', func: pause },
    set,
    { op: 'end' },
  ];
  // Function entries count down the module's fuel global (calls: recursion, tail calls);
  // loop headers count down a local of their function, which the engine keeps in a register
  // (a global is loaded and stored on every iteration: measured on V8, a loop over memory
  // ran 3.6 times slower with the global, about 1.8 times with the local).
  const entry: Instr[] = [
    { op: 'global.get', global: fuel },
    { op: 'i32.const', value: 1 },
    { op: 'i32.sub' },
    { op: 'global.set', global: fuel },
    { op: 'global.get', global: fuel },
    { op: 'i32.eqz' },
    { op: 'if', blockType: { kind: 'empty' } },
    ...refuel({ op: 'global.get', global: fuel }, { op: 'global.set', global: fuel }),
    { op: 'end' },
  ];
  const paramsOf = funcParamCounts(m);
  for (const f of m.funcs) {
    const out: Instr[] = [...entry];
    if (f.body.some((i) => i.op === 'loop')) {
      const local = paramsOf[f.type].length + f.locals.reduce((n, l) => n + l.count, 0);
      f.locals.push({ count: 1, type: 'i32' });
      out.push({ op: 'i32.const', value: FUEL }, { op: 'local.set', local });
      const probe: Instr[] = [
        { op: 'local.get', local },
        { op: 'i32.const', value: 1 },
        { op: 'i32.sub' },
        { op: 'local.tee', local },
        { op: 'i32.eqz' },
        { op: 'if', blockType: { kind: 'empty' } },
        ...refuel({ op: 'local.get', local }, { op: 'local.set', local }),
        { op: 'end' },
      ];
      for (const i of f.body) {
        out.push(shifted(i, shift));
        if (i.op === 'loop') out.push(...probe);
      }
    } else {
      for (const i of f.body) out.push(shifted(i, shift));
    }
    f.body = out;
  }
  const exprs = (e: Expr): Expr => e.map((i) => shifted(i, shift));
  for (const g of m.globals) g.init = exprs(g.init);
  for (const t of m.tables) if (t.init !== undefined) t.init = exprs(t.init);
  for (const e of m.elems) {
    e.init = e.init.map(exprs);
    if (e.mode.kind === 'active') e.mode = { ...e.mode, offset: exprs(e.mode.offset) };
  }
  for (const d of m.datas) if (d.mode.kind === 'active') d.mode = { ...d.mode, offset: exprs(d.mode.offset) };
  if (m.start !== undefined) m.start = shift(m.start);
  if (m.names !== undefined) shiftNames(m.names, shift);

  // Exported functions are where JavaScript enters the module: each export now goes through a
  // wrapper that counts entries in the depth global, so the host pauses a guest only at depth
  // 1 (its `handle`, entered through JSPI's promising), never inside a call the host made
  // into it from JavaScript (a realloc while a host function returns a list), where a JSPI
  // suspension cannot cross the JavaScript frames.
  const wrappers = new Map<number, number>();
  const defined = imported + 2;
  for (const x of m.exports) {
    if (x.kind !== 'func') continue;
    const target = shift(x.index);
    let w = wrappers.get(target);
    if (w === undefined) {
      const type = target < defined ? importType(m, target) : m.funcs[target - defined].type;
      const params = paramsOf[type];
      w = defined + m.funcs.length;
      m.funcs.push({
        type, locals: [], body: [
          { op: 'global.get', global: depth }, { op: 'i32.const', value: 1 }, { op: 'i32.add' }, { op: 'global.set', global: depth },
          ...params.map((_, i): Instr => ({ op: 'local.get', local: i })),
          { op: 'call', func: target },
          { op: 'global.get', global: depth }, { op: 'i32.const', value: 1 }, { op: 'i32.sub' }, { op: 'global.set', global: depth },
        ],
      });
      wrappers.set(target, w);
    }
    x.index = w;
  }
}

/** The type index of imported function `f`. */
function importType(m: Module, f: number): number {
  let k = 0;
  for (const i of m.imports) {
    if (i.desc.kind !== 'func') continue;
    if (k++ === f) return i.desc.type;
  }
  throw new Error(`internal: no imported function ${f}`);
}

/** The parameters of each type index that is a function type (none for other types). */
function funcParamCounts(m: Module): (readonly unknown[])[] {
  const out: (readonly unknown[])[] = [];
  for (const g of m.types) for (const t of g.types) out.push(t.comp.kind === 'func' ? t.comp.params : []);
  return out;
}

/** The instruction with its function index moved (a new object: decoded ones may be shared). */
function shifted(i: Instr, shift: (f: number) => number): Instr {
  if (i.op === 'call' || i.op === 'return_call' || i.op === 'ref.func') {
    const f = shift(i.func);
    return f === i.func ? i : { ...i, func: f };
  }
  return i;
}

function shiftNames(n: Names, shift: (f: number) => number): void {
  const move = <T>(map: Map<number, T>): Map<number, T> => new Map([...map].map(([k, v]) => [shift(k), v]));
  n.funcs = move(n.funcs);
  n.locals = move(n.locals);
  n.labels = move(n.labels);
}
