// Memories for guest instances, kept between requests (RATIONALE.md, "Why are a guest's
// memories imported from a pool?"). V8 reserves the address space of every new memory and
// faults its pages in on first touch, which costs more than the rest of an instance; a memory
// whose request ended normally is zeroed and handed to the next instance instead, where the
// engine writes the module's data segments into it again: the guest sees exactly a fresh
// memory. A memory that grew is not kept (a memory cannot shrink, and a guest must see the
// module's initial size), nor is one whose instance trapped or was stopped (a suspended stack
// might still hold it).
import type { MemorySlot } from './instrument.ts';

const PAGE = 65536;

export class MemoryPool {
  readonly #free = new Map<string, WebAssembly.Memory[]>();
  readonly #limit: number;

  /** `limit`: the most idle memories kept per shape. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  take(slot: MemorySlot): WebAssembly.Memory {
    const m = this.#free.get(key(slot))?.pop();
    if (m !== undefined) return m;
    return new WebAssembly.Memory(slot.maximum === undefined ? { initial: slot.initial } : { initial: slot.initial, maximum: slot.maximum });
  }

  /** Hands `memory` back after its instance finished normally. */
  give(slot: MemorySlot, memory: WebAssembly.Memory): void {
    if (memory.buffer.byteLength !== slot.initial * PAGE) return;
    let list = this.#free.get(key(slot));
    if (list === undefined) this.#free.set(key(slot), list = []);
    if (list.length >= this.#limit) return;
    new Uint8Array(memory.buffer).fill(0);
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
