// The WASI hosts against the released WIT (jco bundles the WebAssembly/WASI release WIT,
// node_modules/@bytecodealliance/jco/lib/wit/builtin/<version>/wasi-*/package.wit). For each
// world a host claims, a component is built that imports every interface of the world (the
// world's component type, encodeWorld: types and imports only, no core code), and is
// instantiated with the host's imports: the runtime's link check (src/component/link/imports.ts)
// then asks for every function, resource class, method, static and constructor the WIT has, by
// its WIT name. Each LinkError is one gap: it is recorded, a stub stands in for it, and the link
// is tried again, so one run lists every gap. The gaps must be exactly KNOWN_GAPS (each with its
// reason), so closing one fails the test until it is taken off the list.
//
// Beyond presence, what the link takes on trust is checked here: a synchronous WIT function
// must not be an `async function` or a JSPI-suspending host function (its result would be a
// promise; CanonicalABI.md "canon lower": only an `async` func type lets the callee block), while
// an `async func` may be implemented synchronously; and a function, constructor, method or
// static the host gives must declare as many parameters as the WIT passes it (a constructor the
// link makes from a class calls `new C(...params)`: a class whose constructor takes host context
// would be handed guest values).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LinkError } from '../src/core/errors.ts';
import type { Component, Section } from '../src/component/ast.ts';
import { encodeComponent } from '../src/component/binary/encode.ts';
import { externNameView } from '../src/component/names.ts';
import { type CompiledComponent, compileComponent, type ComponentInstance, instantiateComponent } from '../src/component/link/index.ts';
import { parseComponent } from '../src/component/text/parse.ts';
import { isSuspending } from '../src/component/link/jspi.ts';
import type { EntityT, FuncT, InstanceT } from '../src/component/validate/model.ts';
import { encodeWorld } from '../src/component/wit/encode.ts';
import type { Resolve } from '../src/component/wit/model.ts';
import { groupPackages } from '../src/component/wit/packages.ts';
import { parseWitFile } from '../src/component/wit/parse.ts';
import { resolvePackages } from '../src/component/wit/resolve.ts';
import { WasiP2 } from '../src/wasi/p2/host.ts';
import { WasiP3 } from '../src/wasi/p3/host.ts';

const WIT_DIR = process.env.TESSERA_JCO_WIT ?? 'node_modules/@bytecodealliance/jco/lib/wit/builtin';
const skip = !existsSync(`${WIT_DIR}/0.2.12`) && `jco is not installed (no ${WIT_DIR}/0.2.12): no released WIT to check against`;

/** The worlds each host claims, by release. */
const WORLDS: readonly { readonly release: '0.2.12' | '0.3.0'; readonly world: string }[] = [
  { release: '0.2.12', world: 'wasi:cli/command' },
  { release: '0.2.12', world: 'wasi:http/proxy' },
  { release: '0.2.12', world: 'wasi:sockets/imports' },
  { release: '0.2.12', world: 'wasi:filesystem/imports' },
  { release: '0.3.0', world: 'wasi:cli/command' },
  { release: '0.3.0', world: 'wasi:http/service' },
  { release: '0.3.0', world: 'wasi:filesystem/imports' },
  { release: '0.3.0', world: 'wasi:sockets/imports' },
  { release: '0.3.0', world: 'wasi:clocks/imports' },
  { release: '0.3.0', world: 'wasi:random/imports' },
];

interface Known {
  readonly reason: string;
  /** The `@unstable` feature the item is gated by: a gap only where the feature is enabled. */
  readonly feature?: string;
}

const UNSTABLE = 'an @unstable feature (toolchains leave it out unless asked: WIT.md "Feature Gates"), no part of the released world the host claims';
const TIMEZONE = `${UNSTABLE}. Doable (Intl knows the zones), but which zone a guest sees is a new grant for a `
  + 'deny-by-default host (the host\'s own zone is a fingerprint), an option still to be designed';

/**
 * Gaps not closed, keyed `interface#member` (or `interface` alone), with the reason. The test
 * fails if one of them is no longer a gap. Every world is checked twice: as released (its
 * stable items), and with every `@unstable(feature = ...)` of its release enabled, where these
 * appear. (wasi:sockets/network's `network-error-code`, unstable in 0.2.12, is implemented.)
 */
