// `tessera run` of WASI 0.3 commands as a user runs it: a child process of bin/tessera.js
// running components written in component text (test/fixtures/wasi-p3), detected as 0.3 by
// their `wasi:cli/run@0.3.0` export: hello.wat (arguments, stdin, exit statuses) and cat.wat
// (files of a --dir preopen through wasi:filesystem@0.3.0 streams, copied to stdout).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { tesseraRun } from './tessera-process.ts';

const fixtures = fileURLToPath(new URL('fixtures/wasi-p3/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tessera-run-p3-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tessera(args: string[], input = '') {
  return tesseraRun(args, { cwd: fixtures, input });
}

test('a 0.3 command: arguments, stdin piped to stdout as a stream, exit statuses', async () => {
  const r = await tessera(['hello.wat', 'one', 'pipe', 'two'], 'from stdin\n');
  assert.equal(r.err, '');
  assert.equal(r.out, 'one\nfrom stdin\ntwo\n');
  assert.equal(r.code, 0);
  const fail = await tessera(['hello.wat', 'a', 'fail', 'b']);
  assert.equal(fail.out, 'a\n');
  assert.equal(fail.code, 1);
  assert.equal((await tessera(['hello.wat', 'exit'])).code, 7);
  assert.equal((await tessera(['--argv0', 'x', 'hello.wat'])).out, '');
});

test('a 0.3 command reads files of a --dir preopen and copies them to stdout; escapes are refused', async () => {
  mkdirSync(join(tmp, 'data', 'sub'), { recursive: true });
  writeFileSync(join(tmp, 'data', 'in.txt'), 'from the host\n');
  const big = new Uint8Array(150_000).map((_, i) => 32 + (i % 90));
  writeFileSync(join(tmp, 'data', 'big.txt'), big);
  writeFileSync(join(tmp, 'secret'), 'secret\n');
  symlinkSync('../secret', join(tmp, 'data', 'escape'));
  const ok = await tessera(['--dir', `${join(tmp, 'data')}::/data`, 'cat.wat', 'in.txt', 'big.txt', 'in.txt']);
  assert.equal(ok.err, '');
  assert.equal(ok.out, `from the host\n${new TextDecoder().decode(big)}from the host\n`);
  assert.equal(ok.code, 0);
  const bad = await tessera(['--dir-ro', `${join(tmp, 'data')}::/data`, 'cat.wat', 'missing', 'sub', '../secret', '/etc/passwd', 'escape', 'in.txt']);
  assert.equal(bad.out, 'from the host\n');
  assert.equal(bad.err, [
    'cat: missing: no-entry', 'cat: sub: is-directory', 'cat: ../secret: not-permitted',
    'cat: /etc/passwd: not-permitted', 'cat: escape: not-permitted', '',
  ].join('\n'));
  assert.equal(bad.code, 1);
  // Nothing preopened: nothing to read.
  const none = await tessera(['cat.wat', 'in.txt']);
  assert.equal(none.err, 'cat: no preopened directory\n');
  assert.equal(none.code, 1);
});

test('--invoke on a 0.3 command: the WASI imports still answer err by throwing, the export\'s result prints in WAVE', async () => {
  mkdirSync(join(tmp, 'data'), { recursive: true });
  writeFileSync(join(tmp, 'data', 'in.txt'), 'from the host\n');
  const r = await tessera(['--dir', `${join(tmp, 'data')}::/data`, '--invoke', 'wasi:cli/run#run()', 'cat.wat', 'in.txt', 'missing']);
  assert.equal(r.out, 'from the host\nerr\n');
  assert.equal(r.err, 'cat: missing: no-entry\n');
  assert.equal(r.code, 0);
  assert.equal((await tessera(['--invoke', 'wasi:cli/run#run()', 'hello.wat', 'x'])).out, 'x\nok\n');
});

test('a component importing 0.2 and 0.3 interfaces gets both hosts; any 0.3.N is served by 0.3.0', async () => {
  const hello = readFileSync(join(fixtures, 'hello.wat'), 'utf8');
  const mixed = hello
    .replace('"wasi:cli/environment@0.3.0"', '"wasi:cli/environment@0.2.3"')
    .replace('"wasi:cli/stdout@0.3.0"', '"wasi:cli/stdout@0.3.7"');
  assert.notEqual(mixed, hello);
  const file = join(tmp, 'mixed.wat');
  writeFileSync(file, mixed);
  const r = await tessera([file, 'from', 'pipe', 'both'], 'stdin\n');
  assert.equal(r.err, '');
  assert.equal(r.out, 'from\nstdin\nboth\n');
  assert.equal(r.code, 0);
});
