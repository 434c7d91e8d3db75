// The component printer's property: for every component of ../shared/component-model-tests
// (all folders; TESSERA_COMPONENT_TESTS overrides the path) that parses, and for the real
// component binaries, printComponent's text parses back to a component whose canonical
// encoding is the original's canonical encoding: names and custom sections included.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { emptyModule } from '../src/core/ast.ts';
import { DecodeError } from '../src/core/errors.ts';
import type { Canon, Component, Section } from '../src/component/ast.ts';
import { CANONS } from '../src/component/codes.ts';
import { decodeComponent } from '../src/component/binary/decode.ts';
import { encodeComponent } from '../src/component/binary/encode.ts';
import { sortNames } from '../src/component/binary/names.ts';
import { parseComponent } from '../src/component/text/parse.ts';
import { printComponent } from '../src/component/text/print.ts';
import { parseComponentWast } from '../src/component/text/wast.ts';
import { parseWat } from '../src/text/parse.ts';

const DIR = process.env.TESSERA_COMPONENT_TESTS ?? join(import.meta.dirname, '../../shared/component-model-tests');
const HELLO = new Uint8Array(readFileSync(join(import.meta.dirname, 'fixtures/component/hello.component.wasm')));

/**
 * Components whose text cannot say what their binary says, by `folder/file:line`. They are
 * all written in binary in the tests; `wasm-tools print` cannot print them exactly either.
 */
const KNOWN_FAILURES: ReadonlyMap<string, string> = new Map([
  ['binary/binary.wast:114', 'an empty section (0 types): the text has no way to write one'],
  ['binary/binary.wast:119', 'empty sections (0 instances, 0 canons): the text has no way to write one'],
  ['binary/binary.wast:145', 'an empty section (0 types) behind a padded size: the text has no way to write one'],
  ['binary/binary.wast:841', 'two type sections in a row: the text merges consecutive definitions of a kind into one section'],
  ['binary/binary.wast:892', 'two core type sections in a row (and a non-final `sub` core type, which the component parser does not read)'],
  ['binary/binary.wast:1187', 'the redundant 0x01 form of an extern name (Binary.md "warts"): the text writes 0x00'],
  ['binary/binary.wast:483', 'an outer alias past the outermost component (invalid): the parser rejects its count'],
  ['binary/binary.wast:495', 'an outer alias past the outermost component (invalid): the parser rejects its count'],
  ['binary/binary.wast:946', 'a module type declared inside a module type (invalid): no text form'],
  ['binary/binary.wast:1379', 'a repeated name attribute (invalid): the parser rejects it'],
]);

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Undefined if the text reads back to the same canonical bytes, else what went wrong. */
function roundTrip(c: Component): string | undefined {
  const want = encodeComponent(c, { canonical: true });
  const text = printComponent(c);
  let got: Uint8Array;
  try {
    got = encodeComponent(parseComponent(text), { canonical: true });
  } catch (e) {
    return `printed text does not parse: ${e instanceof Error ? e.message : String(e)}`;
  }
  return equal(want, got) ? undefined : `bytes differ (${want.length} vs ${got.length} bytes)`;
}

test('component-model-tests: print, parse and encode give the canonical bytes', { skip: !existsSync(DIR) && `no ${DIR}` }, () => {
  let passed = 0;
  let unparsed = 0;
  let known = 0;
  const failures: string[] = [];
  const seen = new Set<string>();
  const folders = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const folder of folders) {
    for (const file of readdirSync(join(DIR, folder)).filter((f) => f.endsWith('.wast')).sort()) {
      for (const cmd of parseComponentWast(readFileSync(join(DIR, folder, file), 'utf8'))) {
        if (!('component' in cmd)) continue;
        let c: Component;
        // Malformed components (and the few invalid ones the parser rejects) have no AST.
        try { c = cmd.component.parse(); } catch { unparsed++; continue; }
        const key = `${folder}/${file}:${cmd.line}`;
        const error = roundTrip(c);
        if (KNOWN_FAILURES.has(key)) {
          seen.add(key);
          if (error === undefined) failures.push(`${key}: listed as a known failure but passes`);
          else known++;
        } else if (error === undefined) passed++;
        else failures.push(`${key}: ${error}`);
      }
    }
  }
  for (const key of KNOWN_FAILURES.keys()) if (!seen.has(key)) failures.push(`${key}: known failure no longer found`);
  console.log(`component print round trip: ${passed} passed, ${failures.length} failed, ${known} known failures; ` +
    `${unparsed} components that do not parse (malformed) not printed`);
  assert.deepEqual(failures, []);
  assert.ok(passed > 600, `only ${passed} components printed`);
});

