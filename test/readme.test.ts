// The README's examples must really run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('the README library example runs', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  // The first example of the Library section (other sections have their own tests).
  const example = /\n## Library\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, 'README has a ts example in its Library section');
  // Inside the package, so that `import ... from 'tessera'` resolves to this package.
  const file = `${root}.readme-example.test-run.ts`;
  writeFileSync(file, example);
  try {
    const out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
    assert.match(out, /unknown binary version 4/);
  } finally {
    rmSync(file, { force: true });
  }
});
