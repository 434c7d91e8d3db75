// A JavaScript program, componentized with componentize-js (StarlingMonkey inside), runs on
// Tessera's runtime and WASI 0.2 host: arguments, environment, stdout and stderr, clocks,
// random, exit status. The component (~12 MB) is built once into node_modules/.cache by
// scripts/build-js-component.ts (about 30 s; again when its inputs change), not committed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileComponent } from '../src/index.ts';
import { runCommand, runExport, WasiP2 } from '../src/wasi/p2/host.ts';
import { bufferOutput } from '../src/wasi/shared/stdio.ts';
import { jsComponent } from '../scripts/build-js-component.ts';

test('a componentize-js command runs: args, env, stdout, stderr, clocks, random, exit', { timeout: 300_000 }, async () => {
  const compiled = await compileComponent(readFileSync(jsComponent('wasi-p2-js')));
  const run = async (args: string[]) => {
    const out = bufferOutput();
    const err = bufferOutput();
    const host = new WasiP2({ args: ['app', ...args], env: { ONLY: 'this' }, stdout: out, stderr: err, jspi: true });
    const code = await runCommand(runExport((await host.instantiate(compiled)).exports) as () => unknown);
    return { code, out: out.text(), err: err.text() };
  };
  const ok = await run(['one', 'two']);
  assert.equal(ok.code, 0);
  assert.equal(ok.out, 'hello from JavaScript: ["one","two"]\nenv ONLY=this\nclock ok, random ok\n');
  assert.equal(ok.err, 'to stderr from JavaScript\n');
  assert.equal((await run(['fail'])).code, 1);
});
