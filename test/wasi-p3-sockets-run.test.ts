// `tessera run --allow-net` of a WASI 0.3 component as a user runs it: a child process of
// bin/tessera.js calling exports of test/fixtures/wasi-p3/sockets.wat with --invoke, against
// a loopback server this test starts. Without --allow-net the guest has no network at all.
import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { tesseraRun } from './tessera-process.ts';

const guest = fileURLToPath(new URL('fixtures/wasi-p3/sockets.wat', import.meta.url));

function tessera(args: string[]) {
  return tesseraRun([...args, guest]);
}

test('tessera run --allow-net grants a 0.3 guest a TCP peer; without it, or for another port, it reaches nothing', async () => {
  let connections = 0;
  const server = createServer((s) => {
    connections++;
    let got = '';
    s.on('data', (d: Buffer) => { got += d.toString(); });
    s.on('end', () => s.end(`echo: ${got}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const ok = await tessera(['--allow-net', `127.0.0.1:${port}`, '--invoke', `tcp-echo(${port})`]);
    assert.equal(ok.err, '');
    assert.equal(ok.out, 'ok("echo: hello, tessera")\n');
    assert.equal(ok.code, 0);
    assert.equal(connections, 1);
    // No network adapter at all: creating the socket is not-supported (step 100 + code 1).
    assert.equal((await tessera(['--invoke', `tcp-echo(${port})`])).out, 'err(101)\n');
    // Another port granted: connecting is access-denied (step 200 + code 0).
    assert.equal((await tessera(['--allow-net', `127.0.0.1:${port + 1}`, '--invoke', `tcp-echo(${port})`])).out, 'err(200)\n');
    assert.equal(connections, 1, 'the refused runs never reached the server');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('tessera run --allow-net localhost lets a 0.3 guest look the name up; other names stay refused', async () => {
  const granted = await tessera(['--allow-net', 'localhost', '--invoke', 'lookup("localhost")']);
  assert.equal(granted.err, '');
  const m = /^ok\((\d+)\)\n$/.exec(granted.out);
  assert.ok(m !== null, granted.out);
  assert.equal(Number(m[1]) & 1, 1, '127.0.0.1 among the answers');
  // ip-name-lookup's access-denied is case 0.
  assert.equal((await tessera(['--allow-net', 'localhost', '--invoke', 'lookup("example.com")'])).out, 'err(0)\n');
});
