// The README's WASI 0.3 examples (under "Running WASI 0.3 components") must really run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const section = (() => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const at = readme.indexOf('## Running WASI 0.3 components');
  assert.ok(at >= 0, 'README has a WASI 0.3 section');
  return readme.slice(at, readme.indexOf('\n## ', at + 1));
})();

test('the README WASI 0.3 library example runs', () => {
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example, 'README has a WASI 0.3 example');
  const file = `${root}.readme-wasi-p3.test-run.ts`;
  writeFileSync(file, example);
  try {
    const out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
    assert.equal(out, '0 kept in memory\n\n');
  } finally {
    rmSync(file, { force: true });
  }
});

test('the README tessera run examples for 0.3 components print what their comments say', () => {
  const bin = `${root}bin/tessera.js`;
  const run = (args: string[]) => {
    try {
      return execFileSync(process.execPath, [bin, 'run', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const { stdout, stderr, status } = e as { stdout: string; stderr: string; status: number };
      return `${stdout}${stderr}status ${status}\n`;
    }
  };
  assert.ok(section.includes('npx tessera run test/fixtures/wasi-p3/hello.wat a b                  # a / b'));
  assert.equal(run(['test/fixtures/wasi-p3/hello.wat', 'a', 'b']), 'a\nb\n');
  assert.ok(section.includes('npx tessera run --dir test/fixtures/wasi-p3::/data test/fixtures/wasi-p3/cat.wat hello.wat missing   # hello.wat, then: cat: missing: no-entry'));
  const hello = readFileSync(`${root}test/fixtures/wasi-p3/hello.wat`, 'utf8');
  assert.equal(run(['--dir', 'test/fixtures/wasi-p3::/data', 'test/fixtures/wasi-p3/cat.wat', 'hello.wat', 'missing']), `${hello}cat: missing: no-entry\nstatus 1\n`);
});