const KNOWN_GAPS: Readonly<Record<string, Known>> = {
  'wasi:clocks/timezone@0.2.12': { feature: 'clocks-timezone', reason: TIMEZONE },
  'wasi:clocks/timezone@0.3.0': { feature: 'clocks-timezone', reason: TIMEZONE },
  'wasi:http/types@0.2.12#[method]response-outparam.send-informational': {
    feature: 'informational-outbound-responses',
    reason: `${UNSTABLE}. A 1xx answer must reach the client before the response: tessera serve's path `
      + '(src/serve, a Request => Promise<Response> handler) has no channel for it',
  },
};

/** Shape mismatches (arity, sync vs async) that are kept on purpose, keyed as KNOWN_GAPS. */
const KNOWN_SHAPES: Readonly<Record<string, Known>> = {};

// ---- the released WIT ----

const releases = new Map<string, Resolve>();

function releaseTexts(version: string): [path: string, text: string][] {
  const dir = `${WIT_DIR}/${version}`;
  return readdirSync(dir).filter((d) => d.startsWith('wasi-') && existsSync(`${dir}/${d}/package.wit`)).sort()
    .map((d) => [`${dir}/${d}/package.wit`, readFileSync(`${dir}/${d}/package.wit`, 'utf8')]);
}

/** Every `@unstable(feature = name)` of a release. */
function unstableFeatures(version: string): string[] {
  const out = new Set<string>();
  for (const [, text] of releaseTexts(version)) for (const m of text.matchAll(/@unstable\(\s*feature\s*=\s*([a-z0-9-]+)\s*\)/g)) out.add(m[1]);
  return [...out].sort();
}

/** Every package of a release, resolved together (each package.wit is one package). */
function release(version: string, unstable: boolean): Resolve {
  const key = `${version}${unstable ? '+unstable' : ''}`;
  let r = releases.get(key);
  if (r === undefined) {
    const files = releaseTexts(version).map(([path, text]) => parseWitFile(text, path));
    r = resolvePackages(files.flatMap((f) => groupPackages([f])), unstable ? { features: unstableFeatures(version) } : {}).resolve;
    releases.set(key, r);
  }
  return r;
}

/**
 * A component importing everything `world` (`wasi:pkg/world`) of `version` imports: the world's
 * component type up to its last import, its declarations turned into sections (a component
 * type's type, alias and import declarations index the same spaces as a component's).
 */
