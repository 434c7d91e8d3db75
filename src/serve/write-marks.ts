// Marking the blocks of linear memory a guest writes, so that a reset copies back only those
// (RATIONALE.md, "Why does `tessera serve` reset instances instead of instantiating one per
// request?"; src/serve/reset.ts). JavaScript cannot see page faults, so writes are tracked
// where they happen: every instruction that writes a tracked memory first sets
// `map[(address + offset) >>> BLOCK_LOG2] = 1` in a written-block map of its own (one byte
// per 4 KiB block), a memory the module imports as `tessera:serve` `written<k>`, k the index
// of the memory it describes. The host's writes (the Canonical ABI's lowering) mark the same
// map (src/component/abi/written.ts).
//
// Which memories: the 32-bit, non-shared memories the module imports. Those are the ones the
// host can pair with a map before the module exists (the server's pooled memories, which
// instrument.ts turned the module's own memories into, and a memory another module of the
// component exports, as a wasi adapter imports the main module's: both modules then mark the
// one map). A memory the module still defines itself does not exist before instantiation, so
// no map can be paired with it: it is not tracked, and the reset copies it whole.
//
// Which instructions: those the opcode table says write memory (writesMemory). A single access
// writes at most 16 bytes and may straddle two blocks (an i64 at 4092): only the block of its
// first byte is marked, and the reset restores each marked block and the 16 bytes after it. The
// bulk ones (memory.fill, memory.copy's destination, memory.init) mark [d, d + n) through a
// small function appended to the module (memory.fill on the map); nothing for n = 0, and
// nothing when d + n passes 2^32, since the instruction traps then without writing.
//
// The map is 16 pages (1 MiB, a byte for each of the 2^20 blocks of a 32-bit address space),
// so a mark is never out of bounds, whatever the address. Map imports come after the module's
// memory imports; memories it defines move up by their number.
import { BLOCK_LOG2 } from '../component/abi/written.ts';
import type { Func, Instr, Module } from '../core/ast.ts';
import { OPCODES, writesMemory } from '../core/opcodes.ts';
import type { AddrType, MemoryType } from '../core/types.ts';

export { BLOCK_LOG2 };
/** The pages (64 KiB) of a written-block map: one byte per block of a 4 GiB memory. */
export const MAP_PAGES = 16;
/** The type every map import has. */
export const MAP_TYPE: MemoryType = { addr: 'i32', limits: { min: MAP_PAGES, max: MAP_PAGES }, shared: false };

/** A map the host must supply, under `tessera:serve` `name`, for the memory imported as `module` `field`. */
export interface WriteMapSlot {
  readonly name: string;
  /** The tracked memory's index in the module (before the rewriting). */
  readonly memory: number;
  /** The tracked memory's import. */
  readonly module: string;
  readonly field: string;
}

type Scalar = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const WRITERS: ReadonlyMap<string, (typeof OPCODES)[number]> = new Map(OPCODES.filter(writesMemory).map((r) => [r.name, r]));

/** The value operands after the address of a single access (from its signature; `addr` is i32). */
const ACCESS_OPERANDS: ReadonlyMap<string, readonly Scalar[]> = new Map([...WRITERS.values()]
  .filter((r) => r.imm === 'memarg' || r.imm === 'memarg_lane')
  .map((r) => [r.name, r.sig!.split('->')[0].trim().split(/\s+/).slice(1).map((t) => (t === 'addr' ? 'i32' : t) as Scalar)]));

/**
 * Adds the map imports and the marks to `m` (in place). `host` is the module name the imports
 * get. Answers the maps to supply, in import order (none: the module was left unchanged).
 */
