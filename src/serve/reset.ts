// Resetting a guest instance between requests instead of making a new one (RATIONALE.md, "Why
// does `tessera serve` reset instances instead of instantiating one per request?"). Right after
// instantiation, before any export is called, everything that can change is recorded: each
// memory's bytes, each mutable global's value, each table's elements (the modules were
// rewritten to export them, src/serve/instrument.ts), and the component-level state
// (link/quiescence.ts). After a request that ended normally, the instance is put back exactly
// so, and the next request cannot tell it from a new one. When something cannot be put back
// exactly, `reset` says why and the host discards the instance: a memory or table grew (a
// new instance has the module's sizes), a segment was dropped, a borrow, lend or async entry
// is outstanding, an instance is entered or poisoned (own handles the guest left behind are
// dropped with the reset, as a discarded instance would drop them).
//
// Memory images are shared between the instances of one guest when their bytes are equal (a
// guest whose start-up is deterministic: all of them), so a pool of instances costs one image
// per memory, not one per instance.
//
// A memory whose writes are tracked (a pool memory with its written-block map: the guest's
// stores, src/serve/write-marks.ts, and the runtime's writes, src/component/abi/written.ts,
// mark its 4 KiB blocks) is put back block by block: each run of marked blocks and the 16
// bytes after it (a single store of up to 16 bytes may run into the next block), then the map
// is cleared. Other
// memories (a module's own, 64-bit or shared) are copied back whole.
import { BLOCK_LOG2, writtenMapOf } from '../component/abi/written.ts';
import type { InitialState } from '../component/link/index.ts';
import type { ModuleState } from './instrument.ts';

/**
 * Checks for tests, off in production: after a tracked reset, compare the whole memory with
 * its image, and answer why not when they differ (a write nobody marked), so the instance is
 * discarded and the test sees the reason in the handler's stats.
 */
export const resetChecks = { verify: false };

/** One core instance of a guest instance: its exported state and the memories the host gave it. */
export interface CoreRecord {
  readonly instance: WebAssembly.Instance;
  readonly state: ModuleState | undefined;
  readonly memories: readonly WebAssembly.Memory[];
}

/** Memory images shared by the instances of one guest, by core instance ordinal and memory. */
export class ImageCache {
  readonly #images = new Map<string, Uint8Array>();

