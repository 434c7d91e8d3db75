// The README's async component example (under "Async components") must really run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the README async component example runs', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('### Async components'));
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example, 'README has an async component example');
  const file = `${root}.readme-async-components.test-run.ts`;
  writeFileSync(file, example);
  try {
    const out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
    assert.equal(out.trim(), '40');
  } finally {
    rmSync(file, { force: true });
  }
});