test('a real component (jco, wit-component) prints and reads back to its canonical bytes', () => {
  const c = decodeComponent(HELLO);
  assert.equal(roundTrip(c), undefined);
  const text = printComponent(c);
  // Its names show as ids; the section itself is not last (producers follows) and names
  // core modules differently from their own name sections, so it is also printed as bytes.
  assert.match(text, /\(core instance \$main \(;2;\) \(instantiate 0 /);
  assert.match(text, /\(@custom "component-name" "/);
  assert.match(text, /\(@custom "producers" "/);
});

function name(n: string): { name: string; form: 0; attributes: [] } {
  return { name: n, form: 0, attributes: [] };
}

/** Every canonical built-in with every immediate set, and every option. */
function everyCanon(): Canon[] {
  return CANONS.map((row) => {
    switch (row.imm) {
      case 'lift': return { op: row.name, func: 0, type: 1, options: [{ kind: 'utf16' }, { kind: 'memory', index: 0 }, { kind: 'realloc', index: 1 }, { kind: 'post-return', index: 2 }, { kind: 'async' }, { kind: 'callback', index: 3 }] };
      case 'lower': return { op: row.name, func: 0, options: [{ kind: 'latin1+utf16' }, { kind: 'utf8' }] };
      case 'none': return { op: row.name };
      case 'type': return { op: row.name, type: 3 };
      case 'type_opts': return { op: row.name, type: 3, options: [{ kind: 'utf8' }, { kind: 'async' }] };
      case 'type_async': return { op: row.name, type: 3, async: true };
      case 'opts': return { op: row.name, options: [{ kind: 'memory', index: 0 }] };
      case 'async': return { op: row.name, async: true };
      case 'cancel': return { op: row.name, cancellable: true };
      case 'cancel_memory': return { op: row.name, cancellable: true, memory: 0 };
      case 'task_return': return { op: row.name, result: 2, options: [{ kind: 'memory', index: 0 }] };
      case 'context': return { op: row.name, valtype: 'i32', index: 1 };
      case 'core_type_table': return { op: row.name, type: 0, table: 0 };
      case 'shared': return { op: row.name, shared: true };
      case 'shared_core_type': return { op: row.name, shared: true, type: 0 };
      case 'shared_core_type_table': return { op: row.name, shared: false, type: 0, table: 0 };
    }
  }) as Canon[];
}

/** One of every definition the text format has (values aside: 🪙, no text form yet). */
function everything(): Component {
  const module = emptyModule();
  module.types.push({ types: [{ final: true, supertypes: [], comp: { kind: 'func', params: ['i32'], results: ['i64'] } }] });
  const inner: Component = { sections: [{ kind: 'import', items: [{ name: name('f'), type: { kind: 'func', type: 0 } }] }] };
  const sections: Section[] = [
    { kind: 'custom', name: 'first', data: Uint8Array.of(0, 1, 0x22, 0x5c, 0x7f, 0x41) },
    { kind: 'core-module', module },
    { kind: 'core-type', items: [
      { kind: 'rec', group: { types: [{ final: true, supertypes: [], comp: { kind: 'func', params: [], results: [{ nullable: true, heap: 'func' }] } }] } },
      { kind: 'module', decls: [
        { kind: 'type', type: { kind: 'rec', group: { types: [{ final: true, supertypes: [], comp: { kind: 'func', params: ['f32'], results: [] } }] } } },
        { kind: 'import', module: 'a', name: 'b', type: { kind: 'func', type: 0 } },
        { kind: 'alias', count: 1, index: 0 },
        { kind: 'export', name: 'm', type: { kind: 'memory', type: { limits: { min: 1, max: 2 }, addr: 'i32', shared: false } } },
        { kind: 'export', name: 't', type: { kind: 'table', type: { limits: { min: 0 }, addr: 'i32', ref: { nullable: true, heap: 'extern' } } } },
        { kind: 'export', name: 'g', type: { kind: 'global', type: { type: 'i32', mutable: true } } },
      ] },
    ] },
    { kind: 'core-instance', items: [
      { kind: 'exports', exports: [{ name: 'f', sort: 'func', index: 0 }, { name: 'm', sort: 'memory', index: 0 }] },
      { kind: 'instantiate', module: 0, args: [{ name: 'x', instance: 0 }] },
    ] },
    { kind: 'type', items: [
      { kind: 'prim', type: 'u32' },
      { kind: 'func', async: false, params: [{ name: 'a', type: 'string' }, { name: 'b', type: 0 }], result: 0 },
      { kind: 'func', async: true, params: [] },
      { kind: 'resource', rep: 'i32', dtor: 0 },
      { kind: 'record', fields: [{ name: 'x', type: 'u8' }, { name: 'y', type: 0 }] },
      { kind: 'variant', cases: [{ name: 'a' }, { name: 'b', type: 's64' }] },
      { kind: 'list', element: 'char' },
      { kind: 'list', element: 'f32', length: 4 },
      { kind: 'tuple', types: ['bool', 'f64'] },
      { kind: 'flags', names: ['r', 'w'] },
      { kind: 'enum', names: ['l', 'm'] },
      { kind: 'option', type: 'error-context' },
      { kind: 'result', ok: 'u16', error: 0 },
      { kind: 'result', error: 's16' },
      { kind: 'result' },
      { kind: 'own', type: 3 },
      { kind: 'borrow', type: 3 },
      { kind: 'stream', element: 'u8' },
      { kind: 'stream' },
      { kind: 'future', element: 's8' },
      { kind: 'future' },
      { kind: 'map', key: 'string', value: 'u64' },
      { kind: 'instance', decls: [] },
      { kind: 'component', decls: [
        { kind: 'core-type', type: { kind: 'module', decls: [] } },
        { kind: 'type', type: { kind: 'instance', decls: [
          { kind: 'export', name: name('r'), type: { kind: 'type', bound: { kind: 'sub-resource' } } },
          { kind: 'type', type: { kind: 'own', type: 0 } },
          { kind: 'alias', alias: { sort: 'type', target: { kind: 'outer', count: 2, index: 0 } } },
        ] } },
        { kind: 'import', name: { name: 'wasi:cli/run@0.2.0', form: 2, attributes: [{ kind: 'implements', name: 'a:b/c' }] }, type: { kind: 'instance', type: 0 } },
        { kind: 'export', name: { name: 'x', form: 2, attributes: [{ kind: 'versionsuffix', suffix: '.1' }, { kind: 'external-id', id: 'z' }] }, type: { kind: 'value', bound: { kind: 'type', type: 'u8' } } },
        { kind: 'export', name: name('y'), type: { kind: 'value', bound: { kind: 'eq', value: 0 } } },
        { kind: 'export', name: name('m'), type: { kind: 'module', type: 0 } },
        { kind: 'export', name: name('t'), type: { kind: 'type', bound: { kind: 'eq', type: 0 } } },
      ] },
    ] },
    { kind: 'component', component: inner },
    { kind: 'alias', items: [
      { sort: 'core func', target: { kind: 'core-export', instance: 0, name: 'f' } },
      { sort: 'core memory', target: { kind: 'core-export', instance: 0, name: 'm' } },
    ] },
    { kind: 'canon', items: everyCanon() },
    { kind: 'instance', items: [
      { kind: 'instantiate', component: 0, args: [{ name: 'f', sort: 'func', index: 0 }, { name: 'm', sort: 'core module', index: 0 }, { name: 't', sort: 'type', index: 0 }] },
      { kind: 'exports', exports: [{ name: name('g'), sort: 'instance', index: 0 }, { name: name('h'), sort: 'func', index: 0 }] },
    ] },
    { kind: 'alias', items: [
      { sort: 'func', target: { kind: 'export', instance: 0, name: 'f' } },
      { sort: 'component', target: { kind: 'export', instance: 0, name: 'c' } },
    ] },
    { kind: 'import', items: [
      { name: name('[method]r.m'), type: { kind: 'func', type: 1 } },
      { name: name('v'), type: { kind: 'value', bound: { kind: 'type', type: 0 } } },
      { name: name('m'), type: { kind: 'module', type: 1 } },
      { name: name('r'), type: { kind: 'type', bound: { kind: 'sub-resource' } } },
      { name: name('i'), type: { kind: 'instance', type: 22 } },
    ] },
    { kind: 'start', start: { func: 0, args: [0], results: 2 } },
    { kind: 'export', items: [
      { name: name('e'), sort: 'func', index: 0 },
      { name: { name: 'e2', form: 2, attributes: [{ kind: 'implements', name: 'x:y/z' }] }, sort: 'func', index: 0, type: { kind: 'func', type: 1 } },
      { name: name('c'), sort: 'core module', index: 0 },
    ] },
    { kind: 'custom', name: 'last', data: new Uint8Array(0) },
  ];
  return { sections };
}

test('every definition, type, canonical built-in and option prints and reads back', () => {
  const c = everything();
  assert.equal(roundTrip(c), undefined);
  const text = printComponent(c);
  for (const row of CANONS) assert.ok(text.includes(`(canon ${row.name}`), row.name);
  assert.match(text, /\(canon lift \(core func 0\) string-encoding=utf16 \(memory 0\) \(realloc 1\) \(post-return 2\) async \(callback 3\)\)/);
  assert.match(text, /\(canon waitable-set\.wait cancellable \(memory 0\)\)/);
  assert.match(text, /\(export \(;4;\) "e2" \(implements "x:y\/z"\) \(func 0\) \(func \(type 1\)\)\)/);
  // And through the binary: decoded, the same.
  assert.equal(roundTrip(decodeComponent(encodeComponent(c))), undefined);
});

test('names: as ids when the ids make the same section, @name for names ids cannot carry', () => {
  const text = `(component $top
    (core module $m (memory (export "mem") 1))
    (core instance $i (instantiate $m))
    (alias core export $i "mem" (core memory $mem))
    (type $a u8)
    (type $b (@name "a") u16)
    (type $c (@name "") u32)
    (type $"two words" (list $a))
    (component $child (type $x u8) (export $y "y" (type $x)))
    (import "f" (func $f (param "p" $a)))
    (core func $lowered (canon lower (func $f) (memory $mem)))
    (export $e "f" (func $f))
  )`;
  const c = parseComponent(text);
  assert.equal(roundTrip(c), undefined);
  const printed = printComponent(c);
  assert.doesNotMatch(printed, /@custom "component-name"/);
  assert.match(printed, /^\(component \$top\n/);
  assert.match(printed, /\(core module \$m \(;0;\)/);
  assert.match(printed, /\(type \$"#type1 a" \(@name "a"\) \(;1;\) u16\)/);
  assert.match(printed, /\(type \$"#type2 " \(@name ""\) \(;2;\) u32\)/);
  assert.match(printed, /\(type \$"two words" \(;3;\) \(list \$a\)\)/);
  assert.match(printed, /\(component \$child \(;0;\)/);
  assert.match(printed, /\(core func \$lowered \(;0;\) \(canon lower \(func \$f\) \(memory \$mem\)\)\)/);
  // Through the binary too.
  const decoded = decodeComponent(encodeComponent(c));
  assert.equal(sortNames(decoded.names, 'type')?.get(2), '');
  assert.equal(printComponent(decoded), printed);
});

test('names: a section ids cannot carry is printed as bytes where it was, ids still shown', () => {
  const c = parseComponent('(component $c (type $t u8) (import "f" (func $f (param "x" $t))))');
  const names = c.sections.length;
  // Move the names section first: ids would append it last.
  const bytes = encodeComponent(c);
  const decoded = decodeComponent(bytes);
  const section = decoded.sections.pop();
  assert.ok(section?.kind === 'custom' && decoded.names);
  decoded.sections.unshift(section);
  assert.equal(decoded.sections.length, names + 1);
  assert.equal(roundTrip(decoded), undefined);
  const printed = printComponent(decoded);
  assert.match(printed, /^\(component \$c\n {2}\(@custom "component-name" /);
  assert.match(printed, /\(import "f" \(func \$f \(;0;\) \(type 1\)\)\)/);
  // A module that names itself while the component does not name it: its names go raw.
  const m = parseWat('(module $self (func $g))');
  const plain: Component = { sections: [{ kind: 'core-module', module: m }] };
  assert.equal(roundTrip(plain), undefined);
  assert.match(printComponent(plain), /\(core module \(;0;\)\n/);
  // A names section that does not decode stays as it is.
  const broken: Component = { sections: [{ kind: 'type', items: [{ kind: 'prim', type: 'u8' }] }, { kind: 'custom', name: 'component-name', data: Uint8Array.of(1, 9) }] };
  assert.equal(roundTrip(decodeComponent(encodeComponent(broken))), undefined);
});

test('printing never throws on decodable components (mutated real and hand-built ones)', () => {
  let seed = 4242;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const inputs = [HELLO, encodeComponent(everything())];
  let printed = 0;
  for (let round = 0; round < 120; round++) {
    const base = inputs[round % inputs.length];
    const bytes = base.slice();
    for (let k = 1 + rand(3); k > 0; k--) bytes[rand(bytes.length)] = rand(256);
    let c: Component;
    try {
      c = decodeComponent(bytes, { core: { lazy: false } });
    } catch (e) {
      if (e instanceof DecodeError) continue;
      throw e;
    }
    assert.equal(typeof printComponent(c), 'string');
    printed++;
  }
  assert.ok(printed > 20, `only ${printed} mutants decoded`);
});
