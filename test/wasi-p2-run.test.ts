// `tessera run` of components as a user runs it: a child process of bin/tessera.js. WASI 0.2
// commands (test/fixtures/wasi-p2) with the flags modules take, --allow-net, and --invoke with
// WAVE values.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { tesseraRun } from './tessera-process.ts';

const fixtures = fileURLToPath(new URL('fixtures/wasi-p2/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tessera-run-p2-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function tessera(args: string[], input = '') {
  return tesseraRun(args, { cwd: fixtures, env: { ...process.env, HOST_VAR: 'from host' }, input });
}

test('a component command: arguments, --env, --argv0, stdin, stdout and stderr', async () => {
  const r = await tessera(['--env', 'A=1', '--env', 'HOST_VAR', '--argv0', 'prog', 'cli.component.wasm', 'stdin'], 'typed');
  assert.equal(r.code, 0);
  assert.equal(r.out, 'hello from a component\nargv[0]=prog\nargv[1]=stdin\nenv A=1\nenv HOST_VAR=from host\n2 variables\ntyped\nread 5 bytes\n');
  assert.equal(r.err, 'this goes to stderr\n');
});

test('exit statuses', async () => {
  assert.equal((await tessera(['cli.component.wasm', 'exit', '0'])).code, 0);
  assert.equal((await tessera(['cli.component.wasm', 'exit', '5'])).code, 1);
});

test('--dir preopens a host directory for a component', async () => {
  writeFileSync(join(tmp, 'input.txt'), 'from the host\n');
  const r = await tessera(['--dir', `${tmp}::/data`, 'files.component.wasm']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^input: from the host\n/);
  assert.equal(readFileSync(join(tmp, 'result.txt'), 'utf8'), 'written by the guest\n');
  const ro = await tessera(['--dir-ro', `${tmp}::/data`, 'files.component.wasm']);
  assert.match(ro.out, /\nmkdir out: Operation not permitted\n/);
  assert.match(ro.out, /\nresult.txt: Read-only file system\n/);
});

test('--allow-net grants a TCP peer; without it the guest is refused', async () => {
  const server = createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const ok = await tessera(['--allow-net', `127.0.0.1:${port}`, 'tcp.component.wasm', 'connect', String(port), 'via the CLI']);
    assert.equal(ok.out, 'connected\necho: via the CLI\n');
    assert.equal(ok.code, 0);
    const refused = await tessera(['tcp.component.wasm', 'connect', String(port), 'x']);
    assert.equal(refused.out, 'create-tcp-socket: not-supported\n');
    assert.equal(refused.code, 1);
    const other = await tessera(['--allow-net', 'localhost:1', 'tcp.component.wasm', 'connect', String(port), 'x']);
    assert.equal(other.out, 'start-connect: access-denied\n');
  } finally {
    server.close();
  }
});

test('--invoke calls an export with WAVE arguments and prints the result in WAVE', async () => {
  const call = async (c: string) => tessera(['--invoke', c, 'invoke.wat']);
  assert.equal((await call('add(40, 2)')).out, '42\n');
  assert.equal((await call('echo("héllo \\"wave\\" ☃")')).out, '"héllo \\"wave\\" ☃"\n');
  assert.equal((await call('make-point(4)')).out, '{x: 4, y: some(8)}\n');
  assert.equal((await call('check(0)')).out, 'err(0)\n');
  const trap = await call('boom()');
  assert.equal(trap.code, 134);
  assert.match(trap.err, /^tessera run: wasm trap: unreachable\n/);
  const missing = await call('nope()');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /missing export: "nope"/);
  const bad = await call('add(1, "two")');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /expected an integer/);
});

test('usage errors: --allow-net on a module, --tcplisten on a component, a bad grant', async () => {
  const mod = await tessera(['--allow-net', 'localhost', '../wasi/hello.wasm']);
  assert.equal(mod.code, 2);
  assert.match(mod.err, /--allow-net is for components/);
  const comp = await tessera(['--tcplisten', '127.0.0.1:0', 'cli.component.wasm']);
  assert.equal(comp.code, 1);
  assert.match(comp.err, /--tcplisten preopens sockets for preview1 modules/);
  const grant = await tessera(['--allow-net', 'a b', 'cli.component.wasm']);
  assert.equal(grant.code, 2);
  assert.match(grant.err, /not a host name or IP address/);
});
