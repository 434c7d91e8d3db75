// The text-format benchmarks: printing a binary as WAT, and parsing WAT, for Tessera and the
// peers (wabt.js, binaryen.js, jco's wasm-tools) on the same real binaries, in one run.
// Printing is measured in MB/s of the binary; parsing in MB/s of the text, and every parser
// reads the same text (Tessera's print of the binary, or jco's when a peer rejects it).

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { decodeComponent, decodeModule, encodeModule, printComponent, printWat } from '../src/index.ts';
import type { parseWat } from '../src/text/parse.ts';
import { briefError, installedVersion } from './peers.ts';
import type { Prepared, Subject, Suite, Task } from './task.ts';

/** The binaries the text suites use by default: a small one and a bigger one. */
export const TEXT_DEFAULT_SUBJECTS = ['sql.js', 'wasm-tools'];

interface TextApi {
  decodeModule: typeof decodeModule;
  encodeModule: typeof encodeModule;
  printWat: typeof printWat;
  parseWat: typeof parseWat;
  decodeComponent?: typeof decodeComponent;
  printComponent?: typeof printComponent;
}

const INDEX = new URL('../src/index.ts', import.meta.url);
const PARSE = new URL('../src/text/parse.ts', import.meta.url);

async function tesseraApi(): Promise<TextApi | undefined> {
  if (!existsSync(fileURLToPath(INDEX)) || !existsSync(fileURLToPath(PARSE))) return undefined;
  const index = (await import(INDEX.href)) as Partial<TextApi>;
  const parse = (await import(PARSE.href)) as Partial<TextApi>;
  if (!index.decodeModule || !index.encodeModule || !index.printWat || !parse.parseWat) return undefined;
  return {
    decodeModule: index.decodeModule, encodeModule: index.encodeModule, printWat: index.printWat,
    parseWat: parse.parseWat, decodeComponent: index.decodeComponent, printComponent: index.printComponent,
  };
}

/** wabt's feature flags: every proposal it knows. */
const WABT_FEATURES = {
  exceptions: true, mutable_globals: true, sat_float_to_int: true, sign_extension: true,
  simd: true, threads: true, function_references: true, multi_value: true, tail_call: true,
  bulk_memory: true, reference_types: true, annotations: true, code_metadata: true, gc: true,
  memory64: true, extended_const: true, relaxed_simd: true, multi_memory: true,
};

interface Peers {
  wabt?: Awaited<ReturnType<typeof import('wabt')>>;
  binaryen?: (typeof import('binaryen'))['default'];
  jco?: typeof import('@bytecodealliance/jco');
}

async function loadPeers(notes: string[]): Promise<Peers> {
  const peers: Peers = {};
  try {
    peers.wabt = await (await import('wabt')).default();
  } catch (e) {
    notes.push(`peer wabt left out: ${briefError(e)}`);
  }
  try {
    peers.binaryen = (await import('binaryen')).default;
  } catch (e) {
    notes.push(`peer binaryen left out: ${briefError(e)}`);
  }
  try {
    peers.jco = await import('@bytecodealliance/jco');
  } catch (e) {
    notes.push(`peer @bytecodealliance/jco left out: ${briefError(e)}`);
  }
  return peers;
}

const versions = {
  wabt: () => `wabt.js ${installedVersion('wabt')}`,
  binaryen: () => `binaryen.js ${installedVersion('binaryen')}`,
  jco: () => `jco ${installedVersion('@bytecodealliance/jco')}`,
};

