// The peers a binary decoder is measured against, all on the same bytes in the same process.
// Each is a devDependency; one that fails to load is left out with a note, one that fails on
// a subject reports the error for that subject only.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Prepared, Subject, Task } from './task.ts';

const NODE_MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));

/** The installed version of a package, read from its package.json. */
export function installedVersion(pkg: string): string {
  try {
    const meta: unknown = JSON.parse(readFileSync(`${NODE_MODULES}${pkg}/package.json`, 'utf8'));
    if (typeof meta === 'object' && meta !== null && 'version' in meta && typeof meta.version === 'string') {
      return meta.version;
    }
  } catch {
    // not installed
  }
  return '?';
}

/** An error's message on one line, shortened for a report. */
export function briefError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

export const v8Validate: Task = {
  name: 'V8 validate',
  measures: `WebAssembly.validate(bytes): V8 ${process.versions.v8} decodes and validates every ` +
    'function, compiles nothing',
  ours: false,
  prepare(subject: Subject): Prepared {
    if (!WebAssembly.validate(subject.bytes)) throw new Error('WebAssembly.validate returned false');
    return { run: () => WebAssembly.validate(subject.bytes) };
  },
};

/** wabt's feature flags: every proposal it knows, for binaries its defaults reject. */
export const WABT_ALL_FEATURES = {
  exceptions: true, mutable_globals: true, sat_float_to_int: true, sign_extension: true,
  simd: true, threads: true, function_references: true, multi_value: true, tail_call: true,
  bulk_memory: true, reference_types: true, annotations: true, code_metadata: true, gc: true,
  memory64: true, extended_const: true, relaxed_simd: true,
};

async function wabtTask(): Promise<Task> {
  const { default: init } = await import('wabt');
  const wabt = await init();
  return {
    name: 'wabt read',
    measures: `wabt.js ${installedVersion('wabt')} readWasm(bytes, { readDebugNames: false }) then ` +
      'destroy(): copies the bytes into its heap and reads the whole module, bodies included, ' +
      'into wabt IR (no validation); default features, or all features when those fail',
    ours: false,
    prepare(subject: Subject): Prepared {
      const defaults = { readDebugNames: false };
      try {
        wabt.readWasm(subject.bytes, defaults).destroy();
        return { run: () => wabt.readWasm(subject.bytes, defaults).destroy() };
      } catch (error) {
        const all = { ...defaults, ...WABT_ALL_FEATURES };
        wabt.readWasm(subject.bytes, all).destroy();
        return {
          run: () => wabt.readWasm(subject.bytes, all).destroy(),
          note: `needed all features (defaults failed: ${briefError(error)})`,
        };
      }
    },
  };
}

async function binaryenTask(): Promise<Task> {
  const { default: binaryen } = await import('binaryen');
  return {
    name: 'binaryen read',
    measures: `binaryen.js ${installedVersion('binaryen')} readBinary(bytes) then dispose(): copies ` +
      'the bytes into its heap and builds Binaryen IR for the whole module (no validation)',
    ours: false,
    prepare(subject: Subject): Prepared {
      return { run: () => binaryen.readBinary(subject.bytes).dispose() };
    },
  };
}

async function jcoTasks(): Promise<Task[]> {
  const jco = await import('@bytecodealliance/jco');
  const version = `jco ${installedVersion('@bytecodealliance/jco')}`;
  return [
    {
      name: 'jco print',
      measures: `${version} print(bytes): its bundled wasm-tools (wasmparser + wasmprinter, ` +
        'compiled to wasm) decodes the whole module and prints it as WAT; includes building ' +
        'the JS string, so this is decode + print, not decode alone',
      ours: false,
      prepare(subject: Subject): Prepared {
        return { run: () => jco.print(subject.bytes) };
      },
    },
    {
      name: 'jco scan',
      measures: `${version} metadataShow(bytes): its bundled wasm-tools walks the sections with ` +
        'wasmparser, skipping function bodies (like a lazy decode), and reads the producers ' +
        'section; includes copying the bytes into its memory',
      ours: false,
      prepare(subject: Subject): Prepared {
        return { run: () => jco.metadataShow(subject.bytes) };
      },
    },
  ];
}

/** The peers of a binary decoder, in report order, and notes on any that did not load. */
export async function decodePeers(): Promise<{ tasks: Task[]; notes: string[] }> {
  const tasks: Task[] = [v8Validate];
  const notes: string[] = [];
  const loaders: [string, () => Promise<Task[]>][] = [
    ['wabt', async () => [await wabtTask()]],
    ['binaryen', async () => [await binaryenTask()]],
    ['@bytecodealliance/jco', jcoTasks],
  ];
  for (const [pkg, load] of loaders) {
    try {
      tasks.push(...await load());
    } catch (error) {
      notes.push(`peer ${pkg} left out: ${briefError(error)}`);
    }
  }
  return { tasks, notes };
}