export function addWriteMarks(m: Module, host: string): WriteMapSlot[] {
  const imported: { module: string; field: string; type: MemoryType }[] = [];
  for (const i of m.imports) if (i.desc.kind === 'memory') imported.push({ module: i.module, field: i.name, type: i.desc.type });
  const slots: WriteMapSlot[] = [];
  /** Per memory index, the index of its map (undefined: not tracked). */
  const mapOf: (number | undefined)[] = [];
  for (const [k, x] of imported.entries()) {
    if (x.type.addr !== 'i32' || x.type.shared) continue;
    mapOf[k] = imported.length + slots.length;
    slots.push({ name: `written${k}`, memory: k, module: x.module, field: x.field });
  }
  if (slots.length === 0) return [];
  /** Every memory's address type, by its original index. */
  const addrOf: AddrType[] = [...imported.map((x) => x.type.addr), ...m.memories.map((x) => x.type.addr)];
  // After every other import: function, table and global indices stay; memories the module
  // defines move up past the maps.
  for (const s of slots) m.imports.push({ module: host, name: s.name, desc: { kind: 'memory', type: MAP_TYPE } });
  const shift = m.memories.length > 0 ? slots.length : 0;
  const moved = (x: number): number => (x >= imported.length ? x + shift : x);

  // The (i32 i32) -> () type of the range helpers, as a new rec group at the end.
  const types = m.types.reduce((n, g) => n + g.types.length, 0);
  const funcImports = m.imports.filter((i) => i.desc.kind === 'func').length;
  const helpers = new Map<number, number>();
  const helperFor = (map: number): number => {
    let f = helpers.get(map);
    if (f === undefined) {
      if (helpers.size === 0) m.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: ['i32', 'i32'], results: [] } }] });
      f = funcImports + m.funcs.length;
      m.funcs.push(rangeHelper(types, map));
      helpers.set(map, f);
    }
    return f;
  };

  const params = paramCounts(m);
  const own = m.funcs.length; // the helpers appended below are not rewritten
  for (let fi = 0; fi < own; fi++) {
    const f = m.funcs[fi];
    if (shift === 0 && !f.body.some((i) => WRITERS.has(i.op))) continue;
    f.body = rewriteBody(f, params[f.type], mapOf, addrOf, moved, helperFor);
  }
  if (shift > 0) {
    for (const d of m.datas) if (d.mode.kind === 'active') d.mode = { ...d.mode, memory: moved(d.mode.memory) };
    for (const x of m.exports) if (x.kind === 'memory') x.index = moved(x.index);
    if (m.names !== undefined) m.names.memories = new Map([...m.names.memories].map(([k, v]) => [moved(k), v]));
  }
  return slots;
}

/** Scratch locals of one function, appended after its own: one per type and ordinal asked for. */
class Scratch {
  readonly #next: number;
  readonly #added: Scalar[] = [];
  readonly #byType = new Map<Scalar, number[]>();

  constructor(f: Func, params: number) {
    this.#next = params + f.locals.reduce((n, l) => n + l.count, 0);
  }

