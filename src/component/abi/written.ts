// Written-block maps of linear memories: which 4 KiB blocks of a memory were written since its
// host last looked. A host that puts memories back as they were (`tessera serve`'s resets,
// src/serve/reset.ts) registers a map for a memory; guest stores mark it through the rewriting
// of the core modules (src/serve/write-marks.ts), and the runtime marks the writes it makes
// itself into guest memory (lowering: realloc'd areas, result areas, stream and future
// buffers, waitable-set events) here. One byte per block, 1 = written; the map covers every
// block of a 32-bit memory, so a mark is never out of bounds.
//
// A memory without a map costs its writers one WeakMap lookup when their context is made
// (Cx), none per write.

/** log2 of the block size (4 KiB). */
export const BLOCK_LOG2 = 12;
const BLOCK = 1 << BLOCK_LOG2;

const maps = new WeakMap<WebAssembly.Memory, Uint8Array>();

/** Tracks the writes into `memory` in `map` (undefined: no longer). */
export function trackWrites(memory: WebAssembly.Memory, map: Uint8Array | undefined): void {
  if (map === undefined) maps.delete(memory);
  else maps.set(memory, map);
}

/** The map of `memory`, if its writes are tracked. */
export function writtenMapOf(memory: WebAssembly.Memory | undefined): Uint8Array | undefined {
  return memory === undefined ? undefined : maps.get(memory);
}

/** For tests: leave out the runtime's marks, to see a reset's verification catch the miss. */
export const hostMarks = { skip: false };

/** Marks the blocks of `[ptr, ptr + len)` (clamped to the map: past it nothing exists to restore). */
export function markWritten(map: Uint8Array, ptr: number, len: number): void {
  if (len <= 0 || hostMarks.skip) return;
  const first = Math.floor(ptr / BLOCK);
  if (first >= map.length) return;
  const last = Math.min(Math.floor((ptr + len - 1) / BLOCK), map.length - 1);
  if (first === last) map[first] = 1;
  else map.fill(1, first, last + 1);
}
