// Resetting instances between requests (src/serve/reset.ts): a request must not be able to tell
// a reset instance from a new one. The hostile guest (test/fixtures/serve/state.c) tries every
// channel it has: a wasm global, linear memory, the heap, the stack pointer, a function table
// slot, memory growth, a leaked handle and handle-table slots, a trap. With instance reuse (no
// reset) each channel does carry data, so the tests can fail; with 'reset' and 'fresh' none
// may. Then the core-level rules: what is restored, what makes an instance unresettable.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeModule } from '../binary/decode.ts';
import { encodeModule } from '../binary/encode.ts';
import type { InitialState } from '../component/link/index.ts';
import { parseWat } from '../text/parse.ts';
import { validateModule } from '../validate/module.ts';
import { createHandler, type Handler } from './handler.ts';
import { FUEL, HOST_MODULE, instrumentModule } from './instrument.ts';
import { ImageCache, Snapshot } from './reset.ts';

const STATE = new Uint8Array(readFileSync(new URL('../../test/fixtures/serve/state.component.wasm', import.meta.url)));
const GUEST = new Uint8Array(readFileSync(new URL('../../test/fixtures/serve/guest.component.wasm', import.meta.url)));

async function text(h: Handler, path: string): Promise<string> {
  const r = await h(new Request(`http://example.test${path}`));
  const body = (await r.text()).trim();
  // The body can be complete before the guest has returned: wait for its instance's release.
  for (let i = 0; i < 1000 && h.inFlight > 0; i++) await new Promise((resolve) => setImmediate(resolve));
  return body;
}

const ATTACKS = ['/grow', '/leak', '/table', '/sp', '/heap', '/all', '/trap'];

describe('a reset instance is a new one to the guest', () => {
  it('the hostile guest carries data through each channel when an instance is reused (the control)', async () => {
    const baseline = await text(await createHandler(STATE, { limits: { readyInstances: 0 } }), '/state');
    for (const attack of ATTACKS.filter((a) => a !== '/trap')) {
      // A second request on the same instance, without a reset in between.
      const h = await createHandler(STATE, { limits: { maxInstanceReuse: 2, readyInstances: 0 } });
      assert.equal(await text(h, attack), baseline);
      const after = await text(h, '/state');
      assert.notEqual(after, baseline, attack);
    }
  });

  for (const isolation of ['reset', 'fresh'] as const) {
    it(`isolation '${isolation}': after every attack the next request sees the initial state`, async () => {
      const h = await createHandler(STATE, { isolation, limits: { readyInstances: 0 } });
      assert.equal(h.isolation.mode, isolation);
      const baseline = await text(h, '/state');
      assert.match(baseline, /^counter=0 served=0 pages=2 sp=\d+ heap=\d+ handle=\d+ slot=1$/);
      for (const attack of ATTACKS) {
        assert.equal(await text(h, attack), baseline, attack);
        assert.equal(await text(h, '/state'), baseline, `after ${attack}`);
      }
    });
  }

  it('resets what it can put back exactly and discards the rest, saying why', async () => {
    const h = await createHandler(STATE, { limits: { readyInstances: 0 } });
    await text(h, '/state');
    const expect: Record<string, RegExp | 'reset'> = {
      '/table': 'reset', '/sp': 'reset', '/heap': 'reset', '/all': 'reset', '/leak': 'reset',
      '/grow': /a memory grew/, '/trap': /the request failed/,
    };
    for (const [attack, outcome] of Object.entries(expect)) {
      const before = h.stats;
      await text(h, attack);
      const after = h.stats;
      if (outcome === 'reset') {
        assert.equal(after.resets, before.resets + 1, attack);
        assert.equal(after.discarded, before.discarded, attack);
      } else {
        assert.equal(after.discarded, before.discarded + 1, attack);
        assert.match(after.lastDiscard ?? '', outcome, attack);
      }
    }
    // New instances only for the two discarded ones (the last made for this request).
    await text(h, '/state');
    assert.equal(h.stats.instantiated, 1 + 2);
  });

  it('many requests at once each get an instance in its initial state', async () => {
    const h = await createHandler(STATE, { limits: { readyInstances: 4 } });
    const baseline = await text(h, '/state');
    for (let round = 0; round < 3; round++) {
      const got = await Promise.all(Array.from({ length: 24 }, (_, i) => text(h, i % 2 === 0 ? '/all' : '/state')));
      for (const g of got) assert.equal(g, baseline);
    }
    assert.ok(h.stats.resets >= 72, JSON.stringify(h.stats));
  });

  it('the test guest counts 1 in every request, and an instance reused N times counts to N (then resets)', async () => {
    const h = await createHandler(GUEST, { limits: { maxInstanceReuse: 2 } });
    const counts: string[] = [];
    for (let i = 0; i < 6; i++) counts.push(await text(h, '/count'));
    assert.deepEqual(counts, ['1', '2', '1', '2', '1', '2']);
    assert.equal(h.stats.resets, 3);
  });
});

// ---- core-level rules ----

const quiet: InitialState = { differs: () => undefined, resetHandles: () => undefined };

function build(wat: string) {
  const r = instrumentModule(decodeModule(encodeModule(parseWat(wat))), { interrupt: true, importMemories: false, exportState: true });
  const bytes = encodeModule(r.module);
  validateModule(bytes);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { [HOST_MODULE]: { interrupt: () => FUEL, yield: () => FUEL }, env: { obj: new WebAssembly.Global({ value: "externref", mutable: false }, { secret: 1 }) } });
  return { r, instance, e: instance.exports as Record<string, (...a: number[]) => number> };
}