function printTasks(api: TextApi | undefined, peers: Peers): Task[] {
  const tasks: Task[] = [];
  if (api) {
    tasks.push({
      name: 'tessera print',
      measures: 'printWat(decodeModule(bytes)): decode (bodies on first use) and print flat WAT with names',
      ours: true,
      prepare: (s: Subject): Prepared => ({ run: () => api.printWat(api.decodeModule(s.bytes)) }),
    }, {
      name: 'tessera print only',
      measures: 'printWat(m) of a module decoded beforehand, bodies read (the printer alone)',
      ours: true,
      prepare: (s: Subject): Prepared => {
        const m = api.decodeModule(s.bytes, { lazy: false });
        return { run: () => api.printWat(m) };
      },
    });
  }
  const { wabt, binaryen, jco } = peers;
  if (wabt) {
    tasks.push({
      name: 'wabt print',
      measures: `${versions.wabt()} readWasm(bytes, all features, readDebugNames).toText({}) then destroy()`,
      ours: false,
      prepare: (s: Subject): Prepared => ({
        run: () => {
          const m = wabt.readWasm(s.bytes, { readDebugNames: true, ...WABT_FEATURES });
          try {
            return m.toText({});
          } finally {
            m.destroy();
          }
        },
      }),
    });
  }
  if (binaryen) {
    tasks.push({
      name: 'binaryen print',
      measures: `${versions.binaryen()} readBinary(bytes).emitText() then dispose() (Binaryen IR, its own text form)`,
      ours: false,
      prepare: (s: Subject): Prepared => ({
        run: () => {
          const m = binaryen.readBinary(s.bytes);
          try {
            return m.emitText();
          } finally {
            m.dispose();
          }
        },
      }),
    });
  }
  if (jco) {
    tasks.push({
      name: 'jco print',
      measures: `${versions.jco()} print(bytes): wasm-tools' wasmprinter (compiled to wasm), decode and print`,
      ours: false,
      prepare: (s: Subject): Prepared => ({ run: () => jco.print(s.bytes) }),
    });
  }
  return tasks;
}

/** The text every parser reads for one subject, keyed by the subject's name. */
const TEXTS = new Map<string, { tessera: string; jco?: string }>();

function textOf(s: Subject): { tessera: string; jco?: string } {
  const t = TEXTS.get(s.name);
  if (!t) throw new Error(`no text for ${s.name}`);
  return t;
}

/** Runs `parse` on Tessera's text, or jco's when the peer rejects Tessera's (with a note). */
function peerParse(s: Subject, parse: (text: string) => unknown): Prepared {
  const texts = textOf(s);
  try {
    parse(texts.tessera);
    return { run: () => parse(texts.tessera) };
  } catch (error) {
    if (texts.jco === undefined) throw error;
    const jcoText = texts.jco;
    parse(jcoText);
    return { run: () => parse(jcoText), note: `parsed jco's text (Tessera's failed: ${briefError(error)})` };
  }
}

const WABT_PROBE_SECONDS = 30;

/** Seconds wabt takes to parse `text`, or undefined when it is stopped after `limit` s. */
async function wabtProbe(text: string, limit: number): Promise<number | undefined> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.wabt).then(async ({ default: init }) => {
      const wabt = await init();
      const start = performance.now();
      try { wabt.parseWat('probe.wat', workerData.text, workerData.features).destroy(); } catch {}
      parentPort.postMessage((performance.now() - start) / 1000);
    });`;
  const wabtUrl = import.meta.resolve('wabt');
  const worker = new Worker(code, { eval: true, workerData: { text, features: WABT_FEATURES, wabt: wabtUrl } });
  try {
    return await new Promise<number | undefined>((resolve, reject) => {
      const timer = setTimeout(() => resolve(undefined), limit * 1000);
      worker.once('message', (seconds: number) => {
        clearTimeout(timer);
        resolve(seconds);
      });
      worker.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  } finally {
    await worker.terminate();
  }
}

function parseTasks(api: TextApi | undefined, peers: Peers): Task[] {
  const tasks: Task[] = [];
  if (api) {
    tasks.push({
      name: 'tessera parse',
      measures: 'parseWat(text): lex, parse and resolve into the module AST',
      ours: true,
      prepare: (s: Subject): Prepared => {
        const text = textOf(s).tessera;
        return { run: () => api.parseWat(text) };
      },
    }, {
      name: 'tessera parse+encode',
      measures: 'encodeModule(parseWat(text)): text to binary, like jco parse',
      ours: true,
      prepare: (s: Subject): Prepared => {
        const text = textOf(s).tessera;
        return { run: () => api.encodeModule(api.parseWat(text)) };
      },
    });
  }
  const { wabt, binaryen, jco } = peers;
  if (wabt) {
    tasks.push({
      name: 'wabt parse',
      measures: `${versions.wabt()} parseWat(name, text, all features) then destroy() (wabt IR, no binary)`,
      ours: false,
      async prepare(s: Subject): Promise<Prepared> {
        // wabt's parser can take minutes on some real texts (sql.js's: deep block nesting
        // seems to make it superlinear); try it in a worker that can be stopped first.
        const seconds = await wabtProbe(textOf(s).tessera, WABT_PROBE_SECONDS);
        if (seconds === undefined) throw new Error(`did not finish within ${WABT_PROBE_SECONDS} s (tried in a worker)`);
        return peerParse(s, (text) => wabt.parseWat('bench.wat', text, WABT_FEATURES).destroy());
      },
    });
  }
  if (binaryen) {
    tasks.push({
      name: 'binaryen parse',
      measures: `${versions.binaryen()} parseText(text) then dispose() (Binaryen IR, no binary)`,
      ours: false,
      prepare: (s: Subject): Prepared => peerParse(s, (text) => binaryen.parseText(text).dispose()),
    });
  }
  if (jco) {
    tasks.push({
      name: 'jco parse',
      measures: `${versions.jco()} parse(text): wasm-tools' wast parser and encoder, text to binary`,
      ours: false,
      prepare: (s: Subject): Prepared => peerParse(s, (text) => jco.parse(text)),
    });
  }
  return tasks;
}

