import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { type AddressInfo, connect, createServer } from 'node:net';
import { test } from 'node:test';
import { NodeNetBackend, resolveGrants } from '../node-sockets.ts';
import { errOf, ioContext } from '../test-support.ts';
import type { InputStream, OutputStream } from '../io/streams.ts';
import { canonicalIp, type IpSocketAddress, parseIp } from './address.ts';
import { ipNameLookup } from './ip-name-lookup.ts';
import { Network, type SocketsContext } from './network.ts';
import { NetPolicy, parseGrant } from './policy.ts';
import { tcpCreateSocket } from './tcp.ts';
import { udpCreateSocket } from './udp.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function v4(port: number, a: [number, number, number, number] = [127, 0, 0, 1]): IpSocketAddress {
  return { tag: 'ipv4', val: { port, address: a } };
}

function context(allow: string[]): { cx: SocketsContext; backend: NodeNetBackend } {
  const backend = new NodeNetBackend();
  return { cx: { ...ioContext(), policy: new NetPolicy(allow), backend }, backend };
}

/** Calls `f` until it stops failing with would-block, waiting on `wait` between tries. */
async function finish<T>(f: () => T, wait: () => void | Promise<void>): Promise<T> {
  for (;;) {
    try {
      return f();
    } catch (e) {
      if ((e as { payload?: unknown }).payload !== 'would-block') throw e;
      await wait();
    }
  }
}

async function readAll(i: InputStream, n: number): Promise<string> {
  let out = '';
  while (out.length < n) out += dec(await i['blocking-read'](BigInt(n - out.length)));
  return out;
}

test('addresses: parsed and printed canonically', () => {
  assert.equal(canonicalIp('::1'), '0:0:0:0:0:0:0:1');
  assert.equal(canonicalIp('::ffff:127.0.0.1'), '0:0:0:0:0:ffff:7f00:1');
  assert.equal(canonicalIp('FE80::1:2'), 'fe80:0:0:0:0:0:1:2');
  assert.equal(canonicalIp('010.0.0.1'), undefined);
  assert.equal(canonicalIp('1:2:3:4:5:6:7:8:9'), undefined);
  assert.deepEqual(parseIp('10.1.2.3'), { tag: 'ipv4', val: [10, 1, 2, 3] });
});

test('allow-list: grants, and what they allow', () => {
  assert.deepEqual(parseGrant('[::1]:80'), { host: '0:0:0:0:0:0:0:1', port: 80, isIp: true });
  assert.deepEqual(parseGrant('Example.COM'), { host: 'example.com', port: undefined, isIp: false });
  assert.throws(() => parseGrant('host:99999'), /out of range/);
  assert.throws(() => parseGrant('a b'), /not a host name/);
  const p = new NetPolicy(['127.0.0.1:8080', 'example.com', '::1']);
  assert.ok(p.allowsPeer('127.0.0.1', 8080));
  assert.ok(!p.allowsPeer('127.0.0.1', 8081));
  assert.ok(p.allowsPeer('0:0:0:0:0:0:0:1', 1));
  assert.ok(!p.allowsPeer('93.184.216.34', 80));
  p.addResolved('example.com', ['93.184.216.34']);
  assert.ok(p.allowsPeer('93.184.216.34', 443));
  assert.ok(p.allowsName('EXAMPLE.com'));
  assert.ok(!p.allowsName('evil.com'));
  assert.ok(p.allowsListen('127.0.0.1', 8080));
  assert.ok(!p.allowsListen('127.0.0.1', 0), 'a port of 0 needs a grant without a port');
  assert.ok(p.allowsBind('0.0.0.0', 0), 'an ephemeral bind for outgoing use');
  assert.ok(!p.allowsBind('0.0.0.0', 80));
  assert.ok(new NetPolicy().empty);
});