function importsComponent(version: string, world: string, unstable = false): Component {
  const resolve = release(version, unstable);
  const m = /^([a-z0-9-]+):([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(world);
  if (m === null) throw new Error(`not a world name: ${world}`);
  const pkg = resolve.packages.find((p) => p.name.namespace === m[1] && p.name.name === m[2] && p.name.version === version);
  const id = pkg?.worlds.get(m[3]);
  if (id === undefined) throw new Error(`${world}@${version} is not in ${WIT_DIR}/${version}`);
  const decls = encodeWorld(resolve, id).decls;
  const last = decls.findLastIndex((d) => d.kind === 'import');
  const sections: Section[] = [];
  for (const d of decls.slice(0, last + 1)) {
    if (d.kind === 'type') sections.push({ kind: 'type', items: [d.type] });
    else if (d.kind === 'alias') sections.push({ kind: 'alias', items: [d.alias] });
    else if (d.kind === 'import') sections.push({ kind: 'import', items: [{ name: d.name, type: d.type }] });
    else if (d.kind === 'core-type') sections.push({ kind: 'core-type', items: [d.type] });
    else throw new Error(`unexpected ${d.kind} declaration among ${world}'s imports`);
  }
  return { sections };
}

// ---- the link, gap by gap ----

type Obj = Record<string, unknown>;
type Link = (c: CompiledComponent, patches: Obj) => Promise<ComponentInstance>;

function instanceType(c: CompiledComponent, name: string): InstanceT {
  const e = c.imports.get(name);
  if (e?.kind !== 'instance') throw new Error(`${name} is not an instance import`);
  return e.type;
}

function stub(key: string, e: EntityT | undefined): unknown {
  if (e?.kind === 'type') return class Missing {};
  return () => {
    throw new Error(`${key} is missing`);
  };
}

/**
 * Links `c` against the host (`base`: what the host gives for each import, `link`: the host's
 * instantiate with patches over it) until it succeeds, a stub standing in for each missing or
 * mistyped item the link names. Returns the gaps, key to the link's message.
 */
async function linkGaps(c: CompiledComponent, base: Readonly<Obj>, link: Link): Promise<Map<string, string>> {
  const gaps = new Map<string, string>();
  const patches: Record<string, Obj> = {};
  for (;;) {
    try {
      await link(c, patches);
      return gaps;
    } catch (e) {
      if (!(e instanceof LinkError)) throw e;
      const path = /^(?:missing )?import `([^`]+)`/.exec(e.message)?.[1];
      const name = path === undefined ? undefined : [...c.imports.keys()].find((n) => path === n || path.startsWith(`${n}.`));
      if (path === undefined || name === undefined) throw e;
      const member = path.slice(name.length + 1);
      const key = member === '' ? name : `${name}#${member}`;
      if (gaps.has(key)) throw e; // a stub did not help: not a gap this test understands
      gaps.set(key, e.message);
      const given = base[name];
      const patch = patches[name] ??= { ...(typeof given === 'object' && given !== null ? given as Obj : {}) };
      // A missing interface: every member is a stub (the interface is the one gap).
      if (member === '') for (const [n, t] of instanceType(c, name).exports) patch[n] = stub(`${name}#${n}`, t);
      else patch[member] = stub(key, instanceType(c, name).exports.get(member));
    }
  }
}

// ---- what the link takes on trust ----

const AsyncFunction = (async () => {}).constructor;

/** The JavaScript function the link calls for `name` of the interface object `obj` (as imports.ts finds it). */
function hostFunction(obj: Readonly<Obj>, name: string): { fn: (...a: unknown[]) => unknown; declared: number } | undefined {
  if (Object.hasOwn(obj, name)) {
    const fn = obj[name];
    return typeof fn === 'function' ? { fn: fn as (...a: unknown[]) => unknown, declared: fn.length } : undefined;
  }
  const v = externNameView(name);
  if (v.kind !== 'constructor' && v.kind !== 'method' && v.kind !== 'static') return undefined;
  const cls = obj[v.resource];
  if (typeof cls !== 'function') return undefined;
  const C = cls as ((...a: unknown[]) => unknown) & Obj;
  if (v.kind === 'constructor') return { fn: C, declared: C.length };
  const f = v.kind === 'static' ? C[v.name] : (C.prototype as Obj)[v.name];
  if (typeof f !== 'function') return undefined;
  // A method's `self` is `this`, not a declared parameter.
  return { fn: f as (...a: unknown[]) => unknown, declared: f.length + (v.kind === 'method' ? 1 : 0) };
}

/** How a host function given for `type` does not fit it (beyond what the link checks), or undefined. */
function shapeMismatch(type: FuncT, fn: (...a: unknown[]) => unknown, declared: number, p3: boolean): string | undefined {
  // A sync func returning a future may return the future's promise from an async function.
  const returnsFuture = typeof type.result === 'object' && type.result.def.kind === 'future';
  if (p3 && !type.async && !returnsFuture) {
    if (fn instanceof AsyncFunction) return 'a synchronous WIT function implemented as an async function';
    if (isSuspending(fn)) return 'a synchronous WIT function implemented as a suspending (JSPI) host function';
  }
  if (declared !== type.params.length) return `declares ${declared} parameters, the WIT passes ${type.params.length}`;
  return undefined;
}

/**
 * The shape mismatches of every function `c` imports, from the interface objects `imports`,
 * and how many functions were looked at (a presence gap, which the link reports, is skipped).
 */
