// Conformance against wasm-tools' wit-parser UI tests (../shared/wit-tests, or
// TESSERA_WIT_TESTS), read in place. Success cases must resolve and match the `.wit.json`
// shape (package, interface, type, function and world item names, type kinds and
// signatures, compared through a rendering both models share); parse-fail cases must fail,
// and the first line of the message is compared with wasm-tools' after removing its
// path-wrapping prefixes ("exact" vs "failed only").
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ParseError } from '../src/core/errors.ts';
import { loadWit } from '../src/component/wit/load.ts';
import { interfaceName, type Resolve, type Type } from '../src/component/wit/model.ts';
import { nodeWitFileTree } from '../src/component/wit/node.ts';
import { KNOWN_WIT_FAILURES } from './wit-tests.known.ts';

const DIR = process.env.TESSERA_WIT_TESTS ?? join(import.meta.dirname, '../../shared/wit-tests');
const OPTIONS = { features: ['active'] };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const obj = (j: Json | undefined): { [key: string]: Json } => (j !== null && typeof j === 'object' && !Array.isArray(j) ? j : {});
const arr = (j: Json | undefined): Json[] => (Array.isArray(j) ? j : []);
const str = (j: Json | undefined): string => (typeof j === 'string' ? j : String(j));

/** The comparable shape: one line per fact, sorted. */
function shapeOfResolve(r: Resolve): string[] {
  const out: string[] = [];
  const ty = (t: Type | undefined, depth = 0): string => {
    if (t === undefined) return '_';
    if (typeof t === 'string') return t;
    const def = r.types[t];
    if (def.name !== undefined && depth > 0) return def.name;
    const k = def.kind;
    const d = depth + 1;
    switch (k.tag) {
      case 'record': return `record{${k.fields.map((f) => `${f.name}:${ty(f.type, d)}`).join(',')}}`;
      case 'variant': return `variant{${k.cases.map((c) => `${c.name}(${ty(c.type, d)})`).join(',')}}`;
      case 'enum': return `enum{${k.cases.map((c) => c.name).join(',')}}`;
      case 'flags': return `flags{${k.flags.map((c) => c.name).join(',')}}`;
      case 'resource': return 'resource';
      case 'handle': return `${k.handle}<${r.types[k.resource].name}>`;
      case 'tuple': return `tuple<${k.types.map((x) => ty(x, d)).join(',')}>`;
      case 'option': return `option<${ty(k.type, d)}>`;
      case 'result': return `result<${ty(k.ok, d)},${ty(k.err, d)}>`;
      case 'list': return k.size === undefined ? `list<${ty(k.element, d)}>` : `list<${ty(k.element, d)},${k.size}>`;
      case 'map': return `map<${ty(k.key, d)},${ty(k.value, d)}>`;
      case 'future': case 'stream': return `${k.tag}<${ty(k.payload, d)}>`;
      case 'type': return `type(${ty(k.type, d)})`;
    }
  };
  const fn = (f: Resolve['interfaces'][number]['functions'] extends Map<string, infer F> ? F : never) =>
    `${f.kind.tag}${f.async ? ' async' : ''}${'resource' in f.kind ? `[${r.types[f.kind.resource].name}]` : ''}(${f.params.map((p) => `${p.name}:${ty(p.type, 1)}`).join(',')})->${ty(f.result, 1)}`;
  for (const p of r.packages) {
    const pn = `${p.name.namespace}:${p.name.name}${p.name.version ? `@${p.name.version}` : ''}`;
    out.push(`package ${pn}`);
    for (const [name, id] of p.interfaces) {
      const i = r.interfaces[id];
      out.push(`interface ${pn}/${name}`);
      for (const [tn, t] of i.types) out.push(`  type ${pn}/${name}.${tn} = ${ty(t)}`);
      for (const [fname, f] of i.functions) out.push(`  func ${pn}/${name}.${fname} ${fn(f)}`);
    }
    for (const [name, id] of p.worlds) {
      const w = r.worlds[id];
      for (const [dir, items] of [['import', w.imports], ['export', w.exports]] as const) {
        for (const [k, item] of items) {
          const what = item.tag === 'interface' ? `interface ${interfaceName(r, item.id) ?? '(anonymous)'}` : item.tag === 'function' ? `func ${fn(item.func)}` : `type ${ty(item.id)}`;
          out.push(`  world ${pn}/${name} ${dir} ${k}: ${what}`);
        }
      }
    }
  }
  return out.sort();
}

