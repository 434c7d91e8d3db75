// Real compiler output, read from npm packages installed as devDependencies (never copied
// into this repository). Chosen to cover different toolchains and features at 1-20 MB; the
// list is explicit so a binary that disappears from an installed package is an error, while
// a package that is not installed is skipped.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RealBinarySpec {
  /** Short, stable name used in test and benchmark output. */
  readonly name: string;
  /** The npm package that ships the binary. */
  readonly pkg: string;
  /** Path of the binary inside the package. */
  readonly file: string;
  /** The package that depends on `pkg`, when `pkg` is not a direct devDependency. */
  readonly via?: string;
  /** Toolchain and notable features, for reports. */
  readonly about: string;
}

export const REAL_BINARY_SPECS: readonly RealBinarySpec[] = [
  {
    name: 'sql.js', pkg: 'sql.js', file: 'dist/sql-wasm.wasm',
    about: 'emscripten, C (SQLite); small',
  },
  {
    name: 'pyodide', pkg: 'pyodide', file: 'pyodide.asm.wasm',
    about: 'emscripten, C (CPython); legacy exceptions (try/delegate/rethrow), dylink.0',
  },
  {
    name: 'onnxruntime', pkg: 'onnxruntime-web', file: 'dist/ort-wasm-simd-threaded.jspi.wasm',
    about: 'emscripten, C++; SIMD, threads (atomics), exceptions (try_table/throw_ref)',
  },
  {
    name: 'esbuild', pkg: 'esbuild-wasm', file: 'esbuild.wasm',
    about: 'Go (gc toolchain, js/wasm)',
  },
  {
    name: 'swc', pkg: '@swc/wasm', file: 'wasm_bg.wasm',
    about: 'Rust, wasm-bindgen (wasm32-unknown-unknown); name section',
  },
  {
    name: 'ruby', pkg: '@ruby/3.3-wasm-wasi', file: 'dist/ruby.wasm',
    about: 'wasi-sdk (clang), C (CRuby) + Binaryen asyncify; WASI preview1',
  },
  {
    name: 'starlingmonkey', pkg: '@bytecodealliance/componentize-js',
    file: 'lib/starlingmonkey_embedding.wasm', via: '@bytecodealliance/jco',
    about: 'wasi-sdk (clang), C++ (SpiderMonkey); extended-const',
  },
  {
    name: 'wasm-tools', pkg: '@bytecodealliance/jco-transpile',
    file: 'vendor/wasm-tools.core.wasm', via: '@bytecodealliance/jco',
    about: 'Rust (wasm32-wasip1), core module of a component',
  },
];

export interface RealBinary {
  readonly name: string;
  /** Absolute path of the binary. */
  readonly path: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly pkg: string;
  /** The installed version of `pkg`. */
  readonly version: string;
  readonly about: string;
}

const NODE_MODULES = fileURLToPath(new URL('../node_modules/', import.meta.url));

/** The installed folder of `spec.pkg` (nested under `via` first, as Node resolves), or null. */
function packageDir(spec: RealBinarySpec): string | null {
  const candidates = [join(NODE_MODULES, spec.pkg)];
  if (spec.via !== undefined) candidates.unshift(join(NODE_MODULES, spec.via, 'node_modules', spec.pkg));
  for (const dir of candidates) if (existsSync(join(dir, 'package.json'))) return dir;
  return null;
}

/**
 * The real binaries whose packages are installed, in REAL_BINARY_SPECS order; `names`
 * restricts the list (unknown names throw). A binary missing from an installed package
 * throws: the package changed and the list must follow.
 */
export function realBinaries(names?: readonly string[]): RealBinary[] {
  if (names !== undefined) {
    const unknown = names.filter((n) => !REAL_BINARY_SPECS.some((s) => s.name === n));
    if (unknown.length > 0) {
      throw new Error(`unknown real binary: ${unknown.join(', ')} ` +
        `(known: ${REAL_BINARY_SPECS.map((s) => s.name).join(', ')})`);
    }
  }
  const found: RealBinary[] = [];
  for (const spec of REAL_BINARY_SPECS) {
    if (names !== undefined && !names.includes(spec.name)) continue;
    const dir = packageDir(spec);
    if (dir === null) continue;
    const path = join(dir, spec.file);
    if (!existsSync(path)) throw new Error(`${spec.pkg} is installed but has no ${spec.file}`);
    const meta: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const version = typeof meta === 'object' && meta !== null && 'version' in meta &&
      typeof meta.version === 'string' ? meta.version : '?';
    const buffer = readFileSync(path);
    const bytes = new Uint8Array(buffer);
    found.push({ name: spec.name, path, bytes, pkg: spec.pkg, version, about: spec.about });
  }
  return found;
}