test('TCP: echo over loopback through a granted port; others are access-denied', async () => {
  const server = createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const { cx, backend } = context([`127.0.0.1:${port}`]);
  try {
    const net = new Network();
    const create = tcpCreateSocket(cx)['create-tcp-socket'];
    const sock = create('ipv4');
    assert.equal(errOf(() => sock['start-connect'](net, v4(port + 1 === 65536 ? 1 : port + 1))), 'access-denied');
    assert.equal(errOf(() => sock['start-connect'](net, v4(port, [10, 0, 0, 1]))), 'access-denied');
    assert.equal(errOf(() => sock['start-connect'](net, { tag: 'ipv6', val: { port, 'flow-info': 0, address: [0, 0, 0, 0, 0, 0, 0, 1], 'scope-id': 0 } })), 'invalid-argument');
    assert.equal(errOf(() => sock['start-connect'](net, v4(0))), 'invalid-argument');
    assert.equal(errOf(() => sock['finish-connect']()), 'not-in-progress');
    sock['start-connect'](net, v4(port));
    assert.equal(errOf(() => sock['start-connect'](net, v4(port))), 'invalid-state');
    const pollable = sock.subscribe();
    const [input, output] = await finish(() => sock['finish-connect'](), () => pollable.block());
    assert.deepEqual(sock['remote-address'](), v4(port));
    assert.equal(sock['local-address']().tag, 'ipv4');
    await output['blocking-write-and-flush'](enc('ping over tcp'));
    assert.equal(await readAll(input, 13), 'ping over tcp');
    sock.shutdown('send');
    assert.deepEqual(await errOfClosed(input), { tag: 'closed' });
    sock[Symbol.dispose]();
  } finally {
    backend.closeAll();
    server.close();
  }
});

async function errOfClosed(i: InputStream): Promise<unknown> {
  try {
    for (;;) await i['blocking-read'](100n);
  } catch (e) {
    return (e as { payload?: unknown }).payload;
  }
}

test('TCP: a refused connection fails finish-connect and closes the socket', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const { cx, backend } = context([`127.0.0.1:${port}`]);
  const sock = tcpCreateSocket(cx)['create-tcp-socket']('ipv4');
  sock['start-connect'](new Network(), v4(port));
  await sock.subscribe().block();
  assert.equal(errOf(() => sock['finish-connect']()), 'connection-refused');
  assert.equal(errOf(() => sock['start-connect'](new Network(), v4(port))), 'invalid-state');
  backend.closeAll();
});

test('TCP: listen on a granted address, accept, echo back', async () => {
  const { cx, backend } = context(['127.0.0.1']);
  try {
    const net = new Network();
    const denied = tcpCreateSocket(cx)['create-tcp-socket']('ipv4');
    denied['start-bind'](net, v4(0, [0, 0, 0, 0]));
    denied['finish-bind']();
    assert.equal(errOf(() => denied['start-listen']()), 'access-denied');
    const sock = tcpCreateSocket(cx)['create-tcp-socket']('ipv4');
    assert.equal(errOf(() => sock['start-listen']()), 'invalid-state');
    sock['start-bind'](net, v4(0));
    sock['finish-bind']();
    sock['set-listen-backlog-size'](16n);
    sock['start-listen']();
    await finish(() => sock['finish-listen'](), () => sock.subscribe().block());
    assert.equal(sock['is-listening'](), true);
    const local = sock['local-address']();
    assert.ok(local.tag === 'ipv4' && local.val.port > 0);
    assert.equal(errOf(() => sock.accept()), 'would-block');
    const port = local.tag === 'ipv4' ? local.val.port : 0;
    const client = connect(port, '127.0.0.1');
    const reply = new Promise<string>((resolve) => {
      let got = '';
      client.on('data', (d) => { got += d.toString(); });
      client.on('end', () => resolve(got));
    });
    client.end('hello listener');
    const [conn, input, output]: [unknown, InputStream, OutputStream] = await finish(() => sock.accept(), () => sock.subscribe().block());
    const text = await readAll(input, 14);
    await output['blocking-write-and-flush'](enc(text.toUpperCase()));
    (conn as { shutdown(t: string): void }).shutdown('both');
    assert.equal(await reply, 'HELLO LISTENER');
    (conn as Disposable)[Symbol.dispose]();
    sock[Symbol.dispose]();
  } finally {
    backend.closeAll();
  }
});

test('TCP options: validated, stored, reported', () => {
  const { cx } = context([]);
  const s = tcpCreateSocket(cx)['create-tcp-socket']('ipv6');
  assert.equal(s['address-family'](), 'ipv6');
  assert.equal(errOf(() => s['set-listen-backlog-size'](0n)), 'invalid-argument');
  assert.equal(errOf(() => s['set-hop-limit'](0)), 'invalid-argument');
  assert.equal(errOf(() => s['set-keep-alive-idle-time'](0n)), 'invalid-argument');
  s['set-keep-alive-enabled'](true);
  s['set-keep-alive-idle-time'](1_500_000_000n);
  assert.equal(s['keep-alive-enabled'](), true);
  assert.equal(s['keep-alive-idle-time'](), 2_000_000_000n);
  s['set-receive-buffer-size'](4096n);
  assert.equal(s['receive-buffer-size'](), 4096n);
  assert.equal(errOf(() => s['local-address']()), 'invalid-state');
  assert.equal(errOf(() => s['remote-address']()), 'invalid-state');
  assert.equal(errOf(() => s.shutdown('both')), 'invalid-state');
  assert.equal(errOf(() => s['finish-bind']()), 'not-in-progress');
  assert.equal(errOf(() => tcpCreateSocket({ ...cx, backend: undefined })['create-tcp-socket']('ipv4')), 'not-supported');
});

