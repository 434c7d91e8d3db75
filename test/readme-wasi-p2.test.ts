// The README's WASI 0.2 examples (under "Running WASI 0.2 components") must really run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const section = (() => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const at = readme.indexOf('## Running WASI 0.2 components');
  return readme.slice(at, readme.indexOf('\n## ', at + 1));
})();

test('the README WASI 0.2 library example runs', () => {
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example, 'README has a WASI 0.2 example');
  const file = `${root}.readme-wasi-p2.test-run.ts`;
  writeFileSync(file, example);
  try {
    const out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
    assert.equal(out, '0 input: in memory\n');
  } finally {
    rmSync(file, { force: true });
  }
});

test('the README tessera run examples for components print what their comments say', () => {
  const bin = `${root}bin/tessera.js`;
  const run = (args: string[]) => execFileSync(process.execPath, [bin, 'run', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.ok(section.includes('npx tessera run test/fixtures/wasi-p2/cli.component.wasm a b           # hello from a component ...'));
  assert.match(run(['test/fixtures/wasi-p2/cli.component.wasm', 'a', 'b']), /^hello from a component\nargv\[0\]=cli.component.wasm\nargv\[1\]=a\n/);
  assert.ok(section.includes("npx tessera run --invoke 'make-point(4)' test/fixtures/wasi-p2/invoke.wat   # {x: 4, y: some(8)}"));
  assert.equal(run(['--invoke', 'make-point(4)', 'test/fixtures/wasi-p2/invoke.wat']), '{x: 4, y: some(8)}\n');
});
