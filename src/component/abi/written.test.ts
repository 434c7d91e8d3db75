// Written-block maps (written.ts): the runtime marks what it writes into a tracked memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cx } from './context.ts';
import { FakeHandles, Heap } from './test-kit.ts';
import { markWritten, trackWrites, writtenMapOf } from './written.ts';

const marked = (map: Uint8Array): number[] => [...map.keys()].filter((i) => map[i] !== 0);

describe('written-block maps', () => {
  it('markWritten marks every block of a range, nothing for an empty one, and stops at the map end', () => {
    const map = new Uint8Array(8);
    markWritten(map, 4095, 2);
    assert.deepEqual(marked(map), [0, 1]);
    map.fill(0);
    markWritten(map, 4096 * 3, 0);
    assert.deepEqual(marked(map), []);
    markWritten(map, 4096 * 6 + 5, 4096 * 10);
    assert.deepEqual(marked(map), [6, 7]);
    map.fill(0);
    markWritten(map, 4096 * 9, 1);
    assert.deepEqual(marked(map), []);
  });

  it('a context over a tracked memory marks what realloc gives and the result areas it checks', () => {
    const heap = new Heap(4, 4090);
    const map = new Uint8Array(1 << 20);
    trackWrites(heap.memory, map);
    assert.equal(writtenMapOf(heap.memory), map);
    const cx = new Cx(heap.memory, heap.realloc, new FakeHandles());
    const p = cx.alloc(1, 5000, 'list content out-of-bounds');
    assert.equal(p, 4090);
    assert.deepEqual(marked(map), [0, 1, 2]);
    map.fill(0);
    cx.checkPtr(4096 * 9 + 4, 4, 8);
    assert.deepEqual(marked(map), [9]);
    // A memory whose writes are not tracked: nothing to mark.
    trackWrites(heap.memory, undefined);
    assert.equal(new Cx(heap.memory, heap.realloc, new FakeHandles()).written, undefined);
  });
});
