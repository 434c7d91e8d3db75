// The README's component commands (under "Components") must really run, and do what they say.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeComponent } from '../src/component/binary/decode.ts';
import { encodeComponent } from '../src/component/binary/encode.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const section = (() => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const at = readme.indexOf('## Components');
  return readme.slice(at, readme.indexOf('\n## ', at + 1));
})();

test('the README component commands run: inspect, print, and parse back to the same component', () => {
  const commands = /```sh\n([\s\S]*?)```/.exec(section)?.[1].split('\n').filter((l) => l.startsWith('npx tessera '));
  assert.deepEqual(commands?.map((l) => l.split(/\s+/)[2]), ['inspect', 'print', 'parse']);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-readme-'));
  const bin = `${root}bin/tessera.js`;
  // Run where the outputs may go; the fixture path is the repository's.
  const outputs = commands?.map((line) => {
    const args = line.replace(/#.*$/, '').trim().split(/\s+/).slice(2).map((a) => (a.startsWith('test/') ? join(root, a) : a));
    return execFileSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
  }) ?? [];
  const inspected = outputs[0];
  assert.match(inspected, /canonical built-ins: /);
  const original = encodeComponent(decodeComponent(readFileSync(join(root, 'test/fixtures/component/hello.component.wasm'))), { canonical: true });
  assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'hello.wasm'))), original);
});