const HELLO_COMPONENT = new URL('../test/fixtures/component/hello.component.wasm', import.meta.url);

/** Printing a component: jco's C hello, the preview1 adapter and wit-component's shims. */
function componentPrintSuite(api: TextApi | undefined, peers: Peers, notes: string[]): Suite {
  const tasks: Task[] = [];
  const { decodeComponent: decode, printComponent: print } = api ?? {};
  if (decode && print) {
    tasks.push({
      name: 'tessera print',
      measures: 'printComponent(decodeComponent(bytes)): decode and print the component text, names as ids',
      ours: true,
      prepare: (s: Subject): Prepared => ({ run: () => print(decode(s.bytes)) }),
    });
  } else notes.push('Tessera component printing left out: printComponent does not exist yet');
  const { jco } = peers;
  if (jco) {
    tasks.push({
      name: 'jco print',
      measures: `${versions.jco()} print(bytes): wasm-tools' wasmprinter (compiled to wasm), decode and print`,
      ours: false,
      prepare: (s: Subject): Prepared => ({ run: () => jco.print(s.bytes) }),
    });
  }
  const bytes = new Uint8Array(readFileSync(HELLO_COMPONENT));
  return {
    title: 'Component printing (MB/s of binary)',
    subjects: [{ name: 'hello.component', bytes, about: 'test/fixtures: jco new of a C preview1 command (4 core modules, 61 KB)' }],
    tasks, notes,
  };
}

/**
 * Three suites: printing (subjects are the binaries), parsing (subjects are their texts, as
 * Tessera prints them, so MB/s there are MB of text), and printing a component.
 */
export async function textSuites(binaries: readonly Subject[]): Promise<Suite[]> {
  const notes: string[] = [];
  const api = await tesseraApi();
  if (!api) notes.push('Tessera tasks left out: printWat or parseWat does not exist yet');
  const peers = await loadPeers(notes);
  const textSubjects: Subject[] = [];
  for (const b of binaries) {
    if (!api) break;
    const tessera = api.printWat(api.decodeModule(b.bytes));
    let jcoText: string | undefined;
    try {
      jcoText = peers.jco ? await peers.jco.print(b.bytes) : undefined;
    } catch {
      jcoText = undefined;
    }
    TEXTS.set(b.name, { tessera, jco: jcoText });
    textSubjects.push({
      name: b.name, bytes: new TextEncoder().encode(tessera),
      about: `the text Tessera prints for ${b.name} (${(tessera.length / 1e6).toFixed(1)} M characters)`,
    });
  }
  return [
    {
      title: 'WAT printing: real binaries from npm packages (MB/s of binary)',
      subjects: binaries, tasks: printTasks(api, peers), notes,
    },
    {
      title: 'WAT parsing: the printed text of the same binaries (MB/s of text)',
      subjects: textSubjects, tasks: parseTasks(api, peers), notes,
    },
    componentPrintSuite(api, peers, notes),
  ];
}
