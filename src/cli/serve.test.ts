// `tessera serve` on the command line: its options, and start-up failures as one line and
// exit status 1 (the serving itself is tested in src/serve and test/readme-serve.test.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UsageError } from './command.ts';
import { batchedLines, formatAccess, isolationNote, parseAddr, parseDuration, parseServeArgs, parseSize } from './serve.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function tessera(args: string[], cwd = root): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/tessera.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('tessera serve options', () => {
  it('reads sizes, durations, addresses and repeated flags', () => {
    assert.equal(parseSize('4096', 'x'), 4096);
    assert.equal(parseSize('64M', 'x'), 64 << 20);
    assert.equal(parseSize('1g', 'x'), 1 << 30);
    assert.equal(parseSize('512KiB', 'x'), 512 << 10);
    assert.throws(() => parseSize('lots', '--max-memory'), UsageError);
    assert.equal(parseDuration('500ms', 'x'), 500);
    assert.equal(parseDuration('30s', 'x'), 30_000);
    assert.equal(parseDuration('2m', 'x'), 120_000);
    assert.equal(parseDuration('1500', 'x'), 1500);
    assert.throws(() => parseDuration('soon', '--deadline'), UsageError);
    assert.deepEqual(parseAddr('0.0.0.0:80'), { host: '0.0.0.0', port: 80 });
    assert.deepEqual(parseAddr('[::1]:8080'), { host: '::1', port: 8080 });
    assert.throws(() => parseAddr('8080'), UsageError);
    const o = parseServeArgs(['--kv-bucket', 'a', '--kv-bucket=b', '--config', 'k=v', '--allow-net', 'example.com:443', '--deadline', '2s', '--max-instance-reuse', '5', 'app.wasm']);
    assert.equal(o.file, 'app.wasm');
    assert.deepEqual(o.buckets, ['a', 'b']);
    assert.deepEqual(o.config, ['k=v']);
    assert.deepEqual(o.allowNet, ['example.com:443']);
    assert.deepEqual(o.limits, { deadlineMs: 2000, maxInstanceReuse: 5 });
    assert.throws(() => parseServeArgs(['--max-concurrency', '0', 'a.wasm']), UsageError);
    assert.throws(() => parseServeArgs(['--frobnicate']), UsageError);
    assert.equal(parseServeArgs(['--isolation', 'fresh', 'a.wasm']).isolation, 'fresh');
    assert.equal(parseServeArgs(['--isolation=reset', 'a.wasm']).isolation, 'reset');
    assert.throws(() => parseServeArgs(['--isolation', 'none', 'a.wasm']), UsageError);
  });

  it('says on the start-up line how requests get their instances, and why not by reset', () => {
    assert.equal(isolationNote({ mode: 'reset' }, undefined), 'instances reset between requests');
    assert.equal(isolationNote({ mode: 'fresh' }, 'fresh'), 'a new instance per request');
    assert.equal(isolationNote({ mode: 'fresh', why: 'a memory is shared' }, undefined), 'no resets: a memory is shared');
    assert.equal(isolationNote({ mode: 'shared', concurrent: 16, reuse: 128, why: 'a 0.3 wasi:http/service' }, undefined),
      'instances shared by up to 16 requests at once, 128 in all (a 0.3 wasi:http/service)');
  });

  it('formats an access log line', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    assert.equal(formatAccess({ method: 'GET', path: '/a?b', status: 200, bytes: 13, durationMs: 0.44 }, at), '2026-01-02T03:04:05.678Z GET /a?b 200 13B 0.4ms');
    assert.equal(formatAccess({ method: 'GET', path: '/', status: 503, bytes: 34, durationMs: 1000, note: 'deadline of 1000 ms' }, at), '2026-01-02T03:04:05.678Z GET / 503 34B 1000.0ms (deadline of 1000 ms)');
  });
});

describe('tessera serve start-up', () => {
  it('writes access log lines together once the event loop turns, or at once when flushed', async () => {
    const writes: string[] = [];
    const log = batchedLines((t) => writes.push(t));
    log.line('a\n');
    log.line('b\n');
    assert.deepEqual(writes, []);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, ['a\nb\n']);
    log.line('c\n');
    log.flush();
    assert.deepEqual(writes, ['a\nb\n', 'c\n']);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, ['a\nb\n', 'c\n']);
  });

  it('explains itself with --help', () => {
    const r = tessera(['serve', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: tessera serve/);
    assert.match(r.stdout, /--max-instance-reuse/);
  });

  it('fails with one line and status 1 for what cannot be served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-serve-cli-'));
    try {
      writeFileSync(join(dir, 'not.wasm'), 'hello');
      const cases: [string[], RegExp][] = [
        [[join(dir, 'not.wasm')], /not a component|magic/],
        [[join(root, 'test/fixtures/wasi-p2/cli.component.wasm')], /does not export wasi:http\/incoming-handler/],
        [[join(root, 'examples/notes/notes.wasm'), '--max-memory', '64K'], /above the cap/],
        [[join(root, 'test/fixtures/serve/hello.component.wasm'), '--config-file', join(dir, 'missing.json')], /config file/],
      ];
      for (const [args, message] of cases) {
        const r = tessera(['serve', '--kv', ':memory:', '--addr', '127.0.0.1:0', ...args], dir);
        assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.match(r.stderr, /^tessera serve: /);
        assert.match(r.stderr, message);
      }
      const usage = tessera(['serve', '--deadline', 'soon', 'x.wasm'], dir);
      assert.equal(usage.status, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with one line and status 1 when the address is in use', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        // Asynchronously: the test's own server must keep accepting meanwhile.
        import('node:child_process').then(({ execFile }) => {
          execFile(process.execPath, [join(root, 'bin/tessera.js'), 'serve', '--kv', ':memory:', '--addr', `127.0.0.1:${port}`, join(root, 'test/fixtures/serve/hello.component.wasm')],
            { encoding: 'utf8' }, (e, _out, stderr) => resolve({ status: e === null ? 0 : (e as { code?: number }).code ?? null, stderr }));
        });
      });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /cannot listen: .*EADDRINUSE/);
    } finally {
      taken.close();
    }
  });
});
