// `tessera serve` of a WASI 0.3 wasi:http/service component (the component-text fixture,
// built by Tessera's own parser into a temporary .wasm): real HTTP over loopback, concurrent
// requests sharing an instance, a trap answered 500 while the server goes on, the access log,
// a graceful stop.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serviceComponent } from '../../test/fixtures/serve-p3/service.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('tessera serve runs a wasi:http/service component', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-serve-p3-'));
  const wasm = join(dir, 'service.wasm');
  writeFileSync(wasm, serviceComponent());
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, [join(root, 'bin/tessera.js'), 'serve', '--addr', '127.0.0.1:0', '--max-instance-concurrent-reuse', '8', wasm], {
      cwd: dir, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    const base = await new Promise<string>((resolve, reject) => {
      child!.stderr!.on('data', (c: string) => {
        stderr += c;
        const m = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
        if (m !== null) resolve(m[1]);
      });
      child!.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    assert.match(stderr, /\(instances shared by up to 8 requests at once, 128 in all \(a 0\.3 wasi:http\/service\)\)/);
    const hello = await fetch(`${base}hello`);
    assert.equal(hello.status, 200);
    assert.equal(hello.headers.get('x-tessera'), 'p3');
    assert.equal(await hello.text(), 'hello from wasi 0.3 #1\n');
    // Three at once share the instance: each sees its own count.
    const counts = await Promise.all([1, 2, 3].map(async () => Number(/#(\d+)/.exec(await (await fetch(`${base}slow`)).text())?.[1])));
    assert.deepEqual(counts.sort(), [2, 3, 4]);
    const echo = await fetch(`${base}echo`, { method: 'POST', body: 'x'.repeat(100_000) });
    assert.equal((await echo.text()).length, 100_000);
    const trap = await fetch(`${base}trap`);
    assert.equal(trap.status, 500);
    await trap.text();
    // A new instance after the trap.
    assert.equal(await (await fetch(`${base}hello`)).text(), 'hello from wasi 0.3 #1\n');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit') as [number];
    assert.equal(code, 0, stderr);
    const lines = stderr.split('\n').filter((l) => / (GET|POST) \/\S* \d{3} /.test(l));
    assert.equal(lines.length, 7, stderr);
    assert.match(stderr, / GET \/trap 500 .*trap: /);
    assert.match(stderr, /stopped/);
  } finally {
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
