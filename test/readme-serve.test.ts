// The README's "Serving HTTP components" section must really run: each shell session (a
// build script before the server run as written, in the repository; the server started as
// written, on a free port instead of 8080, in a scratch directory for its key-value file; each
// curl as a fetch whose body must match the comment; the kill as a SIGTERM that stops it
// cleanly) and the library example.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const section = readme.slice(readme.indexOf('## Serving HTTP components'), readme.indexOf('\n## ', readme.indexOf('## Serving HTTP components') + 5));

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  await once(s, 'close');
  return port;
}

/** Splits a shell line into words (single quotes only, as the README writes them). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

const sessions = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);

async function session(block: string | undefined): Promise<void> {
  assert.ok(block, 'the section has this shell session');
  const lines = block.trim().split('\n').map((l) => {
    const hash = l.indexOf('#');
    return { command: (hash < 0 ? l : l.slice(0, hash)).trim(), comment: hash < 0 ? '' : l.slice(hash + 1).trim() };
  });
  // `npx node scripts/X.ts ARGS`: a build that prints the path the server is then given.
  let built: string | undefined;
  while (lines[0].command.startsWith('npx node scripts/')) {
    const w = words(lines.shift()!.command);
    built = execFileSync(process.execPath, [join(root, w[2]), ...w.slice(3)], { cwd: root, encoding: 'utf8' }).trim();
  }
  const start = words(lines[0].command);
  if (built !== undefined) assert.ok(start.includes(built), `the server is given what the build printed (${built})`);
  assert.deepEqual(start.slice(0, 3), ['npx', 'tessera', 'serve']);
  assert.equal(start.at(-1), '&');
  const port = await freePort();
  const args = start.slice(2, -1).map((w) => w.replace(':8080', `:${port}`)).map((w) => (w.endsWith('.wasm') ? join(root, w) : w));
  const dir = mkdtempSync(join(tmpdir(), 'tessera-readme-serve-'));
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, [join(root, 'bin/tessera.js'), ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    const ready = new Promise<void>((resolve, reject) => {
      child!.stderr!.on('data', (c: string) => {
        stderr += c;
        if (stderr.includes(`http://127.0.0.1:${port}/`)) resolve();
      });
      child!.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    await ready;
    let curls = 0;
    for (const { command, comment } of lines.slice(1)) {
      const w = words(command);
      if (w[0] === 'kill') {
        child.kill('SIGTERM');
        const [code] = await once(child, 'exit') as [number];
        assert.equal(code, 0, stderr);
        assert.match(stderr, /stopped/);
        continue;
      }
      assert.equal(w[0], 'curl', command);
      let method = 'GET';
      let body: string | undefined;
      let url = '';
      for (let i = 1; i < w.length; i++) {
        if (w[i] === '-X') method = w[++i];
        else if (w[i] === '--data') body = w[++i];
        else url = w[i].replace(':8080', `:${port}`);
      }
      const r = await fetch(url, { method, ...(body === undefined ? {} : { body }) });
      const text = (await r.text()).trim();
      if (comment.endsWith('...')) assert.ok(text.startsWith(comment.slice(0, -3).trim()), `${command}: ${text}`);
      else assert.equal(text, comment, command);
      curls++;
    }
    assert.ok(curls >= 3);
    // Each request had its access log line.
    assert.equal(stderr.split('\n').filter((l) => / (GET|PUT) \/\S* \d{3} /.test(l)).length, curls, stderr);
  } finally {
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the README serve session runs as written', () => session(sessions[0]));

test('the README JavaScript serve session runs as written (examples/hello-js)', { timeout: 300_000 }, () => session(sessions[1]));

test('the README serve library example runs', () => {
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example, 'the section has a library example');
  const file = `${root}.readme-serve.test-run.ts`;
  writeFileSync(file, example);
  try {
    const out = execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' });
    assert.equal(out.trim(), '200 hello, world');
  } finally {
    rmSync(file, { force: true });
  }
});
