// Resetting instances between requests (src/serve/reset.ts): a request must not be able to tell
// a reset instance from a new one. The hostile guest (test/fixtures/serve/state.c) tries every
// channel it has: a wasm global, linear memory, the heap, the stack pointer, a function table
// slot, memory growth, a leaked handle and handle-table slots, a trap. With instance reuse (no
// reset) each channel does carry data, so the tests can fail; with 'reset' and 'fresh' none
// may. Then the core-level rules: what is restored, what makes an instance unresettable.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { decodeModule } from '../binary/decode.ts';
import { encodeModule } from '../binary/encode.ts';
import { hostMarks } from '../component/abi/written.ts';
import type { Component } from '../component/ast.ts';
import { initialState, instantiateComponent, type InitialState } from '../component/link/index.ts';
import { parseComponent } from '../component/text/parse.ts';
import { validateComponent } from '../component/validate/component.ts';
import type { Scope } from '../component/validate/scope.ts';
import { parseWat } from '../text/parse.ts';
import { validateModule } from '../validate/module.ts';
import { hostCoreImports, rewriteComponent } from './guest.ts';
import { createHandler, type Handler } from './handler.ts';
import { FUEL, HOST_MODULE, instrumentModule } from './instrument.ts';
import { MemoryPool } from './memory-pool.ts';
import { type CoreRecord, ImageCache, resetChecks, Snapshot } from './reset.ts';

const STATE = new Uint8Array(readFileSync(new URL('../../test/fixtures/serve/state.component.wasm', import.meta.url)));
const GUEST = new Uint8Array(readFileSync(new URL('../../test/fixtures/serve/guest.component.wasm', import.meta.url)));