function shapeGaps(c: CompiledComponent, imports: Readonly<Obj>, p3: boolean): { gaps: Map<string, string>; checked: number } {
  const gaps = new Map<string, string>();
  let checked = 0;
  for (const [name, e] of c.imports) {
    if (e.kind !== 'instance') continue;
    const obj = imports[name] as Obj | undefined;
    if (obj === undefined) continue;
    for (const [member, t] of e.type.exports) {
      if (t.kind !== 'func') continue;
      const f = hostFunction(obj, member);
      if (f === undefined) continue;
      checked++;
      const why = shapeMismatch(t.type, f.fn, f.declared, p3);
      if (why !== undefined) gaps.set(`${name}#${member}`, why);
    }
  }
  return { gaps, checked };
}

/** How many functions the instances (or instance imports) `types` have. */
function funcCount(...types: (InstanceT | EntityT)[]): number {
  let n = 0;
  for (const t of types) {
    const i = 'exports' in t ? t : t.kind === 'instance' ? t.type : undefined;
    if (i !== undefined) for (const x of i.exports.values()) if (x.kind === 'func') n++;
  }
  return n;
}

// ---- the tests ----

function host(version: string): { base: (c: CompiledComponent) => Obj; link: Link } {
  if (version.startsWith('0.2.')) {
    const h = new WasiP2();
    return { base: (c) => h.importsFor(c), link: (c, patches) => h.instantiate(c, patches) };
  }
  const h = new WasiP3();
  return { base: (c) => h.importsFor(c), link: (c, patches) => h.instantiate(c, patches) };
}

/** The known items among `c`'s imports (those of an unstable feature only when `unstable`). */
function expected(known: Readonly<Record<string, Known>>, c: CompiledComponent, unstable: boolean): string[] {
  return Object.entries(known).filter(([k, v]) => c.imports.has(k.split('#')[0]) && (unstable || v.feature === undefined))
    .map(([k]) => k).sort();
}

for (const { release: version, world } of WORLDS) for (const unstable of [false, true]) {
  const label = `${world}@${version}${unstable ? ' (every @unstable feature enabled)' : ''}`;
  test(`${label}: the host gives every function, resource, method, static and constructor of the WIT`, { skip }, async (t) => {
    const c = await compileComponent(encodeComponent(importsComponent(version, world, unstable)));
    const h = host(version);
    const base = h.base(c);
    const gaps = await linkGaps(c, base, h.link);
    const exports = [...c.imports.values()].flatMap((e) => (e.kind === 'instance' ? [...e.type.exports.values()] : []));
    const funcs = exports.flatMap((e) => (e.kind === 'func' ? [e.type] : []));
    const resources = exports.filter((e) => e.kind === 'type' && e.type.def.kind === 'resource').length;
    t.diagnostic(`${c.imports.size} interfaces, ${funcs.length} functions (${funcs.filter((f) => f.async).length} async), ${resources} resource type exports; ${gaps.size} gaps`);
    for (const [k, why] of gaps) if (!(k in KNOWN_GAPS)) console.log(`gap: ${k}: ${why}`);
    assert.deepEqual([...gaps.keys()].sort(), expected(KNOWN_GAPS, c, unstable), `${label}: the gaps differ from KNOWN_GAPS`);
  });

  test(`${label}: the host's functions fit the WIT's async-ness and arity`, { skip }, async () => {
    const c = await compileComponent(encodeComponent(importsComponent(version, world, unstable)));
    const { gaps: shapes, checked } = shapeGaps(c, host(version).base(c), version.startsWith('0.3.'));
    // Every function but those of a known gap was found as the link finds it.
    const gapFuncs = expected(KNOWN_GAPS, c, unstable).map((k) => (k.includes('#') ? 1 : funcCount(instanceType(c, k))));
    assert.equal(checked, funcCount(...c.imports.values()) - gapFuncs.reduce((a, b) => a + b, 0), `${label}: functions looked at`);
    for (const [k, why] of shapes) if (!(k in KNOWN_SHAPES)) console.log(`shape: ${k}: ${why}`);
    assert.deepEqual([...shapes.keys()].sort(), expected(KNOWN_SHAPES, c, unstable), `${label}: the shape mismatches differ from KNOWN_SHAPES`);
  });
}

// ---- the checks can fail ----