test('UDP: a round trip with a granted peer; other peers are neither reached nor heard', async () => {
  const echo = createSocket('udp4');
  echo.on('message', (msg, rinfo) => echo.send(msg, rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));
  const port = echo.address().port;
  const stranger = createSocket('udp4');
  const { cx, backend } = context([`127.0.0.1:${port}`]);
  try {
    const net = new Network();
    const sock = udpCreateSocket(cx)['create-udp-socket']('ipv4');
    assert.equal(errOf(() => sock.stream(undefined)), 'invalid-state');
    assert.equal(errOf(() => sock['start-bind'](net, v4(5353))), 'access-denied');
    sock['start-bind'](net, v4(0));
    await finish(() => sock['finish-bind'](), () => sock.subscribe().block());
    const local = sock['local-address']();
    const myPort = local.tag === 'ipv4' ? local.val.port : 0;
    assert.ok(myPort > 0);
    const [incoming, outgoing] = sock.stream(undefined);
    assert.equal(outgoing['check-send'](), 64n);
    assert.equal(errOf(() => outgoing.send([{ data: enc('x'), 'remote-address': v4(port + 1) }])), 'access-denied');
    assert.equal(errOf(() => outgoing.send([{ data: enc('x'), 'remote-address': undefined }])), 'invalid-argument');
    assert.equal(outgoing.send([{ data: enc('datagram one'), 'remote-address': v4(port) }]), 1n);
    // A datagram from a peer nobody granted is dropped.
    stranger.send('from a stranger', myPort, '127.0.0.1');
    const got = await finish(() => {
      const r = incoming.receive(10n);
      if (r.length === 0) throw Object.assign(new Error(), { payload: 'would-block' });
      return r;
    }, () => incoming.subscribe().block());
    assert.equal(got.length, 1);
    assert.equal(dec(got[0].data), 'datagram one');
    assert.deepEqual(got[0]['remote-address'], v4(port));
    // Connected to the peer: sends need no address; a second stream call retires the first pair.
    const [in2, out2] = sock.stream(v4(port));
    assert.deepEqual(sock['remote-address'](), v4(port));
    assert.equal(errOf(() => outgoing['check-send']()), 'invalid-state');
    out2['check-send']();
    assert.equal(out2.send([{ data: enc('two'), 'remote-address': undefined }]), 1n);
    await in2.subscribe().block();
    assert.equal(dec(in2.receive(1n)[0].data), 'two');
    assert.throws(() => out2.send(new Array(65).fill({ data: enc('z'), 'remote-address': undefined })), /check-send permitted/);
    sock[Symbol.dispose]();
  } finally {
    backend.closeAll();
    echo.close();
    stranger.close();
  }
});

test('ip-name-lookup: granted names resolve (and become reachable); others fail', async () => {
  const { cx, backend } = context(['localhost:9']);
  await resolveGrants(cx.policy, backend);
  assert.ok(cx.policy.allowsPeer('127.0.0.1', 9));
  const lookup = ipNameLookup(cx);
  const net = new Network();
  const s = lookup['resolve-addresses'](net, 'localhost');
  await s.subscribe().block();
  const first = s['resolve-next-address']();
  assert.ok(first !== undefined && (first.tag === 'ipv4' || first.tag === 'ipv6'));
  assert.equal(errOf(() => lookup['resolve-addresses'](net, 'example.com')), 'permanent-resolver-failure');
  assert.equal(errOf(() => lookup['resolve-addresses'](net, 'not a name')), 'invalid-argument');
  const literal = lookup['resolve-addresses'](net, '10.0.0.1');
  assert.deepEqual(literal['resolve-next-address'](), { tag: 'ipv4', val: [10, 0, 0, 1] });
  assert.equal(literal['resolve-next-address'](), undefined);
});
