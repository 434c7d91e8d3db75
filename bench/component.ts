// `npm run bench -- --suite=component`: decoding and validating a real ~12 MB component
// (issue 7, "Conformance and speed"): a JavaScript program made a component by
// componentize-js (StarlingMonkey, SpiderMonkey built for WASI, inside), against jco's
// wasm-tools in the same process.
//
// The component is built on first use into bench/.cache/component/ (gitignored; keyed by
// componentize-js's version and the source), about half a minute, then reused.
//
// What each side does differs, so the legend says it exactly: jco's API has no `validate`.
// `componentWit` is the closest: wasmparser's validator over the whole component (types,
// canon, instantiation, every core module's sections) while it extracts the WIT, but it
// drops the function bodies the validator hands back unchecked (wit-parser's
// decoding.rs, `ValidPayload::Func(..) => {}`). So the full-validation peer adds V8's
// WebAssembly.validate of each core module, which checks the bodies.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeComponent, SECTION_SPANS } from '../src/component/binary/decode.ts';
import type { Component } from '../src/component/ast.ts';
import { validateComponent } from '../src/component/validate/component.ts';
import { briefError, installedVersion } from './peers.ts';
import type { Prepared, Subject, Suite, Task } from './task.ts';

const CACHE = fileURLToPath(new URL('.cache/component/', import.meta.url));

const SOURCE = `export function hello(name) { return \`Hello, \${name}!\`; }
export function sum(xs) { return xs.reduce((a, b) => a + b, 0); }`;
const WIT = `package tessera:bench;
world app {
  export hello: func(name: string) -> string;
  export sum: func(xs: list<f64>) -> f64;
}`;

interface Componentize {
  componentize(source: string, wit: string): Promise<{ component: Uint8Array }>;
}

/** The componentize-js component, built once per componentize-js version and source. */
async function componentizeJsComponent(): Promise<{ bytes: Uint8Array<ArrayBuffer>; version: string; built?: number }> {
  const pkg = '@bytecodealliance/componentize-js';
  const version = installedVersion(pkg);
  const key = createHash('sha256').update(version).update(SOURCE).update(WIT).digest('hex').slice(0, 16);
  const file = join(CACHE, `componentize-js-${key}.wasm`);
  if (existsSync(file)) return { bytes: new Uint8Array(readFileSync(file)), version };
  process.stderr.write(`building ${file} with ${pkg} ${version} (once; about half a minute)\n`);
  const start = performance.now();
  const { componentize } = (await import(pkg)) as Componentize;
  const { component } = await componentize(SOURCE, WIT);
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, component);
  return { bytes: new Uint8Array(component), version, built: performance.now() - start };
}

/** The byte ranges of the core modules directly inside a decoded component. */
function coreModules(c: Component, bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>[] {
  const out: Uint8Array<ArrayBuffer>[] = [];
  for (const s of c.sections) {
    const span = SECTION_SPANS.get(s);
    if (s.kind === 'core-module' && span !== undefined) out.push(bytes.subarray(span.contentStart, span.end));
    if (s.kind === 'component') out.push(...coreModules(s.component, bytes));
  }
  return out;
}

const tesseraDecode: Task = {
  name: 'tessera decode',
  measures: 'decodeComponent(bytes): every section into the component AST, nested core modules ' +
    'decoded with their function bodies left as byte ranges (read on first use)',
  ours: true,
  prepare(subject: Subject): Prepared {
    decodeComponent(subject.bytes);
    return { run: () => decodeComponent(subject.bytes) };
  },
};

const tesseraValidate: Task = {
  name: 'tessera decode+validate',
  measures: 'validateComponent(decodeComponent(bytes)): component types, canon, instantiation and ' +
    'names, and every core module validated in full (every function body, streaming)',
  ours: true,
  prepare(subject: Subject): Prepared {
    validateComponent(decodeComponent(subject.bytes));
    return { run: () => validateComponent(decodeComponent(subject.bytes)) };
  },
};

type JcoTools = {
  componentWit(bytes: Uint8Array): Promise<string>;
  metadataShow(bytes: Uint8Array): Promise<unknown>;
};

async function jcoTasks(): Promise<Task[]> {
  const jco = (await import('@bytecodealliance/jco')) as unknown as JcoTools;
  const version = installedVersion('@bytecodealliance/jco');
  const metadata: Task = {
    name: 'jco metadataShow',
    measures: `jco ${version} metadataShow(bytes): wasm-metadata walks the sections of the component ` +
      'and its modules (names, producers); no validation',
    ours: false,
    async prepare(subject: Subject): Promise<Prepared> {
      await jco.metadataShow(subject.bytes);
      return { run: () => jco.metadataShow(subject.bytes) };
    },
  };
  const wit: Task = {
    name: 'jco componentWit',
    measures: `jco ${version} componentWit(bytes): wasmparser validates the component with all features, ` +
      'function bodies skipped, and wit-parser extracts its WIT',
    ours: false,
    async prepare(subject: Subject): Promise<Prepared> {
      await jco.componentWit(subject.bytes);
      return { run: () => jco.componentWit(subject.bytes) };
    },
  };
  const full: Task = {
    name: 'jco componentWit + V8',
    measures: 'componentWit(bytes) as above, then WebAssembly.validate of each core module (V8 ' +
      `${process.versions.v8}: every function body): full validation with the JavaScript toolchain's parts`,
    ours: false,
    async prepare(subject: Subject): Promise<Prepared> {
      const modules = coreModules(decodeComponent(subject.bytes), subject.bytes);
      const run = async () => {
        await jco.componentWit(subject.bytes);
        for (const m of modules) if (!WebAssembly.validate(m)) throw new Error('WebAssembly.validate returned false');
      };
      await run();
      return { run, note: `${modules.length} core modules` };
    },
  };
  return [metadata, wit, full];
}

export async function componentSuite(): Promise<Suite> {
  const notes: string[] = [];
  const subjects: Subject[] = [];
  try {
    const c = await componentizeJsComponent();
    subjects.push({
      name: 'componentize-js', bytes: c.bytes,
      about: `@bytecodealliance/componentize-js@${c.version}: StarlingMonkey (SpiderMonkey) with a two-function JS app`,
    });
    if (c.built !== undefined) notes.push(`built the component in ${(c.built / 1000).toFixed(1)} s (cached in bench/.cache/component/)`);
  } catch (error) {
    notes.push(`no subject: componentize-js failed: ${briefError(error)}`);
  }
  const tasks: Task[] = [tesseraDecode, tesseraValidate];
  try {
    tasks.push(...await jcoTasks());
  } catch (error) {
    notes.push(`peer jco left out: ${briefError(error)}`);
  }
  return { title: 'Components: decode and validate a componentize-js component', subjects, tasks, notes };
}
