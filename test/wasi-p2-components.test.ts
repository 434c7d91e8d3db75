// WASI 0.2 end to end: C programs built with wasi-libc and made components by jco with its
// preview1 adapter (test/fixtures/wasi-p2, scripts/build-wasi-p2-fixtures.sh), run by
// Tessera's component runtime with the WASI 0.2 host, under JSPI: standard streams,
// arguments, environment, exit statuses, files and directories, TCP both ways, UDP, outgoing
// HTTP, and a hostile guest that reaches nothing it was not given.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CompiledComponent, compileComponent } from '../src/index.ts';
import { hostDir } from '../src/wasi/node.ts';
import { runCommand, runExport, WasiP2, type WasiP2Options } from '../src/wasi/p2/host.ts';
import { nodeHttpTransport } from '../src/wasi/p2/node-http.ts';
import { NodeNetBackend } from '../src/wasi/p2/node-sockets.ts';
import { bufferOutput, bytesInput } from '../src/wasi/shared/stdio.ts';
import { MemoryFs } from '../src/wasi/vfs/memory.ts';

const dir = new URL('fixtures/wasi-p2/', import.meta.url);
const compiled = new Map<string, Promise<CompiledComponent>>();
function component(name: string): Promise<CompiledComponent> {
  let c = compiled.get(name);
  if (c === undefined) compiled.set(name, c = compileComponent(readFileSync(new URL(`${name}.component.wasm`, dir))));
  return c;
}

interface Run { code: number; out: string; err: string }

async function run(name: string, args: string[], options: WasiP2Options = {}): Promise<Run> {
  const out = bufferOutput();
  const err = bufferOutput();
  const network = new NodeNetBackend();
  try {
    const host = new WasiP2({ args: [name, ...args], stdout: out, stderr: err, network, http: nodeHttpTransport, jspi: true, ...options });
    const inst = await host.instantiate(await component(name));
    const entry = runExport(inst.exports);
    assert.ok(entry !== undefined, 'the component exports wasi:cli/run');
    const code = await runCommand(entry);
    return { code, out: out.text(), err: err.text() };
  } finally {
    network.closeAll();
  }
}