function shapeOfJson(j: Json): string[] {
  const out: string[] = [];
  const root = obj(j);
  const types = arr(root.types).map(obj);
  const ifaces = arr(root.interfaces).map(obj);
  const pkgs = arr(root.packages).map(obj);
  const ifaceName = (id: number): string | undefined => {
    const i = ifaces[id];
    if (i.name === null || typeof i.package !== 'number') return undefined;
    const pn = str(pkgs[i.package].name);
    const at = pn.indexOf('@');
    return at < 0 ? `${pn}/${str(i.name)}` : `${pn.slice(0, at)}/${str(i.name)}${pn.slice(at)}`;
  };
  const ty = (t: Json | undefined, depth = 0): string => {
    if (t === undefined || t === null) return '_';
    if (typeof t === 'string') return t;
    if (typeof t !== 'number') return '?';
    const def = types[t];
    if (def.name !== null && def.name !== undefined && depth > 0) return str(def.name);
    const k = def.kind;
    const d = depth + 1;
    if (k === 'resource') return 'resource';
    const [tag, v] = Object.entries(obj(k))[0] ?? ['?', null];
    const o = obj(v);
    switch (tag) {
      case 'record': return `record{${arr(o.fields).map((f) => `${str(obj(f).name)}:${ty(obj(f).type, d)}`).join(',')}}`;
      case 'variant': return `variant{${arr(o.cases).map((c) => `${str(obj(c).name)}(${ty(obj(c).type, d)})`).join(',')}}`;
      case 'enum': return `enum{${arr(o.cases).map((c) => str(obj(c).name)).join(',')}}`;
      case 'flags': return `flags{${arr(o.flags).map((c) => str(obj(c).name)).join(',')}}`;
      case 'handle': {
        const [h, rid] = Object.entries(o)[0];
        return `${h}<${str(types[Number(rid)].name)}>`;
      }
      case 'tuple': return `tuple<${arr(o.types).map((x) => ty(x, d)).join(',')}>`;
      case 'option': return `option<${ty(v, d)}>`;
      case 'result': return `result<${ty(o.ok, d)},${ty(o.err, d)}>`;
      case 'list': return `list<${ty(v, d)}>`;
      case 'fixed-length-list': return `list<${ty(arr(v)[0], d)},${str(arr(v)[1])}>`;
      case 'map': return `map<${ty(arr(v)[0], d)},${ty(arr(v)[1], d)}>`;
      case 'future': case 'stream': return `${tag}<${ty(v, d)}>`;
      case 'type': return `type(${ty(v, d)})`;
      default: return `?${tag}`;
    }
  };
  const fn = (fj: Json): string => {
    const f = obj(fj);
    let tag = 'freestanding';
    let resource = '';
    if (typeof f.kind === 'string') tag = f.kind;
    else {
      const [t, rid] = Object.entries(obj(f.kind))[0];
      tag = t;
      resource = `[${str(types[Number(rid)].name)}]`;
    }
    const isAsync = tag.startsWith('async-');
    if (isAsync) tag = tag.slice(6);
    return `${tag}${isAsync ? ' async' : ''}${resource}(${arr(f.params).map((p) => `${str(obj(p).name)}:${ty(obj(p).type, 1)}`).join(',')})->${ty(f.result, 1)}`;
  };
  for (const p of pkgs) {
    const pn = str(p.name);
    out.push(`package ${pn}`);
    for (const [name, id] of Object.entries(obj(p.interfaces))) {
      const i = ifaces[Number(id)];
      out.push(`interface ${pn}/${name}`);
      for (const [tn, t] of Object.entries(obj(i.types))) out.push(`  type ${pn}/${name}.${tn} = ${ty(t)}`);
      for (const [fname, f] of Object.entries(obj(i.functions))) out.push(`  func ${pn}/${name}.${fname} ${fn(f)}`);
    }
    for (const [name, id] of Object.entries(obj(p.worlds))) {
      const w = obj(arr(root.worlds)[Number(id)]);
      for (const dir of ['import', 'export'] as const) {
        for (const [k, itemJ] of Object.entries(obj(w[`${dir}s`]))) {
          const item = obj(itemJ);
          const m = /^interface-(\d+)$/.exec(k);
          const key = m ? (ifaceName(Number(m[1])) ?? k) : k;
          let what: string;
          if ('interface' in item) what = `interface ${ifaceName(Number(obj(item.interface).id)) ?? '(anonymous)'}`;
          else if ('function' in item) what = `func ${fn(item.function)}`;
          else what = `type ${ty(item.type)}`;
          out.push(`  world ${pn}/${name} ${dir} ${key}: ${what}`);
        }
      }
    }
  }
  return out.sort();
}

