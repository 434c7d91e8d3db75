import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tessera-wit-'));

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'wit', ...args]);
  return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

test('tessera wit resolves a folder with deps/ and prints it', () => {
  const pkg = join(dir, 'app');
  mkdirSync(join(pkg, 'deps', 'types'), { recursive: true });
  writeFileSync(join(pkg, 'deps', 'types', 'types.wit'), 'package my:types;\ninterface t { record point { x: s32, y: s32 } }\n');
  writeFileSync(join(pkg, 'app.wit'), 'package my:app;\nworld app {\n  use my:types/t.{point};\n  export draw: func(p: point);\n}\n');
  const r = run(pkg);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^package my:app;/);
  assert.match(r.stdout, /export draw: func\(p: point\);/);
  assert.match(r.stdout, /package my:types \{/);
  assert.equal(run('--check', pkg).stdout, '');
});

test('tessera wit: errors name the file, line and column; usage errors exit 2', () => {
  const bad = join(dir, 'bad.wit');
  writeFileSync(bad, 'package a:b;\ninterface i { f: func(a: nope); }\n');
  const r = run(bad);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /name `nope` does not exist \(at .*bad\.wit:2:26\)/);
  assert.equal(run().code, 2);
});

test('tessera wit --features keeps @unstable items of enabled features only', () => {
  const gated = join(dir, 'gated.wit');
  writeFileSync(gated, 'package a:b;\ninterface i {\n  @unstable(feature = fancy)\n  f: func();\n}\n');
  assert.doesNotMatch(run(gated).stdout, /f: func/);
  assert.match(run('--features', 'fancy', gated).stdout, /f: func/);
});