async function text(h: Handler, path: string, init: RequestInit = {}): Promise<string> {
  const r = await h(new Request(`http://example.test${path}`, init));
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

  it('compares tables only when some module can change one (no instruction of this one can)', () => {
    const wat = (writer: string) => `(module (table (export "t") 2 funcref) (elem (i32.const 0) func $f) (func $f)
      (func (export "w") ${writer}))`;
    for (const [writer, restored] of [['', false], ['(table.set (i32.const 1) (ref.null func))', true]] as const) {
      const b = build(wat(writer));
      assert.equal(b.r.state?.writesTables, restored);
      const snap = capture(b);
      const t = b.instance.exports.t as WebAssembly.Table;
      t.set(0, null); // behind the module's back: only the host could, and it does not
      assert.equal(snap.reset(), undefined);
      assert.equal(t.get(0) !== null, restored, writer);
    }
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

// ---- resets that copy back only the written blocks, checked ----

const HELLO = new Uint8Array(readFileSync(new URL('../../test/fixtures/serve/hello.component.wasm', import.meta.url)));

/**
 * A component whose host imports return a list and a string into guest memory (the host
 * writes them where the guest's realloc says, and the result pair where the guest asks), its
 * memory defined by one core module and written by another that imports it (as a wasi adapter
 * writes into the main module's memory).
 */
const HOST_WRITES = `(component
  (import "fill" (func $fill (param "n" u32) (result (list u8))))
  (import "text" (func $text (param "n" u32) (result string)))
  (core module $Mem
    (memory (export "memory") 4)
    (global $next (mut i32) (i32.const 8192))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1))) (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $mem (instantiate $Mem))
  (core func $fill (canon lower (func $fill) (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core func $text (canon lower (func $text) (memory (core memory $mem "memory")) (realloc (core func $mem "realloc"))))
  (core module $Main
    (import "mem" "memory" (memory 4))
    (import "host" "fill" (func $fill (param i32 i32)))
    (import "host" "text" (func $text (param i32 i32)))
    (func (export "run") (param $n i32) (result i32)
      (call $fill (local.get $n) (i32.const 16))
      (call $text (local.get $n) (i32.const 24))
      (i32.store (i32.const 200000) (local.get $n))
      (i32.add (i32.load (i32.const 20)) (i32.load (i32.const 28)))))
  (core instance $main (instantiate $Main (with "mem" (instance $mem))
    (with "host" (instance (export "fill" (func $fill)) (export "text" (func $text))))))
  (func (export "run") (param "n" u32) (result u32) (canon lift (core func $main "run"))))`;

async function hostWrites() {
  const component = parseComponent(HOST_WRITES);
  const scopes = new Map<Component, Scope>();
  validateComponent(component, { scopes });
  const guest = await rewriteComponent(component, scopes, {}, true);
  const pool = new MemoryPool(4);
  const cores: CoreRecord[] = [];
  let given: WebAssembly.Memory[] = [];
  const instance = await instantiateComponent(guest.compiled, {
    fill: (n: number) => new Uint8Array(n).fill(0xab),
    text: (n: number) => 'é'.repeat(n),
  }, {
    coreImports: (module, args) => {
      given = [];
      return hostCoreImports(guest.needs.get(module), { interrupt: () => FUEL, yield: () => FUEL }, (slot) => {
        const m = pool.take(slot);
        given.push(m);
        return m;
      }, args, pool);
    },
    coreInstance: (module, core) => cores.push({ instance: core, state: guest.needs.get(module)?.state, memories: given }),
  });
  const snap = Snapshot.capture(cores, initialState(instance), new ImageCache());
  if (typeof snap === 'string') assert.fail(snap);
  const memory = cores.flatMap((c) => c.memories)[0];
  return { snap, memory, run: instance.exports.run as (n: number) => number };
}

describe('resets copy back only the written blocks', () => {
  before(() => { resetChecks.verify = true; });
  after(() => { resetChecks.verify = false; });

  it('host writes (a list and a string lowered into guest memory, their result areas) are marked; a skipped mark is caught', async () => {
    const { snap, memory, run } = await hostWrites();
    const image = new Uint8Array(memory.buffer).slice();
    for (const n of [10, 10_000, 3]) {
      assert.equal(run(n), 3 * n, 'the list and the string (two bytes a character) arrived');
      assert.notDeepEqual(new Uint8Array(memory.buffer), image);
      assert.equal(snap.reset(), undefined);
      assert.deepEqual(new Uint8Array(memory.buffer), image);
    }
    // The same without the runtime's marks: the verification sees the blocks only the host wrote.
    hostMarks.skip = true;
    try {
      run(10_000);
      // Block 0 holds the result areas, written by the host alone.
      assert.match(snap.reset() ?? '', /^verification: memory 0 differs from its image in block 0 /);
    } finally {
      hostMarks.skip = false;
    }
  });

  async function checked(h: Handler, paths: string[], init: RequestInit = {}): Promise<void> {
    for (const path of paths) await text(h, path, init);
    assert.equal(h.stats.discarded, 0, h.stats.lastDiscard);
    assert.ok(h.stats.resets >= paths.length, JSON.stringify(h.stats));
  }

  it('the serve fixtures: every reset leaves memory equal to its image', async () => {
    await checked(await createHandler(HELLO, { limits: { readyInstances: 0 } }), ['/', '/x', '/']);
    await checked(await createHandler(GUEST, { limits: { readyInstances: 0 } }), ['/hello', '/info', '/headers', '/status/201', '/big/100000', '/count', `/info?${'q'.repeat(10_000)}`, `/hello?${'q'.repeat(20_000)}`]);
    await checked(await createHandler(GUEST, { limits: { readyInstances: 0 } }), ['/echo'], { method: 'POST', body: 'x'.repeat(10_000) });
    const state = await createHandler(STATE, { limits: { readyInstances: 2 } });
    await checked(state, ['/state', '/table', '/sp', '/heap', '/all', '/leak', '/state']);
    await Promise.all(Array.from({ length: 8 }, (_, i) => text(state, i % 2 === 0 ? '/all' : '/heap')));
    assert.equal(state.stats.discarded, 0, state.stats.lastDiscard);
  });

  it('a write the runtime did not mark discards the instance, saying so', async () => {
    const h = await createHandler(GUEST, { limits: { readyInstances: 0 } });
    await text(h, '/hello');
    hostMarks.skip = true;
    try {
      // The path is written into guest memory by the host: 20 KB span blocks only it touches.
      await text(h, `/hello?${'q'.repeat(20_000)}`);
    } finally {
      hostMarks.skip = false;
    }
    assert.equal(h.stats.discarded, 1);
    assert.match(h.stats.lastDiscard ?? '', /^verification: memory 0 differs/);
  });
});

describe('block-by-block resets of a tracked memory', () => {
  function tracked(wat: string) {
    const r = instrumentModule(decodeModule(encodeModule(parseWat(wat))), { interrupt: false, importMemories: true, exportState: true, writeMarks: true });
    const bytes = encodeModule(r.module);
    validateModule(bytes);
    const pool = new MemoryPool(1);
    const memory = pool.take(r.memories[0]);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { [HOST_MODULE]: { memory0: memory, written0: pool.mapOf(memory)! } });
    const snap = Snapshot.capture([{ instance, state: r.state, memories: [memory] }], quiet, new ImageCache());
    if (typeof snap === 'string') assert.fail(snap);
    return { snap, memory, e: instance.exports as Record<string, (...a: number[]) => void> };
  }

  const WAT = `(module (memory 2) (data (i32.const 4088) "0123456789abcdef")
    (func (export "wide") (param i32) (i64.store (local.get 0) (i64.const -1)))
    (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 7) (local.get 1))))`;

  it('restores each marked block and the bytes a store straddling into the next one wrote', () => {
    const { snap, memory, e } = tracked(WAT);
    const image = new Uint8Array(memory.buffer).slice();
    e.wide(4092);
    e.fill(65536 * 2 - 10, 10);
    e.fill(8192 + 100, 20_000);
    assert.equal(snap.reset(), undefined);
    assert.deepEqual(new Uint8Array(memory.buffer), image);
  });

  it('copies nothing it was not told of: an unmarked change stays, and the verification says where', () => {
    const { snap, memory, e } = tracked(WAT);
    e.wide(100);
    new Uint8Array(memory.buffer)[4096 * 20] = 1; // behind the guest's back: no mark
    resetChecks.verify = false;
    assert.equal(snap.reset(), undefined);
    assert.equal(new Uint8Array(memory.buffer)[4096 * 20], 1, 'the block was not copied back');
    assert.equal(new Uint8Array(memory.buffer)[100], 0, 'the marked one was');
    resetChecks.verify = true;
    try {
      assert.match(snap.reset() ?? '', /^verification: memory 0 differs from its image in block 20 /);
    } finally {
      resetChecks.verify = false;
    }
  });
});
