// Blocking WASI calls through JSPI: a guest that waits on stdin, a clock or a socket is
// suspended (WebAssembly.Suspending / WebAssembly.promising) while Node's event loop goes on.
// The C programs are test/fixtures/wasi/pollin.c and echo.c.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { jspiSupported } from '../src/runtime/jspi.ts';
import { Linker } from '../src/runtime/linker.ts';
import { NativeEngine } from '../src/runtime/native.ts';
import { asyncInput, bufferOutput, callbackOutput, WasiP1 } from '../src/wasi/index.ts';
import { tcpListen } from '../src/wasi/node.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => new Uint8Array(readFileSync(`${root}test/fixtures/wasi/${name}.wasm`));
const skip = jspiSupported ? false : 'this Node has no WebAssembly JSPI';
const text = (s: string) => new TextEncoder().encode(s);

/** A stdin that delivers its chunks slowly, noting each delivery in `log`. */
async function* slowly(chunks: string[], log: string[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) {
    await delay(20);
    log.push(`chunk ${c}`);
    yield text(c);
  }
}

test('JSPI is on in this Node (WebAssembly.Suspending and promising)', { skip }, () => {
  assert.equal(jspiSupported, true);
});

test('JSPI: poll and read on a slow stdin suspend the guest; a timer fires meanwhile', { skip }, async () => {
  const log: string[] = [];
  const stdout = bufferOutput();
  const wasi = new WasiP1({ args: ['pollin'], jspi: true, stdin: asyncInput(slowly(['slow ', 'text'], log)), stdout });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fixture('pollin')), { wasi_snapshot_preview1: wasi.wasiImport });
  const timer = setTimeout(() => log.push('timer'), 5);
  const code = await wasi.startAsync(instance);
  clearTimeout(timer);
  assert.equal(code, 0);
  assert.equal(stdout.text(), 'poll stdin: 1 revents 1\nsleep: 0\nslow text\nread 9 bytes, last 0\n');
  // The timer ran while the guest waited for its first chunk.
  assert.deepEqual(log, ['timer', 'chunk slow ', 'chunk text']);
});

test('JSPI through the Linker: host functions imported as WebAssembly.Suspending', { skip }, async () => {
  const out: string[] = [];
  const wasi = new WasiP1({ args: ['hello', 'stdin'], jspi: true, stdin: asyncInput(slowly(['a', 'b'], [])), stdout: callbackOutput((b) => out.push(new TextDecoder().decode(b))) });
  const engine = new NativeEngine();
  const linker = new Linker();
  wasi.register(linker);
  const instance = linker.instantiate(engine, engine.compile(fixture('hello')));
  assert.throws(() => wasi.start(instance), /startAsync/);
  assert.equal(await wasi.startAsync(instance), 0);
  assert.match(out.join(''), /^ab\nread 2 bytes\n/m);
});

test('without JSPI an input with nothing yet is EAGAIN, never a hang', async () => {
  const stdout = bufferOutput();
  const wasi = new WasiP1({ args: ['hello', 'stdin'], stdin: asyncInput(slowly(['late'], [])), stdout });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fixture('hello')), { wasi_snapshot_preview1: wasi.wasiImport });
  assert.equal(wasi.start(instance), 0);
  assert.match(stdout.text(), /^read 0 bytes$/m);
});

test('sockets: the guest accepts on a preopened listener and echoes a Node client', { skip }, async () => {
  const listener = await tcpListen('127.0.0.1:0');
  const stdout = bufferOutput();
  const wasi = new WasiP1({ args: ['echo'], jspi: true, sockets: [listener], stdout });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fixture('echo')), { wasi_snapshot_preview1: wasi.wasiImport });
  const running = wasi.startAsync(instance);
  const reply = await new Promise<string>((resolve, reject) => {
    const sock = connect(listener.address.port, '127.0.0.1', async () => {
      sock.write('hello ');
      await delay(20); // the guest waits in recv meanwhile
      sock.end('over tcp');
    });
    let got = '';
    sock.on('data', (d) => { got += d; });
    sock.on('end', () => resolve(got));
    sock.on('error', reject);
  });
  assert.equal(await running, 0);
  assert.equal(reply, 'hello over tcp');
  assert.equal(stdout.text(), [
    'accept on stdout: -1 Bad file descriptor', 'recv on the listener: -1 Bad file descriptor',
    'shutdown on stdout: -1 Bad file descriptor', 'poll listener: 1 revents 1',
    'shutdown bad how: -1 Invalid argument', 'shutdown: 0', 'echoed 14 bytes', '',
  ].join('\n'));
});

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

function tessera(args: string[]) {
  const child = spawn(process.execPath, [`${root}bin/tessera.js`, 'run', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exit = new Promise<{ code: number | null; out: string }>((resolve) => child.on('close', (code) => resolve({ code, out })));
  return { child, exit };
}

test('tessera run: stdin from a slow pipe suspends the guest', { skip }, async () => {
  const { child, exit } = tessera(['test/fixtures/wasi/pollin.wasm']);
  await delay(100);
  child.stdin.write('piped ');
  await delay(50);
  child.stdin.end('slowly');
  const r = await exit;
  assert.equal(r.code, 0, r.out);
  assert.equal(r.out, 'poll stdin: 1 revents 1\nsleep: 0\npiped slowly\nread 12 bytes, last 0\n');
});

test('tessera run --tcplisten: echo to a client', { skip }, async () => {
  const port = await freePort();
  const { child, exit } = tessera(['--tcplisten', `127.0.0.1:${port}`, 'test/fixtures/wasi/echo.wasm']);
  child.stdin.end();
  let reply: string | undefined;
  for (let i = 0; i < 100 && reply === undefined; i++) {
    reply = await new Promise<string | undefined>((resolve) => {
      const sock = connect(port, '127.0.0.1', () => sock.end('ping'));
      let got = '';
      sock.on('data', (d) => { got += d; });
      sock.on('end', () => resolve(got));
      sock.on('error', () => resolve(undefined)); // not listening yet
    });
    if (reply === undefined) await delay(50);
  }
  const r = await exit;
  assert.equal(reply, 'ping');
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^echoed 4 bytes$/m);
});