  local(type: Scalar, ordinal: number): number {
    let list = this.#byType.get(type);
    if (list === undefined) this.#byType.set(type, list = []);
    while (list.length <= ordinal) {
      list.push(this.#next + this.#added.length);
      this.#added.push(type);
    }
    return list[ordinal];
  }

  declare(f: Func): void {
    for (const type of this.#added) f.locals.push({ count: 1, type });
  }
}

function rewriteBody(f: Func, params: number, mapOf: readonly (number | undefined)[], addrOf: readonly AddrType[], moved: (x: number) => number, helperFor: (map: number) => number): Instr[] {
  const scratch = new Scratch(f, params);
  const out: Instr[] = [];
  for (const original of f.body) {
    const i = shiftedMemory(original, moved);
    const row = WRITERS.get(i.op);
    // The original indices: a tracked memory is imported, so its index does not move.
    const target = row === undefined ? undefined : writtenMemory(original);
    const map = target === undefined ? undefined : mapOf[target];
    if (map === undefined) {
      out.push(i);
      continue;
    }
    // Operands: the destination address (i32: a tracked memory is 32-bit), then `values`.
    const values = ACCESS_OPERANDS.get(i.op) ?? bulkOperands(original, addrOf);
    const seen = new Map<Scalar, number>();
    const locals = values.map((t) => {
      const n = seen.get(t) ?? 0;
      seen.set(t, n + 1);
      return scratch.local(t, n);
    });
    const address = scratch.local('i32', seen.get('i32') ?? 0);
    for (let k = locals.length - 1; k >= 0; k--) out.push({ op: 'local.set', local: locals[k] });
    out.push({ op: 'local.tee', local: address });
    if (ACCESS_OPERANDS.has(i.op)) {
      const offset = (i as { memarg: { offset: number | bigint } }).memarg.offset;
      // A 32-bit memory's offsets are below 2^32; the sum wraps only for an access that traps.
      if (offset !== 0 && offset !== 0n) out.push({ op: 'i32.const', value: Number(BigInt.asIntN(32, BigInt(offset))) }, { op: 'i32.add' });
      out.push(
        { op: 'i32.const', value: BLOCK_LOG2 }, { op: 'i32.shr_u' },
        { op: 'i32.const', value: 1 },
        { op: 'i32.store8', memarg: { align: 0, offset: 0, memory: map } },
      );
    } else {
      // The length is the last operand.
      out.push({ op: 'local.get', local: locals[locals.length - 1] }, { op: 'call', func: helperFor(map) });
    }
    out.push({ op: 'local.get', local: address });
    for (const l of locals) out.push({ op: 'local.get', local: l });
    out.push(i);
  }
  scratch.declare(f);
  return out;
}

/** The memory a writer writes (memory.copy: its destination). */
function writtenMemory(i: Instr): number {
  if ('memarg' in i) return i.memarg.memory;
  if ('memory' in i) return i.memory;
  throw new Error(`internal: ${i.op} names no memory`);
}

/**
 * The operands after the destination of a bulk writer into a 32-bit memory: memory.fill
 * (value i32, length i32), memory.init (source offset i32, length i32), memory.copy (an
 * address of the source memory, and a length: i32, since the destination is 32-bit).
 */
function bulkOperands(i: Instr, addrOf: readonly AddrType[]): readonly Scalar[] {
  if (i.op === 'memory.copy') return [addrOf[i.srcMemory] ?? 'i32', 'i32'];
  return ['i32', 'i32'];
}

/** The instruction with memory indices at or past the defined memories moved (a new object then). */
function shiftedMemory(i: Instr, moved: (x: number) => number): Instr {
  if ('memarg' in i) {
    const x = moved(i.memarg.memory);
    return x === i.memarg.memory ? i : { ...i, memarg: { ...i.memarg, memory: x } } as Instr;
  }
  if (i.op === 'memory.copy') {
    const a = moved(i.memory);
    const b = moved(i.srcMemory);
    return a === i.memory && b === i.srcMemory ? i : { ...i, memory: a, srcMemory: b };
  }
  if ('memory' in i) {
    const x = moved(i.memory);
    return x === i.memory ? i : { ...i, memory: x } as Instr;
  }
  return i;
}

/**
 * `(func (param $d i32) (param $n i32))` marking the blocks of [d, d + n) in map `map`:
 * nothing when n = 0 or when d + n - 1 wraps past 2^32 (the write traps then).
 */
function rangeHelper(type: number, map: number): Func {
  const d = 0;
  const n = 1;
  const last = 2;
  return {
    type,
    locals: [{ count: 1, type: 'i32' }],
    body: [
      { op: 'local.get', local: n }, { op: 'i32.eqz' }, { op: 'br_if', label: 0 },
      { op: 'local.get', local: d }, { op: 'local.get', local: n }, { op: 'i32.const', value: 1 }, { op: 'i32.sub' }, { op: 'i32.add' },
      { op: 'local.tee', local: last }, { op: 'local.get', local: d }, { op: 'i32.lt_u' }, { op: 'br_if', label: 0 },
      // memory.fill(map, first block, 1, last block - first block + 1)
      { op: 'local.get', local: d }, { op: 'i32.const', value: BLOCK_LOG2 }, { op: 'i32.shr_u' },
      { op: 'i32.const', value: 1 },
      { op: 'local.get', local: last }, { op: 'i32.const', value: BLOCK_LOG2 }, { op: 'i32.shr_u' },
      { op: 'local.get', local: d }, { op: 'i32.const', value: BLOCK_LOG2 }, { op: 'i32.shr_u' },
      { op: 'i32.sub' }, { op: 'i32.const', value: 1 }, { op: 'i32.add' },
      { op: 'memory.fill', memory: map },
    ],
  };
}

/** The number of parameters of each type index (0 for types that are not functions). */
function paramCounts(m: Module): number[] {
  const out: number[] = [];
  for (const g of m.types) for (const t of g.types) out.push(t.comp.kind === 'func' ? t.comp.params.length : 0);
  return out;
}

