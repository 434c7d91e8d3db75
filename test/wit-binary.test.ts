// WIT in the component binary format over wasm-tools' wit-parser UI tests (../shared/wit-tests,
// or TESSERA_WIT_TESTS), read in place:
// - round trip: every package of every success case (the main one, nested ones, deps) is
//   encoded as a component, decoded back, and prints as the original does;
// - byte identity: each world of a case's main package encodes to the very bytes jco's
//   wasm-tools (wit-component) writes for it;
// - world extraction: a component jco builds for a world reads back as the world jco's
//   wasm-tools reads (modulo layout). jco takes minutes to build one of them, left out
//   unless TESSERA_WIT_JCO_ALL=1.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeComponent } from '../src/component/binary/decode.ts';
import { encodeComponent } from '../src/component/binary/encode.ts';
import { decodeWit } from '../src/component/wit/decode.ts';
import { encodeWitPackage, worldWrapper } from '../src/component/wit/encode.ts';
import { loadWit } from '../src/component/wit/load.ts';
import { packageNameText, type Resolve } from '../src/component/wit/model.ts';
import { nodeWitFileTree } from '../src/component/wit/node.ts';
import { printWit } from '../src/component/wit/print.ts';
import { ValidationError } from '../src/core/errors.ts';
import { embedWorld, loadJco, withPackageMetadata, witLines } from './support/jco-wit.ts';
import { INVALID_AS_COMPONENT } from './wit-binary.known.ts';

const DIR = process.env.TESSERA_WIT_TESTS ?? join(import.meta.dirname, '../../shared/wit-tests');
const OPTIONS = { features: ['active'] };

/**
 * The path jco is given: the real one. jco reads files through preview2-shim, which refuses
 * to follow symlinks (a crash inside wasm-tools, not an error), and ../shared may be a symlink.
 */
function jcoPath(path: string): string {
  return realpathSync(path);
}
const available = existsSync(DIR);

/** The success cases: top-level .wit/.wat files and folders with a .wit.json. */
function cases(): { name: string; path: string }[] {
  if (!available) return [];
  return readdirSync(DIR).sort().flatMap((entry) => {
    const path = join(DIR, entry);
    const isCase = statSync(path).isDirectory() ? entry !== 'parse-fail' : /\.(wit|wat)$/.test(entry);
    return isCase && existsSync(`${path.replace(/\.(wit|wat)$/, '')}.wit.json`) ? [{ name: entry, path }] : [];
  });
}