function capture(b: ReturnType<typeof build>): Snapshot {
  const s = Snapshot.capture([{ instance: b.instance, state: b.r.state, memories: [] }], quiet, new ImageCache());
  if (typeof s === 'string') assert.fail(s);
  return s;
}

describe('snapshots of core state', () => {
  it('puts back memory, mutable globals of every kind JavaScript reads exactly, and tables', () => {
    const b = build(`(module
      (import "env" "obj" (global $obj externref))
      (memory (export "mem") 1)
      (data (i32.const 16) "initial")
      (global $i (mut i32) (i32.const 7))
      (global $l (mut i64) (i64.const -1))
      (global $f (mut f64) (f64.const 1.5))
      (global $r (mut externref) (ref.null extern))
      (global $fr (mut funcref) (ref.func $one))
      (table $t 2 funcref)
      (table $x 1 externref)
      (elem (table $t) (i32.const 0) func $one)
      (func $one (result i32) (i32.const 1))
      (func (export "dirty")
        (i32.store (i32.const 16) (i32.const 0x41414141))
        (global.set $i (i32.const 8)) (global.set $l (i64.const 5)) (global.set $f (f64.const nan))
        (global.set $r (global.get $obj)) (global.set $fr (ref.null func))
        (table.set $t (i32.const 0) (ref.null func)) (table.set $t (i32.const 1) (ref.func $one))
        (table.set $x (i32.const 0) (global.get $obj)))
      (func (export "look") (result i32)
        (i32.add (i32.add (i32.load8_u (i32.const 16)) (global.get $i))
          (i32.add (i32.wrap_i64 (global.get $l))
            (i32.add (ref.is_null (global.get $r)) (i32.add (ref.is_null (global.get $fr))
              (i32.add (ref.is_null (table.get $t (i32.const 0))) (i32.add (ref.is_null (table.get $t (i32.const 1))) (ref.is_null (table.get $x (i32.const 0)))))))))))`);
    const snap = capture(b);
    const fresh = b.e.look();
    b.e.dirty();
    assert.notEqual(b.e.look(), fresh);
    assert.equal(snap.reset(), undefined);
    assert.equal(b.e.look(), fresh);
    assert.equal(new TextDecoder().decode(new Uint8Array((b.instance.exports.mem as WebAssembly.Memory).buffer, 16, 7)), 'initial');
  });

  it('refuses (and changes nothing) after a memory or table grew or a segment was dropped', () => {
    const wat = `(module
      (memory 1) (table 1 funcref)
      (data $d "x") (elem $e func $f)
      (global (export "g") (mut i32) (i32.const 0))
      (func $f)
      (func (export "grow") (drop (memory.grow (i32.const 1))))
      (func (export "tgrow") (drop (table.grow (ref.null func) (i32.const 1))))
      (func (export "ddrop") (data.drop $d))
      (func (export "edrop") (elem.drop $e))
      (func (export "init") (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)))
      (func (export "set") (global.set 0 (i32.const 9))))`;
    const cases: [string, RegExp][] = [['grow', /memory grew/], ['tgrow', /table grew/], ['ddrop', /segment was dropped/], ['edrop', /segment was dropped/]];
    for (const [f, why] of cases) {
      const b = build(wat);
      const snap = capture(b);
      b.e.set();
      b.e[f]();
      assert.match(snap.reset() ?? '', why, f);
      assert.equal((b.instance.exports.g as WebAssembly.Global).value, 9, 'nothing was put back');
    }
    // Reading a segment changes no state: memory.init alone is reset.
    const b = build(wat);
    const snap = capture(b);
    b.e.init();
    assert.equal(snap.reset(), undefined);
  });

  it('a drop in the start function is part of the initial state', () => {
    const b = build(`(module (memory 1) (data $d "x") (func $s (data.drop $d)) (start $s)
      (func (export "init") (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))))`);
    const snap = capture(b);
    assert.throws(() => b.e.init(), 'the segment is gone, as in a new instance');
    assert.equal(snap.reset(), undefined);
  });

  it('says why a module cannot be reset: a v128 global, a NaN global, a table of other references', () => {
    const v = build(`(module (global (mut v128) (v128.const i64x2 0 0)) (func))`);
    assert.match(v.r.state?.unresettable ?? '', /v128/);
    const t = build(`(module (table 1 anyref) (func))`);
    assert.match(t.r.state?.unresettable ?? '', /reference type/);
    const n = build(`(module (global (mut f32) (f32.const nan)) (func))`);
    assert.match(String(Snapshot.capture([{ instance: n.instance, state: n.r.state, memories: [] }], quiet, new ImageCache())), /NaN/);
  });

  it('shares a memory image between instances whose memories are equal', () => {
    const images = new ImageCache();
    const a = new Uint8Array(65536).fill(3);
    const b = new Uint8Array(65536).fill(3);
    const c = new Uint8Array(65536).fill(4);
    const ia = images.image('0:0', a);
    assert.equal(images.image('0:0', b), ia);
    assert.notEqual(images.image('0:0', c), ia);
    assert.deepEqual(images.image('0:0', c), c);
  });
});
