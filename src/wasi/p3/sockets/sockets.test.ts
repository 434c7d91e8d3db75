// wasi:sockets@0.3.0 from a guest written in component text, against real loopback servers
// and clients this test starts with node:net and node:dgram: TCP connect + send + receive, a
// listening socket accepting a node client, a UDP round trip, a lookup of localhost, and the
// allow-list's refusals (nothing reachable by default, unlisted ports and names refused).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { encodeComponent } from '../../../component/binary/encode.ts';
import { parseComponent } from '../../../component/text/parse.ts';
import type { ComponentStream } from '../../../component/link/index.ts';
import { NodeNetBackend } from '../../p2/node-sockets.ts';
import { NetPolicy } from '../../p2/sockets/policy.ts';
import { WasiP3, type WasiP3Options } from '../host.ts';
import { socketsInterfaces, type TcpSocket, type UdpSocket } from './index.ts';

type Fn = (...args: unknown[]) => Promise<unknown>;

/** The guest's results: `ok` is the value; an error is `step + code` (the step names the call; the code is the error-code case index). */
const STEP = { create: 100, connectOrBind: 200, sendOrListen: 300, receiveOrAccept: 400, check: 500 } as const;
/** types.error-code case indices. */
const EC = { 'access-denied': 0, 'not-supported': 1 } as const;

/** The guest (test/fixtures/wasi-p3/sockets.wat says what each export does). */
const GUEST = new URL('../../../../test/fixtures/wasi-p3/sockets.wat', import.meta.url);
let compiled: Uint8Array | undefined;
const guest = (): Uint8Array => (compiled ??= encodeComponent(parseComponent(readFileSync(GUEST, 'utf8'))));

/** Runs `f` with the guest's exports on a WasiP3 of `options` (and a node network, unless `noNetwork`). */
async function withGuest(options: WasiP3Options & { noNetwork?: boolean }, f: (exports: Record<string, Fn>) => Promise<void>): Promise<void> {
  const network = options.noNetwork === true ? undefined : new NodeNetBackend();
  try {
    const { exports } = await new WasiP3({ ...options, ...(network === undefined ? {} : { network }) }).instantiate(guest());
    await f(exports as Record<string, Fn>);
  } finally {
    network?.closeAll();
  }
}

/** The guest's `err` value (its ComponentError's payload). */
async function errOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return (e as { payload?: unknown }).payload;
  }
  return assert.fail('expected err');
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** A free loopback port (free as of now). */
async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listening(s);
  await close(s);
  return port;
}

test('TCP: a guest connects to a node server, sends, and receives its answer until the FIN', async () => {
  const seen: string[] = [];
  const server = createServer((s) => {
    let got = '';
    s.on('data', (d: Buffer) => { got += d.toString(); });
    // The guest's end of its send stream arrives as the FIN.
    s.on('end', () => {
      seen.push(got);
      s.end(`echo: ${got}`);
    });
  });
  const port = await listening(server);
  try {
    await withGuest({ allowNet: [`127.0.0.1:${port}`] }, async (g) => {
      assert.equal(await g['tcp-echo'](port), 'echo: hello, tessera');
    });
    assert.deepEqual(seen, ['hello, tessera']);
  } finally {
    await close(server);
  }
});

test('TCP: a connection the peer resets ends with connection-reset (in the receive future, or the send one if it comes first)', async () => {
  const server = createServer((s) => { s.on('data', () => s.resetAndDestroy()); });
  const port = await listening(server);
  try {
    await withGuest({ allowNet: [`127.0.0.1:${port}`] }, async (g) => {
      const code = await errOf(g['tcp-echo'](port)) as number;
      assert.ok(code === STEP.receiveOrAccept + 11 || code === STEP.sendOrListen + 11, `connection-reset (11) from receive or send, got ${code}`);
    });
  } finally {
    await close(server);
  }
});