async function listening<T extends { listen: (...a: never[]) => unknown; address: () => unknown }>(server: T): Promise<number> {
  await new Promise<void>((resolve) => (server.listen as (port: number, host: string, cb: () => void) => void)(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

test('stdout, stderr, arguments and the environment given, nothing else', async () => {
  const r = await run('cli', ['a b', 'c'], { env: { GREETING: 'hi', EMPTY: '' } });
  assert.equal(r.code, 0);
  assert.equal(r.out, 'hello from a component\nargv[0]=cli\nargv[1]=a b\nargv[2]=c\nenv GREETING=hi\nenv EMPTY=\n2 variables\n');
  assert.equal(r.err, 'this goes to stderr\n');
});

test('stdin is read to its end', async () => {
  const r = await run('cli', ['stdin'], { stdin: bytesInput('piped into the guest') });
  assert.match(r.out, /piped into the guest\nread 20 bytes\n$/);
});

test('exit statuses: 0, and a failure for any other code (the preview1 adapter reports exit(err))', async () => {
  assert.equal((await run('cli', ['exit', '0'])).code, 0);
  assert.equal((await run('cli', ['exit', '7'])).code, 1);
});

const FILES_OUT = `input: first line
mkdir out: ok
mkdir out again: File exists
open out/a.txt: ok
write: ok
pwrite: ok
pread: ok
content: HELLO file
fstat: ok
size 11, regular 1
ftruncate 5: ok
close: ok
after append: HELLO appended
rename: ok
open missing: No such file or directory
stat dir: ok
dir 1
symlink: ok
readlink: ok
link -> b.txt
ls out: b.txt link
rmdir non-empty: Directory not empty
unlink link: ok
unlink b.txt: ok
rmdir out: ok
ls .: input.txt result.txt
`;

test('files and directories on the in-memory file system', async () => {
  const fs = MemoryFs.from({ 'input.txt': 'first line\n' });
  const r = await run('files', [], { preopens: { '/data': fs } });
  assert.equal(r.out, FILES_OUT);
  assert.equal(new TextDecoder().decode(fs.readFile('result.txt')), 'written by the guest\n');
});

test('files and directories on a host directory', async () => {
  const host = mkdtempSync(join(tmpdir(), 'tessera-p2-files-'));
  try {
    writeFileSync(join(host, 'input.txt'), 'first line\n');
    const r = await run('files', [], { preopens: { '/data': hostDir(host) } });
    assert.equal(r.out, FILES_OUT);
    assert.equal(readFileSync(join(host, 'result.txt'), 'utf8'), 'written by the guest\n');
  } finally {
    rmSync(host, { recursive: true, force: true });
  }
});

test('TCP: the guest connects to an echo server over loopback', async () => {
  const server = createServer((s) => s.pipe(s));
  const port = await listening(server);
  try {
    const r = await run('tcp', ['connect', String(port), 'hello over wasi:sockets'], { allowNet: [`127.0.0.1:${port}`] });
    assert.equal(r.out, 'connected\necho: hello over wasi:sockets\n');
    assert.equal(r.code, 0);
  } finally {
    server.close();
  }
});

test('TCP: the guest listens, accepts and echoes (upper-cased)', async () => {
  let announced: (port: number) => void = () => undefined;
  const port = new Promise<number>((resolve) => { announced = resolve; });
  const out = bufferOutput();
  const stdout = {
    write(b: Uint8Array) {
      out.write(b);
      const m = /listening on (\d+)/.exec(out.text());
      if (m !== null) announced(Number(m[1]));
    },
  };
  const network = new NodeNetBackend();
  const host = new WasiP2({ args: ['tcp', 'serve', '0'], stdout, network, jspi: true, allowNet: ['127.0.0.1'] });
  const done = host.instantiate(await component('tcp')).then((inst) => runCommand(runExport(inst.exports) as () => unknown));
  const reply = new Promise<string>((resolve) => {
    void port.then((p) => {
      const c = connect(p, '127.0.0.1');
      let got = '';
      c.on('data', (d) => { got += d.toString(); });
      c.on('end', () => resolve(got));
      c.end('make me loud');
    });
  });
  assert.equal(await reply, 'MAKE ME LOUD');
  assert.equal(await done, 0);
  assert.match(out.text(), /^listening on \d+\nechoed 12 bytes\n$/);
  network.closeAll();
});

test('UDP: a datagram to an echo peer and its reply', async () => {
  const peer = createSocket('udp4');
  peer.on('message', (m, r) => peer.send(Buffer.from(`re: ${m.toString()}`), r.port, r.address));
  await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
  const port = peer.address().port;
  try {
    const r = await run('udp', [String(port), 'datagram'], { allowNet: [`127.0.0.1:${port}`] });
    assert.equal(r.out, `sent 1 datagram\nreceived 12 bytes from 127.0.0.1:${port}: re: datagram\n`);
  } finally {
    peer.close();
  }
});

test('HTTP: GET and a streamed POST to a local server', async () => {
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      res.setHeader('content-type', 'text/plain');
      res.end(`${req.method} ${req.url} ua=${req.headers['user-agent']} ${body}`);
    });
  });
  const port = await listening(server);
  try {
    const get = await run('http', ['get', `127.0.0.1:${port}`, '/path?q=1'], { allowNet: [`127.0.0.1:${port}`] });
    assert.equal(get.out, 'status 200\ncontent-type: text/plain\nbody: GET /path?q=1 ua=tessera-fixture \n');
    const post = await run('http', ['post', `127.0.0.1:${port}`, '/submit', 'the body'], { allowNet: [`127.0.0.1:${port}`] });
    assert.equal(post.out, 'status 200\ncontent-type: text/plain\nbody: POST /submit ua=tessera-fixture the body\n');
    const denied = await run('http', ['get', `127.0.0.1:${port}`, '/'], { allowNet: [] });
    assert.equal(denied.out, 'handle: HTTP-request-denied\n');
  } finally {
    server.close();
  }
});

test('a hostile guest reaches no file, variable, host or port it was not given', async () => {
  const base = mkdtempSync(join(tmpdir(), 'tessera-p2-hostile-'));
  const sandbox = join(base, 'sandbox');
  mkdirSync(join(sandbox, 'sub'), { recursive: true });
  writeFileSync(join(base, 'secret.txt'), 'the secret');
  writeFileSync(join(sandbox, 'inside.txt'), 'fine');
  symlinkSync('../secret.txt', join(sandbox, 'escape'));
  symlinkSync('/etc/passwd', join(sandbox, 'abs'));
  // A live server the guest is not granted, and one it is granted a different port of.
  const server = createServer((s) => s.end('you should not see this'));
  const port = await listening(server);
  process.env.SECRET = 'host secret';
  try {
    const r = await run('hostile', [String(port), `127.0.0.1:${port}`], {
      preopens: { '/sandbox': hostDir(sandbox) }, env: ['ONLY=this'], allowNet: [`127.0.0.1:${port === 65535 ? 1 : port + 1}`],
    });
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.out, /LEAKED/);
    assert.equal(r.out, `open /sandbox/../secret.txt: denied (Operation not permitted)
open /sandbox/sub/../../secret.txt: denied (Operation not permitted)
open /etc/passwd: denied (Capabilities insufficient)
open /sandbox/escape: denied (Operation not permitted)
open /sandbox/abs: denied (Operation not permitted)
open ../secret.txt: denied (Capabilities insufficient)
symlink out: denied
symlink absolute: denied
rename out: denied
environment: 1 variables
getenv HOME: denied
getenv PATH: denied
getenv SECRET: denied
tcp connect 127.0.0.1:${port}: access-denied
tcp listen 0.0.0.0:${port}: access-denied
udp send 127.0.0.1:${port}: access-denied
http 127.0.0.1:${port}: HTTP-request-denied
`);
    assert.equal(readFileSync(join(base, 'secret.txt'), 'utf8'), 'the secret');
  } finally {
    delete process.env.SECRET;
    server.close();
    rmSync(base, { recursive: true, force: true });
  }
});