/** wasm-tools' first line without the wrappers naming paths. */
function expectedMessage(text: string): string {
  let line = text.split('\n')[0];
  line = line.replace(/^failed to resolve directory while parsing WIT for path \[[^\]]*\]: /, '');
  line = line.replace(/^failed to parse package: [^:]*: /, '');
  line = line.replace(/^tests\/ui\/\S+:\d+:\d+: /, '');
  return line.trim();
}

interface Outcome { name: string; ok: boolean; detail?: string; exact?: boolean }

function runCase(name: string, path: string, expectFail: boolean, expected: string): Outcome {
  try {
    const { resolve } = loadWit(nodeWitFileTree, path, OPTIONS);
    if (expectFail) return { name, ok: false, detail: 'resolved, but wasm-tools rejects it' };
    const want = shapeOfJson(JSON.parse(expected) as Json);
    const got = shapeOfResolve(resolve);
    const missing = want.filter((l) => !got.includes(l));
    const extra = got.filter((l) => !want.includes(l));
    if (missing.length || extra.length) return { name, ok: false, detail: `shape differs: missing ${JSON.stringify(missing.slice(0, 3))} extra ${JSON.stringify(extra.slice(0, 3))}` };
    return { name, ok: true };
  } catch (e) {
    if (!(e instanceof ParseError)) return { name, ok: false, detail: `crashed: ${(e as Error).stack}` };
    if (!expectFail) return { name, ok: false, detail: `rejected: ${e.message}` };
    const want = expectedMessage(expected);
    const got = e.phrase.split('\n')[0].trim();
    return { name, ok: true, exact: got === want, detail: got === want ? undefined : `message: got "${got}", want "${want}"` };
  }
}

const available = existsSync(DIR);

test('wit-tests (wasm-tools wit-parser UI tests)', { skip: !available && `no ${DIR}` }, () => {
  const outcomes: Outcome[] = [];
  for (const entry of readdirSync(DIR).sort()) {
    const p = join(DIR, entry);
    const isCase = statSync(p).isDirectory() ? entry !== 'parse-fail' : /\.(wit|wat)$/.test(entry);
    const json = `${p.replace(/\.(wit|wat)$/, '')}.wit.json`;
    if (!isCase || !existsSync(json)) continue;
    outcomes.push(runCase(entry, p, false, readFileSync(json, 'utf8')));
  }
  const failDir = join(DIR, 'parse-fail');
  for (const entry of readdirSync(failDir).sort()) {
    const p = join(failDir, entry);
    if (!statSync(p).isDirectory() && !entry.endsWith('.wit')) continue;
    const result = `${p.replace(/\.wit$/, '')}.wit.result`;
    if (!existsSync(result)) continue;
    outcomes.push(runCase(`parse-fail/${entry}`, p, true, readFileSync(result, 'utf8')));
  }
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const unexpected: string[] = [];
  for (const o of outcomes) {
    const known = KNOWN_WIT_FAILURES.get(o.name);
    if (known !== undefined) {
      skipped++;
      if (o.ok && o.exact !== false) unexpected.push(`${o.name}: listed as known failure but passes`);
      continue;
    }
    if (o.ok) passed++;
    else {
      failed++;
      unexpected.push(`${o.name}: ${o.detail}`);
    }
  }
  const failCases = outcomes.filter((o) => o.name.startsWith('parse-fail/'));
  const exact = failCases.filter((o) => o.exact === true).length;
  const failOnly = failCases.filter((o) => o.ok && o.exact === false);
  const success = outcomes.filter((o) => !o.name.startsWith('parse-fail/'));
  console.log(`wit-tests parse-fail: ${failCases.length} cases, ${exact} same message, ${failOnly.length} failed with another message, ${failCases.filter((o) => !o.ok).length} accepted`);
  console.log(`wit-tests success: ${success.length} cases, ${success.filter((o) => o.ok).length} resolved with the .wit.json shape`);
  if (process.env.TESSERA_WIT_VERBOSE) for (const o of failOnly) console.log(`  ${o.name}: ${o.detail}`);
  console.log(`wit-tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  assert.deepEqual(unexpected, []);
});