test('TCP: a listening guest accepts a node client, receives, answers', async () => {
  const port = await freePort();
  await withGuest({ allowNet: [`127.0.0.1:${port}`] }, async (g) => {
    const served = g['tcp-serve'](port);
    // The guest listens as it starts; the client retries until it does.
    let reply = '';
    for (let attempt = 0; ; attempt++) {
      try {
        reply = await new Promise<string>((resolve, reject) => {
          const c = connect(port, '127.0.0.1', () => c.end('ping from node'));
          let got = '';
          c.on('data', (d: Buffer) => { got += d.toString(); });
          c.on('end', () => resolve(got));
          c.on('error', reject);
        });
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'ECONNREFUSED' || attempt > 50) throw e;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    assert.equal(await served, 'ping from node');
    assert.equal(reply, 'got ping from node');
  });
});

test('UDP: a guest sends a datagram to a node socket and receives the answer', async () => {
  const server = createSocket('udp4');
  server.on('message', (msg, from) => server.send(`echo:${msg.toString()}`, from.port, from.address));
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  const port = server.address().port;
  try {
    await withGuest({ allowNet: [`127.0.0.1:${port}`] }, async (g) => {
      assert.equal(await g['udp-echo'](port), 'echo:datagram!');
    });
  } finally {
    server.close();
  }
});

test('ip-name-lookup: a granted localhost resolves (127.0.0.1 among the answers); an IP is its own answer', async () => {
  await withGuest({ allowNet: ['localhost'] }, async (g) => {
    const r = await g.lookup('localhost') as number;
    assert.ok(r >> 8 >= 1, `at least one address (got ${r >> 8})`);
    assert.equal(r & 1, 1, '127.0.0.1 is among them');
    assert.equal(await g.lookup('127.0.0.1'), (1 << 8) | 1);
  });
});

test('denied: with no options a guest has no network at all (creating a socket is not-supported)', async () => {
  await withGuest({ noNetwork: true }, async (g) => {
    assert.equal(await errOf(g['tcp-echo'](80)), STEP.create + EC['not-supported']);
    assert.equal(await errOf(g['udp-echo'](53)), STEP.create + EC['not-supported']);
    assert.equal(await errOf(g.lookup('localhost')), 0 /* access-denied */);
  });
});

test('denied: with a network but no grants, nothing is reachable: connect, bind, send and lookups are access-denied', async () => {
  const server = createServer((s) => s.destroy());
  let accepted = 0;
  server.on('connection', () => { accepted++; });
  const port = await listening(server);
  try {
    await withGuest({}, async (g) => {
      assert.equal(await errOf(g['tcp-echo'](port)), STEP.connectOrBind + EC['access-denied']);
      assert.equal(await errOf(g['tcp-serve'](port + 1)), STEP.connectOrBind + EC['access-denied']);
      assert.equal(await errOf(g['udp-echo'](port)), STEP.sendOrListen + EC['access-denied']);
      assert.equal(await errOf(g.lookup('localhost')), 0 /* access-denied */);
    });
    assert.equal(accepted, 0, 'no connection reached the server');
  } finally {
    await close(server);
  }
});

test('denied: a grant for one port does not reach another, nor bind it, nor look up other names', async () => {
  const server = createServer((s) => s.destroy());
  let accepted = 0;
  server.on('connection', () => { accepted++; });
  const port = await listening(server);
  const other = await freePort();
  try {
    await withGuest({ allowNet: [`127.0.0.1:${other}`] }, async (g) => {
      assert.equal(await errOf(g['tcp-echo'](port)), STEP.connectOrBind + EC['access-denied']);
      assert.equal(await errOf(g['tcp-serve'](port)), STEP.connectOrBind + EC['access-denied']);
      assert.equal(await errOf(g['udp-echo'](port)), STEP.sendOrListen + EC['access-denied']);
      assert.equal(await errOf(g.lookup('localhost')), 0 /* access-denied */);
    });
    assert.equal(accepted, 0, 'no connection reached the server');
  } finally {
    await close(server);
  }
});

// ---- the host's side, called from JavaScript: states, options and error codes ----

const v4 = (port: number, a: [number, number, number, number] = [127, 0, 0, 1]) => ({ tag: 'ipv4', val: { port, address: a } }) as const;

function host(allow: string[]) {
  const backend = new NodeNetBackend();
  const i = socketsInterfaces({ policy: new NetPolicy(allow), backend });
  return {
    backend,
    tcp: () => i.types['[static]tcp-socket.create']('ipv4'),
    udp: () => i.types['[static]udp-socket.create']('ipv4'),
    lookup: i['ip-name-lookup']['resolve-addresses'],
  };
}

/** The err payload of a call that throws (a ComponentError), awaited if it returns a promise. */
async function codeOf(f: () => unknown): Promise<unknown> {
  return errOf((async () => f())());
}

test('tcp-socket states: bind checks, a refused connect closes the socket, send and receive need a connection', async () => {
  const port = await freePort(); // nobody listens there now
  const h = host([`127.0.0.1:${port}`]);
  try {
    const s: TcpSocket = h.tcp();
    assert.deepEqual(await codeOf(() => s['get-local-address']()), { tag: 'invalid-state' });
    assert.deepEqual(await codeOf(() => s.bind({ tag: 'ipv6', val: { port: 0, 'flow-info': 0, address: [0, 0, 0, 0, 0, 0, 0, 1], 'scope-id': 0 } })), { tag: 'invalid-argument' });
    assert.deepEqual(await codeOf(() => s.bind(v4(port + 1))), { tag: 'access-denied' });
    s.bind(v4(0)); // an ephemeral port for outgoing use is always allowed
    assert.deepEqual(await codeOf(() => s.bind(v4(0))), { tag: 'invalid-state' });
    let cancelled = false;
    const stream = { read: () => Promise.resolve(undefined), cancel: () => { cancelled = true; return Promise.resolve(); } };
    assert.deepEqual(await s.send(stream as unknown as ComponentStream), { tag: 'err', val: { tag: 'invalid-state' } });
    assert.ok(cancelled, 'the refused stream is dropped');
    const [nothing, outcome] = s.receive();
    assert.deepEqual([...nothing as Iterable<Uint8Array>], []);
    assert.deepEqual(await outcome, { tag: 'err', val: { tag: 'invalid-state' } });
    assert.deepEqual(await codeOf(() => s.connect(v4(0))), { tag: 'invalid-argument' });
    assert.deepEqual(await codeOf(() => s.connect(v4(port))), { tag: 'connection-refused' });
    assert.deepEqual(await codeOf(() => s.connect(v4(port))), { tag: 'invalid-state' }, 'one attempt per socket');
    s[Symbol.dispose]();
  } finally {
    h.backend.closeAll();
  }
});

test('tcp-socket options: defaults, rounding, zero refused; a listener on port 0 reports the port it got', async () => {
  const h = host(['127.0.0.1']);
  try {
    const s: TcpSocket = h.tcp();
    assert.equal(s['get-keep-alive-enabled'](), false);
    s['set-keep-alive-idle-time'](1_500_000_000n);
    assert.equal(s['get-keep-alive-idle-time'](), 2_000_000_000n, 'whole seconds, rounded up');
    for (const set of [() => s['set-hop-limit'](0), () => s['set-keep-alive-count'](0), () => s['set-receive-buffer-size'](0n), () => s['set-listen-backlog-size'](0n)]) {
      assert.deepEqual(await codeOf(set), { tag: 'invalid-argument' });
    }
    s.bind(v4(0));
    const accepted = s.listen();
    assert.equal(s['get-is-listening'](), true);
    assert.deepEqual(await codeOf(() => s.listen()), { tag: 'invalid-state' });
    assert.deepEqual(await codeOf(() => s['set-listen-backlog-size'](10n)), { tag: 'not-supported' });
    // The platform binds as the event loop turns (RATIONALE.md); then the real port shows.
    const it = accepted[Symbol.asyncIterator]();
    const next = it.next();
    const portNow = () => (s['get-local-address']().val as { port: number }).port;
    for (let turns = 0; portNow() === 0 && turns < 1000; turns++) await new Promise((resolve) => setImmediate(resolve));
    const port = portNow();
    assert.notEqual(port, 0);
    const client = connect(port, '127.0.0.1');
    const got = await next;
    assert.equal(got.done, false);
    const peer = (got.value as TcpSocket[])[0];
    assert.equal(((peer['get-local-address']().val) as { port: number }).port, port);
    assert.equal(((peer['get-remote-address']().val) as { port: number }).port, client.localPort);
    client.destroy();
    await it.return?.();
  } finally {
    h.backend.closeAll();
  }
});

test('shared ownership: a listen stream keeps listening after the socket handle is dropped; dropping both closes it', async () => {
  const port = await freePort();
  const h = host([`127.0.0.1:${port}`]);
  try {
    const s: TcpSocket = h.tcp();
    s.bind(v4(port));
    const it = s.listen()[Symbol.asyncIterator]();
    s[Symbol.dispose]();
    const tryConnect = () => new Promise<string>((resolve) => {
      const c = connect(port, '127.0.0.1', () => { c.destroy(); resolve('connected'); });
      c.on('error', (e: Error & { code?: string }) => resolve(e.code ?? 'error'));
    });
    let outcome = await tryConnect();
    for (let attempt = 0; outcome === 'ECONNREFUSED' && attempt < 50; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 5)); // the platform listens on a later turn
      outcome = await tryConnect();
    }
    assert.equal(outcome, 'connected');
    const got = await it.next();
    assert.equal(got.done, false);
    (got.value as TcpSocket[])[0][Symbol.dispose]();
    await it.return?.();
    for (let turns = 0; turns < 100 && (await tryConnect()) !== 'ECONNREFUSED'; turns++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await tryConnect(), 'ECONNREFUSED', 'the listener closed with its last holder');
  } finally {
    h.backend.closeAll();
  }
});

