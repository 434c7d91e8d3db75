// The README's WASI examples (under "Running WASI programs") must really run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const section = (() => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const at = readme.indexOf('## Running WASI programs');
  return readme.slice(at, readme.indexOf('\n## ', at + 1));
})();

test('the README WASI library example runs', () => {
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example, 'README has a WASI example');
  const file = `${root}.readme-wasi.test-run.ts`;
  writeFileSync(file, example);
  try {
    const out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
    assert.equal(out, '0 mkdir dir: 0 ok\n');
  } finally {
    rmSync(file, { force: true });
  }
});

test('the README tessera run examples print what their comments say', () => {
  const bin = `${root}bin/tessera.js`;
  const run = (args: string[]) => execFileSync(process.execPath, [bin, 'run', ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.ok(section.includes('npx tessera run test/fixtures/wasi/hello.wasm a b'));
  assert.match(run(['test/fixtures/wasi/hello.wasm', 'a', 'b']), /^hello, world\nargv\[0\]=hello.wasm\nargv\[1\]=a\n/);
  assert.ok(section.includes('npx tessera run --invoke add test/fixtures/wasi/reactor.wasm 2 40   # 42'));
  assert.equal(run(['--invoke', 'add', 'test/fixtures/wasi/reactor.wasm', '2', '40']), '42\n');
});