/** The first package of printWit's output (the others follow as `package x { }` blocks). */
function mainOnly(text: string): string {
  const i = text.search(/^(\/\/\/.*\n)*package [^;\n]* \{$/m);
  return i < 0 ? text : `${text.slice(0, i).trimEnd()}\n`;
}

function roundTrip(resolve: Resolve, pkg: number, validate: boolean): string {
  const bytes = encodeComponent(encodeWitPackage(resolve, pkg));
  const decoded = decodeWit(decodeComponent(bytes), { validate });
  assert.equal(decoded.kind, 'package');
  return mainOnly(printWit(decoded.resolve, decoded.package));
}

test('wit-tests: every package round-trips through its component encoding', { skip: !available && `no ${DIR}` }, () => {
  let roundTripped = 0;
  let empty = 0;
  let invalid = 0;
  const failures: string[] = [];
  const seen = new Set<string>();
  for (const c of cases()) {
    const { resolve } = loadWit(nodeWitFileTree, c.path, OPTIONS);
    resolve.packages.forEach((p, id) => {
      const key = `${c.name}#${packageNameText(p.name)}`;
      if (p.interfaces.size + p.worlds.size === 0) {
        // Nothing to export: the encoding is a component without exports, which reads back
        // as an (empty) component, not a package, in wasm-tools as here.
        const decoded = decodeWit(decodeComponent(encodeComponent(encodeWitPackage(resolve, id))));
        if (decoded.kind !== 'component') failures.push(`${key}: an empty package read back as a package`);
        empty++;
        return;
      }
      const want = mainOnly(printWit(resolve, id));
      const reason = INVALID_AS_COMPONENT.get(key);
      try {
        if (reason !== undefined) {
          seen.add(key);
          assert.throws(() => roundTrip(resolve, id, true), (e: unknown) => e instanceof ValidationError && e.message.startsWith(reason));
          invalid++;
          assert.equal(roundTrip(resolve, id, false), want);
          return;
        }
        const got = roundTrip(resolve, id, true);
        if (got === want) roundTripped++;
        else failures.push(`${key}: prints differently after the round trip:\n${want}\n---\n${got}`);
      } catch (e) {
        failures.push(`${key}: ${(e as Error).message}`);
      }
    });
  }
  for (const k of INVALID_AS_COMPONENT.keys()) if (!seen.has(k)) failures.push(`${k}: listed in wit-binary.known.ts but not found`);
  console.log(`wit round trip: ${roundTripped} packages identical, ${invalid} only without validation (empty records: not valid components), ${empty} empty packages (no exports)`);
  assert.deepEqual(failures, []);
  assert.ok(roundTripped > 100, `only ${roundTripped} packages round-tripped`);
});

test('wit-tests: worlds encode to the bytes wit-component writes (jco embed)', { skip: !available && `no ${DIR}` }, async (t) => {
  const jco = await loadJco();
  if (!jco) {
    t.skip('jco is not installed');
    return;
  }
  let same = 0;
  const failures: string[] = [];
  for (const c of cases()) {
    if (c.name.endsWith('.wat')) continue;
    const { resolve, main } = loadWit(nodeWitFileTree, c.path, OPTIONS);
    const pkg = resolve.packages[main];
    for (const [name, id] of pkg.worlds) {
      let theirs: Uint8Array;
      try {
        theirs = await embedWorld(jco, jcoPath(c.path), name);
      } catch (e) {
        // jco reads no deps/ folder holding .wasm or .wat packages.
        if (c.name === 'kinds-of-deps') continue;
        throw e;
      }
      const fullName = `${pkg.name.namespace}:${pkg.name.name}/${name}${pkg.name.version ? `@${pkg.name.version}` : ''}`;
      const ours = encodeComponent({
        sections: [
          { kind: 'custom', name: 'wit-component-encoding', data: Uint8Array.of(4, 0) },
          { kind: 'type', items: [worldWrapper(resolve, id, fullName)] },
          { kind: 'export', items: [{ name: { name, form: 0, attributes: [] }, sort: 'type', index: 0 }] },
        ],
      });
      if (Buffer.from(ours).equals(Buffer.from(theirs))) same++;
      else failures.push(`${c.name} world ${name}: ${ours.length} bytes, wit-component ${theirs.length}`);
    }
  }
  console.log(`wit worlds byte-identical with wit-component: ${same} of ${same + failures.length}`);
  assert.deepEqual(failures, []);
  assert.ok(same > 60);
});

/** jco's componentNew spends minutes on this world (hundreds of exported interfaces). */
const SLOW = new Set(['stress-export-elaborate.wit']);

test('wit-tests: the world of a component jco builds reads as jco reads it', { skip: !available && `no ${DIR}` }, async (t) => {
  const jco = await loadJco();
  if (!jco) {
    t.skip('jco is not installed');
    return;
  }
  const all = process.env.TESSERA_WIT_JCO_ALL !== undefined;
  let same = 0;
  const failures: string[] = [];
  for (const c of cases()) {
    if (c.name.endsWith('.wat') || (!all && SLOW.has(c.name))) continue;
    const { resolve, main } = loadWit(nodeWitFileTree, c.path, OPTIONS);
    for (const name of resolve.packages[main].worlds.keys()) {
      let component: Uint8Array;
      let theirs: string;
      try {
        component = await jco.componentNew(await jco.componentEmbed({ witPath: jcoPath(c.path), dummy: true, world: name, features: { tag: 'list', val: ['active'] } }));
        theirs = await jco.componentWit(component);
      } catch (e) {
        // wit-component makes no component of an empty record, nor reads deps/ holding .wat.
        if (c.name === 'union-fuzz-2.wit' || c.name === 'kinds-of-deps') continue;
        throw e;
      }
      const decoded = decodeWit(decodeComponent(component));
      assert.equal(decoded.kind, 'component');
      const ours = mainOnly(printWit(decoded.resolve, decoded.package));
      if (witLines(ours).join('\n') === witLines(theirs).join('\n')) same++;
      else failures.push(`${c.name} world ${name}:\n${theirs}\n---\n${ours}`);
    }
  }
  console.log(`wit worlds read from jco-built components as jco reads them: ${same} of ${same + failures.length}${all ? '' : ` (${[...SLOW].join(', ')} left out: TESSERA_WIT_JCO_ALL=1 includes it)`}`);
  assert.deepEqual(failures, []);
  assert.ok(same > 60);
});

test('wit-tests: wit-component reads our package encodings and finds the same worlds in them', { skip: !available && `no ${DIR}` }, async (t) => {
  const jco = await loadJco();
  if (!jco) {
    t.skip('jco is not installed');
    return;
  }
  // A module jco made for a world, its component-type section swapped for our encoding of
  // the package holding the world: the component jco builds from it must be the one jco
  // builds from its own encoding.
  // Expected refusals: wit-component validates the package (an empty record is no valid
  // component type), and applies the package-docs section's @unstable gates with no
  // feature enabled (jco's componentNew takes none), dropping what the module imports.
  const refused = new Map<string, RegExp>([
    ...['more-depends-on-later-things', 'the-world'].map((w) => [`multi-file world ${w}`, /Failed to decode Wasm/] as const),
    ...['unstable', 'simple-include', 'unstable-include-in-package', 'dup-include-in-package', 'dup-use-package', 'dup-use-package-ordered']
      .map((w) => [`gated-include.wit world ${w}`, /is missing function `unstable-func`/] as const),
  ]);
  let same = 0;
  let asExpected = 0;
  const failures: string[] = [];
  for (const c of cases()) {
    if (c.name.endsWith('.wat') || c.name === 'kinds-of-deps' || c.name === 'union-fuzz-2.wit' || SLOW.has(c.name)) continue;
    const { resolve, main } = loadWit(nodeWitFileTree, c.path, OPTIONS);
    const ours = encodeComponent(encodeWitPackage(resolve, main));
    for (const name of resolve.packages[main].worlds.keys()) {
      const module = await jco.componentEmbed({ witPath: jcoPath(c.path), dummy: true, world: name, features: { tag: 'list', val: ['active'] } });
      const want = await jco.componentWit(await jco.componentNew(module));
      let got: string;
      try {
        got = await jco.componentWit(await jco.componentNew(withPackageMetadata(module, ours, name)));
      } catch (e) {
        if (refused.get(`${c.name} world ${name}`)?.test((e as Error).message)) asExpected++;
        else failures.push(`${c.name} world ${name}: ${(e as Error).message.split('\n')[0]}`);
        continue;
      }
      if (refused.has(`${c.name} world ${name}`)) failures.push(`${c.name} world ${name}: accepted, but expected to be refused`);
      else if (got === want) same++;
      else failures.push(`${c.name} world ${name}:\n${want}\n---\n${got}`);
    }
  }
  console.log(`wit packages read by wit-component into the same world: ${same} of ${same + asExpected + failures.length} (${asExpected} refused as expected: empty records, gates without features)`);
  assert.deepEqual(failures, []);
  assert.ok(same > 60);
});