  /** The image equal to `bytes` (shared if one is), else a copy of `bytes`. */
  image(key: string, bytes: Uint8Array): Uint8Array {
    const known = this.#images.get(key);
    if (known !== undefined && equalBytes(known, bytes)) return known;
    const copy = bytes.slice();
    if (known === undefined) this.#images.set(key, copy);
    return copy;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  // Memories are whole pages: compare 8 bytes at a time.
  if (a.byteLength % 8 === 0 && a.byteOffset % 8 === 0 && b.byteOffset % 8 === 0) {
    const x = new BigUint64Array(a.buffer, a.byteOffset, a.byteLength / 8);
    const y = new BigUint64Array(b.buffer, b.byteOffset, b.byteLength / 8);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface SavedMemory {
  readonly memory: WebAssembly.Memory;
  readonly image: Uint8Array;
  /** The written-block map, as 32-bit words covering the memory's blocks (undefined: copied whole). */
  readonly words: Uint32Array | undefined;
  readonly map: Uint8Array | undefined;
}

/** The memory's written-block map over its blocks, cleared (what instantiation wrote is in the image). */
function savedMap(memory: WebAssembly.Memory, bytes: number): { words: Uint32Array; map: Uint8Array } | undefined {
  const full = writtenMapOf(memory);
  // Pool memories are whole 64 KiB pages: 16 blocks, four words, each.
  const blocks = bytes >>> BLOCK_LOG2;
  if (full === undefined || bytes % 65536 !== 0 || blocks > full.length) return undefined;
  const map = full.subarray(0, blocks);
  map.fill(0);
  return { words: new Uint32Array(map.buffer, map.byteOffset, blocks >>> 2), map };
}

/**
 * Copies back the blocks `map` marks from `image`, in runs of adjacent blocks, and clears the
 * map. Zero words (most of them) are skipped four blocks at a time. A single access is marked
 * by the block of its first byte and writes at most 16 bytes, so it may spill up to 15 bytes
 * into the next block: each run is copied with the 16 bytes after it (bulk writes and the
 * host's mark their whole range).
 */
function restoreWritten(memory: WebAssembly.Memory, image: Uint8Array, words: Uint32Array, map: Uint8Array): void {
  let view: Uint8Array | undefined;
  let start = 0;
  let end = 0; // the run [start, end) of blocks to copy; empty while end === 0
  const copy = () => {
    const from = start << BLOCK_LOG2;
    const to = Math.min((end << BLOCK_LOG2) + SPILL, image.length);
    (view ??= new Uint8Array(memory.buffer)).set(image.subarray(from, to), from);
  };
  for (let w = 0; w < words.length; w++) {
    if (words[w] === 0) continue;
    for (let b = w << 2, last = b + 4; b < last; b++) {
      if (map[b] === 0) continue;
      if (end !== 0 && b === end) {
        end = b + 1;
        continue;
      }
      if (end !== 0) copy();
      start = b;
      end = b + 1;
    }
    words[w] = 0; // its four bytes, read above
  }
  if (end !== 0) copy();
}

/** The most bytes a single access writes (v128): how far one marked in a block may reach into the next. */
const SPILL = 16;

/** The first block where `memory` differs from `image`, or -1. */
function firstDifference(memory: WebAssembly.Memory, image: Uint8Array): number {
  const now = new Uint8Array(memory.buffer);
  for (let b = 0; b << BLOCK_LOG2 < image.length; b++) {
    const at = b << BLOCK_LOG2;
    if (!equalBytes(now.subarray(at, at + (1 << BLOCK_LOG2)), image.subarray(at, at + (1 << BLOCK_LOG2)))) return b;
  }
  return -1;
}

interface SavedTable {
  readonly table: WebAssembly.Table;
  readonly elements: readonly unknown[];
}

/** What one guest instance looked like right after instantiation, and how to put it back. */
export class Snapshot {
  readonly #memories: SavedMemory[];
  readonly #globals: WebAssembly.Global[];
  readonly #values: unknown[];
  readonly #tables: SavedTable[];
  readonly #drops: WebAssembly.Global[];
  readonly #component: InitialState;

  private constructor(memories: SavedMemory[], globals: WebAssembly.Global[], values: unknown[], tables: SavedTable[], drops: WebAssembly.Global[], component: InitialState) {
    this.#memories = memories;
    this.#globals = globals;
    this.#values = values;
    this.#tables = tables;
    this.#drops = drops;
    this.#component = component;
  }

  /**
   * Records the instance made of `cores` (in instantiation order) and `component`; a string
   * says why it cannot be reset exactly.
   */
  static capture(cores: readonly CoreRecord[], component: InitialState, images: ImageCache): Snapshot | string {
    const memories: SavedMemory[] = [];
    const globals: WebAssembly.Global[] = [];
    const values: unknown[] = [];
    const tables: SavedTable[] = [];
    const drops: WebAssembly.Global[] = [];
    const why = component.differs();
    if (why !== undefined) return `after instantiation, ${why}`;
    // Only code changes tables (the host writes none): when no module has a table instruction
    // that writes, no table can differ from its state now, and comparing thousands of
    // elements a reset (a JavaScript engine's function table) is skipped.
    const tablesChange = cores.some((c) => c.state?.writesTables === true);
    for (const [k, c] of cores.entries()) {
      const exports = c.instance.exports;
      const own = c.state?.memories.map((name) => exports[name] as WebAssembly.Memory) ?? [];
      for (const [j, memory] of [...c.memories, ...own].entries()) {
        const image = images.image(`${k}:${j}`, new Uint8Array(memory.buffer));
        const tracked = savedMap(memory, image.byteLength);
        memories.push({ memory, image, words: tracked?.words, map: tracked?.map });
      }
      const st = c.state;
      if (st === undefined) continue;
      for (const g of st.globals) {
        const global = exports[g.name] as WebAssembly.Global;
        const v: unknown = global.value;
        // JavaScript reads a NaN as a number and may not write back the same bits.
        if (typeof v === 'number' && Number.isNaN(v)) return 'a float global holds a NaN after instantiation';
        globals.push(global);
        values.push(v);
      }
      for (const name of tablesChange ? st.tables : []) {
        const table = exports[name] as WebAssembly.Table;
        const elements: unknown[] = [];
        for (let i = 0; i < table.length; i++) elements.push(table.get(i));
        tables.push({ table, elements });
      }
      if (st.drops !== undefined) {
        // Drops during instantiation (a start function's) are part of the initial state.
        const g = exports[st.drops] as WebAssembly.Global;
        g.value = 0;
        drops.push(g);
      }
    }
    return new Snapshot(memories, globals, values, tables, drops, component);
  }

  /**
   * Puts the instance back as it was right after instantiation (call it only once its
   * request ended normally: no guest code on the stack). Answers why not instead, having
   * changed nothing (but for a failed verification, resetChecks); the instance must then be
   * discarded.
   */
  reset(): string | undefined {
    for (const m of this.#memories) if (m.memory.buffer.byteLength !== m.image.byteLength) return 'a memory grew';
    for (const t of this.#tables) if (t.table.length !== t.elements.length) return 'a table grew';
    for (const g of this.#drops) if (g.value !== 0) return 'a data or element segment was dropped';
    const why = this.#component.differs();
    if (why !== undefined) return why;
    for (const m of this.#memories) {
      if (m.words === undefined || m.map === undefined) new Uint8Array(m.memory.buffer).set(m.image);
      else restoreWritten(m.memory, m.image, m.words, m.map);
    }
    if (resetChecks.verify) {
      for (const [i, m] of this.#memories.entries()) {
        if (m.words === undefined) continue;
        const b = firstDifference(m.memory, m.image);
        if (b >= 0) return `verification: memory ${i} differs from its image in block ${b} after a tracked reset (a write was not marked)`;
      }
    }
    const globals = this.#globals;
    const values = this.#values;
    for (let i = 0; i < globals.length; i++) globals[i].value = values[i];
    for (const t of this.#tables) {
      const table = t.table;
      const elements = t.elements;
      for (let i = 0; i < elements.length; i++) if (table.get(i) !== elements[i]) table.set(i, elements[i]);
    }
    this.#component.resetHandles();
    return undefined;
  }
}
