import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'tessera-wast-'));

const SCRIPT = `
(module
  (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "nan") (result f32) (f32.const nan:0x200000)))
(assert_return (invoke "div" (i32.const 7) (i32.const 2)) (i32.const 3))
(assert_trap (invoke "div" (i32.const 7) (i32.const 0)) "integer divide by zero")
(assert_return (invoke "nan") (f32.const nan:0x200000))
(assert_return (invoke "nan") (f32.const nan:0x200000)) ;; signalling: kept exactly
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module quote "(func (i32.const))") "unexpected token")
`;

test('tessera wast runs a script: a line per file and the totals', () => {
  const file = join(dir, 'ok.wast');
  writeFileSync(file, SCRIPT);
  const out = run('wast', file);
  assert.equal(out.status, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /ok\.wast: 7 passed, 0 failed, 0 skipped/);
  assert.match(out.stdout, /^7 passed, 0 failed, 0 skipped$/m);
  const json = JSON.parse(run('wast', '--json', file).stdout);
  assert.equal(json.passed, 7);
  assert.equal(json.files[0].failures.length, 0);
});

test('tessera wast fails on a failing command and names it', () => {
  const file = join(dir, 'bad.wast');
  writeFileSync(file, `${SCRIPT}\n(assert_return (invoke "div" (i32.const 1) (i32.const 1)) (i32.const 2))\n`);
  const out = run('wast', file);
  assert.equal(out.status, 1);
  assert.match(out.stdout, /bad\.wast:12 assert_return: result 0: expected i32:2, got i32:1/);
  assert.equal(run('wast').status, 2);
});