test('a listen the platform refuses (the port is in use) ends its stream of connections at once and closes the socket', async () => {
  const holder = createServer();
  const port = await listening(holder);
  const h = host([`127.0.0.1:${port}`]);
  try {
    const s: TcpSocket = h.tcp();
    s.bind(v4(port));
    const it = s.listen()[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, true);
    assert.equal(s['get-is-listening'](), false);
    assert.deepEqual(await codeOf(() => s['get-local-address']()), { tag: 'invalid-state' });
  } finally {
    h.backend.closeAll();
    await close(holder);
  }
});

test('udp-socket: receive needs a bind, connect needs a granted peer, disconnect a connection, datagrams have a size limit', async () => {
  const h = host(['127.0.0.1:9']);
  try {
    const u: UdpSocket = h.udp();
    assert.deepEqual(await codeOf(() => u.receive()), { tag: 'invalid-state' });
    assert.deepEqual(await codeOf(() => u.disconnect()), { tag: 'invalid-state' });
    assert.deepEqual(await codeOf(() => u.connect(v4(10))), { tag: 'access-denied' });
    assert.deepEqual(await codeOf(() => u.send(new Uint8Array(1), undefined)), { tag: 'invalid-argument' }, 'no peer');
    assert.deepEqual(await codeOf(() => u.send(new Uint8Array(70000), v4(9))), { tag: 'datagram-too-large' });
    u.connect(v4(9));
    assert.equal((u['get-remote-address']().val as { port: number }).port, 9);
    assert.deepEqual(await codeOf(() => u.send(new Uint8Array(1), v4(9, [127, 0, 0, 2]))), { tag: 'invalid-argument' }, 'not the connected peer');
    u.disconnect();
    assert.deepEqual(await codeOf(() => u['get-remote-address']()), { tag: 'invalid-state' });
    u[Symbol.dispose]();
  } finally {
    h.backend.closeAll();
  }
});

