// A real program nobody here wrote: LLVM compiled to WASI, as npm's @yowasp/clang ships it
// (gen/llvm.core.wasm, a 75 MB wasi_snapshot_preview1 command; a devDependency). The package
// runs it as the core module of a component with argv ["yowasp-llvm", tool, ...args] and its
// resource tar mounted at /usr (gen/bundle.js, `Application.run` and `runClang`); the LLVM
// driver also picks the tool from argv[0], which is how `tessera run --argv0 clang` calls it.
// Compiling to an object needs no subprocess: clang runs cc1 in-process.
//
// The same compile runs through the library (resources in memory and on the host file
// system), through `tessera run`, and through node:wasi; the times go to the test's
// diagnostics (speed is measured, not asserted). V8 compiles the 75 MB module lazily, so
// compiling it costs about 0.4 s once per process.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';
import { bufferOutput, MemoryFs, type Vfs, WasiP1 } from '../src/wasi/index.ts';
import { hostDir } from '../src/wasi/node.ts';
import { readTar, tarTree } from './support/ustar.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const gen = join(root, 'node_modules/@yowasp/clang/gen');
const installed = existsSync(join(gen, 'llvm.core.wasm')) && existsSync(join(gen, 'llvm-resources.tar'));
const skip = installed ? false : '@yowasp/clang is not installed (npm install)';

const SOURCE = '#include <stdio.h>\n#include <stdint.h>\nint main(void) { printf("hi %d\\n", (int)INT8_MAX); return 0; }\n';
const COMPILE = ['--target=wasm32-wasip1', '-resource-dir', '/usr', '--sysroot', '/usr', '-O2', '-c', '/work/hello.c', '-o', '/work/hello.o'];

let module: WebAssembly.Module;
let tar: Uint8Array;
let tmp: string;
let resources: string;

/** A relocatable wasm object defining main: what `clang -c` writes. */
function assertObject(bytes: Uint8Array | undefined): void {
  assert.ok(bytes !== undefined, 'no object written');
  assert.deepEqual([...bytes.subarray(0, 8)], [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const m = new WebAssembly.Module(new Uint8Array(bytes));
  assert.equal(WebAssembly.Module.customSections(m, 'linking').length, 1, 'a linking section');
  assert.ok(new TextDecoder().decode(bytes).includes('main'), 'defines main');
}

function runTessera(args: string[], usr: Vfs, work: Vfs) {
  const stdout = bufferOutput();
  const stderr = bufferOutput();
  const wasi = new WasiP1({ args, preopens: { '/usr': usr, '/work': work }, stdout, stderr });
  const t0 = performance.now();
  const code = wasi.start(new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport }));
  return { code, out: stdout.text(), err: stderr.text(), ms: performance.now() - t0 };
}

describe('@yowasp/clang (LLVM compiled to WASI)', { skip }, () => {
  before(() => {
    const t0 = performance.now();
    module = new WebAssembly.Module(readFileSync(join(gen, 'llvm.core.wasm')));
    const compileMs = performance.now() - t0;
    tar = new Uint8Array(readFileSync(join(gen, 'llvm-resources.tar')));
    tmp = mkdtempSync(join(tmpdir(), 'tessera-clang-'));
    resources = join(tmp, 'usr');
    const t1 = performance.now();
    for (const e of readTar(tar)) {
      const path = join(resources, e.path);
      if (e.type === 'dir') mkdirSync(path, { recursive: true });
      else {
        mkdirSync(join(path, '..'), { recursive: true });
        writeFileSync(path, e.data);
      }
    }
    process.stderr.write(`# llvm.core.wasm compiled in ${compileMs.toFixed(0)} ms; resources unpacked in ${(performance.now() - t1).toFixed(0)} ms\n`);
  });
  after(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });

  test('clang --version prints its banner (library)', () => {
    const r = runTessera(['clang', '--version'], new MemoryFs(), new MemoryFs());
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^clang version \d+\.\d+\.\d+ /);
    assert.match(r.out, /^Target: wasm32-unknown-wasip1$/m);
  });

  test('clang compiles C to a wasm32-wasip1 object: resources in memory', (t) => {
    const work = MemoryFs.from({ 'hello.c': SOURCE });
    const r = runTessera(['clang', ...COMPILE], MemoryFs.from(tarTree(tar), { readOnly: true }), work);
    assert.equal(r.code, 0, r.err);
    assertObject(work.readFile('hello.o'));
    // The first compile in a process also pays for V8 compiling the functions it reaches.
    t.diagnostic(`tessera, memory fs (first compile, cold code): ${r.ms.toFixed(0)} ms`);
  });

  test('clang compiles C on the host file system, under Tessera and node:wasi', async (t) => {
    const work = join(tmp, 'work');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'hello.c'), SOURCE);
    const r = runTessera(['clang', ...COMPILE], hostDir(resources, { readOnly: true }), hostDir(work));
    assert.equal(r.code, 0, r.err);
    assertObject(readFileSync(join(work, 'hello.o')));
    rmSync(join(work, 'hello.o'));

    const wasi = new WASI({ version: 'preview1', args: ['clang', ...COMPILE], preopens: { '/usr': resources, '/work': work }, returnOnExit: true });
    const t0 = performance.now();
    const code = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports));
    const nodeMs = performance.now() - t0;
    assert.equal(code, 0);
    assertObject(readFileSync(join(work, 'hello.o')));
    t.diagnostic(`clang -c hello.c: tessera, host fs ${r.ms.toFixed(0)} ms; node:wasi ${nodeMs.toFixed(0)} ms (${(r.ms / nodeMs).toFixed(2)}x)`);
  });

  test('through tessera run: --version and a compile with preopened resources', (t) => {
    const bin = join(root, 'bin/tessera.js');
    const wasm = join(gen, 'llvm.core.wasm');
    const run = (args: string[]) => execFileSync(process.execPath, [bin, 'run', ...args], { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(run(['--argv0', 'clang', wasm, '--version']), /^clang version /);
    // The package's own convention: argv[0] is the multi-tool, argv[1] the tool.
    assert.match(run([wasm, 'clang', '--version']), /^clang version /);
    const work = join(tmp, 'run');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'hello.c'), SOURCE);
    const t0 = performance.now();
    run(['--dir-ro', `${resources}::/usr`, '--dir', `${work}::/work`, '--argv0', 'clang', wasm, ...COMPILE]);
    t.diagnostic(`tessera run clang -c (a new process): ${(performance.now() - t0).toFixed(0)} ms`);
    assertObject(readFileSync(join(work, 'hello.o')));
  });
});