test('a host missing an interface, a function, a method, or with an async or mis-declared function is caught', { skip }, async () => {
  const c = await compileComponent(encodeComponent(importsComponent('0.3.0', 'wasi:filesystem/imports')));
  const clocks = await compileComponent(encodeComponent(importsComponent('0.3.0', 'wasi:clocks/imports')));
  const h = new WasiP3();
  const link: Link = (x, patches) => instantiateComponent(x, { ...base, ...patches });
  // wasi:filesystem: no preopens interface, a descriptor class without `stat`.
  const types = h.imports['wasi:filesystem/types@0.3.0'] as Obj;
  const Descriptor = types.descriptor as new (...a: never[]) => object;
  const Broken = class extends Descriptor {};
  Object.defineProperty(Broken.prototype, 'stat', { value: undefined });
  let base: Obj = { ...h.importsFor(c), 'wasi:filesystem/types@0.3.0': { ...types, descriptor: Broken } };
  delete base['wasi:filesystem/preopens@0.3.0'];
  const gaps = await linkGaps(c, base, link);
  assert.deepEqual([...gaps.keys()].sort(), [
    'wasi:filesystem/preopens@0.3.0',
    'wasi:filesystem/types@0.3.0#[method]descriptor.stat',
  ]);
  // wasi:clocks: `now` missing, a sync function made async, one declaring a parameter too many.
  const mono = h.imports['wasi:clocks/monotonic-clock@0.3.0'] as Obj;
  const system = h.imports['wasi:clocks/system-clock@0.3.0'] as Obj;
  base = {
    ...h.importsFor(clocks),
    'wasi:clocks/monotonic-clock@0.3.0': { ...mono, now: undefined, 'get-resolution': async () => 1n },
    'wasi:clocks/system-clock@0.3.0': { ...system, now: (_x: unknown) => ({ seconds: 0n, nanoseconds: 0 }) },
  };
  assert.deepEqual([...(await linkGaps(clocks, base, link)).keys()], ['wasi:clocks/monotonic-clock@0.3.0#now']);
  assert.deepEqual([...shapeGaps(clocks, base, true).gaps], [
    ['wasi:clocks/monotonic-clock@0.3.0#get-resolution', 'a synchronous WIT function implemented as an async function'],
    ['wasi:clocks/system-clock@0.3.0#now', 'declares 1 parameters, the WIT passes 0'],
  ]);
});

// ---- any 0.3.N ----

/** `c` with every import's `@0.3.0` renamed to `@{version}`. */
function renamed(c: Component, version: string): Component {
  return {
    sections: c.sections.map((s) => (s.kind !== 'import' ? s : {
      kind: 'import' as const,
      items: s.items.map((i) => ({ ...i, name: { ...i.name, name: i.name.name.replace(/@0\.3\.0$/, `@${version}`) } })),
    })),
  };
}

test('WasiP3.instantiate serves a world of a later 0.3 release (every wasi:cli/command import at 0.3.7)', { skip }, async () => {
  const c = await compileComponent(encodeComponent(renamed(importsComponent('0.3.0', 'wasi:cli/command'), '0.3.7')));
  assert.ok([...c.imports.keys()].every((n) => n.endsWith('@0.3.7')));
  const h = new WasiP3();
  assert.deepEqual([...(await linkGaps(c, h.importsFor(c), (x, patches) => h.instantiate(x, patches))).keys()], []);
});

test('WasiP3.run runs a command exporting wasi:cli/run@0.3.1 and importing wasi:cli/exit@0.3.2', async () => {
  const command = encodeComponent(parseComponent(`(component
    (import "wasi:cli/exit@0.3.2" (instance $exit (export "exit-with-code" (func (param "status-code" u8)))))
    (alias export $exit "exit-with-code" (func $exit-with-code))
    (canon lower (func $exit-with-code) (core func $exit))
    (core module $M
      (import "" "exit" (func $exit (param i32)))
      (func (export "run") (call $exit (i32.const 7))))
    (core instance $m (instantiate $M (with "" (instance (export "exit" (func $exit))))))
    (func $run async (result (result)) (canon lift (core func $m "run") async))
    (instance $run (export "run" (func $run)))
    (export "wasi:cli/run@0.3.1" (instance $run)))`));
  assert.equal(await new WasiP3().run(command), 7);
});