test('ip-name-lookup: literal addresses need no grant (IPv4-mapped ones come back as IPv4); bad names are invalid-argument', async () => {
  const h = host([]);
  assert.deepEqual(await h.lookup('::ffff:10.1.2.3'), [{ tag: 'ipv4', val: [10, 1, 2, 3] }]);
  assert.deepEqual(await h.lookup('[::1]'), [{ tag: 'ipv6', val: [0, 0, 0, 0, 0, 0, 0, 1] }]);
  assert.deepEqual(await codeOf(() => h.lookup('not a name')), { tag: 'invalid-argument' });
  assert.deepEqual(await codeOf(() => h.lookup('example.com')), { tag: 'access-denied' });
});

test('hostile addresses: an IPv4-mapped IPv6 peer is refused (no way around an IPv4 grant), and so is 0.0.0.0', async () => {
  const h = host(['127.0.0.1']);
  const i = socketsInterfaces({ policy: new NetPolicy(['127.0.0.1']), backend: h.backend });
  try {
    const s6: TcpSocket = i.types['[static]tcp-socket.create']('ipv6');
    const mapped = { tag: 'ipv6', val: { port: 80, 'flow-info': 0, address: [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1], 'scope-id': 0 } } as const;
    assert.deepEqual(await codeOf(() => s6.connect(mapped)), { tag: 'invalid-argument' });
    assert.deepEqual(await codeOf(() => h.tcp().connect(v4(80, [0, 0, 0, 0]))), { tag: 'invalid-argument' });
    assert.deepEqual(await codeOf(() => h.tcp().connect(v4(80, [127, 0, 0, 2]))), { tag: 'access-denied' });
  } finally {
    h.backend.closeAll();
  }
});

test('UDP: datagrams from peers nobody granted are dropped before the guest sees them', async () => {
  const granted = createSocket('udp4');
  const intruder = createSocket('udp4');
  await new Promise<void>((resolve) => granted.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => intruder.bind(0, '127.0.0.1', resolve));
  const h = host([`127.0.0.1:${granted.address().port}`]);
  try {
    const u: UdpSocket = h.udp();
    u.bind(v4(0));
    const portNow = () => (u['get-local-address']().val as { port: number }).port;
    for (let turns = 0; portNow() === 0 && turns < 1000; turns++) await new Promise((resolve) => setImmediate(resolve));
    const port = portNow();
    assert.notEqual(port, 0);
    const received = u.receive();
    await new Promise<void>((resolve) => intruder.send('from the intruder', port, '127.0.0.1', () => resolve()));
    await new Promise<void>((resolve) => granted.send('from the granted peer', port, '127.0.0.1', () => resolve()));
    const [data, from] = await received;
    assert.equal(new TextDecoder().decode(data), 'from the granted peer');
    assert.equal((from.val as { port: number }).port, granted.address().port);
    u[Symbol.dispose]();
  } finally {
    h.backend.closeAll();
    granted.close();
    intruder.close();
  }
});
