// Memories for guest instances, kept between requests (RATIONALE.md, "Why are a guest's
// memories imported from a pool?"). V8 reserves the address space of every new memory and
// faults its pages in on first touch, which costs more than the rest of an instance; a memory
// whose request ended normally is zeroed and handed to the next instance instead, where the
// engine writes the module's data segments into it again: the guest sees exactly a fresh
// memory. A memory that grew is not kept (a memory cannot shrink, and a guest must see the
// module's initial size), nor is one whose instance trapped or was stopped (a suspended stack
// might still hold it).
//
// A memory the pool made is paired for life with its written-block map (src/serve/write-marks.ts,
// src/component/abi/written.ts), made when a rewritten module first asks for it: the guest's
// stores and the runtime's writes mark it, and a reset copies back only the marked blocks.
import { BLOCK_LOG2, trackWrites } from '../component/abi/written.ts';
import type { MemorySlot } from './instrument.ts';
import { MAP_PAGES } from './write-marks.ts';

const PAGE = 65536;

export class MemoryPool {
  readonly #free = new Map<string, WebAssembly.Memory[]>();
  readonly #limit: number;
  /** Every memory this pool made; the map once one was asked for. */
  readonly #maps = new WeakMap<WebAssembly.Memory, WebAssembly.Memory | undefined>();

  /** `limit`: the most idle memories kept per shape. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  take(slot: MemorySlot): WebAssembly.Memory {
    const m = this.#free.get(key(slot))?.pop();
    if (m !== undefined) return m;
    const made = new WebAssembly.Memory(slot.maximum === undefined ? { initial: slot.initial } : { initial: slot.initial, maximum: slot.maximum });
    this.#maps.set(made, undefined);
    return made;
  }

  /**
   * The written-block map paired with `memory` (made now if it has none, and registered with
   * the runtime, so the Canonical ABI marks its writes too); undefined for a memory this pool
   * did not make.
   */
  mapOf(memory: WebAssembly.Memory): WebAssembly.Memory | undefined {
    if (!this.#maps.has(memory)) return undefined;
    let map = this.#maps.get(memory);
    if (map === undefined) {
      map = new WebAssembly.Memory({ initial: MAP_PAGES, maximum: MAP_PAGES });
      this.#maps.set(memory, map);
      trackWrites(memory, new Uint8Array(map.buffer));
    }
    return map;
  }

  /** Hands `memory` back after its instance finished normally. */
  give(slot: MemorySlot, memory: WebAssembly.Memory): void {
    if (memory.buffer.byteLength !== slot.initial * PAGE) return;
    let list = this.#free.get(key(slot));
    if (list === undefined) this.#free.set(key(slot), list = []);
    if (list.length >= this.#limit) return;
    new Uint8Array(memory.buffer).fill(0);
    // The blocks of the memory: marks past them come only from writes that trapped (a
    // reset never reads them, and a memory that grew is not kept).
    const map = this.#maps.get(memory);
    if (map !== undefined) new Uint8Array(map.buffer, 0, memory.buffer.byteLength >>> BLOCK_LOG2).fill(0);
    list.push(memory);
  }

  /** How many idle memories are kept (for tests). */
  get idle(): number {
    let n = 0;
    for (const l of this.#free.values()) n += l.length;
    return n;
  }
}

function key(slot: MemorySlot): string {
  return `${slot.initial}:${slot.maximum ?? ''}`;
}
