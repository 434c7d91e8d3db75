// The README's runtime example (under "Running modules") must really run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the README runtime example runs', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## Running modules'));
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example, 'README has a runtime example');
  const file = `${root}.readme-runtime.test-run.ts`;
  writeFileSync(file, example);
  try {
    const out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
    assert.match(out, /type: 'i32', value: 667/);
  } finally {
    rmSync(file, { force: true });
  }
});
